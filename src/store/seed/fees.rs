//! Demo fees: a fixed business day with assessments on the first seeded cases, so the example
//! export in docs/examples reconciles against a fresh demo database with every exception class
//! (tests/cli.rs keeps the two in step).

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::domain::fees::payment_code;
use crate::store::StoreError;

/// The demo's reconciliation day: docs/examples/fiscal-export-2026-11-20.csv.
pub const DEMO_FEE_DAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a real date");

/// Five assessments of 20.00 yuan on the first five accepted or decided cases. Returns their
/// payment codes in order.
pub(super) async fn seed_fee_day(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let cases: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select case_id, department_id, received_by from cases
         where status <> 'correction' order by case_id limit 5",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut codes = vec![];
    for (case_id, department_id, by) in cases {
        let id: i64 = sqlx::query_scalar(
            "select nextval(pg_get_serial_sequence('fee_assessments', 'assessment_id'))",
        )
        .fetch_one(&mut *conn)
        .await?;
        let code = payment_code::make(DEMO_FEE_DAY, department_id, id);
        sqlx::query(
            "insert into fee_assessments (assessment_id, case_id, payment_code, amount_fen,
                 business_date, created_by)
             values ($1, $2, $3, 2000, $4, $5)",
        )
        .bind(id)
        .bind(case_id)
        .bind(&code)
        .bind(DEMO_FEE_DAY)
        .bind(by)
        .execute(&mut *conn)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}
