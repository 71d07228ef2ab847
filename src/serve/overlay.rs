//! What serve mode adds to pages: the live-reload script tag and, while the last change
//! broke the build, an accessible message naming each problem over the last good page.

use crate::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostics::{fold, line_col, Diagnostic};

/// One problem as the overlay shows it: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `content/plans/x/01-a.yaml:12:9`, or just the file when no position is known.
    pub place: String,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    /// A failure that belongs to no content file.
    pub fn general(message: impl Into<String>) -> Self {
        Problem {
            place: "waymark".into(),
            message: message.into(),
            help: None,
        }
    }
}

/// The errors among `diagnostics`, with line and column read from the files under `root`;
/// folded as the terminal shows them, so a thousand broken links make a short list.
pub fn problems<'a>(
    root: &Path,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<Problem> {
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    fold(diagnostics.into_iter().filter(|d| d.is_error()))
        .into_iter()
        .map(|d| {
            let mut place = d.file.display().to_string();
            if let Some(span) = &d.span {
                let text = texts.entry(d.file.clone()).or_insert_with(|| {
                    std::fs::read_to_string(root.join(&d.file)).unwrap_or_default()
                });
                let (line, col) = line_col(text, span.start);
                let _ = write!(place, ":{line}:{col}");
            }
            Problem {
                place,
                message: d.message.clone(),
                help: d.help.clone(),
            }
        })
        .collect()
}

pub const SCRIPT_PATH: &str = "/__waymark/live.js";
pub const STYLE_PATH: &str = "/__waymark/overlay.css";
pub const EVENTS_PATH: &str = "/__waymark/events";
pub const SCRIPT: &str = include_str!("live.js");
pub const STYLE: &str = include_str!("overlay.css");

/// Adds the reload script before `</body>` and, when there are problems, the overlay
/// straight after `<body>` so that it comes first in reading order.
pub fn inject(html: &str, generation: &str, problems: &[Problem]) -> String {
    let lower = html.to_ascii_lowercase();
    let script = format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\" defer></script>\n",
        escape(generation)
    );
    let mut out = String::with_capacity(html.len() + 4096);
    let body_end = lower.rfind("</body").unwrap_or(html.len());
    let (mut head, tail) = (&html[..body_end], &html[body_end..]);
    if !problems.is_empty() {
        let head_end = lower[..body_end].find("</head").unwrap_or(0);
        out.push_str(&head[..head_end]);
        let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\">");
        head = &head[head_end..];
        let body_open = body_start(&lower[head_end..body_end]).unwrap_or(0);
        out.push_str(&head[..body_open]);
        out.push_str(&overlay(problems));
        head = &head[body_open..];
    }
    out.push_str(head);
    out.push_str(&script);
    out.push_str(tail);
    out
}

/// The byte just after the `<body ...>` tag, in lower-cased text.
fn body_start(lower: &str) -> Option<usize> {
    let open = lower.find("<body")?;
    lower[open..].find('>').map(|i| open + i + 1)
}

/// The overlay itself: an alert dialog that live.js focuses, so screen readers announce it.
pub fn overlay(problems: &[Problem]) -> String {
    let count = match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    let mut html = String::from(
        "\n<section id=\"waymark-overlay\" class=\"waymark-overlay\" role=\"alertdialog\" \
         aria-labelledby=\"waymark-overlay-title\" aria-describedby=\"waymark-overlay-intro\" tabindex=\"-1\">\n\
         <h2 id=\"waymark-overlay-title\">The site could not be rebuilt</h2>\n",
    );
    let _ = writeln!(
        html,
        "<p id=\"waymark-overlay-intro\">Waymark found {count} after the last change. \
         Until it is fixed you are reading the last version that built. \
         Fix the file and save it: this page reloads by itself.</p>\n<ol>"
    );
    for p in problems {
        let _ = write!(
            html,
            "<li><p><strong><code>{}</code></strong></p><p>{}</p>",
            escape(&p.place),
            escape(&p.message)
        );
        if let Some(help) = &p.help {
            let _ = write!(html, "<p>Help: {}</p>", escape(help));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n<button type=\"button\" hidden>Hide this message</button>\n</section>\n");
    html
}

/// A page for when no version of the site has built yet: only the overlay to show.
pub fn error_page(generation: &str, problems: &[Problem]) -> String {
    let page = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
        <title>The site could not be built – Waymark</title>\n</head>\n<body>\n<main>\n\
        <h1>The site could not be built</h1>\n</main>\n</body>\n</html>\n";
    inject(page, generation, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        Problem {
            place: "content/a.yaml:3:7".into(),
            message: "`status: <b>` is not in the key.".into(),
            help: Some("Use one of: done.".into()),
        }
    }

    #[test]
    fn script_goes_before_the_end_of_the_body() {
        let html = inject("<html><head></head><BODY><p>x</p></BODY></html>", "7", &[]);
        assert_eq!(
            html,
            "<html><head></head><BODY><p>x</p><script src=\"/__waymark/live.js\" data-generation=\"7\" defer></script>\n</BODY></html>"
        );
    }

    #[test]
    fn overlay_comes_first_in_the_body_and_is_escaped() {
        let html = inject(
            "<html><head><title>t</title></head><body class=\"a\"><p>page</p></body></html>",
            "1",
            &[problem()],
        );
        let css = html.find(STYLE_PATH).unwrap();
        let head_end = html.find("</head>").unwrap();
        let body = html.find("<body class=\"a\">").unwrap();
        let overlay = html.find("waymark-overlay").unwrap();
        let page = html.find("<p>page</p>").unwrap();
        assert!(css < head_end && body < overlay && overlay < page);
        assert!(html.contains("`status: &lt;b&gt;` is not in the key."));
        assert!(html.contains("<code>content/a.yaml:3:7</code>"));
        assert!(html.contains("role=\"alertdialog\""));
    }

    #[test]
    fn pages_without_a_body_still_get_the_script() {
        let html = inject("plain", "2", &[problem()]);
        assert!(html.starts_with("<link"));
        assert!(html.contains("waymark-overlay"));
        assert!(html.ends_with("defer></script>\n"));
    }
}
