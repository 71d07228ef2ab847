//! Derived figures: counts by status, percent complete, overdue and delayed actions, the
//! current judgement, the domains table. Computed here so templates only present them.

use chrono::NaiveDate;

use crate::dates::months_between;
use crate::model::{Action, Inspection, Plan, PriorityArea, Site, Status, When};

/// How many actions stand in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount<'a> {
    pub status: &'a Status,
    pub count: usize,
}

/// Where a set of actions stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress<'a> {
    pub total: usize,
    pub complete: usize,
    /// Rounded to the nearest whole percent; 0 when there are no actions.
    pub percent_complete: u32,
    /// One entry per status in the plan's key, in key order, zeros included.
    pub by_status: Vec<StatusCount<'a>>,
    /// Actions whose source gives no status.
    pub not_recorded: usize,
    pub overdue: usize,
    /// Actions with no recorded status whose due date has passed: never called overdue
    /// (that would guess their status), but counted apart.
    pub due_passed_unrecorded: usize,
    /// Actions in a status marked `at_risk`.
    pub at_risk: usize,
}

pub fn progress<'a, 'b>(plan: &'a Plan, actions: impl Iterator<Item = &'b Action>) -> Progress<'a> {
    let mut counts = vec![0usize; plan.statuses.len()];
    let (mut total, mut not_recorded, mut overdue, mut lapsed) = (0, 0, 0, 0);
    for action in actions {
        total += 1;
        match action.status {
            Some(i) if i < counts.len() => counts[i] += 1,
            _ => not_recorded += 1,
        }
        overdue += usize::from(plan.is_overdue(action));
        lapsed += usize::from(plan.is_due_passed_unrecorded(action));
    }
    let by_status: Vec<StatusCount<'a>> = plan
        .statuses
        .iter()
        .zip(counts)
        .map(|(status, count)| StatusCount { status, count })
        .collect();
    let sum = |wanted: fn(&Status) -> bool| -> usize {
        by_status
            .iter()
            .filter(|c| wanted(c.status))
            .map(|c| c.count)
            .sum()
    };
    let (complete, at_risk) = (sum(|s| s.complete), sum(|s| s.at_risk));
    Progress {
        total,
        complete,
        percent_complete: percent(complete, total),
        by_status,
        not_recorded,
        overdue,
        due_passed_unrecorded: lapsed,
        at_risk,
    }
}

pub fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    ((part * 200 + whole) / (2 * whole)) as u32
}

/// The exception list: actions in a status marked `delayed`, in plan order.
pub fn delayed_actions(plan: &Plan) -> Vec<(&PriorityArea, &Action)> {
    plan.actions()
        .filter(|(_, a)| {
            a.status
                .and_then(|i| plan.status(i))
                .is_some_and(|s| s.delayed)
        })
        .collect()
}

/// Actions in a status marked `at_risk`, in plan order.
pub fn at_risk_actions(plan: &Plan) -> Vec<(&PriorityArea, &Action)> {
    plan.actions()
        .filter(|(_, a)| {
            a.status
                .and_then(|i| plan.status(i))
                .is_some_and(|s| s.at_risk)
        })
        .collect()
}

pub fn overdue_actions(plan: &Plan) -> Vec<(&PriorityArea, &Action)> {
    plan.actions().filter(|(_, a)| plan.is_overdue(a)).collect()
}

/// Actions with no recorded status whose due date had passed by the as-at date.
pub fn due_passed_unrecorded_actions(plan: &Plan) -> Vec<(&PriorityArea, &Action)> {
    plan.actions()
        .filter(|(_, a)| plan.is_due_passed_unrecorded(a))
        .collect()
}

/// A dated thing that happened, for saying how old a plan's figures are.
#[derive(Debug, Clone)]
pub struct Dated<'a> {
    pub date: NaiveDate,
    /// What it was, in lower case as a sentence uses it: "monitoring visit", "progress report".
    pub what: String,
    pub inspection: Option<&'a Inspection>,
}

