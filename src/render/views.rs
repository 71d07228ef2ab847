//! What templates receive: typed views with every figure, label and address already made.

use serde::Serialize;

use crate::dates::{DateView, Due, PartialDate};
use crate::figures::{self, Progress};
use crate::strings::Strings;
use tera::Context;

use crate::model::addresses::*;
use crate::model::{
    Action, Grade, Html, Inspection, Milestone, Plan, PriorityArea, Report, Site, When,
};
use crate::plain_text;
use crate::routes::slugify;

#[derive(Serialize, Clone)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub organisation: &'a str,
    pub description: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    /// `base_url` when it is a full address (`https://...`); a path alone names no site.
    pub address: Option<&'a str>,
    pub logo: Option<&'a str>,
    pub contact_email: Option<&'a str>,
    pub branded: bool,
    /// The language as Open Graph writes it: `en_GB`.
    pub og_locale: String,
    /// The feed's address below the root.
    pub feed: &'static str,
}

impl<'a> SiteView<'a> {
    pub fn new(site: &'a Site) -> Self {
        let c = &site.config;
        SiteView {
            title: &c.title,
            organisation: &c.organisation,
            description: c.description.as_deref(),
            language: &c.language,
            base_url: &c.base_url,
            address: c.base_url.contains("://").then_some(c.base_url.as_str()),
            logo: c.logo.as_ref().map(|l| l.file.as_str()),
            contact_email: c.contact_email.as_deref(),
            branded: c.brand_colour.is_some(),
            og_locale: c.language.replace('-', "_"),
            feed: super::feeds::FEED_PATH,
        }
    }
}

/// A status or grade tag: the words always, the colour only as a second cue.
#[derive(Serialize, Clone)]
pub struct Tag {
    pub label: String,
    pub class: String,
}

pub fn status_tag(plan: &Plan, index: Option<usize>) -> Option<Tag> {
    let s = plan.status(index?)?;
    Some(Tag {
        label: s.label.clone(),
        class: status_class(&plan.slug, &s.key),
    })
}

pub fn status_class(plan: &str, key: &str) -> String {
    format!("tag--s-{}-{}", slugify(plan), slugify(key))
}

/// A grade's class; those of a named scale carry its key, as two scales may share a
/// grade key ("good") with different colours.
pub fn grade_class(site: &Site, g: &Grade) -> String {
    match site
        .config
        .scales
        .get(g.scale)
        .and_then(|s| s.key.as_deref())
    {
        Some(scale) => format!("tag--gs-{}-{}", slugify(scale), slugify(&g.key)),
        None => format!("tag--g-{}", slugify(&g.key)),
    }
}

pub fn grade_tag(site: &Site, index: Option<usize>) -> Option<Tag> {
    let g = site.config.grades.get(index?)?;
    let label = match g.score {
        Some(score) => format!("{} (score {score})", g.label),
        None => g.label.clone(),
    };
    Some(Tag {
        label,
        class: grade_class(site, g),
    })
}

#[derive(Serialize)]
pub struct StatusCountView {
    pub label: String,
    pub class: String,
    pub meaning: Option<String>,
    pub count: usize,
    pub complete: bool,
    pub at_risk: bool,
}

/// One segment of the stacked progress bar, in percent of its width.
#[derive(Serialize)]
pub struct Segment {
    pub class: String,
    /// The status colour, as an attribute too: it shows where the stylesheet does not.
    pub fill: String,
    pub x: f64,
    pub width: f64,
}

#[derive(Serialize)]
pub struct ProgressView {
    pub total: usize,
    pub complete: usize,
    pub percent_complete: u32,
    pub overdue: usize,
    pub not_recorded: usize,
    /// No status recorded and the due date passed: counted apart from overdue.
    pub due_passed_unrecorded: usize,
    pub at_risk: usize,
    /// Whether the plan's key has an at-risk status, so that a count of 0 is worth showing.
    pub tracks_at_risk: bool,
    pub by_status: Vec<StatusCountView>,
    pub segments: Vec<Segment>,
    /// "12 of 18 actions completed (67%)": the bar's text equivalent.
    pub sentence: String,
    /// What follows the sentence, each after a semicolon: "3 overdue", "2 at risk".
    pub details: Vec<String>,
    /// No action has a status: the sentence says so, and nothing is counted as complete.
    pub none_recorded: bool,
}

