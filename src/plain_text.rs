//! Plain text from the sanitised HTML that Markdown became: for data files, the search
//! index and page descriptions, where markup would be noise.

use crate::model::Html;

/// Paragraphs and list items on their own lines, list items marked `- `, no markup.
pub fn lines(html: &Html) -> String {
    let mut out = String::with_capacity(html.0.len());
    let mut rest = html.0.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&decode(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            // A lone `<` is text (the sanitiser would have escaped it, but be safe).
            out.push_str(&decode(&rest[start..]));
            rest = "";
            break;
        };
        push_break(&mut out, &rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out.push_str(&decode(rest));
    tidy(&out)
}

/// One line, whitespace collapsed: for search entries and meta descriptions.
pub fn one_line(html: &Html) -> String {
    collapse(&lines(html))
}

/// `text` cut to at most `max` characters at a word boundary, with an ellipsis if cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at_word].trim_end_matches([' ', ',', ';', ':', '.'])
    )
}

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Block-level tags end a line; a list item starts one with `- `.
fn push_break(out: &mut String, tag: &str) {
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let closing = tag.starts_with('/');
    match name.as_str() {
        "li" if !closing => out.push_str("\n- "),
        "br" => out.push('\n'),
        "p" | "div" | "ul" | "ol" | "li" | "blockquote" | "tr" | "table" | "pre" | "h1" | "h2"
        | "h3" | "h4" | "h5" | "h6" => out.push('\n'),
        "td" | "th" if closing => out.push(' '),
        _ => {}
    }
}

fn tidy(text: &str) -> String {
    text.lines()
        .map(collapse)
        .filter(|l| !l.is_empty() && l != "-")
        .collect::<Vec<_>>()
        .join("\n")
}

/// The character references an HTML serialiser writes, plus any numeric one.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(';').filter(|&j| j <= 10) {
            Some(j) if entity(&after[..j]).is_some() => {
                out.extend(entity(&after[..j]));
                rest = &after[j + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> Html {
        Html(s.to_string())
    }

    #[test]
    fn markup_goes_and_blocks_become_lines() {
        let h = html("<p>Agency cover &amp; <strong>8</strong> posts.</p>\n<ul>\n<li>One</li>\n<li>Two &lt;3&#39;s</li>\n</ul>\n<p>See <a href=\"@@waymark-root@@/x/\">this</a>.</p>");
        assert_eq!(
            lines(&h),
            "Agency cover & 8 posts.\n- One\n- Two <3's\nSee this."
        );
        assert_eq!(
            one_line(&h),
            "Agency cover & 8 posts. - One - Two <3's See this."
        );
    }

    #[test]
    fn stray_ampersands_and_unknown_entities_are_kept() {
        assert_eq!(decode("A & B &bogus; &#x41;"), "A & B &bogus; A");
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(
            shorten("Increase social work capacity by eight posts", 20),
            "Increase social…"
        );
    }
}
