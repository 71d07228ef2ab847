//! Live blocks (`[[progress journey]]` and the rest) in reports and pages. The `journey`
//! plan is brought up to date from two quarterly trackers, so its history spans four
//! reporting dates; each report shows the figures as they stood at its own date, read
//! back from the built pages and compared with the plan page's own table of progress
//! over time. Broken blocks are pinned in tests/diagnostics.rs.

mod common;
use common::{build, copy_dir, waymark, Built, Page};

use std::path::{Path, PathBuf};

use waymark::Links;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join(rel), text).unwrap();
}

fn report(date: &str, body: &str) -> String {
    format!("---\ntitle: Board report of {date}\ndate: {date}\n---\n{body}\n")
}

const BLOCKS: &str = "The plan's figures:\n\n[[progress journey]]\n\n[[delayed journey]]\n\n[[action journey 1.1]]\n\n[[judgements]]\n\n[[latest visit]]\n";

/// The basic fixture with the `journey` plan (as at 31 December 2022, with one entry of
/// 30 September 2022), imported from the March and September trackers; reports dated
/// before its figures, between its reports, and a page.
fn site() -> (tempfile::TempDir, Built) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&fixtures().join("basic"), root);
    let quarterly = fixtures().join("import/quarterly");
    copy_dir(
        &quarterly.join("journey"),
        &root.join("content/plans/journey"),
    );
    for (file, as_at) in [
        ("q1-march.csv", "2023-03-31"),
        ("q3-september.csv", "2023-09-30"),
    ] {
        let tracker = quarterly.join(file);
        let tracker = tracker.to_str().unwrap();
        let out = waymark(
            root,
            &["import", tracker, "--plan", "journey", "--as-at", as_at],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    write(
        root,
        "content/reports/2023-01-20-board.md",
        &report("2023-01-20", BLOCKS),
    );
    write(
        root,
        "content/reports/2023-05-02-board.md",
        &report("2023-05-02", BLOCKS),
    );
    write(
        root,
        "content/reports/2022-06-01-board.md",
        &report(
            "2022-06-01",
            "[[progress journey]]\n\n[[action journey 1.1]]",
        ),
    );
    let guide = "Type `[[progress journey]]` on a line of its own. In a sentence, [[progress journey]] is text.\n\n```\n[[delayed journey]]\n```\n";
    write(
        root,
        "content/pages/figures.md",
        &format!("---\ntitle: Figures\n---\n{BLOCKS}\n{guide}"),
    );
    let built = build(root, Links::Rooted);
    (dir, built)
}

/// The status table of the progress block on `url`: (row heading, count) in order.
/// The progress block's status table, row by row, then the counts kept apart from it
/// (overdue and the like).
fn status_table(page: &Page) -> Vec<(String, String)> {
    let rows = page.all(".live-block--progress table tbody tr");
    let cell = |row: scraper::ElementRef<'_>, css: &str| {
        let sel = scraper::Selector::parse(css).unwrap();
        row.select(&sel).next().map(common::text_of).unwrap()
    };
    let late = page.all(".live-block--progress .counts--late li");
    let late = late.into_iter().map(|li| {
        let text = common::text_of(li);
        let (label, n) = text.split_once(": ").expect("a count reads 'Label: N'");
        (label.to_string(), n.to_string())
    });
    rows.into_iter()
        .map(|r| (cell(r, "th"), cell(r, "td")))
        .chain(late)
        .collect()
}

fn counts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The plan page's "Actions in each status at each reporting date" row for `iso`, as
/// (status, count), the statuses only.
fn over_time_row(plan: &Page, iso: &str) -> Vec<(String, String)> {
    let caption = scraper::Selector::parse("caption#over-time-caption").unwrap();
    let tr = scraper::Selector::parse("tbody tr").unwrap();
    let table = plan
        .all("table")
        .into_iter()
        .find(|t| t.select(&caption).next().is_some());
    let mut rows = table
        .expect("the plan page's table of progress over time")
        .select(&tr);
    let time = scraper::Selector::parse("th time").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let row = rows
        .find(|r| {
            r.select(&time)
                .next()
                .and_then(|t| t.value().attr("datetime"))
                == Some(iso)
        })
        .unwrap_or_else(|| panic!("no row for {iso} in the plan's progress over time"));
    row.select(&td)
        .map(|c| {
            (
                c.value().attr("data-label").unwrap().to_string(),
                common::text_of(c),
            )
        })
        .filter(|(label, _)| label != "Total" && label != "No status recorded")
        .collect()
}

const LABELS: [&str; 4] = [
    "Completed",
    "In progress and on schedule",
    "Delayed or not on schedule",
    "Planning: not yet commenced",
];

fn statuses_only(table: &[(String, String)]) -> Vec<(String, String)> {
    table
        .iter()
        .filter(|(s, _)| LABELS.contains(&s.as_str()))
        .cloned()
        .collect()
}

