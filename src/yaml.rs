//! The only module that parses YAML. serde_yaml reads values; yaml-rust2's event parser
//! records where each value sits, because serde_yaml's values carry no positions.
//! Swapping serde_yaml for a maintained fork touches this file alone.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_yaml::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{closest, offset_of, Diagnostic};

/// Where a value sits in a document: `outcomes[0].actions[2].status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct YamlPath(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

impl YamlPath {
    pub fn root() -> Self {
        YamlPath(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_string()));
        next
    }

    pub fn index(&self, i: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(i));
        next
    }

    fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Place {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

/// A parsed YAML document that can say where any of its values came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: PathBuf,
    pub value: Value,
    /// The YAML text and where it starts in its file: positions are worked out from it
    /// only when a message needs one, as most files never need any.
    text: String,
    offset: usize,
    /// Byte offsets where the lines before the YAML start.
    head_lines: Vec<usize>,
    places: OnceLock<HashMap<YamlPath, Place>>,
    /// Byte offset where each line up to the end of the YAML starts.
    line_starts: OnceLock<Vec<usize>>,
}

/// Reads a whole YAML text into `T`, for tools and tests that need no positions.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// Writes `value` as YAML, for the commands that make content files (`new`, `import`).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Parses `text`, which starts `offset` bytes into the file `full` (front matter sits
/// after the `---` line). Positions in diagnostics are offsets into `full`.
pub fn parse(file: &Path, full: &str, offset: usize, text: &str) -> Result<Document, Diagnostic> {
    let at = Positions { full, text, offset };
    let value: Value = serde_yaml::from_str(text).map_err(|e| syntax_error(file, &at, &e))?;
    Ok(Document {
        file: file.to_path_buf(),
        value: if value.is_null() {
            Value::Mapping(Default::default())
        } else {
            value
        },
        text: text.to_string(),
        offset,
        head_lines: std::iter::once(0)
            .chain(full[..offset].match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        places: OnceLock::new(),
        line_starts: OnceLock::new(),
    })
}

impl Document {
    fn places(&self) -> &HashMap<YamlPath, Place> {
        self.places
            .get_or_init(|| index_places(&self.text, self.offset).places)
    }

    /// The span of the value at `path`, or of the nearest enclosing value that has one.
    pub fn span(&self, path: &YamlPath) -> Option<Range<usize>> {
        let mut path = path.clone();
        loop {
            if let Some(place) = self.places().get(&path) {
                return Some(place.value.clone());
            }
            path.0.pop()?;
        }
    }

    fn key_span(&self, path: &YamlPath) -> Option<Range<usize>> {
        self.places()
            .get(path)
            .and_then(|p| p.key.clone())
            .or_else(|| self.span(path))
    }

    pub fn value_at(&self, path: &YamlPath) -> Option<&Value> {
        let mut node = &self.value;
        for seg in &path.0 {
            node = match seg {
                Segment::Key(k) => node.get(k.as_str())?,
                Segment::Index(i) => node.get(*i)?,
            };
        }
        Some(node)
    }

    /// Where the value at `path` sits in the file, with its key, for editing the file in
    /// place (`waymark import`). Block-style YAML only, as content files are written:
    /// None for a value inside `[...]` or `{...}`, or one the events did not place.
    pub fn extent(&self, path: &YamlPath) -> Option<Extent> {
        let place = self.places().get(path)?;
        let text = &self.text;
        let marked = place.key.as_ref().map_or(place.value.start, |k| k.start);
        let marked = marked.checked_sub(self.offset)?;
        let line_start = text[..marked].rfind('\n').map_or(0, |i| i + 1);
        // A list item's events mark somewhere in its first line: it starts after `- `.
        let local = match place.key {
            Some(_) => marked,
            None => {
                let line = &text[line_start..line_end_with_break(text, line_start)];
                let body = line.trim_start_matches(' ');
                let after = body
                    .strip_prefix('-')
                    .map_or(body, |b| b.trim_start_matches(' '));
                line_start + line.len() - after.len()
            }
        };
        let start = local + self.offset;
        let before = &text[line_start..local];
        if before.contains(['[', '{']) {
            return None;
        }
        // A list item's lines are those indented past its `- `; an entry's, those
        // indented past its key (and `- ` items in line with a key, for a list under it).
        let item = place.key.is_none();
        let indent = before.len();
        let deeper_than = match item {
            true => before.trim_end().len().saturating_sub(1),
            false => indent,
        };
        let list_in_line = !item && matches!(self.value_at(path), Some(Value::Sequence(_)));
        let mut end = line_end_with_break(text, local);
        let mut at = end;
        while at < text.len() {
            let next = line_end_with_break(text, at);
            let line = &text[at..next];
            let body = line.trim_start_matches(' ');
            let spaces = line.len() - body.len();
            let blank = body.trim().is_empty() || body.starts_with('#');
            if !blank {
                let inside = spaces > deeper_than
                    || (list_in_line
                        && spaces == indent
                        && (body.starts_with("- ") || body.trim_end() == "-"));
                if !inside {
                    break;
                }
                end = next;
            }
            at = next;
        }
        let value_on_line = match item {
            true => None,
            false => {
                value_after_key(text, local).map(|v| v.start + self.offset..v.end + self.offset)
            }
        };
        Some(Extent {
            line_start: line_start + self.offset,
            start,
            indent,
            value_on_line,
            end: end + self.offset,
        })
    }

    /// The 1-based line of the value at `path`.
    pub fn line_of(&self, path: &YamlPath) -> usize {
        let offset = self.span(path).map_or(0, |s| s.start);
        let line_starts = self.line_starts.get_or_init(|| {
            let mut starts = self.head_lines.clone();
            let text = self.text.match_indices('\n');
            starts.extend(text.map(|(i, _)| self.offset + i + 1));
            starts
        });
        line_starts.partition_point(|&start| start <= offset)
    }

    /// Reads the value at `path` as `T`. `what` names it for the author ("an action").
    pub fn read<T: DeserializeOwned>(&self, path: &YamlPath, what: &str) -> Result<T, Diagnostic> {
        self.read_parts(path, what, &[])
    }

    /// [`Document::read`], with names for the groups inside the value by the field that
    /// holds them (`("delay", "a delay")`), so a message about one names it, not the whole.
    pub fn read_parts<T: DeserializeOwned>(
        &self,
        path: &YamlPath,
        what: &str,
        parts: &[(&str, &str)],
    ) -> Result<T, Diagnostic> {
        let empty = Value::Mapping(Default::default());
        let value = self.value_at(path).unwrap_or(&empty);
        serde_path_to_error::deserialize(value).map_err(|err| {
            let mut at = path.clone();
            for seg in err.path().iter() {
                at = match seg {
                    serde_path_to_error::Segment::Seq { index } => at.index(*index),
                    serde_path_to_error::Segment::Map { key } => at.key(key),
                    _ => at,
                };
            }
            let what = part_name(&at.0[path.0.len().min(at.0.len())..], parts).unwrap_or(what);
            self.shape_error(&at, what, &err.inner().to_string())
        })
    }

    /// The value at `path` as the author wrote it, when it is on one line: `2.10`, where
    /// the parsed value is the number 2.1.
    pub fn written(&self, path: &YamlPath) -> Option<&str> {
        let span = self.places().get(path)?.value.clone();
        let start = span.start.checked_sub(self.offset)?;
        let line = self.text.get(start..span.end.checked_sub(self.offset)?)?;
        let value = line.split(" #").next().unwrap_or(line).trim();
        (!value.is_empty()).then_some(value)
    }

    /// A flat file's `key: text` lines (a strings file): each key with its text (empty for
    /// a key with nothing after it), None for a value that is not text. None when the file
    /// is not a list of fields.
    pub fn flat_texts(&self) -> Option<Vec<(String, Option<String>)>> {
        texts_of(&self.value)
    }

    /// The `name: text` lines under `path` (a strings file's plural forms), as
    /// [`Document::flat_texts`] gives a file's; None when there are none to read.
    pub fn texts_at(&self, path: &YamlPath) -> Option<Vec<(String, Option<String>)>> {
        texts_of(self.value_at(path)?)
    }

    /// A problem with the value at `path`, in this document's file.
    pub fn error_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.file, message).at(self.span(path))
    }

    pub fn warning_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.file, message).at(self.span(path))
    }

    /// A problem with the key at `path` (such as a list under it), pointing at the key.
    pub fn error_at_key(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.file, message).at(self.key_span(path))
    }

    pub fn warning_at_key(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.file, message).at(self.key_span(path))
    }

    pub fn info_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::info(&self.file, message).at(self.span(path))
    }

    fn shape_error(&self, at: &YamlPath, what: &str, message: &str) -> Diagnostic {
        if let Some(rest) = message.strip_prefix("unknown field `") {
            return self.unknown_field(at, what, rest);
        }
        if let Some(rest) = message.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or(rest);
            return self
                .error_at(at, missing_field(what, field))
                .help(format!("Add a line `{field}: ...` here. The authoring guide (docs/authoring.md) shows every field."));
        }
        if let Some(rest) = message.strip_prefix("unknown variant `") {
            return self.unknown_value(at, rest);
        }
        if let Some(rest) = message.strip_prefix("invalid type: ") {
            return self.wrong_type(at, rest);
        }
        if message.contains("did not match any variant of untagged enum") {
            // Dates and ids accept text or a number; anything else lands here.
            return self.not_one_line(at);
        }
        let field = at
            .last_key()
            .map(|k| format!("`{k}`: "))
            .unwrap_or_default();
        self.error_at(at, format!("{field}{message}."))
            .help("Compare this with the example in the authoring guide (docs/authoring.md).")
    }

    fn unknown_field(&self, at: &YamlPath, what: &str, rest: &str) -> Diagnostic {
        let field = rest.split('`').next().unwrap_or(rest);
        let allowed = backticked(rest.get(field.len() + 1..).unwrap_or(""));
        let at = if at.last_key() == Some(field) {
            at.clone()
        } else {
            at.key(field)
        };
        let near = closest(field, allowed.iter().map(String::as_str))
            .or_else(|| same_first_word(field, &allowed));
        let help = match near {
            Some(near) => format!("Did you mean `{near}`? Check the spelling of the field name."),
            None => format!("The fields {what} can have are: {}.", allowed.join(", ")),
        };
        Diagnostic::error(
            &self.file,
            format!("`{field}` is not a field {what} can have."),
        )
        .at(self.key_span(&at))
        .help(help)
    }

    fn unknown_value(&self, at: &YamlPath, rest: &str) -> Diagnostic {
        let value = rest.split('`').next().unwrap_or(rest);
        let allowed = backticked(rest.get(value.len() + 1..).unwrap_or(""));
        let field = at.last_key().unwrap_or("this field");
        let mut help = format!("Use one of: {}.", allowed.join(", "));
        if let Some(near) = closest(value, allowed.iter().map(String::as_str)) {
            help = format!("Did you mean `{near}`? {help}");
        }
        self.error_at(
            at,
            format!("`{field}: {value}` is not one of the values allowed for `{field}`."),
        )
        .help(help)
    }

    fn wrong_type(&self, at: &YamlPath, rest: &str) -> Diagnostic {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "something else"));
        let field = at
            .last_key()
            .map(|k| format!("`{k}`"))
            .unwrap_or_else(|| "This".into());
        let message = format!(
            "{field} should be {}, but it is {}.",
            plain_type(expected),
            plain_found(found, self.written(at))
        );
        // A list or group starts on the lines below its key: point at the key itself.
        let nested = found.starts_with("sequence") || found.starts_with("map");
        let span = if nested {
            self.key_span(at)
        } else {
            self.span(at)
        };
        Diagnostic::error(&self.file, message)
            .at(span)
            .help(type_help(expected, found, at.last_key().unwrap_or("name")))
    }

    /// A date or id given as a list, a group of fields or nothing at all.
    fn not_one_line(&self, at: &YamlPath) -> Diagnostic {
        let field = at.last_key().unwrap_or("this field");
        let found = match self.value_at(at) {
            Some(Value::Sequence(_)) => "a list",
            Some(Value::Mapping(_)) => "a group of fields",
            _ => "empty",
        };
        Diagnostic::error(
            &self.file,
            format!("`{field}` should be a single value on the same line, but it is {found}."),
        )
        .at(self.key_span(at))
        .help(match field {
            "id" => {
                "Write the id after the colon, in quotes, for example `id: \"1.1\"`.".to_string()
            }
            _ => format!("Write the date after the colon, for example `{field}: 2022-09-16`."),
        })
    }
}

