//! Inspections and visits: when they happened, who inspected, and the grades they gave.

use chrono::NaiveDate;

use super::Html;
use crate::dates::PartialDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionKind {
    Inspection,
    FocusedVisit,
    MonitoringVisit,
}

impl InspectionKind {
    pub fn label(self) -> &'static str {
        match self {
            InspectionKind::Inspection => "Inspection",
            InspectionKind::FocusedVisit => "Focused visit",
            InspectionKind::MonitoringVisit => "Monitoring visit",
        }
    }

    pub fn is_visit(self) -> bool {
        !matches!(self, InspectionKind::Inspection)
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

/// A grade from the site's grading scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    pub key: String,
    pub label: String,
    pub colour: String,
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
    pub framework: Option<String>,
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
    pub editorial_note: Html,
    pub body: Html,
}
