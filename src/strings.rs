//! The words the theme and the generator add to a site, by key: en-GB built in, a site's
//! `strings/<language>.yaml` over it. Waymark's own messages to authors stay English.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::{iso_day, DateView, PartialDate};
use crate::diagnostics::{closest, Diagnostic};
use crate::source::SourceFile;
use crate::yaml::{self, YamlPath};

/// The built-in wording, also the list of every key a strings file may set.
pub const EN_GB: &str = include_str!("../themes/default/strings/en-GB.yaml");
const EN_GB_PATH: &str = "(built-in theme)/strings/en-GB.yaml";

/// Where a site's strings files may be, most important first.
pub const FOLDERS: [&str; 2] = ["strings", "themes/default/strings"];

const MONTH_KEYS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Every string of one language, each key present.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
#[serde(transparent)]
pub struct Strings(BTreeMap<String, String>);

impl Default for Strings {
    fn default() -> Self {
        Strings::en_gb()
    }
}

impl Strings {
    /// The built-in en-GB strings.
    pub fn en_gb() -> Strings {
        Strings(built_in().0.clone())
    }

    /// The text for `key`; the key itself if there is none (a bug, caught by the tests).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// The text for `key` with each `{name}` replaced by its value: plain text, for
    /// feeds, search and the like. Templates use the `say` function, which escapes.
    pub fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// "16 September 2022", in this language.
    pub fn long(&self, d: NaiveDate) -> String {
        let (day, year) = (d.day().to_string(), d.year().to_string());
        let month = self.get(MONTH_KEYS[d.month0() as usize]);
        self.say(
            "date_day",
            &[("day", &day), ("month", month), ("year", &year)],
        )
    }

    /// "12 November": the start of a range that ends in the same year.
    pub fn day_month(&self, d: NaiveDate) -> String {
        let day = d.day().to_string();
        let month = self.get(MONTH_KEYS[d.month0() as usize]);
        self.say("date_day_month", &[("day", &day), ("month", month)])
    }

    /// "16 Sept": a chart's label, under which the year is drawn.
    pub fn short_day_month(&self, d: NaiveDate) -> String {
        let day = d.day().to_string();
        let key = format!("short_{}", MONTH_KEYS[d.month0() as usize]);
        self.say(
            "date_day_month",
            &[("day", &day), ("month", self.get(&key))],
        )
    }

    /// A date as written: a day, a month or a year.
    pub fn partial(&self, d: &PartialDate) -> String {
        match *d {
            PartialDate::Day(day) => self.long(day),
            PartialDate::Month(y, m) => {
                let month = self.get(MONTH_KEYS[(m as usize).saturating_sub(1) % 12]);
                self.say("date_month", &[("month", month), ("year", &y.to_string())])
            }
            PartialDate::Year(y) => y.to_string(),
        }
    }

    pub fn date(&self, d: NaiveDate) -> DateView {
        DateView {
            text: self.long(d),
            iso: iso_day(d),
        }
    }

    pub fn partial_date(&self, d: &PartialDate) -> DateView {
        DateView {
            text: self.partial(d),
            iso: d.iso(),
        }
    }

    /// The names of the months, January first.
    pub fn months(&self) -> Vec<&str> {
        MONTH_KEYS.iter().map(|k| self.get(k)).collect()
    }
}

/// Replaces each `{name}` in `text` with what `value` gives for it; an unknown name
/// is left as written.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_name(name) => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The `{name}`s a text asks for.
pub fn placeholders(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    fill(text, |name| {
        names.insert(name.to_string());
        None
    });
    names
}

fn built_in() -> &'static Strings {
    static BUILT_IN: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
    BUILT_IN.get_or_init(|| {
        let map: BTreeMap<String, String> =
            yaml::from_str(EN_GB).unwrap_or_else(|e| panic!("{EN_GB_PATH}: {e}"));
        Strings(map)
    })
}

/// A language tag as sites use them (`cy`, `en-GB`, `sr-Latn-RS`, or a private-use
/// `x-test`): a two- or three-letter language (or `x`), then `-` parts, letters and
/// digits only.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    let private = first.eq_ignore_ascii_case("x");
    let rest: Vec<&str> = parts.collect();
    ((2..=3).contains(&first.len()) && first.chars().all(|c| c.is_ascii_alphabetic())
        || private && !rest.is_empty())
        && rest
            .iter()
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The pattern `is_language_tag` follows, for the editors' schema.
pub const LANGUAGE_TAG_PATTERN: &str =
    r"^([A-Za-z]{2,3}|[Xx]-[A-Za-z0-9]{1,8})(-[A-Za-z0-9]{1,8})*$";