/// The name of the innermost group in `inner` (a path below the value read) that `parts`
/// names; `delay` in `delay.revised_date`.
fn part_name<'a>(inner: &[Segment], parts: &[(&str, &'a str)]) -> Option<&'a str> {
    inner.iter().rev().find_map(|seg| match seg {
        Segment::Key(k) => parts.iter().find(|(field, _)| field == k).map(|(_, n)| *n),
        Segment::Index(_) => None,
    })
}

/// Where a value and its key sit in a file, as byte offsets into it (see [`Document::extent`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extent {
    /// The start of the line the key (or the list item) is on.
    pub line_start: usize,
    /// Where the key begins; for a list item, where its value begins (after `- `).
    pub start: usize,
    /// The column `start` is in: the fields of one mapping share it.
    pub indent: usize,
    /// The value when it begins on the key's line: without a comment after it, so that
    /// replacing it keeps the comment. For `|` or `>`, that indicator.
    pub value_on_line: Option<Range<usize>>,
    /// Just past the line break of the value's last line. Blank lines and comments after
    /// it belong to what follows, and are not included.
    pub end: usize,
}

/// Just past the line break that ends the line `at` is on (or the end of the text).
fn line_end_with_break(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The value written after the key that starts at `key`, on the key's own line.
fn value_after_key(text: &str, key: usize) -> Option<Range<usize>> {
    let line_end = text[key..].find('\n').map_or(text.len(), |i| key + i);
    let key_end = match text[key..].chars().next() {
        Some('"' | '\'') => value_token_end(text, key),
        _ => key,
    };
    let colon = key_end + text[key_end..line_end].find(':')?;
    let rest = &text[colon + 1..line_end];
    let value = colon + 1 + (rest.len() - rest.trim_start().len());
    if value >= line_end || text[value..].starts_with('#') {
        return None;
    }
    Some(value..value_token_end(text, value))
}

/// The end of the scalar that starts at `start`, before any comment after it on its line.
fn value_token_end(text: &str, start: usize) -> usize {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    let end = match line.chars().next() {
        Some('"') => {
            let mut escaped = false;
            line.char_indices()
                .skip(1)
                .find(|&(_, c)| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map_or(line.len(), |(i, _)| i + 1)
        }
        Some('\'') => {
            let bytes = line.as_bytes();
            let mut i = 1;
            loop {
                match bytes.get(i) {
                    None => break line.len(),
                    Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(b'\'') => break i + 1,
                    Some(_) => i += 1,
                }
            }
        }
        _ => line.find(" #").unwrap_or(line.len()),
    };
    start + line[..end].trim_end().len()
}

/// "This action has no `id:` line": `what` is "an action", or a file name like "site.yaml".
fn missing_field(what: &str, field: &str) -> String {
    let noun = what.strip_prefix("an ").or_else(|| what.strip_prefix("a "));
    match noun {
        Some(noun) => format!("This {noun} has no `{field}:` line, but every {noun} needs one."),
        None => format!("{what} has no `{field}:` line, but it needs one."),
    }
}

/// A field that starts with the same word: `revised_due` for `revised_date`.
fn same_first_word<'a>(field: &str, allowed: &'a [String]) -> Option<&'a str> {
    let (first, _) = field.split_once('_')?;
    let mut found = allowed
        .iter()
        .filter(|a| a.split_once('_').is_some_and(|(f, _)| f == first));
    let one = found.next()?;
    found.next().is_none().then_some(one.as_str())
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn plain_type(expected: &str) -> &'static str {
    match expected {
        e if e.starts_with('u') || e.starts_with('i') && e.len() <= 5 => "a whole number",
        "a string" | "a borrowed string" => "text",
        "a boolean" => "true or false",
        e if e.contains("sequence") => "a list (lines starting with `- `)",
        e if e.starts_with("struct") || e.contains("map") => {
            "a group of fields (indented `name: value` lines)"
        }
        e if e.contains("date") => "a date such as 2022-09-16",
        _ => "something else",
    }
}

