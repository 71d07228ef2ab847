//! Markdown → safe HTML: links between content files become site addresses, raw HTML is
//! sanitised, and every problem is reported with the bytes it came from.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;

use serde::Serialize;

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Kind, Severity};
use crate::kept::Kept;
use crate::routes::Routes;

/// Sanitised HTML made from an author's Markdown. Internal links start with [`ROOT`],
/// which rendering replaces with the way back to the site root from each page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Html(pub Arc<String>);

impl Html {
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Placeholder for the site root inside Markdown-made HTML; see [`Html`].
pub const ROOT: &str = "@@waymark-root@@/";

/// What a piece of Markdown was: a file's body (the read and where it starts), or a
/// field's text.
#[derive(Clone, PartialEq, Eq)]
pub enum From {
    Cut((u64, usize)),
    Text(String),
}

pub type MarkdownKept = Kept<u64, Rendered>;

#[derive(Clone)]
pub struct Rendered {
    pub file: PathBuf,
    pub from: From,
    pub html: Html,
    pub problems: Vec<Problem>,
    pub blocks: Vec<BlockMarker>,
}

/// Stands in the HTML for the live block numbered after it (`@@waymark-block:0@@`), until
/// rendering puts the block there: its figures depend on the page's date, not the text.
pub const BLOCK: &str = "@@waymark-block:";

/// A paragraph that is only `[[...]]`: a live block. `span` (relative to the Markdown)
/// covers the brackets; `text` is what is between them, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockMarker {
    pub text: String,
    pub span: Range<usize>,
}

/// The text between `[[` and `]]` when `paragraph` is nothing else: one line, no brackets
/// or code inside, so an example in a sentence or a code span stays text.
pub fn block_text(paragraph: &str) -> Option<(usize, &str)> {
    let trimmed = paragraph.trim_end();
    let start = trimmed.len() - trimmed.trim_start().len();
    let inner = trimmed[start..].strip_prefix("[[")?.strip_suffix("]]")?;
    let plain = !inner.contains(['[', ']', '`', '\n', '<']) && !inner.trim().is_empty();
    plain.then_some((start, inner.trim()))
}

/// A problem in a piece of Markdown; `span` is relative to the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    /// Markdown's problems can come by the thousand in one file: the kind lets the report fold them.
    pub kind: Kind,
}

/// The site's addresses, which links in Markdown are checked against, and (serve mode)
/// where Markdown rendered against these same addresses is kept, with a hash of them.
#[derive(Clone, Copy)]
pub struct Addresses<'a> {
    pub routes: &'a Routes,
    pub kept: Option<(&'a MarkdownKept, u64)>,
}

impl<'a> Addresses<'a> {
    /// For a build that keeps nothing (every build but serve mode's).
    pub fn new(routes: &'a Routes) -> Self {
        Addresses { routes, kept: None }
    }

    /// Keeps rendered Markdown in `kept`, filed under a hash of the addresses: a page
    /// added or removed renders links afresh.
    pub fn keeping(routes: &'a Routes, kept: &'a MarkdownKept) -> Self {
        Addresses {
            routes,
            kept: Some((kept, routes.fingerprint())),
        }
    }
}

/// What the Markdown sits in: the file it came from (for relative links) and the site's addresses.
pub struct Context<'a> {
    pub file: &'a Path,
    /// Whether `[[...]]` paragraphs are live blocks (a report's or page's body).
    pub blocks: bool,
    pub addresses: Addresses<'a>,
    /// For a file's body: which read of the file it is (see `SourceFile::read`) and where
    /// it starts. That names the text exactly, so serve mode need not compare it.
    pub cut_from: Option<(u64, usize)>,
}

pub fn render(markdown: &str, ctx: &Context<'_>) -> (Html, Vec<Problem>) {
    let (html, problems, _) = render_with_blocks(markdown, ctx);
    (html, problems)
}