/// Whether a language tag is English, so the built-in strings can stand for any it lacks.
fn is_english(language: &str) -> bool {
    let lower = language.to_ascii_lowercase();
    lower == "en" || lower.starts_with("en-")
}

/// Whether `path` (relative to the site root) is in one of the strings folders.
pub fn is_strings_path(path: &Path) -> bool {
    FOLDERS
        .iter()
        .any(|folder| path.parent() == Some(Path::new(folder)))
}

/// The editors' schema for a strings file: every key, with its English as the hint, and
/// nothing else. Made from the built-in file, so a new key is in it at once.
pub fn schema() -> serde_json::Value {
    let keys: serde_json::Map<String, serde_json::Value> = built_in()
        .0
        .iter()
        .map(|(key, english)| {
            let hint = format!("In en-GB: {english}");
            let rule = serde_json::json!({ "type": ["string", "null"], "description": hint });
            (key.clone(), rule)
        })
        .collect();
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "description": "The words Waymark adds to a site, in one language: each key's text (empty until translated, so the English is shown).",
        "type": "object",
        "properties": keys,
        "additionalProperties": false,
    })
}

/// The lines `waymark new language` writes for every key not in `have`: the built-in
/// file with each text moved into a note above its key, so that the key stays empty
/// (shown in English) until translated. The built-in file's own opening note is left out.
pub fn to_translate(have: &BTreeSet<String>) -> String {
    let mut out = String::new();
    let mut notes = String::new();
    let body = EN_GB.split_once("\n\n").map_or(EN_GB, |(_, rest)| rest);
    for line in body.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            notes.push_str(line);
            notes.push('\n');
            continue;
        }
        let Some((key, english)) = line.split_once(':') else {
            continue;
        };
        if !have.contains(key) {
            out.push_str(&notes);
            out.push_str(&format!("# en-GB:{english}\n{key}:\n"));
        }
        notes.clear();
    }
    out
}

/// Reads the strings files a site has (from `FOLDERS`, each `<language>.yaml`), for
/// [`for_language`]. Paths are relative to the site folder.
pub fn read_files(root: &Path) -> Vec<SourceFile> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut names: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names {
            let path = PathBuf::from(folder).join(&name);
            if let Ok(text) = std::fs::read_to_string(root.join(&path)) {
                files.push(SourceFile::new(path, text));
            }
        }
    }
    files
}

/// The strings for `language`: the built-in en-GB, then the theme's file for it, then
/// the site's own. Problems in those files are reported; a language other than English
/// that leaves keys out gets a warning naming them.
pub fn for_language(language: &str, files: &[SourceFile], found: &mut Vec<Diagnostic>) -> Strings {
    let mut strings = Strings::en_gb();
    let wanted = [format!("{language}.yaml"), format!("{language}.yml")];
    let mine: Vec<&SourceFile> = FOLDERS
        .iter()
        .rev()
        .flat_map(|folder| {
            let wanted = &wanted;
            files.iter().filter(move |f| {
                f.path.parent() == Some(Path::new(folder))
                    && f.path
                        .file_name()
                        .is_some_and(|n| wanted.iter().any(|w| n == w.as_str()))
            })
        })
        .collect();
    let mut set = BTreeSet::new();
    for file in &mine {
        set.extend(apply(file, &mut strings, found));
    }
    if !is_english(language) {
        found.extend(missing_keys(
            language,
            &set,
            mine.last().map(|f| f.path.as_path()),
        ));
    }
    strings
}

/// Reads one strings file over `strings`; the keys it set.
fn apply(file: &SourceFile, strings: &mut Strings, found: &mut Vec<Diagnostic>) -> Vec<String> {
    let doc = match yaml::parse(&file.path, &file.text, 0, &file.text) {
        Ok(doc) => doc,
        Err(d) => {
            found.push(d);
            return Vec::new();
        }
    };
    let root = YamlPath::root();
    let Some(lines) = doc.flat_texts() else {
        found.push(doc.error_at(&root, "A strings file should be a list of `key: text` lines, but this one is not.")
            .help("Write one line for each word or sentence you change, such as `not_recorded: Not recorded`."));
        return Vec::new();
    };
    let mut set = Vec::new();
    for (key, text) in lines {
        let key = key.as_str();
        let at = root.key(key);
        let Some(english) = built_in().0.get(key) else {
            found.push(unknown_key(&doc, &at, key));
            continue;
        };
        let Some(text) = text else {
            found.push(doc.error_at(&at, format!("`{key}` should be a piece of text, but it is not."))
                .help("Write the words after the colon on the same line, in quotes if they contain a colon: `not_recorded: \"Not recorded\"`."));
            continue;
        };
        // Not translated yet (as `waymark new language` writes every key): English stays.
        if text.trim().is_empty() {
            continue;
        }
        if let Some(problem) = placeholder_problem(key, english, &text) {
            found.push(doc.error_at(&at, problem.0).help(problem.1));
            continue;
        }
        strings.0.insert(key.to_string(), text);
        set.push(key.to_string());
    }
    set
}

