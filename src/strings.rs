//! The words the theme and the generator add to a site, by key: en-GB built in, a site's
//! `strings/<language>.yaml` over it. Waymark's own messages to authors stay English.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Strings {
    texts: BTreeMap<String, Text>,
    plural: Plural,
}

/// One key's wording: a text, or (for a key that counts something) a text for each
/// plural category, `other` always among them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Forms(BTreeMap<String, String>),
}

/// The CLDR plural categories, in CLDR's order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// A language's cardinal plural rules: the tag the rules were found under, the rules
/// (made once: making them parses the tag and looks it up), and the categories whole
/// numbers fall into, each with the first number that does.
#[derive(Clone)]
struct Plural {
    tag: String,
    rules: PluralRules,
    used: Vec<(&'static str, u64)>,
}

// The tag decides the rules, so it stands for them.
impl PartialEq for Plural {
    fn eq(&self, other: &Self) -> bool {
        self.tag == other.tag
    }
}

impl Eq for Plural {}

impl std::hash::Hash for Plural {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.tag.hash(state);
    }
}

impl std::fmt::Debug for Plural {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plural")
            .field("tag", &self.tag)
            .field("used", &self.used)
            .finish()
    }
}

impl Plural {
    /// The rules for `language`, else for its primary subtag, else English's.
    fn for_language(language: &str) -> Plural {
        let primary = language.split(['-', '_']).next().unwrap_or("");
        let (tag, rules) = [language, primary, "en"]
            .into_iter()
            .find_map(|t| Some((t.to_string(), rules(t)?)))
            .expect("intl_pluralrules has English's rules");
        let mut plural = Plural {
            tag,
            rules,
            used: Vec::new(),
        };
        // Counts are whole numbers; these reach every category CLDR gives them.
        let samples = (0..=1000u64).chain([10_000, 100_000, 1_000_000, 10_000_000]);
        for n in samples {
            let c = plural.category(n);
            if !plural.used.iter().any(|(u, _)| *u == c) {
                plural.used.push((c, n));
            }
        }
        plural
            .used
            .sort_by_key(|(c, _)| CATEGORIES.iter().position(|x| x == c));
        plural
    }

    /// The category `n` falls into.
    fn category(&self, n: u64) -> &'static str {
        match self.rules.select(n).ok() {
            Some(PluralCategory::ZERO) => "zero",
            Some(PluralCategory::ONE) => "one",
            Some(PluralCategory::TWO) => "two",
            Some(PluralCategory::FEW) => "few",
            Some(PluralCategory::MANY) => "many",
            _ => "other",
        }
    }

    /// "zero (as for 0), one (as for 1), ... other (as for 4)".
    fn described(&self) -> String {
        self.used
            .iter()
            .map(|(c, n)| format!("{c} (as for {n})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn rules(tag: &str) -> Option<PluralRules> {
    let id: unic_langid::LanguageIdentifier = tag.parse().ok()?;
    PluralRules::create(id, PluralRuleType::CARDINAL).ok()
}

impl Default for Strings {
    fn default() -> Self {
        Strings::en_gb()
    }
}

/// For templates: each key's text; a key that counts something as its text for each
/// category the language uses (`other`'s text where the strings give none), so that a
/// page's script can choose among them.
impl Serialize for Strings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.texts.len()))?;
        for (key, text) in &self.texts {
            match text {
                Text::Plain(t) => map.serialize_entry(key, t)?,
                Text::Forms(forms) => {
                    let chosen: BTreeMap<&str, &str> = self
                        .plural
                        .used
                        .iter()
                        .map(|(c, _)| (*c, form(forms, c)))
                        .collect();
                    map.serialize_entry(key, &chosen)?
                }
            }
        }
        map.end()
    }
}

/// The form for `category`, else `other`'s.
fn form<'a>(forms: &'a BTreeMap<String, String>, category: &str) -> &'a str {
    forms
        .get(category)
        .or_else(|| forms.get("other"))
        .map_or("", String::as_str)
}

impl Strings {
    /// The built-in en-GB strings.
    pub fn en_gb() -> Strings {
        built_in().clone()
    }

