//! Writing the site: into a staging folder beside the output, swapped in only when the
//! whole build succeeded, so a failed or interrupted build never half-writes the live site.
//!
//! The site before the live one is kept beside it (`.public.waymark-previous`) and becomes
//! the next build's staging folder: rewriting files that exist is much cheaper than
//! deleting a site of thousands of folders and making them all again, which on ext4
//! without a journal also slows every file made in the next minutes.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Read as _, Seek as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

use anyhow::{bail, Context as _, Result};
use rayon::prelude::*;

/// A build in progress. Dropping it without `commit` removes everything it wrote.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Where the site before the live one is kept; see the module's notes.
    previous: PathBuf,
    /// Files written, when `dir` started as the previous site: the rest are stale.
    written: Option<Mutex<HashSet<PathBuf>>>,
    committed: bool,
}

/// A file that could not be written, and why.
#[derive(Debug)]
pub struct Unwritten {
    pub rel: String,
    pub error: anyhow::Error,
}

/// Refuses output folders whose replacement would destroy sources: the site root,
/// content/, themes/, templates/, static/, or anything that contains them.
pub fn check_output_folder(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root)?;
    let output = absolute(output)?;
    for name in ["", "content", "themes", "templates", "static"] {
        if root.join(name).starts_with(&output) {
            let what = if name.is_empty() {
                "the site folder itself, with its content/ and themes/".to_string()
            } else {
                format!("the site's {name}/ folder")
            };
            bail!(
                "Refusing to write the site to {}: Waymark replaces its output folder whole, and that would delete {what}. Choose an output folder of its own, such as {}.",
                output.display(),
                root.join("public").display()
            );
        }
    }
    if output.parent().is_none() {
        bail!(
            "Refusing to write the site to {}: choose an output folder of its own.",
            output.display()
        );
    }
    refuse_foreign_folder(&output, &root)
}

/// Replacing a folder deletes what was in it, so only a new or empty folder, or one that
/// Waymark built (a built site always has an index.html), may be replaced.
fn refuse_foreign_folder(output: &Path, root: &Path) -> Result<()> {
    if output.exists() && !output.is_dir() {
        bail!(
            "Refusing to write the site to {}: it is a file, not a folder. Choose an output folder of its own, such as {}.",
            output.display(),
            root.join("public").display()
        );
    }
    let Ok(mut entries) = fs::read_dir(output) else {
        return Ok(()); // not there yet: it will be created
    };
    if entries.next().is_none() || output.join("index.html").is_file() {
        return Ok(());
    }
    bail!(
        "Refusing to write the site to {}: that folder holds files Waymark did not make (it has no index.html), and building replaces the folder whole. Choose a new or empty folder, such as {}.",
        output.display(),
        root.join("public").display()
    )
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut lexical = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let joined = lexical;
    // Canonicalise the longest existing part, so `..` and links cannot hide the real folder.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    Ok(out)
}

/// Staging folders left by builds that were killed part-way: Waymark's own, named after
/// the output and a process that no longer runs (`-old-` folders are from versions that
/// deleted the old site). Only Linux can tell a live process here.
fn remove_abandoned(parent: &Path, name: &str) {
    let prefixes = [
        format!(".{name}.waymark-new-"),
        format!(".{name}.waymark-old-"),
    ];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()));
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if cfg!(target_os = "linux") && !alive && entry.path().is_dir() {
            fs::remove_dir_all(entry.path()).ok();
        }
    }
}

/// Writes `bytes` over a file of the previous site: not at all when they are already
/// there, else in place. Truncating a file to nothing and writing it again would make
/// ext4 flush it to disk on close, file by file.
fn rewrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old)?;
    if old != bytes {
        file.seek(io::SeekFrom::Start(0))?;
        file.write_all(bytes)?;
        file.set_len(bytes.len() as u64)?;
    }
    Ok(())
}

