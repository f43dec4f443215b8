//! Demo cases in every state, spread over the last 60 days, loaded with COPY (a million in well
//! under a minute: docs/performance.md), and the fees their items charge, with the receipts that
//! paid them.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::SmallRng;

use super::fees::DEMO_FEE_DAY;
use super::tables::{DEPARTMENTS, chinese_name};
use crate::domain::fees::payment_code;
use crate::store::StoreError;
use crate::store::bulk::{self, CopyRows};

/// A valid resident ID for demo applicants: a Jiangsu prefix, a birth date, the check character.
fn demo_resident_id(rng: &mut SmallRng) -> String {
    let region = ["320102", "320104", "320111", "320115", "320124"][rng.gen_range(0..5)];
    let year = rng.gen_range(1950..2005);
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=28);
    let seq = rng.gen_range(0..1000);
    let body = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let arr: [u8; 17] = digits.try_into().unwrap_or([0; 17]);
    format!(
        "{body}{}",
        crate::domain::cases::validate::resident_id_check(&arr)
    )
}

const CASE_COLUMNS: &str = "case_no, item_id, department_id, applicant_kind, applicant_name,
    applicant_id_no, applicant_phone, status, received_at, received_by, first_inquiry_by,
    accepted_at, correction_note, claimed_by, claimed_at, decided_at, decided_by,
    decision_reason, limit_days, due_date, due_provisional";

