//! Inspections and visits: when they happened, who inspected, and the grades they gave.

use chrono::NaiveDate;

use super::Html;
use crate::dates::PartialDate;

/// A kind of inspection or visit: one of the three built in, or one site.yaml declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionKind {
    /// What `kind:` says in an inspection file: `monitoring-visit`.
    pub key: String,
    /// One of them, as readers see it: "Monitoring visit".
    pub label: String,
    /// Several of them: "Monitoring visits".
    pub plural: String,
    /// A visit gives no overall grade; a full inspection does.
    pub visit: bool,
}

impl InspectionKind {
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn is_visit(&self) -> bool {
        self.visit
    }

    /// The kinds every site has, with the labels sites have always shown.
    /// Their labels are the site's strings `kind_<key>` and `kinds_<key>` (plural).
    pub fn built_in(strings: &crate::strings::Strings) -> Vec<InspectionKind> {
        let kind = |key: &str, visit| {
            let word = key.replace('-', "_");
            InspectionKind {
                key: key.into(),
                label: strings.get(&format!("kind_{word}")).into(),
                plural: strings.get(&format!("kinds_{word}")).into(),
                visit,
            }
        };
        vec![
            kind("inspection", false),
            kind("focused-visit", true),
            kind("monitoring-visit", true),
        ]
    }
}

/// When an event took place, as precisely as the sources say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Dates {
        start: PartialDate,
        end: Option<PartialDate>,
    },
    /// Exact dates not known: no earlier than the first, no later than the second.
    Between(PartialDate, PartialDate),
    /// No source dates it (`dates_not_recorded: true`), or a planned one not yet placed.
    Unknown,
}

impl When {
    /// Where the event sits on the timeline.
    pub fn sort_key(&self) -> Option<PartialDate> {
        match self {
            When::Dates { start, .. } => Some(*start),
            When::Between(from, _) => Some(*from),
            When::Unknown => None,
        }
    }
}

/// A grade from one of the site's grading scales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    pub key: String,
    pub label: String,
    pub colour: String,
    /// An index into the site's scales.
    pub scale: usize,
    /// The number the framework gives the grade, where it gives one.
    pub score: Option<u32>,
}

/// A grading scale: the site's `grades` (the default scale, with no key) or one of its
/// `scales`, which an inspection names with `scale:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub key: Option<String>,
    pub name: Option<String>,
    /// What the overall grade on this scale is called: "Overall effectiveness".
    pub overall: String,
}

#[derive(Debug, Clone)]
pub struct Judgement {
    pub domain: String,
    /// An index into the site's grades; None where the sources do not give it.
    pub grade: Option<usize>,
    pub within: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Inspection {
    /// The file name without `.md`: how plans refer to it, and its address.
    pub id: String,
    pub title: String,
    pub kind: InspectionKind,
    pub planned: bool,
    /// The body inspected, when it is not the site's organisation (a comparator or a
    /// partner): such an inspection is never where this journey stands.
    pub other_body: Option<String>,
    pub framework: Option<String>,
    /// An index into the site's scales: the one its grades are on.
    pub scale: usize,
    pub number: Option<u32>,
    pub when: When,
    pub expected: Option<String>,
    pub published: Option<NaiveDate>,
    pub inspectors: Vec<String>,
    pub overall: Option<usize>,
    pub overall_qualifier: Option<String>,
    pub judgements: Vec<Judgement>,
    pub areas_covered: Html,
    pub headline: Html,
    pub summary: Option<String>,
    pub source: Option<String>,
    /// The source document's web address (checked: http or https).
    pub source_url: Option<String>,
    /// Why the dates shown may mislead (`date_note`): marked wherever the date is listed.
    pub date_note: Option<String>,
    pub editorial_note: Html,
    pub body: Html,
}

impl Inspection {
    /// Whether it says where this organisation's journey stands: held, and its own.
    pub fn is_own_held(&self) -> bool {
        !self.planned && self.other_body.is_none()
    }

    /// No exact dates, no grades, inspectors, publication, areas covered or headline
    /// findings: such visits in a row are one entry on the timeline, not one each (the
    /// text below the front matter, which each keeps on its own page, does not count).
    pub fn has_no_details(&self) -> bool {
        !self.planned
            && !matches!(self.when, When::Dates { .. })
            && self.published.is_none()
            && self.inspectors.is_empty()
            && self.overall.is_none()
            && self.judgements.is_empty()
            && self.areas_covered.is_empty()
            && self.headline.is_empty()
            && self.date_note.is_none()
    }
}

/// Timeline order: by date (then number, then file name), planned ones with no dates
/// last. A held one whose dates are not recorded goes after the dated visit of its kind
/// with the next lower `number` (or before the next higher); with no number to place it
/// by, after every held one.
pub fn timeline_order(all: Vec<Inspection>) -> Vec<Inspection> {
    let (mut undated, mut list): (Vec<Inspection>, Vec<Inspection>) = all
        .into_iter()
        .partition(|i| !i.planned && i.when == When::Unknown);
    list.sort_by(|a, b| by_date(a).cmp(&by_date(b)));
    undated.sort_by(|a, b| (a.number, &a.id).cmp(&(b.number, &b.id)));
    for inspection in undated {
        let at = place_of(&list, &inspection);
        list.insert(at, inspection);
    }
    list
}

fn by_date(i: &Inspection) -> (bool, Option<PartialDate>, Option<u32>, &str) {
    let key = i.when.sort_key();
    (key.is_none(), key, i.number, &i.id)
}

fn place_of(list: &[Inspection], undated: &Inspection) -> usize {
    let after_held = list.iter().rposition(|i| !i.planned).map_or(0, |p| p + 1);
    let Some(n) = undated.number else {
        return after_held;
    };
    let numbered = |i: &Inspection| i.kind == undated.kind && i.number.is_some();
    let lower = list.iter().rposition(|i| numbered(i) && i.number < Some(n));
    let higher = list.iter().position(|i| numbered(i) && i.number > Some(n));
    match (lower, higher) {
        (Some(p), _) => p + 1,
        (None, Some(p)) => p,
        (None, None) => after_held,
    }
}
