//! An improvement plan: its status key, priority areas, outcomes and actions.

use chrono::NaiveDate;

use super::Html;
use crate::dates::Due;

#[derive(Debug, Clone)]
pub struct Plan {
    /// The plan's folder name; its address is `plans/<slug>/`.
    pub slug: String,
    pub title: String,
    pub responds_to: Option<String>,
    /// The date its figures are reported at, already resolved from plan, site or build date.
    pub as_at: NaiveDate,
    pub summary: Option<String>,
    pub introduction: Html,
    pub governance: Html,
    pub statuses: Vec<Status>,
    pub status_notes: Html,
    pub editorial_note: Html,
    /// In number order.
    pub areas: Vec<PriorityArea>,
}

/// One entry of a plan's status (RAG) key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub key: String,
    pub label: String,
    pub colour: String,
    pub meaning: Option<String>,
    pub complete: bool,
    pub delayed: bool,
}

#[derive(Debug, Clone)]
pub struct PriorityArea {
    pub number: u32,
    /// From the file name; the area's address is `plans/<plan>/<slug>/`.
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub editorial_note: Html,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub text: Html,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub id: String,
    pub slug: String,
    pub text: Html,
    pub responsible: Option<String>,
    pub due: Option<Due>,
    /// An index into the plan's `statuses`; None where the source records no status.
    pub status: Option<usize>,
    pub source_status: Option<String>,
    pub progress: Html,
    pub impact: Html,
    pub delay: Option<Delay>,
    /// Oldest first.
    pub history: Vec<StatusUpdate>,
    pub editorial_note: Html,
}

#[derive(Debug, Clone, Default)]
pub struct Delay {
    pub reason: Html,
    pub mitigation: Html,
    pub responsible: Option<String>,
    pub revised_due: Option<NaiveDate>,
}

/// One dated report on an action: its status then, and what the report said of the
/// fields that have since changed (`waymark import` keeps them here when a later tracker
/// replaces them, so nothing a committee once read disappears).
#[derive(Debug, Clone, Default)]
pub struct StatusUpdate {
    pub date: NaiveDate,
    /// An index into the plan's `statuses`; None where that report gave no status.
    pub status: Option<usize>,
    pub note: Html,
    /// The revised due date given at this update, if it gave one.
    pub revised_due: Option<NaiveDate>,
    /// What the action's fields said at this report, where they have changed since.
    pub progress: Html,
    pub impact: Html,
    pub responsible: Option<String>,
    pub due: Option<Due>,
}

impl Plan {
    pub fn status(&self, index: usize) -> Option<&Status> {
        self.statuses.get(index)
    }

    /// Overdue: a known due date before the plan's as-at date, and a recorded status that
    /// is not complete. An action with no recorded status is never called overdue: that
    /// would be a guess.
    pub fn is_overdue(&self, action: &Action) -> bool {
        let Some(status) = action.status.and_then(|i| self.status(i)) else {
            return false;
        };
        !status.complete && action.effective_due().is_some_and(|due| due < self.as_at)
    }

    pub fn actions(&self) -> impl Iterator<Item = (&PriorityArea, &Action)> {
        self.areas
            .iter()
            .flat_map(|a| a.actions().map(move |action| (a, action)))
    }
}

impl PriorityArea {
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.outcomes.iter().flat_map(|o| o.actions.iter())
    }
}

impl Action {
    /// The date the action is now expected by: a revised due date wins over the original.
    pub fn effective_due(&self) -> Option<NaiveDate> {
        self.delay
            .as_ref()
            .and_then(|d| d.revised_due)
            .or_else(|| self.due.as_ref().and_then(Due::date))
    }
}
