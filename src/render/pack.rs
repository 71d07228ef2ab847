//! The committee pack: a plan printed whole for the members who work from paper. Every
//! action in one table grouped by priority area, then the exceptions (delayed and
//! overdue actions with their reasons and revised dates), then the status key.

use serde::Serialize;
use tera::Context;

use super::views::{
    action_view, base, crumbs, insert_exceptions, plan_summary, status_key, ActionView,
};
use crate::model::addresses::plan_url;
use crate::model::{Action, Plan, PriorityArea, Site};
use crate::plain_text::{first_lines, shorten};
use crate::strings::Strings;

/// How much of an action's latest progress the pack prints: a line or two of a row.
const PROGRESS_CHARS: usize = 160;

#[derive(Serialize)]
struct PackArea<'a> {
    number: u32,
    title: &'a str,
    rows: Vec<PackRow<'a>>,
}

#[derive(Serialize)]
struct PackRow<'a> {
    action: ActionView<'a>,
    /// The progress text, shortened; the action's own page has it whole.
    progress: Option<String>,
}

fn row<'a>(s: &Strings, plan: &'a Plan, area: &'a PriorityArea, a: &'a Action) -> PackRow<'a> {
    let text = first_lines(&a.progress, PROGRESS_CHARS).replace('\n', " ");
    PackRow {
        action: action_view(s, plan, area, a),
        progress: (!text.is_empty()).then(|| shorten(&text, PROGRESS_CHARS)),
    }
}

pub(super) fn pack_page(site: &Site, plan: &Plan) -> Context {
    let s = &site.config.strings;
    let title = s.say("committee_pack_title", &[("plan", &plan.title)]);
    let description = s.say("pack_description", &[("plan", &plan.title)]);
    let mut ctx = base(
        &title,
        Some(&description),
        "plans",
        crumbs(
            &site.config.strings,
            &[(plan.title.as_str(), plan_url(plan))],
        ),
    );
    ctx.insert("organisation", &site.config.organisation);
    ctx.insert("plan", &plan_summary(site, plan));
    ctx.insert("status_key", &status_key(plan));
    let areas: Vec<PackArea<'_>> = plan
        .areas
        .iter()
        .map(|area| PackArea {
            number: area.number,
            title: &area.title,
            rows: area.actions().map(|a| row(s, plan, area, a)).collect(),
        })
        .collect();
    ctx.insert("areas", &areas);
    insert_exceptions(&mut ctx, s, plan);
    ctx
}
