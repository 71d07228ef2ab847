//! Live blocks: each `[[...]]` marker in a report's or page's body becomes the block's
//! HTML, drawn by `blocks.html` from the plan as it stood at the report's date (a page
//! has no date: it shows the figures as they are).

use chrono::NaiveDate;
use serde::Serialize;
use tera::Context;

use super::views::{
    action_view, action_views, event_view, plan_summary, report_view, ActionView, EventView,
    PageLink, PlanSummary, ReportView,
};
use super::{Job, Theme};
use crate::dates::{DateView, PartialDate};
use crate::diagnostics::Diagnostic;
use crate::figures;
use crate::history::{as_stood_on, Stood};
use crate::markdown::BLOCK;
use crate::model::addresses::plan_url;
use crate::model::blocks::plan_named;
use crate::model::{Block, BlockUse, Html, Inspection, Plan, Site, When, ROOT};
use crate::strings::Strings;

/// What `blocks.html` receives for one block.
#[derive(Serialize, Default)]
struct BlockView<'a> {
    kind: &'static str,
    /// The report's date; None on a page.
    report_date: Option<DateView>,
    /// The block's plan, whether or not it has figures for the date.
    plan_link: Option<PageLink<'a>>,
    /// The plan's figures as they stood (its `as_at` is the date they are as at).
    plan: Option<PlanSummary<'a>>,
    /// The plan's first figures, when the report comes before them.
    first_figures: Option<DateView>,
    /// Figures older than the report: the latest reported by its date.
    earlier: bool,
    delayed: Vec<ActionView<'a>>,
    action: Option<ActionView<'a>>,
    events: Vec<EventView<'a>>,
}

/// `body` with each block's marker replaced by the block; `date` is the report's.
pub fn fill(
    site: &Site,
    theme: &Theme,
    body: &Html,
    blocks: &[BlockUse],
    date: Option<NaiveDate>,
) -> Result<Html, Diagnostic> {
    if blocks.is_empty() {
        return Ok(body.clone());
    }
    let mut out = String::with_capacity(body.0.len() + 4096);
    let mut rest = body.0.as_str();
    while let Some(at) = rest.find(BLOCK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + BLOCK.len()..];
        let end = after.find("@@").unwrap_or(after.len());
        let n = after[..end].parse::<usize>().ok();
        match n.and_then(|n| blocks.get(n)) {
            Some(b) => out.push_str(&render(site, theme, b, date)?),
            None => out.push_str(&rest[at..at + BLOCK.len() + end]),
        }
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(Html(std::sync::Arc::new(out)))
}

fn render(
    site: &Site,
    theme: &Theme,
    b: &BlockUse,
    date: Option<NaiveDate>,
) -> Result<String, Diagnostic> {
    let failed = |e: String| {
        Diagnostic::error(theme.source_of("blocks.html"), format!("The template `blocks.html` failed while showing `[[{}]]`: {e}", b.written))
            .help("Check the template around the place named. If you did not change the templates, this is a bug in Waymark: please report it with this message.")
    };
    let report_date = date.map(|d| site.config.strings.date(d));
    let mut ctx = Context::new();
    // Made into the page's own way back to the root once the page is rendered.
    ctx.insert("root", ROOT);
    ctx.insert("t", &site.config.strings);
    if !b.block.needs_plan() {
        ctx.insert(
            "block",
            &inspections_block(site, &b.block, date, report_date),
        );
        return theme.render("blocks.html", &ctx).map_err(failed);
    }
    // Checked when the content was read; a bug if it fails here.
    let plan = plan_named(&site.plans, b.block.plan())
        .ok_or_else(|| failed("its plan is not on the site".into()))?;
    let stood = match date {
        Some(d) => as_stood_on(plan, d),
        None => Stood::Now(plan),
    };
    let mut view = plan_block(site, &b.block, &stood, report_date);
    view.plan_link = Some(PageLink {
        title: &plan.title,
        url: plan_url(plan),
    });
    ctx.insert("block", &view);
    theme.render("blocks.html", &ctx).map_err(failed)
}