fn stamp(t: NaiveDateTime) -> String {
    // Read in the session's time zone, as the database's own clock would have written it.
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Cases in every state; returns how many.
pub(super) async fn seed_cases(
    tx: &mut sqlx::PgConnection,
    rng: &mut SmallRng,
    n: u64,
    item_ids: &[i64],
    dept_ids: &[i64],
) -> Result<u64, StoreError> {
    let items = super::items::items();
    if n == 0 {
        return Ok(0);
    }
    // Operators by department: (operator id, works cases, decides instant items).
    let ops: Vec<(i64, i64, Vec<String>)> =
        sqlx::query_as("select operator_id, department_id, roles from operators order by 1")
            .fetch_all(&mut *tx)
            .await?;
    let workers_of: Vec<Vec<i64>> = dept_ids
        .iter()
        .map(|dept| {
            ops.iter()
                .filter(|o| {
                    o.1 == *dept && o.2.iter().any(|r| r == "window_clerk" || r == "reviewer")
                })
                .map(|o| o.0)
                .collect()
        })
        .collect();
    let any_clerk: Vec<i64> = ops
        .iter()
        .filter(|o| o.2.iter().any(|r| r == "window_clerk"))
        .map(|o| o.0)
        .collect();
    let today: NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&mut *tx)
        .await?;
    let cal = crate::store::time::calendar::load(&mut *tx).await?;
    let mut due_of = crate::store::time::calendar::due_dates(&cal);
    let mut counters: std::collections::BTreeMap<(NaiveDate, i64), i32> = Default::default();

    let set = bulk::set_aside(tx, "cases").await?;
    let mut copy = tx
        .copy_in_raw(&format!("copy cases ({CASE_COLUMNS}) from stdin"))
        .await?;
    let mut rows = CopyRows::new();
    for _ in 0..n {
        let ix = rng.gen_range(0..items.len());
        let spec = &items[ix];
        let dept_ix = DEPARTMENTS
            .iter()
            .position(|d| d.0 == spec.department)
            .unwrap_or(0);
        let dept = dept_ids[dept_ix];
        let roll = rng.gen_range(0..100);
        // 8% correction, 47% open (a third of them claimed), 40% approved, 5% disapproved.
        let status = match roll {
            0..8 => "correction",
            8..55 => "accepted",
            55..95 => "approved",
            _ => "disapproved",
        };
        // Open cases are mostly within their limit (about 1.4 calendar days per working day);
        // one in twenty-five is overdue. Decided ones spread over two months.
        let span = (spec.promised_days as u64 * 7).div_ceil(5);
        let days_ago = if status == "accepted" {
            if rng.gen_range(0..25) == 0 {
                span + rng.gen_range(2..20)
            } else {
                rng.gen_range(0..=span)
            }
        } else {
            rng.gen_range(0..60)
        };
        let day = today - chrono::Days::new(days_ago);
        let due = (status != "correction").then(|| due_of(day, spec.promised_days.max(0) as u32));
        let counter = counters.entry((day, dept)).or_insert(0);
        *counter += 1;
        let received_by = any_clerk[rng.gen_range(0..any_clerk.len())];
        let w = &workers_of[dept_ix];
        let claimed = status == "accepted" && roll % 3 == 0 && !w.is_empty();
        let person = rng.gen_range(0..10) < 8;
        let name = if person {
            chinese_name(rng)
        } else {
            format!("{}某某有限公司", chinese_name(rng))
        };
        let id_no = if person {
            demo_resident_id(rng)
        } else {
            "914403001922038216".into()
        };
        let phone = format!("13{:09}", rng.gen_range(0..1_000_000_000u64));
        let minutes = rng.gen_range(8 * 60..17 * 60);
        let claimed_by = claimed.then(|| w[rng.gen_range(0..w.len())]);
        let decided = matches!(status, "approved" | "disapproved");
        let decided_by = decided.then(|| w.first().copied().unwrap_or(received_by));
        let at = day.and_time(chrono::NaiveTime::MIN) + TimeDelta::minutes(minutes);

        rows.text(&crate::store::cases::format_case_no(
            day,
            spec.department,
            *counter,
        ));
        rows.opt(Some(item_ids[ix]));
        rows.opt(Some(dept));
        rows.text(if person { "person" } else { "organisation" });
        rows.text(&name);
        rows.text(&id_no);
        rows.text(&phone);
        rows.text(status);
        rows.text(&stamp(at));
        rows.opt(Some(received_by));
        rows.opt(Some(received_by));
        rows.opt((status != "correction").then(|| stamp(at + TimeDelta::minutes(5))));
        rows.opt((status == "correction").then_some("申请人身份证明"));
        rows.opt(claimed_by);
        rows.opt(claimed_by.map(|_| stamp(at + TimeDelta::hours(1))));
        rows.opt(decided.then(|| stamp(at + TimeDelta::days(1))));
        rows.opt(decided_by);
        rows.opt((status == "disapproved").then_some("不符合法定条件"));
        rows.opt(due.is_some().then_some(spec.promised_days));
        rows.opt(due.as_ref().map(|d| d.date));
        rows.text(if due.as_ref().is_some_and(|d| d.provisional()) {
            "t"
        } else {
            "f"
        });
        rows.end_row();
        if rows.full() {
            copy.send(rows.take()).await?;
        }
    }
    copy.send(rows.take()).await?;
    copy.finish().await?;
    bulk::restore(tx, set).await?;

    let (days, depts, lasts): (Vec<NaiveDate>, Vec<i64>, Vec<i32>) = counters
        .into_iter()
        .map(|((d, dept), n)| (d, dept, n))
        .fold((vec![], vec![], vec![]), |mut acc, (d, dept, n)| {
            acc.0.push(d);
            acc.1.push(dept);
            acc.2.push(n);
            acc
        });
    sqlx::query(
        "insert into case_counters (day, department_id, last)
         select * from unnest($1::date[], $2::bigint[], $3::int[])",
    )
    .bind(days)
    .bind(depts)
    .bind(lasts)
    .execute(&mut *tx)
    .await?;
    Ok(n)
}