/// As [`render`], also giving the live blocks found (see [`BlockMarker`]).
pub fn render_with_blocks(
    markdown: &str,
    ctx: &Context<'_>,
) -> (Html, Vec<Problem>, Vec<BlockMarker>) {
    let Some((kept, routes)) = ctx.addresses.kept else {
        return render_afresh(markdown, ctx);
    };
    let mut hasher = DefaultHasher::new();
    (routes, ctx.file.as_os_str()).hash(&mut hasher);
    match ctx.cut_from {
        Some(cut) => cut.hash(&mut hasher),
        None => markdown.hash(&mut hasher),
    }
    let key = hasher.finish();
    let same = |r: &Rendered| {
        r.file == ctx.file
            && match ctx.cut_from {
                Some(cut) => r.from == From::Cut(cut),
                None => matches!(&r.from, From::Text(t) if t == markdown),
            }
    };
    if let Some(r) = kept.get(&key, same) {
        return (r.html, r.problems, r.blocks);
    }
    let (html, problems, blocks) = render_afresh(markdown, ctx);
    let rendered = Rendered {
        file: ctx.file.to_path_buf(),
        from: ctx
            .cut_from
            .map_or_else(|| From::Text(markdown.to_string()), From::Cut),
        html: html.clone(),
        problems: problems.clone(),
        blocks: blocks.clone(),
    };
    kept.put(key, rendered);
    (html, problems, blocks)
}

fn render_afresh(markdown: &str, ctx: &Context<'_>) -> (Html, Vec<Problem>, Vec<BlockMarker>) {
    if markdown.trim().is_empty() {
        return (Html::default(), Vec::new(), Vec::new());
    }
    let mut pass = Pass::default();
    let mut html = pass.run(markdown, ctx, false);
    if pass.has_h1 {
        // The page's title is its only h1; the author's headings sit below it. Rare, so
        // the text is rendered again rather than every text's events kept to go back over.
        html = Pass::default().run(markdown, ctx, true);
    }
    if pass.raw_html {
        html = sanitiser().clean(&html).to_string();
    }
    (Html(Arc::new(html)), pass.problems, pass.blocks)
}

/// One rendering of a text, noting what it found on the way.
#[derive(Default)]
struct Pass {
    problems: Vec<Problem>,
    raw_html: bool,
    has_h1: bool,
    cells: Cells,
    blocks: Vec<BlockMarker>,
    /// Inside a block's paragraph, whose events the block's marker replaces.
    in_block: bool,
}

impl Pass {
    fn run(&mut self, markdown: &str, ctx: &Context<'_>, demote: bool) -> String {
        // Events are changed in place: each is some 90 bytes, and moving it through
        // several steps cost more than the steps themselves.
        let events = Parser::new_ext(markdown, options())
            .into_offset_iter()
            .filter_map(|(mut event, span)| {
                if ctx.blocks {
                    if let Some(keep) = self.block(&mut event, &span, markdown) {
                        return keep.then_some(event);
                    }
                }
                self.check(&mut event, &span, markdown, ctx);
                if demote {
                    demote_heading(&mut event);
                }
                Some(event)
            });
        let mut html = String::with_capacity(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events);
        html
    }

    /// Turns a paragraph that is a live block into its marker, kept (`Some(true)`), and
    /// drops the rest of that paragraph (`Some(false)`); None for every other event.
    fn block(
        &mut self,
        event: &mut Event<'_>,
        span: &Range<usize>,
        markdown: &str,
    ) -> Option<bool> {
        match event {
            Event::Start(Tag::Paragraph) => {
                let (at, text) = markdown.get(span.clone()).and_then(block_text)?;
                let start = span.start + at;
                let end = start + markdown[start..span.end].trim_end().len();
                *event = Event::Html(format!("{BLOCK}{}@@\n", self.blocks.len()).into());
                self.blocks.push(BlockMarker {
                    text: text.to_string(),
                    span: start..end,
                });
                self.in_block = true;
                Some(true)
            }
            Event::End(TagEnd::Paragraph) if self.in_block => {
                self.in_block = false;
                Some(false)
            }
            _ => self.in_block.then_some(false),
        }
    }

    /// Rewrites links to content files and table cells' alignment; notes raw HTML, h1s
    /// and problems.
    fn check(
        &mut self,
        event: &mut Event<'_>,
        span: &Range<usize>,
        markdown: &str,
        ctx: &Context<'_>,
    ) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                *dest_url = rewrite_link(dest_url, ctx, span, &mut self.problems);
            }
            Event::Html(chunk) | Event::InlineHtml(chunk) => {
                self.raw_html = true;
                self.problems.extend(unsafe_html(chunk, markdown, span));
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => self.has_h1 = true,
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead) => self.cells.align(event),
            _ => {}
        }
    }
}

