//! Finding the content files, reading them safely, and splitting Markdown front matter.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::kept::Kept;

/// Larger files are refused: no real plan or report comes near this, and reading a
/// stray video or database export would stall the build.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// One content file, read whole. `path` is relative to the site root.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Shared, so that serve mode keeps a file's text between builds without copying it.
    pub text: Arc<String>,
    /// Different for every read of every file: what was made from one read can be kept.
    pub read: u64,
}

static READS: AtomicU64 = AtomicU64::new(0);

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: Arc::new(text.into()),
            read: READS.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// A content file as last read: its size and modification time, and its text.
#[derive(Clone)]
pub struct Read {
    pub len: u64,
    pub modified: Option<SystemTime>,
    pub file: SourceFile,
}

/// The files of the last build, by their path on disk (serve mode).
pub type SourcesKept = Kept<std::ffi::OsString, Read>;

/// A Markdown file cut into its YAML front matter and its body, keeping byte offsets
/// into the file so that problems in either part point at the right line.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
    /// The read of the file it was cut from (see [`SourceFile::read`]).
    pub read: u64,
}

/// Where a Markdown file's parts are: kept, rather than a [`Split`], by code that owns
/// the file and so cannot also hold slices of it.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    front_offset: usize,
    front_end: usize,
    body_offset: usize,
}

/// Every `.md` and `.yaml` file under `content/`, sorted by path, with problems for the
/// ones that cannot be read. Other files are ignored: authors keep notes beside content.
pub fn read_content(root: &Path, memo: Option<&SourcesKept>) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        problems.push(
            Diagnostic::error("content", "There is no `content` folder in the site folder.")
                .help(format!(
                    "Run waymark in the folder that holds `content/`, or name it with --root. Looked in {}.",
                    root.display()
                )),
        );
        return (files, problems);
    }
    let mut found = find_content(root, &content, &mut problems);
    // Sorted once, whole paths: walkdir's sort by name splits each path again for every
    // comparison, which on 10,000 reports is most of the walk.
    found.par_sort_unstable_by(|a, b| folder_order(a, b));
    crate::timings::mark("find content files");
    // Files are read in parallel: on a large site, reading is a good part of a build.
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .into_par_iter()
        .map(|path| read_kept(root, &path, memo))
        .collect();
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// Walks `content`, following links (shortcuts) only while they stay inside the site
/// folder: a link to anything outside it is reported and never read, nor walked into.
fn find_content(root: &Path, content: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut found = Vec::new();
    let mut walk = WalkDir::new(content).follow_links(true).into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(walk_problem(root, &err));
                continue;
            }
        };
        if entry.path_is_symlink() && !leads_inside(entry.path(), &site) {
            problems.push(outside_link(root, entry.path()));
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() && is_content(entry.path()) {
            found.push(entry.into_path());
        }
    }
    found
}

/// Whether a link resolves to somewhere inside the site folder `site` (canonical).
fn leads_inside(link: &Path, site: &Path) -> bool {
    std::fs::canonicalize(link).is_ok_and(|target| target.starts_with(site))
}

/// The target is not named: it is outside the site, and may be private.
fn outside_link(root: &Path, link: &Path) -> Diagnostic {
    Diagnostic::error(
        relative(root, link),
        "This is a link (shortcut) to a file or folder outside the site folder, so Waymark has not read it.",
    )
    .help("Content must be inside the site folder. Copy the file into content/ in place of the link, or delete the link.")
}

/// `Path`'s own order (folder by folder), worked out from the bytes: comparing `Path`s
/// splits both into parts at every comparison, which was half the instructions of
/// reading 10,000 reports.
fn folder_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // Where they differ, a path that ends or starts a new folder comes first.
    let rank = |path: &[u8]| {
        path.get(same).map(|&byte| match byte {
            _ if std::path::is_separator(byte.into()) => 0,
            byte => u16::from(byte) + 1,
        })
    };
    rank(a).cmp(&rank(b))
}

/// Reads a file, or takes its text from the last build when its size and time are unchanged.
fn read_kept(
    root: &Path,
    path: &Path,
    memo: Option<&SourcesKept>,
) -> Result<SourceFile, Diagnostic> {
    let Some(memo) = memo else {
        return read_one(root, path);
    };
    let meta = std::fs::metadata(path).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    let modified = meta.and_then(|m| m.modified().ok());
    let same = |r: &Read| r.len == len && r.modified == modified && modified.is_some();
    // Keyed by the path's bytes: hashing a Path walks its components, which is slow.
    let key = path.as_os_str().to_os_string();
    if let Some(kept) = memo.get(&key, same) {
        return Ok(kept.file);
    }
    let file = read_one(root, path)?;
    let read = Read {
        len,
        modified,
        file: file.clone(),
    };
    memo.put(key, read);
    Ok(file)
}

fn is_content(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~'));
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    !hidden && matches!(ext, "md" | "yaml" | "yml")
}

/// The path as authors see it: relative to the site root, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn walk_problem(root: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::error(
            &path,
            format!(
                "This is a link (shortcut) to {}, a folder that contains the link itself, so reading it would go round in circles for ever.",
                relative(root, ancestor).display()
            ),
        )
        .help("Delete the link, or point it at a folder outside content/. Waymark has not read anything through it.");
    }
    Diagnostic::error(&path, format!("This could not be read: {err}."))
        .help("Check that the file or folder exists and that you are allowed to read it.")
}