pub fn progress_view(s: &Strings, plan: &Plan, p: &Progress<'_>) -> ProgressView {
    let mut x = 0.0;
    let mut segments = Vec::new();
    for c in p.by_status.iter().filter(|c| c.count > 0) {
        let width = 100.0 * c.count as f64 / p.total.max(1) as f64;
        segments.push(Segment {
            class: status_class(&plan.slug, &c.status.key),
            fill: c.status.colour.clone(),
            x: round2(x),
            width: round2(width),
        });
        x += width;
    }
    let none_recorded = p.total > 0 && p.not_recorded == p.total;
    let (total, complete) = (p.total.to_string(), p.complete.to_string());
    let sentence = match none_recorded {
        true => s.count("progress_none_recorded", p.total, &[("total", &total)]),
        false => s.count(
            "progress_completed",
            p.total,
            &[
                ("complete", &complete),
                ("total", &total),
                ("percent", &p.percent_complete.to_string()),
            ],
        ),
    };
    let details = [
        ("progress_overdue", p.overdue),
        ("progress_at_risk", p.at_risk),
        (
            "progress_no_status",
            p.not_recorded * usize::from(!none_recorded),
        ),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(key, n)| s.count(key, n, &[]))
    .collect();
    ProgressView {
        total: p.total,
        complete: p.complete,
        percent_complete: p.percent_complete,
        overdue: p.overdue,
        not_recorded: p.not_recorded,
        due_passed_unrecorded: p.due_passed_unrecorded,
        at_risk: p.at_risk,
        tracks_at_risk: plan.statuses.iter().any(|s| s.at_risk),
        by_status: p
            .by_status
            .iter()
            .map(|c| StatusCountView {
                label: c.status.label.clone(),
                class: status_class(&plan.slug, &c.status.key),
                meaning: c.status.meaning.clone(),
                count: c.count,
                complete: c.status.complete,
                at_risk: c.status.at_risk,
            })
            .collect(),
        segments,
        sentence,
        details,
        none_recorded,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[derive(Serialize)]
pub struct DueView {
    /// The words to show: a formatted date, or the plan's own words.
    pub text: String,
    pub date: Option<DateView>,
    pub as_written: bool,
}

fn due_view(s: &Strings, due: &Due) -> DueView {
    match due {
        Due::On(d) => DueView {
            text: s.long(*d),
            date: Some(s.date(*d)),
            as_written: false,
        },
        Due::Described { text, date } => DueView {
            text: text.clone(),
            date: date.map(|d| s.date(d)),
            as_written: true,
        },
    }
}

#[derive(Serialize)]
pub struct DelayView<'a> {
    pub reason: &'a Html,
    pub mitigation: &'a Html,
    pub responsible: Option<&'a str>,
    pub revised_due: Option<DateView>,
}

#[derive(Serialize)]
pub struct UpdateView<'a> {
    pub date: DateView,
    pub status: Option<Tag>,
    pub note: &'a Html,
    pub revised_due: Option<DateView>,
    /// What the report said of fields that have changed since.
    pub progress: &'a Html,
    pub impact: &'a Html,
    pub responsible: Option<&'a str>,
    pub due: Option<DueView>,
}

#[derive(Serialize)]
pub struct ActionView<'a> {
    pub id: &'a str,
    pub url: String,
    /// The id of the action's heading on its area page.
    pub anchor: String,
    pub text: &'a Html,
    pub responsible: Option<&'a str>,
    /// As the plan first gave it; `revised_due`, when there is one, replaces it.
    pub due: Option<DueView>,
    /// The latest revised due date, from the delay block or the history.
    pub revised_due: Option<DateView>,
    pub status: Option<Tag>,
    pub source_status: Option<&'a str>,
    pub progress: &'a Html,
    pub impact: &'a Html,
    pub delay: Option<DelayView<'a>>,
    /// Filled in for the action's own page only (`history_views`): lists of many actions
    /// never show it, and a large plan's would hold every update of every action at once.
    pub history: Vec<UpdateView<'a>>,
    pub overdue: bool,
    /// No status recorded and the due date passed.
    pub due_passed_unrecorded: bool,
    pub editorial_note: &'a Html,
    /// How the record was made from its source: shown under "About this record".
    pub record_note: &'a Html,
    /// The action in one short line, for the area's overview table.
    pub short_text: String,
    pub area_number: u32,
    pub area_title: &'a str,
    pub area_url: String,
}

