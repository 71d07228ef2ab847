//! The shipped content against the sources: counts, and chosen actions field by field, as
//! recorded in tests/fixtures/shipped-expectations.yaml (written from the source documents).

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use waymark::dates::{Due, PartialDate};
use waymark::model::{Action, Plan, When};
use waymark::{figures, Severity, Site};

#[derive(Deserialize)]
struct Expectations {
    areas: usize,
    per_area: BTreeMap<u32, Counts>,
    total_actions: usize,
    status_counts: BTreeMap<String, usize>,
    actions: Vec<ExpectedAction>,
    inspections: BTreeMap<String, ExpectedInspection>,
    reports: BTreeMap<String, ExpectedReport>,
    focused_visit_plan: ExpectedPlan,
    milestones: Vec<ExpectedMilestone>,
}

#[derive(Deserialize)]
struct ExpectedMilestone {
    date: serde_json::Value,
    title_contains: String,
    summary_contains: Vec<String>,
    source_contains: String,
}

#[derive(Deserialize)]
struct ExpectedPlan {
    responds_to: String,
    as_at: NaiveDate,
    areas: Vec<ExpectedArea>,
}

#[derive(Deserialize)]
struct ExpectedArea {
    title: String,
    aim: String,
    actions: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Counts {
    outcomes: usize,
    actions: usize,
}

#[derive(Deserialize)]
struct ExpectedAction {
    id: String,
    why: String,
    action: String,
    responsible: Option<String>,
    due: Option<String>,
    status: Option<String>,
    source_status: Option<String>,
    #[serde(default)]
    progress_contains: Option<Vec<String>>,
    #[serde(default)]
    impact_contains: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ExpectedInspection {
    kind: String,
    start: Option<serde_json::Value>,
    end: Option<String>,
    between: Option<Vec<String>>,
    published: Option<String>,
    overall: Option<String>,
    inspectors: Option<Vec<String>>,
    judgements: Option<serde_json::Value>,
    number: Option<u32>,
    status: Option<String>,
}

#[derive(Deserialize)]
struct ExpectedReport {
    date: String,
    meeting: Option<String>,
    author: Option<String>,
}

fn expectations() -> Expectations {
    let text = std::fs::read_to_string(common::fixture("shipped-expectations.yaml"))
        .expect("expectations file");
    waymark::yaml::from_str(&text).expect("expectations parse")
}

fn shipped() -> (Site, waymark::Diagnostics) {
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let (site, diagnostics) = waymark::load(&common::repo_root(), today);
    (
        site.unwrap_or_else(|| panic!("the shipped content has errors: {diagnostics:#?}")),
        diagnostics,
    )
}

/// What a reader sees of a Markdown field: tags gone, entities decoded, whitespace folded.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let folded = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.replace(['’', '‘'], "'").replace(['“', '”'], "\"")
}

fn loose(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
}

fn plan<'a>(site: &'a Site, slug: &str) -> &'a Plan {
    site.plans
        .iter()
        .find(|p| p.slug == slug)
        .unwrap_or_else(|| panic!("no plan {slug}"))
}

fn find<'a>(plan: &'a Plan, id: &str) -> &'a Action {
    plan.actions()
        .map(|(_, a)| a)
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no action {id}"))
}

#[test]
fn the_shipped_site_has_no_errors_or_warnings() {
    let (_, diagnostics) = shipped();
    let noisy: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    assert!(noisy.is_empty(), "{noisy:#?}");
}

#[test]
fn plan_has_the_sources_areas_outcomes_and_actions() {
    let (site, _) = shipped();
    let want = expectations();
    let plan = plan(&site, "2022-ilacs");
    assert_eq!(site.plans.len(), 2);
    assert_eq!(plan.areas.len(), want.areas);
    for area in &plan.areas {
        let counts = &want.per_area[&area.number];
        assert_eq!(
            area.outcomes.len(),
            counts.outcomes,
            "outcomes in area {}",
            area.number
        );
        assert_eq!(
            area.actions().count(),
            counts.actions,
            "actions in area {}",
            area.number
        );
    }
    assert_eq!(plan.actions().count(), want.total_actions);
    let progress = figures::progress(plan, plan.actions().map(|(_, a)| a));
    for count in &progress.by_status {
        assert_eq!(
            Some(&count.count),
            want.status_counts.get(&count.status.key),
            "status {}",
            count.status.key
        );
    }
    assert_eq!(
        Some(&progress.not_recorded),
        want.status_counts.get("not-recorded")
    );
}

