//! Printing from the commands. `outln!`/`out!` write to standard output like `outln!`/`print!`
//! but never panic: when the reader has gone (`onewindow catalog list | head -1`), the command
//! ends quietly with the status a shell gives a process ended by SIGPIPE (141); any other write
//! error is one message on stderr and exit 1. `errln!` writes to standard error and ignores a
//! closed stderr. Both drop control characters (ESC and the like) from what they print, so no
//! text from the database or a file reaches the terminal as a control sequence. Every line printed from the commands goes through these (docs/operations.md).

use std::io::{self, Write};

use crate::domain::file_text::printable;

/// 128 + SIGPIPE: what a shell reports for a pipeline reader that stopped early.
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Writes to standard output; ends the process on a broken pipe (see the module comment).
/// Control characters are dropped first (`domain::file_text::printable`): text from the
/// database or a file (an item name holding ESC [2J) cannot drive the terminal.
pub fn write_out(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(printable(&text).as_bytes()) {
        gone(e)
    }
}

/// Writes bytes (a CSV with its BOM) to standard output; a broken pipe as above.
pub fn write_out_bytes(bytes: &[u8]) {
    if let Err(e) = io::stdout().lock().write_all(bytes) {
        gone(e)
    }
}

/// Flushes standard output at the end of a command (a reader that left during the last,
/// buffered line is a broken pipe too).
pub fn flush_out() {
    if let Err(e) = io::stdout().lock().flush() {
        gone(e)
    }
}

/// Writes to standard error; a closed stderr is ignored (there is nowhere left to report it).
/// Control characters are dropped as on stdout: messages quote the files they refuse.
pub fn write_err(args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    let _ = io::stderr().lock().write_all(printable(&text).as_bytes());
}

fn gone(e: io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(EXIT_BROKEN_PIPE));
    }
    write_err(format_args!(
        "onewindow: cannot write to standard output: {e}\n"
    ));
    std::process::exit(i32::from(crate::cli::EXIT_ERROR));
}

/// `outln!` for the commands: a broken pipe ends the command quietly (exit 141).
macro_rules! outln {
    () => {
        $crate::cli::print::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::print::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the commands: a broken pipe ends the command quietly (exit 141).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::print::write_out(format_args!($($arg)*))
    };
}

/// `errln!` that cannot panic.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::print::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}