/// Table columns' alignment, written as classes rather than pulldown-cmark's inline
/// styles: a strict Content-Security-Policy blocks style attributes, and so does the
/// sanitiser on pages with raw HTML.
#[derive(Default)]
struct Cells {
    columns: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

impl Cells {
    /// Changes the event in place: moving every event in and out costs more.
    fn align(&mut self, event: &mut Event<'_>) {
        match event {
            Event::Start(Tag::Table(columns)) => {
                let plain = vec![Alignment::None; columns.len()];
                self.columns = std::mem::replace(columns, plain);
            }
            Event::Start(Tag::TableHead) => (self.in_head, self.column) = (true, 0),
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableRow) => self.column = 0,
            Event::Start(Tag::TableCell) => {
                let alignment = self.columns.get(self.column).copied();
                self.column += 1;
                if let Some(tag) = cell_start(self.in_head, alignment) {
                    *event = Event::Html(CowStr::Borrowed(tag));
                }
            }
            _ => {}
        }
    }
}

/// The classes the sanitiser lets through on table cells.
const ALIGN_CLASSES: [&str; 3] = ["align-left", "align-centre", "align-right"];

/// The opening tag of an aligned cell (the writer still closes it).
fn cell_start(in_head: bool, alignment: Option<Alignment>) -> Option<&'static str> {
    Some(match (in_head, alignment?) {
        (_, Alignment::None) => return None,
        (true, Alignment::Left) => "<th class=\"align-left\">",
        (true, Alignment::Center) => "<th class=\"align-centre\">",
        (true, Alignment::Right) => "<th class=\"align-right\">",
        (false, Alignment::Left) => "<td class=\"align-left\">",
        (false, Alignment::Center) => "<td class=\"align-centre\">",
        (false, Alignment::Right) => "<td class=\"align-right\">",
    })
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

fn demote_heading(event: &mut Event<'_>) {
    let lower = |level: &mut HeadingLevel| {
        *level = match level {
            HeadingLevel::H1 => HeadingLevel::H2,
            HeadingLevel::H2 => HeadingLevel::H3,
            HeadingLevel::H3 => HeadingLevel::H4,
            HeadingLevel::H4 => HeadingLevel::H5,
            _ => HeadingLevel::H6,
        }
    };
    match event {
        Event::Start(Tag::Heading { level, .. }) | Event::End(TagEnd::Heading(level)) => {
            lower(level)
        }
        _ => {}
    }
}

fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    ctx: &Context<'_>,
    span: &Range<usize>,
    problems: &mut Vec<Problem>,
) -> CowStr<'a> {
    let dest_str: &str = dest;
    let (path, fragment) = match dest_str.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (dest_str, String::new()),
    };
    if path.is_empty() {
        return dest.clone();
    }
    if let Some(scheme) = scheme_of(path) {
        let safe = ["http", "https", "mailto", "tel"];
        if safe.iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
            return dest.clone();
        }
        let scheme = scheme.to_ascii_lowercase();
        problems.push(Problem {
            severity: Severity::Warning,
            span: span.clone(),
            message: format!("This link uses `{scheme}:`, which is not safe on a public website, so it has been removed."),
            help: "Link to a web page (https://...), an email address (mailto:...) or another content file.".into(),
            kind: Kind::UnsafeLink,
        });
        return CowStr::from("#");
    }
    if let Some(site_path) = path.strip_prefix('/') {
        return site_link(site_path, &fragment, ctx, span, problems);
    }
    if is_content_file(path) {
        return match ctx.addresses.routes.resolve(ctx.file, path) {
            Some(url) => CowStr::from(format!("{ROOT}{url}{fragment}")),
            None => {
                problems.push(missing_link(path, span));
                dest.clone()
            }
        };
    }
    problems.push(relative_link(path, span));
    dest.clone()
}

