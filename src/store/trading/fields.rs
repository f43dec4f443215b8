//! The checks every trading form shares: a required or optional line of text within its length
//! (no control characters), and what is wrong with a unified social credit code. Each refusal
//! names its field.

use crate::store::StoreError;

pub fn text(field: &'static str, v: &str, max: usize) -> Result<String, StoreError> {
    let t = v.trim();
    let n = t.chars().count();
    if n == 0 || n > max {
        return Err(StoreError::Invalid {
            field,
            reason: format!("must be 1 to {max} characters"),
        });
    }
    if t.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field,
            reason: "holds a control character".into(),
        });
    }
    Ok(t.to_string())
}

pub fn optional(
    field: &'static str,
    v: &Option<String>,
    max: usize,
) -> Result<Option<String>, StoreError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => text(field, t, max).map(Some),
    }
}

/// What is wrong with a unified social credit code (GB 32100-2015), said in the message.
pub fn credit_code_problem(e: crate::domain::cases::validate::IdError) -> &'static str {
    use crate::domain::cases::validate::IdError;
    match e {
        IdError::Length => "a unified social credit code has 18 characters",
        IdError::BadCharacter => {
            "a unified social credit code has digits and capital letters other than I, O, S, V, Z"
        }
        IdError::CheckCharacter => {
            "the check character (the 18th) does not match the first 17: a typing error"
        }
        IdError::UnknownRegion | IdError::BadBirthDate => "not a unified social credit code",
    }
}