/// What serde found (`floating point `0.5``), in words; a number as the author wrote it.
fn plain_found(found: &str, written: Option<&str>) -> String {
    match found.split_whitespace().next().unwrap_or(found) {
        "string" => format!("the text {}", found.trim_start_matches("string ")),
        "sequence" => "a list".into(),
        "map" => "a group of fields".into(),
        "integer" | "floating" => {
            let number = written.or_else(|| found.split('`').nth(1)).unwrap_or("");
            format!("the number {number}").trim().into()
        }
        "boolean" => format!("`{}`", found.split_whitespace().nth(1).unwrap_or("true")),
        "unit" => "empty".into(),
        other => other.into(),
    }
}

fn type_help(expected: &str, found: &str, field: &str) -> String {
    let found_kind = found.split_whitespace().next().unwrap_or("");
    match (plain_type(expected), found_kind) {
        ("text", "sequence") => format!("Write the text on the same line as `{field}:`, not as a list of `- ` lines. For text over several lines, write `{field}: |` and indent the lines under it."),
        ("text", "map") => format!("Write the text on the same line as `{field}:`. If it contains `: ` (a colon and a space), put it in double quotes. For text over several lines, write `{field}: |` and indent the lines under it."),
        ("text", _) => format!("Put the value in double quotes so it is read as text, for example `{field}: \"2022\"`."),
        ("a whole number", _) => format!("Write digits only, for example `{field}: 3`."),
        ("a list (lines starting with `- `)", _) => "Put each item on its own line under this one, indented, starting with `- `.".into(),
        ("a group of fields (indented `name: value` lines)", _) => "Put the fields on the lines under this one, indented by two more spaces.".into(),
        ("true or false", _) => "Write `true` or `false`.".into(),
        _ => "Compare this with the example in the authoring guide (docs/authoring.md).".into(),
    }
}