#[test]
fn the_2020_plan_has_the_reports_areas_and_headline_actions_and_nothing_more() {
    let (site, _) = shipped();
    let want = expectations().focused_visit_plan;
    let plan = plan(&site, "2020-focused-visit");
    assert_eq!(plan.responds_to.as_deref(), Some(want.responds_to.as_str()));
    assert_eq!(plan.superseded_by.as_deref(), Some("2022-ilacs"));
    assert_eq!(plan.as_at, want.as_at);
    assert!(plan.statuses.is_empty(), "the report gives no status key");
    assert_eq!(plan.areas.len(), want.areas.len());
    for (area, w) in plan.areas.iter().zip(&want.areas) {
        assert_eq!(area.title, w.title);
        assert_eq!(area.outcomes.len(), 1, "{}", w.title);
        assert_eq!(plain(&area.outcomes[0].text.0), loose(&w.aim));
        let got: BTreeMap<String, String> = area
            .actions()
            .map(|a| (a.id.clone(), plain(&a.text.0)))
            .collect();
        let expected: BTreeMap<String, String> = w
            .actions
            .iter()
            .map(|(id, t)| (id.clone(), loose(t)))
            .collect();
        assert_eq!(got, expected, "{}", w.title);
        for a in area.actions() {
            let recorded = (&a.responsible, &a.due, a.status, &a.source_status);
            assert_eq!(recorded, (&None, &None, None, &None), "action {}", a.id);
        }
    }
}

#[test]
fn chosen_actions_match_the_source_field_by_field() {
    let (site, _) = shipped();
    let plan = plan(&site, "2022-ilacs");
    let want = expectations();
    let areas: std::collections::BTreeSet<&str> = want
        .actions
        .iter()
        .filter_map(|a| a.id.split('.').next())
        .collect();
    assert_eq!(areas.len(), 8, "the chosen actions cover all eight areas");
    for w in &want.actions {
        let a = find(plan, &w.id);
        let ctx = format!("action {} ({})", w.id, w.why);
        assert_eq!(plain(&a.text.0), loose(&w.action), "{ctx}: action");
        assert_eq!(
            a.responsible.as_deref().map(loose),
            w.responsible.as_deref().map(loose),
            "{ctx}: responsible"
        );
        assert_eq!(
            a.due,
            w.due
                .as_deref()
                .map(|d| Due::parse(d).expect("expected due parses")),
            "{ctx}: due"
        );
        let status = a
            .status
            .and_then(|i| plan.status(i))
            .map(|s| s.key.as_str());
        assert_eq!(status, w.status.as_deref(), "{ctx}: status");
        assert_eq!(
            a.source_status.as_deref(),
            w.source_status.as_deref(),
            "{ctx}: source status"
        );
        for snippet in w.progress_contains.iter().flatten() {
            assert!(
                plain(&a.progress.0).contains(&loose(snippet)),
                "{ctx}: progress lacks {snippet:?}\n{}",
                plain(&a.progress.0)
            );
        }
        for snippet in w.impact_contains.iter().flatten() {
            assert!(
                plain(&a.impact.0).contains(&loose(snippet)),
                "{ctx}: impact lacks {snippet:?}\n{}",
                plain(&a.impact.0)
            );
        }
    }
}

fn partial(v: &serde_json::Value) -> PartialDate {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    PartialDate::parse(&text).expect("expected date parses")
}

