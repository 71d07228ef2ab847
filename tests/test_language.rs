//! A site in a test language (tests/fixtures/test-language/, `language: x-test`, with a
//! strings file whose every value differs from English): no word of the built-in en-GB
//! strings, nor an English month, is left on its pages, its feed or its search index.
//! Also: one key changed in an English site, and `lang` following the site's language.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{build, copy_of, fixture, text_of, Built};
use scraper::{Html, Selector};

use waymark::Links;

fn site() -> Built {
    build(&fixture("test-language"), Links::Rooted)
}

/// A key's text, or its plural forms.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Forms(BTreeMap<String, String>),
}

/// The pieces of each en-GB string between its `{placeholders}` that have words in them.
fn english_phrases() -> Vec<(String, String)> {
    let strings: BTreeMap<String, Text> =
        waymark::yaml::from_str(waymark::strings::EN_GB).expect("en-GB.yaml reads");
    let texts = strings.into_iter().flat_map(|(key, text)| match text {
        Text::Plain(t) => vec![(key, t)],
        Text::Forms(forms) => forms.into_values().map(|t| (key.clone(), t)).collect(),
    });
    let mut phrases = Vec::new();
    for (key, text) in texts {
        let between = text.split('{').enumerate().map(|(i, part)| match i {
            0 => part,
            _ => part.split_once('}').map_or(part, |(_, rest)| rest),
        });
        for piece in between {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                phrases.push((key.clone(), piece.to_string()));
            }
        }
    }
    phrases
}

/// Whether `phrase` stands in `text` as whole words.
fn has_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What a reader meets on a page: its text, and the attributes read aloud or shown.
fn readable(html: &str) -> String {
    let doc = Html::parse_document(html);
    // Field names in <code> are the data files' interface, not words to translate.
    let mut out: Vec<String> = doc
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_text().map(|t| (n, t)))
        .filter(|(n, _)| {
            !n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "code" | "script" | "style" | "head"))
            })
        })
        .map(|(_, t)| t.to_string())
        .collect();
    out.extend(doc.select(&Selector::parse("title").unwrap()).map(text_of));
    let attrs = ["aria-label", "title", "alt", "placeholder", "data-label"];
    for el in doc.select(&Selector::parse("*").unwrap()) {
        let v = el.value();
        for (name, value) in v.attrs() {
            if attrs.contains(&name) || name.starts_with("data-say-") {
                out.push(value.to_string());
            }
        }
        if v.name() == "meta" && v.attr("name") == Some("description")
            || v.attr("property")
                .is_some_and(|p| p == "og:title" || p == "og:description")
        {
            out.push(v.attr("content").unwrap_or("").to_string());
        }
    }
    out.join("\n")
}

fn html_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

