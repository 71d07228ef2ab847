//! `waymark import`: fixture spreadsheets become the priority-area YAML expected, every
//! row or value that could not be mapped is reported, and nothing is replaced unasked.

mod common;
use common::{copy_dir, waymark};

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use waymark::import::{import, ImportOptions, Problem};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("basic"), dir.path());
    dir
}

fn options(root: &Path, file: PathBuf) -> ImportOptions {
    ImportOptions {
        root: root.to_path_buf(),
        file,
        plan: "demo".into(),
        area: None,
        title: Some("Front door tracker".into()),
        sheet: None,
        statuses: Vec::new(),
        force: false,
        today: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
    }
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("import").join(name)).unwrap()
}

fn problem(row: usize, starts: &str) -> impl Fn(&Problem) -> bool + '_ {
    move |p: &Problem| p.row == row && p.message.starts_with(starts)
}

fn check(root: &Path) {
    let out = waymark(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "check failed:\n{stderr}");
}

#[test]
fn a_csv_tracker_becomes_the_expected_area_file() {
    let dir = site();
    let root = dir.path();
    let done = import(&options(root, fixtures().join("import/tracker.csv"))).unwrap();
    assert_eq!(
        done.path,
        PathBuf::from("content/plans/demo/03-front-door-tracker.yaml")
    );
    assert_eq!((done.number, done.outcomes, done.actions), (3, 2, 5));
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert_eq!(written, expected("tracker.expected.yaml"));

    let problems = &done.problems;
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems
        .iter()
        .any(problem(3, "column A (\"Ref\") was not imported")));
    assert!(problems
        .iter()
        .any(problem(3, "column I (\"Notes\") was not imported")));
    assert!(problems.iter().any(problem(
        8,
        "the status \"Green\" is not in the plan's status key"
    )));
    assert!(problems.iter().any(problem(9, "this row has no action")));
    assert!(problems.iter().any(problem(10, "the status \"amber\"")));
    assert!(problems[2]
        .message
        .contains("Use one of: completed, on-track, delayed, not-started"));
    check(root);
}

#[test]
fn extra_status_names_map_onto_the_plan_key() {
    let dir = site();
    let root = dir.path();
    let mut opts = options(root, fixtures().join("import/tracker.csv"));
    opts.statuses = vec![
        ("GREEN".into(), "completed".into()),
        ("Amber".into(), "delayed".into()),
    ];
    let done = import(&opts).unwrap();
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert!(
        written.contains("    status: completed\n    source_status: Green\n"),
        "{written}"
    );
    assert!(
        written.contains("    status: delayed\n    source_status: amber\n"),
        "{written}"
    );
    assert_eq!(done.problems.len(), 3, "{:#?}", done.problems);

    opts.statuses = vec![("Green".into(), "finished".into())];
    opts.force = true;
    let err = import(&opts).unwrap_err().to_string();
    assert!(err.contains("`finished` is not in the status key"), "{err}");
}

/// The tracker of the CSV fixture as a workbook: a notes sheet first, dates as real dates.
#[test]
fn source_words_in_the_status_key_map_without_flags() {
    let dir = site();
    let root = dir.path();
    let plan = root.join("content/plans/demo/plan.yaml");
    let text = std::fs::read_to_string(&plan).unwrap();
    let text = text
        .replace(
            "    complete: true\n",
            "    complete: true\n    source_words: [Green]\n",
        )
        .replace(
            "  - key: delayed\n",
            "  - key: delayed\n    source_words: [Amber, Red]\n",
        );
    std::fs::write(&plan, text).unwrap();
    let done = import(&options(root, fixtures().join("import/tracker.csv"))).unwrap();
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert!(
        written.contains("    status: completed\n    source_status: Green\n"),
        "{written}"
    );
    assert!(
        written.contains("    status: delayed\n    source_status: amber\n"),
        "{written}"
    );
    assert_eq!(done.problems.len(), 3, "{:#?}", done.problems);
    check(root);
}

