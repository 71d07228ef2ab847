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
    /// The later plan that took this one's place (its slug); None for a current plan.
    pub superseded_by: Option<String>,
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
    /// Behind but expected to complete ("Amber E"): counted and listed as at risk.
    pub at_risk: bool,
    /// What source documents call this status (`Amber`, `Yellow`): how `check` and
    /// `import` recognise the source's own words.
    pub source_words: Vec<String>,
}

impl Status {
    /// Whether `word` is one of this status's source words, ignoring capitals and spacing.
    pub fn stands_for(&self, word: &str) -> bool {
        let plain = |w: &str| {
            w.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let word = plain(word);
        self.source_words.iter().any(|w| plain(w) == word)
    }
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
    /// How the record was made from its source (a table converted, cells moved): shown
    /// after the content, under "About this record".
    pub record_note: Html,
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
    /// A plan no later plan has taken the place of.
    pub fn is_current(&self) -> bool {
        self.superseded_by.is_none()
    }

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
        !status.complete
            && self
                .effective_due(action)
                .is_some_and(|due| due < self.as_at)
    }

    /// No recorded status, and a known due date before the plan's as-at date: the due
    /// date has passed, but whether the action is done is not known.
    pub fn is_due_passed_unrecorded(&self, action: &Action) -> bool {
        action.status.and_then(|i| self.status(i)).is_none()
            && self
                .effective_due(action)
                .is_some_and(|due| due < self.as_at)
    }

    /// The revised due date in force at the as-at date (see [`Action::revised_due_on`]).
    pub fn revised_due(&self, action: &Action) -> Option<NaiveDate> {
        action.revised_due_on(self.as_at, self.as_at)
    }

    /// The date the action is now expected by: the latest revised date wins over the original.
    pub fn effective_due(&self, action: &Action) -> Option<NaiveDate> {
        self.revised_due(action)
            .or_else(|| action.due.as_ref().and_then(Due::date))
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
    /// The revised due date in force at `date`: the latest history update on or before it
    /// (and not after the as-at date) that gave one. At the as-at date the `delay` block
    /// is the plan's current word, so its date wins over the history's.
    pub fn revised_due_on(&self, date: NaiveDate, as_at: NaiveDate) -> Option<NaiveDate> {
        let until = date.min(as_at);
        let given = self
            .history
            .iter()
            .rev()
            .filter(|u| u.date <= until)
            .find_map(|u| u.revised_due);
        let current = self.delay.as_ref().and_then(|d| d.revised_due);
        match date >= as_at {
            true => current.or(given),
            false => given,
        }
    }
}