/// Views of a list of actions, such as the delayed or overdue ones.
/// The exception report's lists, as the plan page and its committee pack both show them.
pub fn insert_exceptions(ctx: &mut Context, s: &Strings, plan: &Plan) {
    ctx.insert(
        "delayed",
        &action_views(s, plan, figures::delayed_actions(plan)),
    );
    ctx.insert(
        "overdue",
        &action_views(s, plan, figures::overdue_actions(plan)),
    );
}

pub fn action_views<'a>(
    s: &Strings,
    plan: &'a Plan,
    list: Vec<(&'a PriorityArea, &'a Action)>,
) -> Vec<ActionView<'a>> {
    list.into_iter()
        .map(|(area, a)| action_view(s, plan, area, a))
        .collect()
}

pub fn action_view<'a>(
    s: &Strings,
    plan: &'a Plan,
    area: &'a PriorityArea,
    a: &'a Action,
) -> ActionView<'a> {
    ActionView {
        id: &a.id,
        url: action_url(plan, a),
        anchor: format!("action-{}", a.slug),
        text: &a.text,
        responsible: a.responsible.as_deref(),
        due: a.due.as_ref().map(|d| due_view(s, d)),
        revised_due: plan.revised_due(a).map(|d| s.date(d)),
        status: status_tag(plan, a.status),
        source_status: a.source_status.as_deref(),
        progress: &a.progress,
        impact: &a.impact,
        delay: a.delay.as_ref().map(|d| DelayView {
            reason: &d.reason,
            mitigation: &d.mitigation,
            responsible: d.responsible.as_deref(),
            revised_due: d.revised_due.map(|d| s.date(d)),
        }),
        history: Vec::new(),
        overdue: plan.is_overdue(a),
        due_passed_unrecorded: plan.is_due_passed_unrecorded(a),
        editorial_note: &a.editorial_note,
        record_note: &a.record_note,
        short_text: plain_text::shorten(&plain_text::one_line(&a.text), 120),
        area_number: area.number,
        area_title: &area.title,
        area_url: area_url(plan, area),
    }
}

/// An action's status updates, for its own page.
pub fn history_views<'a>(s: &Strings, plan: &'a Plan, a: &'a Action) -> Vec<UpdateView<'a>> {
    a.history
        .iter()
        .map(|u| UpdateView {
            date: s.date(u.date),
            status: status_tag(plan, u.status),
            note: &u.note,
            revised_due: u.revised_due.map(|d| s.date(d)),
            progress: &u.progress,
            impact: &u.impact,
            responsible: u.responsible.as_deref(),
            due: u.due.as_ref().map(|d| due_view(s, d)),
        })
        .collect()
}

#[derive(Serialize)]
pub struct AreaSummary<'a> {
    pub number: u32,
    pub title: &'a str,
    pub url: String,
    pub progress: ProgressView,
}

pub fn area_summary<'a>(s: &Strings, plan: &'a Plan, area: &'a PriorityArea) -> AreaSummary<'a> {
    AreaSummary {
        number: area.number,
        title: &area.title,
        url: area_url(plan, area),
        progress: progress_view(s, plan, &figures::progress(plan, area.actions())),
    }
}

#[derive(Serialize)]
pub struct StatusKeyView<'a> {
    pub label: &'a str,
    pub class: String,
    pub meaning: Option<&'a str>,
    pub complete: bool,
    pub at_risk: bool,
}

#[derive(Serialize)]
pub struct PlanSummary<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub as_at: DateView,
    pub progress: ProgressView,
    pub delayed: usize,
    /// Said where the figures are when they are well behind the latest event.
    pub behind: Option<BehindView>,
}

/// How far a plan's figures fall behind the site's latest event.
#[derive(Serialize, Clone)]
pub struct BehindView {
    /// "23 months".
    pub gap: String,
    /// "monitoring visit", as the content's kind names it.
    pub what: String,
    pub date: DateView,
    /// The event's page, when it is an inspection or visit.
    pub url: Option<String>,
}

pub fn behind_view(site: &Site, plan: &Plan) -> Option<BehindView> {
    if !plan.is_current() {
        return None;
    }
    let latest = figures::latest_dated_event(site);
    let (months, event) = figures::figures_behind(plan, latest.as_ref())?;
    let s = &site.config.strings;
    Some(BehindView {
        gap: s.count("months", months as usize, &[]),
        what: event.what,
        date: s.date(event.date),
        url: event.inspection.map(inspection_url),
    })
}

