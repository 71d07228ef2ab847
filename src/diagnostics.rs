//! Problems found in a site's sources, and how they are shown to the people who wrote them.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build: the site would be wrong or broken.
    Error,
    /// The site builds, but something an author should look at.
    Warning,
    /// Listed by `check` for the record (for example, overdue actions).
    Info,
}

/// One problem, always tied to the file it is in and, where known, the bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Relative to the site root, so messages read the same on every machine.
    pub file: PathBuf,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, message)
    }

    pub fn info(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, file, message)
    }

    fn new(severity: Severity, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            span: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// Every problem found in one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file then position, so the report reads top to bottom and is the same every run.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| s.start),
                a.severity,
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| s.start),
                    b.severity,
                    &b.message,
                ))
        });
        self.items.dedup();
        self
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Line (1-based) and column (1-based, in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset of a 1-based line and 0-based character column; clamped to the text.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    start
        + line_text[..line_end]
            .char_indices()
            .nth(col)
            .map_or(line_end, |(i, _)| i)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics like rustc does: the message, `file:line:col`, the line, a caret.
pub struct Printer<'a> {
    root: &'a Path,
    texts: BTreeMap<PathBuf, String>,
}

impl<'a> Printer<'a> {
    pub fn new(root: &'a Path) -> Self {
        Printer {
            root,
            texts: BTreeMap::new(),
        }
    }

    pub fn render(&mut self, diagnostics: &Diagnostics, colour: bool) -> String {
        let mut files = SimpleFiles::new();
        let mut ids = BTreeMap::new();
        let mut out = if colour {
            term::termcolor::Buffer::ansi()
        } else {
            term::termcolor::Buffer::no_color()
        };
        let config = Config::default();
        for d in diagnostics.iter() {
            let text = self.text_of(&d.file);
            let id = *ids
                .entry(d.file.clone())
                .or_insert_with(|| files.add(d.file.display().to_string(), text));
            let source = files.get(id).map(|f| f.source().as_str()).unwrap_or("");
            let report = to_report(d, id, source);
            // Writing into an in-memory buffer cannot fail for I/O reasons.
            let _ = if report.labels.is_empty() {
                write_file_only(&mut out, d)
            } else {
                term::emit_to_write_style(&mut out, &config, &files, &report)
                    .map_err(|_| std::io::Error::other("could not format a diagnostic"))
            };
        }
        String::from_utf8_lossy(out.as_slice()).into_owned()
    }

    /// The file's text as it will be shown: lossy, so a file that is not UTF-8 still shows
    /// its lines, and empty for files too big to be content (they are never shown).
    fn text_of(&mut self, file: &Path) -> String {
        let path = self.root.join(file);
        self.texts
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let small = std::fs::metadata(&path)
                    .is_ok_and(|m| m.is_file() && m.len() <= MAX_SHOWN_BYTES);
                let bytes = if small {
                    std::fs::read(&path).unwrap_or_default()
                } else {
                    Vec::new()
                };
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .clone()
    }
}

/// Larger files are not shown: content is refused long before this (`source::MAX_FILE_BYTES`).
const MAX_SHOWN_BYTES: u64 = 8 * 1024 * 1024;

/// A problem with a whole file (too big, a link loop) has no line to show, but is laid
/// out like the others and still names the file.
fn write_file_only(out: &mut impl WriteColor, d: &Diagnostic) -> std::io::Result<()> {
    let (word, colour) = match d.severity {
        Severity::Error => ("error", Color::Red),
        Severity::Warning => ("warning", Color::Yellow),
        Severity::Info => ("note", Color::Green),
    };
    out.set_color(ColorSpec::new().set_fg(Some(colour)).set_bold(true))?;
    write!(out, "{word}")?;
    out.set_color(ColorSpec::new().set_bold(true))?;
    writeln!(out, ": {}", d.message)?;
    out.reset()?;
    writeln!(out, "  ┌─ {}", d.file.display())?;
    if let Some(help) = &d.help {
        writeln!(out, "  │")?;
        writeln!(out, "  = help: {help}")?;
    }
    writeln!(out)
}

fn to_report(d: &Diagnostic, file_id: usize, source: &str) -> Report<usize> {
    let severity = match d.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
    };
    let report = Report::new(severity).with_message(&d.message);
    let Some(span) = d.span.as_ref().filter(|s| s.start <= source.len()) else {
        // Printed by `write_file_only`, after the message.
        return report;
    };
    // codespan slices the text with the span, so it must fall on character boundaries.
    let start = floor_char_boundary(source, span.start);
    let end = ceil_char_boundary(source, span.end.clamp(start, source.len()));
    let report = report.with_labels(vec![Label::primary(file_id, start..end)]);
    match &d.help {
        Some(help) => report.with_notes(vec![format!("help: {help}")]),
        None => report,
    }
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// "Did you mean" for a near miss among the words an author could have meant.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word.to_lowercase(), c), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let text = "a: 1\nb: “x” 2\n";
        let offset = text.find('2').unwrap();
        assert_eq!(line_col(text, offset), (2, 8));
        assert_eq!(offset_of(text, 2, 7), offset);
    }

    #[test]
    fn suggests_near_misses_only() {
        let fields = ["responsible", "status", "progress"];
        assert_eq!(closest("responsable", fields), Some("responsible"));
        assert_eq!(closest("staus", fields), Some("status"));
        assert_eq!(closest("colour", fields), None);
    }
}
