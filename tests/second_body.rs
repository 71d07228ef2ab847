//! A second body (tests/fixtures/second-body/, a fictional council): declared kinds of
//! inspection, three grading scales, milestones and a five-status key, read back from
//! its pages as a reader would.

mod common;

use common::{build, fixture, text_of, Built};
use waymark::Links;

fn site() -> Built {
    build(&fixture("second-body"), Links::Rooted)
}

#[test]
fn it_checks_clean_with_strict() {
    let out = common::waymark(&fixture("second-body"), &["check", "--strict"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn the_timeline_labels_declared_kinds_and_shows_the_send_outcome() {
    let site = site();
    let timeline = site.page("/inspections/");
    let items = timeline.all(".timeline__item:not(.timeline__item--milestone)");
    let item = |title: &str| {
        items
            .iter()
            .map(|e| text_of(*e))
            .find(|t| t.contains(title))
            .unwrap_or_else(|| panic!("{title} is not on the timeline"))
    };
    let jtai = item("Joint targeted area inspection of the response");
    assert!(jtai.contains("10 to 14 March 2025"), "{jtai}");
    // Each event is labelled with its declared kind, in its title or in the line beneath
    // it (which leaves out what the title already says).
    let kinds = timeline.texts(".timeline__item:not(.timeline__item--milestone) .timeline__kind");
    assert_eq!(
        kinds,
        [
            "A fictional framework for children's services",
            "Care assessment"
        ]
    );
    for (title, kind) in [
        ("Inspection of children's services", "Inspection"),
        ("Area SEND inspection of Fernmoor", "Area SEND inspection"),
        ("Assessment of adult care", "Care assessment"),
        (
            "Annual engagement meeting 2024",
            "Annual engagement meeting",
        ),
        (
            "Joint targeted area inspection of",
            "Joint targeted area inspection",
        ),
    ] {
        assert!(item(title).contains(kind), "{title}: {}", item(title));
    }
    let send = item("Area SEND inspection of Fernmoor");
    assert!(
        send.contains("Overall: Widespread and/or systemic failings"),
        "{send}"
    );
    let care = item("Assessment of adult care");
    assert!(care.contains("Requires improvement (score 2)"), "{care}");
}

#[test]
fn milestones_sit_among_the_inspections_in_date_order() {
    let site = site();
    let timeline = site.page("/inspections/");
    let titles = timeline.texts(".timeline__title");
    assert_eq!(
        titles,
        [
            "Inspection of children's services",
            "Area SEND inspection of Fernmoor",
            "Statutory direction issued to Fernmoor Council",
            "SEND commissioner appointed",
            "Assessment of adult care",
            "Annual engagement meeting 2024",
            "Joint targeted area inspection of the response to children at risk",
            "Improvement board set up",
        ]
    );
    let direction =
        timeline.one("#milestone-2024-01-15-statutory-direction-issued-to-fernmoor-council");
    let text = text_of(direction);
    assert!(text.contains("15 January 2024"), "{text}");
    assert!(text.contains("Statutory direction"), "{text}");
    assert!(
        text.contains("work with an appointed commissioner"),
        "{text}"
    );
    let link =
        timeline.one("#milestone-2024-01-15-statutory-direction-issued-to-fernmoor-council a");
    assert_eq!(
        link.value().attr("href"),
        Some("https://fernmoor.example/documents/direction.pdf")
    );
    // Without a kind of its own, a milestone still says in words that it is one.
    let board = timeline.texts(".timeline__item--milestone .tag--milestone");
    assert_eq!(
        board,
        ["Statutory direction", "Commissioner appointed", "Milestone"]
    );
}

#[test]
fn the_home_page_gives_the_current_judgement_on_each_scale_and_the_latest_event() {
    let site = site();
    let home = site.page("/");
    assert_eq!(
        home.text("#current-heading + p"),
        "Requires improvement to be good"
    );
    let card = home.text("section[aria-labelledby='current-heading']");
    assert!(
        card.contains("Overall effectiveness, judged at: Inspection of children's services"),
        "{card}"
    );
    // text_of joins text nodes with a space: "( 6" is "(6" on the page.
    let others: Vec<String> = home
        .texts(".current-other")
        .iter()
        .map(|t| t.replace("( ", "("))
        .collect();
    assert_eq!(
        others,
        [
            "Inspection outcome: Widespread and/or systemic failings, judged at Area SEND inspection of Fernmoor (6 to 10 November 2023).",
            "Overall rating: Requires improvement (score 2), judged at Assessment of adult care (2 September 2024).",
        ]
    );
    let latest = home.text("section[aria-labelledby='latest-heading']");
    assert!(
        latest.contains("Joint targeted area inspection of the response to children at risk"),
        "{latest}"
    );
}

#[test]
fn an_inspection_page_names_its_scale_and_its_overall_judgement() {
    let site = site();
    let page = site.page("/inspections/2023-11-send-area/");
    assert_eq!(page.text(".caption"), "Area SEND inspection");
    assert_eq!(
        page.summary_value("main", "Grading scale"),
        "Area SEND inspection outcomes"
    );
    assert_eq!(
        page.text("tr.total"),
        "Inspection outcome Widespread and/or systemic failings"
    );
}

#[test]
fn open_data_and_the_feed_carry_kinds_scales_and_milestones() {
    let site = site();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("data/inspections.json")).unwrap(),
    )
    .unwrap();
    let jtai = json["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "jtai")
        .expect("the JTAI is in the data");
    assert_eq!(jtai["kind_label"], "Joint targeted area inspection");
    let send = json["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "area-send")
        .unwrap();
    assert_eq!(send["scale"], "send-area");
    assert_eq!(send["overall_grade"], "widespread-failings");
    let milestone = &json["milestones"][0];
    assert_eq!(milestone["date"], "2024-01-15");
    assert_eq!(milestone["kind"], "Statutory direction");
    assert_eq!(
        milestone["url"],
        "https://fernmoor.example/improvement/inspections/#milestone-2024-01-15-statutory-direction-issued-to-fernmoor-council"
    );
    let feed = std::fs::read_to_string(site.out().join("feed.xml")).unwrap();
    assert!(
        feed.contains("<title>Statutory direction issued to Fernmoor Council</title>"),
        "{feed}"
    );
    assert!(
        feed.contains("label=\"Joint targeted area inspection\""),
        "{feed}"
    );
}

#[test]
fn search_labels_declared_kinds() {
    let site = site();
    let script = std::fs::read_to_string(site.out().join("search-index.js")).unwrap();
    let json = script
        .trim_start_matches("window.waymarkSearchIndex=")
        .trim_end()
        .trim_end_matches(';');
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let kinds = index["kinds"].as_array().unwrap();
    let jtai = index["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "Joint targeted area inspection of the response to children at risk")
        .unwrap();
    let kind = jtai[2].as_u64().unwrap() as usize;
    assert_eq!(kinds[kind], "Joint targeted area inspection");
}

#[test]
fn the_five_status_key_is_counted() {
    let site = site();
    let plan = site.page("/plans/send-priority-action-plan/");
    let headers = plan.texts("table.table--areas thead th");
    for status in [
        "Complete",
        "On track",
        "At risk",
        "Off track",
        "Not started",
    ] {
        assert!(headers.iter().any(|h| h == status), "{headers:?}");
    }
}
