//! The terminal side at scale: the real release binary in a pseudo-terminal against the
//! million-case database (created by `bash scripts/bench-db`). Measures, each as a median of
//! repeated runs: start to the first drawn frame, bytes written for one cursor move in the
//! queue, bytes for switching screens, and the TUI's peak resident memory after browsing.
//! Run with `bash scripts/bench-tty` (docs/performance.md).

#[path = "../tests/common/pty.rs"]
mod pty;

use std::time::{Duration, Instant};

use pty::Session;

const RUNS: usize = 11;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn env(url: &str, home: &str) -> Vec<(String, String)> {
    vec![
        ("DATABASE_URL".into(), url.into()),
        ("HOME".into(), home.into()),
        ("XDG_CONFIG_HOME".into(), format!("{home}/config")),
        ("XDG_DATA_HOME".into(), format!("{home}/data")),
    ]
}

fn start(url: &str, home: &str, cols: u16, rows: u16) -> Session {
    let e = env(url, home);
    let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Session::start(&["--lang", "en"], &pairs, cols, rows)
}

/// Bytes written by the program after `key`, once the screen has settled.
fn bytes_for(s: &mut Session, key: &str) -> usize {
    std::thread::sleep(Duration::from_millis(300));
    let before = s.raw.lock().unwrap().len();
    s.send(key);
    std::thread::sleep(Duration::from_millis(400));
    s.raw.lock().unwrap().len() - before
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let cases = std::env::var("BENCH_CASES").unwrap_or_else(|_| "1000000".into());
    let url = format!(
        "{}/onewindow_bench_{cases}",
        base.rsplit_once('/').map(|(b, _)| b).unwrap_or(&base)
    );
    let home = tempfile::tempdir().expect("a home");
    let home = home.path().to_str().expect("a path").to_string();
    println!("# terminal benchmarks — {url}, release binary, 80×24 unless said");
    println!();

    // Start to the first drawn frame (the sign-in screen), the database existing.
    let mut first = vec![];
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut s = start(&url, &home, 80, 24);
        s.wait_for("Sign in");
        first.push(t.elapsed().as_secs_f64() * 1000.0);
        s.send("\u{3}");
        s.wait_exit();
    }

    // One session: sign in, the queue, cursor moves, screen switches, browsing.
    let mut s = start(&url, &home, 80, 24);
    s.wait_for("Sign in");
    s.send("clerk\t");
    s.send("demo1234\r");
    s.wait_for("Welcome");
    s.send("w");
    s.wait_for("-SCJG-");
    let mut moves = vec![];
    for i in 0..RUNS {
        moves.push(bytes_for(&mut s, if i % 2 == 0 { "j" } else { "k" }) as f64);
    }
    let mut switches = vec![];
    for _ in 0..5 {
        switches.push(bytes_for(&mut s, "\u{1b}") as f64); // Esc: back to home
        switches.push(bytes_for(&mut s, "w") as f64); // the queue again
        s.wait_for("-SCJG-");
    }
    // Browse: page through the queue, the other queues, a lookup, the routing screen.
    for _ in 0..20 {
        s.send("\u{1b}[6~"); // PageDown
    }
    s.send("\t");
    s.send("\t");
    s.send("\u{b}"); // Ctrl-K
    s.send("张");
    s.send("伟");
    std::thread::sleep(Duration::from_millis(800));
    s.send("\u{1b}");
    s.send("\u{1b}");
    s.send("p");
    std::thread::sleep(Duration::from_millis(800));
    let rss = s.child.process_id().and_then(peak_rss_kb);
    s.send("\u{1b}");
    s.send("q");
    s.wait_exit();

    println!("| figure | target | measured (median of {RUNS}) |");
    println!("|---|---|---|");
    println!(
        "| start to first drawn frame, existing database | ≤ 300 ms | {:.0} ms |",
        median(first)
    );
    println!(
        "| bytes written for one cursor move in the queue | ≤ 1 KiB | {:.0} B |",
        median(moves)
    );
    println!(
        "| bytes written for switching screens (queue ↔ home) | reported | {:.0} B |",
        median(switches)
    );
    match rss {
        Some(kb) => println!(
            "| peak resident memory after browsing (VmHWM) | ≤ 60 MB | {:.1} MB |",
            kb as f64 / 1024.0
        ),
        None => println!("| peak resident memory after browsing | ≤ 60 MB | not readable |"),
    }
}
