//! The database's CHECK constraints on what a form writes, mapped to the form's fields — the one
//! place a refusal by the database becomes "this field is wrong" instead of SQL text. Each has a
//! matching check in the form (`domain::cases::validate`), so a refusal here means the two no
//! longer agree; `tests/db_intake_constraints.rs` keeps this list complete.

use crate::store::StoreError;

/// (constraint, field): the field names are those of `StoreError::Invalid`.
pub const FIELDS: &[(&str, &str)] = &[
    // migrations/0007_cases.sql
    ("cases_applicant_name_check", "name"),
    ("cases_applicant_id_no_check", "id_no"),
    // migrations/0025_person_name_no_digits.sql
    ("cases_person_name_no_digits", "name"),
];

/// The field a constraint guards, if it guards one a form writes.
pub fn field_of(constraint: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|(c, _)| *c == constraint)
        .map(|(_, f)| *f)
}

/// A statement refused by one of these constraints becomes `Invalid` naming the field; any other
/// error stays as it is.
pub fn refine(e: StoreError) -> StoreError {
    if let StoreError::Db(sqlx::Error::Database(d)) = &e
        && let Some(field) = d.constraint().and_then(field_of)
    {
        return StoreError::Invalid {
            field,
            reason: "refused by the database".into(),
        };
    }
    e
}