#[test]
fn each_report_shows_the_figures_of_its_own_date() {
    let (_dir, built) = site();
    let plan = built.page("/plans/journey/");
    let january = built.page("/reports/2023-01-20-board/");
    assert_eq!(
        january.text(".live-block--progress .as-at"),
        "Progress of Our improvement journey as at 31 December 2022, the latest figures reported by this report's date."
    );
    assert_eq!(
        status_table(&january),
        counts(&[
            ("Completed", "1"),
            ("In progress and on schedule", "2"),
            ("Delayed or not on schedule", "1"),
            ("Planning: not yet commenced", "1"),
            ("No status recorded", "2"),
            ("All actions", "7"),
            // 1.1 was due on 16 September 2022.
            ("Overdue", "1"),
        ])
    );
    assert_eq!(
        statuses_only(&status_table(&january)),
        over_time_row(&plan, "2022-12-31")
    );

    let may = built.page("/reports/2023-05-02-board/");
    assert!(may
        .text(".live-block--progress .as-at")
        .contains("as at 31 March 2023"));
    assert_eq!(
        status_table(&may),
        counts(&[
            ("Completed", "2"),
            ("In progress and on schedule", "3"),
            ("Delayed or not on schedule", "1"),
            ("Planning: not yet commenced", "1"),
            ("All actions", "7"),
            ("Overdue", "1"),
        ])
    );
    assert_eq!(
        statuses_only(&status_table(&may)),
        over_time_row(&plan, "2023-03-31")
    );
    assert_eq!(
        may.text(".live-block--progress .progress__text"),
        "2 of 7 actions completed (29%); 1 overdue."
    );
}

#[test]
fn a_page_shows_the_figures_as_they_are_now() {
    let (_dir, built) = site();
    let page = built.page("/figures/");
    assert_eq!(
        page.text(".live-block--progress .as-at"),
        "Progress of Our improvement journey as at 30 September 2023."
    );
    let table = status_table(&page);
    assert_eq!(
        statuses_only(&table),
        over_time_row(&built.page("/plans/journey/"), "2023-09-30")
    );
    assert!(table.contains(&("All actions".to_string(), "7".to_string())));
    // The plan page's own summary line says the same.
    let plan = built.page("/plans/journey/");
    assert_eq!(
        page.text(".live-block--progress .progress__text"),
        common::text_of(plan.all(".progress__text")[0])
    );
    assert_eq!(
        page.text(".live-block--delayed p:not(.as-at)"),
        "No actions are delayed as at 30 September 2023."
    );
    assert_eq!(
        page.summary_value(".live-block--action", "Status"),
        "Completed (source: Completed)"
    );
    assert_eq!(
        page.summary_value(".live-block--action", "Latest progress"),
        "All 8 posts filled."
    );
}

#[test]
fn the_exception_report_and_an_action_as_they_stood() {
    let (_dir, built) = site();
    let january = built.page("/reports/2023-01-20-board/");
    let delayed = january.texts(".live-block--delayed tbody tr");
    assert_eq!(delayed.len(), 1, "{delayed:?}");
    assert_eq!(
        delayed[0],
        "Action 1.2 Refresh the threshold descriptors Partners asked for more time. Draft shared at the partnership meeting. Head of Partnerships 30 June 2023"
    );
    let block = ".live-block--action";
    assert_eq!(
        january.summary_value(block, "Status"),
        "In progress and on schedule Overdue"
    );
    // What the December report said, kept in the history when March's tracker replaced it.
    assert_eq!(
        january.summary_value(block, "Latest progress"),
        "Agency cover secured. Five posts filled."
    );
    assert_eq!(
        january.summary_value(block, "Responsible"),
        "Head of Service"
    );
    let may = built.page("/reports/2023-05-02-board/");
    assert_eq!(
        may.summary_value(block, "Status"),
        "Completed (source: Completed)"
    );
}

#[test]
fn a_report_before_the_plans_first_figures_says_so() {
    let (_dir, built) = site();
    let early = built.page("/reports/2022-06-01-board/");
    let said = "No figures for Our improvement journey were reported by this report's date, 1 June 2022: its first figures are as at 30 September 2022.";
    assert_eq!(early.text(".live-block--progress .as-at"), said);
    assert_eq!(early.text(".live-block--action .as-at"), said);
    assert!(early
        .all(".live-block table, .live-block .summary")
        .is_empty());
}

#[test]
fn judgements_and_the_latest_visit_are_those_by_the_reports_date() {
    let (_dir, built) = site();
    let january = built.page("/reports/2023-01-20-board/");
    let judged: Vec<String> = january.texts(".live-block--judgements tbody th");
    assert_eq!(judged.len(), 3, "{judged:?}");
    assert_eq!(
        january.text(".live-block--latest-visit .as-at"),
        "Latest visit by 20 January 2023: Inspection of local authority children's services, July 2022."
    );
    // The fifth monitoring visit ended on 1 February 2023.
    let may = built.page("/reports/2023-05-02-board/");
    assert!(
        may.text(".live-block--latest-visit .as-at")
            .contains("Fifth monitoring visit"),
        "{}",
        may.text(".live-block--latest-visit .as-at")
    );
}

#[test]
fn examples_in_backticks_and_sentences_stay_text() {
    let (_dir, built) = site();
    let page = built.page("/figures/");
    assert_eq!(page.all(".live-block").len(), 5);
    let code = page.texts("code");
    assert!(
        code.contains(&"[[progress journey]]".to_string()),
        "{code:?}"
    );
    assert!(
        code.contains(&"[[delayed journey]]".to_string()),
        "{code:?}"
    );
    let prose = page.texts(".prose > p");
    assert!(
        prose
            .iter()
            .any(|p| p.contains("In a sentence, [[progress journey]] is text.")),
        "{prose:?}"
    );
}

#[test]
fn search_and_the_feed_carry_no_block_markers() {
    let (_dir, built) = site();
    for file in ["search-index.js", "feed.xml"] {
        let text = std::fs::read_to_string(built.out().join(file)).unwrap();
        assert!(!text.contains("@@waymark"), "{file} has a block's marker");
        assert!(!text.contains("[[judgements]]"), "{file} has a raw block");
    }
    let page =
        std::fs::read_to_string(built.out().join("reports/2023-01-20-board/index.html")).unwrap();
    assert!(!page.contains("@@waymark"));
}
