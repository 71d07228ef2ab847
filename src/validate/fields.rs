//! Reading single fields the way authors write them: dates, colours, Markdown.

use std::borrow::Cow;
use std::path::Path;

use chrono::NaiveDate;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use crate::dates::{parse_day, DateError, Due, PartialDate};
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown::Addresses;
use crate::markdown::{self, BlockMarker, Problem};
use crate::model::Html;
use crate::source::Split;
use crate::yaml::{Document, YamlPath};

/// A date as written. YAML reads `2018` as a number and `2022-09-16` as text; both are fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDate(pub String);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(i64),
        }
        Ok(RawDate(match Either::deserialize(d)? {
            Either::Text(t) => t,
            Either::Number(n) => n.to_string(),
        }))
    }
}

// What editors are told about dates and colours (`waymark schema`). Each pattern accepts
// at least what the readers below accept: an editor must never underline what
// `waymark check` takes, so the checker stays the judge of the finer points.
const WHOLE_DATE: &str = r"^[\s,]*(\d{4}-\d{2}-\d{2}|\d{1,4}[/.]\d{1,4}[/.](\d{2}|\d{4})|\+?\d+[A-Za-z]*[\s,]+[^\s,]+[\s,]+[-+\d]\d{3})[\s,]*$";
const DATE_WORDS: &str = "Write the date as year-month-day, for example 2022-09-16 (or 16/09/2022, or 16 September 2022).";

impl JsonSchema for RawDate {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    // The widest form: a due date may be words. Fields that need a day say so with `WholeDate`.
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "integer"] })
    }
}

/// For `waymark schema`: a field read as a whole day (`date_field`).
pub(crate) struct WholeDate;

impl JsonSchema for WholeDate {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "WholeDate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": WHOLE_DATE,
            "patternErrorMessage": DATE_WORDS,
        })
    }
}

/// For `waymark schema`: a field that may give only the month or year (`partial_date_field`).
pub(crate) struct PartialDateText;

impl JsonSchema for PartialDateText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "PartialDate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let partial = format!(r"{WHOLE_DATE}|^\s*\d{{4}}(-\d{{2}})?\s*$");
        json_schema!({
            "anyOf": [
                { "type": "string", "pattern": partial },
                { "type": "integer", "minimum": 1000, "maximum": 9999 },
            ],
            "errorMessage": format!("{DATE_WORDS} If only the month or year is known, write 2010-12 or 2018."),
        })
    }
}

/// For `waymark schema`: a web address as `web_address` reads it (the schema checks the
/// start; `waymark check` the rest).
pub(crate) struct WebAddressText;

impl JsonSchema for WebAddressText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "WebAddress".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/@]+\S*\s*$",
            "patternErrorMessage": "Write the document's full address as your browser shows it, starting https://, for example https://www.example.gov.uk/report.pdf.",
        })
    }
}

/// For `waymark schema`: a language tag, as `strings::is_language_tag` reads it.
pub(crate) struct LanguageTagText;

impl JsonSchema for LanguageTagText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "LanguageTag".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": crate::strings::LANGUAGE_TAG_PATTERN,
            "patternErrorMessage": "Write the language's short code, such as en-GB for British English or cy for Welsh.",
        })
    }
}

/// For `waymark schema`: a colour as `colour` reads it.
pub(crate) struct ColourText;

impl JsonSchema for ColourText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Colour".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": r"^\s*#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})\s*$",
            "patternErrorMessage": "Write colours as a hash and six hexadecimal digits, in quotes: \"#1d70b8\".",
        })
    }
}

const DATE_HELP: &str = "Write dates as year-month-day (2023-02-28) or day/month/year (28/02/23).";

fn date_problem(doc: &Document, path: &YamlPath, written: &str, err: DateError) -> Diagnostic {
    let field = path.to_string();
    let field = field.rsplit('.').next().unwrap_or("date");
    match err {
        DateError::Impossible(why) => doc
            .error_at(
                path,
                format!("`{field}: {written}` is not a real date: {why}."),
            )
            .help(format!(
                "Check the day and month.{} {DATE_HELP}",
                day_first_note(written)
            )),
        DateError::NotADate => doc
            .error_at(
                path,
                format!("`{field}: {written}` is not a date Waymark can read."),
            )
            .help(DATE_HELP),
    }
}

/// Dates with `/` are read day first; an author who wrote month first needs telling why.
fn day_first_note(written: &str) -> &'static str {
    if written.contains('/') {
        " Dates written with `/` are always read day first, the UK way: 06/09/22 is 6 September 2022."
    } else {
        ""
    }
}

/// A whole date (day known), or None with a problem recorded.
pub fn date_field(
    doc: &Document,
    path: &YamlPath,
    raw: Option<&RawDate>,
    problems: &mut Vec<Diagnostic>,
) -> Option<NaiveDate> {
    let raw = raw?;
    match parse_day(&raw.0) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(date_problem(doc, path, &raw.0, DateError::NotADate));
            None
        }
        Err(e) => {
            problems.push(date_problem(doc, path, &raw.0, e));
            None
        }
    }
}

pub fn partial_date_field(
    doc: &Document,
    path: &YamlPath,
    raw: Option<&RawDate>,
    problems: &mut Vec<Diagnostic>,
) -> Option<PartialDate> {
    let raw = raw?;
    PartialDate::parse(&raw.0)
        .map_err(|e| {
            let d = date_problem(doc, path, &raw.0, e);
            problems.push(d.help(format!(
                "{DATE_HELP} If only the month or year is known, write `2010-12` or `2018`."
            )));
        })
        .ok()
}

