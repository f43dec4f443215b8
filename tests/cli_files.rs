//! The real binary reading the files an administrator hands it (catalogue and calendar files,
//! keymaps, the fiscal export): bad bytes named by line and column, sizes bounded, problem
//! lists capped.

mod common;

use common::bin;

fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_binary_keymap_is_named_at_its_first_bad_byte() {
    let home = tempfile::tempdir().unwrap();
    let png = home.path().join("keys.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let (code, _, err) = run(bin(home.path()).arg("--keymap").arg(&png));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("keys.png, line 1, column 1"), "{err}");
    assert!(err.contains("89"), "the byte is shown: {err}");
    let elf = home.path().join("keys.toml");
    std::fs::write(&elf, b"# my keys\n\x7fELF\x02\x01\x01\x00\x00").unwrap();
    let (code, _, err) = run(bin(home.path()).arg("--keymap").arg(&elf));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("keys.toml, line 2, column 8") && err.contains("NUL byte"),
        "{err}"
    );
    let (code, _, err) = run(bin(home.path())
        .arg("--keymap")
        .arg(home.path().join("absent.toml")));
    assert_eq!(code, 1, "{err}");
    assert!(
        !err.contains("line 0") && err.contains("absent.toml"),
        "{err}"
    );
}