/// The organisation's latest event known to the day or month that has happened: a held
/// inspection or visit of its own, or a progress report. Dates that carry a `date_note`
/// are left out: the note says they may mislead.
pub fn latest_dated_event(site: &Site) -> Option<Dated<'_>> {
    let events = site
        .inspections
        .iter()
        .filter(|i| i.is_own_held() && i.date_note.is_none())
        .filter_map(|i| match &i.when {
            When::Dates { start, .. } if !matches!(start, crate::dates::PartialDate::Year(_)) => {
                Some(Dated {
                    date: start.first_day(),
                    what: i.kind.label().to_lowercase(),
                    inspection: Some(i),
                })
            }
            _ => None,
        });
    let reports = site
        .reports
        .iter()
        .filter(|r| r.date_note.is_none())
        .map(|r| Dated {
            date: r.date,
            what: site.config.strings.get("progress_report").to_lowercase(),
            inspection: None,
        });
    events.chain(reports).max_by_key(|d| d.date)
}

/// Figures older than this, beside a later event, are said to be old.
pub const STALE_AFTER_MONTHS: u32 = 3;

/// How far a plan's figures fall behind the latest event: None unless by more than
/// [`STALE_AFTER_MONTHS`] whole months.
pub fn figures_behind<'a>(plan: &Plan, latest: Option<&Dated<'a>>) -> Option<(u32, Dated<'a>)> {
    let latest = latest?;
    let months = months_between(plan.as_at, latest.date);
    (months > STALE_AFTER_MONTHS).then(|| (months, latest.clone()))
}

/// The latest date the content records for something that has happened: a plan's as-at
/// date, a report's date, or when an inspection or visit ended or was published.
/// Planned events and dates carrying a `date_note` do not count.
pub fn last_updated(site: &Site) -> Option<NaiveDate> {
    let plans = site.plans.iter().map(|p| p.as_at);
    let reports = site
        .reports
        .iter()
        .filter(|r| r.date_note.is_none())
        .map(|r| r.date);
    let events = site
        .inspections
        .iter()
        .filter(|i| !i.planned && i.date_note.is_none())
        .flat_map(|i| {
            let ended = match &i.when {
                When::Dates { start, end } => Some(end.unwrap_or(*start).first_day()),
                _ => None,
            };
            ended.into_iter().chain(i.published)
        });
    plans.chain(reports).chain(events).max()
}

/// The newest of the organisation's own held inspections that gave an overall grade:
/// where the journey stands. One whose dates are not recorded counts only when no dated
/// one was graded, as its place among them is not known.
pub fn current_judgement(inspections: &[Inspection]) -> Option<&Inspection> {
    newest_graded(inspections, |_| true)
}

/// Where the journey stands on each grading scale: for each scale, in the site's order,
/// the newest graded inspection on it, chosen as [`current_judgement`] chooses. A site
/// with one scale has at most one.
pub fn current_judgements(inspections: &[Inspection], scales: usize) -> Vec<&Inspection> {
    (0..scales)
        .filter_map(|scale| newest_graded(inspections, |i| i.scale == scale))
        .collect()
}

fn newest_graded(
    inspections: &[Inspection],
    keep: impl Fn(&Inspection) -> bool,
) -> Option<&Inspection> {
    let graded = || {
        inspections
            .iter()
            .rev()
            .filter(|i| keep(i) && i.is_own_held() && i.overall.is_some())
    };
    graded()
        .find(|i| i.when.sort_key().is_some())
        .or_else(|| graded().next())
}

/// The organisation's newest dated event that has taken place, of any kind.
pub fn latest_event(inspections: &[Inspection]) -> Option<&Inspection> {
    inspections
        .iter()
        .rev()
        .find(|i| i.is_own_held() && i.when.sort_key().is_some())
}

pub fn planned_events(inspections: &[Inspection]) -> Vec<&Inspection> {
    inspections.iter().filter(|i| i.planned).collect()
}

/// Judgement domains (rows) by graded inspection (columns), in order of first appearance.
pub struct DomainTable<'a> {
    pub inspections: Vec<&'a Inspection>,
    pub rows: Vec<DomainRow>,
}

pub struct DomainRow {
    pub domain: String,
    pub within: Option<String>,
    /// One cell per column: `Some(Some(grade))` graded, `Some(None)` judged but grade not
    /// recorded, `None` not part of that inspection.
    pub cells: Vec<Option<Option<usize>>>,
}

