//! Colour contrast (WCAG 2.2 relative luminance), to pick legible text and warn about colours that fail.

/// The WCAG AA minimum for normal text.
pub const AA_TEXT: f64 = 4.5;

fn channel(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.03928 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.trim().trim_start_matches('#');
    if h.len() != 6 {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

pub fn luminance(hex: &str) -> Option<f64> {
    let (r, g, b) = rgb(hex)?;
    Some(0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b))
}

/// Contrast ratio between two `#rrggbb` colours, from 1 to 21.
pub fn contrast(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// White or near-black text, whichever reads better on `background`.
pub fn text_on(background: &str) -> &'static str {
    let white = contrast(background, "#ffffff").unwrap_or(21.0);
    let black = contrast(background, "#0b0c0c").unwrap_or(0.0);
    if white >= black {
        "#ffffff"
    } else {
        "#0b0c0c"
    }
}

/// The better of the two text colours' contrast on `background`.
pub fn best_text_contrast(background: &str) -> Option<f64> {
    Some(contrast(background, "#ffffff")?.max(contrast(background, "#0b0c0c")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast("#000000", "#ffffff").unwrap() - 21.0).abs() < 0.01);
        assert!((contrast("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert_eq!(text_on("#ffdd00"), "#0b0c0c");
        assert_eq!(text_on("#1d70b8"), "#ffffff");
    }
}