/// A relative address that is not a content file: where it leads depends on the page the
/// text is shown on (an action's text appears on several), so it cannot be checked.
fn relative_link(target: &str, span: &Range<usize>) -> Problem {
    Problem {
        severity: Severity::Error,
        span: span.clone(),
        message: format!("This links to `{target}`, which is neither a content file nor an address Waymark can check."),
        help: "Link to another content file by its file name (for example `../reports/2024-01-15-committee-update.md`), to a page or file of this site from its top (for example `/reports/` or `/documents/plan.pdf`), or to a full web address starting `https://`.".into(),
        kind: Kind::UncheckableLink,
    }
}

/// `/reports/` style links: to a page if one is there, else to a static file.
fn site_link<'a>(
    site_path: &str,
    fragment: &str,
    ctx: &Context<'_>,
    span: &Range<usize>,
    problems: &mut Vec<Problem>,
) -> CowStr<'a> {
    let looks_like_page = !site_path.rsplit('/').next().unwrap_or("").contains('.');
    let page = if site_path.is_empty() || site_path.ends_with('/') {
        site_path.to_string()
    } else {
        format!("{site_path}/")
    };
    if looks_like_page && !ctx.addresses.routes.has_url(&page) {
        problems.push(missing_link(&format!("/{site_path}"), span));
    }
    let target = if looks_like_page {
        page
    } else {
        site_path.to_string()
    };
    CowStr::from(format!("{ROOT}{target}{fragment}"))
}

fn missing_link(target: &str, span: &Range<usize>) -> Problem {
    Problem {
        severity: Severity::Error,
        span: span.clone(),
        message: format!("This links to `{target}`, but there is no such page or content file."),
        help: "Check the spelling and the folder. Links to other content files are written relative to this file, for example `../reports/2024-01-15-committee-update.md`.".into(),
        kind: Kind::MissingLink,
    }
}

fn is_content_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// A URL's scheme as written (`HTTPS` in `HTTPS://x`), if it has one.
fn scheme_of(url: &str) -> Option<&str> {
    let colon = memchr::memchr(b':', url.as_bytes())?;
    let scheme = &url[..colon];
    let valid = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then_some(scheme)
}

/// What sanitising will strip from a piece of raw HTML, so the author hears about it.
/// The span underlines the offending tag or attribute, not the whole block.
fn unsafe_html(chunk: &str, markdown: &str, span: &Range<usize>) -> Option<Problem> {
    // Inside a quote or list the source line carries `> ` or indentation that the chunk
    // lacks, so search the source itself; the chunk is the fallback.
    let (text, base) = match markdown.get(span.clone()) {
        Some(source) => (source, span.start),
        None => (chunk, span.start),
    };
    let lower = text.to_ascii_lowercase();
    let (at, found) = [
        ("<script", "a script"),
        ("<iframe", "an embedded frame (iframe)"),
        ("<object", "an embedded object"),
        ("<embed", "an embedded object"),
        ("<form", "a form"),
        ("<style", "a style block"),
        ("javascript:", "a `javascript:` link"),
        ("style=", "a style attribute"),
    ]
    .iter()
    .find_map(|(needle, what)| lower.find(needle).map(|i| (i, what.to_string())))
    .or_else(|| {
        event_handler_at(&lower).map(|i| (i, "an event handler (such as onclick)".to_string()))
    })
    .or_else(|| unsafe_address_at(&lower).map(|(i, scheme)| (i, format!("a `{scheme}:` link"))))?;
    let end = match lower[at..].find(['>', '\n']) {
        Some(i) if lower[at + i..].starts_with('>') => at + i + 1,
        Some(i) => at + i,
        None => lower.len(),
    };
    Some(Problem {
        severity: Severity::Warning,
        span: base + at..base + end,
        message: format!("This HTML contains {found}, which has been removed from the page."),
        help: "Write the content in Markdown instead. Scripts, frames, event handlers and styles are never published, so that the site stays safe and readable.".into(),
        kind: Kind::UnsafeHtml,
    })
}

/// Where an `href` or `src` starts whose address the sanitiser will drop, with the
/// address's scheme: read as a browser reads it, character references decoded and tabs
/// and line breaks ignored, so `jav&#x61;script:` is found too.
fn unsafe_address_at(lower: &str) -> Option<(usize, String)> {
    ["href", "src"].iter().find_map(|name| {
        lower.match_indices(name).find_map(|(i, _)| {
            let before = lower[..i].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                return None;
            }
            let address = decoded(attribute_value(&lower[i + name.len()..])?);
            let scheme = scheme_of(&address)?;
            let safe = ["http", "https", "mailto", "tel"].contains(&scheme);
            (!safe).then(|| (i, scheme.to_string()))
        })
    })
}

