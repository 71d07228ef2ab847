//! Turning bytes into text. Every source file and every rendered page is checked to be
//! UTF-8; std's check is a loop over the bytes, simdutf8's looks at 32 at a time, which
//! took about 1.5% of a build's instructions off at 10,000 reports.

/// `bytes` as a `String`, or std's own error (which says where the bad bytes start).
pub fn text(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return String::from_utf8(bytes);
    }
    // SAFETY: simdutf8 has just checked that `bytes` is valid UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn valid_text_is_kept_and_bad_bytes_are_found_where_they_start() {
        let good = "Ofsted’s visit – “good” progress\n".repeat(40);
        assert_eq!(text(good.clone().into_bytes()).unwrap(), good);
        let at = good.char_indices().nth(50).unwrap().0;
        let mut bad = good.into_bytes();
        bad.insert(at, 0xff);
        assert_eq!(text(bad).unwrap_err().utf8_error().valid_up_to(), at);
    }
}
