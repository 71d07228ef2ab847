//! Whatever an author saves, the loaders answer with diagnostics, never a panic: arbitrary
//! bytes and strings as YAML, front matter and Markdown, and whole sites with one file
//! replaced or mangled, run through checking and through the printer that shows the
//! diagnostics (whose spans must land on character boundaries).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use waymark::diagnostics::Printer;
use waymark::markdown::{self, Context};
use waymark::routes::Routes;
use waymark::source::SourceFile;

/// Bounded so the suite stays quick; set PROPTEST_CASES to search harder.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces of YAML and Markdown that reach the parsers' corners more often than random text.
const PIECES: &[&str] = &[
    "title: ",
    "id: ",
    "status: ",
    "due: ",
    "outcomes:",
    "actions:",
    "- ",
    "  ",
    "    ",
    "\n",
    "\r\n",
    "\t",
    "\"",
    "'",
    ":",
    ": ",
    "#",
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "&a",
    "*a",
    "!!str ",
    "---",
    "---\n",
    "...",
    "1.1",
    "2023-02-31",
    "16/09/22",
    "é",
    "\u{a0}",
    "\u{feff}",
    "💥",
    "<script>",
    " onclick=",
    "[x](../a.md)",
    "[y](/z/)",
    "](javascript:",
    "**",
    "`",
    "\\",
];

fn pieces() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..48).prop_map(|p| p.concat())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![pieces(), any::<String>(), "[ -~\n\t]{0,200}"]
}

/// The files of the basic fixture, as (path under the site, text).
fn basic_files() -> &'static [(PathBuf, String)] {
    static FILES: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    FILES.get_or_init(read_basic_files)
}

fn read_basic_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = fs::read_to_string(&path).unwrap();
                files.push((path.strip_prefix(&root).unwrap().to_path_buf(), text));
            }
        }
    }
    files.sort();
    files
}

/// An edit to a real file: at a fraction of the way through, delete some characters and
/// insert a piece. Real files mangled a little reach deeper than random ones.
#[derive(Debug, Clone)]
struct Edit {
    at: f64,
    delete: usize,
    insert: &'static str,
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = (0.0..1.0f64, 0..4usize, prop::sample::select(PIECES))
        .prop_map(|(at, delete, insert)| Edit { at, delete, insert });
    prop::collection::vec(edit, 1..8)
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let at = ((chars.len() as f64) * e.at) as usize;
        let end = (at + e.delete).min(chars.len());
        chars.splice(at..end, e.insert.chars());
    }
    chars.into_iter().collect()
}

/// Writes the basic site with `path` holding `bytes`, checks it and prints the result.
fn check_site_with(path: &Path, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in basic_files() {
        let target = dir.path().join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
    fs::write(dir.path().join(path), bytes).unwrap();
    // `load` is `check` without compiling the theme, which no content can break.
    let today = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    let (_, diagnostics) = waymark::load(dir.path(), today);
    let mut printer = Printer::new(dir.path());
    let plain = printer.render(&diagnostics, false);
    let _ = printer.render(&diagnostics, true);
    // Every problem is shown, and each one names its file.
    for d in diagnostics.iter() {
        let file = d.file.display().to_string();
        assert!(plain.contains(&file), "{file} not named in:\n{plain}");
    }
}

fn content_file(which: usize) -> &'static Path {
    let files = basic_files();
    &files[which % files.len()].0
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn yaml_text_never_panics(text in text()) {
        let path = Path::new("content/plans/demo/01-x.yaml");
        if let Ok(doc) = waymark::yaml::parse(path, &text, 0, &text) {
            let root = waymark::yaml::YamlPath::root();
            let _ = doc.span(&root.key("outcomes").index(0).key("actions"));
            let _ = doc.line_of(&root.key("title"));
        }
        // The same text as front matter: positions are offsets into the whole file.
        let full = format!("---\n{text}\n---\nBody\n");
        let front = &full[4..4 + text.len()];
        let _ = waymark::yaml::parse(Path::new("content/pages/x.md"), &full, 4, front);
    }

    #[test]
    fn markdown_never_panics(text in text()) {
        let mut routes = Routes::default();
        let _ = routes.add(Path::new("content/reports/a.md"), "reports/a/".into());
        let file = PathBuf::from("content/pages/about.md");
        let ctx = Context { file: &file, blocks: true, addresses: markdown::Addresses::new(&routes), cut_from: None };
        let (_, problems, blocks) = markdown::render_with_blocks(&text, &ctx);
        for p in problems {
            prop_assert!(p.span.end <= text.len() && p.span.start <= p.span.end);
        }
        // A live block's span is its `[[...]]` in the text.
        for b in blocks {
            let written = text.get(b.span.clone()).unwrap_or("");
            prop_assert!(written.starts_with("[[") && written.ends_with("]]"), "{:?}", b);
        }
    }

    #[test]
    fn front_matter_splitting_never_panics(text in text()) {
        let file = SourceFile::new("content/pages/x.md", text.clone());
        if let Ok(split) = file.split() {
            prop_assert!(split.front_offset <= text.len() && split.body_offset <= text.len());
        }
    }

    #[test]
    fn arbitrary_bytes_as_any_content_file_never_panic(
        which in 0..64usize,
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        check_site_with(content_file(which), &bytes);
    }

    #[test]
    fn arbitrary_text_as_any_content_file_never_panics(which in 0..64usize, text in text()) {
        check_site_with(content_file(which), text.as_bytes());
    }

    #[test]
    fn mangled_real_files_never_panic(which in 0..64usize, edits in edits()) {
        let files = basic_files();
        let (path, text) = &files[which % files.len()];
        check_site_with(path, apply(text, &edits).as_bytes());
    }
}