#[test]
fn inspections_match_the_sources() {
    let (site, _) = shipped();
    let want = expectations();
    assert_eq!(site.inspections.len(), want.inspections.len());
    for (id, w) in &want.inspections {
        let i = site
            .inspections
            .iter()
            .find(|i| &i.id == id)
            .unwrap_or_else(|| panic!("no inspection {id}"));
        assert_eq!(i.kind.key, w.kind, "{id}: kind");
        assert_eq!(
            i.planned,
            w.status.as_deref() == Some("planned"),
            "{id}: planned"
        );
        let overall = i.overall.map(|g| site.config.grades[g].key.as_str());
        assert_eq!(overall, w.overall.as_deref(), "{id}: overall grade");
        if let Some(start) = &w.start {
            let end = w.end.as_deref().map(|e| PartialDate::parse(e).unwrap());
            assert_eq!(
                i.when,
                When::Dates {
                    start: partial(start),
                    end
                },
                "{id}: dates"
            );
        }
        if let Some(between) = &w.between {
            let [from, to] = [&between[0], &between[1]].map(|d| PartialDate::parse(d).unwrap());
            assert_eq!(i.when, When::Between(from, to), "{id}: between");
        }
        assert_eq!(
            i.published.map(|d| d.to_string()),
            w.published.clone(),
            "{id}: published"
        );
        if let Some(inspectors) = &w.inspectors {
            assert_eq!(&i.inspectors, inspectors, "{id}: inspectors");
        }
        if let Some(n) = w.number {
            assert_eq!(i.number, Some(n), "{id}: number");
        }
        check_judgements(&site, i, w.judgements.as_ref(), id);
    }
}

#[test]
fn milestones_match_the_sources_and_sit_between_the_focused_visit_and_the_2022_inspection() {
    let (site, _) = shipped();
    let want = expectations();
    let got: Vec<_> = site.milestones.iter().collect();
    assert_eq!(got.len(), want.milestones.len());
    for (m, w) in got.iter().zip(&want.milestones) {
        assert_eq!(m.date, partial(&w.date), "{}: date", m.title);
        assert!(m.title.contains(&w.title_contains), "{}", m.title);
        let summary = m.summary.as_deref().unwrap_or("");
        for snippet in &w.summary_contains {
            assert!(
                summary.contains(snippet),
                "{}: summary lacks {snippet:?}",
                m.title
            );
        }
        let source = m.source.as_deref().unwrap_or("");
        assert!(source.contains(&w.source_contains), "{}: source", m.title);
    }
    let built = common::build(&common::repo_root(), waymark::Links::Rooted);
    let timeline = built.page("/inspections/");
    let titles = timeline.texts(".timeline__title");
    let at = |part: &str| {
        titles
            .iter()
            .position(|t| t.contains(part))
            .unwrap_or_else(|| panic!("{part:?} not on the timeline: {titles:?}"))
    };
    let visit = at("focused visit");
    let ilacs = at("Inspection of local authority children's services");
    for m in &want.milestones {
        let place = at(&m.title_contains);
        assert!(
            visit < place && place < ilacs,
            "{}: {titles:?}",
            m.title_contains
        );
    }
    let dates = timeline.texts(".timeline__item--milestone .timeline__date");
    assert_eq!(
        dates,
        ["May 2020", "2020", "2020"],
        "dated only as the source dates them"
    );
}

fn check_judgements(
    site: &Site,
    i: &waymark::model::Inspection,
    want: Option<&serde_json::Value>,
    id: &str,
) {
    match want {
        Some(serde_json::Value::Array(list)) => {
            let got: Vec<(String, Option<String>, Option<String>)> = i
                .judgements
                .iter()
                .map(|j| {
                    (
                        j.domain.clone(),
                        j.grade.map(|g| site.config.grades[g].key.clone()),
                        j.within.clone(),
                    )
                })
                .collect();
            let expected: Vec<(String, Option<String>, Option<String>)> = list
                .iter()
                .map(|j| {
                    let s = |k: &str| j.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                    (s("domain").unwrap_or_default(), s("grade"), s("within"))
                })
                .collect();
            assert_eq!(got, expected, "{id}: judgements");
        }
        Some(serde_json::Value::Number(n)) => assert_eq!(
            i.judgements.len() as u64,
            n.as_u64().unwrap(),
            "{id}: judgements"
        ),
        _ => {}
    }
}

