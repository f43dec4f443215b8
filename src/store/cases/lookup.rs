//! Quick lookup (快速查询): a case from whatever the citizen says, index-backed for every kind
//! (migrations/0013), limited to what the operator may see; and revealing a masked applicant,
//! with a reason, into the access log (audited).

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::cases::mask;
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};

/// What a query matched, strongest first.
pub const KINDS: [&str; 5] = ["payment_code", "case_no", "id_no", "phone", "name"];

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Hit {
    /// case_no, id_no, phone or name: which part of the case matched.
    pub kind: String,
    /// The whole value matched, not only a part.
    pub exact: bool,
    pub case_id: i64,
    pub case_no: String,
    pub item_zh: String,
    pub item_en: String,
    pub department_code: String,
    pub applicant_kind: String,
    /// Unmasked: the screen and the headless output mask it.
    pub applicant_name: String,
    pub applicant_id_no: String,
    pub applicant_phone: String,
    pub status: String,
    pub received_at: DateTime<Utc>,
}

impl Hit {
    /// How a hit shows its applicant: masked, the part that matched in front.
    pub fn masked_applicant(&self) -> String {
        let name = if self.applicant_kind == "person" {
            mask::person_name(&self.applicant_name)
        } else {
            self.applicant_name.clone()
        };
        match self.kind.as_str() {
            "id_no" => format!("{} {name}", mask::id_number(&self.applicant_id_no)),
            "phone" => format!("{} {name}", mask::phone(&self.applicant_phone)),
            _ => name,
        }
    }
}

/// Which kinds a query can be: the shape decides, so a name is never looked up as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    /// Upper-cased, trimmed.
    pub text: String,
    pub case_no: bool,
    pub id_no: bool,
    pub phone: bool,
    pub name: bool,
    /// A whole payment code (20 digits with its check digit).
    pub payment_code: bool,
}

pub fn plan(query: &str) -> QueryPlan {
    let text = query.trim().to_uppercase();
    let n = text.chars().count();
    let all = |f: fn(char) -> bool| !text.is_empty() && text.chars().all(f);
    QueryPlan {
        case_no: n >= 3 && all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-'),
        // At least six characters of an ID number (issue 15.7): four-character tails, tried in
        // growing order, gave a whole ID number back in 45 lookups.
        id_no: n >= 6 && all(|c| c.is_ascii_digit() || c == 'X') && n <= 18,
        phone: n >= 4 && all(|c| c.is_ascii_digit()) && n <= 12,
        // Two characters of a name. Names have no digits: a query with one is a number (looking
        // "SCJG-00017" up as a name would intersect the pairs "sc", "cj"… of every SCJG case).
        name: n >= 2 && !text.chars().any(|c| c.is_ascii_digit()),
        payment_code: crate::domain::fees::payment_code::is_valid(&text),
        text,
    }
}

impl QueryPlan {
    /// The kinds this query searches, for the lookup log.
    pub fn kinds(&self) -> Vec<&'static str> {
        [
            (self.payment_code, "payment_code"),
            (self.case_no, "case_no"),
            (self.id_no, "id_no"),
            (self.phone, "phone"),
            (self.name, "name"),
        ]
        .into_iter()
        .filter_map(|(on, k)| on.then_some(k))
        .collect()
    }

    /// A number lookup (a tail of an ID, a phone, a case number): the enumeration pattern counts
    /// these.
    pub fn is_number(&self) -> bool {
        (self.id_no || self.phone || self.case_no) && !self.name
    }
}

