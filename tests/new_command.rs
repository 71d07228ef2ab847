//! `waymark new`: each kind of file is made where Waymark looks for it, with every field,
//! passes `waymark check --strict` once its prompts are replaced, and never replaces a file.

mod common;
use common::waymark;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The basic fixture as at the day the test runs, as a site being kept up to date is: a
/// visit made today is then not after the as-at date.
fn site() -> tempfile::TempDir {
    let dir = common::copy_of("basic");
    let site_yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(&site_yaml, text.replace("as_at: 2023-03-01\n", "")).unwrap();
    dir
}

/// The prompts `waymark new` writes in an area, which check warns about until replaced.
const PROMPTS: [&str; 2] = [
    "Write the outcome for children and families here.",
    "Write what will be done here.",
];

/// Replaces the area's prompts with words an author would write.
fn fill_prompts(root: &Path, rel: &Path) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = PROMPTS
        .iter()
        .fold(text, |t, p| t.replace(p, "Words from the plan."));
    std::fs::write(&path, filled).unwrap();
}

/// Runs `waymark new` and returns the file it made, relative to the site.
fn new(root: &Path, args: &[&str]) -> PathBuf {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let out = waymark(root, &all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "waymark new {args:?} failed: {stderr}"
    );
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = PathBuf::from(&printed);
    assert!(path.is_file(), "printed {printed}, which is not a file");
    path.strip_prefix(root).unwrap().to_path_buf()
}

fn check_strict(root: &Path) {
    let out = waymark(root, &["check", "--strict"]);
    assert!(
        out.status.success(),
        "check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

fn has_fields(root: &Path, rel: &Path, fields: &[&str]) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    for field in fields {
        assert!(
            text.lines().any(|l| l
                .trim_start()
                .trim_start_matches(['#', '-', ' '])
                .starts_with(&format!("{field}:"))),
            "{} has no `{field}`:\n{text}",
            rel.display()
        );
    }
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            >= fields.len() / 2,
        "{} explains its fields in comments",
        rel.display()
    );
}

#[test]
fn each_kind_is_made_in_its_place_with_every_field_and_passes_check() {
    let dir = site();
    let root = dir.path();
    let day = today();

    let report = new(root, &["report", "Scrutiny committee: progress update"]);
    assert_eq!(
        report,
        PathBuf::from(format!(
            "content/reports/{day}-scrutiny-committee-progress-update.md"
        ))
    );
    has_fields(
        root,
        &report,
        &[
            "title",
            "date",
            "meeting",
            "author",
            "summary",
            "source",
            "editorial_note",
        ],
    );

    let visit = new(
        root,
        &["visit", "Seventh monitoring visit", "--date", "2025-01-14"],
    );
    assert_eq!(
        visit,
        PathBuf::from("content/inspections/2025-01-14-seventh-monitoring-visit.md")
    );
    has_fields(
        root,
        &visit,
        &[
            "title",
            "kind",
            "status",
            "number",
            "start",
            "end",
            "published",
            "framework",
            "areas_covered",
            "headline",
            "summary",
            "source",
            "editorial_note",
            "inspectors",
        ],
    );

    let inspection = new(
        root,
        &[
            "inspection",
            "Inspection of local authority children's services",
            "--date",
            "2025-03-03",
        ],
    );
    assert_eq!(
        inspection,
        PathBuf::from(
            "content/inspections/2025-03-03-inspection-of-local-authority-children-s-services.md"
        )
    );
    has_fields(
        root,
        &inspection,
        &[
            "title",
            "kind",
            "status",
            "framework",
            "start",
            "end",
            "published",
            "summary",
            "source",
            "editorial_note",
            "overall",
            "grade",
            "qualifier",
            "judgements",
            "domain",
            "inspectors",
        ],
    );
    let text = std::fs::read_to_string(root.join(&inspection)).unwrap();
    assert!(
        text.contains("outstanding, good, requires-improvement, inadequate"),
        "lists the site's grades:\n{text}"
    );

    let page = new(root, &["page", "Contact us"]);
    assert_eq!(page, PathBuf::from("content/pages/contact-us.md"));
    has_fields(root, &page, &["title", "summary"]);

    let plan = new(root, &["plan", "Improvement plan 2026"]);
    assert_eq!(
        plan,
        PathBuf::from("content/plans/improvement-plan-2026/plan.yaml")
    );
    has_fields(
        root,
        &plan,
        &[
            "title",
            "responds_to",
            "as_at",
            "summary",
            "introduction",
            "governance",
            "statuses",
            "key",
            "label",
            "colour",
            "meaning",
            "status_notes",
            "editorial_note",
        ],
    );

    let area = new(root, &["area", "Early help", "--plan", "demo"]);
    assert_eq!(area, PathBuf::from("content/plans/demo/03-early-help.yaml"));
    has_fields(
        root,
        &area,
        &[
            "number",
            "title",
            "summary",
            "editorial_note",
            "outcomes",
            "outcome",
            "actions",
            "id",
            "action",
            "responsible",
            "due",
            "status",
            "source_status",
            "progress",
            "impact",
            "delay",
            "reason",
            "mitigation",
            "revised_due",
        ],
    );
    let text = std::fs::read_to_string(root.join(&area)).unwrap();
    assert!(
        text.contains("number: 3\n") && text.contains("id: \"3.1\""),
        "{text}"
    );
    assert!(
        text.contains("completed, on-track, delayed, not-started"),
        "lists the plan's statuses:\n{text}"
    );

    let second = new(
        root,
        &["area", "Leadership", "--plan", "improvement-plan-2026"],
    );
    assert_eq!(
        second,
        PathBuf::from("content/plans/improvement-plan-2026/01-leadership.yaml")
    );

    fill_prompts(root, &area);
    fill_prompts(root, &second);
    check_strict(root);
}