pub fn plan_summary<'a>(site: &'a Site, plan: &'a Plan) -> PlanSummary<'a> {
    PlanSummary {
        behind: behind_view(site, plan),
        title: &plan.title,
        url: plan_url(plan),
        summary: plan.summary.as_deref(),
        as_at: site.config.strings.date(plan.as_at),
        progress: progress_view(
            &site.config.strings,
            plan,
            &figures::progress(plan, plan.actions().map(|(_, a)| a)),
        ),
        delayed: figures::delayed_actions(plan).len(),
    }
}

/// A plan that a later one took the place of: listed apart from the current plans.
#[derive(Serialize)]
pub struct EarlierPlanView<'a> {
    pub title: &'a str,
    pub url: String,
    pub as_at: DateView,
    pub superseded_by: Option<PageLink<'a>>,
}

pub fn current_plans(site: &Site) -> Vec<PlanSummary<'_>> {
    site.plans
        .iter()
        .filter(|p| p.is_current())
        .map(|p| plan_summary(site, p))
        .collect()
}

/// Earlier plans, the most recent first.
pub fn earlier_plans(site: &Site) -> Vec<EarlierPlanView<'_>> {
    let mut earlier: Vec<&Plan> = site.plans.iter().filter(|p| !p.is_current()).collect();
    earlier.sort_by_key(|p| std::cmp::Reverse(p.as_at));
    earlier
        .into_iter()
        .map(|p| EarlierPlanView {
            title: &p.title,
            url: plan_url(p),
            as_at: site.config.strings.date(p.as_at),
            superseded_by: superseded_by(site, p),
        })
        .collect()
}

/// The plan that took `plan`'s place, linked.
pub fn superseded_by<'a>(site: &'a Site, plan: &Plan) -> Option<PageLink<'a>> {
    let slug = plan.superseded_by.as_deref()?;
    let later = site.plans.iter().find(|p| p.slug == slug)?;
    Some(PageLink {
        title: &later.title,
        url: plan_url(later),
    })
}

pub fn status_key(plan: &Plan) -> Vec<StatusKeyView<'_>> {
    plan.statuses
        .iter()
        .map(|s| StatusKeyView {
            label: &s.label,
            class: status_class(&plan.slug, &s.key),
            meaning: s.meaning.as_deref(),
            complete: s.complete,
            at_risk: s.at_risk,
        })
        .collect()
}

#[derive(Serialize)]
pub struct JudgementView<'a> {
    pub domain: &'a str,
    pub grade: Option<Tag>,
    pub within: Option<&'a str>,
    pub note: Option<&'a str>,
}

#[derive(Serialize)]
pub struct EventView<'a> {
    pub id: &'a str,
    pub url: String,
    pub title: &'a str,
    pub kind: &'a str,
    pub kind_key: String,
    /// The kind's plural label, for lists grouped by kind.
    pub kind_plural: &'a str,
    /// What the overall grade is called on its scale: "Overall effectiveness".
    pub overall_label: &'a str,
    /// The name of the grading scale, when it is one of the site's `scales`.
    pub scale: Option<&'a str>,
    pub planned: bool,
    pub other_body: Option<&'a str>,
    pub framework: Option<&'a str>,
    pub number: Option<u32>,
    /// "31 July 2024 to 1 August 2024", "Between July 2022 and July 2024", or None.
    pub when: Option<WhenView>,
    pub expected: Option<&'a str>,
    pub published: Option<DateView>,
    pub inspectors: &'a [String],
    pub overall: Option<Tag>,
    pub overall_qualifier: Option<&'a str>,
    pub judgements: Vec<JudgementView<'a>>,
    pub areas_covered: &'a Html,
    pub headline: &'a Html,
    pub summary: Option<&'a str>,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
    /// Why the dates may mislead: marked wherever they are listed.
    pub date_note: Option<&'a str>,
    /// What the title does not already say: "Monitoring visit 5 · ILACS", or None.
    pub kind_line: Option<String>,
    pub editorial_note: &'a Html,
    pub body: &'a Html,
    pub year: Option<i32>,
    /// On the timeline: the milestones that come before this event, in date order.
    pub milestones_before: Vec<MilestoneView<'a>>,
}

