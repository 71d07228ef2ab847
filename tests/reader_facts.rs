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
    for claim in ["Nu Html Checker", "axe-core", "Every page is checked", "checks Waymark runs"] {
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
    assert_eq!(home.text("[aria-labelledby=current-heading] p + p a"), title);
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
        statement.contains("“Children's services improvement” of Example Borough Council"),
        "{statement}"
    );
}
