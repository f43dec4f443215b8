//! Demo routing (并联审批): templates for a third of the non-instant items, some in two stages,
//! and the open cases of those items fanned out to their first stage (docs/routing.md).

use sqlx::PgConnection;

use crate::store::StoreError;

/// Hand-written templates: (item, lead, deemed consent, stages of department codes).
const TEMPLATES: [(&str, &str, bool, &[&[&str]]); 4] = [
    // 食品经营许可: 市场监管 + 卫健 + 生态环境 in parallel.
    ("SCJG-005", "SCJG", false, &[&["SCJG", "WJW", "HBJ"]]),
    // 建设工程规划许可: 自然资源 + 住建 + 应急 in parallel, then 生态环境.
    (
        "ZRZY-003",
        "ZRZY",
        true,
        &[&["ZRZY", "ZJJ", "YJJ"], &["HBJ"]],
    ),
    // 商品房预售许可: 住建 + 自然资源, then 税务.
    ("ZJJ-002", "ZJJ", false, &[&["ZJJ", "ZRZY"], &["SWJ"]]),
    // 建设项目用地预审: 自然资源 + 发改 + 生态环境.
    ("ZRZY-001", "ZRZY", true, &[&["ZRZY", "FGJ", "HBJ"]]),
];

pub(super) async fn seed_routing(conn: &mut PgConnection) -> Result<(), StoreError> {
    for (item, lead, deemed, stages) in TEMPLATES {
        sqlx::query(
            "insert into routing_templates (item_id, version, lead_department_id, deemed_consent)
             select i.item_id, 1, d.department_id, $3 from items i, departments d
             where i.code = $1 and d.code = $2",
        )
        .bind(item)
        .bind(lead)
        .bind(deemed)
        .execute(&mut *conn)
        .await?;
        for (n, depts) in stages.iter().enumerate() {
            sqlx::query(
                "insert into routing_template_branches (template_id, stage, department_id)
                 select t.template_id, $2, d.department_id
                 from routing_templates t join items i using (item_id), departments d
                 where i.code = $1 and d.code = any($3)",
            )
            .bind(item)
            .bind(n as i32 + 1)
            .bind(depts)
            .execute(&mut *conn)
            .await?;
        }
    }
    // Every third other non-instant item: its own department and the next one, in parallel.
    sqlx::query(
        "with picked as (
             select i.item_id, i.department_id,
                    (select d2.department_id from departments d2
                      where d2.department_id > i.department_id and d2.kind = 'center_department'
                      order by d2.department_id limit 1) as partner
             from items i
             where not i.is_instant and i.item_id % 3 = 0
               and not exists (select 1 from routing_templates t where t.item_id = i.item_id))
         , t as (
             insert into routing_templates (item_id, version, lead_department_id)
             select item_id, 1, department_id from picked where partner is not null
             returning template_id, item_id)
         insert into routing_template_branches (template_id, stage, department_id)
         select t.template_id, 1, x.department_id
         from t join picked p using (item_id)
         cross join lateral (values (p.department_id), (p.partner)) as x(department_id)",
    )
    .execute(&mut *conn)
    .await?;
    // The open cases of routed items are under review by their first stage.
    sqlx::query(
        "insert into case_routes (case_id, template_id, state, stage)
         select c.case_id, t.template_id, 'review', 1
         from cases c join routing_templates t using (item_id)
         where c.status = 'accepted'",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into case_branches (case_id, stage, department_id, reply_due, opened_at)
         select r.case_id, 1, b.department_id,
                -- The demo's replies fall due around today: a few late, most not yet.
                greatest(coalesce(c.accepted_at, c.received_at)::date + b.reply_days,
                         current_date + (r.case_id % 9)::int - 2),
                coalesce(c.accepted_at, c.received_at)
         from case_routes r join cases c using (case_id)
         join routing_template_branches b on b.template_id = r.template_id and b.stage = 1",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
