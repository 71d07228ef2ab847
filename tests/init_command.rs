//! `waymark init`: a new organisation's site that checks clean with --strict, builds,
//! names that organisation and no other, and never lands on files that are there.

mod common;
use common::waymark;
use waymark::Links;

use std::path::Path;
use std::process::{Command, Output};

fn init(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("init")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh site for "Example County Council" in `<temp>/site`.
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = init(
        &dir,
        &[
            "--organisation",
            "Example County Council",
            "--title",
            "Our improvement",
        ],
    );
    assert!(out.status.success(), "init failed: {}", stderr(&out));
    (tmp, dir)
}

#[test]
fn a_new_site_passes_strict_checks_and_builds_as_made() {
    let (_tmp, dir) = new_site();
    let out = waymark(&dir, &["check", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&out)
    );

    let built = common::build(&dir, Links::Rooted);
    let home = built.page("/");
    assert_eq!(home.text(".header__title"), "Our improvement");
    assert_eq!(home.text(".header__org"), "Example County Council");
    assert!(home
        .text("footer")
        .contains("Published by Example County Council."));
    let about = built.page("/about/");
    assert_eq!(about.text("h1"), "About this site");
    assert!(about
        .text("main")
        .contains("Example County Council publishes this site"));
    let plan = built.page("/plans/improvement-plan/");
    assert_eq!(plan.text("h1"), "Improvement plan");
}

#[test]
fn a_new_site_holds_no_word_of_another_council_or_inspectorate() {
    let (_tmp, dir) = new_site();
    let built = common::build(&dir, Links::Rooted);
    for root in [dir.join("content"), built.out()] {
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let lower = text.to_lowercase();
            for word in ["nottingham", "ofsted", "ilacs", "children at the heart"] {
                assert!(
                    !lower.contains(word),
                    "{} mentions {word}",
                    entry.path().display()
                );
            }
        }
    }
}

#[test]
fn every_file_made_explains_its_fields() {
    let (_tmp, dir) = new_site();
    for rel in [
        "content/site.yaml",
        "content/plans/improvement-plan/plan.yaml",
        "content/plans/improvement-plan/01-priority-area-1.yaml",
        "content/pages/about.md",
    ] {
        let text = std::fs::read_to_string(dir.join(rel)).unwrap();
        let notes = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count();
        assert!(notes >= 3, "{rel} has {notes} notes:\n{text}");
    }
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public"), "{ignore}");
}

/// The area's first outcome and action are notes; taking the first # from each of
/// those lines, as the file says, gives an action that is published.
#[test]
fn the_noted_first_action_becomes_an_action_when_its_hashes_are_taken_off() {
    let (_tmp, dir) = new_site();
    let area = dir.join("content/plans/improvement-plan/01-priority-area-1.yaml");
    let text = std::fs::read_to_string(&area).unwrap();
    let (head, noted) = text.split_once("#outcomes:").unwrap();
    let uncommented: String = format!("#outcomes:{noted}")
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix('#').unwrap_or(l)))
        .collect();
    let uncommented = uncommented
        .replace(
            "Write the outcome for children and families here.",
            "Children are safer.",
        )
        .replace("Write what will be done here.", "Recruit social workers.");
    std::fs::write(&area, format!("{head}{uncommented}")).unwrap();

    let built = common::build(&dir, Links::Rooted);
    let page = built.page("/plans/improvement-plan/actions/1-1/");
    assert!(page.text("main").contains("Recruit social workers."));
}

#[test]
fn a_folder_that_holds_files_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("content/site.yaml"), "organisation: Ours\n").unwrap();
    std::fs::write(dir.join("important.txt"), "keep me").unwrap();
    let before = common::snapshot(dir);

    let out = init(dir, &["--organisation", "Example County Council"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("already holds content, important.txt")
            && message.contains("only starts a site in a new or empty folder"),
        "{message}"
    );
    assert_eq!(common::snapshot(dir), before);
}

#[test]
fn an_empty_folder_or_one_with_only_hidden_files_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let out = init(tmp.path(), &["--organisation", "Example County Council"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = std::fs::read_to_string(tmp.path().join("content/site.yaml")).unwrap();
    assert!(site.contains("organisation: Example County Council"));
    assert!(site.contains("title: Improvement journey"));
}

#[test]
fn an_organisation_with_no_name_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = init(&tmp.path().join("site"), &["--organisation", "  "]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Give the organisation's name in words"));
    assert!(!tmp.path().join("site").exists());
}

/// The examples of another grading scale and kind in the new site.yaml are right as
/// they stand: uncommented, they check clean.
#[test]
fn the_scale_and_kind_examples_check_clean_once_uncommented() {
    let (_tmp, dir) = new_site();
    let path = dir.join("content/site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut example = false;
    let uncommented: Vec<String> = text
        .lines()
        .map(|line| {
            if ["#overall_judgement:", "#scales:", "#kinds:"]
                .iter()
                .any(|s| line.starts_with(s))
            {
                example = true;
            } else if !line.starts_with("#  ") {
                example = false;
            }
            match line.strip_prefix('#') {
                Some(rest) if example => rest.to_string(),
                _ => line.to_string(),
            }
        })
        .collect();
    let uncommented = uncommented.join("\n") + "\n";
    assert!(uncommented.contains("\nscales:\n") && uncommented.contains("\nkinds:\n"));
    std::fs::write(&path, uncommented).unwrap();
    let out = waymark(&dir, &["check", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
