//! Progress over time: how many actions stood in each status at each reporting date, and
//! what changed between the last two. Every date comes from the content (history entries
//! and the plan's as-at date), so a rebuild on another day publishes the same figures.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::model::{Action, Delay, Html, Plan, PriorityArea, StatusUpdate};

/// How the plan stood at one reporting date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub date: NaiveDate,
    /// One count per status in the plan's key, in key order.
    pub counts: Vec<usize>,
    /// Actions with no status recorded on or before this date.
    pub not_recorded: usize,
    pub total: usize,
}

/// The dates the plan was reported at: every history date up to the as-at date, and the
/// as-at date itself. Oldest first, no repeats.
pub fn reporting_dates(plan: &Plan) -> Vec<NaiveDate> {
    let mut dates: BTreeSet<NaiveDate> = plan
        .actions()
        .flat_map(|(_, a)| a.history.iter().map(|u| u.date))
        .filter(|d| *d <= plan.as_at)
        .collect();
    dates.insert(plan.as_at);
    dates.into_iter().collect()
}

/// The action's status at `date`: its current status at the as-at date (the plan's own
/// word wins over its history), otherwise the latest history entry on or before `date`.
pub fn status_on(action: &Action, date: NaiveDate, as_at: NaiveDate) -> Option<usize> {
    if date >= as_at {
        return action.status;
    }
    action
        .history
        .iter()
        .filter(|u| u.date <= date)
        .max_by_key(|u| u.date)
        .and_then(|u| u.status)
}

pub fn snapshot(plan: &Plan, date: NaiveDate) -> Snapshot {
    let mut counts = vec![0; plan.statuses.len()];
    let (mut total, mut not_recorded) = (0, 0);
    for (_, action) in plan.actions() {
        total += 1;
        match status_on(action, date, plan.as_at).and_then(|i| counts.get_mut(i)) {
            Some(count) => *count += 1,
            None => not_recorded += 1,
        }
    }
    Snapshot {
        date,
        counts,
        not_recorded,
        total,
    }
}

/// One snapshot per reporting date, oldest first.
pub fn progress_over_time(plan: &Plan) -> Vec<Snapshot> {
    reporting_dates(plan)
        .into_iter()
        .map(|d| snapshot(plan, d))
        .collect()
}

/// A plan as it stood at a date, for a report of that date.
#[derive(Debug)]
pub enum Stood<'a> {
    /// On or after the as-at date: the plan as it is.
    Now(&'a Plan),
    /// Made from the history, as at the last reporting date on or before the date.
    Then(Box<Plan>),
    /// The date comes before the plan's first figures, which are as at this date.
    Before(NaiveDate),
}

impl Stood<'_> {
    pub fn plan(&self) -> Option<&Plan> {
        match self {
            Stood::Now(plan) => Some(plan),
            Stood::Then(plan) => Some(plan),
            Stood::Before(_) => None,
        }
    }
}

/// The plan as a report dated `date` saw it: each action's status, revised date and the
/// values the history kept, as at the last reporting date on or before `date`, which
/// becomes the plan's as-at date (so overdue is judged then too).
pub fn as_stood_on(plan: &Plan, date: NaiveDate) -> Stood<'_> {
    if date >= plan.as_at {
        return Stood::Now(plan);
    }
    let dates = reporting_dates(plan);
    let Some(&then) = dates.iter().rev().find(|d| **d <= date) else {
        return Stood::Before(dates.first().copied().unwrap_or(plan.as_at));
    };
    let mut old = plan.clone();
    old.as_at = then;
    let actions = old.areas.iter_mut().flat_map(|a| a.outcomes.iter_mut());
    for action in actions.flat_map(|o| o.actions.iter_mut()) {
        *action = action_then(plan, action, then);
    }
    Stood::Then(Box::new(old))
}

