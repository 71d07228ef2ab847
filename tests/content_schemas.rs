//! The editors' schemas (`waymark schema`), checked with an independent validator (the
//! `jsonschema` crate): what `waymark check` accepts, its schema accepts; the mistakes a
//! schema can see are underlined; every file Waymark writes points at its schema; and the
//! committed schemas/ is what `waymark schema` makes now.

mod common;

use std::path::{Path, PathBuf};

use waymark::schema::{self, FileKind};
use waymark::source::SourceFile;
use waymark::BuildOptions;

const REGENERATE: &str = "run `cargo run -- schema` in the repository and commit schemas/";

fn validator(kind: FileKind) -> jsonschema::Validator {
    jsonschema::draft7::new(&schema::schema(kind))
        .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", schema::file_name(kind)))
}

/// What the schema applies to: the whole YAML file, or a Markdown file's front matter.
/// None when there is no YAML to read (no front matter, or YAML that does not parse).
fn fields(root: &Path, rel: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    let file = SourceFile::new(rel, text.clone());
    let yaml = if rel.extension().is_some_and(|e| e == "md") {
        let cut = file.cut().ok()?;
        file.split_at(cut).front.to_string()
    } else {
        text
    };
    serde_yaml::from_str(&yaml).ok()
}

/// Every content and strings file under `root`, relative to it, with its kind.
fn content_files(root: &Path) -> Vec<(PathBuf, FileKind)> {
    let folders = ["content"].into_iter().chain(waymark::strings::FOLDERS);
    let mut files: Vec<(PathBuf, FileKind)> = folders
        .flat_map(|folder| walkdir::WalkDir::new(root.join(folder)))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?.to_path_buf();
            let kind = FileKind::of(&rel)?;
            Some((rel, kind))
        })
        .collect();
    files.sort();
    files
}

/// The files under `root` that their schema rejects, each with the schema's first complaint.
fn rejected(root: &Path) -> Vec<(String, String)> {
    content_files(root)
        .into_iter()
        .filter_map(|(rel, kind)| {
            let value = fields(root, &rel)?;
            let error = validator(kind).iter_errors(&value).next()?.to_string();
            Some((rel.display().to_string(), error))
        })
        .collect()
}

/// The shipped site and the clean fixtures (the earlier plan laid over basic, as
/// tests/plans.rs does), kept while the folder lives.
fn clean_sites() -> (tempfile::TempDir, Vec<PathBuf>) {
    let layered = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("basic"), layered.path());
    common::copy_dir(&common::fixture("earlier-plan"), layered.path());
    let sites = vec![
        common::repo_root(),
        common::fixture("basic"),
        common::fixture("publishing"),
        common::fixture("second-body"),
        common::fixture("test-language"),
        layered.path().to_path_buf(),
    ];
    (layered, sites)
}