#[test]
fn a_title_yaml_would_misread_is_kept_as_written() {
    let dir = site();
    let root = dir.path();
    let page = new(root, &["page", "Help: #1 & 'quotes'"]);
    check_strict(root);
    let public = root.join("public");
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap();
    assert!(out.status.success());
    let slug = page.file_stem().unwrap().to_str().unwrap();
    let html = std::fs::read_to_string(public.join(slug).join("index.html")).unwrap();
    assert!(
        html.contains("Help: #1 &amp; &apos;quotes&apos;")
            || html.contains("Help: #1 &amp; 'quotes'"),
        "{html}"
    );
}

#[test]
fn an_existing_file_is_never_replaced() {
    let dir = site();
    let root = dir.path();
    let about = root.join("content/pages/about.md");
    let before = std::fs::read_to_string(&about).unwrap();
    let again = waymark(root, &["new", "page", "About"]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "the fixture has its own about page"
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&about).unwrap(), before);

    let report = new(root, &["report", "Board minutes"]);
    let made = std::fs::read_to_string(root.join(&report)).unwrap();
    std::fs::write(root.join(&report), format!("{made}\nEdited.\n")).unwrap();
    let again = waymark(root, &["new", "report", "Board minutes"]);
    assert_eq!(again.status.code(), Some(1));
    let kept = std::fs::read_to_string(root.join(&report)).unwrap();
    assert!(kept.ends_with("Edited.\n"), "the author's edit survives");

    let plan = waymark(root, &["new", "plan", "Demo"]);
    assert_eq!(plan.status.code(), Some(1), "the demo plan exists");
}