/// The fees of the seeded cases: one assessment on the day of acceptance for each case of an
/// item that charges on acceptance, and the receipts that paid them through a seeded import.
/// The demo's reconciliation day (`DEMO_FEE_DAY`) is left to `seed_fees`, and every assessment
/// before it is paid on its day, so that day reconciles as docs/examples says. After it, one in
/// thirty is still unpaid, one in a hundred was paid twice and one in a hundred paid the wrong
/// amount: the night shift's usual exceptions. Today's are half paid.
pub(super) async fn seed_case_fees(
    tx: &mut sqlx::PgConnection,
    rng: &mut SmallRng,
) -> Result<u64, StoreError> {
    let due: Vec<(i64, i64, NaiveDate, i64, i64)> = sqlx::query_as(
        "select c.case_id, c.department_id, c.accepted_at::date,
                i.fee_amount_fen, c.received_by
         from cases c join items i using (item_id)
         where i.fee_kind = 'fixed' and i.fee_on = 'acceptance' and c.accepted_at is not null
           and c.accepted_at::date <> $1
           and not exists (select 1 from fee_assessments a where a.case_id = c.case_id)
         order by c.case_id",
    )
    .bind(DEMO_FEE_DAY)
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let today: NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&mut *tx)
        .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "select nextval(pg_get_serial_sequence('fee_assessments', 'assessment_id'))
         from generate_series(1, $1)",
    )
    .bind(due.len() as i64)
    .fetch_all(&mut *tx)
    .await?;
    let cashier: i64 = sqlx::query_scalar(
        "select operator_id from operators where 'cashier' = any (roles) order by 1 limit 1",
    )
    .fetch_one(&mut *tx)
    .await?;
    let import_id: i64 = sqlx::query_scalar(
        "insert into receipt_imports (source, file_name, lines, added, imported_by)
         values ('fiscal', 'seed', 0, 0, $1) returning import_id",
    )
    .bind(cashier)
    .fetch_one(&mut *tx)
    .await?;

    let mut assessments = CopyRows::new();
    let mut receipts = CopyRows::new();
    let mut per_day: std::collections::HashMap<NaiveDate, u32> = Default::default();
    let mut paid = 0u64;
    for ((case_id, dept, day, fen, by), id) in due.iter().zip(&ids) {
        let code = payment_code::make(*day, *dept, *id);
        assessments.opt(Some(id));
        assessments.opt(Some(case_id));
        assessments.text(&code);
        assessments.opt(Some(fen));
        assessments.opt(Some(day));
        assessments.opt(Some(by));
        assessments.end_row();
        let roll = rng.gen_range(0..100);
        let times = if *day < DEMO_FEE_DAY {
            1
        } else if *day == today {
            (roll < 50) as u32
        } else {
            match roll {
                0..3 => 0,
                3 => 2,
                _ => 1,
            }
        };
        let amount = if *day > DEMO_FEE_DAY && roll == 4 {
            fen - 500
        } else {
            *fen
        };
        for _ in 0..times {
            let seq = per_day.entry(*day).or_insert(0);
            *seq += 1;
            let at = day.and_time(chrono::NaiveTime::MIN)
                + TimeDelta::minutes(rng.gen_range(9 * 60..17 * 60));
            receipts.text(&format!("FS{}{:06}", day.format("%Y%m%d"), seq));
            receipts.text(&code);
            receipts.opt(Some(amount));
            receipts.text(&stamp(at));
            receipts.opt(Some(day));
            receipts.text(&chinese_name(rng));
            receipts.opt(Some(import_id));
            receipts.text("fiscal");
            receipts.end_row();
            paid += 1;
        }
    }
    let mut copy = tx
        .copy_in_raw(
            "copy fee_assessments (assessment_id, case_id, payment_code, amount_fen,
                 business_date, created_by) from stdin",
        )
        .await?;
    copy.send(assessments.take()).await?;
    copy.finish().await?;
    let mut copy = tx
        .copy_in_raw(
            "copy receipts (receipt_no, payment_code, amount_fen, paid_at, business_date, payer,
                 import_id, source) from stdin",
        )
        .await?;
    copy.send(receipts.take()).await?;
    copy.finish().await?;
    sqlx::query("update receipt_imports set lines = $2, added = $2 where import_id = $1")
        .bind(import_id)
        .bind(paid as i32)
        .execute(&mut *tx)
        .await?;
    Ok(due.len() as u64)
}