#[test]
fn every_file_waymark_check_accepts_passes_its_schema() {
    let mut seen = [0usize; schema::KINDS.len()];
    let (_kept, sites) = clean_sites();
    for root in sites {
        let outcome = waymark::check(&BuildOptions::new(&root));
        assert!(
            !outcome.diagnostics.has_errors(),
            "{} is meant to be clean: {:#?}",
            root.display(),
            outcome.diagnostics
        );
        for (rel, kind) in content_files(&root) {
            let value =
                fields(&root, &rel).unwrap_or_else(|| panic!("{} has no YAML", rel.display()));
            let errors: Vec<String> = validator(kind)
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{} in {} passes waymark check but not {}: {errors:#?}",
                rel.display(),
                root.display(),
                schema::file_name(kind)
            );
            seen[schema::KINDS.iter().position(|k| *k == kind).unwrap()] += 1;
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "a kind of file went untested: {seen:?}"
    );
}

/// Broken fixtures whose mistake is in what the fields say, and the file the schema
/// underlines. Every other file of these sites is correct and must pass.
const CAUGHT: [(&str, &str); 11] = [
    ("strings-plural-forms", "strings/cy.yaml"),
    ("language-not-a-tag", "content/site.yaml"),
    ("strings-unknown-key", "strings/en-GB.yaml"),
    (
        "source-url-not-an-address",
        "content/inspections/2024-07-monitoring-visit-5.md",
    ),
    ("wrong-type", "content/plans/demo/02-oversight.yaml"),
    (
        "list-instead-of-text",
        "content/plans/demo/02-oversight.yaml",
    ),
    ("missing-field", "content/plans/demo/02-oversight.yaml"),
    (
        "unknown-field-responsable",
        "content/plans/demo/02-oversight.yaml",
    ),
    (
        "unknown-field-staus",
        "content/plans/demo/02-oversight.yaml",
    ),
    ("several-problems", "content/plans/demo/02-oversight.yaml"),
    ("unsafe-slug", "content/pages/escape.md"),
];

/// Mistakes in the YAML itself: the editor's YAML reader underlines them before any
/// schema is read, as Waymark's does.
const NOT_YAML: [&str; 4] = [
    "yaml-bad-indentation",
    "yaml-tab",
    "yaml-unclosed-quote",
    "yaml-duplicate-field",
];

/// Mistakes no schema of one file can see: they depend on other files (the status key,
/// other addresses, links, inspections, the kinds and grading scales site.yaml declares),
/// on what a date means, on live blocks in the text, on the Markdown around the
/// front matter, or on the file's bytes. `waymark check` finds them.
const BEYOND_A_SCHEMA: [&str; 18] = [
    // Keys left out are shown in English, so a strings file need not have them all.
    "strings-missing-keys",
    "status-not-in-key",
    "unknown-kind",
    "undeclared-kind",
    "grade-not-on-scale",
    "live-blocks",
    "impossible-date",
    "month-first-date",
    "duplicate-action-id",
    "duplicate-url",
    "missing-link",
    "missing-inspection",
    "delayed-without-reason",
    "raw-html",
    "front-matter-missing",
    "front-matter-unclosed",
    "not-utf8",
    "empty-file",
];

#[test]
fn each_broken_fixture_a_schema_can_see_is_underlined_and_no_other() {
    let broken = common::fixture("broken");
    let mut cases: Vec<String> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    for case in &cases {
        let root = broken.join(case);
        let found = rejected(&root);
        if let Some((_, file)) = CAUGHT.iter().find(|(c, _)| c == case) {
            let files: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
            assert_eq!(files, [*file], "{case}: {found:#?}");
        } else if NOT_YAML.contains(&case.as_str()) {
            assert!(found.is_empty(), "{case}: {found:#?}");
        } else {
            assert!(
                BEYOND_A_SCHEMA.contains(&case.as_str()),
                "new broken fixture {case}: add it to CAUGHT, NOT_YAML or BEYOND_A_SCHEMA"
            );
            assert!(
                found.is_empty(),
                "{case} is caught by a schema after all: {found:#?}"
            );
        }
    }
}

/// The words an editor shows for a mistake come from the schema: the field's
/// description on hover, the fix for a date or colour written wrongly.
#[test]
fn a_schema_names_the_fields_and_explains_dates_and_colours() {
    let site = validator(FileKind::Site);
    let ok = serde_json::json!({
        "organisation": "Example County Council",
        "title": "Improvement journey",
        "as_at": "16 September 2022",
        "grades": [{ "key": "good", "label": "Good", "colour": "#00703c" }],
    });
    assert!(site.is_valid(&ok));
    for wrong_date in [serde_json::json!("next spring"), serde_json::json!(2022)] {
        let mut wrong = ok.clone();
        wrong["as_at"] = wrong_date;
        assert!(!site.is_valid(&wrong), "{wrong}");
    }
    let mut colour = ok.clone();
    colour["grades"][0]["colour"] = "green".into();
    assert!(!site.is_valid(&colour));

    let text = schema::text(FileKind::Site);
    assert!(text.contains("\"description\": \"The site's title, shown on every page.\""));
    assert!(text.contains("\"patternErrorMessage\": \"Write the date as year-month-day"));
    let inspection = schema::schema(FileKind::Inspection);
    let kind = inspection["properties"]["kind"]["description"]
        .as_str()
        .unwrap();
    assert!(
        kind.contains("monitoring-visit") && kind.contains("`kinds:` in site.yaml"),
        "{kind}"
    );
    let url = validator(FileKind::Inspection);
    let visit = serde_json::json!({ "title": "Monitoring visit", "kind": "monitoring-visit" });
    for (address, ok) in [
        ("https://www.ofsted.gov.uk/letter.pdf", true),
        ("www.ofsted.gov.uk/letter.pdf", false),
        ("javascript:alert(1)", false),
    ] {
        let mut v = visit.clone();
        v["source_url"] = address.into();
        assert_eq!(url.is_valid(&v), ok, "{address}");
    }
}

#[test]
fn the_committed_schemas_are_what_waymark_schema_makes_now() {
    let dir = common::repo_root().join(schema::FOLDER);
    for kind in schema::KINDS {
        let path = dir.join(schema::file_name(kind));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema::text(kind),
            "{} is not what the content types make now: {REGENERATE}",
            path.display()
        );
    }
}