/// Looks a query up in every kind it can be, among the cases the viewer may see (their
/// department's; every case for supervisors). Ranked: kind, whole matches first, newest first.
/// Every lookup that searches is logged (lookup_log), at most `lookup_policy.per_minute` a minute
/// are answered, and a run of number lookups that looks like enumeration is reported.
pub async fn lookup(
    pool: &PgPool,
    viewer: i64,
    query: &str,
    limit: i64,
) -> Result<Vec<Hit>, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, viewer).await?;
    let all = allows(&me.roles, Permission::SeeAllCases);
    if !(all || allows(&me.roles, Permission::WorkCase)) {
        return Err(StoreError::Forbidden(Permission::WorkCase));
    }
    let p = plan(query);
    let kinds = p.kinds();
    if kinds.is_empty() {
        return Ok(vec![]);
    }
    let length = p.text.chars().count() as i32;
    // The operator's row, locked: concurrent lookups of one operator count one after another,
    // so the limit holds exactly (NO KEY UPDATE, as sign-in takes it: audit rows reference it).
    sqlx::query("select 1 from operators where operator_id = $1 for no key update")
        .bind(viewer)
        .execute(&mut *tx)
        .await?;
    let (per_minute, notice_after, last_minute, numbers): (i32, i32, i64, i64) = sqlx::query_as(
        "select p.per_minute, p.notice_after,
                (select count(*) from lookup_log l where l.operator_id = $1 and not l.refused
                   and l.at > now() - interval '1 minute'),
                (select count(*) from lookup_log l where l.operator_id = $1 and not l.refused
                   and l.at > now() - interval '10 minutes'
                   and not ('name' = any (l.kinds))
                   and l.kinds && array['id_no', 'phone', 'case_no'])
         from lookup_policy p",
    )
    .bind(viewer)
    .fetch_one(&mut *tx)
    .await?;
    let log = |hits: i32, refused: bool| {
        sqlx::query(
            "insert into lookup_log (operator_id, kinds, length, hits, refused)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(viewer)
        .bind(kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>())
        .bind(length)
        .bind(hits)
        .bind(refused)
    };
    if last_minute >= i64::from(per_minute) {
        log(0, true).execute(&mut *tx).await?;
        tx.commit().await?;
        return Err(StoreError::Invalid {
            field: "query",
            reason: format!(
                "at most {per_minute} lookups a minute (lookup_policy); wait a moment and try again"
            ),
        });
    }
    let args = lookup_args(all, me.department_id, query, limit)?;
    let hits = sqlx::query_as_with::<_, Hit, _>(LOOKUP_SQL, args)
        .fetch_all(&mut *tx)
        .await?;
    log(hits.len() as i32, false).execute(&mut *tx).await?;
    // Reported once, when the run reaches the threshold (not at every lookup after it).
    if p.is_number() && numbers + 1 == i64::from(notice_after) {
        audit::append(
            &mut tx,
            NewAudit {
                operator_id: Some(viewer),
                action: "lookup.pattern",
                entity: "operator",
                entity_id: Some(viewer.to_string()),
                detail: json!({ "number_lookups": numbers + 1, "minutes": 10,
                                "reason": format!("{} number lookups in 10 minutes", numbers + 1) }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(hits)
}

/// PostgreSQL's own time for the same lookup (EXPLAIN ANALYZE): the benchmark's bare-database
/// baseline.
pub async fn lookup_explained(
    pool: &PgPool,
    all: bool,
    department_id: i64,
    query: &str,
    limit: i64,
) -> Result<crate::store::Explained, StoreError> {
    let args = lookup_args(all, department_id, query, limit)?;
    let plan: serde_json::Value = sqlx::query_scalar_with(
        // Built from a constant only: nothing typed reaches the text.
        sqlx::AssertSqlSafe(format!("explain (analyze, format json) {LOOKUP_SQL}")),
        args,
    )
    .fetch_one(pool)
    .await?;
    Ok(crate::store::Explained::from_plan(&plan))
}

/// The lookup's parameters, in the order of `LOOKUP_SQL`.
fn lookup_args(
    all: bool,
    department_id: i64,
    query: &str,
    limit: i64,
) -> Result<sqlx::postgres::PgArguments, StoreError> {
    use sqlx::Arguments;
    let p = plan(query);
    // Tails are prefixes of the reversed text: a range on the text_pattern_ops index (`~>=~`,
    // `~<~`), which holds for a prepared statement's generic plan too, unlike LIKE with a bound
    // pattern. chr(127) is above every character of case numbers, IDs and phones.
    let reversed: String = p.text.chars().rev().collect();
    let name_pattern = format!("%{}%", crate::store::catalogue::escape_like(query.trim()));
    let mut a = sqlx::postgres::PgArguments::default();
    let bad = |e| StoreError::Conflict(format!("lookup arguments: {e}"));
    a.add(all).map_err(bad)?;
    a.add(department_id).map_err(bad)?;
    a.add(reversed).map_err(bad)?;
    a.add(p.text.clone()).map_err(bad)?;
    a.add(p.case_no).map_err(bad)?;
    a.add(p.id_no).map_err(bad)?;
    a.add(p.phone).map_err(bad)?;
    a.add(p.name).map_err(bad)?;
    a.add(limit).map_err(bad)?;
    a.add(query.trim().to_string()).map_err(bad)?;
    a.add(name_pattern).map_err(bad)?;
    a.add(p.payment_code).map_err(bad)?;
    Ok(a)
}

/// Every kind in one statement; each branch is limited and index-backed. `case_id + 0` keeps the
/// planner from walking the primary key backwards in search of the newest matches (it cannot
/// know that a tail matches only a handful of rows): it reads the few matches from the lookup
/// index and sorts those.
const LOOKUP_SQL: &str = "with v as (select $1::boolean as all_cases, $2::bigint as dept),
         hits as (
           (select 'payment_code' as kind, true as exact, c.case_id
            from fee_assessments f join cases c using (case_id), v
            where $12 and f.payment_code = $4
              and (v.all_cases or c.department_id = v.dept))
           union all
           (select 'case_no', c.case_no = $4, c.case_id
            from cases c, v
            where $5 and reverse(c.case_no) ~>=~ $3 and reverse(c.case_no) ~<~ ($3 || chr(127))
              and (v.all_cases or c.department_id = v.dept)
            order by c.case_id + 0 desc limit $9)
           union all
           (select 'id_no', c.applicant_id_no = $4, c.case_id
            from cases c, v
            where $6 and reverse(c.applicant_id_no) ~>=~ $3
              and reverse(c.applicant_id_no) ~<~ ($3 || chr(127))
              and (v.all_cases or c.department_id = v.dept)
            order by c.case_id + 0 desc limit $9)
           union all
           (select 'phone', c.applicant_phone = $4, c.case_id
            from cases c, v
            where $7 and reverse(c.applicant_phone) ~>=~ $3
              and reverse(c.applicant_phone) ~<~ ($3 || chr(127))
              and (v.all_cases or c.department_id = v.dept)
            order by c.case_id + 0 desc limit $9)
           union all
           (select 'name', lower(c.applicant_name) = lower($10), c.case_id
            from cases c, v
            where $8 and c.applicant_name_bigrams @> name_bigrams($10)
              and c.applicant_name ilike $11
              and (v.all_cases or c.department_id = v.dept)
            order by c.case_id + 0 desc limit $9))
         select h.kind, h.exact, c.case_id, c.case_no, i.name_zh as item_zh, i.name_en as item_en,
                d.code as department_code, c.applicant_kind::text as applicant_kind,
                c.applicant_name, c.applicant_id_no, c.applicant_phone, c.status::text as status,
                c.received_at
         from hits h
         join cases c using (case_id)
         join items i on i.item_id = c.item_id
         join departments d on d.department_id = c.department_id
         order by array_position(array['payment_code', 'case_no', 'id_no', 'phone', 'name'],
                                 h.kind),
                  h.exact desc, c.received_at desc
         limit $9";

/// An applicant in full, once revealed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Revealed {
    pub applicant_name: String,
    pub applicant_id_no: String,
    pub applicant_phone: String,
    pub applicant_address: String,
}

/// Shows a case's applicant unmasked: chief representatives and supervisors, within what they
/// may see, with a reason — written to the access log (an audit row, hash-chained like every
/// other) in the same transaction as the reading.
pub async fn reveal(
    pool: &PgPool,
    viewer: i64,
    case_id: i64,
    reason: &str,
) -> Result<Revealed, StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "say why the personal data is needed".into(),
        });
    }
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, viewer).await?;
    me.require(Permission::RevealPersonal)?;
    let dept: i64 = sqlx::query_scalar("select department_id from cases where case_id = $1")
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
    if dept != me.department_id && !allows(&me.roles, Permission::SeeAllCases) {
        return Err(StoreError::Forbidden(Permission::RevealPersonal));
    }
    let r: Revealed = sqlx::query_as(
        "select applicant_name, applicant_id_no, applicant_phone, applicant_address
         from cases where case_id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(viewer),
            action: "personal.reveal",
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: json!({ "reason": reason.trim(),
                            "fields": ["name", "id_no", "phone", "address"] }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// One reading of personal data: who, which case, when, why.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Access {
    pub audit_id: i64,
    pub at: DateTime<Utc>,
    pub operator_code: String,
    pub operator_name: String,
    pub case_no: String,
    pub reason: String,
}

/// The access log, newest first: supervisors. Reveals of personal data, of a section's sealed
/// registrations (the section's code in the case column), and the reports of lookups that look
/// like enumeration (their reason begins with "! ").
pub async fn access_log(pool: &PgPool, viewer: i64, limit: i64) -> Result<Vec<Access>, StoreError> {
    actor(pool, viewer)
        .await?
        .require(Permission::SeeAllCases)?;
    Ok(sqlx::query_as(
        "select a.audit_id, a.at, o.code as operator_code, o.name as operator_name,
                coalesce(c.case_no,
                         case when a.entity = 'trade_section' then a.entity_id end, '') as case_no,
                case when a.action = 'lookup.pattern'
                     then '! ' || coalesce(a.detail->>'reason', '')
                     else coalesce(a.detail->>'reason', '') end as reason
         from audit_log a
         join operators o using (operator_id)
         left join cases c on a.entity = 'case'
             and c.case_id = case when a.entity = 'case' then a.entity_id::bigint end
         where a.action in ('personal.reveal', 'lookup.pattern', 'trade.registrations.reveal')
         order by a.audit_id desc limit $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::plan;

    #[test]
    fn the_shape_of_a_query_decides_its_kinds() {
        let p = plan(" scjg-00017 ");
        assert_eq!(p.text, "SCJG-00017");
        assert!(p.case_no && !p.id_no && !p.phone && !p.name);
        let p = plan("21002x");
        assert!(p.case_no && p.id_no && !p.phone && !p.name);
        // Four or five characters are a phone tail or a case number, never an ID tail (15.7).
        let p = plan("002x");
        assert!(p.case_no && !p.id_no && !p.phone && !p.name);
        let p = plan("5678");
        assert!(p.case_no && !p.id_no && p.phone && !p.name);
        assert_eq!(p.kinds(), ["case_no", "phone"]);
        assert!(p.is_number());
        let p = plan("345678");
        assert!(p.case_no && p.id_no && p.phone && !p.name);
        let p = plan("阳小");
        assert!(!p.case_no && !p.id_no && !p.phone && p.name);
        let p = plan("acme");
        assert!(p.case_no && !p.id_no && p.name);
        let p = plan("欧");
        assert!(!(p.case_no || p.id_no || p.phone || p.name || p.payment_code));
        let code = crate::domain::fees::payment_code::make(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            8,
            19,
        );
        assert!(plan(&code).payment_code);
        assert!(
            !plan("20261120000800000018").payment_code,
            "a wrong check digit"
        );
    }
}
