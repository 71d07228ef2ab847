//! Publishing (issue 7): progress over time, open data, the feed and sitemap, search, and
//! sites that work under a sub-path and from disk. Builds tests/fixtures/publishing (a plan
//! reported three times, published under a path) and reads the output back.

mod common;
use common::copy_dir;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use scraper::{Html, Selector};
use waymark::{BuildOptions, Links};

const BASE_URL: &str = "https://example.gov.uk/childrens-services/improvement/";
const BASE_PATH: &str = "/childrens-services/improvement/";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name)
}

/// A built site in a temporary folder, kept as long as the value lives.
struct Built {
    dir: tempfile::TempDir,
}

impl Built {
    fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    fn page(&self, url: &str) -> Html {
        Html::parse_document(&self.read(&format!("{url}index.html")))
    }
}

fn build_with(root: &Path, links: Links, today: Option<NaiveDate>) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = BuildOptions {
        output: Some(dir.path().join("public")),
        links,
        today,
        ..BuildOptions::new(root)
    };
    let outcome = waymark::build(&options).expect("the build runs");
    assert!(
        outcome.pages > 0,
        "the build failed:\n{}",
        waymark::diagnostics::Printer::new(root).render(&outcome.diagnostics, false)
    );
    Built { dir }
}

fn build(links: Links) -> Built {
    build_with(&fixture("publishing"), links, None)
}

