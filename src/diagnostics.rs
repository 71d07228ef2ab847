//! Problems found in a site's sources, and how they are shown to the people who wrote them.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Files, SimpleFile};
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};

mod window;
use window::Window;

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

/// A problem an author can make many times over in one file. After the first few of a
/// kind in a file, the rest are summed up in one message (see `fold`), so a page with
/// thousands of broken links still gets a report a person can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A link to a page or content file that does not exist.
    MissingLink,
    /// A link whose address has a scheme such as `javascript:`.
    UnsafeLink,
    /// A relative link that is not a content file, so cannot be checked.
    UncheckableLink,
    /// Raw HTML that the sanitiser strips.
    UnsafeHtml,
}

impl Kind {
    /// "and 1,995 more links to missing pages or files in this file."
    fn summary(self, more: usize) -> String {
        let n = thousands(more);
        match self {
            Kind::MissingLink => format!("and {n} more links to missing pages or files in this file."),
            Kind::UnsafeLink => format!("and {n} more links with addresses that are not safe on a public website (such as `javascript:`) in this file; they have been removed too."),
            Kind::UncheckableLink => format!("and {n} more links that are neither content files nor addresses Waymark can check in this file."),
            Kind::UnsafeHtml => format!("and {n} more pieces of HTML that is not safe on a public website in this file; they have been removed too."),
        }
    }
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
    /// Set where the problem is found, for problems that can come by the thousand.
    pub kind: Option<Kind>,
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
            kind: None,
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

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = Some(kind);
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

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// How many problems of one kind in one file are shown one by one.
pub const SHOWN_OF_A_KIND: usize = 5;

/// The diagnostics as they are shown, in the order given: after the first
/// `SHOWN_OF_A_KIND` of one kind in one file, the rest become one message that counts
/// them and points at the first of them.
pub fn fold<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<Cow<'a, Diagnostic>> {
    let all: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    let group = |d: &'a Diagnostic| d.kind.map(|kind| (d.file.as_path(), kind, d.severity));
    let mut totals: HashMap<_, usize> = HashMap::new();
    for key in all.iter().filter_map(|d| group(d)) {
        *totals.entry(key).or_default() += 1;
    }
    let mut seen: HashMap<_, usize> = HashMap::new();
    let mut shown = Vec::new();
    for d in all {
        let Some(key) = group(d) else {
            shown.push(Cow::Borrowed(d));
            continue;
        };
        let n = seen.entry(key).or_default();
        *n += 1;
        let total = totals.get(&key).copied().unwrap_or(*n);
        // One more than the limit is shown as itself: "and 1 more" would say less.
        match (*n).cmp(&(SHOWN_OF_A_KIND + 1)) {
            Ordering::Less => shown.push(Cow::Borrowed(d)),
            Ordering::Equal if total == *n => shown.push(Cow::Borrowed(d)),
            Ordering::Equal => {
                shown.push(Cow::Owned(summary_of(d, key.1, total - SHOWN_OF_A_KIND)))
            }
            Ordering::Greater => {}
        }
    }
    shown
}

/// The message standing for `more` problems of a kind, pointing at the first of them.
fn summary_of(first: &Diagnostic, kind: Kind, more: usize) -> Diagnostic {
    Diagnostic::new(first.severity, first.file.clone(), kind.summary(more))
        .at(first.span.clone())
        .help(format!("Only the first {SHOWN_OF_A_KIND} are listed one by one; this points at the first of the others, which all come after it in this file. Fix them the same way as the ones above, then run waymark again to check."))
        .kind(kind)
}

/// 1995 → "1,995": counts as people write them.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
    /// Each file read once, however many messages point into it.
    files: BTreeMap<PathBuf, SimpleFile<String, String>>,
}

impl<'a> Printer<'a> {
    pub fn new(root: &'a Path) -> Self {
        Printer {
            root,
            files: BTreeMap::new(),
        }
    }

    /// The diagnostics as the author reads them, folded (see `fold`) and in the order given.
    pub fn render<'d>(
        &mut self,
        diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
        colour: bool,
    ) -> String {
        let mut out = if colour {
            term::termcolor::Buffer::ansi()
        } else {
            term::termcolor::Buffer::no_color()
        };
        let config = Config::default();
        for d in fold(diagnostics) {
            // Writing into an in-memory buffer cannot fail for I/O reasons.
            let _ = self.write(&mut out, &config, &d);
        }
        String::from_utf8_lossy(out.as_slice()).into_owned()
    }

    fn write(
        &mut self,
        out: &mut term::termcolor::Buffer,
        config: &Config,
        d: &Diagnostic,
    ) -> Result<(), codespan_reporting::files::Error> {
        let root = self.root;
        let file = self.files.entry(d.file.clone()).or_insert_with(|| {
            SimpleFile::new(d.file.display().to_string(), text_of(root, &d.file))
        });
        let source = file.source().as_str();
        let Some(span) = d.span.as_ref().filter(|s| s.start <= source.len()) else {
            return Ok(write_file_only(out, d)?);
        };
        // codespan slices the text with the span, so it must fall on character boundaries.
        let start = floor_char_boundary(source, span.start);
        let end = ceil_char_boundary(source, span.end.clamp(start, source.len()));
        match window_of(file, start..end)? {
            Some(window) => {
                let report = to_report(d, window.span.clone());
                term::emit_to_write_style(out, config, &window, &report)
            }
            None => term::emit_to_write_style(out, config, file, &to_report(d, start..end)),
        }
    }
}

