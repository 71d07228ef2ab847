//! Feeds and discovery files: an Atom feed (RFC 4287) of reports, visits, inspections and
//! milestones, sitemap.xml and robots.txt. Written as text with every value escaped; dates come only
//! from the content, so the files do not change because a build ran on another day.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::escape::escape;
use crate::model::addresses::{
    full_address, inspection_url, is_full_address, milestone_url, page_address, plan_url,
    report_url,
};
use crate::model::{Inspection, Site, When};

pub const FEED_PATH: &str = "feed.xml";
pub const SITEMAP_PATH: &str = "sitemap.xml";

/// How many entries the feed holds, newest first. A reader checks a feed often and shows
/// what is new since the last check; a feed of every report since the first (3.6 MB for
/// 10,000) would be downloaded whole at every check. The site's own lists have them all.
const FEED_ENTRIES: usize = 50;

/// One entry of the feed.
struct Entry<'a> {
    title: &'a str,
    path: String,
    updated: NaiveDate,
    summary: Option<&'a str>,
    /// Why its date may mislead: said in the summary, as lists on the site mark it.
    date_note: Option<&'a str>,
    category: &'a str,
}

/// An event's date in the feed: when its report was published, else when it ended or began.
fn event_date(i: &Inspection) -> Option<NaiveDate> {
    i.published.or_else(|| match &i.when {
        When::Dates { start, end } => Some(end.unwrap_or(*start).first_day()),
        _ => None,
    })
}

/// The newest [`FEED_ENTRIES`] reports, visits, inspections and plans. A plan's entry keeps
/// its id and takes the plan's as-at date, so readers see it as updated when the figures are.
fn entries(site: &Site) -> Vec<Entry<'_>> {
    let s = &site.config.strings;
    let mut entries: Vec<Entry> = site
        .reports
        .iter()
        .map(|r| Entry {
            title: &r.title,
            path: report_url(r),
            updated: r.date,
            summary: r.summary.as_deref(),
            date_note: r.date_note.as_deref(),
            category: s.get("progress_report"),
        })
        .collect();
    entries.extend(
        site.inspections
            .iter()
            .filter(|i| !i.planned)
            .filter_map(|i| {
                Some(Entry {
                    title: &i.title,
                    path: inspection_url(i),
                    updated: event_date(i)?,
                    summary: i.summary.as_deref(),
                    date_note: i.date_note.as_deref(),
                    category: i.kind.label(),
                })
            }),
    );
    // A milestone known only to the month or year is dated by its first day.
    entries.extend(site.milestones.iter().map(|m| Entry {
        title: &m.title,
        path: milestone_url(m),
        updated: m.date.first_day(),
        summary: m.summary.as_deref(),
        date_note: None,
        category: m.kind.as_deref().unwrap_or(s.get("milestone")),
    }));
    entries.extend(site.plans.iter().map(|p| Entry {
        title: &p.title,
        path: plan_url(p),
        updated: p.as_at,
        summary: p.summary.as_deref(),
        date_note: None,
        category: s.get("action_plan"),
    }));
    // Newest first; the path breaks ties so the order never depends on anything else.
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.path.cmp(&b.path)));
    entries.truncate(FEED_ENTRIES);
    entries
}

/// An entry's id: a name-based UUID from the organisation and the page's path, so ids stay
/// the same when the site moves to another address and readers do not see every entry again.
fn entry_id(site: &Site, path: &str) -> String {
    let name = format!("waymark:{}:{}", site.config.organisation, path);
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes());
    format!("urn:uuid:{id}")
}

fn timestamp(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", crate::dates::iso_day(d))
}

/// Links in the feed: full addresses when the base URL is one; otherwise relative to the
/// feed itself, which sits at the site root, so readers resolve them against its address.
fn feed_link(site: &Site, path: &str) -> String {
    full_address(site, path).unwrap_or_else(|| {
        if path.is_empty() {
            "./".into()
        } else {
            path.into()
        }
    })
}

pub fn atom(site: &Site) -> String {
    let entries = entries(site);
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(site.config.as_at);
    let c = &site.config;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&c.language)
    );
    let _ = writeln!(xml, "  <title>{}</title>", escape(&c.title));
    if let Some(d) = &c.description {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(d));
    }
    let _ = writeln!(xml, "  <id>{}</id>", entry_id(site, FEED_PATH));
    let _ = writeln!(xml, "  <updated>{}</updated>", timestamp(updated));
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        escape(&c.organisation)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&feed_link(site, FEED_PATH))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&feed_link(site, ""))
    );
    for e in &entries {
        push_entry(&mut xml, site, e);
    }
    xml.push_str("</feed>\n");
    xml
}

fn push_entry(xml: &mut String, site: &Site, e: &Entry) {
    xml.push_str("  <entry>\n");
    let _ = writeln!(xml, "    <title>{}</title>", escape(e.title));
    let _ = writeln!(xml, "    <id>{}</id>", entry_id(site, &e.path));
    let _ = writeln!(xml, "    <updated>{}</updated>", timestamp(e.updated));
    let _ = writeln!(
        xml,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&feed_link(site, &e.path))
    );
    let _ = writeln!(
        xml,
        "    <category term=\"{}\" label=\"{}\"/>",
        escape(&crate::routes::slugify(e.category)),
        escape(e.category)
    );
    let summary = e.summary.unwrap_or(e.category);
    let summary = match e.date_note {
        Some(note) => format!(
            "{summary} {} {note}",
            site.config.strings.get("note_on_this_date")
        ),
        None => summary.to_string(),
    };
    let _ = writeln!(xml, "    <summary>{}</summary>", escape(&summary));
    xml.push_str("  </entry>\n");
}

/// The sitemap: every page's full address. None when the base URL is not a full address,
/// because the sitemap protocol accepts nothing else.
pub fn sitemap(site: &Site, pages: &[String]) -> Option<String> {
    if !is_full_address(&site.config.base_url) {
        return None;
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in pages {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            escape(&page_address(site, path))
        );
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// Allows everything, and names the sitemap when there is one. Crawlers read robots.txt
/// only at a host's root: a site under a path needs the line copied into the host's file.
pub fn robots(site: &Site) -> String {
    let mut txt = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = full_address(site, SITEMAP_PATH) {
        let _ = writeln!(txt, "\nSitemap: {url}");
    }
    txt
}

/// The feed, sitemap and robots.txt: each file's path below the site root and its text.
/// `pages` are the addresses of the site's pages, for the sitemap.
pub fn files(site: &Site, pages: &[String]) -> Vec<(String, String)> {
    let mut out = vec![
        (FEED_PATH.to_string(), atom(site)),
        ("robots.txt".to_string(), robots(site)),
    ];
    if let Some(map) = sitemap(site, pages) {
        out.push((SITEMAP_PATH.to_string(), map));
    }
    out
}