/// The value of an attribute, given the text just after its name (`="x"`, `='x'`, `=x`).
fn attribute_value(after_name: &str) -> Option<&str> {
    let rest = after_name.trim_start().strip_prefix('=')?.trim_start();
    let (quote, body) = match rest.chars().next()? {
        q @ ('"' | '\'') => (Some(q), &rest[1..]),
        _ => (None, rest),
    };
    let end = match quote {
        Some(q) => body.find(q).unwrap_or(body.len()),
        None => body
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or(body.len()),
    };
    Some(&body[..end])
}

/// An attribute value as the browser sees it: `&#x61;`, `&#97;`, `&colon;`, `&tab;` and
/// `&newline;` decoded, then tabs, line breaks and other control characters dropped.
fn decoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match character_reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.retain(|c| !c.is_control());
    out
}

/// The character a reference at the start of `text` stands for, and the reference's length.
fn character_reference(text: &str) -> Option<(char, usize)> {
    for (name, c) in [("&colon;", ':'), ("&tab;", '\t'), ("&newline;", '\n')] {
        if text.starts_with(name) {
            return Some((c, name.len()));
        }
    }
    let digits = text.strip_prefix("&#")?;
    let (radix, digits, skip) = match digits.strip_prefix('x') {
        Some(hex) => (16, hex, 3),
        None => (10, digits, 2),
    };
    let len = digits
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    let code = u32::from_str_radix(digits.get(..len).filter(|d| !d.is_empty())?, radix).ok()?;
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some((char::from_u32(code)?, skip + len + semicolon))
}

/// Where an attribute such as ` onclick=` starts, if the HTML has one.
fn event_handler_at(lower: &str) -> Option<usize> {
    lower.match_indices(" on").find_map(|(i, _)| {
        let rest = &lower[i + 3..];
        let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        (name_len > 0 && rest[name_len..].trim_start().starts_with('=')).then_some(i + 1)
    })
}

