//! What a reader is told: facts the pages, data files and `new` must get right, each read
//! back from the output (issue 29: what new users tripped on).

mod common;

use std::path::Path;

use common::{build, copy_of, text_of, Built};
use waymark::Links;

/// Replaces `from` with `to` in a fixture file, insisting the text was there.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn built(dir: &tempfile::TempDir) -> Built {
    build(dir.path(), Links::Rooted)
}

const SITE: &str = "content/site.yaml";
const FRONT_DOOR: &str = "content/plans/demo/01-front-door.yaml";

#[test]
fn the_accessibility_statement_claims_no_checks_the_build_never_ran() {
    let dir = copy_of("basic");
    let site = built(&dir);
    let testing = site.page("/accessibility/");
    let all = text_of(testing.one("main"));
    for claim in [
        "Nu Html Checker",
        "axe-core",
        "Every page is checked",
        "checks Waymark runs",
    ] {
        assert!(!all.contains(claim), "claims {claim:?}: {all}");
    }
    let how = testing.text("#testing + p");
    assert_eq!(
        how,
        "The design this website uses (Waymark's default theme) was made to meet the WCAG 2.2 AA standard. No test of this website is recorded."
    );

    // What the site records, and only that.
    edit(
        dir.path(),
        SITE,
        "grades:",
        "accessibility:\n  tested: 2024-11-05\n  tested_by: the council's digital team\ngrades:",
    );
    let site = built(&dir);
    assert_eq!(
        site.page("/accessibility/").text("#testing + p"),
        "The design this website uses (Waymark's default theme) was made to meet the WCAG 2.2 AA standard. This website was last tested on 5 November 2024 by the council's digital team."
    );
}

#[test]
fn authors_words_keep_the_case_they_were_written_in() {
    let dir = copy_of("basic");
    let title = "Ofsted ILACS inspection of Example Borough Council";
    edit(
        dir.path(),
        "content/inspections/2022-07-inspection.md",
        "title: Inspection of local authority children's services",
        &format!("title: {title}"),
    );
    let site = built(&dir);
    let home = site.page("/");
    assert_eq!(
        home.text("[aria-labelledby=current-heading] p + p a"),
        title
    );
    let plan = site.page("/plans/demo/");
    let responds = plan
        .all("main p a")
        .into_iter()
        .map(text_of)
        .find(|t| t.contains("ILACS"))
        .expect("the plan names the inspection it responds to");
    assert_eq!(responds, title);
    let statement = site.page("/accessibility/").text("h1 + p");
    assert!(
        statement
            .contains("the Children's services improvement website of Example Borough Council"),
        "{statement}"
    );
}

/// Action 1.4 (due 31 January 2023, on track, as at 1 March 2023) is given a later date
/// in its history; 1.2 and 2.1 have their revised dates changed at the as-at date.
fn basic_with_revised_dates_in_history() -> tempfile::TempDir {
    let dir = copy_of("basic");
    edit(
        dir.path(),
        FRONT_DOOR,
        "        due: 31/01/23\n        status: on-track\n",
        "        due: 31/01/23\n        status: on-track\n        history:\n          - date: 2023-01-20\n            status: on-track\n            revised_due: 2023-06-30\n",
    );
    edit(
        dir.path(),
        FRONT_DOOR,
        "        status: on-track\n        progress: Reviews are under way.\n",
        "        status: on-track\n        progress: Reviews are under way.\n        history:\n          - date: 2023-01-20\n            status: on-track\n            revised_due: 2023-04-30\n          - date: 2023-03-01\n            status: on-track\n            revised_due: 2023-05-31\n",
    );
    edit(
        dir.path(),
        "content/plans/demo/02-oversight.yaml",
        "        status: not-started\n",
        "        status: not-started\n        history:\n          - date: 2022-11-30\n            status: not-started\n          - date: 2023-03-01\n            status: not-started\n            revised_due: 2023-12-31\n",
    );
    dir
}

