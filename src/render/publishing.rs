//! Views for the publishing pages and additions: progress over time on the plan page,
//! links to the data files, the data page and the search page.

use serde::Serialize;
use tera::Context;

use super::chart::{changes_view, chart};
use super::open_data::{self, Field};
use super::views::{base, crumbs, PageLink};
use crate::dates::DateView;
use crate::history;
use crate::model::addresses::plan_url;
use crate::model::{Action, Plan, Site};
use crate::plain_text::{one_line, shorten};
use crate::strings::Strings;

/// The plan page's chart, its table and the changes since the previous report.
pub(super) fn add_progress_over_time(ctx: &mut Context, s: &Strings, plan: &Plan) {
    let snapshots = history::progress_over_time(plan);
    ctx.insert("over_time", &chart(s, plan, &snapshots, plan.as_at));
    ctx.insert(
        "changes",
        &history::changes_since_previous(plan).map(|c| changes_view(s, plan, &c)),
    );
}

#[derive(Serialize)]
pub struct DataLinks {
    pub csv: String,
    pub json: String,
    pub about: &'static str,
}

pub(super) fn data_links(plan: &Plan) -> DataLinks {
    DataLinks {
        csv: open_data::actions_csv_path(plan),
        json: open_data::actions_json_path(plan),
        about: "data/",
    }
}

/// An action page's description for search engines and link previews: what the action is.
pub(super) fn action_description(action: &Action) -> String {
    shorten(&one_line(&action.text), 160)
}

#[derive(Serialize)]
struct FieldView {
    name: &'static str,
    meaning: String,
}

/// `group` names the file's part in the strings' keys: `field_action_plan`.
fn fields(s: &Strings, group: &str, list: &[Field]) -> Vec<FieldView> {
    list.iter()
        .map(|f| FieldView {
            name: f.name,
            meaning: s.get(&format!("field_{group}_{}", f.name)).to_string(),
        })
        .collect()
}

#[derive(Serialize)]
struct PlanData<'a> {
    title: &'a str,
    url: String,
    as_at: DateView,
    files: DataLinks,
}

pub(super) fn data_page(site: &Site) -> Context {
    let mut ctx = base(
        site.config.strings.get("open_data"),
        Some(site.config.strings.get("data_description")),
        "data",
        crumbs(&site.config.strings, &[]),
    );
    let plans: Vec<PlanData<'_>> = site
        .plans
        .iter()
        .map(|p| PlanData {
            title: &p.title,
            url: plan_url(p),
            as_at: site.config.strings.date(p.as_at),
            files: data_links(p),
        })
        .collect();
    ctx.insert("plans", &plans);
    ctx.insert("inspections_json", open_data::INSPECTIONS_JSON_PATH);
    let groups = [
        ("action", open_data::ACTION_FIELDS),
        ("action_json", open_data::ACTION_JSON_FIELDS),
        ("inspection", open_data::INSPECTION_FIELDS),
        ("milestone", open_data::MILESTONE_FIELDS),
    ];
    for (group, list) in groups {
        let meanings = fields(&site.config.strings, group, list);
        ctx.insert(format!("{group}_fields"), &meanings);
    }
    ctx.insert("feed", super::feeds::FEED_PATH);
    ctx
}

pub(super) fn search_page(site: &Site) -> Context {
    let mut ctx = base(
        site.config.strings.get("search"),
        Some(site.config.strings.get("search_description")),
        "search",
        crumbs(&site.config.strings, &[]),
    );
    let plans: Vec<PageLink<'_>> = site
        .plans
        .iter()
        .map(|p| PageLink {
            title: &p.title,
            url: plan_url(p),
        })
        .collect();
    ctx.insert("plans", &plans);
    ctx.insert("index", super::search::INDEX_PATH);
    ctx
}