/// The line an editor reads, and the schema it leads to from the file's own folder.
fn schema_named_by(root: &Path, rel: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    let mut lines = text.lines();
    let first = match lines.next()? {
        "---" => lines.next()?,
        line => line,
    };
    let target = first.strip_prefix("# yaml-language-server: $schema=")?;
    Some(root.join(rel).parent()?.join(target))
}

fn assert_each_file_leads_to_its_schema(root: &Path) {
    let files = content_files(root);
    assert!(!files.is_empty());
    for (rel, kind) in files {
        let target = schema_named_by(root, &rel)
            .unwrap_or_else(|| panic!("{} does not start with the editor line", rel.display()));
        let found = std::fs::read_to_string(&target).unwrap_or_else(|e| {
            panic!(
                "{}'s line leads to {}: {e}",
                rel.display(),
                target.display()
            )
        });
        assert_eq!(
            found,
            schema::text(kind),
            "{}'s line leads to the wrong schema, {}",
            rel.display(),
            target.display()
        );
    }
}

#[test]
fn every_shipped_content_file_leads_its_editor_to_its_schema() {
    assert_each_file_leads_to_its_schema(&common::repo_root());
}

#[test]
fn files_made_by_init_and_new_lead_their_editor_to_their_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let org = waymark::starter::Organisation {
        name: "Example County Council",
        title: None,
    };
    let made = waymark::starter::init(&root, &org).unwrap();
    assert!(
        made.contains(&PathBuf::from("schemas/area.json")),
        "{made:?}"
    );
    use waymark::scaffold::Kind;
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
    for kind in [
        Kind::Report,
        Kind::Visit,
        Kind::Inspection,
        Kind::Page,
        Kind::Plan,
        Kind::Area,
    ] {
        let dated = matches!(kind, Kind::Report | Kind::Visit | Kind::Inspection);
        let request = waymark::scaffold::NewFile {
            kind,
            title: "Second one",
            plan: Some("improvement-plan"),
            today: day,
            date: dated.then_some(day),
        };
        waymark::scaffold::create(&root, &request).unwrap();
    }
    let language = waymark::scaffold::NewFile {
        kind: Kind::Language,
        title: "cy",
        plan: None,
        today: day,
        date: None,
    };
    waymark::scaffold::create(&root, &language).unwrap();
    // Made by init and new: each kind of content file at least once.
    let kinds: std::collections::BTreeSet<FileKind> =
        content_files(&root).into_iter().map(|(_, k)| k).collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert_each_file_leads_to_its_schema(&root);
    let outcome = waymark::check(&BuildOptions::new(&root));
    assert!(
        !outcome.diagnostics.has_errors(),
        "{:#?}",
        outcome.diagnostics
    );
}

#[test]
fn waymark_schema_writes_into_the_site_root_or_the_folder_named() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("schema")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let root = tmp.path().to_str().unwrap();
    run(&["--root", root]);
    let elsewhere = tmp.path().join("elsewhere");
    run(&[elsewhere.to_str().unwrap()]);
    for dir in [tmp.path().join("schemas"), elsewhere] {
        for kind in schema::KINDS {
            let written = std::fs::read_to_string(dir.join(schema::file_name(kind))).unwrap();
            assert_eq!(written, schema::text(kind));
        }
    }
}