    /// The text for `key` (for a key that counts, its `other` form); the key itself if
    /// there is none (a bug, caught by the tests).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        match self.texts.get(key) {
            Some(Text::Plain(t)) => t,
            Some(Text::Forms(forms)) => form(forms, "other"),
            None => key,
        }
    }

    /// The text for `key` with each `{name}` replaced by its value: plain text, for
    /// feeds, search and the like. Templates use the `say` function, which escapes.
    pub fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill_args(self.get(key), args)
    }

    /// The form of `key` for the number `n` in this language's plural rules, with `{n}`
    /// and each of `args` filled in: "1 month", "7 months".
    pub fn count(&self, key: &str, n: usize, args: &[(&str, &str)]) -> String {
        let text = match self.texts.get(key) {
            Some(Text::Forms(forms)) => form(forms, self.plural.category(n as u64)),
            _ => self.get(key),
        };
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        fill_args(text, &all)
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

fn fill_args(text: &str, args: &[(&str, &str)]) -> String {
    fill(text, |name| {
        args.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
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
        let texts: BTreeMap<String, Text> =
            yaml::from_str(EN_GB).unwrap_or_else(|e| panic!("{EN_GB_PATH}: {e}"));
        Strings {
            texts,
            plural: Plural::for_language("en-GB"),
        }
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
        .texts
        .iter()
        .map(|(key, english)| (key.clone(), key_schema(english)))
        .collect();
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "description": "The words Waymark adds to a site, in one language: each key's text (empty until translated, so the English is shown).",
        "type": "object",
        "properties": keys,
        "additionalProperties": false,
    })
}

/// A plain key takes text; a counting key a text for each plural form, `other` among them.
fn key_schema(english: &Text) -> serde_json::Value {
    let text = serde_json::json!({ "type": ["string", "number", "null"] });
    match english {
        Text::Plain(english) => {
            serde_json::json!({ "type": ["string", "number", "null"], "description": format!("In en-GB: {english}") })
        }
        Text::Forms(forms) => {
            let shown: Vec<String> = forms.iter().map(|(c, t)| format!("{c}: {t}")).collect();
            let each: serde_json::Map<String, serde_json::Value> = CATEGORIES
                .iter()
                .map(|c| (c.to_string(), text.clone()))
                .collect();
            serde_json::json!({
                "description": format!("A text for each plural form (zero, one, two, few, many, other) the language uses. In en-GB: {}", shown.join("; ")),
                "type": ["object", "null"],
                "properties": each,
                "required": ["other"],
                "additionalProperties": false,
            })
        }
    }
}

/// The lines `waymark new language` writes for every key not in `have`: the built-in
/// file with each text moved into a note above its key, so that the key stays empty
/// (shown in English) until translated; a counting key gets an empty line for each
/// plural form `language` uses. The built-in file's own opening note is left out.
pub fn to_translate(language: &str, have: &BTreeSet<String>) -> String {
    let forms: String = Plural::for_language(language)
        .used
        .iter()
        .map(|(c, _)| format!("  {c}:\n"))
        .collect();
    let mut out = String::new();
    let mut notes = String::new();
    let body = EN_GB.split_once("\n\n").map_or(EN_GB, |(_, rest)| rest);
    let mut lines = body.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            notes.push_str(line);
            notes.push('\n');
            continue;
        }
        let Some((key, english)) = line.split_once(':') else {
            continue;
        };
        let mut english_forms = String::new();
        while let Some(form) = lines.next_if(|l| l.starts_with(' ')) {
            english_forms.push_str(&format!("#   {}\n", form.trim()));
        }
        if !have.contains(key) {
            out.push_str(&notes);
            match english_forms.is_empty() {
                true => out.push_str(&format!("# en-GB:{english}\n{key}:\n")),
                false => out.push_str(&format!(
                    "# en-GB, a form for each number:\n{english_forms}{key}:\n{forms}"
                )),
            }
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
    strings.plural = Plural::for_language(language);
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
        let Some(english) = built_in().texts.get(key) else {
            found.push(unknown_key(&doc, &at, key));
            continue;
        };
        if let Some(forms) = doc.texts_at(&at) {
            let plural = &strings.plural;
            if let Some(forms) = read_forms(&doc, &at, key, english, forms, plural, found) {
                strings.texts.insert(key.to_string(), Text::Forms(forms));
                set.push(key.to_string());
            }
            continue;
        }
        let Some(text) = text else {
            found.push(doc.error_at(&at, format!("`{key}` should be a piece of text, but it is not."))
                .help("Write the words after the colon on the same line, in quotes if they contain a colon: `not_recorded: \"Not recorded\"`."));
            continue;
        };
        // Not translated yet (as `waymark new language` writes every key): English stays.
        if text.trim().is_empty() {
            continue;
        }
        if let Text::Forms(english) = english {
            found.push(text_for_forms(&doc, &at, key, english, &strings.plural));
            continue;
        }
        if let Some(problem) = placeholder_problem(key, built_in().get(key), &text) {
            found.push(doc.error_at(&at, problem.0).help(problem.1));
            continue;
        }
        strings.texts.insert(key.to_string(), Text::Plain(text));
        set.push(key.to_string());
    }
    set
}

