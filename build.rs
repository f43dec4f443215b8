//! Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the migrations at
//! compile time, and cargo does not otherwise notice a new file in migrations/ (sqlx's
//! documented build script). The same for the locales, which rust-i18n embeds: a changed
//! translation must not wait for an unrelated change to the code to be built in.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
}
