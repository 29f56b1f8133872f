//! The README's pictures are made by `assets/make.sh` from a real run (issue 13, 12). This
//! checks that the script still works with the binary as it is now: `make.sh --check` drives
//! kafka-tui on its embedded broker in tmux to the main screen and a record's detail, waits
//! for its anchors there, and draws them; here each PNG is read back as a whole, valid PNG of
//! the 160x45 screen. Loopback only, a few seconds. The group shot (Apache Kafka peer) and the
//! asciinema recording are left to `assets/make.sh` itself.
//!
//! In CI (`CI` set) missing tools fail; locally the test prints why it skips.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PICTURES: [&str; 2] = ["main-screen.png", "record-detail.png"];
/// 160x45 cells of 9x18 px (DejaVu Sans Mono at 15 px, assets/render.py) and 12 px around.
const SIZE: (u32, u32) = (160 * 9 + 2 * 12, 45 * 18 + 2 * 12);
const MAX_BYTES: u64 = 300 * 1024;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why the tools the script needs are missing, if they are.
fn missing_tools() -> Option<String> {
    let font = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf");
    let ok = |c: &mut Command| c.output().map(|o| o.status.success()).unwrap_or(false);
    if !ok(Command::new("tmux").arg("-V")) {
        return Some("tmux is not installed".into());
    }
    if !font.exists() {
        return Some(format!("{} is missing (fonts-dejavu-core)", font.display()));
    }
    let py = repo().join(".venv/bin/python");
    if !ok(Command::new(&py).args(["-c", "import pyte, PIL, fontTools, confluent_kafka"])) {
        return Some(format!("{} lacks assets/requirements.txt", py.display()));
    }
    None
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Width and height of a whole PNG: the signature, every chunk's length and CRC, IHDR first,
/// image data, IEND last with nothing after it.
fn png_size(data: &[u8]) -> Result<(u32, u32), String> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !data.starts_with(SIG) {
        return Err("no PNG signature".into());
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (mut at, mut size, mut idat) = (SIG.len(), None, false);
    loop {
        if at + 12 > data.len() {
            return Err(format!("cut at byte {at}, before IEND"));
        }
        let len = be(&data[at..]) as usize;
        let end = at + 8 + len;
        if end + 4 > data.len() {
            return Err(format!("chunk at byte {at} runs past the end"));
        }
        let kind = &data[at + 4..at + 8];
        if crc32(&data[at + 4..end]) != be(&data[end..]) {
            return Err(format!("bad CRC in {}", String::from_utf8_lossy(kind)));
        }
        match kind {
            b"IHDR" if size.is_none() && len == 13 => {
                size = Some((be(&data[at + 8..]), be(&data[at + 12..])));
            }
            _ if size.is_none() => return Err("the first chunk is not IHDR".into()),
            b"IDAT" => idat = true,
            b"IEND" => {
                if end + 4 != data.len() {
                    return Err("bytes after IEND".into());
                }
                return match (size, idat) {
                    (Some(s), true) => Ok(s),
                    _ => Err("no image data".into()),
                };
            }
            _ => {}
        }
        at = end + 4;
    }
}

#[test]
fn png_reader_rejects_what_is_not_a_whole_png() {
    // A 1x1 PNG made by Pillow, then broken in the ways a failed run could break it.
    let good: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde, 0, 0, 0, 0x0c, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0, 0, 0x03, 0x01, 0x01, 0, 0xc9, 0xfe,
        0x92, 0xef, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    assert_eq!(png_size(good), Ok((1, 1)));
    assert!(png_size(&good[..good.len() - 5]).is_err(), "cut short");
    let mut flipped = good.to_vec();
    flipped[45] ^= 1; // a byte of the image data
    assert!(png_size(&flipped).is_err(), "a damaged chunk");
    assert!(png_size(b"GIF89a").is_err(), "not a PNG");
}

#[test]
fn make_sh_check_draws_the_screenshots() {
    if let Some(why) = missing_tools() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{why}: in CI .ci/setup installs what assets/make.sh needs"
        );
        eprintln!("SKIPPED: {why} (bash .ci/setup)");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = Command::new("bash")
        .arg(repo().join("assets/make.sh"))
        .args(["--check", "--out"])
        .arg(out.path())
        .env("KAFKA_TUI_BIN", env!("CARGO_BIN_EXE_kafka-tui"))
        // Each anchor the script waits for gets this long (its own deadline, not a sleep).
        .env("ASSETS_TIMEOUT", "30")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        run.status.success(),
        "assets/make.sh --check failed ({}):\n{}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    for name in PICTURES {
        let path = out.path().join(name);
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            png_size(&data),
            Ok(SIZE),
            "{name}: a whole PNG of the 160x45 screen"
        );
        assert!(
            data.len() as u64 <= MAX_BYTES,
            "{name}: {} KiB, over {} KiB",
            data.len() / 1024,
            MAX_BYTES / 1024
        );
    }
    assert!(
        took < Duration::from_secs(60),
        "assets/make.sh --check took {took:?}"
    );
}