/// A file's text as it will be shown: lossy, so a file that is not UTF-8 still shows its
/// lines, and empty for files too big to be content (they are never shown).
fn text_of(root: &Path, file: &Path) -> String {
    let path = root.join(file);
    let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_SHOWN_BYTES);
    let bytes = if small {
        std::fs::read(&path).unwrap_or_default()
    } else {
        Vec::new()
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The window to show when `span` touches a line too long to show whole, cut to the
/// span's first line; None when every line it touches is shown whole, as ever.
fn window_of<'f>(
    file: &'f SimpleFile<String, String>,
    span: Range<usize>,
) -> Result<Option<Window<'f>>, codespan_reporting::files::Error> {
    let first = file.line_index((), span.start)?;
    let last = file.line_index((), span.end)?;
    let line_text = |index| -> Result<&str, codespan_reporting::files::Error> {
        let range = file.line_range((), index)?;
        Ok(file.source()[range].trim_end_matches(['\n', '\r']))
    };
    for index in first..=last {
        if !window::is_short(line_text(index)?) {
            let line_start = file.line_range((), first)?.start;
            let span = span.start - line_start..span.end - line_start;
            let number = file.line_number((), first)?;
            return Ok(Some(Window::of(
                file.name(),
                line_text(first)?,
                number,
                span,
            )));
        }
    }
    Ok(None)
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

/// The report for a diagnostic whose span (on character boundaries) is `span`.
fn to_report(d: &Diagnostic, span: Range<usize>) -> Report<()> {
    let severity = match d.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
    };
    let report = Report::new(severity)
        .with_message(&d.message)
        .with_labels(vec![Label::primary((), span)]);
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

    fn link(file: &str, at: usize, kind: Kind) -> Diagnostic {
        Diagnostic::error(file, format!("link at {at}"))
            .at(Some(at..at + 1))
            .kind(kind)
    }

    fn messages(shown: &[Cow<'_, Diagnostic>]) -> Vec<String> {
        shown.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn after_five_of_a_kind_in_a_file_the_rest_are_counted() {
        let mut all: Vec<_> = (0..2000)
            .map(|i| link("a.md", i, Kind::MissingLink))
            .collect();
        all.push(link("a.md", 5000, Kind::UnsafeLink));
        all.push(Diagnostic::error("a.md", "unkinded"));
        all.extend((0..7).map(|i| link("b.md", i, Kind::MissingLink)));
        let shown = fold(&all);
        let summary = "a.md: and 1,995 more links to missing pages or files in this file.";
        let want: Vec<String> = (0..5)
            .map(|i| format!("a.md: link at {i}"))
            .chain([summary.to_string()])
            .chain(["a.md: link at 5000".into(), "a.md: unkinded".into()])
            .chain((0..5).map(|i| format!("b.md: link at {i}")))
            .chain(["b.md: and 2 more links to missing pages or files in this file.".into()])
            .collect();
        assert_eq!(messages(&shown), want);
        // The summary points at the first problem it stands for.
        assert_eq!(shown[5].span, Some(5..6));
        assert_eq!(shown[5].severity, Severity::Error);
    }

    #[test]
    fn one_more_than_five_is_shown_rather_than_summed_up() {
        let all: Vec<_> = (0..6).map(|i| link("a.md", i, Kind::UnsafeHtml)).collect();
        assert_eq!(fold(&all).len(), 6);
        let unkinded: Vec<_> = (0..50).map(|_| Diagnostic::error("a.md", "x")).collect();
        assert_eq!(fold(&unkinded).len(), 50);
    }

    #[test]
    fn counts_have_thousands_separators() {
        let written: Vec<_> = [0, 7, 999, 1000, 1995, 12345, 1234567]
            .map(thousands)
            .into();
        assert_eq!(
            written,
            ["0", "7", "999", "1,000", "1,995", "12,345", "1,234,567"]
        );
    }

    /// What the printer shows for one problem at `span` in `text`, saved as about.md.
    fn printed(text: &str, span: Range<usize>) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("about.md"), text).unwrap();
        let problem = Diagnostic::error("about.md", "This links to a missing file.").at(Some(span));
        Printer::new(dir.path()).render(&Diagnostics::from(vec![problem]), false)
    }

    #[test]
    fn a_long_line_is_printed_as_a_window_with_the_real_line_and_column() {
        let before = "Intro.\n".to_string() + &"é".repeat(3000);
        let text = format!(
            "{before}[the report](../reports/b.md){}\nEnd.\n",
            "ü".repeat(3000)
        );
        let span = before.len()..before.len() + "[the report](../reports/b.md)".len();
        let out = printed(&text, span);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1].trim(), "┌─ about.md:2:3001", "{out}");
        let source: Vec<char> = lines[3].chars().collect();
        let carets: Vec<char> = lines[4].chars().collect();
        assert!(source.len() < 250, "the line is cut: {out}");
        assert!(
            lines[3].starts_with("2 │ …é") && lines[3].ends_with("ü…"),
            "{out}"
        );
        let bracket = source.iter().position(|&c| c == '[');
        let caret = carets.iter().position(|&c| c == '^');
        assert!(
            bracket.is_some() && bracket == caret,
            "caret under `[`: {out}"
        );
    }
}
