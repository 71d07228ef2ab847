//! Every way an author can break a site, run through the real `waymark` binary. Each test
//! pins the exit status and the key lines an author reads: the message, the
//! `file:line:col` it points at, the help, and the summary. The broken sites live in
//! tests/fixtures/broken/<case>/: each is tests/fixtures/basic with one thing broken.

mod common;
use common::{copy_dir, snapshot};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `waymark` printed and how it ended.
struct Run {
    code: Option<i32>,
    stderr: String,
}

impl Run {
    /// Asserts the exit status, and that each expected line appears (trimmed) in stderr.
    fn expect(&self, code: i32, lines: &[&str]) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit status; stderr was:\n{}",
            self.stderr
        );
        let printed: Vec<&str> = self.stderr.lines().map(str::trim).collect();
        for line in lines {
            assert!(
                printed.contains(line),
                "expected the line\n    {line}\nin stderr:\n{}",
                self.stderr
            );
        }
        self
    }

    /// The first line of stderr that starts with `start`.
    fn line_starting(&self, start: &str) -> &str {
        self.stderr
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{}", self.stderr))
    }

    fn lacks(&self, text: &str) -> &Self {
        assert!(
            !self.stderr.contains(text),
            "did not expect {text:?} in stderr:\n{}",
            self.stderr
        );
        self
    }
}