/// Turns positions in the parsed text into byte spans of the whole file.
struct Positions<'a> {
    full: &'a str,
    text: &'a str,
    offset: usize,
}

impl Positions<'_> {
    /// Byte offset in the file of a 1-based line and 0-based character column of the text.
    fn offset(&self, line: usize, col: usize) -> usize {
        self.offset + offset_of(self.text, line, col)
    }

    /// From that position to the end of its line: what the caret underlines.
    fn rest_of_line(&self, line: usize, col: usize) -> Range<usize> {
        let start = self.offset(line, col);
        start..line_end(self.full, start)
    }

    /// The whole text of a line, from its first non-space character.
    fn line_text(&self, line: usize) -> Range<usize> {
        let start = self.offset(line, 0);
        let indent = self.full[start..].chars().take_while(|c| *c == ' ').count();
        self.rest_of_line(line, indent)
    }

    /// The 1-based line of a byte offset in the file.
    fn line_of(&self, offset: usize) -> usize {
        crate::diagnostics::line_col(self.full, offset).0
    }
}

fn syntax_error(file: &Path, at: &Positions<'_>, e: &serde_yaml::Error) -> Diagnostic {
    let message = e.to_string();
    // serde_yaml counts lines and columns from 1.
    let here = e
        .location()
        .map(|l| (l.line(), l.column().saturating_sub(1)));
    if let Some(d) = quote_problem(file, at, here) {
        return d;
    }
    let here_span = here.map(|(l, c)| at.rest_of_line(l, c));
    let opened = context_location(&message).map(|(l, c)| at.rest_of_line(l, c.saturating_sub(1)));
    if message.contains("tab character") || message.contains("found a tab") {
        return tab_error(file, at, here);
    }
    if message.contains("while scanning a quoted scalar") {
        return unclosed_quote(file, opened.or(here_span));
    }
    if message.contains("flow sequence") || message.contains("flow mapping") {
        return Diagnostic::error(file, "A list or group that opens with `[` or `{` here is never closed.")
            .at(opened.or(here_span))
            .help("Add the closing `]` or `}` at the end of the line. If the value is text that starts with `[` or `{`, put it in double quotes.");
    }
    if message.contains("duplicate entry") {
        return duplicate_key(file, at, here_span);
    }
    if message.contains("could not find expected ':'") {
        if let Some((line, col)) = here {
            return missing_colon(file, at, key_line(at, &message, line, col));
        }
    }
    match here {
        Some((line, col)) if message.contains("mapping values are not allowed") => {
            colon_or_indent(file, at, line, col)
        }
        Some((line, _))
            if message.contains("did not find expected") || message.contains("block") =>
        {
            misaligned(file, at, line)
        }
        _ => {
            let plain = message.split(" at line ").next().unwrap_or(&message);
            Diagnostic::error(file, format!("This is not valid YAML: {plain}."))
                .at(here_span)
                .help("Check the line for a missing colon, stray quote or uneven indentation.")
        }
    }
}

