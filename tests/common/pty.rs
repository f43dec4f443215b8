//! Runs the real binary in a pseudo-terminal and reads its screen through a VT100 parser.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Session {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote.
    pub raw: Arc<Mutex<Vec<u8>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// How long to wait for the screen; raise ONEWINDOW_E2E_TIMEOUT on a slow machine.
pub fn timeout() -> Duration {
    let secs = std::env::var("ONEWINDOW_E2E_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

impl Session {
    pub fn start(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Session {
        Session::start_program(env!("CARGO_BIN_EXE_onewindow"), args, env, cols, rows)
    }

    /// Starts any program (a shell wrapping onewindow, say) in the pseudo-terminal.
    pub fn start_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn onewindow");
        drop(pair.slave);
        // Our own copy of the master descriptor, read with a timeout so that the reader can let
        // go of it on `hang_up` (a blocked read would keep the pty open forever).
        let fd = pair.master.as_raw_fd().expect("master fd");
        let mut reader = unsafe { std::fs::File::from_raw_fd(libc::dup(fd)) };
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s2, r2) = (screen.clone(), raw.clone());
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let mut pfd = libc::pollfd {
                    fd: reader.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                if stop2.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                if unsafe { libc::poll(&mut pfd, 1, 50) } <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        s2.lock().unwrap().process(&buf[..n]);
                        r2.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session {
            master: pair.master,
            child,
            writer,
            screen,
            raw,
            stop,
            reader: Some(reader_thread),
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen on timeout.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + timeout();
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "timed out waiting for {text:?}; screen:\n{}",
            self.contents()
        );
    }

    /// Waits until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if !self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "still showing {text:?} after {within:?}; screen:\n{}",
            self.contents()
        );
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys typed faster than a person: give the event loop a moment between groups.
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Waits for the program to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + timeout();
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader take the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("onewindow did not exit; screen:\n{}", self.contents());
    }

    /// The terminal goes away, as when an SSH connection drops: the pty's master side closes.
    /// Returns the child to wait on.
    pub fn hang_up(self) -> Box<dyn Child + Send + Sync> {
        let Session {
            master,
            child,
            writer,
            stop,
            reader,
            ..
        } = self;
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(r) = reader {
            let _ = r.join();
        }
        drop(writer);
        drop(master);
        child
    }

    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// The terminal is back as a shell expects it: main screen, cursor shown, canonical mode and
    /// echo on (raw mode off).
    pub fn assert_restored(&self) {
        let p = self.screen.lock().unwrap();
        assert!(
            !p.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
        drop(p);
        let raw = self.raw_text();
        assert!(
            raw.contains("\u{1b}[?1049l"),
            "never left the alternate screen"
        );
        let t = self.master.get_termios().expect("termios");
        use nix::sys::termios::LocalFlags;
        assert!(
            t.local_flags.contains(LocalFlags::ICANON),
            "raw mode still on (ICANON off)"
        );
        assert!(t.local_flags.contains(LocalFlags::ECHO), "echo still off");
    }
}
