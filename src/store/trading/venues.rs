//! Venues (开标室, 评标室) and their bookings. Two bookings of one room never overlap: the
//! database's exclusion constraint refuses it, whoever writes; the store turns the refusal into a
//! message naming the booking in the way.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueKind {
    Opening,
    Evaluation,
}

impl VenueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VenueKind::Opening => "opening",
            VenueKind::Evaluation => "evaluation",
        }
    }

    pub fn parse(s: &str) -> Option<VenueKind> {
        match s {
            "opening" => Some(VenueKind::Opening),
            "evaluation" => Some(VenueKind::Evaluation),
            _ => None,
        }
    }
}

/// Adds a room (administrators; audited).
pub async fn add(
    pool: &PgPool,
    operator_id: i64,
    code: &str,
    kind: VenueKind,
    name_zh: &str,
    name_en: &str,
) -> Result<(), StoreError> {
    let code = code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 20
        || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(StoreError::Invalid {
            field: "code",
            reason: "1 to 20 letters, digits or hyphens".into(),
        });
    }
    for (field, v) in [("name_zh", name_zh), ("name_en", name_en)] {
        let n = v.trim().chars().count();
        if n == 0 || n > 50 || v.chars().any(char::is_control) {
            return Err(StoreError::Invalid {
                field,
                reason: "1 to 50 characters".into(),
            });
        }
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::ManageTradingRules).await?;
    let added = sqlx::query(
        "insert into venues (code, kind, name_zh, name_en) values ($1, $2, $3, $4)
         on conflict (code) do nothing",
    )
    .bind(&code)
    .bind(kind.as_str())
    .bind(name_zh.trim())
    .bind(name_en.trim())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Err(StoreError::Invalid {
            field: "code",
            reason: format!("a venue {code} exists already"),
        });
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.venue.add",
            entity: "venue",
            entity_id: Some(code.clone()),
            detail: serde_json::json!({ "kind": kind.as_str(), "name_zh": name_zh.trim() }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "venue", "add", Some(&code)).await?;
    tx.commit().await?;
    Ok(())
}

/// A booking that is in the way of another.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Booking {
    pub booking_id: i64,
    pub venue_code: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub purpose: String,
    pub section: Option<String>,
}

/// Books a room for `[from, to)` (trading clerks, the director; audited).
pub async fn book(
    pool: &PgPool,
    operator_id: i64,
    venue_code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    purpose: &str,
    section: Option<&str>,
) -> Result<i64, StoreError> {
    if to <= from {
        return Err(StoreError::Invalid {
            field: "to",
            reason: "the booking ends after it starts".into(),
        });
    }
    if (to - from).num_hours() > 24 * 14 {
        return Err(StoreError::Invalid {
            field: "to",
            reason: "a booking is at most 14 days".into(),
        });
    }
    let purpose = purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > 200 || purpose.chars().any(char::is_control)
    {
        return Err(StoreError::Invalid {
            field: "purpose",
            reason: "1 to 200 characters".into(),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let venue_id: i64 = sqlx::query_scalar("select venue_id from venues where code = $1")
        .bind(venue_code.trim().to_uppercase())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("venue"))?;
    let section_id: Option<i64> = match section {
        None => None,
        Some(code) => Some(
            sqlx::query_scalar(
                "select section_id from trade_sections where unified_deal_code = $1",
            )
            .bind(code.trim())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("section"))?,
        ),
    };
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "insert into venue_bookings (venue_id, section_id, during, purpose, booked_by)
         values ($1, $2, tstzrange($3, $4, '[)'), $5, $6) returning booking_id",
    )
    .bind(venue_id)
    .bind(section_id)
    .bind(from)
    .bind(to)
    .bind(purpose)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await;
    let booking_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("23P01") => {
            drop(tx);
            let other = overlapping(pool, venue_id, from, to).await?;
            return Err(StoreError::Invalid {
                field: "from",
                reason: match other {
                    Some(b) => format!(
                        "{} is already booked {} – {} ({})",
                        b.venue_code,
                        crate::domain::time::zone::at_center(&b.starts_at).format("%Y-%m-%d %H:%M"),
                        crate::domain::time::zone::at_center(&b.ends_at).format("%H:%M"),
                        b.purpose
                    ),
                    None => "the room is already booked for part of that time".into(),
                },
            });
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.venue.book",
            entity: "venue_booking",
            entity_id: Some(booking_id.to_string()),
            detail: serde_json::json!({
                "venue": venue_code.trim().to_uppercase(), "from": from, "to": to,
                "purpose": purpose, "section": section,
            }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "venue_booking",
        "book",
        Some(&booking_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(booking_id)
}

async fn overlapping(
    pool: &PgPool,
    venue_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<Booking>, StoreError> {
    Ok(sqlx::query_as(
        "select b.booking_id, v.code as venue_code, lower(b.during) as starts_at,
                upper(b.during) as ends_at, b.purpose, s.unified_deal_code as section
         from venue_bookings b join venues v using (venue_id)
         left join trade_sections s using (section_id)
         where b.venue_id = $1 and b.during && tstzrange($2, $3, '[)')
         order by lower(b.during) limit 1",
    )
    .bind(venue_id)
    .bind(from)
    .bind(to)
    .fetch_optional(pool)
    .await?)
}

/// Bookings that touch `[from, to)`, by room and time (anyone who reads the trading center).
pub async fn bookings(
    pool: &PgPool,
    operator_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Booking>, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadTrading).await?;
    Ok(sqlx::query_as(
        "select b.booking_id, v.code as venue_code, lower(b.during) as starts_at,
                upper(b.during) as ends_at, b.purpose, s.unified_deal_code as section
         from venue_bookings b join venues v using (venue_id)
         left join trade_sections s using (section_id)
         where b.during && tstzrange($1, $2, '[)')
         order by v.code, lower(b.during)",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}