fn sanitiser() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b.url_relative(ammonia::UrlRelative::PassThrough);
        b.add_tag_attributes("th", ["scope"]);
        b.add_tag_attributes("td", ["headers"]);
        b.add_allowed_classes("th", ALIGN_CLASSES);
        b.add_allowed_classes("td", ALIGN_CLASSES);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn routes() -> Routes {
        let mut r = Routes::default();
        r.add(Path::new("content/reports/a.md"), "reports/a/".into())
            .unwrap();
        r.add(Path::new("content/site.yaml"), "".into()).unwrap();
        r
    }

    fn md(text: &str) -> (Html, Vec<Problem>) {
        let routes = routes();
        let file = PathBuf::from("content/pages/about.md");
        render(
            text,
            &Context {
                file: &file,
                blocks: true,
                addresses: Addresses::new(&routes),
                cut_from: None,
            },
        )
    }

    #[test]
    fn links_to_content_files_become_site_addresses() {
        let (html, problems) = md("See [the report](../reports/a.md#next).");
        assert!(problems.is_empty());
        assert!(
            html.0.contains(&format!("href=\"{ROOT}reports/a/#next\"")),
            "{}",
            html.0
        );
    }

    #[test]
    fn links_to_missing_files_are_errors_pointing_at_the_link() {
        let text = "Intro.\n\nSee [the report](../reports/b.md).";
        let (_, problems) = md(text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, Severity::Error);
        assert!(text[problems[0].span.clone()].contains("[the report]"));
    }

    const TABLE: &str =
        "| Indicator | Target | RAG | Note |\n|:--|--:|:-:|--|\n| Waste | 249 | Red | x |\n";

    /// The cells of the table in `html`, as (tag, class) pairs in order.
    fn cells(html: &str) -> Vec<(String, Option<String>)> {
        let doc = scraper::Html::parse_fragment(html);
        let cell = scraper::Selector::parse("th, td").unwrap();
        doc.select(&cell)
            .map(|c| {
                let class = c.value().attr("class").map(str::to_string);
                (c.value().name().to_string(), class)
            })
            .collect()
    }

    #[test]
    fn table_alignment_is_a_class_not_an_inline_style() {
        let (html, problems) = md(TABLE);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!html.0.contains("style="), "{}", html.0);
        let class = |c: &str| Some(c.to_string());
        let want = |cell: &str| {
            vec![
                (cell.to_string(), class("align-left")),
                (cell.to_string(), class("align-right")),
                (cell.to_string(), class("align-centre")),
                (cell.to_string(), None),
            ]
        };
        assert_eq!(
            cells(&html.0),
            [want("th"), want("td")].concat(),
            "{}",
            html.0
        );
    }

    #[test]
    fn table_alignment_survives_the_sanitiser() {
        let (html, problems) = md(&format!("Line one<br>line two.\n\n{TABLE}"));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(html.0.contains("<br>"), "{}", html.0);
        let classes: Vec<_> = cells(&html.0).into_iter().map(|(_, c)| c).collect();
        assert_eq!(classes[1].as_deref(), Some("align-right"), "{}", html.0);
        assert_eq!(classes[6].as_deref(), Some("align-centre"), "{}", html.0);
    }

    #[test]
    fn scripts_and_handlers_are_removed_with_a_warning() {
        let (html, problems) = md("<p onclick=\"x()\">Hi</p>\n\n<script>alert(1)</script>\n\n<table><tr><th scope=\"col\">A</th></tr></table>");
        assert!(!html.0.contains("script"));
        assert!(!html.0.contains("onclick"));
        assert!(html.0.contains("<th scope=\"col\">A</th>"), "{}", html.0);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn html_warnings_underline_the_tag_not_the_block() {
        let text = "Intro.\n\n<div style=\"display:none\">Hidden</div>\n";
        let (_, problems) = md(text);
        assert_eq!(&text[problems[0].span.clone()], "style=\"display:none\">");
    }

    #[test]
    fn javascript_hidden_by_character_references_is_reported() {
        for html in [
            "<a href=\"jav&#x61;script:alert(1)\">x</a>",
            "<a href='&#106;avascript&colon;alert(1)'>x</a>",
            "<a title=\"t\" href=java&#x09;script:alert(1)>x</a>",
            "<img src=\"vbscript:msgbox\">",
        ] {
            let (out, problems) = md(html);
            assert!(!out.0.contains("script:"), "{html} gave {}", out.0);
            assert_eq!(problems.len(), 1, "{html}: {problems:?}");
            assert!(
                problems[0].message.contains("script:` link"),
                "{html}: {}",
                problems[0].message
            );
        }
        let (_, problems) = md("<a href=\"https://example.org/&#x61;\">x</a>");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn relative_links_that_are_not_content_files_are_errors() {
        for target in ["../nonexist/", "../../../../etc/passwd", "notes.pdf"] {
            let (_, problems) = md(&format!("[x]({target})"));
            assert_eq!(problems.len(), 1, "{target}: {problems:?}");
            assert_eq!(problems[0].severity, Severity::Error);
            assert!(problems[0].message.contains(target), "{problems:?}");
        }
        for fine in [
            "#top",
            "/reports/a/",
            "https://example.org/",
            "mailto:a@example.org",
        ] {
            let (_, problems) = md(&format!("[x]({fine})"));
            assert!(
                problems.iter().all(|p| p.severity != Severity::Error),
                "{fine}: {problems:?}"
            );
        }
    }

    #[test]
    fn javascript_links_are_removed() {
        let (html, problems) = md("[x](javascript:alert(1))");
        assert!(!html.0.contains("javascript"));
        assert_eq!(problems.len(), 1);
        let (html, problems) = md("[x](JavaScript:alert(1)) [y](HTTPS://example.org/)");
        assert!(!html.0.contains("alert"), "{}", html.0);
        assert!(
            html.0.contains("href=\"HTTPS://example.org/\""),
            "{}",
            html.0
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("`javascript:`"),
            "{:?}",
            problems[0]
        );
    }

    #[test]
    fn author_h1_is_demoted_below_the_page_title() {
        let (html, _) = md("# Findings\n\n## Detail");
        assert!(html.0.contains("<h2>Findings</h2>"));
        assert!(html.0.contains("<h3>Detail</h3>"));
    }
}
