//! Escaping for HTML and XML, shared by the templates, the feeds and `serve`.

/// Escapes text for XML and HTML alike (`&apos;` is valid in both). Tera calls this for
/// every value a template prints, so it is one of the hotter loops of a build.
pub fn escape(text: &str) -> String {
    let bytes = text.as_bytes();
    // Most text needs nothing, and most of the rest needs little: a chunk is checked
    // without stopping early, which lets the compiler test its bytes at once.
    let Some(first) = bytes.chunks(ESCAPE_CHUNK).position(needs_escape) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    let chunks = bytes.chunks(ESCAPE_CHUNK).enumerate().skip(first);
    for (n, chunk) in chunks.filter(|(_, chunk)| needs_escape(chunk)) {
        for (j, &byte) in chunk.iter().enumerate() {
            let Some(replacement) = replacement(byte) else {
                continue;
            };
            // Every byte replaced is ASCII, so the slices between them are whole characters.
            let i = n * ESCAPE_CHUNK + j;
            out.push_str(&text[copied..i]);
            out.push_str(replacement);
            copied = i + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

const ESCAPE_CHUNK: usize = 16;

fn needs_escape(chunk: &[u8]) -> bool {
    chunk
        .iter()
        .fold(false, |found, &b| found | replacement(b).is_some())
}

fn replacement(byte: u8) -> Option<&'static str> {
    Some(match byte {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&apos;",
        // Characters XML 1.0 forbids; content should never hold them, but a feed with one
        // is unreadable, so drop it.
        b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("A & B <c> \"d\" 'e'\u{1}"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }

    proptest::proptest! {
        /// Escaping chunk by chunk gives what escaping character by character gives, for
        /// text of any length with the special characters anywhere (chunk edges included).
        #[test]
        fn escapes_as_character_by_character_would(text in "[a-z&<>\"'\t\n\u{1}\u{1f}é€ ]{0,70}") {
            let expected: String = text
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&apos;".to_string(),
                    '\u{1}' | '\u{1f}' => String::new(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(escape(&text), expected);
        }
    }
}