fn workbook(path: &Path) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Read me first").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Actions").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_string(0, 0, "MASH improvement action tracker (December 2022)")
        .unwrap();
    let header = [
        "Ref",
        " OUTCOME ",
        "Action needed",
        "Responsible Officer",
        "Due Date",
        "RAG",
        "Progress update",
        "Impact",
        "Notes",
    ];
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(2, col as u16, *text).unwrap();
    }
    let rows: [[&str; 9]; 7] = [
        [
            "1",
            "Children get help when needs are first identified.",
            "Increase social work capacity by 8 posts",
            "Sam Danyluk, Head of Service",
            "",
            "Completed",
            "Agency cover secured.\r\n\r\n8 posts recruited.",
            "Contacts answered faster.",
            "checked",
        ],
        [
            "2",
            "",
            "Refresh the threshold descriptors",
            "Service Manager – MASH",
            "Start Oct 22 and review every 6 weeks",
            "Delayed or not on schedule",
            "Partners asked for more time.",
            "",
            "",
        ],
        [
            "3",
            "",
            "Review the consultation line",
            "",
            "",
            "on-track",
            "",
            "",
            "",
        ],
        ["", "", "", "", "", "", "", "", ""],
        [
            "4",
            "Decisions are consistent and recorded.",
            "Weekly audits of decisions",
            "Practice lead",
            "31/01/23",
            "Green",
            "Audits under way.",
            "",
            "",
        ],
        ["5", "", "", "Nobody", "", "", "", "", ""],
        [
            "6",
            "Children get help when needs are first identified.",
            "Launch the partner portal",
            "Digital team",
            "Review 30/09/23",
            "amber",
            "",
            "",
            "",
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        for (col, text) in row.iter().enumerate() {
            match (col, *text) {
                (_, "") => {}
                (0, n) => {
                    sheet.write_number(r, 0, n.parse::<f64>().unwrap()).unwrap();
                }
                (_, t) => {
                    sheet.write_string(r, col as u16, t).unwrap();
                }
            }
        }
    }
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet
        .write_datetime_with_format(3, 4, day(2022, 9, 16), &date)
        .unwrap();
    sheet
        .write_datetime_with_format(5, 4, day(2023, 3, 31), &date)
        .unwrap();
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_tracker_becomes_the_expected_area_file() {
    let dir = site();
    let root = dir.path();
    let file = root.join("tracker.xlsx");
    workbook(&file);

    let err = import(&options(root, file.clone()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("No row of the spreadsheet has an Action column header"),
        "{err}"
    );

    let mut opts = options(root, file);
    opts.sheet = Some("Actions".into());
    let done = import(&opts).unwrap();
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert_eq!(written, expected("tracker-xlsx.expected.yaml"));
    let rows: Vec<usize> = done.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [3, 3, 8, 9, 10]);
    check(root);

    opts.sheet = Some("Nope".into());
    let err = import(&opts).unwrap_err().to_string();
    assert!(
        err.contains("has no sheet called `Nope`. Its sheets are: Notes, Actions."),
        "{err}"
    );
}

#[test]
fn nothing_is_replaced_without_force() {
    let dir = site();
    let root = dir.path();
    let tracker = fixtures().join("import/tracker.csv");
    let tracker = tracker.to_str().unwrap();
    let area_one = root.join("content/plans/demo/01-front-door.yaml");
    let before = std::fs::read_to_string(&area_one).unwrap();

    let out = waymark(root, &["import", tracker, "--plan", "demo", "--area", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Priority area 1 of the plan demo is already in content/plans/demo/01-front-door.yaml. To bring a later tracker into it"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&area_one).unwrap(), before);

    let out = waymark(
        root,
        &[
            "import", tracker, "--plan", "demo", "--area", "1", "--force",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .trim()
            .ends_with("content/plans/demo/01-front-door.yaml"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: row 8: the status \"Green\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("Imported 5 action(s) in 2 outcome(s) as priority area 1; 5 problem(s)."),
        "{stderr}"
    );
    let replaced = std::fs::read_to_string(&area_one).unwrap();
    assert!(
        replaced.contains("number: 1\ntitle: The front door\n"),
        "keeps the area's title:\n{replaced}"
    );
    assert!(replaced.contains("id: '1.5'"));
    assert!(!replaced.contains("Recruit 8 social workers"));
}

#[test]
fn unreadable_input_is_refused_with_the_fix() {
    let dir = site();
    let root = dir.path();
    let tracker = fixtures().join("import/tracker.csv");
    let tracker = tracker.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["import", tracker, "--plan", "nope"],
            "There is no plan `nope`",
        ),
        (
            &["import", "notes.txt", "--plan", "demo"],
            "not a spreadsheet Waymark can read",
        ),
        (
            &["import", tracker, "--plan", "demo", "--status", "Green"],
            "write it as VALUE=KEY",
        ),
        (
            &["import", "missing.csv", "--plan", "demo"],
            "could not read missing.csv",
        ),
    ];
    for (args, message) in cases {
        let out = waymark(root, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let latin1 = root.join("latin1.csv");
    std::fs::write(&latin1, b"Outcome,Action\nA,Caf\xe9 opening\n").unwrap();
    let out = waymark(
        root,
        &["import", latin1.to_str().unwrap(), "--plan", "demo"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CSV UTF-8"));
    let files = std::fs::read_dir(root.join("content/plans/demo"))
        .unwrap()
        .count();
    assert_eq!(files, 3, "nothing was written");
}

/// Problems on `row` whose message starts `column <col> ("<header>") <rest>`.
fn about<'a>(problems: &'a [Problem], row: usize, cell: &str) -> Vec<&'a str> {
    problems
        .iter()
        .filter(|p| p.row == row && p.message.starts_with(cell))
        .map(|p| p.message.as_str())
        .collect()
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_imported_as_text_with_a_warning() {
    let dir = site();
    let root = dir.path();
    let file = root.join("tracker.csv");
    std::fs::write(
        &file,
        "Outcome,Action,Responsible,Progress\r\n\
         Children are safe.,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",+cmd|' /C calc'!A0,- first point\r\n\
         ,\"\t=1+1\",@Sam,-5 posts\r\n\
         ,Plain action,Head of Service,Fine\r\n",
    )
    .unwrap();
    let done = import(&options(root, file)).unwrap();
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert_eq!(done.actions, 3, "{written}");
    for text in [
        r#"=HYPERLINK("http://evil.example","click")"#,
        "+cmd|' /C calc'!A0",
        "=1+1",
        "@Sam",
        "- first point",
        "-5 posts",
    ] {
        let yaml = serde_yaml::to_string(text).unwrap();
        assert!(written.contains(yaml.trim_end()), "{text}:\n{written}");
    }
    let problems = &done.problems;
    assert_eq!(problems.len(), 4, "{problems:#?}");
    let action = about(problems, 2, "column B (\"Action\") begins with \"=\"");
    assert_eq!(action.len(), 1, "{problems:#?}");
    assert!(
        action[0].contains(
            r#"imported as text, exactly as written: =HYPERLINK("http://evil.example","click")."#
        ),
        "{}",
        action[0]
    );
    assert!(
        action[0].contains("this file holds the formula rather than its value: import the tracker's .xlsx file, or save it again from Excel as \"CSV UTF-8\""),
        "{}",
        action[0]
    );
    assert_eq!(
        about(problems, 2, "column C (\"Responsible\") begins with \"+\"").len(),
        1
    );
    // The tab is trimmed as outer space is; the check sees what is left.
    assert_eq!(
        about(problems, 3, "column B (\"Action\") begins with \"=\"").len(),
        1
    );
    assert_eq!(
        about(problems, 3, "column C (\"Responsible\") begins with \"@\"").len(),
        1
    );
    check(root);
}

#[test]
fn xlsx_formulas_give_their_saved_values_and_a_formula_with_none_is_reported() {
    let dir = site();
    let root = dir.path();
    let file = root.join("tracker.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["Outcome", "Action", "Responsible"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Children are safe.").unwrap();
    sheet
        .write_formula(
            1,
            1,
            Formula::new(r#"=HYPERLINK("http://evil.example","Audit the front door")"#)
                .set_result("Audit the front door"),
        )
        .unwrap();
    sheet.write_string(1, 2, "Head of Service").unwrap();
    sheet
        .write_string(2, 1, "Review the consultation line")
        .unwrap();
    // As a program that does not calculate saves a formula: with an empty value.
    sheet.set_formula_result_default("");
    sheet.write_formula(2, 2, "=B1").unwrap();
    sheet.write_string(3, 1, "=1+1 as typed text").unwrap();
    book.save(&file).unwrap();

    let done = import(&options(root, file)).unwrap();
    let written = std::fs::read_to_string(root.join(&done.path)).unwrap();
    assert_eq!(done.actions, 3, "{written}");
    assert!(
        written.contains("action: Audit the front door\n"),
        "{written}"
    );
    assert!(!written.contains("HYPERLINK"), "{written}");
    assert!(!written.contains("B1"), "{written}");
    assert!(
        written.contains("action: =1+1 as typed text\n"),
        "{written}"
    );

    let problems = &done.problems;
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(
        about(problems, 3, "column C (\"Responsible\") holds a formula but no saved value, so it was imported empty. If the tracker shows something in that cell, open the tracker in Excel and save it"),
        [problems[0].message.as_str()]
    );
    let typed = about(problems, 4, "column B (\"Action\") begins with \"=\"");
    assert_eq!(typed.len(), 1, "{problems:#?}");
    assert!(
        !typed[0].contains("CSV"),
        "a workbook holds values: {}",
        typed[0]
    );
    check(root);
}
