//! Builds the fixture site and reads the pages back as a reader would.

mod common;
use common::copy_dir;

use common::{build, fixture, text_of, Built};
use waymark::Links;

fn basic() -> Built {
    build(&fixture("basic"), Links::Rooted)
}

#[test]
fn delayed_action_is_in_the_exception_list_with_reason_and_revised_date() {
    let site = basic();
    let plan = site.page("/plans/demo/");
    let rows = plan.all("#delayed ~ table.table--stack tbody tr");
    assert_eq!(rows.len(), 1, "one delayed action");
    let row = text_of(rows[0]);
    assert!(
        row.starts_with("Action 1.3 Refresh the threshold descriptors"),
        "{row}"
    );
    assert!(row.contains("Partners asked for more time."), "{row}");
    assert!(
        row.contains("Draft shared at the partnership meeting."),
        "{row}"
    );
    assert!(row.contains("Head of Partnerships"), "{row}");
    let revised = plan.all("table.table--stack td[data-label='Revised due date'] time");
    assert_eq!(revised.len(), 1);
    assert_eq!(text_of(revised[0]), "30 April 2023");
    assert_eq!(revised[0].value().attr("datetime"), Some("2023-04-30"));
}

#[test]
fn plan_counts_match_the_fixture() {
    let site = basic();
    let plan = site.page("/plans/demo/");
    let headers = plan.texts("table.table--areas thead th");
    assert_eq!(
        headers,
        [
            "Priority area",
            "Completed",
            "In progress and on schedule",
            "Delayed or not on schedule",
            "Planning: not yet commenced",
            "No status recorded",
            "Total"
        ]
    );
    let numbers = |row: &str| -> Vec<String> { plan.texts(&format!("{row} td")) };
    assert_eq!(
        numbers("table.table--areas tfoot tr"),
        ["2", "2", "1", "1", "1", "7"]
    );
    assert_eq!(
        numbers("table.table--areas tbody tr:nth-child(1)"),
        ["1", "2", "1", "0", "1", "5"]
    );
    assert_eq!(
        numbers("table.table--areas tbody tr:nth-child(2)"),
        ["1", "0", "0", "1", "0", "2"]
    );
    assert!(plan
        .text("h2 + .progress .progress__text")
        .starts_with("2 of 7 actions completed (29%); 1 overdue; 1 with no status recorded"));
    let overdue = plan.texts("#overdue + p + ul li");
    assert_eq!(overdue.len(), 1);
    assert!(
        overdue[0].starts_with("Action 1.4: due 31 January 2023"),
        "{:?}",
        overdue
    );
}

#[test]
fn timeline_is_in_date_order_and_planned_event_is_last() {
    let site = basic();
    let page = site.page("/inspections/");
    let titles = page.texts(".timeline__title");
    assert_eq!(
        titles,
        [
            "Inspection of safeguarding and looked after children services",
            "Inspection of services for children in need of help and protection",
            "Inspection of local authority children's services",
            "First monitoring visit",
            "Fifth monitoring visit",
            "Full inspection",
        ]
    );
    let dates: Vec<String> = page
        .all(".timeline__date time:first-of-type")
        .into_iter()
        .filter_map(|t| t.value().attr("datetime").map(str::to_owned))
        .collect();
    assert_eq!(
        dates,
        ["2010-12", "2014-03-11", "2022-07", "2022-09", "2023-01-31"]
    );
    let planned = page.all(".timeline__item--planned");
    assert_eq!(planned.len(), 1);
    assert!(text_of(planned[0]).contains("Planned From July 2025"));
}

#[test]
fn judgements_table_tells_not_judged_from_not_recorded() {
    let site = basic();
    let page = site.page("/inspections/");
    let row = page
        .all("table.table--judgements tbody tr")
        .into_iter()
        .map(text_of)
        .find(|r| r.contains("Children in care"))
        .expect("a row for children in care");
    // The 2010 inspection (an overall grade only) and the 2014 one did not judge it.
    assert_eq!(row, "Children in care Not judged Not judged Not recorded");
    let help = page
        .all("table.table--judgements tbody tr")
        .into_iter()
        .map(text_of)
        .find(|r| r.starts_with("Children who need help"))
        .expect("a row for help and protection");
    assert_eq!(
        help,
        "Children who need help and protection Not judged Requires improvement to be good Inadequate"
    );
}

