//! The holes found when the site was attacked (issue 28), kept closed. Each case is
//! tests/fixtures/basic with the files of tests/fixtures/attacks/<case>/ laid over it (or,
//! for links on disk, a link made by the test), run through the real binary, with the
//! message an author reads pinned and the published output read back.

mod common;
use common::{copy_dir, fixture, snapshot, Page};

use std::path::Path;
use std::process::{Command, Output};

/// A temporary site: the basic fixture with one attack case laid over it.
fn attacked(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    if !case.is_empty() {
        copy_dir(&fixture(&format!("attacks/{case}")), dir.path());
    }
    dir
}

fn run(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stderr)
}

/// Asserts the exit status and that every line appears, trimmed, in stderr.
fn expect(result: &(Option<i32>, String), code: i32, lines: &[&str]) {
    let (status, stderr) = result;
    assert_eq!(*status, Some(code), "exit status; stderr:\n{stderr}");
    let printed: Vec<&str> = stderr.lines().map(str::trim).collect();
    for line in lines {
        assert!(
            printed.contains(line),
            "expected\n    {line}\nin stderr:\n{stderr}"
        );
    }
}

/// Builds into public/ over an earlier good build, and checks the failed build left it
/// exactly as it was.
fn build_fails_and_keeps_public(root: &Path) -> String {
    let good = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), good.path());
    let public = root.join("public");
    let (code, stderr) = run(
        good.path(),
        &["build", "--output", public.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let before = snapshot(&public);
    let (code, stderr) = run(root, &["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(snapshot(&public), before, "the published site changed");
    stderr
}

const BASE_URL_HELP: &str = "= help: Write the full address the site is published at, such as `https://www.example.gov.uk/improvement/`, or only its path from the top of the host, such as `/improvement/` (or `/`).";

// ---------------------------------------------------------------- base_url

#[test]
fn a_base_url_that_would_break_out_of_attributes_is_refused() {
    let site = attacked("base-url-breakout");
    expect(
        &run(site.path(), &["check"]),
        1,
        &[
            "error: `base_url` contains `\"`, which cannot be part of a web address.",
            "┌─ content/site.yaml:4:11",
            BASE_URL_HELP,
        ],
    );
    let stderr = build_fails_and_keeps_public(site.path());
    assert!(stderr.contains("content/site.yaml:4:11"), "{stderr}");
}

#[test]
fn a_base_url_with_another_scheme_is_refused() {
    let site = attacked("base-url-javascript");
    expect(
        &run(site.path(), &["check"]),
        1,
        &[
            "error: `base_url` starts with `javascript:`, but a website's address starts with `https://` (or `http://`).",
            "┌─ content/site.yaml:4:11",
            BASE_URL_HELP,
        ],
    );
}

#[test]
fn a_base_url_given_on_the_command_line_is_checked_the_same_way() {
    let site = attacked("");
    let public = site.path().join("public");
    for url in [
        "https://x.example/\"><script>alert(1)</script>/",
        "javascript:alert(1)",
    ] {
        let (code, stderr) = run(site.path(), &["build", "--base-url", url]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("invalid value") && stderr.contains("`base_url`"),
            "{stderr}"
        );
        assert!(!public.exists(), "nothing is written");
    }
}

#[test]
fn links_between_content_files_carry_the_base_path_escaped() {
    // A base path with characters that are safe in an address but special in HTML.
    let site = attacked("");
    let yaml = site.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap().replace(
        "base_url: https://example.org/improvement/",
        "base_url: https://example.org/a&b/",
    );
    std::fs::write(&yaml, text).unwrap();
    let (code, stderr) = run(site.path(), &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let report = "public/reports/2020-06-26-audit-committee/index.html";
    let html = std::fs::read_to_string(site.path().join(report)).unwrap();
    assert!(!html.contains("href=\"/a&b/"), "a raw `&` in an attribute");
    let page = Page {
        html: scraper::Html::parse_document(&html),
    };
    let about = page
        .all(".prose a[href]")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "about page")
        .expect("the report links to the about page");
    assert_eq!(about.value().attr("href"), Some("/a&b/about/"));
}

// ---------------------------------------------------------------- links on disk

/// A file outside the site folder holding a line that must never be echoed.
fn outside_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const OUTSIDE: &str = "error: This is a link (shortcut) to a file or folder outside the site folder, so Waymark has not read it.";

#[cfg(unix)]
#[test]
fn a_link_to_a_file_outside_the_site_is_an_error_and_never_read() {
    let site = attacked("");
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = outside_file(elsewhere.path(), "passwd", "root:SECRET-LINE:0:0\n");
    std::os::unix::fs::symlink(&secret, site.path().join("content/pages/leak.md")).unwrap();
    let result = run(site.path(), &["check"]);
    expect(
        &result,
        1,
        &[OUTSIDE, "┌─ content/pages/leak.md", "= help: Content must be inside the site folder. Copy the file into content/ in place of the link, or delete the link."],
    );
    assert!(!result.1.contains("SECRET-LINE"), "{}", result.1);
    assert!(!result.1.contains(elsewhere.path().to_str().unwrap()));
}

#[cfg(unix)]
#[test]
fn a_link_to_markdown_outside_the_site_is_not_published() {
    let site = attacked("");
    let elsewhere = tempfile::tempdir().unwrap();
    let page = outside_file(
        elsewhere.path(),
        "draft.md",
        "---\ntitle: Private draft\n---\nPRIVATE-WORDS\n",
    );
    std::os::unix::fs::symlink(&page, site.path().join("content/pages/draft.md")).unwrap();
    let stderr = build_fails_and_keeps_public(site.path());
    assert!(stderr.contains(OUTSIDE), "{stderr}");
    let public = site.path().join("public");
    let published = snapshot(&public);
    assert!(published
        .values()
        .flatten()
        .all(|bytes| !String::from_utf8_lossy(bytes).contains("PRIVATE-WORDS")));
}

#[cfg(unix)]
#[test]
fn a_link_to_a_folder_outside_the_site_is_not_walked() {
    let site = attacked("");
    let elsewhere = tempfile::tempdir().unwrap();
    outside_file(
        elsewhere.path(),
        "secret.md",
        "not front matter: SECRET-LINE\n",
    );
    std::os::unix::fs::symlink(elsewhere.path(), site.path().join("content/pages/etc")).unwrap();
    let result = run(site.path(), &["check"]);
    expect(&result, 1, &[OUTSIDE, "┌─ content/pages/etc"]);
    assert!(!result.1.contains("secret.md"), "{}", result.1);
    assert!(!result.1.contains("SECRET-LINE"), "{}", result.1);
}

#[cfg(unix)]
#[test]
fn a_link_that_stays_inside_the_site_still_works() {
    let site = attacked("");
    std::fs::create_dir_all(site.path().join("drafts")).unwrap();
    std::fs::write(
        site.path().join("drafts/team.md"),
        "---\ntitle: The improvement team\n---\nWho we are.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../../drafts/team.md",
        site.path().join("content/pages/team.md"),
    )
    .unwrap();
    let (code, stderr) = run(site.path(), &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let html = std::fs::read_to_string(site.path().join("public/team/index.html")).unwrap();
    assert!(html.contains("The improvement team"));
}

// ---------------------------------------------------------------- branding.logo

const LOGO_HELP: &str = "= help: Put the logo image in static/ (beside content/) and give its name, for example `logo: logo.svg` or `logo: images/logo.png`. Use only letters, digits, `-`, `_` and `.` in the name (rename the file if needed): no spaces, `..` or web addresses.";

#[test]
fn a_logo_outside_static_is_refused() {
    expect(
        &run(attacked("logo-traversal").path(), &["check"]),
        1,
        &[
            "error: `logo: ../../../../etc/passwd` is not the name of a file in the site's static/ folder.",
            "┌─ content/site.yaml:8:9",
            LOGO_HELP,
        ],
    );
    expect(
        &run(attacked("logo-javascript").path(), &["check"]),
        1,
        &[
            "error: `logo: javascript:alert(1)` is not the name of a file in the site's static/ folder.",
            "┌─ content/site.yaml:8:9",
            LOGO_HELP,
        ],
    );
}

#[test]
fn a_logo_must_be_in_static() {
    let site = attacked("logo-missing");
    let missing = [
        "error: `logo: crest.svg` names a file that is not in the site's static/ folder.",
        "┌─ content/site.yaml:8:9",
        "= help: Put the logo image at static/crest.svg (the folder beside content/), or correct the name. Names are case-sensitive.",
    ];
    expect(&run(site.path(), &["check"]), 1, &missing);
    build_fails_and_keeps_public(site.path());

    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(
        site.path().join("static/crest.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let (code, stderr) = run(site.path(), &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let html = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    let page = Page {
        html: scraper::Html::parse_document(&html),
    };
    assert_eq!(
        page.one(".header__logo").value().attr("src"),
        Some("/improvement/crest.svg")
    );
}

// ---------------------------------------------------------------- content

#[test]
fn a_javascript_link_hidden_by_a_character_reference_is_reported() {
    let site = attacked("link-entity-javascript");
    expect(
        &run(site.path(), &["check"]),
        0,
        &[
            "warning: This HTML contains a `javascript:` link, which has been removed from the page.",
            "┌─ content/pages/about.md:7:9",
        ],
    );
    let (code, stderr) = run(site.path(), &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let html = std::fs::read_to_string(site.path().join("public/about/index.html")).unwrap();
    assert!(!html.to_ascii_lowercase().contains("script:"), "{html}");
}

#[test]
fn relative_links_that_lead_nowhere_are_errors() {
    let site = attacked("link-relative-outside");
    let help = "= help: Link to another content file by its file name (for example `../reports/2024-01-15-committee-update.md`), to a page or file of this site from its top (for example `/reports/` or `/documents/plan.pdf`), or to a full web address starting `https://`.";
    expect(
        &run(site.path(), &["check"]),
        1,
        &[
            "error: This links to `../../../../etc/passwd`, which is neither a content file nor an address Waymark can check.",
            "┌─ content/pages/about.md:7:5",
            "error: This links to `../nonexist/`, which is neither a content file nor an address Waymark can check.",
            "┌─ content/pages/about.md:7:53",
            help,
        ],
    );
    build_fails_and_keeps_public(site.path());
}

#[test]
fn a_malformed_site_yaml_is_not_also_called_missing() {
    let result = run(attacked("site-yaml-malformed").path(), &["check"]);
    expect(
        &result,
        1,
        &[
            "error: This quote is never closed: the value that starts here has no closing quote on its line.",
            "┌─ content/site.yaml:2:8",
            "1 error, 0 warnings. Fix the errors, then run waymark again.",
        ],
    );
    assert!(
        !result.1.contains("There is no content/site.yaml"),
        "{}",
        result.1
    );
}

#[test]
fn a_visit_and_an_inspection_of_one_day_and_title_get_two_files() {
    let site = attacked("");
    let made = |kind: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(["new", kind, "Ofsted", "--date", "2024-07-31", "--root"])
            .arg(site.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let visit = made("visit");
    let inspection = made("inspection");
    assert_ne!(visit, inspection);
    assert!(
        inspection.ends_with("2024-07-31-ofsted-2.md"),
        "{inspection}"
    );
    let text = std::fs::read_to_string(&inspection).unwrap();
    let id = Path::new(&inspection)
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap();
    assert!(text.contains(&format!("refers to it as `{id}`")), "{text}");
    // The same command again still refuses to make a second file of the same sort.
    let again = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["new", "visit", "Ofsted", "--date", "2024-07-31", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let (code, stderr) = run(site.path(), &["check"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// Words in a strings file are text wherever they land: markup in them is shown as
/// written, in a page's text, in a sentence with values filled in, and in the search
/// page's attributes that its script reads (with `textContent`).
#[test]
fn markup_in_a_strings_file_is_shown_as_text() {
    let dir = attacked("");
    let root = dir.path();
    std::fs::create_dir_all(root.join("strings")).unwrap();
    std::fs::write(
        root.join("strings/en-GB.yaml"),
        "not_recorded: \"<script>alert(1)</script>\"\n\
         progress_as_at: \"<b onmouseover=alert(2)>Figures</b> at {date}.\"\n\
         search_results:\n  one: \"<img src=x onerror=alert(3)> {n} for {query}\"\n  other: \"{n} for {query}\"\n",
    )
    .unwrap();
    let out = root.join("out");
    let (code, stderr) = run(root, &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let open = |rel: &str| Page {
        html: scraper::Html::parse_document(&std::fs::read_to_string(out.join(rel)).unwrap()),
    };
    let area = open("plans/demo/01-front-door/index.html");
    assert!(area
        .texts(".not-recorded")
        .iter()
        .any(|t| t == "<script>alert(1)</script>"));
    assert!(area
        .all("script")
        .iter()
        .all(|s| !common::text_of(*s).contains("alert")));
    assert_eq!(
        area.text("p.as-at"),
        "<b onmouseover=alert(2)>Figures</b> at 1 March 2023."
    );
    assert!(area.all("p.as-at b").is_empty());
    let search = open("search/index.html");
    let form = search.one("form[data-search-form]");
    assert_eq!(
        form.value().attr("data-say-results-one"),
        Some("<img src=x onerror=alert(3)> {n} for {query}")
    );
    assert!(search.all("img[onerror]").is_empty());
}