fn unknown_key(doc: &yaml::Document, at: &YamlPath, key: &str) -> Diagnostic {
    let keys = built_in().0.keys().map(String::as_str);
    let help = match closest(key, keys) {
        Some(near) => format!("Did you mean `{near}`? Every key is listed in the built-in strings file, themes/default/strings/en-GB.yaml in Waymark's source (docs/authoring.md, \"Wording and languages\")."),
        None => "Use a key from the built-in strings file, themes/default/strings/en-GB.yaml in Waymark's source (docs/authoring.md, \"Wording and languages\"), or remove this line.".into(),
    };
    doc.error_at(at, format!("`{key}` is not one of the words Waymark puts on a site, so this line would change nothing."))
        .help(help)
}

/// A text that leaves out one of the `{name}`s its key fills in, or names one the key
/// does not have: the message and its fix.
fn placeholder_problem(key: &str, english: &str, text: &str) -> Option<(String, String)> {
    let needed = placeholders(english);
    let given = placeholders(text);
    let list = |names: &BTreeSet<String>| {
        names
            .iter()
            .map(|n| format!("{{{n}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wrong) = given.difference(&needed).next() {
        let near = closest(wrong, needed.iter().map(String::as_str))
            .map(|n| format!("Did you mean {{{n}}}? "))
            .unwrap_or_default();
        let fix = if needed.is_empty() {
            format!("{near}`{key}` fills in no values: remove {{{wrong}}}.")
        } else {
            format!("{near}`{key}` fills in only {}.", list(&needed))
        };
        return Some((
            format!("`{key}` has {{{wrong}}}, which Waymark does not fill in here."),
            fix,
        ));
    }
    let missing: BTreeSet<String> = needed.difference(&given).cloned().collect();
    (!missing.is_empty()).then(|| {
        (
            format!("`{key}` leaves out {}, so the page would not show it.", list(&missing)),
            format!("Put {} where it belongs in the sentence, with its curly brackets, as in the English: \"{english}\".", list(&missing)),
        )
    })
}

fn missing_keys(language: &str, set: &BTreeSet<String>, file: Option<&Path>) -> Option<Diagnostic> {
    let missing: Vec<&str> = built_in()
        .0
        .keys()
        .filter(|k| !set.contains(*k))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let file = file.map_or_else(
        || PathBuf::from(format!("strings/{language}.yaml")),
        Path::to_path_buf,
    );
    let shown = missing
        .iter()
        .take(12)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = if missing.len() > 12 {
        format!(" and {} more", missing.len() - 12)
    } else {
        String::new()
    };
    Some(
        Diagnostic::warning(&file, format!("The site's language is {language}, but {} of the words Waymark adds have no {language} text here, so they will be shown in English: {shown}{more}.", missing.len()))
            .help(format!("Fill in each key named in {}, with its {language} text. `waymark new language {language}` makes that file with every key and its English, or adds the keys it lacks.", file.display())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_strings_read_and_have_every_month() {
        let s = Strings::en_gb();
        assert_eq!(s.months()[8], "September");
        let d = NaiveDate::from_ymd_opt(2022, 9, 16).unwrap();
        assert_eq!(s.long(d), "16 September 2022");
        assert_eq!(s.partial(&PartialDate::Month(2024, 7)), "July 2024");
    }

    #[test]
    fn language_tags_are_told_from_language_names() {
        for tag in ["cy", "en-GB", "sr-Latn-RS", "x-test", "gsw"] {
            assert!(is_language_tag(tag), "{tag}");
        }
        for not in ["Welsh", "x", "e", "en_GB", "cy-", "en GB", ""] {
            assert!(!is_language_tag(not), "{not}");
        }
    }

    #[test]
    fn placeholders_fill_in_and_others_stay() {
        assert_eq!(
            fill("as at {date}, {x} {", |n| (n == "date")
                .then(|| "1 May".into())),
            "as at 1 May, {x} {"
        );
        assert_eq!(
            placeholders("{a} and {b_c} {Not}"),
            BTreeSet::from(["a".into(), "b_c".into()])
        );
    }

    #[test]
    fn a_misspelt_or_missing_placeholder_is_caught() {
        assert!(placeholder_problem("k", "as at {date}", "as at {dat}").is_some());
        assert!(placeholder_problem("k", "as at {date}", "as at").is_some());
        assert!(placeholder_problem("k", "as at {date}", "{date} yn ôl").is_none());
    }
}
