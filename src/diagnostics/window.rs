//! A very long line (a whole paragraph on one line, say) shown as the part of it around
//! the place a message points at, so that each message stays a few lines long however
//! long the line is.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};

/// Lines up to this many characters are shown whole, as they always were.
pub const WHOLE_LINE: usize = 200;
/// Characters shown before the underlined part of a longer line, and after it.
pub const CONTEXT: usize = 70;
/// The most of a long underlined part that is shown.
pub const UNDERLINE: usize = 80;
/// Marks the places where a shown line has been cut.
pub const CUT: &str = "…";

/// One line cut down to the part around a span, given to codespan instead of the file.
/// It answers with the real line and column, so the `file:line:col` a message names is
/// the same as for a line shown whole.
#[derive(Debug)]
pub struct Window<'a> {
    name: &'a str,
    /// The part shown, with `CUT` where the line goes on.
    text: String,
    line_number: usize,
    /// The real column (1-based, in characters) of the first character after the mark.
    first_column: usize,
    /// Bytes of the opening mark: 0 when the line is shown from its start.
    lead: usize,
    /// What the message underlines, in `text`.
    pub span: Range<usize>,
}

impl<'a> Window<'a> {
    /// The window of `line` (one line's text, without its line break) around `span`
    /// (bytes in `line`, on character boundaries; it may run on past the line's end, and
    /// is cut at it). A short line is kept whole.
    pub fn of(name: &'a str, line: &str, line_number: usize, span: Range<usize>) -> Self {
        let (context, underline) = if is_short(line) {
            (usize::MAX, usize::MAX)
        } else {
            (CONTEXT, UNDERLINE)
        };
        let start = span.start.min(line.len());
        let end = span.end.clamp(start, line.len());
        let begin = chars_back(line, start, context);
        let underline_end = chars_on(line, start, underline).min(end);
        let finish = chars_on(line, underline_end, context);
        let lead = if begin > 0 { CUT.len() } else { 0 };
        let mut text = String::with_capacity(finish - begin + 2 * CUT.len());
        if begin > 0 {
            text.push_str(CUT);
        }
        text.push_str(&line[begin..finish]);
        if finish < line.len() {
            text.push_str(CUT);
        }
        Window {
            name,
            text,
            line_number,
            first_column: line[..begin].chars().count() + 1,
            lead,
            span: lead + start - begin..lead + underline_end - begin,
        }
    }

    /// The line as shown, marks included.
    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Whether a line is shown whole; counts no further than it must.
pub fn is_short(line: &str) -> bool {
    line.len() <= WHOLE_LINE || line.chars().nth(WHOLE_LINE).is_none()
}

/// The byte offset `n` characters before `at`, or the line's start.
fn chars_back(line: &str, at: usize, n: usize) -> usize {
    match n.checked_sub(1) {
        Some(last) => line[..at]
            .char_indices()
            .rev()
            .nth(last)
            .map_or(0, |(i, _)| i),
        None => at,
    }
}

/// The byte offset `n` characters after `at`, or the line's end.
fn chars_on(line: &str, at: usize, n: usize) -> usize {
    line[at..]
        .char_indices()
        .nth(n)
        .map_or(line.len(), |(i, _)| at + i)
}

impl<'a> Files<'a> for Window<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, Error> {
        self.only_line(line_index).map(|()| self.line_number)
    }

    fn column_number(&'a self, (): (), line_index: usize, byte: usize) -> Result<usize, Error> {
        self.only_line(line_index)?;
        let byte = byte.clamp(self.lead, self.text.len());
        let shown = self
            .text
            .get(self.lead..byte)
            .ok_or(Error::InvalidCharBoundary { given: byte })?;
        Ok(self.first_column + shown.chars().count())
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, Error> {
        self.only_line(line_index).map(|()| 0..self.text.len())
    }
}

impl Window<'_> {
    fn only_line(&self, line_index: usize) -> Result<(), Error> {
        match line_index {
            0 => Ok(()),
            given => Err(Error::LineTooLarge { given, max: 0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::diagnostic::{Diagnostic, Label};
    use codespan_reporting::term::{emit_into_string, Config};

    /// A line of `before` and `after` characters around a link, and the link's bytes.
    fn long_line(before: &str, after: &str) -> (String, Range<usize>) {
        let link = "[the report](../reports/b.md)";
        let line = format!("{before}{link}{after}");
        let start = before.len();
        (line, start..start + link.len())
    }

    /// What codespan prints for `window`: the `file:line:col` line, the source line and
    /// the caret line, as characters.
    fn shown(window: &Window<'_>) -> (String, Vec<char>, Vec<char>) {
        let report = Diagnostic::error()
            .with_message("m")
            .with_labels(vec![Label::primary((), window.span.clone())]);
        let out = emit_into_string(&Config::default(), window, &report).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        let header = lines[1].trim().to_string();
        (
            header,
            lines[3].chars().collect(),
            lines[4].chars().collect(),
        )
    }

    #[test]
    fn a_long_line_is_cut_around_the_column_with_the_caret_under_it() {
        // Multibyte characters either side: the cut falls between characters, and the
        // column counts characters, not bytes.
        let (line, span) = long_line(&"é".repeat(300), &"“ü”".repeat(100));
        let window = Window::of("about.md", &line, 7, span);
        let text = window.text();
        assert!(text.starts_with(CUT) && text.ends_with(CUT), "{text}");
        assert_eq!(&text[window.span.clone()], "[the report](../reports/b.md)");
        assert_eq!(text[CUT.len()..window.span.start].chars().count(), CONTEXT);
        assert_eq!(
            text[window.span.end..text.len() - CUT.len()]
                .chars()
                .count(),
            CONTEXT
        );

        let (header, source, carets) = shown(&window);
        assert_eq!(header, "┌─ about.md:7:301");
        let bracket = source.iter().position(|&c| c == '[').unwrap();
        let caret = carets.iter().position(|&c| c == '^').unwrap();
        assert_eq!(caret, bracket, "the caret is under the `[`");
        let underline = carets.iter().filter(|&&c| c == '^').count();
        assert_eq!(underline, "[the report](../reports/b.md)".len());
        assert!(
            source.len() < 2 * CONTEXT + 60,
            "{}",
            String::from_iter(source)
        );
    }

    #[test]
    fn the_start_and_end_of_a_line_are_not_marked_as_cut() {
        let (line, span) = long_line("", &"x".repeat(500));
        let window = Window::of("about.md", &line, 1, span);
        assert!(!window.text().starts_with(CUT));
        assert!(window.text().ends_with(CUT));
        assert_eq!(shown(&window).0, "┌─ about.md:1:1");

        let (line, span) = long_line(&"x".repeat(500), "");
        let window = Window::of("about.md", &line, 1, span);
        assert!(window.text().starts_with(CUT));
        assert!(!window.text().ends_with(CUT));
        assert_eq!(shown(&window).0, "┌─ about.md:1:501");
    }

    #[test]
    fn a_long_underline_is_shortened() {
        let line = "y".repeat(1000);
        let window = Window::of("about.md", &line, 1, 100..900);
        assert_eq!(window.span.len(), UNDERLINE);
        assert_eq!(shown(&window).0, "┌─ about.md:1:101");
    }

    #[test]
    fn a_short_line_is_kept_whole() {
        let line = format!("{}[x](b.md)", "é".repeat(150));
        assert!(is_short(&line));
        let start = line.find('[').unwrap();
        let window = Window::of("about.md", &line, 2, start..line.len());
        assert_eq!(window.text(), line);
        assert_eq!(shown(&window).0, "┌─ about.md:2:151");
    }
}
