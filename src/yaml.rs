//! The only module that parses YAML. serde_yaml reads values; yaml-rust2's event parser
//! records where each value sits, because serde_yaml's values carry no positions.
//! Swapping serde_yaml for a maintained fork touches this file alone.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

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
#[derive(Debug)]
pub struct Document {
    pub file: PathBuf,
    pub value: Value,
    places: HashMap<YamlPath, Place>,
    /// Byte offset where each line of the whole file starts, to name lines in messages.
    line_starts: Vec<usize>,
}

/// Parses `text`, which starts `offset` bytes into the file `full` (front matter sits
/// after the `---` line). Positions in diagnostics are offsets into `full`.
pub fn parse(file: &Path, full: &str, offset: usize, text: &str) -> Result<Document, Diagnostic> {
    let value: Value =
        serde_yaml::from_str(text).map_err(|e| syntax_error(file, full, offset, &e))?;
    let places = index_places(text, offset);
    Ok(Document {
        file: file.to_path_buf(),
        value: if value.is_null() {
            Value::Mapping(Default::default())
        } else {
            value
        },
        places,
        line_starts: std::iter::once(0)
            .chain(full.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    })
}

impl Document {
    /// The span of the value at `path`, or of the nearest enclosing value that has one.
    pub fn span(&self, path: &YamlPath) -> Option<Range<usize>> {
        let mut path = path.clone();
        loop {
            if let Some(place) = self.places.get(&path) {
                return Some(place.value.clone());
            }
            path.0.pop()?;
        }
    }

    fn key_span(&self, path: &YamlPath) -> Option<Range<usize>> {
        self.places
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

    /// The 1-based line of the value at `path`.
    pub fn line_of(&self, path: &YamlPath) -> usize {
        let offset = self.span(path).map_or(0, |s| s.start);
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// Reads the value at `path` as `T`. `what` names it for the author ("an action").
    pub fn read<T: DeserializeOwned>(&self, path: &YamlPath, what: &str) -> Result<T, Diagnostic> {
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
            self.shape_error(&at, what, &err.inner().to_string())
        })
    }

    /// A problem with the value at `path`, in this document's file.
    pub fn error_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.file, message).at(self.span(path))
    }

    pub fn warning_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.file, message).at(self.span(path))
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
                .error_at(at, format!("{} needs a `{field}`, but this one has none.", capitalise(what)))
                .help(format!("Add a line `{field}: ...` here. The authoring guide in README.md shows every field."));
        }
        if let Some(rest) = message.strip_prefix("unknown variant `") {
            return self.unknown_value(at, rest);
        }
        if let Some(rest) = message.strip_prefix("invalid type: ") {
            return self.wrong_type(at, rest);
        }
        let field = at
            .last_key()
            .map(|k| format!("`{k}`: "))
            .unwrap_or_default();
        self.error_at(at, format!("{field}{message}."))
            .help("Compare this with the example in the authoring guide in README.md.")
    }

    fn unknown_field(&self, at: &YamlPath, what: &str, rest: &str) -> Diagnostic {
        let field = rest.split('`').next().unwrap_or(rest);
        let allowed = backticked(rest.get(field.len() + 1..).unwrap_or(""));
        let at = if at.last_key() == Some(field) {
            at.clone()
        } else {
            at.key(field)
        };
        let help = match closest(field, allowed.iter().map(String::as_str)) {
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
            format!("`{field}: {value}` is not one of the values allowed here."),
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
        self.error_at(
            at,
            format!(
                "{field} should be {}, but it is {}.",
                plain_type(expected),
                plain_found(found)
            ),
        )
        .help(type_help(expected))
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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

fn plain_found(found: &str) -> String {
    match found.split_whitespace().next().unwrap_or(found) {
        "string" => format!("the text {}", found.trim_start_matches("string ")),
        "sequence" => "a list".into(),
        "map" => "a group of fields".into(),
        "integer" | "floating" => format!(
            "the number {}",
            found.split_whitespace().nth(2).unwrap_or("")
        )
        .trim()
        .into(),
        "boolean" => format!("`{}`", found.split_whitespace().nth(1).unwrap_or("true")),
        "unit" => "empty".into(),
        other => other.into(),
    }
}

fn type_help(expected: &str) -> String {
    match plain_type(expected) {
        "text" => "Write the text after the colon; if it is a list or has indented lines under it, make it one line or use `|` for several lines.".into(),
        "a whole number" => "Write digits only, for example `number: 3`.".into(),
        "a list (lines starting with `- `)" => "Put each item on its own line under this one, indented, starting with `- `.".into(),
        "a group of fields (indented `name: value` lines)" => "Put the fields on the lines under this one, indented by two more spaces.".into(),
        "true or false" => "Write `true` or `false`.".into(),
        _ => "Compare this with the example in the authoring guide in README.md.".into(),
    }
}

fn syntax_error(file: &Path, full: &str, offset: usize, e: &serde_yaml::Error) -> Diagnostic {
    let message = e.to_string();
    let located = |line: usize, col: usize| {
        // serde_yaml counts from 1; the text began `offset` bytes into the file.
        let front_line = crate::diagnostics::line_col(full, offset).0;
        let start = offset_of(
            full,
            front_line + line.saturating_sub(1),
            col.saturating_sub(1),
        );
        start..line_end(full, start)
    };
    let here = e.location().map(|l| located(l.line(), l.column()));
    let opened = context_location(&message).map(|(l, c)| located(l, c));
    let first_char_here = here.as_ref().and_then(|s| full[s.start..].chars().next());

    if message.contains("cannot start any token") && first_char_here == Some('\t') {
        return Diagnostic::error(
            file,
            "This line is indented with a tab. YAML files must be indented with spaces.",
        )
        .at(here.map(|s| s.start..s.start + 1))
        .help("Replace the tab with spaces (two spaces for each level of indentation).");
    }
    if message.contains("while scanning a quoted scalar") {
        return Diagnostic::error(file, "A quoted value is never closed: the quote that opens here has no matching closing quote.")
            .at(opened.or(here))
            .help("Add the closing quote at the end of the value. If the value itself contains that quote character, use the other kind of quote around it.");
    }
    if message.contains("mapping values are not allowed") {
        return Diagnostic::error(file, "This line has a `: ` (colon and space) where YAML does not expect one.")
            .at(here)
            .help("If the value contains a colon followed by a space, put the whole value in double quotes. Otherwise check the line's indentation.");
    }
    if message.contains("did not find expected key")
        || message.contains("did not find expected '-'")
        || message.contains("block")
    {
        return Diagnostic::error(file, "The indentation here does not line up with the lines around it.")
            .at(here)
            .help("Fields at the same level must start in the same column. Count the spaces at the start of this line and the line above it.");
    }
    if message.contains("duplicate") {
        return Diagnostic::error(file, "A field appears twice in the same place.")
            .at(here)
            .help("Remove one of them, or merge what they say into one.");
    }
    let plain = message.split(" at line ").next().unwrap_or(&message);
    Diagnostic::error(file, format!("This is not valid YAML: {plain}."))
        .at(here)
        .help("Check the line for a missing colon, stray quote or uneven indentation.")
}

fn line_end(text: &str, start: usize) -> usize {
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let trimmed = text[start..end].trim_end().len();
    (start + trimmed).max((start + 1).min(text.len()))
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

/// Walks yaml-rust2's events, remembering where each key and value begins.
fn index_places(text: &str, offset: usize) -> HashMap<YamlPath, Place> {
    let mut recorder = Recorder {
        text,
        offset,
        stack: Vec::new(),
        places: HashMap::new(),
    };
    let mut parser = Parser::new_from_str(text);
    // A document serde_yaml accepted but yaml-rust2 rejects only loses positions.
    let _ = parser.load(&mut recorder, false);
    recorder.places
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
    offset: usize,
    stack: Vec<Frame>,
    places: HashMap<YamlPath, Place>,
}

impl Recorder<'_> {
    fn span(&self, mark: &Marker) -> Range<usize> {
        let start = offset_of(self.text, mark.line(), mark.col());
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
                    *key = Some((scalar.unwrap_or("").to_string(), span.clone()));
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
            "An action needs a `id`, but this one has none."
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
        assert!(
            err.message.contains("indentation") || err.message.contains("colon"),
            "{}",
            err.message
        );
    }

    #[test]
    fn positions_in_front_matter_are_offsets_into_the_whole_file() {
        let full = "---\ntitle: T\nkind: visitt\n---\nBody";
        let d = parse(Path::new("content/i.md"), full, 4, &full[4..26]).unwrap();
        let span = d.span(&YamlPath::root().key("kind")).unwrap();
        assert_eq!(&full[span], "visitt");
    }
}
