//! Registrations (报名): a bidder registers for a section. Who registered, and how many, is
//! sealed until the section's opening (招标投标法 22: the tenderer may not disclose the names or
//! the number of potential bidders) — on every screen and command, for everyone. A supervisor
//! may open the list before, with a reason that goes into the access log.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::{actor, require};
use crate::store::audit::{self, NewAudit};

use super::fields::{optional, text};

/// A bidder's registration as the clerk takes it down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub credit_code: String,
    pub name: String,
    pub basic_bank: String,
    pub basic_account: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: Option<String>,
    pub agent_name: Option<String>,
    pub project_manager: Option<String>,
}

/// Registers a bidder for a section (trading clerks, the director), before the bid deadline.
/// The party is kept by its credit code (its name and basic account as given the last time).
/// Returns the registration id; the answer says nothing of the others.
pub async fn register(
    pool: &PgPool,
    operator_id: i64,
    udc: &str,
    r: &NewRegistration,
) -> Result<Registered, StoreError> {
    let code = crate::domain::cases::validate::credit_code(&r.credit_code).map_err(|_| {
        StoreError::Invalid {
            field: "credit_code",
            reason:
                "not a valid unified social credit code (18 characters, the last a check character)"
                    .into(),
        }
    })?;
    let name = text("name", &r.name, 100)?;
    let bank = text("basic_bank", &r.basic_bank, 100)?;
    let account: String = r
        .basic_account
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(6..=32).contains(&account.len()) || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::Invalid {
            field: "basic_account",
            reason: "6 to 32 digits".into(),
        });
    }
    let contact = text("contact_name", &r.contact_name, 40)?;
    let phone: String = r
        .contact_phone
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(7..=20).contains(&phone.len())
        || !phone
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
    {
        return Err(StoreError::Invalid {
            field: "contact_phone",
            reason: "7 to 20 digits (+ and - allowed)".into(),
        });
    }
    let email = optional("contact_email", &r.contact_email, 100)?;
    if let Some(e) = &email {
        let parts: Vec<&str> = e.split('@').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) || e.contains(char::is_whitespace)
        {
            return Err(StoreError::Invalid {
                field: "contact_email",
                reason: "not an e-mail address".into(),
            });
        }
    }
    let agent = optional("agent", &r.agent_name, 100)?;
    let manager = optional("project_manager", &r.project_manager, 40)?;
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let (section_id, open, deposit_fen): (i64, bool, i64) = sqlx::query_as(
        "select section_id, deadline_at is null or now() < deadline_at, deposit_fen
         from trade_sections where unified_deal_code = $1 for share",
    )
    .bind(udc.trim())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("section"))?;
    if !open {
        return Err(StoreError::Invalid {
            field: "section",
            reason: "the bid deadline has passed: registration is closed".into(),
        });
    }
    let party_id: i64 = sqlx::query_scalar(
        "insert into trade_parties (credit_code, name, basic_bank, basic_account)
         values ($1, $2, $3, $4)
         on conflict (credit_code) do update set name = excluded.name,
             basic_bank = excluded.basic_bank, basic_account = excluded.basic_account,
             updated_at = now()
         returning party_id",
    )
    .bind(&code)
    .bind(&name)
    .bind(&bank)
    .bind(&account)
    .fetch_one(&mut *tx)
    .await?;
    let id: Option<i64> = sqlx::query_scalar(
        "insert into trade_registrations (section_id, party_id, contact_name, contact_phone,
             contact_email, agent_name, project_manager, registered_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (section_id, party_id) do nothing returning registration_id",
    )
    .bind(section_id)
    .bind(party_id)
    .bind(&contact)
    .bind(&phone)
    .bind(&email)
    .bind(&agent)
    .bind(&manager)
    .bind(operator_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(StoreError::Invalid {
        field: "credit_code",
        reason: "this bidder is already registered for the section".into(),
    })?;
    // The deposit it owes, into a sub-account of its own (issue 17.7).
    let sub_account = (deposit_fen > 0).then(|| crate::domain::trading::deposits::sub_account(id));
    if let Some(sub) = &sub_account {
        sqlx::query(
            "insert into trade_deposits (registration_id, sub_account, expected_fen)
             values ($1, $2, $3)",
        )
        .bind(id)
        .bind(sub)
        .bind(deposit_fen)
        .execute(&mut *tx)
        .await?;
    }
    // The audit row names the section, not the bidder: the trail is read by more people than
    // the sealed list may be.
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.registration.add",
            entity: "trade_section",
            entity_id: Some(udc.trim().to_string()),
            detail: serde_json::json!({ "registration": id }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_registration", "add", Some(udc.trim())).await?;
    tx.commit().await?;
    Ok(Registered {
        registration_id: id,
        sub_account,
        deposit_fen,
    })
}

/// A registration recorded: what the bidder is told at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub registration_id: i64,
    /// The sub-account its deposit goes to; none when the section asks no deposit.
    pub sub_account: Option<String>,
    pub deposit_fen: i64,
}

