//! Where a read ends: `--until end|never|<offset>|<duration ago>|<RFC 3339 time>`.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Until {
    /// The end of each partition as it was when the read began (kcat's `-e`).
    #[default]
    End,
    /// Never: keep reading new records.
    Never,
    /// Records before this offset, in every partition.
    Offset(i64),
    /// Records up to this long before the read began.
    Ago(Duration),
    /// Records up to this instant.
    Time(SystemTime),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid end {input:?}: use end, never, an offset (1000), a duration ago (15m) or a time (2026-12-03T10:00:00Z)")]
pub struct UntilError {
    input: String,
}

impl FromStr for Until {
    type Err = UntilError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || UntilError {
            input: s.to_string(),
        };
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "end" | "latest" => return Ok(Until::End),
            "never" | "follow" => return Ok(Until::Never),
            _ => {}
        }
        if let Ok(n) = t.parse::<i64>() {
            return if n >= 0 {
                Ok(Until::Offset(n))
            } else {
                Err(err())
            };
        }
        if let Ok(at) = humantime::parse_rfc3339_weak(t) {
            return Ok(Until::Time(at));
        }
        super::start::parse_ago(t).map(Until::Ago).ok_or_else(err)
    }
}

impl fmt::Display for Until {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Until::End => f.write_str("the end"),
            Until::Never => f.write_str("never"),
            Until::Offset(n) => write!(f, "offset {n}"),
            Until::Ago(d) => write!(f, "{} ago", humantime::format_duration(*d)),
            Until::Time(t) => write!(f, "{}", humantime::format_rfc3339_seconds(*t)),
        }
    }
}

impl Until {
    /// The last record time kept, in ms since the epoch, for the time forms; `began` is when
    /// the read began.
    pub fn last_ms(&self, began: SystemTime) -> Option<i64> {
        let at = match self {
            Until::Ago(d) => began.checked_sub(*d)?,
            Until::Time(t) => *t,
            _ => return None,
        };
        super::start::epoch_ms(at)
    }

    /// Whether a partition is done once it has reached the end it had when the read began:
    /// for `end`, and for a time that had passed by then (no later record can be older).
    pub fn stops_at_start_end(&self, began: SystemTime) -> bool {
        match self {
            Until::End | Until::Ago(_) => true,
            Until::Time(t) => *t <= began,
            Until::Never | Until::Offset(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("end".parse(), Ok(Until::End));
        assert_eq!("never".parse(), Ok(Until::Never));
        assert_eq!("1000".parse(), Ok(Until::Offset(1000)));
        assert_eq!("15m".parse(), Ok(Until::Ago(Duration::from_secs(900))));
        assert_eq!(
            "1970-01-01T00:00:10Z".parse(),
            Ok(Until::Time(
                SystemTime::UNIX_EPOCH + Duration::from_secs(10)
            ))
        );
        for bad in ["", "-5", "soon", "0s"] {
            assert!(bad.parse::<Until>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn times_and_ends() {
        let began = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        assert_eq!(
            Until::Ago(Duration::from_secs(10)).last_ms(began),
            Some(90_000)
        );
        assert_eq!(Until::End.last_ms(began), None);
        assert!(Until::End.stops_at_start_end(began));
        assert!(!Until::Offset(5).stops_at_start_end(began));
        assert!(!Until::Time(began + Duration::from_secs(1)).stops_at_start_end(began));
        assert!(Until::Time(began).stops_at_start_end(began));
    }
}