/// A milestone on the timeline: an intervention, a board, a notice lifted.
#[derive(Serialize)]
pub struct MilestoneView<'a> {
    pub anchor: &'a str,
    pub date: DateView,
    pub kind: Option<&'a str>,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
}

pub fn milestone_view<'a>(s: &Strings, m: &'a Milestone) -> MilestoneView<'a> {
    MilestoneView {
        anchor: &m.anchor,
        date: s.partial_date(&m.date),
        kind: m.kind.as_deref(),
        title: &m.title,
        summary: m.summary.as_deref(),
        source: m.source.as_deref(),
        source_url: m.source_url.as_deref(),
    }
}

/// Where each milestone goes on the timeline: before the event at its index in
/// `site.inspections`, or (the second list) after every held event. A milestone known
/// only to the month or year follows the events that start within it, as the sources
/// cannot place it more exactly.
fn milestone_places(site: &Site) -> (Vec<Vec<MilestoneView<'_>>>, Vec<MilestoneView<'_>>) {
    let mut before: Vec<Vec<MilestoneView>> = site.inspections.iter().map(|_| Vec::new()).collect();
    let mut after = Vec::new();
    for m in &site.milestones {
        let later = |i: &Inspection| {
            i.planned
                || i.when
                    .sort_key()
                    .is_some_and(|d| d.first_day() > m.date.last_day())
        };
        match site.inspections.iter().position(later) {
            Some(at) => before[at].push(milestone_view(&site.config.strings, m)),
            None => after.push(milestone_view(&site.config.strings, m)),
        }
    }
    (before, after)
}

/// Every event, one per file, each with the milestones that come before it, and those
/// that come after every held event.
pub fn timeline_views(site: &Site) -> (Vec<EventView<'_>>, Vec<MilestoneView<'_>>) {
    let (before, after) = milestone_places(site);
    let events = site
        .inspections
        .iter()
        .zip(before)
        .map(|(i, milestones_before)| EventView {
            milestones_before,
            ..event_view(site, i)
        })
        .collect();
    (events, after)
}

#[derive(Serialize)]
pub struct WhenView {
    pub start: DateView,
    /// The start as shown before the end: "12 to 13 November 2024" drops what they share.
    pub start_text: String,
    pub end: Option<DateView>,
    pub between: bool,
}

pub fn when_view(s: &Strings, when: &When) -> Option<WhenView> {
    match when {
        When::Dates { start, end } => {
            let end = end.filter(|e| e != start);
            Some(WhenView {
                start: s.partial_date(start),
                start_text: range_start(s, start, end.as_ref()),
                end: end.map(|e| s.partial_date(&e)),
                between: false,
            })
        }
        When::Between(from, to) => Some(WhenView {
            start: s.partial_date(from),
            start_text: s.partial(from),
            end: Some(s.partial_date(to)),
            between: true,
        }),
        When::Unknown => None,
    }
}

fn range_start(strings: &Strings, start: &PartialDate, end: Option<&PartialDate>) -> String {
    use chrono::Datelike;
    match (start, end) {
        (PartialDate::Day(s), Some(PartialDate::Day(e)))
            if s.year() == e.year() && s.month() == e.month() =>
        {
            s.day().to_string()
        }
        (PartialDate::Day(s), Some(PartialDate::Day(e))) if s.year() == e.year() => {
            strings.day_month(*s)
        }
        _ => strings.partial(start),
    }
}

pub fn event_view<'a>(site: &'a Site, i: &'a Inspection) -> EventView<'a> {
    EventView {
        id: &i.id,
        url: inspection_url(i),
        title: &i.title,
        kind: i.kind.label(),
        kind_key: slugify(i.kind.label()),
        kind_plural: &i.kind.plural,
        overall_label: site
            .config
            .scales
            .get(i.scale)
            .map_or(site.config.strings.get("overall_judgement"), |s| {
                s.overall.as_str()
            }),
        scale: site
            .config
            .scales
            .get(i.scale)
            .and_then(|s| s.name.as_deref()),
        planned: i.planned,
        other_body: i.other_body.as_deref(),
        framework: i.framework.as_deref(),
        number: i.number,
        when: when_view(&site.config.strings, &i.when),
        expected: i.expected.as_deref(),
        published: i.published.map(|d| site.config.strings.date(d)),
        inspectors: &i.inspectors,
        overall: grade_tag(site, i.overall),
        overall_qualifier: i.overall_qualifier.as_deref(),
        judgements: i
            .judgements
            .iter()
            .map(|j| JudgementView {
                domain: &j.domain,
                grade: grade_tag(site, j.grade),
                within: j.within.as_deref(),
                note: j.note.as_deref(),
            })
            .collect(),
        areas_covered: &i.areas_covered,
        headline: &i.headline,
        summary: i.summary.as_deref(),
        source: i.source.as_deref(),
        source_url: i.source_url.as_deref(),
        date_note: i.date_note.as_deref(),
        kind_line: kind_line(i),
        editorial_note: &i.editorial_note,
        body: &i.body,
        year: i.when.sort_key().map(|d| d.year()),
        milestones_before: Vec::new(),
    }
}