/// Narrow screens show the judgements as a list per inspection in place of the grid.
#[test]
fn judgements_are_also_listed_per_inspection() {
    let site = basic();
    let page = site.page("/inspections/");
    let titles = page.texts(".judgements-list h3");
    let grids = page.all("table.table--judgements thead th a");
    assert_eq!(titles.len(), grids.len(), "{titles:?}");
    let lists: Vec<Vec<String>> = page
        .all(".judgements-list dl")
        .into_iter()
        .map(|dl| {
            let sel = scraper::Selector::parse("div").expect("a selector");
            dl.select(&sel).map(text_of).collect()
        })
        .collect();
    // The first inspection has only an overall grade; each list starts with the overall.
    assert_eq!(lists[0], ["Overall judgement Good"]);
    assert_eq!(
        lists.get(1).map(Vec::as_slice),
        Some(
            &[
                "Overall judgement Requires improvement to be good".to_string(),
                "Children who need help and protection Requires improvement to be good".to_string(),
                "Part of: Children looked after and achieving permanence Adoption performance Requires improvement to be good".to_string(),
            ][..]
        ),
        "{lists:?}"
    );
    let later = lists.get(2).expect("a third inspection");
    assert!(
        later.iter().any(|g| g == "Children in care Not recorded"),
        "judged with no grade recorded is listed; not judged is not: {later:?}"
    );
}

#[test]
fn free_text_due_dates_are_shown_as_written() {
    let site = basic();
    let area = site.page("/plans/demo/01-front-door/");
    assert_eq!(
        area.summary_value("article[aria-labelledby=action-1-2]", "Due"),
        "Start Oct 22 and review every 6 weeks"
    );
    let oversight = site.page("/plans/demo/02-oversight/");
    assert_eq!(
        oversight.summary_value("article[aria-labelledby=action-2-1]", "Due"),
        "Review 30/09/23 (read as 30 September 2023)"
    );
}

#[test]
fn dates_read_the_uk_way_inside_time_elements() {
    let site = basic();
    let action = site.page("/plans/demo/actions/1-1/");
    assert_eq!(action.summary_value("main", "Due"), "16 September 2022");
    let due = action.one(".summary time[datetime='2022-09-16']");
    assert_eq!(text_of(due), "16 September 2022");
    assert_eq!(
        action.summary_value("main", "Responsible"),
        "Head of Service"
    );
    assert_eq!(action.summary_value("main", "Status"), "Completed");
    assert_eq!(
        action.summary_value("main", "Status in the source"),
        "Green"
    );
    let unknown = site.page("/plans/demo/actions/1-5/");
    assert_eq!(unknown.summary_value("main", "Responsible"), "Not recorded");
    assert_eq!(unknown.summary_value("main", "Status"), "Not recorded");
}

#[test]
fn action_page_shows_its_history_oldest_first() {
    let site = basic();
    let page = site.page("/plans/demo/actions/1-3/");
    let items = page.texts(".timeline__item");
    assert_eq!(
        items,
        [
            "In progress and on schedule 30 November 2022 Draft written.",
            "Delayed or not on schedule 15 January 2023 Partners asked for more time.",
        ]
    );
}

#[test]
fn the_main_navigation_marks_where_the_reader_is() {
    let site = basic();
    let current = |url: &str| -> Vec<(String, String)> {
        let page = site.page(url);
        page.all("nav[aria-label=Main] a[aria-current]")
            .iter()
            .map(|a| {
                (
                    text_of(*a),
                    a.value().attr("aria-current").unwrap().to_string(),
                )
            })
            .collect()
    };
    let one = |title: &str, value: &str| vec![(title.to_string(), value.to_string())];
    assert_eq!(current("/"), one("Home", "page"));
    assert_eq!(current("/reports/"), one("Reports", "page"));
    assert_eq!(
        current("/reports/2020-06-26-audit-committee/"),
        one("Reports", "true"),
        "a report is in the Reports section, not the Reports page"
    );
    assert_eq!(current("/plans/demo/"), one("Action plan", "page"));
    assert_eq!(
        current("/plans/demo/actions/1-3/"),
        one("Action plan", "true")
    );
    assert_eq!(
        current("/inspections/monitoring-visit-1/"),
        one("Inspections", "true")
    );
    assert_eq!(current("/about/"), one("About this site", "page"));
    assert!(current("/accessibility/").is_empty());
}

