//! Optional self-measurement for benchmarks: with `KAFKA_TUI_TIMING=FILE`, kafka-tui records
//! the time from exec to its first drawn frame and the delay from each key event to the next
//! frame, and writes them to FILE as JSON when it exits. Off, it costs one branch per frame.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`.
pub fn mark_process_start() {
    let _ = PROCESS_START.set(Instant::now());
}

/// Key-to-frame samples kept at most.
const MAX_SAMPLES: usize = 200_000;

#[derive(Debug, Default)]
pub struct Timing {
    path: Option<PathBuf>,
    first_frame: Option<Duration>,
    frames: u64,
    pending_key: Option<Instant>,
    key_to_frame: Vec<Duration>,
}

impl Timing {
    pub fn from_env() -> Timing {
        Timing {
            path: std::env::var_os("KAFKA_TUI_TIMING").map(PathBuf::from),
            ..Timing::default()
        }
    }

    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    pub fn key_event(&mut self, at: Instant) {
        if self.enabled() && self.pending_key.is_none() {
            self.pending_key = Some(at);
        }
    }

    pub fn frame_drawn(&mut self) {
        if !self.enabled() {
            return;
        }
        self.frames += 1;
        let now = Instant::now();
        if self.first_frame.is_none() {
            self.first_frame = PROCESS_START.get().map(|s| now.duration_since(*s));
        }
        if let Some(k) = self.pending_key.take() {
            if self.key_to_frame.len() < MAX_SAMPLES {
                self.key_to_frame.push(now.duration_since(k));
            }
        }
    }

    /// The report as JSON.
    pub fn report(&self) -> String {
        let mut lat: Vec<u128> = self.key_to_frame.iter().map(Duration::as_micros).collect();
        lat.sort_unstable();
        let pct = |p: f64| -> u128 {
            if lat.is_empty() {
                return 0;
            }
            lat[((lat.len() as f64 - 1.0) * p).round() as usize]
        };
        serde_json::json!({
            "first_frame_ms": self.first_frame.map(|d| d.as_secs_f64() * 1000.0),
            "frames": self.frames,
            "key_to_frame_us": {
                "n": lat.len(),
                "p50": pct(0.50),
                "p99": pct(0.99),
                "max": lat.last().copied().unwrap_or(0),
            }
        })
        .to_string()
    }

    pub fn write(&self) {
        if let Some(p) = &self.path {
            if let Err(e) = std::fs::write(p, self.report()) {
                tracing::warn!("cannot write timing report {}: {e}", p.display());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_percentiles() {
        let mut t = Timing {
            path: Some("/dev/null".into()),
            ..Timing::default()
        };
        for ms in 1..=100u64 {
            t.key_event(Instant::now() - Duration::from_millis(ms));
            t.frame_drawn();
        }
        let v: serde_json::Value = serde_json::from_str(&t.report()).unwrap();
        assert_eq!(v["frames"], 100);
        assert_eq!(v["key_to_frame_us"]["n"], 100);
        assert!(v["key_to_frame_us"]["p99"].as_u64().unwrap() >= 98_000);
        assert!(
            v["key_to_frame_us"]["p50"].as_u64().unwrap()
                < v["key_to_frame_us"]["p99"].as_u64().unwrap()
        );
    }

    #[test]
    fn disabled_records_nothing() {
        let mut t = Timing::default();
        t.key_event(Instant::now());
        t.frame_drawn();
        assert_eq!(t.frames, 0);
    }
}
