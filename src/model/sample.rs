//! Small plans for unit tests: a three-status key (0 completed, 1 on-track, 2 delayed),
//! one priority area, and the actions given.

use chrono::NaiveDate;

use super::{Action, Html, Outcome, Plan, PriorityArea, Status};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn status(key: &str, complete: bool, delayed: bool) -> Status {
    Status {
        key: key.into(),
        label: key.into(),
        colour: "#000000".into(),
        meaning: None,
        complete,
        delayed,
        source_words: Vec::new(),
        at_risk: false,
    }
}

/// An action with only an id and a status; set other fields with `..action(..)`.
pub fn action(id: &str, status: Option<usize>) -> Action {
    Action {
        id: id.into(),
        slug: id.into(),
        text: Html::default(),
        responsible: None,
        due: None,
        status,
        source_status: None,
        progress: Html::default(),
        impact: Html::default(),
        delay: None,
        history: vec![],
        editorial_note: Html::default(),
        record_note: Html::default(),
    }
}

pub fn plan(as_at: NaiveDate, actions: Vec<Action>) -> Plan {
    Plan {
        slug: "p".into(),
        title: "P".into(),
        responds_to: None,
        superseded_by: None,
        as_at,
        summary: None,
        introduction: Html::default(),
        governance: Html::default(),
        statuses: vec![
            status("completed", true, false),
            status("on-track", false, false),
            status("delayed", false, true),
        ],
        status_notes: Html::default(),
        editorial_note: Html::default(),
        areas: vec![PriorityArea {
            number: 1,
            slug: "a".into(),
            title: "A".into(),
            summary: None,
            editorial_note: Html::default(),
            outcomes: vec![Outcome {
                text: Html::default(),
                actions,
            }],
        }],
    }
}
