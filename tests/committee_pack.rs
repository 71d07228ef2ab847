//! The committee pack: each plan printed whole for committee papers, read back as a
//! member would read it.

mod common;
use common::{copy_dir, fixture, text_of};

use waymark::Links;

#[test]
fn the_shipped_plans_pack_lists_every_action_by_priority_area() {
    let site = common::build(&common::repo_root(), Links::Rooted);
    let pack = site.page("/plans/2022-ilacs/committee-pack/");
    assert_eq!(
        pack.text("h1"),
        "Committee pack: Nottingham City Council's response to the Ofsted ILACS inspection"
    );
    let refs = pack.texts(".pack__table tbody th[scope=row]");
    assert_eq!(refs.len(), 76, "{refs:?}");
    assert_eq!(refs.first().map(String::as_str), Some("Action 1.1"));
    let areas = pack.texts(".pack__area th");
    assert_eq!(areas.len(), 8);
    assert!(areas[0].starts_with("Priority area 1: "), "{areas:?}");
    // The plan and its as-at date head every printed page: they sit in the table's head.
    assert_eq!(
        pack.text(".pack__table thead .pack__running"),
        "Nottingham City Council's response to the Ofsted ILACS inspection: progress as at 7 December 2022"
    );
    let headings = pack.texts("main h2");
    assert_eq!(headings, ["Every action", "Exception report", "Status key"]);
}

#[test]
fn a_row_gives_owner_due_status_and_the_start_of_the_latest_progress() {
    let site = common::build(&common::repo_root(), Links::Rooted);
    let pack = site.page("/plans/2022-ilacs/committee-pack/");
    let row = pack
        .all(".pack__table tbody tr")
        .into_iter()
        .find(|tr| {
            tr.text()
                .collect::<String>()
                .contains("Create an additional Service Manager post")
        })
        .expect("action 1.2 has a row");
    let cells: Vec<String> = row
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(text_of)
        .collect();
    assert_eq!(cells[0], "Action 1.2");
    assert_eq!(cells[2], "Sam Danyluk Head of Service – First Response");
    assert_eq!(cells[3], "16 September 2022");
    assert_eq!(cells[4], "Completed");
    assert!(
        cells[5].starts_with("An interim Service Manager has been recruited"),
        "{}",
        cells[5]
    );
    let long = pack
        .all(".pack__table tbody tr:not(.pack__area)")
        .into_iter()
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(text_of)
                .last()
                .unwrap_or_default()
        })
        .max_by_key(|t| t.chars().count())
        .unwrap();
    assert!(long.chars().count() <= 160, "progress is shortened: {long}");
}

#[test]
fn the_exception_report_gives_reasons_and_revised_dates() {
    let site = common::build(&fixture("basic"), Links::Rooted);
    let pack = site.page("/plans/demo/committee-pack/");
    let delayed = pack.text("#delayed + table tbody tr");
    for part in [
        "Partners asked for more time.",
        "Draft shared at the partnership meeting.",
        "Head of Partnerships",
        "30 April 2023",
    ] {
        assert!(delayed.contains(part), "{part} missing from: {delayed}");
    }
    let plan = site.page("/plans/demo/");
    let link = plan
        .all("main a")
        .into_iter()
        .find(|a| text_of(*a) == "Committee pack")
        .expect("the plan page links to its pack");
    assert_eq!(
        link.value().attr("href"),
        Some("/improvement/plans/demo/committee-pack/")
    );
}

#[test]
fn an_area_file_cannot_take_the_packs_address() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    std::fs::rename(
        dir.path().join("content/plans/demo/02-oversight.yaml"),
        dir.path().join("content/plans/demo/committee-pack.yaml"),
    )
    .unwrap();
    let outcome = waymark::check(&waymark::BuildOptions::new(dir.path()));
    let messages: Vec<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.contains(
            &"This would be published at /plans/demo/committee-pack/, which is already the address of a page Waymark makes itself."
        ),
        "{messages:?}"
    );
}