/// The kind, number and framework, leaving out what the title already says.
fn kind_line(i: &Inspection) -> Option<String> {
    let title = i.title.to_lowercase();
    let mut parts = Vec::new();
    if !title.contains(&i.kind.label().to_lowercase()) {
        parts.push(match i.number {
            Some(n) => format!("{} {n}", i.kind.label()),
            None => i.kind.label().to_string(),
        });
    }
    if let Some(f) = i.framework.as_deref() {
        let framework = f.to_lowercase();
        if !framework.starts_with(&title) && !title.starts_with(&framework) {
            parts.push(f.to_string());
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// One entry of the timeline: an event, or visits in a row with nothing recorded but
/// their kind and rough dates, which say more as one entry than as several.
#[derive(Serialize)]
pub struct TimelineEntry<'a> {
    /// The milestones that come before this entry, in date order.
    pub milestones_before: Vec<MilestoneView<'a>>,
    pub event: Option<EventView<'a>>,
    pub group: Option<EventGroup<'a>>,
}

#[derive(Serialize)]
pub struct EventGroup<'a> {
    /// "Monitoring visits 1 to 4".
    pub title: String,
    pub when: Option<WhenView>,
    pub other_body: Option<&'a str>,
    pub members: Vec<PageLink<'a>>,
}

pub fn timeline(site: &Site) -> (Vec<TimelineEntry<'_>>, Vec<MilestoneView<'_>>) {
    let (before, after) = milestone_places(site);
    let mut runs: Vec<(Vec<&Inspection>, Vec<MilestoneView>)> = Vec::new();
    for (i, milestones) in site.inspections.iter().zip(before) {
        let joins = |run: &Vec<&Inspection>| {
            milestones.is_empty()
                && run.last().is_some_and(|last| {
                    last.has_no_details()
                        && i.has_no_details()
                        && last.kind == i.kind
                        && last.when == i.when
                        && last.other_body == i.other_body
                })
        };
        match runs.last_mut() {
            Some((run, _)) if joins(run) => run.push(i),
            _ => runs.push((vec![i], milestones)),
        }
    }
    let entries = runs
        .into_iter()
        .map(|(run, milestones_before)| match run.as_slice() {
            [one] => TimelineEntry {
                milestones_before,
                event: Some(event_view(site, one)),
                group: None,
            },
            _ => TimelineEntry {
                milestones_before,
                event: None,
                group: Some(event_group(&site.config.strings, &run)),
            },
        })
        .collect();
    (entries, after)
}

fn event_group<'a>(s: &Strings, run: &[&'a Inspection]) -> EventGroup<'a> {
    let kind = &run[0].kind;
    let numbers: Vec<u32> = run.iter().filter_map(|i| i.number).collect();
    let in_a_row = numbers.len() == run.len() && numbers.windows(2).all(|w| w[1] == w[0] + 1);
    let title = match (in_a_row, numbers.first(), numbers.last()) {
        (true, Some(first), Some(last)) => s.say(
            "group_numbered",
            &[
                ("kinds", &kind.plural),
                ("first", &first.to_string()),
                ("last", &last.to_string()),
            ],
        ),
        _ => s.count(
            "group_count",
            run.len(),
            &[("kinds", &kind.plural.to_lowercase())],
        ),
    };
    EventGroup {
        title,
        when: when_view(s, &run[0].when),
        other_body: run[0].other_body.as_deref(),
        members: run
            .iter()
            .map(|i| PageLink {
                title: &i.title,
                url: inspection_url(i),
            })
            .collect(),
    }
}

