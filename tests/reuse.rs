//! Serve mode keeps what unchanged files made between builds (`waymark::memo`). Whatever
//! it keeps, a build that reuses must see exactly what a fresh build sees.

mod common;

use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use waymark::memo::Memo;

const REPORT: &str = "content/reports/2020-06-26-audit-committee.md";
const ABOUT: &str = "content/pages/about.md";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 11, 13).unwrap()
}

/// The site and the messages, as text, from a fresh load and from one that reuses `memo`;
/// they must agree.
fn both(root: &Path, memo: &Memo) -> String {
    let fresh = waymark::load(root, today());
    let reused = waymark::load_reusing(root, today(), Some(memo));
    let fresh = format!("{:?}\n{:?}", fresh.0, fresh.1);
    let reused = format!("{:?}\n{:?}", reused.0, reused.1);
    assert_eq!(reused, fresh, "reusing an earlier build changed the result");
    reused
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    fs::write(&path, text.replace(from, to)).unwrap();
}

#[test]
fn a_reusing_build_sees_every_edit_a_fresh_build_sees() {
    let dir = common::copy_of("basic");
    let root = dir.path();
    let memo = Memo::default();
    let first = both(root, &memo);
    assert!(first.contains("The improvement board has met twice."));
    assert_eq!(both(root, &memo), first, "nothing changed, nothing differs");

    edit(root, REPORT, "has met twice", "has met three times");
    memo.forget(&root.join(REPORT));
    let second = both(root, &memo);
    assert!(second.contains("The improvement board has met three times."));
    assert!(!second.contains("has met twice"));
}

#[test]
fn an_edit_of_the_same_size_within_the_clock_tick_is_seen_once_the_watcher_reports_it() {
    let dir = common::copy_of("basic");
    let root = dir.path();
    let memo = Memo::default();
    both(root, &memo);
    let path = root.join(REPORT);
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    edit(root, REPORT, "has met twice", "has met often"); // same length
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    memo.forget(&path);
    assert!(both(root, &memo).contains("has met often"));
}

#[test]
fn removing_a_page_breaks_links_to_it_in_files_that_did_not_change() {
    let dir = common::copy_of("basic");
    let root = dir.path();
    let memo = Memo::default();
    assert!(!both(root, &memo).contains("no such page or content file"));

    // The report links to the about page; the report itself is untouched.
    fs::remove_file(root.join(ABOUT)).unwrap();
    let after = both(root, &memo);
    assert!(
        after.contains(
            "This links to `../pages/about.md`, but there is no such page or content file."
        ),
        "{after}"
    );
}
