//! Where it stands in ten seconds (issue 30), read back from the built pages as a reader
//! sees them: how old the figures are, overdue apart from the statuses, the latest visit's
//! findings, dates that carry a note, the journey of judgements, long pages made short.
//! Each test reads the shipped site, tests/fixtures/basic, or a copy of it changed as said.

mod common;
use common::{build, copy_of, fixture, repo_root, text_of, Built};

use std::path::Path;

use waymark::Links;

fn shipped() -> Built {
    build(&repo_root(), Links::Rooted)
}

fn basic() -> Built {
    build(&fixture("basic"), Links::Rooted)
}

/// A copy of tests/fixtures/basic with `rel` (under content/) written as `text`.
fn basic_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Built) {
    let dir = copy_of("basic");
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let built = build(dir.path(), Links::Rooted);
    (dir, built)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("content").join(rel)).unwrap()
}

// ---------------------------------------------------------------- the age of the figures

/// What `.behind` says, with the space the text helper puts after "(" taken out.
fn behind(site: &Built, url: &str) -> Vec<String> {
    site.page(url)
        .texts(".behind")
        .into_iter()
        .map(|t| t.replace("( ", "("))
        .collect()
}

#[test]
fn figures_well_behind_the_latest_visit_say_how_old_they_are() {
    let site = shipped();
    let said = "These are the latest figures from Nottingham City Council on this site: \
                as at 7 December 2022, 23 months before the latest monitoring visit (12 November 2024).";
    for url in [
        "/",
        "/plans/",
        "/plans/2022-ilacs/",
        "/plans/2022-ilacs/01-mash/",
    ] {
        assert_eq!(behind(&site, url), [said], "{url}");
    }
    let link = site.page("/");
    let link = link.one(".behind a");
    assert_eq!(
        link.value().attr("href"),
        Some("/inspections/2024-11-monitoring-visit-6/")
    );
    // An earlier plan says it was superseded; it is not said to be behind.
    assert!(site
        .page("/plans/2020-focused-visit/")
        .all(".behind")
        .is_empty());
}

#[test]
fn figures_close_to_the_latest_visit_say_nothing_of_their_age() {
    // The basic plan is as at 1 March 2023, a month after its latest visit.
    let site = basic();
    for url in ["/", "/plans/demo/", "/plans/demo/01-front-door/"] {
        assert!(site.page(url).all(".behind").is_empty(), "{url}");
    }
}

#[test]
fn the_age_names_the_kind_of_event_the_content_gives() {
    let dir = copy_of("basic");
    let plan = read(dir.path(), "plans/demo/plan.yaml");
    std::fs::write(
        dir.path().join("content/plans/demo/plan.yaml"),
        format!("as_at: 2022-09-01\n{plan}"),
    )
    .unwrap();
    let site = build(dir.path(), Links::Rooted);
    assert_eq!(
        behind(&site, "/plans/demo/"),
        [
            "These are the latest figures from Example Borough Council on this site: as at \
          1 September 2022, 4 months before the latest monitoring visit (31 January 2023)."
        ]
    );
}

#[test]
fn the_footer_says_when_the_site_was_last_updated() {
    let footer = |site: &Built, url: &str| site.page(url).text(".footer p");
    let shipped = shipped();
    // The last day of the sixth visit; the report whose date carries a note does not count.
    assert!(
        footer(&shipped, "/reports/")
            .contains("Last updated 13 November 2024: the latest date in its content"),
        "{}",
        footer(&shipped, "/reports/")
    );
    let basic = basic();
    assert!(footer(&basic, "/").contains("Last updated 1 March 2023"));
}

// ---------------------------------------------------------------- overdue apart