/// A history entry keeps what its report said of a value that changed after it, so the
/// first such entry on or after `then` holds the responsible officer or due date at
/// `then`; with none, the value has not changed since.
fn action_then(plan: &Plan, a: &Action, then: NaiveDate) -> Action {
    let status = status_on(a, then, plan.as_at);
    let later = || a.history.iter().filter(move |u| u.date >= then);
    let kept = |field: fn(&StatusUpdate) -> &Html, now: &Html| text_then(a, then, field, now);
    let delayed = status
        .and_then(|i| plan.status(i))
        .is_some_and(|s| s.delayed);
    // The delay block is the plan's current word; its date stood then too unless a later
    // history entry gave a revised date.
    let revised_later = a
        .history
        .iter()
        .any(|u| u.date > then && u.revised_due.is_some());
    let current = a.delay.as_ref().and_then(|d| d.revised_due);
    let revised_due = a
        .revised_due_on(then, plan.as_at)
        .or(current.filter(|_| !revised_later));
    Action {
        status,
        // The source's word belongs to the current status.
        source_status: a.source_status.clone().filter(|_| status == a.status),
        progress: kept(|u| &u.progress, &a.progress),
        impact: kept(|u| &u.impact, &a.impact),
        responsible: later()
            .find_map(|u| u.responsible.clone())
            .or(a.responsible.clone()),
        due: later().find_map(|u| u.due.clone()).or(a.due.clone()),
        delay: a
            .delay
            .clone()
            .filter(|_| delayed)
            .map(|d| Delay { revised_due, ..d }),
        history: a
            .history
            .iter()
            .filter(|u| u.date <= then)
            .cloned()
            .collect(),
        ..a.clone()
    }
}

/// Progress or impact at `then`. An entry keeps the text that stood at its date until the
/// next report replaced it, so a text is certain once an earlier entry shows when it began.
/// Before the first entry it is not known (text written into an empty field leaves no
/// trace), nor at all when no entry keeps one: then it is left empty, "not recorded".
fn text_then(a: &Action, then: NaiveDate, field: fn(&StatusUpdate) -> &Html, now: &Html) -> Html {
    let kept: Vec<(NaiveDate, &Html)> = a
        .history
        .iter()
        .map(|u| (u.date, field(u)))
        .filter(|(_, text)| !text.is_empty())
        .collect();
    let began = kept.iter().any(|(date, _)| *date < then);
    match kept.iter().find(|(date, _)| *date >= then) {
        Some((date, text)) if began || *date == then => (*text).clone(),
        None if began => now.clone(),
        _ => Html::default(),
    }
}

/// An action whose status differs between two reports.
#[derive(Debug, Clone)]
pub struct StatusChange<'a> {
    pub area: &'a PriorityArea,
    pub action: &'a Action,
    pub from: Option<usize>,
    pub to: Option<usize>,
}

/// An action given a new revised due date since the earlier report. `from` is None when it
/// had none then. A revised date, once given, stays in force until another replaces it,
/// so there is always one now (`to`).
#[derive(Debug, Clone)]
pub struct DueChange<'a> {
    pub area: &'a PriorityArea,
    pub action: &'a Action,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

/// What changed between the last two reporting dates. Each action appears in at most one
/// of the status lists.
#[derive(Debug, Clone)]
pub struct Changes<'a> {
    pub previous: NaiveDate,
    pub latest: NaiveDate,
    /// No status recorded at the previous report, one now.
    pub new: Vec<StatusChange<'a>>,
    /// Moved into a status that counts as complete.
    pub completed: Vec<StatusChange<'a>>,
    /// Any other change of status.
    pub status_changed: Vec<StatusChange<'a>>,
    pub revised_due: Vec<DueChange<'a>>,
}

impl Changes<'_> {
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.completed.is_empty()
            && self.status_changed.is_empty()
            && self.revised_due.is_empty()
    }
}