fn waymark(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the waymark binary runs");
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `waymark check --root tests/fixtures/broken/<case>`.
fn check(case: &str) -> Run {
    let root = fixture(&format!("broken/{case}"));
    waymark(&["check", "--root", path_str(&root)])
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

const ONE_ERROR: &str = "1 error, 0 warnings, 1 note. Fix the errors, then run waymark again.";

// ---------------------------------------------------------------- malformed YAML

#[test]
fn bad_indentation_names_both_columns() {
    check("yaml-bad-indentation").expect(
        1,
        &[
            "error: This line is indented further than the line above it, so YAML reads it as part of that line's value.",
            "┌─ content/plans/demo/02-oversight.yaml:8:10",
            "8 │          responsible: Principal Social Worker",
            "= help: This line starts in column 10, the line above it in column 9. Fields at the same level must start in the same column, so YAML can tell which field each line belongs to.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_tab_is_pointed_at() {
    check("yaml-tab").expect(
        1,
        &[
            "error: This line is indented with a tab. YAML files must be indented with spaces.",
            "┌─ content/plans/demo/02-oversight.yaml:2:1",
            "= help: Replace the tab with spaces (two spaces for each level of indentation).",
            ONE_ERROR,
        ],
    );
}

#[test]
fn an_unclosed_quote_points_where_it_opened() {
    // The next `"` in the file is four lines further on; the message must not point there.
    check("yaml-unclosed-quote").expect(
        1,
        &[
            "error: This quote is never closed: the value that starts here has no closing quote on its line.",
            "┌─ content/plans/demo/02-oversight.yaml:2:8",
            "2 │ title: \"Management oversight",
            "= help: Add the closing quote at the end of the value. If the value itself contains that quote character, use the other kind of quote around it.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_field_given_twice_names_both_lines() {
    check("yaml-duplicate-field").expect(
        1,
        &[
            "error: `due` is given twice here: it is already given on line 13.",
            "┌─ content/plans/demo/02-oversight.yaml:15:9",
            "= help: Remove one of them, or merge what they say into one. If they belong to two different items of a list, start the second item with `- `.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn front_matter_that_is_never_closed() {
    check("front-matter-unclosed").expect(
        1,
        &[
            "error: The front matter that starts on line 1 is never closed: there is no second `---` line.",
            "┌─ content/pages/about.md:1:1",
            "= help: Add a line with just `---` after the last field, before the text of the page.",
            // The page still has its address, so the report linking to it is not blamed too.
            ONE_ERROR,
        ],
    );
}

#[test]
fn front_matter_that_is_missing() {
    check("front-matter-missing").expect(
        1,
        &[
            "error: This file has no front matter: it must start with a line `---`, then its fields in YAML, then another `---` line.",
            "┌─ content/pages/about.md:1:1",
            "= help: Add `---` as the first line, then `title: ...` and the other fields, then a closing `---` line, then the text.",
            ONE_ERROR,
        ],
    );
}

// ---------------------------------------------------------------- fields

#[test]
fn a_field_of_the_wrong_type() {
    check("wrong-type").expect(
        1,
        &[
            "error: `number` should be a whole number, but it is the text \"two\".",
            "┌─ content/plans/demo/02-oversight.yaml:1:9",
            "= help: Write digits only, for example `number: 3`.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_list_where_text_is_expected_points_at_the_field() {
    check("list-instead-of-text").expect(
        1,
        &[
            "error: `title` should be text, but it is a list.",
            "┌─ content/plans/demo/02-oversight.yaml:2:1",
            "= help: Write the text on the same line as `title:`, not as a list of `- ` lines. For text over several lines, write `title: |` and indent the lines under it.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_missing_required_field() {
    check("missing-field").expect(
        1,
        &[
            "error: This action has no `action:` line, but every action needs one.",
            "┌─ content/plans/demo/02-oversight.yaml:11:11",
            "= help: Add a line `action: ...` here. The authoring guide (docs/authoring.md) shows every field.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn an_unknown_field_suggests_responsible() {
    check("unknown-field-responsable").expect(
        1,
        &[
            "error: `responsable` is not a field an action can have.",
            "┌─ content/plans/demo/02-oversight.yaml:8:9",
            "= help: Did you mean `responsible`? Check the spelling of the field name.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn an_unknown_field_suggests_status() {
    check("unknown-field-staus").expect(
        1,
        &[
            "error: `staus` is not a field an action can have.",
            "┌─ content/plans/demo/02-oversight.yaml:10:9",
            "= help: Did you mean `status`? Check the spelling of the field name.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn an_unknown_kind_lists_the_kinds() {
    check("unknown-kind").expect(
        1,
        &[
            "error: `kind: monitoring visit` is not one of the values allowed for `kind`.",
            "┌─ content/inspections/2024-07-monitoring-visit-5.md:3:7",
            "= help: Did you mean `monitoring-visit`? Use one of: inspection, focused-visit, monitoring-visit. Other kinds of inspection or visit are declared under `kinds:` in content/site.yaml.",
            ONE_ERROR,
        ],
    );
}

/// The broken copies of tests/fixtures/second-body have no overdue action to note.
const SECOND_BODY_ONE_ERROR: &str = "1 error, 0 warnings. Fix the errors, then run waymark again.";

#[test]
fn an_undeclared_kind_lists_the_declared_ones_too() {
    check("undeclared-kind").expect(
        1,
        &[
            "error: `kind: youth-justice-inspection` is not one of the values allowed for `kind`.",
            "┌─ content/inspections/2025-03-jtai.md:3:7",
            "= help: Use one of: inspection, focused-visit, monitoring-visit, jtai, area-send, care-assessment, annual-engagement-meeting. Other kinds of inspection or visit are declared under `kinds:` in content/site.yaml.",
            SECOND_BODY_ONE_ERROR,
        ],
    );
}

#[test]
fn a_grade_not_on_the_inspections_scale_lists_that_scales_grades() {
    check("grade-not-on-scale").expect(
        1,
        &[
            "error: `grade: widespread-failure` is not one of the grades of the scale `send-area`, which this inspection names.",
            "┌─ content/inspections/2023-11-send-area.md:9:10",
            "= help: Did you mean `widespread-failings`? Use one of: positive, inconsistent, widespread-failings. The scale's grades are listed under `scales:` in content/site.yaml.",
            SECOND_BODY_ONE_ERROR,
        ],
    );
}

// ---------------------------------------------------------------- dates

#[test]
fn an_impossible_date() {
    check("impossible-date").expect(
        1,
        &[
            "error: `due: 2023-02-31` is not a real date: February 2023 has no day 31.",
            "┌─ content/plans/demo/02-oversight.yaml:13:14",
            "= help: Check the day and month. Write dates as year-month-day (2023-02-28) or day/month/year (28/02/23).",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_source_url_that_is_not_a_web_address() {
    check("source-url-not-an-address").expect(
        1,
        &[
            "error: `source_url: www.ofsted.gov.uk/letter.pdf` is not a web address a reader could follow.",
            "┌─ content/inspections/2024-07-monitoring-visit-5.md:14:13",
            "= help: Write the document's full address as your browser shows it, starting `https://` (or `http://`), for example `https://www.example.gov.uk/report.pdf`, or leave the field out.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_month_first_date_is_explained() {
    check("month-first-date").expect(
        1,
        &[
            "error: `due: 06/30/23` is not a real date: there is no month 30.",
            "┌─ content/plans/demo/02-oversight.yaml:13:14",
            "= help: Check the day and month. Dates written with `/` are always read day first, the UK way: 06/09/22 is 6 September 2022. Write dates as year-month-day (2023-02-28) or day/month/year (28/02/23).",
            ONE_ERROR,
        ],
    );
}

#[test]
fn uk_dates_are_accepted_and_overdue_actions_are_listed() {
    // The basic fixture writes `due: 16/09/22` and `due: 31/01/23`; the second is overdue.
    let root = fixture("basic");
    waymark(&["check", "--root", path_str(&root)])
        .expect(
            0,
            &[
                "note: Action 1.4 is overdue: it was due by 31 January 2023 and is not complete as at 1 March 2023.",
                "┌─ content/plans/demo/01-front-door.yaml:39:13",
                "= help: If it is done, give it a complete status; if it is delayed, add a delay block with a revised due date.",
                "0 errors, 0 warnings, 1 note. No problems found.",
            ],
        )
        .lacks("error:");
}

// ---------------------------------------------------------------- statuses and references

#[test]
fn a_status_not_in_the_key_lists_the_allowed_values() {
    check("status-not-in-key").expect(
        1,
        &[
            "error: `status: Green` is not in this plan's status key.",
            "┌─ content/plans/demo/02-oversight.yaml:10:17",
            "= help: Use one of: completed, on-track, delayed, not-started. If `Green` is the source document's own word, keep it as `source_status: Green`. The status key is in plans/demo/plan.yaml.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn two_actions_with_one_id() {
    check("duplicate-action-id").expect(
        1,
        &[
            "error: Two actions have the id `2.1`: this one and the one on line 6.",
            "┌─ content/plans/demo/02-oversight.yaml:11:13",
            "= help: Give each action its own id. Ids form the actions' web addresses, so never reuse one.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn two_pages_with_one_address() {
    check("duplicate-url").expect(
        1,
        &[
            "error: This would be published at /about/, which is already the address of content/pages/about.md.",
            "┌─ content/pages/contact.md:3:7",
            "= help: Rename this file (or change its `slug`) so that every page has its own address.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_link_to_a_missing_file() {
    check("missing-link").expect(
        1,
        &[
            "error: This links to `../pages/abuot.md`, but there is no such page or content file.",
            "┌─ content/reports/2020-06-26-audit-committee.md:8:46",
            "= help: Check the spelling and the folder. Links to other content files are written relative to this file, for example `../reports/2024-01-15-committee-update.md`.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_reference_to_a_missing_inspection() {
    check("missing-inspection").expect(
        1,
        &[
            "error: `responds_to: 2022-07-inspections` names an inspection that does not exist.",
            "┌─ content/plans/demo/plan.yaml:2:14",
            "= help: Did you mean `2022-07-inspection`? Use the name of a file in content/inspections/ without `.md`.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_delayed_action_without_reason_warns_and_strict_fails() {
    let lines = [
        "warning: Action 1.3 is delayed but has no reason for the delay (`reason`) and no revised due date (`revised_due`).",
        "┌─ content/plans/demo/01-front-door.yaml:23:17",
        "= help: Add a `delay:` block under the action with `reason:`, `mitigation:`, `responsible:` and `revised_due:`. Readers of the delayed-actions list need them.",
    ];
    let run = check("delayed-without-reason");
    run.expect(0, &lines).expect(
        0,
        &["0 errors, 1 warning, 2 notes. The site can be built; the warnings are worth fixing."],
    );
    let root = fixture("broken/delayed-without-reason");
    waymark(&["check", "--strict", "--root", path_str(&root)])
        .expect(1, &lines)
        .expect(
            1,
            &["0 errors, 1 warning, 2 notes. With --strict, warnings count as errors."],
        );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    check("several-problems").expect(
        1,
        &[
            "error: `grade: requires-improvment` is not one of the site's grades.",
            "┌─ content/inspections/2014-03-inspection.md:8:10",
            "error: This links to `../plans/demo/plan.yml`, but there is no such page or content file.",
            "┌─ content/pages/about.md:5:21",
            "error: `staus` is not a field an action can have.",
            "┌─ content/plans/demo/02-oversight.yaml:10:9",
            "3 errors, 0 warnings, 1 note. Fix the errors, then run waymark again.",
        ],
    );
}

// ---------------------------------------------------------------- files

#[test]
fn a_file_that_is_not_utf8() {
    check("not-utf8").expect(
        1,
        &[
            "error: This file is not saved as UTF-8 text: the character at line 4, column 25 cannot be read.",
            "┌─ content/pages/about.md:4:25",
            "= help: Open the file in your editor and save it with the encoding \"UTF-8\". Word documents must be pasted in as text, not saved over the file.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn an_empty_file() {
    check("empty-file").expect(
        1,
        &[
            "error: This file is empty.",
            "┌─ content/reports/2020-06-26-audit-committee.md:1:1",
            "= help: Fill it in (the authoring guide (docs/authoring.md) shows every field), or delete it.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_file_over_the_size_limit() {
    let site = copy_of_basic();
    let huge = fs::File::create(site.path().join("content/pages/huge.md")).unwrap();
    huge.set_len(9 * 1024 * 1024).unwrap();
    waymark(&["check", "--root", path_str(site.path())]).expect(
        1,
        &[
            "error: This file is 9.0 MB; content files may be at most 8 MB.",
            "┌─ content/pages/huge.md",
            "= help: Split it into smaller files, or move large documents to static/ and link to them.",
            ONE_ERROR,
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop() {
    let site = copy_of_basic();
    std::os::unix::fs::symlink("..", site.path().join("content/pages/loop")).unwrap();
    waymark(&["check", "--root", path_str(site.path())]).expect(
        1,
        &[
            "error: This is a link (shortcut) to content, a folder that contains the link itself, so reading it would go round in circles for ever.",
            "┌─ content/pages/loop",
            "= help: Delete the link, or point it at a folder outside content/. Waymark has not read anything through it.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_slug_that_would_write_outside_the_site_is_refused() {
    check("unsafe-slug").expect(
        1,
        &[
            "error: `slug: ../../outside` cannot be used: a page's address may only use lower-case letters, digits, hyphens and `/` between words.",
            "┌─ content/pages/escape.md:3:7",
            "= help: Use something like `slug: outside`. Addresses that start with `/` or contain `..` are refused because they could write outside the site.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_missing_content_folder_is_the_only_message() {
    let dir = tempfile::tempdir().unwrap();
    waymark(&["check", "--root", path_str(dir.path())])
        .expect(
            1,
            &[
                "error: There is no `content` folder in the site folder.",
                "┌─ content",
                "1 error, 0 warnings. Fix the errors, then run waymark again.",
            ],
        )
        .lacks("site.yaml");
}

// ---------------------------------------------------------------- raw HTML

#[test]
fn raw_html_is_sanitised_with_a_warning_for_each_removal() {
    let help = "= help: Write the content in Markdown instead. Scripts, frames, event handlers and styles are never published, so that the site stays safe and readable.";
    check("raw-html").expect(
        0,
        &[
            "warning: This HTML contains a script, which has been removed from the page.",
            "┌─ content/pages/about.md:7:1",
            "warning: This HTML contains an event handler (such as onclick), which has been removed from the page.",
            "┌─ content/pages/about.md:9:4",
            "warning: This HTML contains an embedded frame (iframe), which has been removed from the page.",
            "┌─ content/pages/about.md:11:1",
            "warning: This HTML contains a style attribute, which has been removed from the page.",
            "┌─ content/pages/about.md:13:6",
            "warning: This HTML contains a `javascript:` link, which has been removed from the page.",
            "┌─ content/pages/about.md:15:12",
            help,
            "0 errors, 5 warnings, 1 note. The site can be built; the warnings are worth fixing.",
        ],
    );

    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("broken/raw-html");
    waymark(&[
        "build",
        "--root",
        path_str(&root),
        "--output",
        path_str(&public),
    ])
    .expect(0, &[]);
    let page = fs::read_to_string(public.join("about/index.html")).unwrap();
    for gone in [
        "<script",
        "alert(",
        "onclick",
        "<iframe",
        "style=",
        "javascript:",
    ] {
        assert!(!page.contains(gone), "{gone} left in the page:\n{page}");
    }
    for kept in [
        "Hidden text",
        "<th scope=\"col\">Kept</th>",
        "<strong>Yes</strong>",
    ] {
        assert!(page.contains(kept), "{kept} missing from the page:\n{page}");
    }
}

// ---------------------------------------------------------------- many problems on one line

/// A copy of tests/fixtures/basic whose about page is one paragraph, on one line, of
/// `count` links made by `link` (given each link's number).
fn one_long_line(count: usize, link: impl Fn(usize) -> String) -> tempfile::TempDir {
    let site = copy_of_basic();
    let line: String = (0..count).map(|i| link(i) + " ").collect();
    let page = format!("---\ntitle: About this site\nsummary: What this site is.\n---\n{line}\n");
    fs::write(site.path().join("content/pages/about.md"), page).unwrap();
    site
}

/// Asserts that a report about thousands of problems stays a few screens long, its
/// lines a window of the long line.
fn assert_short(run: &Run) {
    assert!(
        run.stderr.len() < 50_000,
        "{} bytes of messages; the first 2,000 characters:\n{}",
        run.stderr.len(),
        run.stderr.chars().take(2000).collect::<String>()
    );
    let longest = run.stderr.lines().map(|l| l.chars().count()).max();
    assert!(longest < Some(400), "a line of {longest:?} characters");
}

#[test]
fn thousands_of_missing_links_on_one_line_give_a_short_report() {
    let site = one_long_line(2000, |i| format!("[report {i}](../reports/missing-{i}.md)"));
    let run = waymark(&["check", "--root", path_str(site.path())]);
    assert_short(&run);
    run.expect(
        1,
        &[
            "error: This links to `../reports/missing-0.md`, but there is no such page or content file.",
            "┌─ content/pages/about.md:5:1",
            "error: This links to `../reports/missing-4.md`, but there is no such page or content file.",
            "┌─ content/pages/about.md:5:145",
            "error: and 1,995 more links to missing pages or files in this file.",
            "┌─ content/pages/about.md:5:181",
            "= help: Only the first 5 are listed one by one; this points at the first of the others, which all come after it in this file. Fix them the same way as the ones above, then run waymark again to check.",
            "2,000 errors, 0 warnings, 1 note. Fix the errors, then run waymark again.",
        ],
    )
    .lacks("missing-5.md`, but");
    // The summary shows the line around the sixth link, with the caret under it.
    let summary = run.stderr.find("error: and 1,995 more").unwrap();
    let mut lines = run.stderr[summary..]
        .lines()
        .skip_while(|l| !l.starts_with("5 │"));
    let (shown, carets) = (lines.next().unwrap(), lines.next().unwrap());
    let link = "[report 5](../reports/missing-5.md)";
    let column = |line: &str, at: usize| line[..at].chars().count();
    assert_eq!(
        shown.find(link).map(|at| column(shown, at)),
        carets.find('^').map(|at| column(carets, at)),
        "the caret is under the link:\n{shown}\n{carets}"
    );
}

#[test]
fn thousands_of_javascript_links_on_one_line_build_with_a_short_report() {
    let site = one_long_line(2000, |i| format!("[link {i}](javascript:alert({i}))"));
    let public = site.path().join("public");
    let run = waymark(&["build", "--root", path_str(site.path())]);
    assert_short(&run);
    run.expect(
        0,
        &[
            "warning: This link uses `javascript:`, which is not safe on a public website, so it has been removed.",
            "┌─ content/pages/about.md:5:1",
            "┌─ content/pages/about.md:5:121",
            "warning: and 1,995 more links with addresses that are not safe on a public website (such as `javascript:`) in this file; they have been removed too.",
            "┌─ content/pages/about.md:5:151",
            "0 errors, 2,000 warnings. The site can be built; the warnings are worth fixing.",
        ],
    );
    let page = fs::read_to_string(public.join("about/index.html")).unwrap();
    assert!(
        !page.contains("javascript:"),
        "a javascript: link was published"
    );
    assert!(page.contains(">link 1999</a>"), "the links' text is kept");
}

// ---------------------------------------------------------------- build and the command line

#[test]
fn build_checks_first_and_writes_nothing_on_errors() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("broken/status-not-in-key");
    waymark(&[
        "build",
        "--root",
        path_str(&root),
        "--output",
        path_str(&public),
    ])
    .expect(
        1,
        &[
            "error: `status: Green` is not in this plan's status key.",
            "┌─ content/plans/demo/02-oversight.yaml:10:17",
            &format!("Nothing was written: {} is unchanged.", public.display()),
        ],
    )
    .lacks("note:");
    assert!(!public.exists());
    assert_eq!(
        fs::read_dir(out.path()).unwrap().count(),
        0,
        "no staging folder left"
    );
}

#[test]
fn build_with_strict_publishes_nothing_when_there_are_warnings() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = fixture("broken/delayed-without-reason");
    waymark(&[
        "build",
        "--strict",
        "--root",
        path_str(&root),
        "--output",
        path_str(&public),
    ])
    .expect(
        1,
        &["0 errors, 1 warning. With --strict, warnings count as errors."],
    );
    assert!(!public.exists());
}

#[test]
fn usage_errors_exit_2() {
    waymark(&[]).expect(2, &[]);
    waymark(&["check", "--no-such-option"])
        .expect(2, &["error: unexpected argument '--no-such-option' found"]);
    let typo = waymark(&["chekc"]);
    typo.expect(2, &[]);
    assert!(typo.stderr.contains("check"), "{}", typo.stderr);
}

// ---------------------------------------------------------------- atomic builds

#[test]
fn a_template_failing_halfway_leaves_the_published_site_unchanged() {
    let site = copy_of_basic();
    let root = site.path();
    waymark(&["build", "--root", path_str(root)]).expect(0, &[]);
    let before = snapshot(&root.join("public"));
    assert!(before.len() > 10, "the first build wrote the site");

    // Fails for action 1.3 only, so other pages are written to staging before it fails.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/action.html");
    let template = fs::read_to_string(theme).unwrap().replacen(
        "{% block content %}",
        "{% block content %}{% if action.id == \"1.3\" %}{{ no_such_value | upper }}{% endif %}",
        1,
    );
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(root.join("templates/action.html"), template).unwrap();

    let run = waymark(&["build", "--root", path_str(root)]);
    run.expect(1, &["┌─ templates/action.html"]);
    let failed = run.line_starting("error: The template `action.html`");
    assert!(failed.contains("/plans/demo/actions/1-3/"), "{failed}");
    assert!(failed.contains("no_such_value"), "{failed}");

    assert_eq!(snapshot(&root.join("public")), before, "public/ changed");
    let mut left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["content", "public", "templates"],
        "a staging folder was left"
    );
}

#[test]
fn a_failing_shared_part_of_every_page_names_its_template() {
    let site = copy_of_basic();
    let root = site.path();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/nav.html"),
        "<nav aria-label=\"Main\">{{ title | upper }}</nav>",
    )
    .unwrap();
    let run = waymark(&["build", "--root", path_str(root)]);
    run.expect(1, &["┌─ templates/nav.html"]);
    let failed = run.line_starting("error: The template `nav.html`, part of every page, failed");
    assert!(failed.contains("title"), "{failed}");
    let times = run
        .stderr
        .lines()
        .filter(|l| l.contains("`nav.html`"))
        .count();
    assert_eq!(times, 1, "told once, not once per page:\n{}", run.stderr);
    assert!(!root.join("public").exists(), "nothing was published");
}

#[test]
fn output_folders_that_hold_the_sources_are_refused() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("site");
    copy_dir(&fixture("basic"), &root);
    fs::create_dir_all(root.join("themes/default/templates")).unwrap();
    fs::write(root.join("themes/default/templates/keep.html"), "mine").unwrap();
    let before = snapshot(parent.path());
    let cases = [
        (
            root.clone(),
            "the site folder itself, with its content/ and themes/".to_string(),
        ),
        (root.join("content"), "the site's content/ folder".into()),
        (root.join("themes"), "the site's themes/ folder".into()),
        (
            parent.path().to_path_buf(),
            "the site folder itself, with its content/ and themes/".into(),
        ),
    ];
    for (output, what) in cases {
        let output = output.canonicalize().unwrap();
        let message = format!(
            "error: Refusing to write the site to {}: Waymark replaces its output folder whole, and that would delete {what}. Choose an output folder of its own, such as {}.",
            output.display(),
            root.canonicalize().unwrap().join("public").display()
        );
        waymark(&[
            "build",
            "--root",
            path_str(&root),
            "--output",
            path_str(&output),
        ])
        .expect(1, &[&message]);
        assert_eq!(
            snapshot(parent.path()),
            before,
            "{} changed",
            output.display()
        );
    }
}

#[test]
fn a_folder_waymark_did_not_make_is_not_replaced() {
    let site = copy_of_basic();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("notes.txt"), "keep me").unwrap();
    let run = waymark(&[
        "build",
        "--root",
        path_str(site.path()),
        "--output",
        path_str(elsewhere.path()),
    ]);
    run.expect(1, &[]);
    assert!(
        run.stderr.contains(
            "that folder holds files Waymark did not make, and building replaces the folder whole"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(elsewhere.path().join("notes.txt")).unwrap(),
        "keep me"
    );
}

// ---------------------------------------------------------------- messages that name the right thing

/// A copy of tests/fixtures/basic with `from` replaced by `to` in the file `rel`.
fn basic_with(rel: &str, from: &str, to: &str) -> tempfile::TempDir {
    let site = copy_of_basic();
    let path = site.path().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    site
}

fn check_site(site: &tempfile::TempDir) -> Run {
    waymark(&["check", "--root", path_str(site.path())])
}

const OVERSIGHT: &str = "content/plans/demo/02-oversight.yaml";
const PLAN: &str = "content/plans/demo/plan.yaml";

#[test]
fn an_unquoted_id_is_quoted_as_the_author_wrote_it() {
    let site = basic_with(OVERSIGHT, "id: \"2.1\"", "id: 2.10");
    check_site(&site).expect(
        1,
        &[
            "error: The id 2.10 must be written in quotes, like `id: \"2.10\"`: without them it is read as a number, so 1.10 would become 1.1.",
            "┌─ content/plans/demo/02-oversight.yaml:6:13",
            ONE_ERROR,
        ],
    ).lacks("\"2.1\"");
}

#[test]
fn a_missing_colon_points_at_the_line_that_lacks_it() {
    let site = basic_with(
        OVERSIGHT,
        "responsible: Principal Social Worker",
        "responsible Principal Social Worker",
    );
    check_site(&site).expect(
        1,
        &[
            "error: This line has no colon (`:`) after its field name, so YAML cannot tell the name from the value.",
            "┌─ content/plans/demo/02-oversight.yaml:8:9",
            "8 │         responsible Principal Social Worker",
            "= help: Write the field name, a colon and a space, then the value, for example `responsible: Head of Service`.",
            ONE_ERROR,
        ],
    ).lacks("could not find");
}

#[test]
fn a_misspelt_field_in_plan_yaml_is_the_only_error() {
    let site = basic_with(PLAN, "    colour: \"#00703c\"", "    color: \"#00703c\"");
    check_site(&site)
        .expect(
            1,
            &[
                "error: `color` is not a field a status in the status key can have.",
                "┌─ content/plans/demo/plan.yaml:10:5",
                "= help: Did you mean `colour`? Check the spelling of the field name.",
                "1 error, 0 warnings. Fix the errors, then run waymark again.",
            ],
        )
        .lacks("has no plan.yaml");
}

#[test]
fn a_plan_yaml_that_is_not_valid_yaml_is_not_also_called_missing() {
    let site = basic_with(PLAN, "title: Response", "title Response");
    check_site(&site)
        .expect(
            1,
            &["1 error, 0 warnings. Fix the errors, then run waymark again."],
        )
        .lacks("has no plan.yaml");
}

#[test]
fn an_unknown_field_in_a_delay_names_the_delay() {
    let site = basic_with(
        "content/plans/demo/01-front-door.yaml",
        "revised_due: 2023-04-30",
        "revised_date: 2023-04-30",
    );
    check_site(&site).expect(
        1,
        &[
            "error: `revised_date` is not a field a delay can have.",
            "┌─ content/plans/demo/01-front-door.yaml:29:11",
            "= help: Did you mean `revised_due`? Check the spelling of the field name.",
        ],
    );
}

#[test]
fn a_number_where_true_or_false_belongs_is_quoted() {
    let site = basic_with(PLAN, "    complete: true", "    complete: 0.5");
    check_site(&site).expect(
        1,
        &[
            "error: `complete` should be true or false, but it is the number 0.5.",
            "┌─ content/plans/demo/plan.yaml:12:15",
            "= help: Write `true` or `false`.",
        ],
    );
}

#[test]
fn a_source_word_of_a_status_is_suggested_before_a_near_key() {
    let site = basic_with(
        PLAN,
        "  - key: on-track\n",
        "  - key: on-track\n    source_words: [Amber, Yellow]\n",
    );
    let oversight = site.path().join(OVERSIGHT);
    let text = fs::read_to_string(&oversight).unwrap();
    fs::write(
        &oversight,
        text.replace("status: not-started", "status: amber"),
    )
    .unwrap();
    check_site(&site).expect(
        1,
        &[
            "error: `status: amber` is not in this plan's status key.",
            "= help: In this plan's status key, `amber` is the source's word for `on-track` (In progress and on schedule). Write `status: on-track` and keep the source's word as `source_status: amber`. The status key is in plans/demo/plan.yaml.",
            ONE_ERROR,
        ],
    );
}

#[test]
fn a_source_word_given_to_two_statuses_is_an_error() {
    let site = basic_with(
        PLAN,
        "    complete: true\n",
        "    complete: true\n    source_words: [Green]\n",
    );
    let plan = site.path().join(PLAN);
    let text = fs::read_to_string(&plan).unwrap();
    let text = text.replace(
        "  - key: on-track\n",
        "  - key: on-track\n    source_words: [green]\n",
    );
    fs::write(&plan, text).unwrap();
    check_site(&site).expect(
        1,
        &["error: The source word `green` is listed for both `completed` and `on-track`."],
    );
}

// ---------------------------------------------------------------- leftovers

#[test]
fn text_left_from_waymark_new_is_warned_about() {
    let site = basic_with(
        OVERSIGHT,
        "action: Train all team managers",
        "action: Write what will be done here.",
    );
    check_site(&site).expect(
        0,
        &[
            "warning: This is still the example text that `waymark new` wrote: \"Write what will be done here.\"",
            "┌─ content/plans/demo/02-oversight.yaml:7:17",
            "0 errors, 1 warning, 1 note. The site can be built; the warnings are worth fixing.",
        ],
    );
}

#[test]
fn a_visit_after_the_as_at_date_is_warned_about() {
    let site = basic_with(
        "content/inspections/2024-07-monitoring-visit-5.md",
        "start: 2023-01-31\nend: 2023-02-01",
        "start: 2024-07-31\nend: 2024-08-01",
    );
    check_site(&site).expect(
        0,
        &[
            "warning: This monitoring visit is dated 31 July 2024, after the site's as-at date (1 March 2023), but it is not marked as planned, so the home page would show it as the latest one.",
            "┌─ content/inspections/2024-07-monitoring-visit-5.md:5:8",
            "0 errors, 1 warning, 1 note. The site can be built; the warnings are worth fixing.",
        ],
    );
}

// ---------------------------------------------------------------- helpers

fn copy_of_basic() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    dir
}

#[test]
fn live_blocks_that_name_nothing() {
    let help = "The live blocks are `[[progress PLAN]]`, `[[delayed PLAN]]`, `[[action PLAN ID]]`, `[[judgements]]` and `[[latest visit]]`. To show double brackets as text, put them in backticks.";
    check("live-blocks")
        .expect(
            1,
            &[
                "error: `[[progres demo]]` is not a live block Waymark knows.",
                "┌─ content/reports/2023-02-10-board.md:7:1",
                &format!("= help: Did you mean `progress`? {help}"),
                "error: `[[progress demmo]]` names a plan, `demmo`, that does not exist.",
                "┌─ content/reports/2023-02-10-board.md:9:1",
                "= help: Did you mean `demo`? Use the folder name of a plan in content/plans/.",
                "error: `[[action demo 1.55]]` names action `1.55`, which is not in the plan demo.",
                "┌─ content/reports/2023-02-10-board.md:11:1",
                "= help: Did you mean `1.5`? Use an action's `id` as written in the priority area files of content/plans/demo/.",
                "error: `[[judgements demo]]` has more than this block takes: `demo`.",
                "┌─ content/reports/2023-02-10-board.md:13:1",
                "= help: Write it as `[[judgements]]`, with nothing after it.",
                "error: `[[latest vist]]` is not a live block Waymark knows.",
                "┌─ content/pages/figures.md:4:1",
                &format!("= help: Did you mean `latest visit`? {help}"),
                "5 errors, 0 warnings, 1 note. Fix the errors, then run waymark again.",
            ],
        )
        // The example in backticks is text, not a sixth problem.
        .lacks("15:");
}

#[test]
fn a_site_with_broken_live_blocks_is_not_built() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("broken/live-blocks"), dir.path());
    let out = dir.path().join("public");
    waymark(&["build", "--root", path_str(dir.path())]).expect(1, &[]);
    assert!(!out.exists(), "a failed build wrote {}", out.display());
}

// ---------------------------------------------------------------- strings files

#[test]
fn an_unknown_string_key_or_placeholder_is_an_error_with_the_near_miss() {
    check("strings-unknown-key").expect(
        1,
        &[
            "error: `not_recordd` is not one of the words Waymark puts on a site, so this line would change nothing.",
            "┌─ strings/en-GB.yaml:2:14",
            "= help: Did you mean `not_recorded`? Every key is listed in the built-in strings file, themes/default/strings/en-GB.yaml in Waymark's source (docs/authoring.md, \"Wording and languages\").",
            "error: `progress_as_at` has {dat}, which Waymark does not fill in here.",
            "┌─ strings/en-GB.yaml:3:17",
            "= help: Did you mean {date}? `progress_as_at` fills in only {date}.",
            "2 errors, 0 warnings, 1 note. Fix the errors, then run waymark again.",
        ],
    );
}

#[test]
fn a_language_that_is_not_a_tag_is_an_error_naming_the_codes() {
    check("language-not-a-tag").expect(
        1,
        &[
            "error: `Welsh` is not a language tag, so browsers and screen readers would not know the site's language.",
            "┌─ content/site.yaml:3:11",
            "= help: Write the language's short code: `en-GB` for British English, `cy` for Welsh, `ga` for Irish, `gd` for Scottish Gaelic.",
            "1 error, 0 warnings, 1 note. Fix the errors, then run waymark again.",
        ],
    );
}

#[test]
fn plural_forms_written_wrongly_are_errors_and_a_form_left_out_a_warning() {
    check("strings-plural-forms").expect(
        1,
        &[
            "error: `months` counts something, so its words can change with the number: it needs a text for each plural form, not one text.",
            "┌─ strings/cy.yaml:2:9",
            "= help: Write each form on its own line under the key, indented, with `other` for any number without a form of its own. The forms this language uses are zero (as for 0), one (as for 1), two (as for 2), few (as for 3), many (as for 6), other (as for 4). For example (in English):",
            "months:",
            "one: \"{n} month\"",
            "many: \"{n} months\"",
            "error: `not_recorded` is one piece of text, but here it is a list of forms.",
            "┌─ strings/cy.yaml:3:1",
            "= help: Only keys that count something (such as `months`) have plural forms. Write the text after the colon on the same line: `not_recorded: \"Not recorded\"`.",
            "error: `progress_completed` has a form called `onee`, but plural forms are called zero, one, two, few, many and other.",
            "┌─ strings/cy.yaml:7:3",
            "= help: Did you mean `one`? The forms this language uses are zero (as for 0), one (as for 1), two (as for 2), few (as for 3), many (as for 6), other (as for 4).",
            "error: `progress_none_recorded` has no `other` form, which is shown for any number without a form of its own.",
            "┌─ strings/cy.yaml:9:1",
            "= help: Add a line `other: \"…\"` under `progress_none_recorded`, indented like the other forms. The forms this language uses are zero (as for 0), one (as for 1), two (as for 2), few (as for 3), many (as for 6), other (as for 4).",
            "error: In its `one` form, `search_results` leaves out {query}, so the page would not show it.",
            "┌─ strings/cy.yaml:12:8",
            "= help: Put {query} where it belongs in the sentence, with its curly brackets, as in the English: \"{n} results for ‘{query}’.\".",
            "warning: `group_count` has no `zero`, `two`, `few` or `many` form, so for those numbers the page shows its `other` form, which may be the wrong word.",
            "┌─ strings/cy.yaml:14:1",
            "= help: This language's plural rules (cy) use these forms: zero (as for 0), one (as for 1), two (as for 2), few (as for 3), many (as for 6), other (as for 4). Add a line under `group_count` for each form it lacks.",
            "5 errors, 2 warnings, 1 note. Fix the errors, then run waymark again.",
        ],
    );
}

#[test]
fn a_language_missing_strings_is_warned_of_with_the_keys() {
    let run = check("strings-missing-keys");
    run.expect(
        0,
        &[
            "┌─ strings/cy.yaml",
            "= help: Fill in each key named in strings/cy.yaml, with its cy text. `waymark new language cy` makes that file with every key and its English, or adds the keys it lacks.",
            "0 errors, 1 warning, 1 note. The site can be built; the warnings are worth fixing.",
        ],
    );
    let warning = run.line_starting("warning: The site's language is cy");
    assert!(
        warning.contains("394 of the words Waymark adds have no cy text here, so they will be shown in English: `a11y_abilitynet`"),
        "{warning}"
    );
    run.lacks("`not_recorded`,").lacks("`home`,");
}