#[test]
fn reports_match_the_sources_and_the_date_contradiction_is_noted() {
    let (site, _) = shipped();
    for (slug, w) in expectations().reports {
        let r = site
            .reports
            .iter()
            .find(|r| r.slug == slug)
            .unwrap_or_else(|| panic!("no report {slug}"));
        assert_eq!(r.date.to_string(), w.date, "{slug}: date");
        assert_eq!(r.meeting, w.meeting, "{slug}: meeting");
        if w.author.is_some() {
            assert_eq!(r.author, w.author, "{slug}: author");
        }
    }
    let scrutiny = site
        .reports
        .iter()
        .find(|r| r.slug.contains("scrutiny"))
        .unwrap();
    assert!(
        scrutiny
            .date_note
            .as_deref()
            .is_some_and(|n| n.contains("November 2024")),
        "004's date contradiction has a note on its date"
    );
}

#[test]
fn the_shipped_site_builds_every_page_kind() {
    let site = common::build(&common::repo_root(), waymark::Links::Rooted);
    let action = site.page("/plans/2022-ilacs/actions/2-7/");
    assert_eq!(
        action.summary_value("main", "Due"),
        "Start Oct 22 and review every 6 weeks"
    );
    let home = site.page("/");
    assert_eq!(home.text("#current-heading + p"), "Inadequate");
    let timeline = site.page("/inspections/");
    let titles = timeline.texts(".timeline__item:not(.timeline__item--milestone) .timeline__title");
    // Monitoring visits 1 to 4, of which the sources give nothing but their number, are one entry.
    assert_eq!(titles.len(), 9);
    assert!(
        titles.last().unwrap().contains("Full inspection"),
        "{titles:?}"
    );
    for url in [
        "/plans/2022-ilacs/",
        "/plans/2022-ilacs/01-mash/",
        "/plans/2020-focused-visit/",
        "/reports/",
        "/about/",
        "/accessibility/",
        "/inspections/2014-03-inspection/",
    ] {
        assert_eq!(site.page(url).all("h1").len(), 1, "{url}");
    }
}

#[test]
fn no_page_weighs_over_100_kb_with_its_css_and_scripts() {
    let site = common::build(&common::repo_root(), waymark::Links::Rooted);
    let out = site.out();
    let mut heaviest = (0, String::new());
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let assets = scraper::Selector::parse("link[rel=stylesheet], script[src]").unwrap();
        let mut bytes = html.len() as u64;
        for el in doc.select(&assets) {
            let href = el.value().attr("href").or(el.value().attr("src")).unwrap();
            let file = out.join(href.trim_start_matches('/'));
            bytes += std::fs::metadata(&file)
                .unwrap_or_else(|_| panic!("{href} is missing"))
                .len();
        }
        if bytes > heaviest.0 {
            heaviest = (bytes, entry.path().display().to_string());
        }
    }
    assert!(heaviest.0 > 10_000, "the sizes were measured");
    assert!(
        heaviest.0 <= 100 * 1024,
        "{} weighs {} bytes",
        heaviest.1,
        heaviest.0
    );
}

#[test]
fn the_scrutiny_report_carries_the_plans_latest_figures_with_their_date() {
    let site = common::build(&common::repo_root(), waymark::Links::Rooted);
    let report = site.page("/reports/scrutiny-committee-sixth-monitoring-visit/");
    let as_at = report.text(".live-block--progress .as-at");
    assert!(
        as_at
            .ends_with("as at 7 December 2022, the latest figures reported by this report's date."),
        "{as_at}"
    );
    let rows = report.texts(".live-block--progress tbody tr");
    let total = format!("All actions {}", expectations().total_actions);
    assert!(rows.contains(&total), "{rows:?}");
    let plan = site.page("/plans/2022-ilacs/");
    assert_eq!(
        report.text(".live-block--progress .progress__text"),
        plan.texts(".progress__text")[0]
    );
}
