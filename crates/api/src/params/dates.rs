//! Date and date-time parameters: the contract's input grammar (§2.5).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

/// `YYYY-MM-DD`, one-digit month and day tolerated.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let mut parts = raw.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    if ![y, m, d].iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// ISO-8601 date and time (contract §2.5): date, `T` or space, `HH:MM[:SS][.fraction]`, then an
/// optional `Z`, `±HH`, `±HHMM` or `±HH:MM`.
pub fn parse_datetime(raw: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let split = raw.find(['T', ' '])?;
    let date = parse_date(&raw[..split])?;
    let rest = &raw[split + 1..];
    let zone_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&fields.len())
        || fields.iter().any(|f| !(1..=2).contains(&f.len()) || !f.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let (h, mi) = (fields[0].parse().ok()?, fields[1].parse().ok()?);
    let s = fields.get(2).map_or(Some(0), |f| f.parse().ok())?;
    let micros = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 12 && f.chars().all(|c| c.is_ascii_digit()) => {
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    let time = chrono::NaiveTime::from_hms_micro_opt(h, mi, s, micros)?;
    let offset = match zone {
        "" => None,
        "Z" => Some(FixedOffset::east_opt(0)?),
        z => Some(parse_offset(z)?),
    };
    Some((date.and_time(time), offset))
}

fn parse_offset(z: &str) -> Option<FixedOffset> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit())
        || !(z[1..].len() == 2 || z[1..].len() == 4 || (z[1..].len() == 5 && z.as_bytes()[3] == b':'))
    {
        return None;
    }
    let hours: i32 = digits.get(0..2)?.parse().ok()?;
    let minutes: i32 = if digits.len() == 4 { digits.get(2..4)?.parse().ok()? } else { 0 };
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The UTC instant of a zoned date-time.
pub fn to_utc(naive: NaiveDateTime, zone: FixedOffset) -> Option<DateTime<chrono::Utc>> {
    naive.and_local_timezone(zone).single().map(|d| d.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_follow_the_contract_grammar() {
        let (dt, z) = parse_datetime("2020-05-21T10:31:00.000+03:00").unwrap();
        assert_eq!(to_utc(dt, z.unwrap()).unwrap().to_rfc3339(), "2020-05-21T07:31:00+00:00");
        assert!(parse_datetime("2020-5-1 1:2").unwrap().1.is_none());
        assert!(parse_datetime("2020-05-21").is_none());
        assert!(parse_datetime("2020-05-21T10:31:00,5Z").is_none());
        assert_eq!(parse_datetime("2020-05-21T10:31Z").unwrap().1, FixedOffset::east_opt(0));
        assert_eq!(parse_datetime("2020-05-21T10:31-0130").unwrap().1, FixedOffset::east_opt(-5400));
        assert_eq!(parse_date("2021-1-5"), NaiveDate::from_ymd_opt(2021, 1, 5));
        assert!(parse_date("2021-01-05T00:00").is_none());
    }
}
