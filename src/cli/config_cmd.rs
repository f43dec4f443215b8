//! `onewindow config show`: the effective settings and where each came from.

use clap::Subcommand;

use crate::cli::Failure;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print the effective settings and the source of each (passwords hidden).
    Show,
}

pub fn run(settings: &Settings, cmd: ConfigCmd) -> Result<(), Failure> {
    match cmd {
        ConfigCmd::Show => {
            out!("{}", settings.show());
            Ok(())
        }
    }
}
