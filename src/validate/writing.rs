//! Report and page files → `Report` and `Page`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::blocks;
use super::fields::{
    date_field, markdown_body_with_blocks, markdown_field, text, web_address, RawDate,
    WebAddressText, WholeDate,
};
use crate::diagnostics::Diagnostic;
use crate::markdown::Addresses;
use crate::model::{Page, Report};
use crate::source::Split;
use crate::yaml::{Document, YamlPath};

/// A progress report: the front matter of content/reports/<name>.md.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReport {
    /// The report's title.
    title: String,
    /// The date of the meeting, or when the report was published (year-month-day).
    #[schemars(with = "WholeDate")]
    date: RawDate,
    /// The meeting it went to, for example: Audit Committee.
    meeting: Option<String>,
    /// Who wrote it, with their role.
    author: Option<String>,
    /// One or two sentences shown in the list of reports.
    summary: Option<String>,
    /// The document these facts come from: its title or web address.
    source: Option<String>,
    /// The web address of the source document (the council's committee papers, say), starting `https://`. The report's page links to it.
    #[schemars(with = "Option<WebAddressText>")]
    source_url: Option<String>,
    /// Why the date shown may mislead a reader, in a sentence or two, for example when the source gives a date that cannot be right. The date is then marked wherever it is listed, and this note is shown beside it.
    date_note: Option<String>,
    /// Markdown: a note from the editors, shown marked as an editorial note.
    editorial_note: Option<String>,
}

/// A page of its own: the front matter of content/pages/<name>.md.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    /// The page's title.
    pub title: String,
    /// One or two sentences shown in lists and by search engines.
    pub summary: Option<String>,
    /// Another address for the page, instead of its file's name: lower-case letters, digits and hyphens, with / between words.
    #[schemars(extend(
        "pattern" = r"^\s*[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*/*\s*$",
        "patternErrorMessage" = "A page's address may only use lower-case letters, digits, hyphens and / between words, for example: contact-us."
    ))]
    pub slug: Option<String>,
    /// A whole number that puts the page in the main navigation on every page: lowest first.
    pub nav_order: Option<u32>,
}

pub fn read_report(
    doc: &Document,
    slug: &str,
    split: &Split<'_>,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Report> {
    let root = YamlPath::root();
    let raw: RawReport = doc
        .read(&root, "a report")
        .map_err(|d| problems.push(d))
        .ok()?;
    let date = date_field(doc, &root.key("date"), Some(&raw.date), problems);
    let editorial_note = markdown_field(
        doc,
        &root.key("editorial_note"),
        raw.editorial_note.as_deref(),
        addresses,
        problems,
    );
    let (body, markers) = markdown_body_with_blocks(&doc.file, split, addresses, problems);
    let blocks = blocks::read(&doc.file, markers, problems);
    let source_url = web_address(doc, &root.key("source_url"), raw.source_url, problems);
    Some(Report {
        source_url,
        date_note: text(raw.date_note),
        slug: slug.to_string(),
        title: raw.title,
        date: date?,
        meeting: text(raw.meeting),
        author: text(raw.author),
        summary: text(raw.summary),
        source: text(raw.source),
        editorial_note,
        body,
        blocks,
    })
}

pub fn read_page_head(doc: &Document) -> Result<RawPage, Diagnostic> {
    doc.read(&YamlPath::root(), "a page")
}

pub fn read_page(
    doc: &Document,
    head: RawPage,
    slug: &str,
    split: &Split<'_>,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Page {
    let (body, markers) = markdown_body_with_blocks(&doc.file, split, addresses, problems);
    Page {
        slug: slug.to_string(),
        title: head.title,
        summary: text(head.summary),
        body,
        blocks: blocks::read(&doc.file, markers, problems),
        nav_order: head.nav_order,
    }
}
