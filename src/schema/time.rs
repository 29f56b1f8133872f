//! Calendar arithmetic for the date and time logical types (proleptic Gregorian, UTC), so that
//! a decoded `timestamp-millis` reads as `2024-05-01T12:00:00.000Z` rather than a bare number,
//! and typed dates encode back. No time zone database: offsets are parsed, zones are not.

/// Days since 1970-01-01 → (year, month, day). Howard Hinnant's `civil_from_days`.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` for days since the epoch.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `HH:MM:SS.fff…` for a time of day in units of 10^-`digits` seconds.
pub fn format_time(units: i64, digits: u32) -> String {
    let per_sec = 10i64.pow(digits);
    let secs = units.div_euclid(per_sec);
    let frac = units.rem_euclid(per_sec);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    format!(
        "{h:02}:{m:02}:{s:02}.{frac:0width$}",
        width = digits as usize
    )
}

/// `YYYY-MM-DDTHH:MM:SS.fff…` (+ `Z` when `utc`) for a count of 10^-`digits` seconds since the
/// epoch.
pub fn format_timestamp(units: i64, digits: u32, utc: bool) -> String {
    let per_sec = 10i64.pow(digits);
    let secs = units.div_euclid(per_sec);
    let frac = units.rem_euclid(per_sec);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400) * per_sec + frac;
    format!(
        "{}T{}{}",
        format_date(days),
        format_time(tod, digits),
        if utc { "Z" } else { "" }
    )
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Days since the epoch of `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let (y, m, d) = (
        num(it.next()?, 4)?,
        num(it.next()?, 2)?,
        num(it.next()?, 2)?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m as u32, d as u32);
    // 2023-02-30 would come back as March: refuse it.
    (civil_from_days(days) == (y, m as u32, d as u32)).then_some(days)
}

/// `HH:MM:SS[.fraction]` in units of 10^-`digits` seconds (a longer fraction is refused rather
/// than rounded).
pub fn parse_time(s: &str, digits: u32) -> Option<i64> {
    let (hms, frac) = match s.split_once('.') {
        Some((a, b)) => (a, b),
        None => (s, ""),
    };
    let mut it = hms.splitn(3, ':');
    let (h, m, sec) = (
        num(it.next()?, 2)?,
        num(it.next()?, 2)?,
        num(it.next()?, 2)?,
    );
    if h > 23 || m > 59 || sec > 60 || frac.len() > digits as usize {
        return None;
    }
    let f = if frac.is_empty() {
        0
    } else {
        num(frac, frac.len())? * 10i64.pow(digits - frac.len() as u32)
    };
    Some((h * 3600 + m * 60 + sec) * 10i64.pow(digits) + f)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` → units of 10^-`digits` seconds since the epoch.
/// `utc`: an offset (or `Z`) is required; otherwise (local timestamps) none is allowed.
pub fn parse_timestamp(s: &str, digits: u32, utc: bool) -> Option<i64> {
    let (date, rest) = s.split_once(['T', ' '])?;
    let days = parse_date(date)?;
    let (time, offset_secs) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, Some(0))
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (t, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        (t, Some(sign * (num(oh, 2)? * 3600 + num(om, 2)? * 60)))
    } else {
        (rest, None)
    };
    if offset_secs.is_some() != utc {
        return None;
    }
    let tod = parse_time(time, digits)?;
    let per_sec = 10i64.pow(digits);
    days.checked_mul(86_400 * per_sec)?
        .checked_add(tod)?
        .checked_sub(offset_secs.unwrap_or(0) * per_sec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(19_844), "2024-05-01");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(
            format_timestamp(1_714_564_800_123, 3, true),
            "2024-05-01T12:00:00.123Z"
        );
        assert_eq!(format_time(3_723_000_001, 6), "01:02:03.000001");
        assert_eq!(
            parse_timestamp("2024-05-01T14:00:00.123+02:00", 3, true),
            Some(1_714_564_800_123)
        );
        assert_eq!(parse_timestamp("2024-05-01T12:00:00", 3, true), None);
        assert_eq!(
            parse_timestamp("2024-05-01T12:00:00.5", 3, false),
            Some(1_714_564_800_500)
        );
        assert_eq!(parse_time("01:02:03.0000001", 6), None, "finer than micros");
    }

    proptest! {
        #[test]
        fn timestamps_round_trip(units in -10_000_000_000_000i64..10_000_000_000_000, utc: bool) {
            let s = format_timestamp(units, 3, utc);
            prop_assert_eq!(parse_timestamp(&s, 3, utc), Some(units));
        }
    }
}