impl Staging {
    pub fn new(output: &Path) -> Result<Self> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_abandoned(parent, &name);
        let dir = parent.join(format!(".{name}.waymark-new-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).ok();
        }
        let previous = parent.join(format!(".{name}.waymark-previous"));
        // A rename is atomic: of two builds at once, only one takes the previous site.
        let reused = fs::rename(&previous, &dir).is_ok();
        if !reused {
            fs::create_dir_all(&dir).with_context(|| {
                format!("could not create the staging folder {}", dir.display())
            })?;
        }
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            previous,
            written: reused.then(|| Mutex::new(HashSet::new())),
            committed: false,
        })
    }

    /// Writes one file of the site. `rel` must stay inside the site: no `..`, not absolute.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        // Over the previous site the folder is almost always there, and making it again
        // would still lock its parent, which every page's folder shares: write first.
        // In a new folder it never is, and a failed write costs as much as a folder.
        self.write_with(rel, bytes, self.written.is_none())
    }

    fn write_with(&self, rel: &str, bytes: &[u8], folder_first: bool) -> Result<()> {
        let path = self.inside(rel)?;
        let put_file = || {
            if self.written.is_some() {
                rewrite(&path, bytes)
            } else {
                fs::write(&path, bytes)
            }
        };
        let make_folder = || path.parent().map_or(Ok(()), fs::create_dir_all);
        let put = || -> io::Result<()> {
            if folder_first {
                make_folder()?;
                return put_file();
            }
            match put_file() {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    make_folder()?;
                    put_file()
                }
                done => done,
            }
        };
        let mut done = put();
        if done.is_err() && self.written.is_some() {
            // The previous site may have had a file where this one has a folder, or the
            // other way round.
            self.clear_way(&path);
            done = put();
        }
        done.with_context(|| format!("could not write {}", path.display()))?;
        if let Some(written) = &self.written {
            written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path);
        }
        Ok(())
    }

    /// Removes whatever of the previous site stands where `path` must go.
    fn clear_way(&self, path: &Path) {
        if path.is_dir() {
            fs::remove_dir_all(path).ok();
        }
        for ancestor in path.ancestors().skip(1) {
            if ancestor == self.dir {
                break;
            }
            if ancestor.is_file() {
                fs::remove_file(ancestor).ok();
            }
        }
    }

    fn inside(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel);
        let safe = rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe || rel.is_empty() {
            bail!("refused to write `{rel}`: it would be outside the output folder");
        }
        Ok(self.dir.join(rel_path))
    }

    /// Removes what the previous site had and this build did not write.
    fn remove_stale(&self) -> Result<()> {
        let Some(written) = &self.written else {
            return Ok(());
        };
        let written = written.lock().unwrap_or_else(|e| e.into_inner());
        // Contents first, so a folder is seen after everything in it.
        let mut kept_in: HashSet<PathBuf> = HashSet::new();
        for entry in walkdir::WalkDir::new(&self.dir)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry?;
            let path = entry.path();
            let is_dir = entry.file_type().is_dir();
            let keep = if is_dir {
                kept_in.contains(path)
            } else {
                written.contains(path)
            };
            if keep {
                if let Some(parent) = path.parent() {
                    kept_in.insert(parent.to_path_buf());
                }
            } else if is_dir {
                fs::remove_dir_all(path)?;
            } else {
                fs::remove_file(path)?;
            }
        }
        Ok(())
    }

    /// Swaps the finished site in for the old one, which is kept for the next build. If
    /// the swap fails, the old output is put back.
    pub fn commit(mut self) -> Result<()> {
        self.remove_stale()
            .context("could not remove files the new site no longer has")?;
        let had_old = self.output.exists();
        if had_old {
            if self.previous.exists() {
                fs::remove_dir_all(&self.previous).ok();
            }
            fs::rename(&self.output, &self.previous).with_context(|| {
                format!(
                    "could not move the old site {} aside",
                    self.output.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            if had_old {
                fs::rename(&self.previous, &self.output).ok();
            }
            return Err(e).with_context(|| {
                format!("could not move the new site into {}", self.output.display())
            });
        }
        self.committed = true;
        Ok(())
    }
}

/// A build's pages, written as they are rendered, in order.
///
/// ext4 makes one folder at a time in a parent such as `reports/`, and a thread that asks
/// while another is making one spins on its core. So the pages' folders are made ahead of
/// the pages, a batch at a time, by whichever thread first finds its page's folder missing
/// while no other thread is making folders; the other thread's next pages then find
/// theirs made and are written at once. A page whose folder is missing while another
/// thread is making folders is kept and written by the next thread to write a page once
/// its folder is there, so no thread waits and the folders are made while pages are
/// rendered rather than all at the end.
pub struct Pages<'a> {
    staging: &'a Staging,
    /// Each page's file (`reports/x/index.html`), in the order the pages are rendered.
    files: Vec<String>,
    /// The folders of `files[..made]` have been made (or tried: a failure shows when the
    /// page is written). Only the thread holding `making` moves it on.
    made: AtomicUsize,
    making: Mutex<()>,
    kept: Mutex<Kept>,
}

/// Folders made in one go past the page that needed one: more than the other thread
/// renders meanwhile, so that its pages find their folders made.
const FOLDERS_AHEAD: usize = 32;

/// How much [`Pages`] may keep in memory (about 7,000 report pages); past it, a thread
/// waits for its folder rather than keep its page.
const MAX_KEPT_BYTES: usize = 64 << 20;

/// Pages rendered before their folder was made, by their number.
#[derive(Default)]
struct Kept {
    pages: BTreeMap<usize, Vec<u8>>,
    bytes: usize,
}

impl<'a> Pages<'a> {
    pub fn new(staging: &'a Staging, files: Vec<String>) -> Self {
        Pages {
            staging,
            files,
            made: AtomicUsize::new(0),
            making: Mutex::new(()),
            kept: Mutex::default(),
        }
    }

    /// Writes page `n` of those given to [`Pages::new`], or keeps it while another
    /// thread makes folders; then writes the kept pages whose folders are now made.
    pub fn write(&self, n: usize, bytes: Vec<u8>) -> Result<(), Unwritten> {
        if self.staging.written.is_some() {
            // Over the previous site the folders are there already.
            return self.put(n, &bytes);
        }
        if self.made.load(Ordering::Acquire) <= n {
            let making = match self.making.try_lock() {
                Ok(making) => making,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    let mut kept = self.kept();
                    if kept.bytes < MAX_KEPT_BYTES {
                        kept.bytes += bytes.len();
                        kept.pages.insert(n, bytes);
                        return Ok(());
                    }
                    drop(kept);
                    self.making.lock().unwrap_or_else(|e| e.into_inner())
                }
            };
            self.make_folders(n + FOLDERS_AHEAD);
            drop(making);
        }
        self.put(n, &bytes)?;
        while let Some((k, bytes)) = self.take_ready() {
            self.put(k, &bytes)?;
        }
        Ok(())
    }

    /// Writes the pages still kept, once every page has been rendered.
    pub fn finish(self) -> Vec<Unwritten> {
        let kept = std::mem::take(&mut *self.kept());
        if let Some(&last) = kept.pages.keys().next_back() {
            let _making = self.making.lock().unwrap_or_else(|e| e.into_inner());
            self.make_folders(last);
        }
        kept.pages
            .into_par_iter()
            .filter_map(|(n, bytes)| self.put(n, &bytes).err())
            .collect()
    }

    /// Makes the folders of the pages up to page `last`. Called holding `making`.
    fn make_folders(&self, last: usize) {
        let end = (last + 1).min(self.files.len());
        for n in self.made.load(Ordering::Acquire)..end {
            if let Some((folder, _)) = self.files[n].rsplit_once('/') {
                if let Ok(path) = self.staging.inside(folder) {
                    // A failure is reported when the page is written.
                    fs::create_dir_all(path).ok();
                }
            }
            self.made.store(n + 1, Ordering::Release);
        }
    }

    /// The first kept page whose folder is made.
    fn take_ready(&self) -> Option<(usize, Vec<u8>)> {
        let made = self.made.load(Ordering::Acquire);
        let mut kept = self.kept();
        let entry = kept.pages.first_entry().filter(|e| *e.key() < made)?;
        let (n, bytes) = entry.remove_entry();
        kept.bytes -= bytes.len();
        Some((n, bytes))
    }

    fn put(&self, n: usize, bytes: &[u8]) -> Result<(), Unwritten> {
        let rel = &self.files[n];
        // The folder is made by now, or was made before this build: the file goes first.
        self.staging
            .write_with(rel, bytes, false)
            .map_err(|error| Unwritten {
                rel: rel.clone(),
                error,
            })
    }

    fn kept(&self) -> MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Staging {
    /// A failed build keeps the previous site it started from for the next build: having
    /// rewritten part of it does no harm, as the next build rewrites or removes every file.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let reused = self.written.is_some();
        let kept =
            reused && !self.previous.exists() && fs::rename(&self.dir, &self.previous).is_ok();
        if !kept {
            fs::remove_dir_all(&self.dir).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_folder(root, root).is_err());
        assert!(check_output_folder(root, &root.join("content")).is_err());
        assert!(check_output_folder(root, root.parent().unwrap()).is_err());
        assert!(check_output_folder(root, &root.join("themes")).is_err());
        assert!(check_output_folder(root, &root.join("content/../public")).is_ok());
        assert!(check_output_folder(root, &root.join("public/../content")).is_err());
    }

    #[test]
    fn clears_staging_folders_left_by_killed_builds_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let dead = dir.path().join(".public.waymark-new-4000000000");
        let mine = dir.path().join(".other.waymark-new-4000000000");
        fs::create_dir_all(&dead).unwrap();
        fs::create_dir_all(&mine).unwrap();
        let _staging = Staging::new(&out).unwrap();
        assert!(!dead.exists(), "a dead build's staging folder is removed");
        assert!(mine.exists(), "another output's folder is left alone");
    }

    #[test]
    fn refuses_paths_that_climb_out() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        assert!(staging.write("../evil.html", b"x").is_err());
        assert!(staging.write("/etc/passwd", b"x").is_err());
        assert!(staging.write("ok/index.html", b"x").is_ok());
    }

    #[test]
    fn pages_written_from_many_threads_all_arrive_and_failures_name_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        let mut files: Vec<String> = (0..400)
            .map(|n| format!("reports/page-{n}/index.html"))
            .collect();
        files.insert(200, "../out.html".into());
        files.insert(0, "index.html".into());
        let count = files.len();
        let pages = Pages::new(&staging, files.clone());
        let next = AtomicUsize::new(0);
        let failures = Mutex::new(Vec::new());
        rayon::broadcast(|_| loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= count {
                break;
            }
            if let Err(failed) = pages.write(n, format!("page {n}").into_bytes()) {
                failures.lock().unwrap().push(failed.rel);
            }
        });
        let mut failures = failures.into_inner().unwrap();
        failures.extend(pages.finish().into_iter().map(|f| f.rel));
        assert_eq!(failures, vec!["../out.html".to_string()]);
        staging.commit().unwrap();
        let out = dir.path().join("public");
        for (n, file) in files
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.starts_with(".."))
        {
            assert_eq!(
                fs::read_to_string(out.join(file)).unwrap(),
                format!("page {n}")
            );
        }
        assert!(!dir.path().join("out.html").exists());
    }

    #[test]
    fn a_page_kept_while_folders_are_made_is_written_once_its_folder_is() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        let files: Vec<String> = (0..100)
            .map(|n| format!("reports/{n}/index.html"))
            .collect();
        let pages = Pages::new(&staging, files);
        let making = pages.making.lock().unwrap();
        // Another thread is making folders: the page is kept, not waited on.
        pages.write(0, b"zero".to_vec()).unwrap();
        pages.write(70, b"seventy".to_vec()).unwrap();
        assert_eq!(pages.kept().pages.len(), 2);
        drop(making);
        // The next page makes folders ahead of itself and takes the kept page whose
        // folder is now made along; the other stays kept until the end.
        pages.write(1, b"one".to_vec()).unwrap();
        assert_eq!(
            pages.kept().pages.keys().copied().collect::<Vec<_>>(),
            vec![70]
        );
        assert!(pages.finish().is_empty());
        staging.commit().unwrap();
        let out = dir.path().join("public/reports");
        for (n, text) in [(0, "zero"), (1, "one"), (70, "seventy")] {
            assert_eq!(
                fs::read_to_string(out.join(format!("{n}/index.html"))).unwrap(),
                text
            );
        }
    }

    #[test]
    fn a_dropped_build_leaves_the_old_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        {
            let staging = Staging::new(&out).unwrap();
            staging.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging folder removed"
        );
        let staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        let previous = dir.path().join(".public.waymark-previous");
        assert_eq!(
            fs::read_to_string(previous.join("index.html")).unwrap(),
            "old",
            "the old site is kept aside for the next build"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_failed_build_keeps_the_previous_site_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "1"), ("reports/a/index.html", "a1")]);
        build(&out, &[("index.html", "2")]);
        let previous = dir.path().join(".public.waymark-previous");
        {
            let staging = Staging::new(&out).unwrap();
            assert!(!previous.exists(), "the build works in the previous site");
            staging.write("index.html", b"3").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert!(
            previous.join("reports/a/index.html").is_file(),
            "the previous site is kept, not deleted, when the build fails"
        );
        build(&out, &[("index.html", "4")]);
        assert_eq!(
            files_in(&out),
            vec![("index.html".to_string(), "4".to_string())]
        );
    }

    fn files_in(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                let text = fs::read_to_string(e.path()).unwrap_or_else(|_| "(folder)".into());
                (rel, text)
            })
            .collect();
        found.sort();
        found
    }

    fn build(out: &Path, files: &[(&str, &str)]) {
        let staging = Staging::new(out).unwrap();
        for (rel, text) in files {
            staging.write(rel, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    #[test]
    fn a_build_made_over_the_previous_site_has_exactly_its_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(
            &out,
            &[
                ("index.html", "1"),
                ("reports/a/index.html", "a1"),
                ("reports/b/index.html", "b1"),
                ("docs", "a file"),
                ("x/index.html", "x1"),
            ],
        );
        build(&out, &[("index.html", "2"), ("reports/a/index.html", "a2")]);
        // The third build starts from the first one's folder: everything it did not
        // write must go, folders left empty included, and a file where a folder is
        // needed (and the other way round) is replaced.
        let third = [
            ("index.html", "3"),
            ("reports/c/index.html", "c3"),
            ("docs/index.html", "now a page"),
            ("x", "now a file"),
        ];
        build(&out, &third);
        let expected = vec![
            ("docs".to_string(), "(folder)".to_string()),
            ("docs/index.html".into(), "now a page".into()),
            ("index.html".into(), "3".into()),
            ("reports".into(), "(folder)".into()),
            ("reports/c".into(), "(folder)".into()),
            ("reports/c/index.html".into(), "c3".into()),
            ("x".into(), "now a file".into()),
        ];
        assert_eq!(files_in(&out), expected);
        let previous = dir.path().join(".public.waymark-previous");
        assert_eq!(
            fs::read_to_string(previous.join("index.html")).unwrap(),
            "2"
        );
    }
}