fn csv_cell(site: &Built, id: &str, column: &str) -> String {
    let text = std::fs::read_to_string(site.out().join("data/demo-actions.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[at("id")] == id)
        .unwrap();
    row[at(column)].to_string()
}

fn json_action(site: &Built, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(site.out().join("data/demo-actions.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
        .clone()
}

#[test]
fn a_revised_date_given_in_history_replaces_the_original_everywhere() {
    let dir = basic_with_revised_dates_in_history();
    let site = built(&dir);
    let plan = site.page("/plans/demo/");
    assert!(plan.all("#overdue").is_empty(), "nothing is overdue now");
    let figures = plan.text("h2 + .progress .progress__text");
    assert!(!figures.contains("overdue"), "{figures}");
    // Overdue is counted apart from the statuses, under the table.
    assert_eq!(plan.texts(".lateness li"), ["Overdue: 0"]);
    assert_eq!(csv_cell(&site, "1.4", "revised_due"), "2023-06-30");
    assert_eq!(csv_cell(&site, "1.4", "overdue"), "false");
    assert_eq!(csv_cell(&site, "1.4", "due_date"), "2023-01-31");
    assert_eq!(json_action(&site, "1.4")["revised_due"], "2023-06-30");

    let action = site.page("/plans/demo/actions/1-4/");
    assert_eq!(
        action.summary_value("main", "Due"),
        "30 June 2023 (revised; originally due 31 January 2023)"
    );
    let area = site.page("/plans/demo/01-front-door/");
    assert_eq!(
        area.summary_value("article[aria-labelledby=action-1-4]", "Due"),
        "30 June 2023 (revised; originally due 31 January 2023)"
    );
    // The delay block's date is the plan's current word: it wins over the history's.
    assert_eq!(csv_cell(&site, "1.3", "revised_due"), "2023-04-30");
}

#[test]
fn revised_due_dates_since_the_previous_report_read_as_sentences() {
    let dir = basic_with_revised_dates_in_history();
    let site = built(&dir);
    let plan = site.page("/plans/demo/");
    let items = plan.texts("#changes ~ h3 + ul.changes li");
    let revised: Vec<&String> = items.iter().filter(|t| t.contains("now due")).collect();
    assert_eq!(
        revised,
        [
            "Action 1.2 (priority area 1): now due 31 May 2023, was due 30 April 2023",
            "Action 2.1 (priority area 2): now due 31 December 2023, the first revised date given",
        ],
        "1.4 kept its revised date, so it is not listed"
    );
    let all = text_of(plan.one("main"));
    assert!(!all.contains("no revised date recorded, was"), "{all}");
}

const AMBER_E: &str = "  - key: amber-e\n    label: Behind but expected to complete\n    colour: \"#6f4e00\"\n    meaning: Behind, but expected to complete.\n    at_risk: true\n";

#[test]
fn a_status_marked_at_risk_is_counted_and_its_actions_listed() {
    let dir = copy_of("basic");
    edit(
        dir.path(),
        "content/plans/demo/plan.yaml",
        "status_notes:",
        &format!("{AMBER_E}status_notes:"),
    );
    edit(
        dir.path(),
        FRONT_DOOR,
        "        status: on-track\n        progress: Reviews are under way.",
        "        status: amber-e\n        progress: Reviews are under way.",
    );
    let site = built(&dir);
    let home = site.page("/");
    // At risk is counted apart from the statuses' table, beside overdue.
    let late = home.texts(".lateness li");
    assert!(late.contains(&"At risk: 1".to_string()), "{late:?}");
    let plan = site.page("/plans/demo/");
    let figures = plan.text("h2 + .progress .progress__text");
    assert!(figures.contains("; 1 at risk"), "{figures}");
    let listed = plan.texts("#at-risk ~ ul.list li");
    assert!(
        listed
            .first()
            .is_some_and(|t| t.starts_with("Action 1.2: Behind but expected to complete, due")),
        "{listed:?}"
    );
    assert_eq!(csv_cell(&site, "1.2", "at_risk"), "true");
    assert_eq!(csv_cell(&site, "1.1", "at_risk"), "false");
    // At risk is not delayed: no reason or revised date is asked for.
    assert!(
        site.outcome
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("1.2")),
        "{:?}",
        site.outcome.diagnostics
    );
}

#[test]
fn a_site_without_an_at_risk_status_shows_no_at_risk_figures() {
    let site = built(&copy_of("basic"));
    assert!(site.page("/plans/demo/").all("#at-risk").is_empty());
    let rows = site.page("/").texts("table tbody tr");
    assert!(rows.iter().all(|r| !r.starts_with("At risk")), "{rows:?}");
}

#[test]
fn a_status_cannot_be_both_at_risk_and_complete() {
    let dir = copy_of("basic");
    edit(
        dir.path(),
        "content/plans/demo/plan.yaml",
        "    complete: true\n",
        "    complete: true\n    at_risk: true\n",
    );
    let out = common::waymark(dir.path(), &["check"]);
    let told = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{told}");
    assert!(
        told.contains(
            "The status `completed` is marked both `at_risk: true` and `complete: true`."
        ),
        "{told}"
    );
}

#[test]
fn the_judgements_table_has_an_overall_row_and_overall_only_inspections() {
    let site = built(&copy_of("basic"));
    let page = site.page("/inspections/");
    let columns = page.texts("table.table--judgements thead th a");
    assert_eq!(
        columns,
        [
            "Inspection of safeguarding and looked after children services",
            "Inspection of services for children in need of help and protection",
            "Inspection of local authority children's services",
        ],
        "the 2010 inspection gave only an overall grade"
    );
    let rows = page.texts("table.table--judgements tbody tr");
    assert_eq!(
        rows[0],
        "Overall judgement Good Requires improvement to be good Inadequate"
    );
}

#[test]
fn progress_bars_carry_their_colours_without_the_stylesheet() {
    let site = built(&copy_of("basic"));
    let plan = site.page("/plans/demo/");
    let bar = plan.all("svg.progress__bar").into_iter().next().unwrap();
    let fills: Vec<(String, Option<String>)> = plan
        .all("svg.progress__bar")
        .into_iter()
        .take(1)
        .flat_map(|svg| svg.descendants().filter_map(scraper::ElementRef::wrap))
        .filter(|e| e.value().name() == "rect")
        .map(|e| {
            (
                e.value().attr("class").unwrap_or("").to_string(),
                e.value().attr("fill").map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        fills,
        [
            ("progress__track".to_string(), Some("#ffffff".to_string())),
            ("seg tag--s-demo-completed".into(), Some("#00703c".into())),
            ("seg tag--s-demo-on-track".into(), Some("#1d4f91".into())),
            ("seg tag--s-demo-delayed".into(), Some("#942514".into())),
            ("seg tag--s-demo-not-started".into(), Some("#505a5f".into())),
        ]
    );
    assert!(bar.value().attr("style").is_none());
    // The chart's columns and legend too; no inline style anywhere (a strict CSP).
    for rect in plan.all("svg.chart__svg rect.seg, svg.chart__swatch rect.seg") {
        assert!(rect.value().attr("fill").is_some(), "{:?}", rect.value());
    }
    assert!(plan.all("[style]").is_empty());
}

const COMPARATOR: &str = "---\ntitle: Ofsted ILACS inspection of Leicestershire County Council\nkind: inspection\nother_body: Leicestershire County Council\nstart: 2024-09\noverall:\n  grade: good\n---\n";

#[test]
fn another_bodys_inspection_is_shown_as_theirs_and_never_as_where_the_journey_stands() {
    let dir = copy_of("basic");
    write(
        dir.path(),
        "content/inspections/2024-09-leicestershire.md",
        COMPARATOR,
    );
    let site = built(&dir);
    let home = site.page("/");
    assert_eq!(
        home.text("[aria-labelledby=current-heading] p + p a"),
        "Inspection of local authority children's services"
    );
    assert_eq!(
        home.texts("[aria-labelledby=latest-heading] p a")[0],
        "Fifth monitoring visit"
    );
    let timeline = site.page("/inspections/");
    let item = timeline
        .all(".timeline__item")
        .into_iter()
        .map(text_of)
        .find(|t| t.contains("Leicestershire"))
        .unwrap();
    assert!(
        item.contains("Another body An inspection of Leicestershire County Council, not of Example Borough Council."),
        "{item}"
    );
    let own = site.page("/inspections/2024-09-leicestershire/");
    assert_eq!(
        own.text(".other-body"),
        "Another body An inspection of Leicestershire County Council, not of Example Borough Council."
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("data/inspections.json")).unwrap(),
    )
    .unwrap();
    let entry = json["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "2024-09-leicestershire")
        .unwrap();
    assert_eq!(entry["other_body"], "Leicestershire County Council");
}

#[test]
fn an_inspection_no_source_dates_is_placed_by_its_number_and_says_so() {
    let dir = copy_of("basic");
    write(
        dir.path(),
        "content/inspections/monitoring-visit-3.md",
        "---\ntitle: Third monitoring visit\nkind: monitoring-visit\nnumber: 3\ndates_not_recorded: true\n---\n",
    );
    write(
        dir.path(),
        "content/inspections/undated-review.md",
        "---\ntitle: Peer review\nkind: focused-visit\ndates_not_recorded: true\n---\n",
    );
    let site = built(&dir);
    let page = site.page("/inspections/");
    assert_eq!(
        page.texts(".timeline__title"),
        [
            "Inspection of safeguarding and looked after children services",
            "Inspection of services for children in need of help and protection",
            "Inspection of local authority children's services",
            "First monitoring visit",
            "Third monitoring visit",
            "Fifth monitoring visit",
            "Peer review",
            "Full inspection",
        ]
    );
    let third = page
        .all(".timeline__item")
        .into_iter()
        .map(text_of)
        .find(|t| t.starts_with("Third"))
        .unwrap();
    assert!(third.contains("Date not recorded"), "{third}");
    assert_eq!(
        site.page("/inspections/monitoring-visit-3/")
            .summary_value("main", "Dates"),
        "Date not recorded"
    );
    assert_eq!(
        site.page("/").texts("[aria-labelledby=latest-heading] p a")[0],
        "Fifth monitoring visit"
    );
}

#[test]
fn dates_not_recorded_beside_a_date_is_an_error() {
    let dir = copy_of("basic");
    write(
        dir.path(),
        "content/inspections/monitoring-visit-3.md",
        "---\ntitle: Third monitoring visit\nkind: monitoring-visit\nstart: 2023-03\ndates_not_recorded: true\n---\n",
    );
    let out = common::waymark(dir.path(), &["check"]);
    let told = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{told}");
    assert!(
        told.contains("This says its dates are not recorded, but it gives `start` or `between`."),
        "{told}"
    );
}
