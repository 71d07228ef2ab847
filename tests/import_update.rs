//! `waymark import --as-at`: a plan brought up to date from three successive quarterly
//! trackers (CSV, Excel, CSV with no reference column) keeps every word it had, records
//! what changed in each action's history, and the built plan page says what changed.

mod common;
use common::{build, copy_dir, waymark, Built};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use waymark::Links;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn quarterly(name: &str) -> String {
    fixtures()
        .join("import/quarterly")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The basic fixture site with the `journey` plan added, as at 31 December 2022.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("basic"), dir.path());
    copy_dir(
        &fixtures().join("import/quarterly/journey"),
        &dir.path().join("content/plans/journey"),
    );
    dir
}

/// Every file under content/, by path, as bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

const AREA_1: &str = "content/plans/journey/01-front-door.yaml";
const AREA_2: &str = "content/plans/journey/02-oversight.yaml";
const PLAN: &str = "content/plans/journey/plan.yaml";

/// Runs `waymark import` and returns (stdout, stderr), requiring success.
fn import(root: &Path, args: &[&str]) -> (String, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = waymark(root, &all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn check(root: &Path) {
    let out = waymark(root, &["check"]);
    assert!(
        out.status.success(),
        "check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The June tracker as Excel: references as text, a due date as a real date, a title row.
fn june_workbook(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "Improvement tracker: quarter to 30 June 2023")
        .unwrap();
    let header = [
        "Action no.",
        "Outcome",
        "Action",
        "Responsible officer",
        "Due date",
        "RAG status",
        "Progress",
    ];
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(2, col as u16, *text).unwrap();
    }
    let rows: [[&str; 7]; 6] = [
        [
            "1.1",
            "Children get help when needs are first identified.",
            "Recruit 8 social workers",
            "Head of Service",
            "",
            "Completed",
            "All 8 posts filled.",
        ],
        [
            "1.2",
            "",
            "Refresh the threshold descriptors",
            "Service Manager",
            "",
            "on-track",
            "Partners agreed the draft.",
        ],
        [
            "1.3",
            "Decisions are consistent.",
            "Weekly audits of decisions",
            "Practice lead",
            "31/01/23",
            "on-track",
            "Audits started in February.",
        ],
        [
            "1.4",
            "",
            "Audit repeat contacts",
            "Practice lead",
            "2023-09-30",
            "not-started",
            "",
        ],
        [
            "2.1",
            "Managers oversee practice.",
            "Train all team managers",
            "Principal Social Worker",
            "Review 30/09/23",
            "on-track",
            "",
        ],
        [
            "2.3",
            "Supervision is regular.",
            "Monthly supervision for every worker",
            "Heads of Service",
            "2023-12-31",
            "On-Track",
            "",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(3 + i as u32, col as u16, *text).unwrap();
            }
        }
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    // 1.1 is due the day the plan says (16/09/22): the same date, not a change.
    sheet
        .write_datetime_with_format(3, 4, day(2022, 9, 16), &date)
        .unwrap();
    // 1.2's due date moves.
    sheet
        .write_datetime_with_format(4, 4, day(2023, 9, 30), &date)
        .unwrap();
    book.save(path).unwrap();
}

/// (heading, items) of the plan page's "Changed since the previous report".
fn changes(built: &Built) -> (String, Vec<(String, Vec<String>)>) {
    let page = built.page("/plans/journey/");
    let intro = page.text("#changes + p");
    let headings = page.texts("#changes ~ h3");
    let lists: Vec<Vec<String>> = page
        .all("#changes ~ ul.changes")
        .into_iter()
        .map(|ul| {
            ul.select(&scraper::Selector::parse("li").unwrap())
                .map(common::text_of)
                .collect()
        })
        .collect();
    (intro, headings.into_iter().zip(lists).collect())
}

/// The status words of an action page's history, oldest first, with their dates.
fn history(built: &Built, id: &str) -> Vec<String> {
    built
        .page(&format!("/plans/journey/actions/{id}/"))
        .texts(".timeline__item")
}

#[test]
fn three_quarterly_trackers_keep_the_whole_journey() {
    let dir = site();
    let root = dir.path();
    check(root);
    let start = snapshot(root);

    // March, as CSV, first as a dry run: everything said, nothing written.
    let march = quarterly("q1-march.csv");
    let args = ["--plan", "journey", "--as-at", "2023-03-31"];
    let mut dry: Vec<&str> = vec![&march];
    dry.extend(args);
    dry.push("--dry-run");
    let (said, warned) = import(root, &dry);
    assert_eq!(snapshot(root), start, "a dry run writes nothing");
    for line in [
        "The plan is now reported as at 31 March 2023 (it was as at 31 December 2022).",
        "Action 1.1 (row 4): status In progress and on schedule → Completed.",
        "Action 1.1 (row 4): progress changed to \"All 8 posts filled.\" (it was \"Agency cover secured. Five posts filled.\").",
        "Action 1.3 (row 6): status Planning: not yet commenced → In progress and on schedule.",
        "Action 1.3 (row 6): responsible changed to \"Practice lead\" (it had none).",
        "Action 1.4 (row 7) is new: added to priority area 1 under the outcome \"Decisions are consistent.\".",
        "Action 2.3 (row 9) is new: added to priority area 2 under the outcome \"Supervision is regular.\".",
        "Nothing was written (--dry-run).",
    ] {
        assert!(said.contains(line), "{line}\n{said}");
    }
    assert!(!said.contains("Action 2.1"), "2.1 did not change:\n{said}");
    assert!(
        warned.contains("warning: action 2.2 (priority area 2) is not in the tracker, so it was left as it was."),
        "{warned}"
    );
    assert!(
        warned.contains("warning: row 3: column J (\"Notes\") was not imported"),
        "{warned}"
    );

    let mut real: Vec<&str> = vec![&march];
    real.extend(args);
    let (said_for_real, _) = import(root, &real);
    assert!(said_for_real.starts_with(said.lines().next().unwrap()));
    assert!(said_for_real.contains("Files changed:"), "{said_for_real}");
    check(root);

    let area_1 = read(root, AREA_1);
    // What the tracker does not hold is kept: comments, notes, delays, field order.
    for kept in [
        "# Priority area 1: kept by the comms team. Never renumber an action.\n",
        "editorial_note: Figures checked with the improvement team.\n",
        "        responsible: Head of Service # confirmed in November\n",
        "          reason: Partners asked for more time.\n",
        "        editorial_note: The partnership meeting was moved.\n\n  # Outcome 2 was added at the October board.\n",
        "          - date: 2022-09-30\n            status: on-track\n            note: Draft written.\n",
    ] {
        assert!(area_1.contains(kept), "{kept}\n{area_1}");
    }
    // 1.1's new status and progress, and what the December report said, kept in its history.
    assert!(area_1.contains(
        "        status: completed\n        source_status: Completed\n        progress: All 8 posts filled.\n        impact: Contacts are answered faster.\n        history:\n          - date: 2022-12-31\n            status: on-track\n            progress: |\n              Agency cover secured.\n\n              Five posts filled.\n          - date: 2023-03-31\n            status: completed\n"
    ), "{area_1}");
    assert!(read(root, PLAN).contains("as_at: 2023-03-31 # the December board report\n"));

    // Dated on or before the plan's as-at date: refused, unless correcting.
    let out = waymark(
        root,
        &[
            "import",
            &march,
            "--plan",
            "journey",
            "--as-at",
            "2023-03-31",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("The plan journey is already reported as at 31 March 2023 (2023-03-31), and this tracker is dated 31 March 2023 (2023-03-31), which is not later. To correct the latest report, add --correct"), "{stderr}");
    let out = waymark(
        root,
        &[
            "import",
            &march,
            "--plan",
            "journey",
            "--as-at",
            "2023-01-31",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let after_march = snapshot(root);
    // Correcting with the same tracker changes nothing at all.
    let (said, _) = import(
        root,
        &[
            &march,
            "--plan",
            "journey",
            "--as-at",
            "2023-03-31",
            "--correct",
        ],
    );
    assert!(said.contains("Nothing needed changing"), "{said}");
    assert_eq!(snapshot(root), after_march);

    let built = build(root, Links::Relative);
    let (intro, lists) = changes(&built);
    assert_eq!(
        intro,
        "Changes between the report of 31 December 2022 and the report of 31 March 2023."
    );
    assert_eq!(
        lists,
        vec![
            ("Completed".to_string(), vec!["Action 1.1 (priority area 1): now Completed, was In progress and on schedule".to_string()]),
            ("Status changed".to_string(), vec!["Action 1.3 (priority area 1): now In progress and on schedule, was Planning: not yet commenced".to_string()]),
            ("New to this report".to_string(), vec![
                "Action 1.4 (priority area 1): Planning: not yet commenced".to_string(),
                "Action 2.3 (priority area 2): In progress and on schedule".to_string(),
            ]),
        ]
    );

    // June, as Excel: 1.2 back on track with a later due date.
    let june = root.join("june.xlsx");
    june_workbook(&june);
    let (said, _) = import(
        root,
        &[
            june.to_str().unwrap(),
            "--plan",
            "journey",
            "--as-at",
            "2023-06-30",
        ],
    );
    assert!(
        said.contains(
            "Action 1.2 (row 5): status Delayed or not on schedule → In progress and on schedule."
        ),
        "{said}"
    );
    assert!(
        said.contains("Action 1.2 (row 5): due changed to \"2023-09-30\" (it was \"2023-03-31\")."),
        "{said}"
    );
    assert!(
        !said.contains("Action 1.1 "),
        "16/09/22 is 2022-09-16:\n{said}"
    );
    check(root);
    let area_2_after_june = std::fs::read(root.join(AREA_2)).unwrap();

    // September, as CSV with no reference column: rows found by their action's text.
    let (said, _) = import(
        root,
        &[
            &quarterly("q3-september.csv"),
            "--plan",
            "journey",
            "--as-at",
            "2023-09-30",
        ],
    );
    assert!(
        said.contains("Action 1.2 (row 3): status In progress and on schedule → Completed."),
        "{said}"
    );
    assert!(
        said.contains(
            "Action 1.4 (row 5): status Planning: not yet commenced → In progress and on schedule."
        ),
        "{said}"
    );
    check(root);
    assert_eq!(
        std::fs::read(root.join(AREA_2)).unwrap(),
        area_2_after_june,
        "nothing changed in area 2, so its file is byte for byte as it was"
    );
    for (rel, bytes) in &start {
        if !rel.starts_with("content/plans/journey") {
            assert_eq!(
                &std::fs::read(root.join(rel)).unwrap(),
                bytes,
                "{}",
                rel.display()
            );
        }
    }

    let area_1 = read(root, AREA_1);
    assert!(area_1.contains(
        "        history:\n          - date: 2022-09-30\n            status: on-track\n            note: Draft written.\n          - date: 2022-12-31\n            status: delayed\n          - date: 2023-03-31\n            status: delayed\n            due: 2023-03-31\n            progress: Partners are commenting on the draft.\n          - date: 2023-06-30\n            status: on-track\n            progress: Partners agreed the draft.\n          - date: 2023-09-30\n            status: completed\n        editorial_note: The partnership meeting was moved.\n"
    ), "{area_1}");

    let built = build(root, Links::Relative);
    let (intro, lists) = changes(&built);
    assert_eq!(
        intro,
        "Changes between the report of 30 June 2023 and the report of 30 September 2023."
    );
    assert_eq!(
        lists,
        vec![
            ("Completed".to_string(), vec!["Action 1.2 (priority area 1): now Completed, was In progress and on schedule".to_string()]),
            ("Status changed".to_string(), vec!["Action 1.4 (priority area 1): now In progress and on schedule, was Planning: not yet commenced".to_string()]),
        ]
    );
    let h = history(&built, "1-2");
    assert_eq!(h.len(), 5, "{h:#?}");
    assert!(
        h[2].contains("Delayed or not on schedule 31 March 2023")
            && h[2].contains("Due at this report 31 March 2023"),
        "{h:#?}"
    );
    assert!(h[4].starts_with("Completed 30 September 2023"), "{h:#?}");
    let h = history(&built, "1-1");
    assert!(
        h[0].contains("Progress at this report Agency cover secured. Five posts filled."),
        "{h:#?}"
    );
    // The plan page's progress table has a row for every report.
    let dates = built
        .page("/plans/journey/")
        .texts("table th[scope=row] time");
    for d in [
        "31 December 2022",
        "31 March 2023",
        "30 June 2023",
        "30 September 2023",
    ] {
        assert!(dates.iter().any(|t| t == d), "{d}: {dates:?}");
    }
}

#[test]
fn a_failed_import_leaves_every_file_as_it_was() {
    let dir = site();
    let root = dir.path();
    let start = snapshot(root);
    // A date the plan is not after, an area the plan lacks, and --replace with --as-at.
    let march = quarterly("q1-march.csv");
    for (args, says) in [
        (vec!["--as-at", "2022-12-31"], "which is not later"),
        (
            vec!["--as-at", "2023-03-31", "--area", "7"],
            "The plan journey has no priority area 7.",
        ),
        (
            vec!["--as-at", "2023-03-31", "--replace"],
            "give one or the other",
        ),
        (
            vec!["--as-at", "31 March"],
            "--as-at 31 March: write the date",
        ),
    ] {
        let mut all = vec!["import", march.as_str(), "--plan", "journey"];
        all.extend(args.iter().copied());
        let out = waymark(root, &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // Content with an error is not imported into: the result could not be checked.
    std::fs::write(
        root.join("content/plans/journey/02-oversight.yaml"),
        "number: 2\ntitle: [\n",
    )
    .unwrap();
    let out = waymark(
        root,
        &[
            "import",
            &march,
            "--plan",
            "journey",
            "--as-at",
            "2023-03-31",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("to put right before a tracker can be brought in"));
    std::fs::write(root.join(AREA_2), &start[&PathBuf::from(AREA_2)]).unwrap();
    assert_eq!(snapshot(root), start);
}

#[test]
fn area_limits_the_import_to_one_priority_area() {
    let dir = site();
    let root = dir.path();
    let before = std::fs::read(root.join(AREA_2)).unwrap();
    let march = quarterly("q1-march.csv");
    let (said, warned) = import(
        root,
        &[
            &march,
            "--plan",
            "journey",
            "--as-at",
            "2023-03-31",
            "--area",
            "1",
        ],
    );
    assert!(
        said.contains("2 row(s) of other priority areas were left out (--area 1)."),
        "{said}"
    );
    assert!(!said.contains("Action 2.3"), "{said}");
    assert!(
        !warned.contains("action 2.2"),
        "2.2 is not in area 1: {warned}"
    );
    // Area 2's statuses at December are kept in its history, as the plan moves on.
    let area_2 = String::from_utf8(std::fs::read(root.join(AREA_2)).unwrap()).unwrap();
    assert_ne!(area_2.as_bytes(), before.as_slice());
    assert!(
        area_2.contains(
            "        history:\n          - date: 2022-12-31\n            status: completed\n"
        ),
        "{area_2}"
    );
    check(root);
}