/// A key that counts something, given one text: the forms it needs, as they are written.
fn text_for_forms(
    doc: &yaml::Document,
    at: &YamlPath,
    key: &str,
    english: &BTreeMap<String, String>,
    plural: &Plural,
) -> Diagnostic {
    let lines: Vec<String> = plural
        .used
        .iter()
        .map(|(c, _)| format!("  {c}: \"{}\"", form(english, c)))
        .collect();
    doc.error_at(at, format!("`{key}` counts something, so its words can change with the number: it needs a text for each plural form, not one text."))
        .help(format!("Write each form on its own line under the key, indented, with `other` for any number without a form of its own. The forms this language uses are {}. For example (in English):\n{key}:\n{}", plural.described(), lines.join("\n")))
}

/// A key's plural forms, checked: None (with errors) when they cannot be used; a warning
/// when they leave out a form the language uses, which then shows `other`'s text.
fn read_forms(
    doc: &yaml::Document,
    at: &YamlPath,
    key: &str,
    english: &Text,
    forms: Vec<(String, Option<String>)>,
    plural: &Plural,
    found: &mut Vec<Diagnostic>,
) -> Option<BTreeMap<String, String>> {
    let Text::Forms(_) = english else {
        found.push(doc.error_at_key(at, format!("`{key}` is one piece of text, but here it is a list of forms."))
            .help(format!("Only keys that count something (such as `months`) have plural forms. Write the text after the colon on the same line: `{key}: \"{}\"`.", built_in().get(key))));
        return None;
    };
    let before = found.len();
    let mut read = BTreeMap::new();
    for (name, text) in forms {
        let here = at.key(&name);
        if !CATEGORIES.contains(&name.as_str()) {
            let near = closest(&name, CATEGORIES)
                .map(|n| format!("Did you mean `{n}`? "))
                .unwrap_or_default();
            found.push(doc.error_at_key(&here, format!("`{key}` has a form called `{name}`, but plural forms are called zero, one, two, few, many and other."))
                .help(format!("{near}The forms this language uses are {}.", plural.described())));
            continue;
        }
        let Some(text) = text else {
            found.push(doc.error_at(&here, format!("`{key}`'s `{name}` form should be a piece of text, but it is not."))
                .help(format!("Write the words after the colon on the same line, in quotes: `{name}: \"{}\"`.", built_in().get(key))));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        if let Some(problem) = placeholder_problem(key, built_in().get(key), &text) {
            found.push(
                doc.error_at(&here, format!("In its `{name}` form, {}", problem.0))
                    .help(problem.1),
            );
            continue;
        }
        read.insert(name, text);
    }
    // Every form still empty, as `waymark new language` writes them: not translated yet.
    if read.is_empty() && found.len() == before {
        return None;
    }
    if !read.contains_key("other") && found.len() == before {
        found.push(doc.error_at_key(at, format!("`{key}` has no `other` form, which is shown for any number without a form of its own."))
            .help(format!("Add a line `other: \"…\"` under `{key}`, indented like the other forms. The forms this language uses are {}.", plural.described())));
    }
    if found.len() > before {
        return None;
    }
    let lacking: Vec<&str> = plural
        .used
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !read.contains_key(*c))
        .collect();
    if !lacking.is_empty() {
        found.push(doc.warning_at_key(at, format!("`{key}` has no {} form, so for those numbers the page shows its `other` form, which may be the wrong word.", either(&lacking)))
            .help(format!("This language's plural rules ({}) use these forms: {}. Add a line under `{key}` for each form it lacks.", plural.tag, plural.described())));
    }
    Some(read)
}