fn plan_block<'a>(
    site: &'a Site,
    block: &Block,
    stood: &'a Stood<'_>,
    report_date: Option<DateView>,
) -> BlockView<'a> {
    let kind = match block {
        Block::Progress { .. } => "progress",
        Block::Delayed { .. } => "delayed",
        _ => "action",
    };
    let plan = match stood {
        Stood::Now(plan) => *plan,
        Stood::Then(plan) => plan.as_ref(),
        Stood::Before(first) => {
            return BlockView {
                kind,
                report_date,
                first_figures: Some(site.config.strings.date(*first)),
                ..Default::default()
            }
        }
    };
    let earlier = report_date
        .as_ref()
        .is_some_and(|d| d.iso != crate::dates::iso_day(plan.as_at));
    let mut view = BlockView {
        kind,
        report_date,
        plan: Some(plan_summary(site, plan)),
        earlier,
        ..Default::default()
    };
    match block {
        Block::Delayed { .. } => {
            view.delayed = action_views(&site.config.strings, plan, figures::delayed_actions(plan));
        }
        Block::Action { id, .. } => view.action = action(&site.config.strings, plan, id),
        _ => {}
    }
    view
}

fn action<'a>(s: &Strings, plan: &'a Plan, id: &str) -> Option<ActionView<'a>> {
    let (area, a) = plan.actions().find(|(_, a)| a.id == id)?;
    Some(action_view(s, plan, area, a))
}

fn inspections_block<'a>(
    site: &'a Site,
    block: &Block,
    date: Option<NaiveDate>,
    report_date: Option<DateView>,
) -> BlockView<'a> {
    let by_then: Vec<&Inspection> = site
        .inspections
        .iter()
        .filter(|i| i.is_own_held() && date.is_none_or(|d| held_by(i, d)))
        .collect();
    let events: Vec<&Inspection> = match block {
        Block::Judgements => by_then
            .into_iter()
            .filter(|i| i.overall.is_some())
            .collect(),
        _ => by_then
            .into_iter()
            .rev()
            .find(|i| i.when.sort_key().is_some())
            .into_iter()
            .collect(),
    };
    BlockView {
        kind: match block {
            Block::Judgements => "judgements",
            _ => "latest-visit",
        },
        report_date,
        events: events.into_iter().map(|i| event_view(site, i)).collect(),
        ..Default::default()
    }
}

/// Whether the event had certainly ended by `date`: a partly known date counts from its
/// last possible day, and an undated one never does.
fn held_by(i: &Inspection, date: NaiveDate) -> bool {
    let last = match &i.when {
        When::Dates { start, end } => end.as_ref().unwrap_or(start),
        When::Between(_, to) => to,
        When::Unknown => return false,
    };
    last_day(last) <= date
}

fn last_day(d: &PartialDate) -> NaiveDate {
    match *d {
        PartialDate::Day(d) => d,
        PartialDate::Month(y, m) => {
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            NaiveDate::from_ymd_opt(y, m, 1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(NaiveDate::MAX)
        }
        PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    }
}

/// Puts the page's text, blocks filled in, where its template looks for it.
pub(super) fn insert_filled(
    site: &Site,
    theme: &Theme,
    job: &Job<'_>,
    ctx: &mut Context,
) -> Result<(), Diagnostic> {
    match *job {
        Job::Report(r) if !r.blocks.is_empty() => {
            let body = fill(site, theme, &r.body, &r.blocks, Some(r.date))?;
            ctx.insert(
                "report",
                &ReportView {
                    body: &body,
                    ..report_view(&site.config.strings, r)
                },
            );
        }
        Job::Page(p) if !p.blocks.is_empty() => {
            ctx.insert("body", &fill(site, theme, &p.body, &p.blocks, None)?);
        }
        Job::Accessibility => {
            let extra = site.pages.iter().find(|p| p.slug == "accessibility");
            if let Some(p) = extra.filter(|p| !p.blocks.is_empty()) {
                ctx.insert("extra", &Some(fill(site, theme, &p.body, &p.blocks, None)?));
            }
        }
        _ => {}
    }
    Ok(())
}