/// A copy of a fixture with another base_url, for the cases the fixture does not cover.
fn fixture_with_base_url(name: &str, base_url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    let site = dir.path().join("content/site.yaml");
    let text = fs::read_to_string(&site).expect("site.yaml");
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("base_url:") {
                format!("base_url: \"{base_url}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&site, text).expect("write site.yaml");
    dir
}

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn select(html: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Each element matched by `css`, as the texts of its parts (`parts`) joined by spaces:
/// a table row's cells, a timeline entry's heading and paragraphs.
fn rows(html: &Html, css: &str, parts: &str) -> Vec<String> {
    let (sel, part) = (
        Selector::parse(css).expect("selector"),
        Selector::parse(parts).expect("selector"),
    );
    html.select(&sel)
        .map(|row| {
            row.select(&part)
                .map(|c| {
                    c.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attr(html: &Html, css: &str, name: &str) -> Vec<String> {
    let sel = Selector::parse(css).expect("selector");
    html.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

fn xmllint(args: &[&str], file: &Path) -> (bool, String) {
    let out = Command::new("xmllint")
        .args(args)
        .arg(file)
        .output()
        .expect("xmllint runs (apt-get install libxml2-utils; tests/run-all.sh installs it)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ------------------------------------------------------------ progress over time

#[test]
fn the_plan_page_charts_each_reporting_date_with_a_table_of_the_same_figures() {
    let site = build(Links::Rooted);
    let page = site.page("plans/recovery/");
    let rows = rows(&page, "#over-time-caption ~ tbody tr", "th, td");
    assert_eq!(
        rows,
        vec![
            "31 January 2024 0 2 1 2 2 7",
            "29 February 2024 0 3 1 1 2 7",
            "31 March 2024 (as at) 1 2 2 1 1 7",
        ]
    );
    // The chart is hidden from assistive technology: the table is its equivalent.
    assert_eq!(attr(&page, "svg.chart__svg", "aria-hidden"), vec!["true"]);
    assert_eq!(
        page.select(&Selector::parse("svg.chart__svg > g").unwrap())
            .count(),
        3
    );
    // Colour is not the only cue: three of the four statuses have a fill pattern.
    assert_eq!(
        page.select(&Selector::parse("svg.chart__svg pattern").unwrap())
            .count(),
        3
    );
}

#[test]
fn the_plan_page_lists_what_changed_since_the_previous_report() {
    let site = build(Links::Rooted);
    let page = site.page("plans/recovery/");
    let intro = select(&page, "#changes + p");
    assert_eq!(
        intro,
        vec!["Changes between the report of 29 February 2024 and the report of 31 March 2024."]
    );
    let lists = select(&page, "#changes ~ ul.changes");
    assert_eq!(
        lists,
        vec![
            "Action 1.1 (priority area 1): now Completed, was On track",
            "Action 1.2 (priority area 1): now Delayed, was On track",
            "Action 1.4 (priority area 1): On track",
            "Action 1.2 (priority area 1): now due 30 June 2024, the first revised date given \
             Action 1.3 (priority area 1): now due 31 May 2024, was due 30 April 2024",
        ]
    );
}

#[test]
fn the_action_page_shows_its_history_as_a_timeline() {
    let site = build(Links::Rooted);
    let page = site.page("plans/recovery/actions/1-3/");
    assert_eq!(
        rows(&page, "ol.timeline > li", "li > *"),
        vec![
            "Delayed 31 January 2024 Revised due date: 31 March 2024",
            "Delayed 29 February 2024 Revised due date: 30 April 2024 Partners asked for another month.",
        ]
    );
}

#[test]
fn nothing_published_depends_on_the_day_of_the_build() {
    // The basic fixture's plan has no as_at of its own; site.yaml gives one. Build it on
    // two different days: every file must be byte-identical.
    let a = build_with(
        &fixture("basic"),
        Links::Rooted,
        NaiveDate::from_ymd_opt(2030, 1, 1),
    );
    let b = build_with(
        &fixture("basic"),
        Links::Rooted,
        NaiveDate::from_ymd_opt(2031, 6, 15),
    );
    let files = |s: &Built| {
        files_under(&s.out(), "html")
            .into_iter()
            .chain(files_under(&s.out(), "xml"))
            .chain(files_under(&s.out(), "csv"))
            .chain(files_under(&s.out(), "json"))
            .chain(files_under(&s.out(), "js"))
            .map(|p| p.strip_prefix(s.out()).unwrap().to_path_buf())
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&a), files(&b));
    for rel in files(&a) {
        assert_eq!(
            fs::read(a.out().join(&rel)).unwrap(),
            fs::read(b.out().join(&rel)).unwrap(),
            "{} differs between builds on different days",
            rel.display()
        );
    }
}

// -------------------------------------------------------------------- open data

#[test]
fn the_actions_csv_reads_back_as_the_content() {
    let site = build(Links::Rooted);
    let bytes = fs::read(site.out().join("data/recovery-actions.csv")).unwrap();
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    assert!(text.ends_with("\r\n"), "RFC 4180 records end in CRLF");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let expected: Vec<&str> = waymark::render::open_data::ACTION_FIELDS
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(header, expected);
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a valid record"))
        .collect();
    assert_eq!(rows.len(), 7, "one row per action");
    let col = |row: &csv::StringRecord, name: &str| {
        let i = header.iter().position(|h| h == name).expect(name);
        row.get(i).unwrap().to_string()
    };
    let ids: Vec<String> = rows.iter().map(|r| col(r, "id")).collect();
    assert_eq!(ids, vec!["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2"]);
    let first = &rows[0];
    // Commas, quotes, a dash and a line break survive the round trip.
    assert_eq!(
        col(first, "action"),
        "Recruit 8 social workers, \"permanent\" posts – not agency"
    );
    assert_eq!(col(first, "responsible"), "Head of Service, First Response");
    assert_eq!(
        col(first, "progress"),
        "All 8 posts filled.\nInduction finished in March."
    );
    assert_eq!(col(first, "due_date"), "2024-02-29");
    assert_eq!(col(first, "status"), "completed");
    assert_eq!(col(first, "complete"), "true");
    assert_eq!(col(first, "last_update"), "2024-02-29");
    assert_eq!(col(first, "as_at"), "2024-03-31");
    assert_eq!(
        col(first, "url"),
        format!("{BASE_URL}plans/recovery/actions/1-1/")
    );
    assert_eq!(
        col(&rows[2], "action"),
        "Refresh the threshold descriptors & guidance for < 18s"
    );
    assert_eq!(col(&rows[2], "revised_due"), "2024-05-31");
    assert_eq!(
        col(&rows[3], "due_as_written"),
        "Start April 24 and review monthly"
    );
    assert_eq!(col(&rows[3], "due_date"), "");
    assert_eq!(
        col(&rows[4], "status"),
        "",
        "no status recorded stays empty"
    );
    assert_eq!(
        col(&rows[5], "due_date"),
        "2024-09-30",
        "the date read from the words"
    );
}

#[test]
fn the_json_files_read_back_as_the_content() {
    let site = build(Links::Rooted);
    let plan: serde_json::Value =
        serde_json::from_str(&site.read("data/recovery-actions.json")).expect("valid JSON");
    assert_eq!(plan["as_at"], "2024-03-31");
    assert_eq!(plan["statuses"].as_array().unwrap().len(), 4);
    let actions = plan["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 7);
    let a13 = &actions[2];
    assert_eq!(a13["id"], "1.3");
    assert_eq!(a13["status"], "delayed");
    assert_eq!(a13["delay_mitigation"], serde_json::Value::Null);
    let history = a13["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["date"], "2024-02-29");
    assert_eq!(history[1]["revised_due"], "2024-04-30");
    assert_eq!(history[1]["note"], "Partners asked for another month.");
    // Every CSV column is in the JSON too.
    for f in waymark::render::open_data::ACTION_FIELDS {
        assert!(a13.get(f.name).is_some(), "JSON lacks {}", f.name);
    }

    let insp: serde_json::Value =
        serde_json::from_str(&site.read("data/inspections.json")).expect("valid JSON");
    let list = insp["inspections"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let graded = list
        .iter()
        .find(|i| i["id"] == "2023-06-inspection")
        .unwrap();
    assert_eq!(graded["start"], "2023-06-05");
    assert_eq!(graded["end"], "2023-06-16");
    assert_eq!(graded["overall_grade"], "inadequate");
    let judgements = graded["judgements"].as_array().unwrap();
    assert_eq!(
        judgements[0]["domain"],
        "Children who need help & protection"
    );
    assert_eq!(
        judgements[1]["grade_label"],
        "Requires improvement to be good"
    );
    assert_eq!(
        judgements[2]["grade"],
        serde_json::Value::Null,
        "not given, not guessed"
    );
    let planned = list.iter().find(|i| i["planned"] == true).unwrap();
    assert_eq!(
        planned["between"],
        serde_json::json!(["2025-07", "2025-12"])
    );
}

#[test]
fn plan_and_area_pages_link_to_the_data_and_the_data_page_describes_every_field() {
    let site = build(Links::Rooted);
    for url in ["plans/recovery/", "plans/recovery/01-front-door/"] {
        let page = site.page(url);
        let csv = attr(&page, "a[href$='.csv']", "href");
        assert_eq!(
            csv,
            vec![format!("{BASE_PATH}data/recovery-actions.csv")],
            "{url}"
        );
        assert!(select(&page, "a[href$='.csv']")[0].contains("Download this plan as CSV"));
    }
    let data = site.page("data/");
    let described: BTreeSet<String> = select(&data, "table code").into_iter().collect();
    for f in waymark::render::open_data::ACTION_FIELDS
        .iter()
        .chain(waymark::render::open_data::INSPECTION_FIELDS)
        .chain(waymark::render::open_data::MILESTONE_FIELDS)
    {
        assert!(
            described.contains(f.name),
            "the data page does not describe {}",
            f.name
        );
    }
}

// ------------------------------------------------------------ feed and discovery

#[test]
fn the_feed_and_sitemap_are_valid_against_their_schemas() {
    let site = build(Links::Rooted);
    let (ok, err) = xmllint(
        &["--noout", "--relaxng", schema("atom.rng").to_str().unwrap()],
        &site.out().join("feed.xml"),
    );
    assert!(ok, "feed.xml is not valid Atom:\n{err}");
    let (ok, err) = xmllint(
        &[
            "--noout",
            "--schema",
            schema("sitemap.xsd").to_str().unwrap(),
        ],
        &site.out().join("sitemap.xml"),
    );
    assert!(ok, "sitemap.xml is not a valid sitemap:\n{err}");
}

/// The titles of a feed's entries, in order.
fn entry_titles(feed: &str) -> Vec<&str> {
    feed.split("<entry>")
        .skip(1)
        .filter_map(|e| e.split("<title>").nth(1)?.split("</title>").next())
        .collect()
}

#[test]
fn the_feed_lists_reports_visits_inspections_and_plans_newest_first() {
    let site = build(Links::Rooted);
    let feed = site.read("feed.xml");
    let titles = entry_titles(&feed);
    assert_eq!(
        titles,
        vec![
            "Recovery plan &amp; response to the 2023 inspection",
            "Progress report to Scrutiny &lt;Committee&gt; &amp; Board",
            "First monitoring visit",
            "Improvement board update",
            "Inspection of local authority children&apos;s services",
        ],
        "planned inspections are not news"
    );
    // The feed's date is the newest entry's (the plan's as-at date), never the build's.
    assert!(feed.contains("<updated>2024-03-31T00:00:00Z</updated>\n  <author>"));
    // RFC 4287's Schematron rules: the feed names an author, and every entry has a link.
    assert!(feed.contains("<author><name>Example Borough Council</name></author>"));
    assert_eq!(
        feed.matches("<entry>").count(),
        feed.matches("<link rel=\"alternate\" type=\"text/html\"")
            .count()
            - 1
    );
}

#[test]
fn the_feed_holds_the_newest_fifty_entries_and_the_reports_page_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("publishing"), dir.path());
    // Sixty monthly reports from January 2018, all older than the fixture's own news.
    for n in 0..60 {
        let (year, month) = (2018 + n / 12, 1 + n % 12);
        fs::write(
            dir.path()
                .join(format!("content/reports/{year}-{month:02}-update.md")),
            format!(
                "---\ntitle: Update {year}-{month:02}\ndate: {year}-{month:02}-01\n---\nText.\n"
            ),
        )
        .expect("write report");
    }
    let site = build_with(dir.path(), Links::Rooted, None);
    let feed = site.read("feed.xml");
    let titles = entry_titles(&feed);
    assert_eq!(titles.len(), 50, "a feed holds the newest fifty entries");
    // The fixture's five pieces of news, then the monthly reports from the newest back.
    assert_eq!(titles[5], "Update 2022-12");
    assert_eq!(titles[49], "Update 2019-04");
    assert!(
        !feed.contains("Update 2019-03"),
        "older entries stay off the feed"
    );
    assert!(feed.contains("<updated>2024-03-31T00:00:00Z</updated>\n  <author>"));
    let list = Html::parse_document(&site.read("reports/index.html"));
    let linked: Vec<String> = list
        .select(&Selector::parse("main a").unwrap())
        .map(|a| a.text().collect())
        .collect();
    for oldest in ["Update 2018-01", "Update 2019-02"] {
        assert!(
            linked.iter().any(|t| t == oldest),
            "the reports page still lists {oldest}: {linked:?}"
        );
    }
}

#[test]
fn every_page_has_a_description_open_graph_tags_and_a_canonical_address() {
    let site = build(Links::Rooted);
    for file in files_under(&site.out(), "html") {
        let rel = file
            .strip_prefix(site.out())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let page = Html::parse_document(&fs::read_to_string(&file).unwrap());
        let one = |css: &str, name: &str| {
            let v = attr(&page, css, name);
            assert_eq!(v.len(), 1, "{rel}: expected one {css}");
            v.into_iter().next().unwrap()
        };
        assert!(
            !one("meta[name=description]", "content").trim().is_empty(),
            "{rel}"
        );
        assert!(
            !one("meta[property='og:title']", "content").is_empty(),
            "{rel}"
        );
        assert!(
            !one("meta[property='og:description']", "content").is_empty(),
            "{rel}"
        );
        assert_eq!(one("meta[property='og:locale']", "content"), "en_GB");
        let canonical = one("link[rel=canonical]", "href");
        let expected = rel.trim_end_matches("index.html");
        assert_eq!(canonical, format!("{BASE_URL}{expected}"), "{rel}");
        assert_eq!(one("meta[property='og:url']", "content"), canonical);
        assert_eq!(one("link[rel=alternate]", "type"), "application/atom+xml");
    }
    let robots = site.read("robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE_URL}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn a_base_url_of_only_a_path_still_gives_a_valid_feed_but_no_sitemap() {
    let root = fixture_with_base_url("publishing", "/");
    let site = build_with(root.path(), Links::Rooted, None);
    let feed = site.out().join("feed.xml");
    let (ok, err) = xmllint(
        &["--noout", "--relaxng", schema("atom.rng").to_str().unwrap()],
        &feed,
    );
    assert!(ok, "{err}");
    let text = site.read("feed.xml");
    assert!(
        text.contains("href=\"reports/2024-03-20-scrutiny/\""),
        "links relative to the feed"
    );
    assert!(
        !site.out().join("sitemap.xml").exists(),
        "a sitemap needs full addresses"
    );
    assert!(!site.read("robots.txt").contains("Sitemap:"));
    let home = site.page("");
    assert!(attr(&home, "link[rel=canonical]", "href").is_empty());
}

#[test]
fn feed_ids_do_not_change_when_the_site_moves() {
    let here = build(Links::Rooted);
    let moved_root = fixture_with_base_url("publishing", "https://other.example.org/");
    let moved = build_with(moved_root.path(), Links::Rooted, None);
    let ids = |s: &Built| -> Vec<String> {
        s.read("feed.xml")
            .split("<id>")
            .skip(1)
            .filter_map(|p| p.split("</id>").next().map(String::from))
            .collect()
    };
    assert_eq!(ids(&here), ids(&moved));
    assert!(ids(&here).iter().all(|id| id.starts_with("urn:uuid:")));
}

// ------------------------------------------------------------------------ search

/// The search index: a script that assigns one JSON value.
fn search_index(site: &Built) -> serde_json::Value {
    let script = site.read("search-index.js");
    let json = script
        .strip_prefix("window.waymarkSearchIndex=")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("the index is one assignment");
    serde_json::from_str(json).expect("valid JSON")
}

#[test]
fn the_search_index_holds_every_kind_of_page_and_the_page_works_without_javascript() {
    let site = build(Links::Rooted);
    let index = search_index(&site);
    let kinds: Vec<&str> = index["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    let pages = index["pages"].as_array().unwrap();
    let kinds_used: BTreeSet<&str> = pages
        .iter()
        .filter_map(|p| kinds.get(p[2].as_u64()? as usize).copied())
        .collect();
    for k in [
        "Action",
        "Priority area",
        "Monitoring visit",
        "Inspection",
        "Progress report",
    ] {
        assert!(kinds_used.contains(k), "no {k} in the search index");
    }
    let ray = pages
        .iter()
        .find(|p| p[0].as_str().is_some_and(|t| t.contains("RAY rating")))
        .expect("action 1.2 is in the index");
    assert_eq!(ray[1], "plans/recovery/actions/1-2/");
    let size = site.read("search-index.js").len();
    assert!(size < 20_000, "the index stays small ({size} bytes)");

    let page = site.page("search/");
    assert_eq!(attr(&page, "script[src]", "src").len(), 2);
    let scripts = Selector::parse("script").unwrap();
    assert_eq!(page.select(&scripts).count(), 2, "no inline script");
    // Without JavaScript the form stays hidden and the page says where to look instead.
    assert_eq!(attr(&page, "form[role=search]", "hidden").len(), 1);
    let nojs = select(&page, "[data-search-nojs]").join(" ");
    assert!(nojs.contains("Search needs JavaScript"), "{nojs}");
    assert_eq!(attr(&page, "label[for=search-input]", "for").len(), 1);
    assert_eq!(attr(&page, "#search-status", "aria-live"), vec!["polite"]);
}

// ------------------------------------------------------------ links everywhere

/// Where a link in `page` (a file below `out`) points, as a file below `out`, or None
/// for links that leave the site. Panics with the reason when a link is malformed.
fn resolve(out: &Path, page: &Path, link: &str, links: Links) -> Option<(PathBuf, Option<String>)> {
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (link, None),
    };
    if path.is_empty() {
        return Some((page.to_path_buf(), fragment));
    }
    if path.contains(':') {
        // Another scheme: only our own full addresses are ours.
        let rest = path.strip_prefix(BASE_URL)?;
        return Some((folder_index(out.join(rest), rest), fragment));
    }
    let target = match links {
        Links::Rooted => {
            let rest = path
                .strip_prefix(BASE_PATH)
                .unwrap_or_else(|| panic!("{}: {link} is not below {BASE_PATH}", page.display()));
            folder_index(out.join(rest), rest)
        }
        Links::Relative => {
            assert!(
                !path.starts_with('/'),
                "{}: {link} is not relative",
                page.display()
            );
            assert!(
                !path.ends_with('/') && path != "." && path != "..",
                "{}: {link} opens a folder listing from disk",
                page.display()
            );
            normalise(&page.parent().unwrap().join(path))
        }
    };
    assert!(
        target.starts_with(out),
        "{}: {link} leaves the site",
        page.display()
    );
    Some((target, fragment))
}

fn folder_index(path: PathBuf, rel: &str) -> PathBuf {
    if rel.is_empty() || rel.ends_with('/') {
        path.join("index.html")
    } else {
        path
    }
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Checks every href and src in every page, and every address in the search index;
/// returns how many links were checked.
fn check_links(site: &Built, links: Links) -> usize {
    let out = site.out();
    let mut checked = 0;
    let mut broken = Vec::new();
    let refs = Selector::parse("[href], [src]").unwrap();
    for file in files_under(&out, "html") {
        let html = Html::parse_document(&fs::read_to_string(&file).unwrap());
        for el in html.select(&refs) {
            for name in ["href", "src"] {
                let Some(link) = el.value().attr(name) else {
                    continue;
                };
                if link.starts_with("mailto:") {
                    continue;
                }
                let Some((target, fragment)) = resolve(&out, &file, link, links) else {
                    continue;
                };
                checked += 1;
                if !target.is_file() {
                    broken.push(format!(
                        "{}: {link} → {} is missing",
                        file.display(),
                        target.display()
                    ));
                } else if let Some(id) = fragment.filter(|f| !f.is_empty()) {
                    let text = fs::read_to_string(&target).unwrap_or_default();
                    if !text.contains(&format!("id=\"{id}\"")) {
                        broken.push(format!(
                            "{}: {link}: no element with id {id}",
                            file.display()
                        ));
                    }
                }
            }
        }
    }
    // The search script prefixes each address with the root; check them from the top.
    let index = search_index(site);
    for url in index["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p[1].as_str())
    {
        let target = folder_index(out.join(url), url);
        checked += 1;
        if !target.is_file() {
            broken.push(format!("search index: {url} is missing"));
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken link(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
    eprintln!("{links:?}: {checked} links checked, all resolve");
    checked
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    let site = build(Links::Rooted);
    let checked = check_links(&site, Links::Rooted);
    assert!(checked > 400, "only {checked} links checked");
    // The feed's and sitemap's addresses are pages of the site too.
    for file in ["feed.xml", "sitemap.xml"] {
        let text = site.read(file);
        for part in text.split(BASE_URL).skip(1) {
            let rel = part.split(['"', '<']).next().unwrap();
            let target = folder_index(site.out().join(rel), rel);
            assert!(target.is_file(), "{file}: {BASE_URL}{rel} is missing");
        }
    }
}

#[test]
fn every_internal_link_resolves_from_disk_with_relative_links() {
    let site = build(Links::Relative);
    let checked = check_links(&site, Links::Relative);
    assert!(checked > 400, "only {checked} links checked");
    let script = site.read("search-index.js");
    assert!(script.contains("\"plans/recovery/actions/1-2/index.html\""));
}

#[test]
fn a_folder_of_the_councils_own_files_is_refused_and_left_as_it_was() {
    let site = common::copy_of("basic");
    let parent = tempfile::tempdir().unwrap();
    let www = parent.path().join("www");
    std::fs::create_dir_all(www.join("photos")).unwrap();
    std::fs::write(www.join("index.html"), "<h1>Council</h1>").unwrap();
    std::fs::write(www.join("important.txt"), "keep me").unwrap();
    std::fs::write(www.join("photos/town-hall.jpg"), [0xff, 0xd8]).unwrap();
    let before = common::snapshot(parent.path());
    for _ in 0..2 {
        let run = common::waymark(site.path(), &["build", "--output", www.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success());
        assert!(
            stderr.contains(&format!(
                "Refusing to write the site to {}: that folder holds files Waymark did not make",
                www.display()
            )) && stderr.contains("Nothing was moved or deleted."),
            "{stderr}"
        );
        assert_eq!(common::snapshot(parent.path()), before);
    }
}

#[test]
fn a_link_planted_where_the_previous_site_is_kept_is_refused_and_its_target_untouched() {
    let site = common::copy_of("basic");
    let parent = tempfile::tempdir().unwrap();
    let www = parent.path().join("www");
    let theirs = tempfile::tempdir().unwrap();
    std::fs::write(theirs.path().join("important.txt"), "keep me").unwrap();
    std::os::unix::fs::symlink(theirs.path(), parent.path().join(".www.waymark-previous")).unwrap();
    let before = common::snapshot(theirs.path());
    let run = common::waymark(site.path(), &["build", "--output", www.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert!(stderr.contains("is a link"), "{stderr}");
    assert_eq!(common::snapshot(theirs.path()), before);
}

#[test]
fn a_second_build_replaces_the_output_waymark_made() {
    let site = common::copy_of("basic");
    let out = site.path().join("public");
    let run = || {
        let run = common::waymark(site.path(), &["build"]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    run();
    let marker = std::fs::read_to_string(out.join(".waymark-output")).unwrap();
    assert!(
        marker.starts_with("This folder was made by Waymark"),
        "{marker}"
    );
    std::fs::remove_file(
        site.path()
            .join("content/reports/2020-06-26-audit-committee.md"),
    )
    .unwrap();
    run();
    assert!(!out.join("reports/2020-06-26-audit-committee").exists());
    assert!(out.join(".waymark-output").is_file());
}