#[test]
fn the_status_table_lists_statuses_only_and_overdue_is_shown_apart() {
    let site = basic();
    let home = site.page("/");
    let rows = home.texts("section table tbody th");
    assert!(
        !rows
            .iter()
            .any(|r| r.contains("Overdue") || r.contains("At risk")),
        "{rows:?}"
    );
    let counts: Vec<usize> = home
        .texts("section table tbody td")
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    let (total, statuses) = counts.split_last().unwrap();
    assert_eq!(
        statuses.iter().sum::<usize>(),
        *total,
        "the rows add up to the actions"
    );
    for url in ["/", "/plans/demo/", "/plans/demo/01-front-door/"] {
        let page = site.page(url);
        assert_eq!(page.texts(".lateness li"), ["Overdue: 1"], "{url}");
        assert!(page
            .text(".lateness .hint")
            .starts_with("Overdue means the due date (or the revised due date) had passed by 1 March 2023 and the action was not complete."));
    }
    let plan = site.page("/plans/demo/");
    let head = plan.texts(".table--areas thead th");
    assert!(!head.contains(&"Overdue".to_string()), "{head:?}");
}

#[test]
fn actions_past_their_due_date_with_no_status_are_counted_and_listed_apart() {
    let site = shipped();
    for url in ["/", "/plans/2022-ilacs/"] {
        let late = site.page(url).texts(".lateness li");
        assert_eq!(
            late,
            ["Overdue: 0", "Due date passed, no status recorded: 1"],
            "{url}"
        );
    }
    let plan = site.page("/plans/2022-ilacs/");
    let listed = plan.texts("#due-passed-unrecorded + p + ul li");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("Action "), "{listed:?}");
    // The open data agree: no action of the plan is overdue.
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("data/2022-ilacs-actions.json")).unwrap(),
    )
    .unwrap();
    let overdue = data["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["overdue"] == true)
        .count();
    assert_eq!(overdue, 0);
}

// ---------------------------------------------------------------- the latest visit

#[test]
fn the_home_page_gives_the_latest_visits_headline_findings_and_links_to_it() {
    let site = shipped();
    let home = site.page("/");
    let findings = home.text(".findings");
    assert!(
        findings.starts_with("Progress: Nottingham City Council has made sustained progress despite financial pressures and leadership changes."),
        "{findings}"
    );
    let link = home.one("#latest-heading ~ p a[href$='#headline-findings']");
    assert_eq!(
        link.value().attr("href"),
        Some("/inspections/2024-11-monitoring-visit-6/#headline-findings")
    );
    assert_eq!(
        text_of(link),
        "Read all the findings: Sixth monitoring visit"
    );
    let visit = site.page("/inspections/2024-11-monitoring-visit-6/");
    assert_eq!(visit.text("#headline-findings"), "Headline findings");

    let basic = basic();
    assert_eq!(
        basic.page("/").text(".findings"),
        "Leaders remain committed."
    );
}

#[test]
fn a_source_with_an_address_is_linked() {
    let site = basic();
    let visit = site.page("/inspections/2024-07-monitoring-visit-5/");
    let link = visit.one(".summary a[href^='https://']");
    assert_eq!(
        link.value().attr("href"),
        Some("https://reports.ofsted.gov.uk/provider/44/80000")
    );
    assert_eq!(
        text_of(link),
        "Ofsted, letter on the fifth monitoring visit"
    );
    // A source without an address stays plain text.
    let shipped = shipped();
    let report = shipped.page("/reports/2020-06-26-audit-committee/");
    assert!(report
        .summary_value("main", "Source")
        .starts_with("Nottingham City Council"));
    assert!(report.all(".summary a").is_empty());
}

// ---------------------------------------------------------------- dates with a note

#[test]
fn a_date_with_a_note_is_marked_wherever_it_is_listed_and_explained_on_its_page() {
    let site = shipped();
    let url = "/reports/scrutiny-committee-sixth-monitoring-visit/";
    for list in ["/", "/reports/"] {
        let page = site.page(list);
        let flags = page.all(".date-flag");
        assert_eq!(
            flags.len(),
            1,
            "{list}: only the report whose date carries a note"
        );
        assert_eq!(
            flags[0].value().attr("href"),
            Some(&*format!("{url}#date-note"))
        );
        assert_eq!(text_of(flags[0]), "(see the note on this date)");
    }
    let report = site.page(url);
    let date = report.summary_value("main", "Date");
    assert!(
        date.starts_with("15 January 2024 Note on this date: The report's header gives the meeting date as \"15th January 2024\". That cannot be right"),
        "{date}"
    );
    assert_eq!(report.all("#date-note").len(), 1);
    // The feed, a list too, says it in the entry's summary.
    let feed = std::fs::read_to_string(site.out().join("feed.xml")).unwrap();
    let entry = feed
        .split("<entry>")
        .find(|e| e.contains("scrutiny-committee-sixth-monitoring-visit"))
        .unwrap();
    assert!(
        entry.contains("Note on this date: The report&apos;s header gives the meeting date"),
        "{entry}"
    );
}

