//! Helpers shared by the integration tests: build a fixture site, read pages back as a reader would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use waymark::{BuildOptions, Links};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A built site in a temporary folder, kept alive as long as the value.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub outcome: waymark::Outcome,
}

impl Built {
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn page(&self, url: &str) -> Page {
        let rel = url.trim_start_matches('/');
        let file = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        };
        let path = self.out().join(&file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("no page at {url} ({}): {e}", path.display()));
        Page {
            html: Html::parse_document(&text),
        }
    }
}

pub fn build(root: &Path, links: Links) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = BuildOptions {
        output: Some(dir.path().join("public")),
        links,
        ..BuildOptions::new(root)
    };
    let outcome = waymark::build(&options).expect("build runs");
    assert!(
        outcome.pages > 0,
        "build failed: {:#?}",
        outcome.diagnostics
    );
    Built { dir, outcome }
}

pub struct Page {
    pub html: Html,
}

/// Text as a reader sees it: tags gone, whitespace folded.
pub fn text_of(el: ElementRef<'_>) -> String {
    let folded = el
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Joining text nodes with spaces separates blocks; punctuation after an inline element closes up again.
    [" ,", " .", " ;", " :", " )"]
        .iter()
        .fold(folded, |t, p| t.replace(p, &p[1..]))
}

impl Page {
    pub fn all(&self, css: &str) -> Vec<ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.html.select(&sel).collect()
    }

    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.all(css);
        assert_eq!(
            found.len(),
            1,
            "expected one `{css}`, found {}",
            found.len()
        );
        found[0]
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css).into_iter().map(text_of).collect()
    }

    pub fn text(&self, css: &str) -> String {
        text_of(self.one(css))
    }

    /// The value beside a summary-list key (`<dt>Due</dt><dd>...</dd>`), in `scope`.
    pub fn summary_value(&self, scope: &str, key: &str) -> String {
        let rows = self.all(&format!("{scope} .summary > div"));
        let dt = Selector::parse("dt").unwrap();
        let dd = Selector::parse("dd").unwrap();
        rows.into_iter()
            .find(|row| row.select(&dt).next().map(text_of).as_deref() == Some(key))
            .and_then(|row| row.select(&dd).next().map(text_of))
            .unwrap_or_else(|| panic!("no `{key}` row in {scope}"))
    }
}

/// Copies a folder tree, for tests that change a fixture.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture site.
pub fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Runs the real binary with `args` then `--root root`.
pub fn waymark(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

/// Every file and folder under `dir` with its bytes (a folder has none): two equal
/// snapshots are the same site to the byte, empty folders included.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// The first element matching `css` within `el`; panics if there is none.
pub fn first<'a>(el: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    find(el, css).unwrap_or_else(|| panic!("no `{css}` in {}", text_of(el)))
}

/// The first element matching `css` within `el`, if any.
pub fn find<'a>(el: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    el.select(&sel).next()
}
