//! `trade registration add|list`: bidders' registrations, sealed until the opening.

use clap::{Args, Subcommand};

use crate::cli::Failure;
use crate::config::Settings;
use crate::domain::time::zone::at_center;
use crate::store::trading::registrations::{self, NewRegistration, Registrations};

#[derive(Debug, Subcommand)]
pub enum RegistrationCmd {
    /// Register a bidder for a section before its bid deadline (trading clerks; audited).
    Add(AddArgs),
    /// A section's registrations: sealed — names and number — until the opening; a supervisor
    /// may read them before with --reveal REASON (written to the access log).
    List {
        section: String,
        #[arg(long, value_name = "REASON")]
        reveal: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The section's unified deal code.
    pub section: String,
    /// The bidder's unified social credit code.
    #[arg(long)]
    pub credit_code: String,
    #[arg(long)]
    pub name: String,
    /// The bank of its basic account (基本账户).
    #[arg(long)]
    pub bank: String,
    /// The basic account's number.
    #[arg(long)]
    pub account: String,
    #[arg(long)]
    pub contact: String,
    #[arg(long)]
    pub phone: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub agent: Option<String>,
    /// The project manager (项目经理).
    #[arg(long)]
    pub manager: Option<String>,
}

pub async fn run(settings: &Settings, cmd: RegistrationCmd) -> Result<(), Failure> {
    let (pool, me) = super::signed_in(settings).await?;
    match cmd {
        RegistrationCmd::Add(a) => {
            let r = NewRegistration {
                credit_code: a.credit_code,
                name: a.name,
                basic_bank: a.bank,
                basic_account: a.account,
                contact_name: a.contact,
                contact_phone: a.phone,
                contact_email: a.email,
                agent_name: a.agent,
                project_manager: a.manager,
            };
            let done = registrations::register(&pool, me, &a.section, &r)
                .await
                .map_err(super::usage)?;
            outln!(
                "registration {} recorded for {} (sealed until the opening)",
                done.registration_id,
                a.section.trim()
            );
            if let Some(sub) = &done.sub_account {
                outln!(
                    "deposit {} yuan into sub-account {sub} of the center's deposit account, from the bidder's own account, before the bid deadline",
                    crate::domain::fees::receipt_file::yuan(done.deposit_fen)
                );
            }
            Ok(())
        }
        RegistrationCmd::List { section, reveal } => {
            match registrations::list(&pool, me, &section, reveal.as_deref())
                .await
                .map_err(super::usage)?
            {
                Registrations::Sealed { opening_at } => outln!(
                    "sealed until the opening{}: neither the bidders nor their number are shown (招标投标法 第22条)",
                    opening_at
                        .map(|t| format!(" at {}", at_center(&t).format("%Y-%m-%d %H:%M")))
                        .unwrap_or_default()
                ),
                Registrations::Open(rows) => {
                    outln!(
                        "registered\tcredit_code\tname\tbasic_bank\tbasic_account\tcontact\tphone\tagent\tmanager"
                    );
                    let p = crate::domain::file_text::printable;
                    for r in rows {
                        outln!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            at_center(&r.registered_at).format("%Y-%m-%d %H:%M:%S"),
                            r.credit_code,
                            p(&r.name),
                            p(&r.basic_bank),
                            r.basic_account,
                            p(&r.contact_name),
                            r.contact_phone,
                            p(r.agent_name.as_deref().unwrap_or("")),
                            p(r.project_manager.as_deref().unwrap_or(""))
                        );
                    }
                }
            }
            Ok(())
        }
    }
}