// ---------------------------------------------------------------- the timeline

#[test]
fn the_journey_of_overall_judgements_is_at_the_top_of_the_timeline_and_on_the_home_page() {
    let site = shipped();
    let want = [
        "Good December 2010",
        "→ Requires improvement March 2014",
        "→ Not recorded 2018",
        "→ Inadequate July 2022",
        "→ Planned Full inspection (expected): From July 2025",
    ];
    for url in ["/", "/inspections/"] {
        let page = site.page(url);
        assert_eq!(page.texts("ol.journey > li"), want, "{url}");
        // The arrows are for the eye; a screen reader hears an ordered list.
        assert_eq!(page.all(".journey__arrow[aria-hidden='true']").len(), 4);
    }
    let timeline = site.page("/inspections/");
    let first = timeline.all("main h2, ol.journey, ol.timeline");
    let names: Vec<&str> = first.iter().map(|e| e.value().name()).collect();
    assert_eq!(
        &names[..3],
        ["h2", "ol", "h2"],
        "the journey comes before the timeline"
    );
}

#[test]
fn visits_with_no_details_in_a_row_are_one_entry() {
    let site = shipped();
    let page = site.page("/inspections/");
    let titles = page.texts(".timeline__title");
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.as_str() == "Monitoring visits 1 to 4")
            .count(),
        1,
        "{titles:?}"
    );
    for each in ["First", "Second", "Third", "Fourth"] {
        assert!(
            !titles.contains(&format!("{each} monitoring visit")),
            "{titles:?}"
        );
    }
    let members: Vec<String> = page
        .all(".timeline__item .list--inline a")
        .into_iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        members,
        (1..=4)
            .map(|n| format!("/inspections/monitoring-visit-{n}/"))
            .collect::<Vec<_>>()
    );
    // One such visit alone keeps its own entry.
    let basic = basic();
    assert!(basic
        .page("/inspections/")
        .texts(".timeline__title")
        .contains(&"First monitoring visit".to_string()));
}

#[test]
fn two_such_visits_in_a_row_are_grouped_in_any_site() {
    let dir = copy_of("basic");
    let second = read(dir.path(), "inspections/monitoring-visit-1.md")
        .replace("First monitoring visit", "Second monitoring visit")
        .replace("number: 1", "number: 2");
    let (_dir, site) = basic_with(&[("inspections/monitoring-visit-2.md", &second)]);
    let titles = site.page("/inspections/").texts(".timeline__title");
    assert!(
        titles.contains(&"Monitoring visits 1 to 2".to_string()),
        "{titles:?}"
    );
}

#[test]
fn an_entry_does_not_repeat_its_title_in_the_line_beneath_it() {
    let site = shipped();
    let page = site.page("/inspections/");
    for item in page.all(".timeline__item") {
        let title = text_of(common::first(item, ".timeline__title")).to_lowercase();
        if let Some(kind) = common::find(item, ".timeline__kind") {
            let kind = text_of(kind).to_lowercase();
            for word in ["monitoring visit", "focused visit"] {
                assert!(
                    !(title.contains(word) && kind.contains(word)),
                    "{title} / {kind}"
                );
            }
            assert!(!kind.contains(&title), "{title} / {kind}");
        }
    }
}

// ---------------------------------------------------------------- long pages