/// The search index's kinds, titles and texts (its addresses are not words).
fn search_words(out: &Path) -> String {
    let script = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = script
        .trim()
        .trim_start_matches("window.waymarkSearchIndex=")
        .trim_end_matches(';');
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut words: Vec<String> = index["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    for page in index["pages"].as_array().unwrap() {
        words.push(page[0].as_str().unwrap().to_string());
        words.push(page[3].as_str().unwrap().to_string());
    }
    assert!(words.len() > 10, "{words:?}");
    words.join("\n")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[test]
fn it_checks_clean() {
    let out = common::waymark(&fixture("test-language"), &["check", "--strict"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn no_english_is_left_on_any_page_the_feed_or_the_search_index() {
    let site = site();
    let out = site.out();
    let mut texts: Vec<(String, String)> = html_files(&out)
        .into_iter()
        .map(|p| {
            let html = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), readable(&html))
        })
        .collect();
    assert!(texts.len() >= 20, "only {} pages", texts.len());
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    texts.push(("feed.xml".into(), feed));
    texts.push(("search-index.js".into(), search_words(&out)));
    let phrases = english_phrases();
    let mut left = Vec::new();
    for (file, text) in &texts {
        for (key, phrase) in &phrases {
            if has_words(text, phrase) {
                left.push(format!("{file}: `{key}`: {phrase:?}"));
            }
        }
        for month in MONTHS {
            if has_words(text, month) {
                left.push(format!("{file}: the month {month}"));
            }
        }
    }
    assert!(left.is_empty(), "English left over:\n{}", left.join("\n"));
    // The test language does reach the pages (and the dates in it).
    let home = site.page("/");
    assert!(home.text("h2#current-heading").starts_with('⟦'));
    assert!(text_of(home.one("footer")).contains("⟦Ŝëƥŧëɱƀëŕ⟧ 2024"));
}

#[test]
fn pages_say_their_language() {
    let site = site();
    let home = site.page("/");
    let html = home.one("html");
    assert_eq!(html.value().attr("lang"), Some("x-test"));
    let search = site.page("/search/");
    let form = search.one("form[data-search-form]");
    assert_eq!(
        form.value().attr("data-say-none"),
        Some("⟦Ñö ŕëšüłŧš ƒöŕ ‘{query}’. Çĥëçķ ŧĥë šƥëłłïñğ, öŕ ŧŕÿ ƒëŵëŕ öŕ ðïƒƒëŕëñŧ ŵöŕðš.⟧")
    );
    // The script gets each plural form the language uses (x-test: English's rules).
    let attr = |name: &str| form.value().attr(name);
    assert_eq!(
        attr("data-say-results-one"),
        Some("⟦{n} ŕëšüłŧ ƒöŕ ‘{query}’.⟧")
    );
    assert_eq!(
        attr("data-say-results-other"),
        Some("⟦{n} ŕëšüłŧš ƒöŕ ‘{query}’.⟧")
    );
    assert!(attr("data-say-many-other").is_some_and(|t| t.contains("{shown}")));
    assert_eq!(attr("data-say-results-few"), None);
}

#[test]
fn one_key_changed_in_an_english_site_changes_that_word_only() {
    let dir = copy_of("basic");
    std::fs::create_dir_all(dir.path().join("strings")).unwrap();
    std::fs::write(
        dir.path().join("strings/en-GB.yaml"),
        "not_recorded: Not known\nprogress_as_at: \"Figures at {date}.\"\n",
    )
    .unwrap();
    let site = build(dir.path(), Links::Rooted);
    let area = site.page("/plans/demo/01-front-door/");
    let not_known = area.texts(".not-recorded");
    assert!(not_known.iter().any(|t| t == "Not known"), "{not_known:?}");
    assert!(
        !not_known.iter().any(|t| t == "Not recorded"),
        "{not_known:?}"
    );
    assert_eq!(area.text("p.as-at"), "Figures at 1 March 2023.");
    // Words the file leaves alone stay English.
    assert_eq!(area.text("h2#overview"), "Actions at a glance");
    assert_eq!(area.one("html").value().attr("lang"), Some("en-GB"));
}

/// The keys of the built-in strings, for counting what a language still lacks.
fn key_count() -> usize {
    let strings: BTreeMap<String, serde_yaml::Value> =
        waymark::yaml::from_str(waymark::strings::EN_GB).expect("en-GB.yaml reads");
    strings.len()
}

fn missing_count(stderr: &str) -> usize {
    let after = stderr
        .split_once("The site's language is cy, but ")
        .unwrap_or_else(|| panic!("no missing-keys warning: {stderr}"))
        .1;
    after.split_whitespace().next().unwrap().parse().unwrap()
}

/// `waymark new language cy` starts a translation: every key empty under its English,
/// shown in English until filled in, each filled one reaching the pages; run again after
/// keys are lost (or added to Waymark), it puts back only those.
#[test]
fn a_new_language_file_has_every_key_to_fill_in_and_fills_the_pages_as_it_grows() {
    let dir = copy_of("basic");
    let root = dir.path();
    let made = common::waymark(root, &["new", "language", "cy"]);
    assert!(made.status.success(), "{made:?}");
    let path = root.join("strings/cy.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../schemas/strings.json\n"));
    assert!(
        text.contains("# en-GB: Not recorded\nnot_recorded:\n"),
        "{text}"
    );
    let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let schema = waymark::schema::schema(waymark::schema::FileKind::Strings);
    assert!(jsonschema::draft7::new(&schema).unwrap().is_valid(&value));

    let site_yaml = root.join("content/site.yaml");
    let settings = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(&site_yaml, format!("language: cy\n{settings}")).unwrap();
    let check = common::waymark(root, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert_eq!(missing_count(&stderr), key_count(), "{stderr}");

    let filled = text
        .replace("\nnot_recorded:\n", "\nnot_recorded: Heb ei gofnodi\n")
        .replace("\nmarch:\n", "\nmarch: Mawrth\n");
    let without_home = filled.replace("# en-GB: Home\nhome:\n", "");
    std::fs::write(&path, &without_home).unwrap();
    let check = common::waymark(root, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(missing_count(&stderr), key_count() - 2, "{stderr}");
    let site = build(root, Links::Rooted);
    let area = site.page("/plans/demo/01-front-door/");
    assert_eq!(area.one("html").value().attr("lang"), Some("cy"));
    let not_known = area.texts(".not-recorded");
    assert!(
        not_known.iter().any(|t| t == "Heb ei gofnodi"),
        "{not_known:?}"
    );
    assert_eq!(area.text("p.as-at"), "Progress as at 1 Mawrth 2023.");

    let again = common::waymark(root, &["new", "language", "cy"]);
    assert!(again.status.success(), "{again:?}");
    let grown = std::fs::read_to_string(&path).unwrap();
    assert!(grown.starts_with(&without_home), "what was written stays");
    assert!(grown.ends_with("# en-GB: Home\nhome:\n"), "{grown}");
    assert_eq!(grown.matches("\nnot_recorded:").count(), 1);
    let full = common::waymark(root, &["new", "language", "cy"]);
    assert!(!full.status.success());
    assert!(String::from_utf8_lossy(&full.stderr).contains("already has every key"));
}

/// A Welsh site whose strings give every plural form of the progress sentence: each
/// area's sentence takes the form Welsh's plural rules choose for its number of actions.
#[test]
fn counted_phrases_take_the_form_the_language_chooses_for_the_number() {
    let dir = copy_of("basic");
    let site_yaml = dir.path().join("content/site.yaml");
    let mut yaml = std::fs::read_to_string(&site_yaml).unwrap();
    yaml.push_str("language: cy\n");
    std::fs::write(&site_yaml, yaml).unwrap();
    std::fs::write(
        dir.path().join("content/plans/demo/03-single.yaml"),
        "number: 3\ntitle: One action\noutcomes:\n  - outcome: One thing.\n    actions:\n      - id: \"3.1\"\n        action: Do one thing\n        status: completed\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("strings")).unwrap();
    let forms = ["zero", "one", "two", "few", "many", "other"]
        .map(|f| {
            format!(
                "  {f}: \"{} {{complete}}/{{total}} ({{percent}}%)\"\n",
                f.to_uppercase()
            )
        })
        .concat();
    std::fs::write(
        dir.path().join("strings/cy.yaml"),
        format!("progress_completed:\n{forms}"),
    )
    .unwrap();
    let site = build(dir.path(), Links::Rooted);
    let sentence = |area: &str| {
        site.page(&format!("/plans/demo/{area}/"))
            .text(".progress__text")
    };
    assert!(
        sentence("03-single").starts_with("ONE 1/1 "),
        "{}",
        sentence("03-single")
    );
    assert!(
        sentence("02-oversight").starts_with("TWO 1/2 "),
        "{}",
        sentence("02-oversight")
    );
    assert!(
        sentence("01-front-door").starts_with("OTHER "),
        "{}",
        sentence("01-front-door")
    );
    assert_eq!(site.page("/").one("html").value().attr("lang"), Some("cy"));
    // The search page passes all six Welsh forms (`other`'s text where none is given).
    let search = site.page("/search/");
    let form = search.one("form[data-search-form]");
    for category in ["zero", "one", "two", "few", "many", "other"] {
        let name = format!("data-say-results-{category}");
        let text = form.value().attr(&name);
        let expected = match category {
            "one" => "{n} result for ‘{query}’.",
            _ => "{n} results for ‘{query}’.",
        };
        assert_eq!(text, Some(expected), "{name}");
    }
}