/// Compares the last two reporting dates; None when the plan has been reported only once.
pub fn changes_since_previous(plan: &Plan) -> Option<Changes<'_>> {
    let dates = reporting_dates(plan);
    let [.., previous, latest] = dates.as_slice() else {
        return None;
    };
    let (previous, latest) = (*previous, *latest);
    let mut changes = Changes {
        previous,
        latest,
        new: Vec::new(),
        completed: Vec::new(),
        status_changed: Vec::new(),
        revised_due: Vec::new(),
    };
    for (area, action) in plan.actions() {
        let from = status_on(action, previous, plan.as_at);
        let to = status_on(action, latest, plan.as_at);
        let change = StatusChange {
            area,
            action,
            from,
            to,
        };
        let is_complete =
            |s: Option<usize>| s.and_then(|i| plan.status(i)).is_some_and(|s| s.complete);
        let list = match from {
            _ if from == to => None,
            None => Some(&mut changes.new),
            Some(_) if is_complete(to) && !is_complete(from) => Some(&mut changes.completed),
            Some(_) => Some(&mut changes.status_changed),
        };
        if let Some(list) = list {
            list.push(change);
        }
        let (due_from, due_to) = (
            action.revised_due_on(previous, plan.as_at),
            action.revised_due_on(latest, plan.as_at),
        );
        // With no revised date in the earlier report, a new one is a change only if the
        // action was not already delayed then: otherwise its date may simply not have
        // been written into the history, and "revised since" would be a guess.
        let was_delayed = from.and_then(|i| plan.status(i)).is_none_or(|s| s.delayed);
        // A completed action may keep its delay block (an import never deletes one): its
        // revised date is then history, not news.
        if let Some(due) = due_to.filter(|due| due_from != Some(*due)) {
            if !is_complete(to) && (due_from.is_some() || !was_delayed) {
                changes.revised_due.push(DueChange {
                    area,
                    action,
                    from: due_from,
                    to: due,
                });
            }
        }
    }
    Some(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sample::{self, day};
    use crate::model::{Delay, StatusUpdate};

    fn update(date: NaiveDate, status: usize) -> StatusUpdate {
        StatusUpdate {
            date,
            status: Some(status),
            ..Default::default()
        }
    }

    fn action(id: &str, status: Option<usize>, history: Vec<StatusUpdate>) -> Action {
        Action {
            history,
            ..sample::action(id, status)
        }
    }

    /// Statuses: 0 completed, 1 on-track, 2 delayed. As at 1 March 2023.
    fn plan(actions: Vec<Action>) -> Plan {
        sample::plan(day(2023, 3, 1), actions)
    }

    fn ids(list: &[StatusChange<'_>]) -> Vec<String> {
        list.iter().map(|c| c.action.id.clone()).collect()
    }

    #[test]
    fn reporting_dates_are_history_dates_and_the_as_at_date() {
        let p = plan(vec![
            action(
                "1",
                Some(0),
                vec![update(day(2022, 12, 1), 1), update(day(2023, 1, 1), 0)],
            ),
            action("2", Some(1), vec![update(day(2022, 12, 1), 1)]),
            // A history date after the as-at date is not a report this plan has made.
            action("3", Some(1), vec![update(day(2023, 6, 1), 2)]),
        ]);
        assert_eq!(
            reporting_dates(&p),
            vec![day(2022, 12, 1), day(2023, 1, 1), day(2023, 3, 1)]
        );
    }

    #[test]
    fn status_at_a_date_is_the_latest_entry_on_or_before_it() {
        let a = action(
            "1",
            Some(0),
            vec![update(day(2022, 12, 1), 1), update(day(2023, 1, 15), 2)],
        );
        let as_at = day(2023, 3, 1);
        assert_eq!(status_on(&a, day(2022, 11, 30), as_at), None);
        assert_eq!(status_on(&a, day(2022, 12, 1), as_at), Some(1));
        assert_eq!(status_on(&a, day(2023, 1, 14), as_at), Some(1));
        assert_eq!(status_on(&a, day(2023, 1, 15), as_at), Some(2));
        // At the as-at date the action's current status wins, even over a same-day entry.
        assert_eq!(status_on(&a, as_at, as_at), Some(0));
    }

    #[test]
    fn snapshots_count_each_status_at_each_date() {
        let p = plan(vec![
            action("1", Some(0), vec![update(day(2022, 12, 1), 1)]),
            action("2", Some(2), vec![update(day(2022, 12, 1), 1)]),
            action("3", Some(1), vec![]),
            action("4", None, vec![]),
        ]);
        let over_time = progress_over_time(&p);
        assert_eq!(over_time.len(), 2);
        assert_eq!(over_time[0].counts, vec![0, 2, 0]);
        assert_eq!(over_time[0].not_recorded, 2);
        assert_eq!(over_time[1].counts, vec![1, 1, 1]);
        assert_eq!(over_time[1].not_recorded, 1);
        assert!(over_time.iter().all(|s| s.total == 4));
    }

    #[test]
    fn changes_compare_the_last_two_reports() {
        let mut revised = action("5", Some(2), vec![update(day(2023, 1, 1), 2)]);
        revised.history[0].revised_due = Some(day(2023, 2, 1));
        revised.delay = Some(Delay {
            revised_due: Some(day(2023, 4, 30)),
            ..Default::default()
        });
        let p = plan(vec![
            action("done", Some(0), vec![update(day(2023, 1, 1), 1)]),
            action("slipped", Some(2), vec![update(day(2023, 1, 1), 1)]),
            action("same", Some(1), vec![update(day(2023, 1, 1), 1)]),
            action("added", Some(1), vec![]),
            revised,
        ]);
        let c = changes_since_previous(&p).unwrap();
        assert_eq!((c.previous, c.latest), (day(2023, 1, 1), day(2023, 3, 1)));
        assert_eq!(ids(&c.completed), vec!["done"]);
        assert_eq!(ids(&c.status_changed), vec!["slipped"]);
        assert_eq!(ids(&c.new), vec!["added"]);
        assert_eq!(c.revised_due.len(), 1);
        assert_eq!(c.revised_due[0].from, Some(day(2023, 2, 1)));
        assert_eq!(c.revised_due[0].to, day(2023, 4, 30));
        assert!(!c.is_empty());
    }

    #[test]
    fn a_revised_date_missing_from_the_history_is_not_called_new() {
        let delay = Some(Delay {
            revised_due: Some(day(2023, 4, 30)),
            ..Default::default()
        });
        // Already delayed at the earlier report, which gave no revised date: unknown.
        let mut already = action("already", Some(2), vec![update(day(2023, 1, 1), 2)]);
        already.delay = delay.clone();
        // On track then, delayed now: the revised date is new since that report.
        let mut slipped = action("slipped", Some(2), vec![update(day(2023, 1, 1), 1)]);
        slipped.delay = delay;
        let p = plan(vec![already, slipped]);
        let c = changes_since_previous(&p).unwrap();
        let ids: Vec<&str> = c.revised_due.iter().map(|d| d.action.id.as_str()).collect();
        assert_eq!(ids, vec!["slipped"]);
        assert_eq!(c.revised_due[0].from, None);
    }

    #[test]
    fn a_plan_as_it_stood_is_made_from_the_history() {
        let mut a = action(
            "1",
            Some(0),
            vec![update(day(2022, 12, 1), 2), update(day(2023, 1, 1), 1)],
        );
        a.history[0].progress = Html(std::sync::Arc::new("<p>Then.</p>".into()));
        a.progress = Html(std::sync::Arc::new("<p>Now.</p>".into()));
        a.delay = Some(Delay {
            revised_due: Some(day(2023, 4, 30)),
            ..Default::default()
        });
        let p = plan(vec![a]);
        let Stood::Then(then) = as_stood_on(&p, day(2022, 12, 20)) else {
            panic!("expected the plan as it stood");
        };
        assert_eq!(then.as_at, day(2022, 12, 1));
        let (_, old) = then.actions().next().unwrap();
        assert_eq!(old.status, Some(2));
        assert_eq!(old.history.len(), 1);
        assert_eq!(old.progress.0.as_str(), "<p>Then.</p>");
        // Delayed then: the delay block's date, as no later entry gave another.
        assert_eq!(
            old.delay.as_ref().and_then(|d| d.revised_due),
            Some(day(2023, 4, 30))
        );
        // The text kept at 1 December stood until the next report replaced it.
        let Stood::Then(january) = as_stood_on(&p, day(2023, 1, 1)) else {
            panic!("expected the plan as it stood");
        };
        let (_, later) = january.actions().next().unwrap();
        assert_eq!(
            (later.status, later.progress.0.as_str()),
            (Some(1), "<p>Now.</p>")
        );
        assert!(later.delay.is_none(), "on track then, so not delayed");
        assert!(
            matches!(as_stood_on(&p, day(2022, 11, 1)), Stood::Before(d) if d == day(2022, 12, 1))
        );
        assert!(matches!(as_stood_on(&p, day(2023, 3, 1)), Stood::Now(_)));
    }

    #[test]
    fn a_plan_reported_once_has_nothing_to_compare() {
        let p = plan(vec![action("1", Some(0), vec![])]);
        assert!(changes_since_previous(&p).is_none());
        assert_eq!(progress_over_time(&p).len(), 1);
    }
}