#[test]
fn an_area_page_opens_with_an_overview_of_its_actions() {
    let site = shipped();
    let page = site.page("/plans/2022-ilacs/01-mash/");
    let rows = page.all("#overview + table tbody tr");
    assert_eq!(rows.len(), 19);
    for row in &rows {
        let link = common::first(*row, "th a");
        let target = link.value().attr("href").unwrap();
        assert!(target.starts_with("#action-"), "{target}");
        assert_eq!(page.all(target).len(), 1, "{target} is on the page");
    }
    let first: Vec<String> = rows[0]
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(text_of)
        .collect();
    assert_eq!(
        first,
        [
            "1.1",
            "Increase Social Work capacity by 8 additional social work posts",
            "Completed",
            "16 September 2022"
        ]
    );
    // Near the top: before the first outcome and its actions.
    let order: Vec<String> = page
        .all("#overview, .outcome")
        .into_iter()
        .map(|e| e.value().attr("id").unwrap_or("outcome").to_string())
        .collect();
    assert_eq!(order[0], "overview");

    let basic = basic();
    let rows = basic
        .page("/plans/demo/01-front-door/")
        .texts("#overview + table tbody th");
    assert_eq!(rows, ["1.1", "1.2", "1.3", "1.4", "1.5"]);
}

#[test]
fn notes_on_how_the_record_was_made_come_after_the_content() {
    let site = shipped();
    let page = site.page("/plans/2022-ilacs/01-mash/");
    let action = |id: &str| {
        page.all("article.action")
            .into_iter()
            .find(|a| a.value().attr("aria-labelledby") == Some(&*format!("action-{id}")))
            .unwrap_or_else(|| panic!("no action {id}"))
    };
    let slid = action("1-4");
    let record = text_of(common::first(slid, ".record-note"));
    assert!(
        record.starts_with(
            "About this record In the source this row's cells have slid one column to the right"
        ),
        "{record}"
    );
    assert!(common::find(slid, ".editorial-note").is_none());
    // After the progress and impact, not before them.
    let names: Vec<String> = slid
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| text_of(e))
        .collect();
    let impact = names.iter().position(|t| t == "Impact").unwrap();
    let about = names
        .iter()
        .position(|t| t.starts_with("About this record"))
        .unwrap();
    assert!(about > impact);
    // The source's own status word is one of the action's details.
    let first = action("1-1");
    assert!(text_of(first).contains("Status in the source green (cell shading)"));
    assert!(!text_of(first).contains("(source:"));
    // A note that changes what to believe stays an editorial note, where the fact is.
    let dated = action("1-13");
    assert!(text_of(common::first(dated, ".editorial-note")).contains("03.01.2022"));
    assert!(common::find(dated, ".record-note").is_none());

    let own = site.page("/plans/2022-ilacs/actions/1-4/");
    assert_eq!(
        own.texts("main h2").last().map(String::as_str),
        Some("About this record")
    );
    let basic = basic();
    let action = basic.page("/plans/demo/actions/1-1/");
    assert_eq!(
        action.summary_value("main", "Status in the source"),
        "Green"
    );
    assert_eq!(
        action.text(".record-note"),
        "The RAG column was shaded, not written."
    );
}

#[test]
fn a_long_inspection_page_lists_its_sections_and_gives_its_judgements_once() {
    let site = shipped();
    let page = site.page("/inspections/2014-03-inspection/");
    let items = page.texts("nav.contents li");
    assert_eq!(items[0], "Judgements");
    assert!(
        items.contains(&"Overall judgement".to_string()),
        "{items:?}"
    );
    assert!(
        items.contains(&"At the time of the inspection".to_string()),
        "{items:?}"
    );
    for a in page.all("nav.contents a") {
        let target = a.value().attr("href").unwrap();
        assert_eq!(page.all(target).len(), 1, "{target} is on the page");
    }
    // The grades: in the judgements table, and nowhere else on the page.
    let main = page.text("main");
    assert_eq!(main.matches("Adoption performance").count(), 1, "{main}");
    assert_eq!(
        main.matches("Leadership, management and governance")
            .count(),
        1
    );

    // A short one has no list.
    let basic = basic();
    assert!(basic
        .page("/inspections/2014-03-inspection/")
        .all("nav.contents")
        .is_empty());
}
