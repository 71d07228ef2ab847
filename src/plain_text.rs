//! Plain text from the sanitised HTML that Markdown became: for data files, the search
//! index and page descriptions, where markup would be noise.

use crate::model::Html;

/// Paragraphs and list items on their own lines, list items marked `- `, no markup.
pub fn lines(html: &Html) -> String {
    first_lines(html, usize::MAX)
}

/// The first lines of [`lines`], for callers that keep only the start of a long text:
/// reading stops at the first line break after `enough` bytes of text. Up to a line
/// break the text made so far is the start of the whole, so the lines are exactly the
/// ones `lines` begins with.
pub fn first_lines(html: &Html, enough: usize) -> String {
    let mut out = String::with_capacity(html.0.len());
    let mut rest = html.0.as_str();
    // memchr: the gaps between tags are short, where `str::find` spends most on setting up.
    while let Some(start) = memchr::memchr(b'<', rest.as_bytes()) {
        decode_into(&mut out, &rest[..start]);
        let Some(end) = memchr::memchr(b'>', &rest.as_bytes()[start..]) else {
            // A lone `<` is text (the sanitiser would have escaped it, but be safe).
            decode_into(&mut out, &rest[start..]);
            rest = "";
            break;
        };
        push_break(&mut out, &rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
        if out.len() >= enough && out.ends_with('\n') {
            return tidy(&out);
        }
    }
    decode_into(&mut out, rest);
    tidy(&out)
}

/// One line, whitespace collapsed: for search entries and meta descriptions.
pub fn one_line(html: &Html) -> String {
    // `lines` has already collapsed each line: joining them is all that is left.
    lines(html).replace('\n', " ")
}

/// `text` cut to at most `max` characters at a word boundary, with an ellipsis if cut.
pub fn shorten(text: &str, max: usize) -> String {
    // The first `max - 1` characters are kept, and only if more than `max` are there: the
    // one at index `max` is looked for from where the kept ones end, not from the start.
    let (end, after) = match max {
        0 => (Some(0), 0),
        n => (char_start(text, n - 1), 1),
    };
    let Some(end) = end.filter(|&end| char_start(&text[end..], after).is_some()) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let at_word = cut.rfind(' ').filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at_word].trim_end_matches([' ', ',', ';', ':', '.'])
    )
}

/// Where the character at index `n` starts in `text`, if it has that many and one more.
pub fn char_start(text: &str, n: usize) -> Option<usize> {
    // Most text is ASCII, where each character is one byte: checked a word at a time.
    match text.as_bytes().get(..=n) {
        None => None,
        Some(head) if head.is_ascii() => Some(n),
        Some(_) => text.char_indices().nth(n).map(|(i, _)| i),
    }
}

pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_collapsed(&mut out, text);
    out
}

/// Appends the words of `text` to `out`, one space between them.
fn push_collapsed(out: &mut String, text: &str) {
    // Most text is single-spaced ASCII already: copied whole, not word by word.
    if is_single_spaced_ascii(text) {
        out.push_str(text);
        return;
    }
    let start = out.len();
    for word in text.split_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// ASCII words with one space between them and none before or after.
fn is_single_spaced_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Each check skims many bytes at a time.
    bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && text.is_ascii()
        && memchr::memchr3(b'\t', b'\n', b'\r', bytes).is_none()
        && memchr::memchr2(b'\x0b', b'\x0c', bytes).is_none()
        && memchr::memmem::find(bytes, b"  ").is_none()
}

/// Block-level tags end a line; a list item starts one with `- `.
fn push_break(out: &mut String, tag: &str) {
    let name = tag.trim_start_matches('/');
    let name = &name[..name.bytes().take_while(u8::is_ascii_alphanumeric).count()];
    let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
    let closing = tag.starts_with('/');
    if is(&["li"]) && !closing {
        out.push_str("\n- ");
    } else if is(&[
        "br",
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "blockquote",
        "tr",
        "table",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]) {
        out.push('\n');
    } else if is(&["td", "th"]) && closing {
        out.push(' ');
    }
}

/// Each line collapsed; empty lines, lone list markers and live blocks' markers dropped
/// (a block's figures are the page's, not words to search).
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in lines_of(text).filter(|l| !l.starts_with(crate::markdown::BLOCK)) {
        let kept = out.len();
        if kept > 0 {
            out.push('\n');
        }
        let start = out.len();
        push_collapsed(&mut out, line);
        if matches!(&out[start..], "" | "-") {
            out.truncate(kept);
        }
    }
    out
}

/// `str::lines`, found by memchr: most lines are short.
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes());
    ends.map(Some).chain([None]).filter_map(move |end| {
        let start = from;
        from = end.map_or(text.len(), |e| e + 1);
        match end {
            Some(e) => Some(text[start..e].strip_suffix('\r').unwrap_or(&text[start..e])),
            None => Some(&text[start..]).filter(|last| !last.is_empty()),
        }
    })
}

/// The character references an HTML serialiser writes, plus any numeric one.
fn decode_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name_end = after.bytes().take(11).position(|b| b == b';');
        match name_end {
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
        Html(std::sync::Arc::new(s.to_string()))
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
        let mut out = String::new();
        decode_into(&mut out, "A & B &bogus; &#x41;");
        assert_eq!(out, "A & B &bogus; A");
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(
            shorten("Increase social work capacity by eight posts", 20),
            "Increase social…"
        );
    }

    proptest::proptest! {
        #[test]
        fn collapsing_keeps_the_words_with_one_space_between(
            text in "( |  |\t|\n|\r|\u{b}|\u{c}|\u{a0}|\u{2003}|a|bc|é){0,20}",
        ) {
            let mut out = String::from("x");
            push_collapsed(&mut out, &text);
            let words: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(out, format!("x{}", words.join(" ")));
        }

        #[test]
        fn lines_of_is_str_lines(text in "(a|\n|\r| |é){0,20}") {
            proptest::prop_assert_eq!(lines_of(&text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>());
        }

        #[test]
        fn first_lines_are_the_start_of_lines(
            html in "(<p>|</p>|<li>|</li>|<br>|</td>|\n| |&amp;|-|word){0,60}",
            enough in 0usize..60,
        ) {
            let html = Html(std::sync::Arc::new(html));
            let (first, all) = (first_lines(&html, enough), lines(&html));
            proptest::prop_assert!(
                first == all || first.is_empty() || all.starts_with(&format!("{first}\n")),
                "{first:?} is not the start of {all:?}"
            );
        }

        #[test]
        fn shortening_counts_characters_not_bytes(
            text in "( |, |\\.|a|bc|é|日本){0,30}",
            max in 0usize..40,
        ) {
            // Shortened as it was before it sliced by position: character by character.
            let by_chars = if text.chars().nth(max).is_none() {
                text.clone()
            } else {
                let cut: String = text.chars().take(max.saturating_sub(1)).collect();
                let at_word = cut.rfind(' ').filter(|&i| i > max / 2).unwrap_or(cut.len());
                format!("{}…", cut[..at_word].trim_end_matches([' ', ',', ';', ':', '.']))
            };
            proptest::prop_assert_eq!(shorten(&text, max), by_chars);
        }

        #[test]
        fn a_character_is_found_where_it_starts(text in "(a|b |é|日本){0,30}", n in 0usize..40) {
            let by_chars = text.char_indices().nth(n).map(|(i, _)| i);
            proptest::prop_assert_eq!(char_start(&text, n), by_chars);
        }
    }
}