/// "`two`", "`two` or `few`", "`zero`, `two` or `few`".
fn either(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

fn unknown_key(doc: &yaml::Document, at: &YamlPath, key: &str) -> Diagnostic {
    let keys = built_in().texts.keys().map(String::as_str);
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
        .texts
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

    fn welsh(yaml: &str) -> (Strings, Vec<Diagnostic>) {
        let file = SourceFile::new(PathBuf::from("strings/cy.yaml"), yaml.to_string());
        let mut found = Vec::new();
        let s = for_language("cy", &[file], &mut found);
        (s, found)
    }

    #[test]
    fn welsh_numbers_fall_into_its_six_categories() {
        let cy = Plural::for_language("cy");
        let chosen: Vec<&str> = [0, 1, 2, 3, 6, 7].map(|n| cy.category(n)).to_vec();
        assert_eq!(chosen, ["zero", "one", "two", "few", "many", "other"]);
        let used: Vec<&str> = cy.used.iter().map(|(c, _)| *c).collect();
        assert_eq!(used, CATEGORIES);
    }

    #[test]
    fn a_tag_the_rules_lack_uses_its_language_else_english() {
        assert_eq!(Plural::for_language("cy-GB").tag, "cy");
        assert_eq!(Plural::for_language("en-GB").tag, "en");
        assert_eq!(Plural::for_language("x-test").tag, "en");
        let en: Vec<&str> = Plural::for_language("en-GB")
            .used
            .iter()
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(en, ["one", "other"]);
    }

    #[test]
    fn count_picks_the_form_for_the_number_and_fills_in_n() {
        let en = Strings::en_gb();
        assert_eq!(en.count("months", 1, &[]), "1 month");
        assert_eq!(en.count("months", 7, &[]), "7 months");
        let forms: String = CATEGORIES
            .iter()
            .map(|c| format!("  {c}: \"{{n}} {c}\"\n"))
            .collect();
        let (cy, found) = welsh(&format!("months:\n{forms}"));
        assert!(
            found.iter().all(|d| !d.message.contains("`months`")),
            "{found:?}"
        );
        let said: Vec<String> = [0, 1, 2, 3, 6, 7]
            .map(|n| cy.count("months", n, &[]))
            .to_vec();
        assert_eq!(
            said,
            ["0 zero", "1 one", "2 two", "3 few", "6 many", "7 other"]
        );
    }

    #[test]
    fn a_form_left_out_falls_back_to_other_with_a_warning() {
        let (cy, found) = welsh("months:\n  one: \"{n} mis\"\n  other: \"{n} o fisoedd\"\n");
        assert_eq!(cy.count("months", 2, &[]), "2 o fisoedd");
        assert_eq!(cy.count("months", 1, &[]), "1 mis");
        let warning = found
            .iter()
            .find(|d| d.message.starts_with("`months` has no"))
            .expect("a warning for the forms left out");
        assert!(
            warning.message.contains("`zero`, `two`, `few` or `many`"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn templates_get_every_form_the_language_uses() {
        let (cy, _) =
            welsh("search_results:\n  one: \"{n} {query} un\"\n  other: \"{n} {query}\"\n");
        let json = serde_json::to_value(&cy).unwrap();
        let forms = json["search_results"].as_object().unwrap();
        assert_eq!(forms.len(), 6);
        assert_eq!(forms["one"], "{n} {query} un");
        assert_eq!(forms["few"], "{n} {query}");
        assert_eq!(json["not_recorded"], "Not recorded");
    }
}