/// One registration, once the list may be read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegistrationRow {
    pub registered_at: DateTime<Utc>,
    pub credit_code: String,
    pub name: String,
    pub basic_bank: String,
    pub basic_account: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub agent_name: Option<String>,
    pub project_manager: Option<String>,
}

/// A section's registrations as the reader may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registrations {
    /// Before the opening: neither names nor the number. When the opening is.
    Sealed {
        opening_at: Option<DateTime<Utc>>,
    },
    Open(Vec<RegistrationRow>),
}

/// The registrations of a section: sealed until its opening time has come (no opening time set:
/// sealed). A supervisor's `reveal` reason opens them early and is written to the access log.
pub async fn list(
    pool: &PgPool,
    operator_id: i64,
    udc: &str,
    reveal: Option<&str>,
) -> Result<Registrations, StoreError> {
    let mut tx = pool.begin().await?;
    let who = actor(&mut *tx, operator_id).await?;
    who.require(Permission::ReadTrading)?;
    let (section_id, opening_at, opened): (i64, Option<DateTime<Utc>>, bool) = sqlx::query_as(
        "select section_id, opening_at, coalesce(now() >= opening_at, false)
         from trade_sections where unified_deal_code = $1",
    )
    .bind(udc.trim())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("section"))?;
    if !opened {
        let Some(reason) = reveal else {
            return Ok(Registrations::Sealed { opening_at });
        };
        who.require(Permission::RevealSealed)?;
        let reason = reason.trim();
        if reason.chars().count() < 4
            || reason.chars().count() > 500
            || reason.chars().any(char::is_control)
        {
            return Err(StoreError::Invalid {
                field: "reason",
                reason: "4 to 500 characters: why the sealed list must be read before the opening"
                    .into(),
            });
        }
        audit::append(
            &mut tx,
            NewAudit {
                operator_id: Some(operator_id),
                action: "trade.registrations.reveal",
                entity: "trade_section",
                entity_id: Some(udc.trim().to_string()),
                detail: serde_json::json!({ "reason": reason }),
            },
        )
        .await?;
    }
    let rows = rows(&mut tx, section_id).await?;
    tx.commit().await?;
    Ok(Registrations::Open(rows))
}

async fn rows(
    conn: &mut PgConnection,
    section_id: i64,
) -> Result<Vec<RegistrationRow>, StoreError> {
    Ok(sqlx::query_as(
        "select r.registered_at, p.credit_code, p.name, p.basic_bank, p.basic_account,
                r.contact_name, r.contact_phone, r.agent_name, r.project_manager
         from trade_registrations r join trade_parties p using (party_id)
         where r.section_id = $1 order by r.registered_at, r.registration_id",
    )
    .bind(section_id)
    .fetch_all(conn)
    .await?)
}
