//! Calendar dates: the one date type of the crate, for `verified` dates of sources and the
//! source-age finding of `audit`. Strict ISO `YYYY-MM-DD` (a TOML date; the day must exist, years
//! 1900–9999), today's date in UTC, and adding months with the day clamped to the month's end.
//! Calendar arithmetic is [`jiff`]'s.

use jiff::civil;
use std::fmt;

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date: write YYYY-MM-DD");
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        if !(digits(0..4) && digits(5..7) && digits(8..10)) {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| bad());
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if year < 1900 {
            return Err(bad());
        }
        civil::Date::new(year, month as i8, day as i8)
            .map(Date)
            .map_err(|_| bad())
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        Date(
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date(),
        )
    }

    /// The same day `months` later, clamped to the end of a shorter month (2025-08-31 + 6 months
    /// is 2026-02-28).
    pub fn add_months(self, months: u32) -> Date {
        let span = jiff::Span::new().months(i64::from(months));
        Date(self.0.checked_add(span).unwrap_or(civil::Date::MAX))
    }

    /// Year.
    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    /// Month, 1–12.
    pub fn month(self) -> u32 {
        self.0.month() as u32
    }

    /// Day of the month, 1–31.
    pub fn day(self) -> u32 {
        self.0.day() as u32
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        Date::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let d = Date::parse("2026-03-06").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 3, 6));
        assert_eq!(d.to_string(), "2026-03-06");
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("2026-1-01").is_err());
        assert!(Date::parse("2026-01-0x").is_err());
        assert!(Date::parse("+026-01-01").is_err());
        assert!(Date::parse("1899-12-31").is_err());
    }

    #[test]
    fn today_is_a_date() {
        let t = Date::today();
        assert_eq!(Date::parse(&t.to_string()), Ok(t));
    }

    #[test]
    fn adding_months() {
        let a = Date::parse("2025-03-06").unwrap();
        assert_eq!(a.add_months(18).to_string(), "2026-09-06");
        assert_eq!(
            Date::parse("2025-08-31").unwrap().add_months(6).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            Date::parse("2025-12-15").unwrap().add_months(1).to_string(),
            "2026-01-15"
        );
    }
}