#[test]
fn home_page_says_where_the_journey_stands() {
    let site = basic();
    let home = site.page("/");
    assert_eq!(home.text("#current-heading + p"), "Inadequate");
    assert!(home
        .text("#latest-heading + p a")
        .contains("Fifth monitoring visit"));
    assert!(home
        .text("section > .progress .progress__text")
        .starts_with("2 of 7 actions completed (29%)"));
    let reports = home.texts("#reports-heading + ul li");
    assert_eq!(
        reports,
        ["Focused visit and improvement programme, Audit Committee, 26 June 2020"]
    );
}

#[test]
fn every_page_has_one_h1_a_language_and_a_main_landmark() {
    let site = basic();
    let out = site.out();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let url = entry
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace("index.html", "");
            let page = site.page(&url);
            assert_eq!(page.all("h1").len(), 1, "{url}");
            assert_eq!(page.all("main#main-content").len(), 1, "{url}");
            // A strict Content-Security-Policy would block any style attribute.
            assert!(page.all("[style]").is_empty(), "{url} has an inline style");
            assert_eq!(
                page.one("html").value().attr("lang"),
                Some("en-GB"),
                "{url}"
            );
            pages += 1;
        }
    }
    assert!(pages >= 24, "only {pages} pages checked");
}

#[test]
fn a_markdown_tables_columns_keep_the_alignment_the_author_gave() {
    let report = basic().page("/reports/2020-06-26-audit-committee/");
    let classes = |css: &str| -> Vec<String> {
        report
            .all(css)
            .iter()
            .map(|c| c.value().attr("class").unwrap_or("").to_string())
            .collect()
    };
    let want = ["align-left", "align-right", "align-centre"];
    assert_eq!(classes(".prose thead th"), want);
    assert_eq!(classes(".prose tbody td"), want);
    assert_eq!(
        report.texts(".prose tbody td"),
        ["Visits on time", "95", "Amber"]
    );
}

#[test]
fn links_and_assets_live_under_the_base_url_path() {
    let site = basic();
    let home = site.page("/");
    let css: Vec<&str> = home
        .all("link[rel=stylesheet]")
        .into_iter()
        .filter_map(|l| l.value().attr("href"))
        .collect();
    assert_eq!(css, ["/improvement/style.css", "/improvement/colours.css"]);
    let about = site.page("/reports/2020-06-26-audit-committee/");
    let link = about
        .all(".prose a")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .collect::<Vec<_>>();
    assert_eq!(
        link,
        ["/improvement/about/"],
        "Markdown links to content files become site addresses"
    );
    assert_eq!(
        home.one("link[rel=canonical]").value().attr("href"),
        Some("https://example.org/improvement/")
    );
}

/// A copy of the basic fixture with the site's own `templates/<name>`.
fn basic_with_template(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates").join(name), text).unwrap();
    dir
}

