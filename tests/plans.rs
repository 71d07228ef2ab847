//! Several plans: the current plan first and in full, earlier plans listed apart with the
//! plan that superseded them, and `superseded_by` checked.

mod common;
use common::{copy_dir, fixture};

use waymark::Links;

/// tests/fixtures/basic with an earlier plan (tests/fixtures/earlier-plan) beside its plan.
fn with_earlier_plan() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    copy_dir(&fixture("earlier-plan"), dir.path());
    dir
}

fn set_superseded_by(root: &std::path::Path, plan: &str, value: &str) {
    let file = root.join(format!("content/plans/{plan}/plan.yaml"));
    let text = std::fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("superseded_by:"))
        .collect();
    std::fs::write(
        &file,
        format!("superseded_by: {value}\n{}\n", kept.join("\n")),
    )
    .unwrap();
}

fn errors(root: &std::path::Path) -> Vec<String> {
    let outcome = waymark::check(&waymark::BuildOptions::new(root));
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == waymark::Severity::Error)
        .map(|d| format!("{} {}", d.message, d.help.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn the_home_page_shows_the_current_plan_and_lists_earlier_ones_apart() {
    let dir = with_earlier_plan();
    let site = common::build(dir.path(), Links::Rooted);
    let home = site.page("/");
    let plan_headings: Vec<String> = home
        .texts("main h2")
        .into_iter()
        .filter(|h| h.contains("plan") || h.contains("Response"))
        .collect();
    assert_eq!(
        plan_headings,
        ["Response to the 2022 inspection", "Earlier plans"],
        "the earlier plan has no section of its own"
    );
    let earlier = home.text("section[aria-labelledby=earlier-plans-heading] li");
    assert_eq!(
        earlier,
        "The 2020 plan, as at 26 June 2020; superseded by Response to the 2022 inspection"
    );
}

#[test]
fn the_plans_page_lists_current_plans_before_earlier_ones() {
    let dir = with_earlier_plan();
    let site = common::build(dir.path(), Links::Rooted);
    let plans = site.page("/plans/");
    assert_eq!(
        plans.texts("main h2"),
        ["Response to the 2022 inspection", "Earlier plans"]
    );
    let links: Vec<&str> = plans
        .all("main a")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(links.first(), Some(&"/improvement/plans/demo/"));
    assert!(
        links.contains(&"/improvement/plans/2020-plan/"),
        "{links:?}"
    );
}

#[test]
fn an_earlier_plan_says_so_and_that_no_status_was_recorded() {
    let dir = with_earlier_plan();
    let site = common::build(dir.path(), Links::Rooted);
    let page = site.page("/plans/2020-plan/");
    let banner = page.text("[aria-label='Earlier plan']");
    assert!(
        banner.starts_with(
            "This is an earlier plan. It was superseded by Response to the 2022 inspection."
        ),
        "{banner}"
    );
    assert_eq!(
        page.all(".progress__text")[0].text().collect::<String>(),
        "No status is recorded for any of its 2 actions."
    );
}

#[test]
fn open_data_and_the_feed_cover_every_plan() {
    let dir = with_earlier_plan();
    let site = common::build(dir.path(), Links::Rooted);
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(site.out().join("data/2020-plan-actions.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["superseded_by"], "demo");
    assert_eq!(json["actions"].as_array().unwrap().len(), 2);
    let feed = std::fs::read_to_string(site.out().join("feed.xml")).unwrap();
    for title in [
        "<title>The 2020 plan</title>",
        "<title>Response to the 2022 inspection</title>",
    ] {
        assert!(feed.contains(title), "{title} missing from the feed");
    }
}

#[test]
fn superseded_by_must_name_another_plan() {
    let dir = with_earlier_plan();
    set_superseded_by(dir.path(), "2020-plan", "dmeo");
    assert_eq!(
        errors(dir.path()),
        ["`superseded_by: dmeo` names a plan that does not exist. Did you mean `demo`? Use the folder name of another plan in content/plans/."]
    );
}

#[test]
fn plans_that_supersede_each_other_are_refused() {
    let dir = with_earlier_plan();
    set_superseded_by(dir.path(), "demo", "2020-plan");
    let found = errors(dir.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("leads back to this plan, so none of them would be current"),
        "{found:?}"
    );
}