/// libyaml notices an unclosed quote only where the next quote happens to close it, often
/// lines later; yaml-rust2 stops at the quote that opened it. Ask it for a second opinion.
fn quote_problem(
    file: &Path,
    at: &Positions<'_>,
    here: Option<(usize, usize)>,
) -> Option<Diagnostic> {
    struct Ignore;
    impl MarkedEventReceiver for Ignore {
        fn on_event(&mut self, _: Event, _: Marker) {}
    }
    let err = Parser::new_from_str(at.text)
        .load(&mut Ignore, false)
        .err()?;
    let mark = err.marker();
    let spot = (mark.line(), mark.col());
    if here.is_some_and(|h| spot > h) {
        return None; // yaml-rust2 is stricter; a problem after libyaml's is not the cause
    }
    let info = err.info();
    if info.contains("trailing content after") {
        return Some(
            Diagnostic::error(file, "There is more text after the closing quote of this value.")
                .at(Some(at.rest_of_line(spot.0, spot.1)))
                .help("Put the whole value inside the quotes. To use a quote inside the value, put the other kind of quote around it: 'He said \"yes\"'."),
        );
    }
    if info.contains("quoted scalar") {
        return Some(unclosed_quote(file, Some(at.rest_of_line(spot.0, spot.1))));
    }
    None
}

fn unclosed_quote(file: &Path, opened: Option<Range<usize>>) -> Diagnostic {
    Diagnostic::error(file, "This quote is never closed: the value that starts here has no closing quote on its line.")
        .at(opened)
        .help("Add the closing quote at the end of the value. If the value itself contains that quote character, use the other kind of quote around it.")
}

fn tab_error(file: &Path, at: &Positions<'_>, here: Option<(usize, usize)>) -> Diagnostic {
    let span = here.map(|(line, col)| {
        let start = at.offset(line, 0);
        let line_text = &at.full[start..line_end(at.full, start)];
        let tab = line_text
            .find('\t')
            .map_or(at.offset(line, col), |i| start + i);
        tab..tab + 1
    });
    Diagnostic::error(
        file,
        "This line is indented with a tab. YAML files must be indented with spaces.",
    )
    .at(span)
    .help("Replace the tab with spaces (two spaces for each level of indentation).")
}

/// "mapping values are not allowed": either a value holds `: `, or the line is indented
/// further than the one above, so YAML read it as the rest of that line's value.
fn colon_or_indent(file: &Path, at: &Positions<'_>, line: usize, col: usize) -> Diagnostic {
    let start = at.offset(line, 0);
    let before_colon = &at.full[start..at.offset(line, col)];
    if before_colon
        .trim_start()
        .trim_start_matches("- ")
        .contains(": ")
    {
        return Diagnostic::error(file, "This value contains `: ` (a colon and a space), which YAML reads as the start of another field.")
            .at(Some(at.rest_of_line(line, col)))
            .help("Put the whole value in double quotes, for example `title: \"Review: six months on\"`.");
    }
    let this = field_column(at, line);
    let above = previous_line(at, line).map(|l| field_column(at, l));
    let mut help = "Fields at the same level must start in the same column, so YAML can tell which field each line belongs to.".to_string();
    if let Some(above) = above {
        help = format!(
            "This line starts in column {this}, the line above it in column {above}. {help}"
        );
    }
    Diagnostic::error(file, "This line is indented further than the line above it, so YAML reads it as part of that line's value.")
        .at(Some(at.line_text(line)))
        .help(help)
}

