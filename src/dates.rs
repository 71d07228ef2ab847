//! Dates as authors write them (ISO, UK day-first, partial) and as UK public bodies print them.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A date known to the day, the month or only the year. Sorts by its earliest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialDate {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

/// Why a written date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Looks like a date but no such day exists (2023-02-31).
    Impossible(String),
    /// Not a date at all.
    NotADate,
}

impl PartialDate {
    /// Reads `2022-09-16`, `16/09/22`, `16/09/2022`, `16 September 2022`, `2010-12` or `2018`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let t = text.trim();
        if let Some(day) = parse_day(t)? {
            return Ok(PartialDate::Day(day));
        }
        if let Some((y, m)) = t.split_once('-') {
            if is_digits(y, 4) && is_digits(m, 2) {
                let (y, m) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0));
                return if (1..=12).contains(&m) {
                    Ok(PartialDate::Month(y, m))
                } else {
                    Err(DateError::Impossible(format!("there is no month {m}")))
                };
            }
        }
        if is_digits(t, 4) {
            return Ok(PartialDate::Year(t.parse().unwrap_or(0)));
        }
        Err(DateError::NotADate)
    }

    pub fn first_day(&self) -> NaiveDate {
        match *self {
            PartialDate::Day(d) => d,
            PartialDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN),
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The last day it could be: a month's or a year's last day.
    pub fn last_day(&self) -> NaiveDate {
        let next = match *self {
            PartialDate::Day(d) => return d,
            PartialDate::Month(y, 12) | PartialDate::Year(y) => {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            }
            PartialDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m + 1, 1),
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    pub fn year(&self) -> i32 {
        self.first_day().year()
    }

    /// To the month at most: "March 2014" for a journey at a glance, not the day.
    pub fn to_month(self) -> PartialDate {
        match self {
            PartialDate::Day(d) => PartialDate::Month(d.year(), d.month()),
            other => other,
        }
    }

    /// The value for `<time datetime>`: HTML accepts `2018`, `2010-12` and `2022-09-16`.
    pub fn iso(&self) -> String {
        match *self {
            PartialDate::Day(d) => iso_day(d),
            PartialDate::Month(y, m) => format!("{y:04}-{m:02}"),
            PartialDate::Year(y) => format!("{y:04}"),
        }
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.first_day(), self.precision()).cmp(&(other.first_day(), other.precision()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialDate {
    fn precision(&self) -> u8 {
        match self {
            PartialDate::Year(_) => 0,
            PartialDate::Month(..) => 1,
            PartialDate::Day(_) => 2,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialDate::Day(d) => write!(f, "{}", long(d)),
            PartialDate::Month(y, m) => {
                write!(f, "{} {y}", MONTHS[(m as usize).saturating_sub(1) % 12])
            }
            PartialDate::Year(y) => write!(f, "{y}"),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Whole months from `from` to `to` (0 when `to` is not later): 7 December 2022 to
/// 12 November 2024 is 23.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let months = if to.day() < from.day() {
        months - 1
    } else {
        months
    };
    months.max(0) as u32
}

/// "2022-09-16". chrono writes this form directly; its `format` reads a pattern each time.
pub fn iso_day(d: NaiveDate) -> String {
    d.to_string()
}

/// "16 September 2022": the GOV.UK style, no ordinal, no leading zero.
pub fn long(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A date ready for a template: the words to show and the machine-readable value. Made
/// by the site's strings (`Strings::date`), in its language.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DateView {
    pub text: String,
    pub iso: String,
}

/// Reads a whole day: ISO, UK numeric (always day first) or written out.
pub fn parse_day(t: &str) -> Result<Option<NaiveDate>, DateError> {
    let t = t.trim();
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() == 3 && is_digits(parts[0], 4) && parts[1..].iter().all(|p| is_digits(p, 2)) {
        return ymd(parts[0], parts[1], parts[2]).map(Some);
    }
    let parts: Vec<&str> = t.split(['/', '.']).collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let year = match parts[2].len() {
            2 => format!("20{}", parts[2]),
            4 => parts[2].to_string(),
            _ => return Err(DateError::NotADate),
        };
        return ymd(&year, parts[1], parts[0]).map(Some);
    }
    Ok(parse_written(t))
}

fn parse_written(t: &str) -> Option<NaiveDate> {
    let cleaned: String = t.replace(',', " ");
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let [d, m, y] = words.as_slice() else {
        return None;
    };
    let day: u32 = d
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()?;
    let month = month_number(m)?;
    let year: i32 = y.parse().ok().filter(|_| y.len() == 4)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.to_lowercase().starts_with(&w))
        .map(|i| i as u32 + 1)
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateError> {
    let (y, m, d): (i32, u32, u32) = (
        y.parse().map_err(|_| DateError::NotADate)?,
        m.parse().map_err(|_| DateError::NotADate)?,
        d.parse().map_err(|_| DateError::NotADate)?,
    );
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| DateError::Impossible(impossible_reason(y, m, d)))
}

fn impossible_reason(y: i32, m: u32, d: u32) -> String {
    if !(1..=12).contains(&m) {
        return format!("there is no month {m}");
    }
    format!("{} {y} has no day {d}", MONTHS[(m - 1) as usize])
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// When an action is due: a date, or the plan's own words with the date they contain, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    On(NaiveDate),
    Described {
        text: String,
        date: Option<NaiveDate>,
    },
}

impl Due {
    /// Anything that is wholly a date becomes `On`; words are kept as written.
    pub fn parse(text: &str) -> Result<Due, DateError> {
        match parse_day(text)? {
            Some(d) => Ok(Due::On(d)),
            None => Ok(Due::Described {
                text: text.trim().to_string(),
                date: date_within(text),
            }),
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Due::On(d) => Some(*d),
            Due::Described { date, .. } => *date,
        }
    }
}

/// The one whole date inside some words ("Review 30/09/23"); none if there are several.
fn date_within(text: &str) -> Option<NaiveDate> {
    let found: Vec<NaiveDate> = text
        .split_whitespace()
        .filter_map(|w| {
            parse_day(w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
                .ok()
                .flatten()
        })
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn iso_days_are_written_as_chrono_formats_them() {
        for d in [
            day(1, 1, 1),
            day(999, 12, 31),
            day(2022, 9, 16),
            day(9999, 2, 3),
        ] {
            assert_eq!(iso_day(d), d.format("%Y-%m-%d").to_string());
        }
        assert_eq!(iso_day(day(2022, 9, 6)), "2022-09-06");
    }

    #[test]
    fn reads_uk_numeric_dates_day_first() {
        assert_eq!(parse_day("16/09/22"), Ok(Some(day(2022, 9, 16))));
        assert_eq!(parse_day("01/02/2023"), Ok(Some(day(2023, 2, 1))));
        assert_eq!(parse_day("2022-09-16"), Ok(Some(day(2022, 9, 16))));
        assert_eq!(parse_day("5 September 2022"), Ok(Some(day(2022, 9, 5))));
    }

    #[test]
    fn impossible_dates_say_why() {
        assert_eq!(
            parse_day("2023-02-31"),
            Err(DateError::Impossible("February 2023 has no day 31".into()))
        );
        assert!(matches!(
            parse_day("31/13/22"),
            Err(DateError::Impossible(_))
        ));
    }

    #[test]
    fn partial_dates_print_as_written_and_sort_by_first_day() {
        let y = PartialDate::parse("2018").unwrap();
        let m = PartialDate::parse("2010-12").unwrap();
        let d = PartialDate::parse("2014-03-11").unwrap();
        assert_eq!(y.to_string(), "2018");
        assert_eq!(m.to_string(), "December 2010");
        assert_eq!(d.to_string(), "11 March 2014");
        assert_eq!(m.iso(), "2010-12");
        let mut all = vec![y, d, m];
        all.sort();
        assert_eq!(all, vec![m, d, y]);
    }

    #[test]
    fn free_text_due_dates_keep_their_words_and_find_one_date() {
        assert_eq!(
            Due::parse("Review 30/09/23").unwrap(),
            Due::Described {
                text: "Review 30/09/23".into(),
                date: Some(day(2023, 9, 30))
            }
        );
        let words = Due::parse("Start Oct 22 and review every 6 weeks").unwrap();
        assert_eq!(words.date(), None);
        assert_eq!(Due::parse("16/09/22").unwrap(), Due::On(day(2022, 9, 16)));
    }

    #[test]
    fn long_dates_follow_uk_public_sector_style() {
        assert_eq!(long(day(2022, 9, 5)), "5 September 2022");
    }

    #[test]
    fn whole_months_between_two_days() {
        assert_eq!(months_between(day(2022, 12, 7), day(2024, 11, 12)), 23);
        assert_eq!(months_between(day(2022, 9, 1), day(2023, 1, 31)), 4);
        assert_eq!(months_between(day(2023, 1, 31), day(2023, 2, 28)), 0);
        assert_eq!(months_between(day(2024, 1, 1), day(2023, 1, 1)), 0);
    }
}