/// One step of the journey at a glance: an overall judgement, or the next inspection.
#[derive(Serialize)]
pub struct JourneyStep<'a> {
    pub title: &'a str,
    pub url: String,
    /// The grade; None where the inspection's overall grade is not recorded.
    pub grade: Option<Tag>,
    /// To the month at most: "March 2014", "2018".
    pub when: Option<DateView>,
    pub planned: bool,
    pub expected: Option<&'a str>,
}

/// The organisation's own inspections (not visits) on the first grading scale in date order, then
/// the planned ones: one journey, as grades on different scales do not compare.
pub fn journey(site: &Site) -> Vec<JourneyStep<'_>> {
    site.inspections
        .iter()
        .filter(|i| !i.kind.is_visit() && i.other_body.is_none() && i.scale == 0)
        .map(|i| JourneyStep {
            title: &i.title,
            url: inspection_url(i),
            grade: grade_tag(site, i.overall),
            when: i
                .when
                .sort_key()
                .map(|d| site.config.strings.partial_date(&d.to_month())),
            planned: i.planned,
            expected: i.expected.as_deref(),
        })
        .collect()
}

/// The start of a visit's headline findings, whole sentences, for the home page.
pub fn findings_excerpt(headline: &Html) -> Option<String> {
    let text = plain_text::lines(headline)
        .lines()
        .map(|l| l.trim_start_matches("- ").trim())
        .collect::<Vec<_>>()
        .join(" ");
    let mut excerpt = String::new();
    let mut rest = text.as_str();
    while !rest.is_empty() && excerpt.chars().count() < 160 {
        let end = rest.find(". ").map_or(rest.len(), |i| i + 1);
        excerpt.push_str(&rest[..end]);
        rest = rest[end..].trim_start();
        if !rest.is_empty() && excerpt.chars().count() < 160 {
            excerpt.push(' ');
        }
    }
    let excerpt = excerpt.trim().to_string();
    match (excerpt.is_empty(), rest.is_empty()) {
        (true, _) => None,
        (false, true) => Some(excerpt),
        (false, false) => Some(format!("{excerpt} …")),
    }
}

/// A section of a long text, for its "On this page" list.
#[derive(Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
}

/// The text with an id on each `<h2>`, and its sections in order.
pub fn sections(body: &Html) -> (String, Vec<Section>) {
    let html = body.0.as_str();
    let mut out = String::with_capacity(html.len() + 256);
    let mut found: Vec<Section> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h2>") {
        let after = &rest[at + 4..];
        let Some(close) = after.find("</h2>") else {
            break;
        };
        let title = plain_text::one_line(&Html(std::sync::Arc::new(after[..close].to_string())));
        let base = format!("section-{}", slugify(&title));
        let mut id = base.clone();
        for n in 2.. {
            if !found.iter().any(|s| s.id == id) {
                break;
            }
            id = format!("{base}-{n}");
        }
        out.push_str(&rest[..at]);
        out.push_str(&format!("<h2 id=\"{id}\">"));
        found.push(Section { id, title });
        rest = after;
    }
    out.push_str(rest);
    (out, found)
}

#[derive(Serialize)]
pub struct DomainTableView<'a> {
    pub columns: Vec<ColumnView<'a>>,
    pub rows: Vec<RowView>,
}

/// An inspection in the table, with the grades it gave in the table's row order: on a
/// narrow screen each inspection is listed with its own grades instead of the grid.
#[derive(Serialize)]
pub struct ColumnView<'a> {
    pub title: &'a str,
    pub other_body: Option<&'a str>,
    pub url: String,
    pub when: Option<WhenView>,
    pub grades: Vec<ColumnGradeView>,
}

/// A domain this inspection judged, and its grade (`None` when judged but not recorded).
#[derive(Serialize)]
pub struct ColumnGradeView {
    pub domain: String,
    pub within: Option<String>,
    pub grade: Option<Tag>,
}

#[derive(Serialize)]
pub struct RowView {
    pub domain: String,
    pub within: Option<String>,
    pub cells: Vec<CellView>,
}

/// One grade in the table: `judged` is false where the domain was not part of that inspection.
#[derive(Serialize)]
pub struct CellView {
    pub judged: bool,
    pub grade: Option<Tag>,
}