#[test]
fn a_site_overrides_single_theme_files() {
    let dir = basic_with_template(
        "page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Council's own: {{ title }}</h1>{% endblock content %}",
    );
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(
        dir.path().join("static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let site = build(dir.path(), Links::Rooted);
    assert_eq!(
        site.page("/about/").text("h1"),
        "Council's own: About this site"
    );
    assert!(site.out().join("logo.svg").is_file());
    assert!(
        site.page("/")
            .text("h1")
            .contains("Children's services improvement"),
        "other templates still the theme's"
    );
}

#[test]
fn a_site_overrides_the_shared_footer_and_every_page_shows_it() {
    let dir = basic_with_template(
        "footer.html",
        "<footer class=\"footer\"><p>Council's own footer, {{ site.organisation }}: <a href=\"{{ root }}data/\">data</a></p></footer>",
    );
    // From disk, each page's way back to the root differs with its depth.
    let site = build(dir.path(), Links::Relative);
    for (page, data) in [
        ("/index.html", "./data/index.html"),
        ("/reports/index.html", "../data/index.html"),
        (
            "/plans/demo/actions/1-3/index.html",
            "../../../../data/index.html",
        ),
    ] {
        let page = site.page(page);
        assert!(page.text("footer").starts_with("Council's own footer"));
        assert_eq!(page.one("footer a").value().attr("href"), Some(data));
        assert_eq!(page.all("footer").len(), 1);
    }
}

#[test]
fn a_sites_own_base_template_from_before_the_shared_parts_still_works() {
    let dir = basic_with_template(
        "base.html",
        r#"<!DOCTYPE html><html lang="{{ site.language }}"><head><title>{{ title }}</title></head><body>
<nav aria-label="Main"><ul>{% for item in nav %}<li><a href="{{ root }}{{ item.url }}"{% if item.section == section %} aria-current="{% if item.url == path %}page{% else %}true{% endif %}"{% endif %}>{{ item.title }}</a></li>{% endfor %}</ul></nav>
<main>{% block content %}{% endblock content %}</main></body></html>"#,
    );
    let site = build(dir.path(), Links::Rooted);
    let report = site.page("/reports/2020-06-26-audit-committee/");
    let current = report.one("nav a[aria-current]");
    assert_eq!(text_of(current), "Reports");
    assert_eq!(current.value().attr("aria-current"), Some("true"));
    assert!(
        report.all("footer").is_empty(),
        "the site's own base.html is used"
    );
}

#[test]
fn base_url_can_be_set_when_building() {
    let dir = tempfile::tempdir().unwrap();
    let options = waymark::BuildOptions {
        output: Some(dir.path().join("public")),
        base_url: Some("https://staging.example.org/sub".into()),
        ..waymark::BuildOptions::new(fixture("basic"))
    };
    let outcome = waymark::build(&options).unwrap();
    assert!(outcome.pages > 0);
    let home = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/sub/style.css\""));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://staging.example.org/sub/\">"));
    let sitemap = std::fs::read_to_string(dir.path().join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://staging.example.org/sub/plans/demo/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn a_brand_colour_too_weak_for_text_gets_a_warning_and_the_site_still_builds() {
    let dir = common::copy_of("basic");
    let site_yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(
        &site_yaml,
        text.replace(
            "contact_email:",
            "branding:\n  colour: \"#777777\"\ncontact_email:",
        ),
    )
    .unwrap();
    let built = build(dir.path(), Links::Rooted);
    let warnings: Vec<_> = built
        .outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == waymark::Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].message.contains("contrast of only 4.48:1"),
        "{}",
        warnings[0].message
    );
    assert!(built
        .page("/")
        .one("header")
        .value()
        .attr("class")
        .unwrap_or("")
        .contains("header--branded"));
}

