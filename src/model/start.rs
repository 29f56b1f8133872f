//! Where a tail starts: `--from beginning|end|<offset>|-<n>|<duration ago>`.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartFrom {
    Beginning,
    /// Only records produced after the tail starts.
    #[default]
    End,
    /// This absolute offset in every partition (clamped by the broker to what exists).
    Offset(i64),
    /// The last `n` records of each partition (kcat's `-o -n`).
    Tail(i64),
    /// Records newer than this long ago (needs the broker's timestamp index).
    Ago(Duration),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid start position {input:?}: use beginning, end, an offset (42), the last N records (-10) or a duration ago (15m, 2h, 1d)")]
pub struct StartFromError {
    input: String,
}

impl FromStr for StartFrom {
    type Err = StartFromError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || StartFromError {
            input: s.to_string(),
        };
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "beginning" | "begin" | "earliest" | "start" => return Ok(StartFrom::Beginning),
            "end" | "latest" | "now" => return Ok(StartFrom::End),
            _ => {}
        }
        if let Some(n) = t.strip_prefix('-') {
            let n: i64 = n.parse().map_err(|_| err())?;
            return if n > 0 {
                Ok(StartFrom::Tail(n))
            } else {
                Err(err())
            };
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(StartFrom::Offset(n));
        }
        parse_ago(t).map(StartFrom::Ago).ok_or_else(err)
    }
}

impl fmt::Display for StartFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartFrom::Beginning => f.write_str("beginning"),
            StartFrom::End => f.write_str("end"),
            StartFrom::Offset(n) => write!(f, "offset {n}"),
            StartFrom::Tail(n) => write!(f, "last {n}"),
            StartFrom::Ago(d) => write!(f, "{} ago", humantime::format_duration(*d)),
        }
    }
}

impl StartFrom {
    /// The wall-clock instant an `Ago` start refers to, in ms since the epoch.
    pub fn timestamp_ms(&self, now: SystemTime) -> Option<i64> {
        match self {
            StartFrom::Ago(d) => epoch_ms(now.checked_sub(*d)?),
            _ => None,
        }
    }
}

/// `15m`, `2h ago`: a duration before now (zero is not one). `--from` and `--until` read it.
pub(crate) fn parse_ago(text: &str) -> Option<Duration> {
    let d = text.strip_suffix(" ago").unwrap_or(text).trim();
    humantime::parse_duration(d).ok().filter(|d| !d.is_zero())
}

/// Milliseconds since the Unix epoch, as Kafka timestamps are.
pub(crate) fn epoch_ms(t: SystemTime) -> Option<i64> {
    let ms = t.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("beginning".parse(), Ok(StartFrom::Beginning));
        assert_eq!("EARLIEST".parse(), Ok(StartFrom::Beginning));
        assert_eq!("end".parse(), Ok(StartFrom::End));
        assert_eq!("42".parse(), Ok(StartFrom::Offset(42)));
        assert_eq!("0".parse(), Ok(StartFrom::Offset(0)));
        assert_eq!("-10".parse(), Ok(StartFrom::Tail(10)));
        assert_eq!("15m".parse(), Ok(StartFrom::Ago(Duration::from_secs(900))));
        assert_eq!(
            "2h ago".parse(),
            Ok(StartFrom::Ago(Duration::from_secs(7200)))
        );
        assert_eq!("1d".parse(), Ok(StartFrom::Ago(Duration::from_secs(86400))));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "-0", "-x", "soon", "0s", "12q"] {
            assert!(
                bad.parse::<StartFrom>().is_err(),
                "{bad:?} should be rejected"
            );
        }
        let msg = "soon".parse::<StartFrom>().unwrap_err().to_string();
        assert!(msg.contains("\"soon\"") && msg.contains("beginning"));
    }

    #[test]
    fn display_round_trips_meaning() {
        assert_eq!(
            StartFrom::Ago(Duration::from_secs(900)).to_string(),
            "15m ago"
        );
        assert_eq!(StartFrom::Tail(5).to_string(), "last 5");
    }

    #[test]
    fn ago_timestamp() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let s = StartFrom::Ago(Duration::from_secs(10));
        assert_eq!(s.timestamp_ms(now), Some(990_000));
        assert_eq!(StartFrom::End.timestamp_ms(now), None);
    }
}