#[test]
fn an_area_needs_a_plan_that_exists() {
    let dir = site();
    let root = dir.path();
    let out = waymark(root, &["new", "area", "Early help"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--plan"));
    let out = waymark(root, &["new", "area", "Early help", "--plan", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("There is no plan `nope`") && stderr.contains("The plans are: demo."),
        "{stderr}"
    );
    let out = waymark(root, &["new", "area", "Early help", "--plan", "../demo"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_title_without_letters_or_a_reserved_address_is_refused() {
    let dir = site();
    let root = dir.path();
    for (kind, title) in [("report", "!!!"), ("page", "Reports")] {
        let out = waymark(root, &["new", kind, title]);
        assert_eq!(out.status.code(), Some(1), "{kind} {title}");
    }
    assert!(!root.join("content/pages/reports.md").exists());
}

/// Authors turn on an optional block by deleting the `#` at the start of its lines; the
/// file must still pass `check` when they do.
#[test]
fn optional_blocks_pass_check_once_uncommented() {
    let dir = site();
    let root = dir.path();
    let files = [
        new(
            root,
            &["inspection", "Full inspection", "--date", "2025-03-03"],
        ),
        new(root, &["visit", "Focused visit", "--date", "2025-01-14"]),
        new(root, &["area", "Early help", "--plan", "demo"]),
    ];
    for rel in &files {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let uncommented: String = text
            .lines()
            .map(|l| {
                let trimmed = l.trim_start();
                let indent = &l[..l.len() - trimmed.len()];
                match trimmed.strip_prefix('#') {
                    Some(rest) if !rest.starts_with(' ') && !rest.is_empty() => {
                        format!("{indent}{rest}\n")
                    }
                    _ => format!("{l}\n"),
                }
            })
            .collect();
        assert_ne!(uncommented, text, "{} has optional blocks", rel.display());
        std::fs::write(&path, uncommented).unwrap();
        fill_prompts(root, rel);
    }
    check_strict(root);
}

#[test]
fn an_areas_prompts_are_warned_about_until_replaced() {
    let dir = site();
    let root = dir.path();
    let area = new(root, &["area", "Early help", "--plan", "demo"]);
    let out = waymark(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for prompt in PROMPTS {
        assert!(
            stderr.contains(&format!(
                "warning: This is still the example text that `waymark new` wrote: \"{prompt}\""
            )),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains(&format!("┌─ {}:", area.display())),
        "{stderr}"
    );
}

#[test]
fn a_new_plans_status_key_is_generic() {
    let dir = site();
    let root = dir.path();
    let plan = new(root, &["plan", "Recovery plan"]);
    let text = std::fs::read_to_string(root.join(plan)).unwrap();
    assert!(text.contains("label: Not started\n"), "{text}");
    assert!(!text.contains("not yet commenced"), "{text}");
    assert!(text.contains("source_words"), "{text}");
}

/// The file name is the event's address and the name plans use for it: it carries the
/// date the author gave, and no date at all rather than a guessed one.
#[test]
fn a_visit_or_inspection_is_dated_and_named_by_date_only_when_given() {
    let dir = site();
    let root = dir.path();
    let dated = new(
        root,
        &["visit", "Seventh monitoring visit", "--date", "2024-07-31"],
    );
    assert_eq!(
        dated,
        PathBuf::from("content/inspections/2024-07-31-seventh-monitoring-visit.md")
    );
    assert_eq!(front_matter(root, &dated)["start"], "2024-07-31");
    check_strict(root);

    let out = waymark(root, &["new", "inspection", "Inspection of services"]);
    assert!(out.status.success());
    let undated = PathBuf::from("content/inspections/inspection-of-services.md");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.trim().ends_with("inspection-of-services.md"),
        "{printed}"
    );
    let front = front_matter(root, &undated);
    assert!(front["start"].is_null(), "start is left empty: {front:?}");
    let text = std::fs::read_to_string(root.join(&undated)).unwrap();
    assert!(!text.contains(&today()), "no date is guessed:\n{text}");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("no --date given"), "{note}");
    // Until the author fills it in, check says what is missing.
    let check = waymark(root, &["check"]);
    let told = String::from_utf8_lossy(&check.stderr);
    assert!(told.contains("This inspection has no dates"), "{told}");

    let bad = waymark(
        root,
        &["new", "visit", "Eighth visit", "--date", "31/07/24"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("year-month-day"));
}

fn front_matter(root: &Path, rel: &Path) -> serde_yaml::Value {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let front = text.split("---").nth(1).unwrap();
    serde_yaml::from_str(front).unwrap()
}

#[test]
fn milestones_are_added_to_one_file_and_reach_the_timeline() {
    let dir = site();
    let root = dir.path();
    let undated = waymark(root, &["new", "milestone", "Statutory direction issued"]);
    assert_eq!(undated.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&undated.stderr);
    assert!(stderr.contains("needs its date: add --date"), "{stderr}");
    assert!(!root.join("content/milestones.yaml").exists());

    let rel = new(
        root,
        &[
            "milestone",
            "Statutory direction issued",
            "--date",
            "2023-01-10",
        ],
    );
    assert_eq!(rel, Path::new("content/milestones.yaml"));
    let first = std::fs::read_to_string(root.join(&rel)).unwrap();
    assert!(
        first.starts_with("# yaml-language-server: $schema=../schemas/milestones.json\n"),
        "{first}"
    );
    check_strict(root);

    // A comms officer's own note stays where it is; the next milestone goes at the end.
    let edited = first.replace(
        "kind:\n",
        "kind: Statutory direction # from the DfE letter\n",
    );
    std::fs::write(root.join(&rel), &edited).unwrap();
    new(
        root,
        &[
            "milestone",
            "Commissioner: appointed",
            "--date",
            "2023-02-01",
        ],
    );
    let second = std::fs::read_to_string(root.join(&rel)).unwrap();
    assert!(second.starts_with(&edited), "{second}");
    check_strict(root);

    let built = common::build(root, waymark::Links::Rooted);
    let timeline = built.page("/inspections/");
    let milestones = timeline.texts(".timeline__item--milestone .timeline__title");
    assert_eq!(
        milestones,
        ["Statutory direction issued", "Commissioner: appointed"]
    );
    let kinds = timeline.texts(".timeline__item--milestone .timeline__kind");
    assert_eq!(kinds, ["Statutory direction", "Milestone"]);
}
