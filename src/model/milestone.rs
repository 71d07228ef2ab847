//! Milestones: dated events on the timeline that are not inspections, such as an
//! improvement notice, a statutory direction or an improvement board set up.

use crate::dates::PartialDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    /// As precise as the source says: a day, a month or a year.
    pub date: PartialDate,
    /// What sort of event it is, in the site's words: "Statutory direction".
    pub kind: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub source: Option<String>,
    /// A checked http(s) address of the source.
    pub source_url: Option<String>,
    /// Its anchor on the timeline page, unique on the site.
    pub anchor: String,
}

/// Date order, by the last day each could be: one known only to the month or year
/// follows those dated within it. Milestones of one date keep the order they were
/// written in.
pub fn milestone_order(mut all: Vec<Milestone>) -> Vec<Milestone> {
    all.sort_by_key(|m| m.date.last_day());
    all
}