#[test]
fn building_again_gives_exactly_what_a_fresh_build_gives() {
    let dir = common::copy_of("basic");
    let root = dir.path();
    let run = |args: &[&str]| {
        let out = common::waymark(root, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["build"]);
    run(&["build"]);
    // The third build is made over the first one's folder, kept aside by the second.
    std::fs::remove_file(root.join("content/reports/2020-06-26-audit-committee.md")).unwrap();
    run(&["build"]);
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    run(&["build", "--output", fresh_out.to_str().unwrap()]);

    let public = root.join("public");
    assert!(!public.join("reports/2020-06-26-audit-committee").exists());
    assert_eq!(common::snapshot(&public), common::snapshot(&fresh_out));
    assert!(root.join(".public.waymark-previous/index.html").is_file());
}

/// The basic fixture with actions written to be run by a spreadsheet that opens the CSV.
fn basic_with_formulas() -> tempfile::TempDir {
    let dir = common::copy_of("basic");
    let area = dir.path().join("content/plans/demo/01-front-door.yaml");
    let text = std::fs::read_to_string(&area).unwrap();
    let text = [
        (
            "action: Recruit 8 social workers",
            r#"action: '=HYPERLINK("http://evil.example","click")'"#,
        ),
        (
            "responsible: Head of Service",
            r#"responsible: "+cmd|' /C calc'!A0""#,
        ),
        (
            "action: Review the consultation line",
            r#"action: "\t=1+1""#,
        ),
        (
            "responsible: Service Manager",
            r#"responsible: "\r@SUM(A1)""#,
        ),
        ("action: Weekly audits of decisions", "action: \"-5\""),
    ]
    .iter()
    .fold(text, |t, (from, to)| {
        assert!(t.contains(from), "{from}");
        t.replacen(from, to, 1)
    });
    std::fs::write(&area, text).unwrap();
    dir
}

#[test]
fn open_data_csv_cells_that_a_spreadsheet_would_run_are_marked_as_text_and_json_is_exact() {
    let dir = basic_with_formulas();
    let site = build(dir.path(), Links::Rooted);
    let csv_text = std::fs::read_to_string(site.out().join("data/demo-actions.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("data/demo-actions.json")).unwrap(),
    )
    .unwrap();
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(rows.len(), actions.len());

    let cell = |id: &str, name: &str| {
        let row = rows.iter().find(|r| &r[5] == id).unwrap();
        let at = header.iter().position(|h| h == name).unwrap();
        row[at].to_string()
    };
    let exact = |id: &str, name: &str| {
        let action = actions.iter().find(|a| a["id"] == id).unwrap();
        action[name].as_str().unwrap().to_string()
    };
    let formula = r#"=HYPERLINK("http://evil.example","click")"#;
    assert_eq!(cell("1.1", "action"), format!("'{formula}"));
    assert_eq!(exact("1.1", "action"), formula);
    assert_eq!(cell("1.1", "responsible"), "'+cmd|' /C calc'!A0");
    assert_eq!(exact("1.1", "responsible"), "+cmd|' /C calc'!A0");
    // The tab and carriage return are trimmed as any outer space is, before the check:
    // what follows them is marked as text.
    assert_eq!(cell("1.2", "action"), "'=1+1");
    assert_eq!(exact("1.2", "action"), "=1+1");
    assert_eq!(cell("1.3", "responsible"), "'@SUM(A1)");
    assert_eq!(cell("1.4", "action"), "'-5");
    assert_eq!(exact("1.4", "action"), "-5");
    assert_eq!(cell("1.5", "action"), "Policy on repeat contacts");

    // Every cell of every row: as the JSON has it, or that with the quote before it.
    let starts = ['=', '+', '-', '@', '\t', '\r'];
    for (row, action) in rows.iter().zip(actions) {
        for (name, cell) in header.iter().zip(row.iter()) {
            assert!(!cell.starts_with(starts), "{name}: {cell:?}");
            let want = match &action[name] {
                serde_json::Value::String(s) if s.starts_with(starts) => format!("'{s}"),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(cell, want, "{name}");
        }
    }

    let data = site.page("/data/");
    assert_eq!(
        data.one("#csv-text").text().collect::<String>(),
        "In the CSV files, a cell that begins with =, +, - or @, a tab or a carriage return \
         has an apostrophe (') added before its text, so that spreadsheets show it as text \
         and do not run it as a formula. Every such cell gets one, even a negative number or \
         a line that starts with a dash. The JSON files hold the exact text, with nothing added."
    );
}

/// The main navigation's links as (text, href), in order.
fn nav_links(page: &common::Page) -> Vec<(String, String)> {
    page.all("nav[aria-label=Main] a")
        .into_iter()
        .map(|a| (text_of(a), a.value().attr("href").unwrap().to_string()))
        .collect()
}

#[test]
fn pages_with_a_nav_order_join_the_main_navigation_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    let pages = dir.path().join("content/pages");
    let page = |name: &str, head: &str| {
        let text = format!("---\n{head}---\nText.\n");
        std::fs::write(pages.join(name), text).unwrap();
    };
    page("contact.md", "title: Contact us\nnav_order: 2\n");
    page("glossary.md", "title: Glossary\nnav_order: 1\n");
    page("history.md", "title: Our history\n");
    let site = build(dir.path(), Links::Rooted);
    let home = site.page("/");
    let base = "/improvement/";
    let expected: Vec<(String, String)> = [
        ("Home", ""),
        ("Action plan", "plans/demo/"),
        ("Inspections", "inspections/"),
        ("Reports", "reports/"),
        ("Search", "search/"),
        ("Glossary", "glossary/"),
        ("Contact us", "contact/"),
        ("About this site", "about/"),
    ]
    .iter()
    .map(|(t, u)| (t.to_string(), format!("{base}{u}")))
    .collect();
    assert_eq!(
        nav_links(&home),
        expected,
        "a page without nav_order stays out"
    );
    let contact = site.page("/contact/");
    let current = contact.one("nav[aria-label=Main] a[aria-current]");
    assert_eq!(text_of(current), "Contact us");
    assert_eq!(current.value().attr("aria-current"), Some("page"));
}

#[test]
fn without_base_url_the_accessibility_statement_names_the_website() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), dir.path());
    let site_yaml = dir.path().join("content/site.yaml");
    let text = std::fs::read_to_string(&site_yaml).unwrap();
    let text = text.replace("base_url: https://example.org/improvement/\n", "");
    std::fs::write(&site_yaml, text).unwrap();
    let site = build(dir.path(), Links::Rooted);
    let statement = site.page("/accessibility/");
    assert_eq!(
        statement.text("main p:first-of-type"),
        "This accessibility statement applies to the Children's services improvement website of Example Borough Council."
    );

    let with = basic();
    assert_eq!(
        with.page("/accessibility/").text("main p:first-of-type"),
        "This accessibility statement applies to https://example.org/improvement/, the Children's services improvement website of Example Borough Council."
    );
}