/// The line that lacks its colon. libyaml notices only when the next line starts, and
/// reports there; where it names the line the field began on, that is the one.
fn key_line(at: &Positions<'_>, message: &str, line: usize, col: usize) -> usize {
    if let Some((began, _)) = context_location(message) {
        return began;
    }
    let at_start = field_column(at, line) > col;
    match previous_line(at, line) {
        Some(above) if at_start => above,
        _ => line,
    }
}

fn missing_colon(file: &Path, at: &Positions<'_>, line: usize) -> Diagnostic {
    Diagnostic::error(file, "This line has no colon (`:`) after its field name, so YAML cannot tell the name from the value.")
        .at(Some(at.line_text(line)))
        .help("Write the field name, a colon and a space, then the value, for example `responsible: Head of Service`.")
}

fn misaligned(file: &Path, at: &Positions<'_>, line: usize) -> Diagnostic {
    Diagnostic::error(file, "This line does not line up with the lines above it.")
        .at(Some(at.line_text(line)))
        .help("Fields of the same thing must start in the same column, and each item of a list starts with `- ` in the same column as the others. Count the spaces at the start of this line and of the lines above it.")
}

fn duplicate_key(file: &Path, at: &Positions<'_>, here: Option<Range<usize>>) -> Diagnostic {
    let found = index_places(at.text, at.offset).duplicate;
    let Some(dup) = found else {
        return Diagnostic::error(file, "A field appears twice in the same place.")
            .at(here)
            .help("Remove one of them, or merge what they say into one.");
    };
    Diagnostic::error(
        file,
        format!(
            "`{}` is given twice here: it is already given on line {}.",
            dup.key,
            at.line_of(dup.first)
        ),
    )
    .at(Some(dup.second))
    .help("Remove one of them, or merge what they say into one. If they belong to two different items of a list, start the second item with `- `.")
}

/// The 1-based column where a line's field name starts, after any `- ` list markers.
fn field_column(at: &Positions<'_>, line: usize) -> usize {
    let start = at.offset(line, 0);
    let text = &at.full[start..line_end(at.full, start)];
    let mut rest = text.trim_start_matches(' ');
    while let Some(after) = rest.strip_prefix("- ") {
        rest = after.trim_start_matches(' ');
    }
    text[..text.len() - rest.len()].chars().count() + 1
}

/// The nearest line above that holds something other than a comment.
fn previous_line(at: &Positions<'_>, line: usize) -> Option<usize> {
    (1..line).rev().find(|&l| {
        let start = at.offset(l, 0);
        let text = at.full[start..line_end(at.full, start)].trim();
        !text.is_empty() && !text.starts_with('#')
    })
}

/// The end of the line that `start` is on, without trailing spaces; never before one
/// character past `start`, so a caret always shows.
/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// [`offset_of`] for a text whose [`line_starts`] are known.
fn offset_in(text: &str, line_starts: &[usize], line: usize, col: usize) -> usize {
    let Some(&start) = line_starts.get(line.saturating_sub(1)) else {
        return text.len();
    };
    start + offset_of(&text[start..], 1, col)
}

fn line_end(text: &str, start: usize) -> usize {
    let start = start.min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let trimmed = start + text[start..end].trim_end().len();
    let one_char = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    trimmed.max(one_char.min(end))
}

/// libyaml says where the thing it was reading began: "while scanning X at line 3 column 9".
fn context_location(message: &str) -> Option<(usize, usize)> {
    let tail = message.split("while ").nth(1)?;
    let rest = tail.split(" at line ").nth(1)?;
    let mut words = rest.split_whitespace();
    let line = words.next()?.parse().ok()?;
    let col = words.nth(1)?.trim_end_matches([',', '.']).parse().ok()?;
    Some((line, col))
}

/// Where each key and value begins, and the first key given twice in one place.
struct Index {
    places: HashMap<YamlPath, Place>,
    duplicate: Option<Duplicate>,
}

/// A key repeated within one mapping: serde_yaml refuses it but cannot say where.
struct Duplicate {
    key: String,
    first: usize,
    second: Range<usize>,
}

/// Walks yaml-rust2's events, remembering where each key and value begins.
fn index_places(text: &str, offset: usize) -> Index {
    let mut recorder = Recorder {
        text,
        line_starts: line_starts(text),
        offset,
        stack: Vec::new(),
        places: HashMap::new(),
        duplicate: None,
    };
    let mut parser = Parser::new_from_str(text);
    // A document serde_yaml accepted but yaml-rust2 rejects only loses positions.
    let _ = parser.load(&mut recorder, false);
    Index {
        places: recorder.places,
        duplicate: recorder.duplicate,
    }
}

enum Frame {
    Map {
        path: YamlPath,
        key: Option<(String, Range<usize>)>,
    },
    Seq {
        path: YamlPath,
        next: usize,
    },
}

struct Recorder<'a> {
    text: &'a str,
    /// Where each line of `text` starts: a position is found without scanning from the
    /// top, which made a large plan file quadratic (one scan per YAML event).
    line_starts: Vec<usize>,
    offset: usize,
    stack: Vec<Frame>,
    places: HashMap<YamlPath, Place>,
    duplicate: Option<Duplicate>,
}