pub fn domain_table_view(site: &Site) -> DomainTableView<'_> {
    let table = figures::domain_table(
        &site.inspections,
        site.config.strings.get("overall_judgement"),
    );
    DomainTableView {
        columns: table
            .inspections
            .iter()
            .enumerate()
            .map(|(col, i)| ColumnView {
                title: &i.title,
                other_body: i.other_body.as_deref(),
                url: inspection_url(i),
                when: when_view(&site.config.strings, &i.when),
                grades: table
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let grade = (*r.cells.get(col)?)?;
                        Some(ColumnGradeView {
                            domain: r.domain.clone(),
                            within: r.within.clone(),
                            grade: grade_tag(site, grade),
                        })
                    })
                    .collect(),
            })
            .collect(),
        rows: table
            .rows
            .into_iter()
            .map(|r| RowView {
                domain: r.domain,
                within: r.within,
                cells: r
                    .cells
                    .into_iter()
                    .map(|c| CellView {
                        judged: c.is_some(),
                        grade: c.and_then(|g| grade_tag(site, g)),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A report on its own page: the list item's facts and its text.
#[derive(Serialize)]
pub struct ReportView<'a> {
    #[serde(flatten)]
    pub item: ReportListItem<'a>,
    pub editorial_note: &'a Html,
    pub body: &'a Html,
}

/// A report in the list of reports: all but its text, which only its own page shows, so
/// that a list of thousands of reports does not copy every text into one page's view.
#[derive(Serialize)]
pub struct ReportListItem<'a> {
    pub url: String,
    pub title: &'a str,
    pub date: DateView,
    pub meeting: Option<&'a str>,
    pub author: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
    /// Why the date may mislead: marked wherever it is listed.
    pub date_note: Option<&'a str>,
}

pub fn report_list_item<'a>(s: &Strings, r: &'a Report) -> ReportListItem<'a> {
    ReportListItem {
        url: report_url(r),
        title: &r.title,
        date: s.date(r.date),
        meeting: r.meeting.as_deref(),
        author: r.author.as_deref(),
        summary: r.summary.as_deref(),
        source: r.source.as_deref(),
        source_url: r.source_url.as_deref(),
        date_note: r.date_note.as_deref(),
    }
}

pub fn report_view<'a>(s: &Strings, r: &'a Report) -> ReportView<'a> {
    ReportView {
        item: report_list_item(s, r),
        editorial_note: &r.editorial_note,
        body: &r.body,
    }
}

#[derive(Serialize)]
pub struct PageLink<'a> {
    pub title: &'a str,
    pub url: String,
}

pub fn crumbs(s: &Strings, items: &[(&str, String)]) -> Vec<Crumb> {
    std::iter::once(Crumb {
        title: s.get("home").into(),
        url: String::new(),
    })
    .chain(items.iter().map(|(t, u)| Crumb {
        title: (*t).to_string(),
        url: u.clone(),
    }))
    .collect()
}

pub fn base(title: &str, description: Option<&str>, section: &str, crumbs: Vec<Crumb>) -> Context {
    let mut ctx = Context::new();
    ctx.insert("title", title);
    ctx.insert("description", &description);
    ctx.insert("section", section);
    ctx.insert("crumbs", &crumbs);
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn html(s: &str) -> Html {
        Html(Arc::new(s.to_string()))
    }

    #[test]
    fn the_findings_excerpt_keeps_whole_sentences() {
        let long = "A short first sentence that says where things stand overall today. \
                    A second one, longer, with more detail on what the inspectors saw and heard in the teams they met. \
                    A third that is left out.";
        assert_eq!(
            findings_excerpt(&html(&format!("<p>{long}</p>"))).as_deref(),
            Some("A short first sentence that says where things stand overall today. A second one, longer, with more detail on what the inspectors saw and heard in the teams they met. …")
        );
        assert_eq!(
            findings_excerpt(&html("<ul><li><strong>Progress:</strong> Made.</li></ul>"))
                .as_deref(),
            Some("Progress: Made.")
        );
        assert_eq!(findings_excerpt(&html("")), None);
    }

    #[test]
    fn sections_get_ids_once_each() {
        let (out, found) = sections(&html("<h2>Strengths</h2><p>x</p><h2>Strengths</h2>"));
        assert_eq!(
            out,
            "<h2 id=\"section-strengths\">Strengths</h2><p>x</p><h2 id=\"section-strengths-2\">Strengths</h2>"
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].title, "Strengths");
    }
}