/// Reads one file, refusing what would make a bad page: too big, empty, not UTF-8.
pub fn read_one(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel = relative(root, path);
    let too_big = |size: u64| {
        Diagnostic::error(
            &rel,
            format!(
                "This file is {:.1} MB; content files may be at most {} MB.",
                size as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        )
        .help("Split it into smaller files, or move large documents to static/ and link to them.")
    };
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(&rel, format!("This file could not be read: {e}."))
            .help("Check that the file exists and that you are allowed to read it.")
    };
    // One open, one stat, and reads into a buffer of the right size: on a large site
    // these calls add up. (A File's own read_to_end asks for its size and position again.)
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    (&file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let text = crate::utf8::text(bytes).map_err(|e| not_utf8(&rel, e))?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(&rel, "This file is empty.")
            .at(Some(0..0))
            .help(
                "Fill it in (the authoring guide (docs/authoring.md) shows every field), or delete it.",
            ));
    }
    Ok(SourceFile::new(rel, text))
}

fn not_utf8(rel: &Path, e: std::string::FromUtf8Error) -> Diagnostic {
    let offset = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(e.as_bytes());
    let (line, col) = crate::diagnostics::line_col(&text, offset);
    // The printer shows the file with the unreadable bytes replaced, so this offset still
    // points at the first of them.
    Diagnostic::error(
        rel,
        format!("This file is not saved as UTF-8 text: the character at line {line}, column {col} cannot be read."),
    )
    .at(Some(offset..offset + 1))
    .help("Open the file in your editor and save it with the encoding \"UTF-8\". Word documents must be pasted in as text, not saved over the file.")
}

impl SourceFile {
    /// Splits `---` front matter from the body; a file without front matter is an error.
    pub fn split(&self) -> Result<Split<'_>, Diagnostic> {
        self.cut().map(|cut| self.split_at(cut))
    }

    /// The file cut where [`SourceFile::cut`] found its parts.
    pub fn split_at(&self, cut: Cut) -> Split<'_> {
        let text = self.text.as_str();
        Split {
            front: &text[cut.front_offset..cut.front_end],
            front_offset: cut.front_offset,
            body: &text[cut.body_offset..],
            body_offset: cut.body_offset,
            read: self.read,
        }
    }

    /// Where the front matter and the body are, as [`SourceFile::split`] cuts them.
    pub fn cut(&self) -> Result<Cut, Diagnostic> {
        let text = self.text.as_str();
        let Some(after_open) = strip_fence(text) else {
            return Err(Diagnostic::error(
                &self.path,
                "This file has no front matter: it must start with a line `---`, then its fields in YAML, then another `---` line.",
            )
            .at(Some(0..text.find('\n').unwrap_or(text.len())))
            .help("Add `---` as the first line, then `title: ...` and the other fields, then a closing `---` line, then the text."));
        };
        let front_offset = text.len() - after_open.len();
        let mut offset = front_offset;
        for line in after_open.split_inclusive('\n') {
            if line.trim_end() == "---" {
                return Ok(Cut {
                    front_offset,
                    front_end: offset,
                    body_offset: offset + line.len(),
                });
            }
            offset += line.len();
        }
        Err(Diagnostic::error(
            &self.path,
            "The front matter that starts on line 1 is never closed: there is no second `---` line.",
        )
        .at(Some(0..3))
        .help("Add a line with just `---` after the last field, before the text of the page."))
    }
}

fn strip_fence(text: &str) -> Option<&str> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    (text[..first_line_end].trim_end() == "---").then(|| &text[first_line_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("content/x.md", text)
    }

    #[test]
    fn content_files_come_in_path_order_folders_before_longer_names() {
        let root = tempfile::tempdir().unwrap();
        for name in [
            "b.md",
            "a-b.md",
            "a/z.md",
            "a/c/d.yaml",
            "A.md",
            "notes.txt",
        ] {
            let path = root.path().join("content").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "---\ntitle: T\n---\n").unwrap();
        }
        let (files, problems) = read_content(root.path(), None);
        assert!(problems.is_empty());
        let paths: Vec<String> = files
            .iter()
            .map(|f| f.path.to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(
            paths,
            [
                "content/A.md",
                "content/a/c/d.yaml",
                "content/a/z.md",
                "content/a-b.md",
                "content/b.md"
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn folder_order_is_paths_own_order(
            a in "(a|b|-|/|é|\\.){0,12}",
            b in "(a|b|-|/|é|\\.){0,12}",
        ) {
            // Paths as a walk gives them: no empty, `.` or `..` parts, no `/` at the end.
            let tidy = |s: &str| {
                let parts = s.split('/').filter(|p| !["", ".", ".."].contains(p));
                parts.collect::<Vec<_>>().join("/")
            };
            let (a, b) = (PathBuf::from(tidy(&a)), PathBuf::from(tidy(&b)));
            proptest::prop_assert_eq!(folder_order(&a, &b), a.cmp(&b));
        }
    }

    #[test]
    fn splits_front_matter_keeping_offsets() {
        let f = file("---\ntitle: A\n---\nBody\n");
        let s = f.split().unwrap();
        assert_eq!(s.front, "title: A\n");
        assert_eq!(&f.text[s.front_offset..s.front_offset + 5], "title");
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = file("---\ntitle: A\nBody\n").split().unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn windows_line_endings_split() {
        let f = file("---\r\ntitle: A\r\n---\r\nBody");
        assert_eq!(f.split().unwrap().body, "Body");
    }
}