impl Recorder<'_> {
    fn span(&self, mark: &Marker) -> Range<usize> {
        let start = offset_in(self.text, &self.line_starts, mark.line(), mark.col());
        let end = line_end(self.text, start);
        start + self.offset..end + self.offset
    }

    /// Claims the next slot in the parent: a key (returns None) or a value's path.
    fn next_value(
        &mut self,
        scalar: Option<&str>,
        span: &Range<usize>,
    ) -> Option<(YamlPath, Option<Range<usize>>)> {
        match self.stack.last_mut() {
            None => Some((YamlPath::root(), None)),
            Some(Frame::Seq { path, next }) => {
                let p = path.index(*next);
                *next += 1;
                Some((p, None))
            }
            Some(Frame::Map { path, key }) => match key.take() {
                Some((k, key_span)) => Some((path.key(&k), Some(key_span))),
                None => {
                    let name = scalar.unwrap_or("").to_string();
                    let earlier = self
                        .places
                        .get(&path.key(&name))
                        .and_then(|p| p.key.clone());
                    if let (Some(first), None) = (earlier, &self.duplicate) {
                        self.duplicate = Some(Duplicate {
                            key: name.clone(),
                            first: first.start,
                            second: span.clone(),
                        });
                    }
                    *key = Some((name, span.clone()));
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Recorder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let span = self.span(&mark);
        match ev {
            Event::Scalar(value, ..) => {
                if let Some((path, key)) = self.next_value(Some(&value), &span) {
                    self.places.insert(path, Place { key, value: span });
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let Some((path, key)) = self.next_value(None, &span) else {
                    return; // a complex key: not used in content files
                };
                self.places.insert(path.clone(), Place { key, value: span });
                self.stack.push(match ev {
                    Event::MappingStart(..) => Frame::Map { path, key: None },
                    _ => Frame::Seq { path, next: 0 },
                });
            }
            Event::Alias(_) => {
                let _ = self.next_value(None, &span);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

fn texts_of(value: &Value) -> Option<Vec<(String, Option<String>)>> {
    let map = value.as_mapping()?;
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    };
    Some(
        map.iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), text(v))))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Action {
        id: String,
        responsible: Option<String>,
        number: Option<u32>,
    }

    fn doc(text: &str) -> Result<Document, Diagnostic> {
        parse(Path::new("content/a.yaml"), text, 0, text)
    }

    fn line_of(text: &str, d: &Diagnostic) -> usize {
        crate::diagnostics::line_col(text, d.span.clone().unwrap().start).0
    }

    #[test]
    fn finds_where_nested_values_are() {
        let text = "title: T\noutcomes:\n  - outcome: O\n    actions:\n      - id: \"1.1\"\n        status: greeen\n";
        let d = doc(text).unwrap();
        let path = YamlPath::root()
            .key("outcomes")
            .index(0)
            .key("actions")
            .index(0)
            .key("status");
        let span = d.span(&path).unwrap();
        assert_eq!(&text[span], "greeen");
    }

    #[test]
    fn unknown_field_suggests_the_near_miss_and_points_at_the_key() {
        let text = "actions:\n  - id: a\n    responsable: Sam\n";
        let d = doc(text).unwrap();
        let err = d
            .read::<Action>(&YamlPath::root().key("actions").index(0), "an action")
            .unwrap_err();
        assert_eq!(
            err.message,
            "`responsable` is not a field an action can have."
        );
        assert!(
            err.help
                .clone()
                .unwrap()
                .contains("Did you mean `responsible`?"),
            "{err:?}"
        );
        assert_eq!(line_of(text, &err), 3);
    }

    #[test]
    fn wrong_type_names_the_field_in_plain_words() {
        let text = "id: a\nnumber: three\n";
        let err = doc(text)
            .unwrap()
            .read::<Action>(&YamlPath::root(), "an action")
            .unwrap_err();
        assert_eq!(
            err.message,
            "`number` should be a whole number, but it is the text \"three\"."
        );
        assert_eq!(line_of(text, &err), 2);
    }

    #[test]
    fn missing_field_is_named() {
        let err = doc("responsible: Sam\n")
            .unwrap()
            .read::<Action>(&YamlPath::root(), "an action")
            .unwrap_err();
        assert_eq!(
            err.message,
            "This action has no `id:` line, but every action needs one."
        );
    }

    #[test]
    fn tab_indentation_is_explained() {
        let text = "title: T\n\tsummary: S\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("tab"), "{}", err.message);
        assert_eq!(line_of(text, &err), 2);
    }

    #[test]
    fn unclosed_quote_points_where_the_quote_opened() {
        let text = "title: \"Front door\nsummary: S\nnumber: 3\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(line_of(text, &err), 1);
        assert_eq!(
            crate::diagnostics::line_col(text, err.span.unwrap().start).1,
            8
        );
    }

    #[test]
    fn bad_indentation_is_explained() {
        let text = "title: T\noutcomes:\n  - outcome: O\n     actions: []\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("indented further"), "{}", err.message);
        assert_eq!(line_of(text, &err), 4);
        let help = err.help.unwrap();
        assert!(
            help.starts_with("This line starts in column 6, the line above it in column 5."),
            "{help}"
        );
    }

    #[test]
    fn a_missing_colon_points_at_the_line_that_lacks_it() {
        let text = "id: \"2.1\"\naction: Train managers\nresponsible Principal Social Worker\ndue: 2023-01-01\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("no colon"), "{}", err.message);
        assert_eq!(line_of(text, &err), 3);
        let nested = "outcomes:\n  - actions:\n      - id: \"2.1\"\n        responsible Sam\n\n        due: 2023\n";
        let err = doc(nested).unwrap_err();
        assert!(err.message.contains("no colon"), "{}", err.message);
        assert_eq!(line_of(nested, &err), 4);
    }

    #[test]
    fn numbers_are_quoted_as_written() {
        let text = "number: 1.50\n";
        let err = doc(text)
            .unwrap()
            .read::<Action>(&YamlPath::root(), "an action")
            .unwrap_err();
        assert_eq!(
            err.message,
            "`number` should be a whole number, but it is the number 1.50."
        );
    }

    #[test]
    fn a_colon_inside_a_value_is_told_apart_from_indentation() {
        let text = "title: Planning: not started\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("contains `: `"), "{}", err.message);
    }

    #[test]
    fn a_quote_closed_lines_later_still_points_where_it_opened() {
        let text = "number: 2\ntitle: \"Oversight\noutcomes:\n  - id: \"2.1\"\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(line_of(text, &err), 2);
    }

    #[test]
    fn text_after_a_closing_quote_is_named() {
        let err = doc("title: \"Front\" door\n").unwrap_err();
        assert!(
            err.message.contains("after the closing quote"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_repeated_field_points_at_the_second_and_names_the_first() {
        let text = "title: A\nsummary: S\ntitle: B\n";
        let err = doc(text).unwrap_err();
        assert_eq!(
            err.message,
            "`title` is given twice here: it is already given on line 1."
        );
        assert_eq!(line_of(text, &err), 3);
    }

    #[test]
    fn an_unclosed_bracket_points_where_it_opened() {
        let text = "inspectors: [A, B\ntitle: T\n";
        let err = doc(text).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(line_of(text, &err), 1);
    }

    #[test]
    fn spans_stay_on_character_boundaries() {
        for text in ["a: \u{a0}\n\tb: 1\n", "é: 1\n é: 2\n", "t: \"é\n"] {
            if let Err(err) = doc(text) {
                let span = err.span.unwrap();
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn offsets_from_line_starts_match_a_scan_from_the_top(
            text in "(a|é|\n| ){0,40}",
            line in 0usize..12,
            col in 0usize..8,
        ) {
            let starts = line_starts(&text);
            proptest::prop_assert_eq!(
                offset_in(&text, &starts, line, col),
                offset_of(&text, line, col)
            );
        }
    }

    #[test]
    fn extents_cover_a_value_s_lines_and_leave_comments_after_it() {
        let text = "number: 1 # the area\noutcomes:\n  - outcome: O\n    actions:\n      - id: \"1.1\"\n        progress: |\n          Line one.\n\n          Line two.\n        # a note\n        history:\n        - date: 2023-01-01\n          status: 'it''s' # said\n      - id: \"1.2\"\n";
        let d = doc(text).unwrap();
        let action = YamlPath::root()
            .key("outcomes")
            .index(0)
            .key("actions")
            .index(0);
        let number = d.extent(&YamlPath::root().key("number")).unwrap();
        assert_eq!(&text[number.value_on_line.unwrap()], "1");
        assert_eq!(number.end, text.find("outcomes").unwrap());
        let progress = d.extent(&action.key("progress")).unwrap();
        assert_eq!(progress.indent, 8);
        assert_eq!(&text[progress.value_on_line.clone().unwrap()], "|");
        assert_eq!(
            &text[progress.start..progress.end],
            "progress: |\n          Line one.\n\n          Line two.\n"
        );
        let history = d.extent(&action.key("history")).unwrap();
        assert!(text[history.start..history.end].ends_with("status: 'it''s' # said\n"));
        let status = d
            .extent(&action.key("history").index(0).key("status"))
            .unwrap();
        assert_eq!(&text[status.value_on_line.unwrap()], "'it''s'");
        let item = d.extent(&action).unwrap();
        assert_eq!(item.start, text.find("id: \"1.1").unwrap());
        assert_eq!(item.end, text.find("      - id: \"1.2").unwrap());
    }

    #[test]
    fn positions_in_front_matter_are_offsets_into_the_whole_file() {
        let full = "---\ntitle: T\nkind: visitt\n---\nBody";
        let d = parse(Path::new("content/i.md"), full, 4, &full[4..26]).unwrap();
        let span = d.span(&YamlPath::root().key("kind")).unwrap();
        assert_eq!(&full[span], "visitt");
    }
}
