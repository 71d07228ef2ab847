//! Report and page files → `Report` and `Page`.

use serde::Deserialize;

use super::blocks;
use super::fields::{
    date_field, markdown_body_with_blocks, markdown_field, text, web_address, RawDate,
};
use crate::diagnostics::Diagnostic;
use crate::markdown::Addresses;
use crate::model::{Page, Report};
use crate::source::Split;
use crate::yaml::{Document, YamlPath};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    title: String,
    date: RawDate,
    meeting: Option<String>,
    author: Option<String>,
    summary: Option<String>,
    source: Option<String>,
    /// The web address of the source document (the council's committee papers, say), starting `https://`. The report's page links to it.
    source_url: Option<String>,
    /// Why the date shown may mislead a reader, in a sentence or two, for example when the source gives a date that cannot be right. The date is then marked wherever it is listed, and this note is shown beside it.
    date_note: Option<String>,
    editorial_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: String,
    pub summary: Option<String>,
    pub slug: Option<String>,
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