pub fn due_field(
    doc: &Document,
    path: &YamlPath,
    raw: Option<&RawDate>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Due> {
    let raw = raw?;
    Due::parse(&raw.0)
        .map_err(|e| problems.push(date_problem(doc, path, &raw.0, e)))
        .ok()
}

/// `#rgb` or `#rrggbb`, returned as `#rrggbb` in lower case.
pub fn colour(
    doc: &Document,
    path: &YamlPath,
    written: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let hex = written.trim().strip_prefix('#').unwrap_or("");
    let full = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => String::new(),
    };
    if !full.is_empty() && full.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(format!("#{}", full.to_ascii_lowercase()));
    }
    problems.push(
        doc.error_at(
            path,
            format!("`{written}` is not a colour Waymark can use."),
        )
        .help("Write colours as a hash and six hexadecimal digits, in quotes: \"#1d70b8\"."),
    );
    None
}

/// A colour that text is drawn on (header bar, status tag): warns when neither white nor
/// black text on it reaches the WCAG AA contrast of 4.5:1.
pub fn background_colour(
    doc: &Document,
    path: &YamlPath,
    written: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let hex = colour(doc, path, written, problems)?;
    if let Some(ratio) =
        crate::colour::best_text_contrast(&hex).filter(|r| *r < crate::colour::AA_TEXT)
    {
        problems.push(
            doc.warning_at(path, format!("Text on the colour {hex} would have a contrast of only {ratio:.2}:1; WCAG 2.2 AA needs at least 4.5:1, so some readers could not read it."))
                .help("Choose a darker or lighter shade. A contrast checker (such as WebAIM's) shows the ratio as you try colours."),
        );
    }
    Some(hex)
}

/// Renders a Markdown field of a YAML file; link problems point at the field.
pub fn markdown_field(
    doc: &Document,
    path: &YamlPath,
    text: Option<&str>,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Html {
    let Some(text) = text else {
        return Html::default();
    };
    let (html, found) = markdown::render(
        text,
        &markdown::Context {
            file: &doc.file,
            blocks: false,
            addresses,
            cut_from: None,
        },
    );
    if !found.is_empty() {
        // Positions are worked out only for a message: most fields have none.
        let span = doc.span(path);
        problems.extend(
            found
                .into_iter()
                .map(|p| to_diagnostic(&doc.file, p, span.clone())),
        );
    }
    html
}

/// Renders the Markdown body of a file.
pub fn markdown_body(
    file: &Path,
    split: &Split<'_>,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Html {
    body(file, split, addresses, false, problems).0
}

/// Renders the body of a report or page, where `[[...]]` paragraphs are live blocks: their
/// markers come back with spans in the file.
pub fn markdown_body_with_blocks(
    file: &Path,
    split: &Split<'_>,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> (Html, Vec<BlockMarker>) {
    body(file, split, addresses, true, problems)
}

fn body(
    file: &Path,
    split: &Split<'_>,
    addresses: Addresses<'_>,
    blocks: bool,
    problems: &mut Vec<Diagnostic>,
) -> (Html, Vec<BlockMarker>) {
    let ctx = markdown::Context {
        file,
        blocks,
        addresses,
        cut_from: Some((split.read, split.body_offset)),
    };
    let (html, found, mut markers) = markdown::render_with_blocks(split.body, &ctx);
    let offset = split.body_offset;
    problems.extend(found.into_iter().map(|p| {
        let span = p.span.start + offset..p.span.end + offset;
        to_diagnostic(file, p, Some(span))
    }));
    for m in &mut markers {
        m.span = m.span.start + offset..m.span.end + offset;
    }
    (html, markers)
}

fn to_diagnostic(file: &Path, p: Problem, span: Option<std::ops::Range<usize>>) -> Diagnostic {
    let d = match p.severity {
        Severity::Error => Diagnostic::error(file, p.message),
        Severity::Warning => Diagnostic::warning(file, p.message),
        Severity::Info => Diagnostic::info(file, p.message),
    };
    d.at(span).help(p.help).kind(p.kind)
}

/// Optional text: a blank value means "not recorded", the same as leaving it out.
pub fn text(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Text `waymark new` writes for the author to replace: left in, it would be published.
pub const OUTCOME_PROMPT: &str = "Write the outcome for children and families here.";
pub const ACTION_PROMPT: &str = "Write what will be done here.";

/// A warning when `written` is still the prompt `waymark new` put there.
pub fn prompt_left(
    doc: &Document,
    path: &YamlPath,
    written: &str,
    prompt: &str,
) -> Option<Diagnostic> {
    (written.trim() == prompt).then(|| {
        doc.warning_at(path, format!("This is still the example text that `waymark new` wrote: \"{prompt}\""))
            .help("Replace it with the words of the source document, or delete it if the source has nothing here.")
    })
}

/// `source_url`: a full http(s) address, as the url crate normalises it
/// (what a browser would follow), or None with a problem pointing at the field.
pub fn web_address(
    doc: &Document,
    path: &YamlPath,
    value: Option<String>,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let written = text(value)?;
    let parsed = url::Url::parse(&written).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    });
    if parsed.is_none() || written.chars().any(char::is_whitespace) {
        problems.push(
            doc.error_at(path, format!("`source_url: {written}` is not a web address a reader could follow."))
                .help("Write the document's full address as your browser shows it, starting `https://` (or `http://`), for example `https://www.example.gov.uk/report.pdf`, or leave the field out."),
        );
        return None;
    }
    parsed.map(|u| u.to_string())
}