/// Columns are the inspections that gave any grade, overall or by domain; the overall
/// grades make the first row.
/// `overall` names the first row, the overall grades ("Overall judgement").
pub fn domain_table<'a>(inspections: &'a [Inspection], overall: &str) -> DomainTable<'a> {
    let columns: Vec<&Inspection> = inspections
        .iter()
        .filter(|i| !i.judgements.is_empty() || i.overall.is_some())
        .collect();
    let mut rows: Vec<DomainRow> = overall_row(&columns, overall).into_iter().collect();
    for (col, inspection) in columns.iter().enumerate() {
        for j in &inspection.judgements {
            let key = normalise_domain(&j.domain);
            let row = match rows.iter().position(|r| normalise_domain(&r.domain) == key) {
                Some(r) => r,
                None => {
                    rows.push(DomainRow {
                        domain: j.domain.clone(),
                        within: j.within.clone(),
                        cells: vec![None; columns.len()],
                    });
                    rows.len() - 1
                }
            };
            rows[row].cells[col] = Some(j.grade);
        }
    }
    DomainTable {
        inspections: columns,
        rows,
    }
}

/// None when no column has an overall grade. A graded inspection without one says
/// "not recorded"; a visit, which is not graded overall, "not judged".
fn overall_row(columns: &[&Inspection], overall: &str) -> Option<DomainRow> {
    columns
        .iter()
        .any(|i| i.overall.is_some())
        .then(|| DomainRow {
            domain: overall.to_string(),
            within: None,
            cells: columns
                .iter()
                .map(|i| match i.kind.is_visit() {
                    true => i.overall.map(Some),
                    false => Some(i.overall),
                })
                .collect(),
        })
}

fn normalise_domain(domain: &str) -> String {
    domain
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Due;

    use crate::model::sample::{self, day};

    fn action(id: &str, status: Option<usize>, due: Option<Due>) -> Action {
        Action {
            due,
            ..sample::action(id, status)
        }
    }

    fn plan(actions: Vec<Action>) -> Plan {
        sample::plan(day(2023, 1, 1), actions)
    }

    #[test]
    fn counts_by_status_and_percent_complete() {
        let p = plan(vec![
            action("1", Some(0), None),
            action("2", Some(0), None),
            action("3", Some(1), None),
            action("4", None, None),
        ]);
        let pr = progress(&p, p.areas[0].actions());
        assert_eq!(pr.total, 4);
        assert_eq!(pr.complete, 2);
        assert_eq!(pr.percent_complete, 50);
        assert_eq!(
            pr.by_status.iter().map(|c| c.count).collect::<Vec<_>>(),
            vec![2, 1, 0]
        );
        assert_eq!(pr.not_recorded, 1);
    }

    #[test]
    fn percent_rounds_to_nearest() {
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 200), 1);
    }

    #[test]
    fn overdue_needs_a_past_date_and_a_known_incomplete_status() {
        let past = Some(Due::On(day(2022, 12, 1)));
        let p = plan(vec![
            action("late", Some(1), past.clone()),
            action("done", Some(0), past.clone()),
            action("unknown", None, past),
            action("future", Some(1), Some(Due::On(day(2023, 6, 1)))),
            action(
                "words",
                Some(1),
                Some(Due::Described {
                    text: "Review 30/09/22".into(),
                    date: Some(day(2022, 9, 30)),
                }),
            ),
            action(
                "no date",
                Some(1),
                Some(Due::Described {
                    text: "Ongoing".into(),
                    date: None,
                }),
            ),
        ]);
        let ids: Vec<&str> = overdue_actions(&p)
            .iter()
            .map(|(_, a)| a.id.as_str())
            .collect();
        assert_eq!(ids, vec!["late", "words"]);
        assert_eq!(progress(&p, p.areas[0].actions()).overdue, 2);
    }

    #[test]
    fn a_revised_due_date_replaces_the_original() {
        let mut a = action("d", Some(2), Some(Due::On(day(2022, 10, 1))));
        a.delay = Some(crate::model::Delay {
            revised_due: Some(day(2023, 3, 1)),
            ..Default::default()
        });
        let p = plan(vec![a]);
        assert!(overdue_actions(&p).is_empty());
        assert_eq!(delayed_actions(&p).len(), 1);
    }
}
