//! Writing the site: into a staging folder beside the output, swapped in only when the
//! whole build succeeded, so a failed or interrupted build never half-writes the live site.
//!
//! The site before the live one is kept beside it (`.public.waymark-previous`) and becomes
//! the next build's staging folder: rewriting files that exist is much cheaper than
//! deleting a site of thousands of folders and making them all again, which on ext4
//! without a journal also slows every file made in the next minutes.
//!
//! Replacing a folder deletes what was in it, so Waymark replaces only a folder it made:
//! every output holds a [`MARKER`] file. Nothing is done through a symbolic link: a link
//! where the output or the previous site should be is refused, never followed.

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

/// The file every output holds, so that a later build knows the folder is Waymark's to
/// replace. A dotfile, so that it stays out of folder listings and most deploy tools; a
/// host that serves dotfiles shows only this text, which names no path or person.
pub const MARKER: &str = ".waymark-output";

const MARKER_TEXT: &str = "This folder was made by Waymark, the site builder, which replaces the whole folder at every build: anything else put here will be deleted. Keep your own files elsewhere (files to publish go in the site's static/ folder).\n";

/// Files every site written by a Waymark from before [`MARKER`] has, which a folder
/// of someone else's is unlikely to have all of.
const OLDER_BUILD: [&str; 3] = ["index.html", "404.html", "search-index.js"];

/// Refuses output folders whose replacement would destroy sources (the site root,
/// content/, themes/, templates/, static/, or anything that contains them) or anyone's
/// files (see [`Owner`]).
pub fn check_output_folder(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root)?;
    let resolved = absolute(output)?;
    for name in ["", "content", "themes", "templates", "static"] {
        if root.join(name).starts_with(&resolved) {
            let what = if name.is_empty() {
                "the site folder itself, with its content/ and themes/".to_string()
            } else {
                format!("the site's {name}/ folder")
            };
            bail!(
                "Refusing to write the site to {}: Waymark replaces its output folder whole, and that would delete {what}. Choose an output folder of its own, such as {}.",
                resolved.display(),
                root.join("public").display()
            );
        }
    }
    if resolved.parent().is_none() {
        bail!(
            "Refusing to write the site to {}: choose an output folder of its own.",
            resolved.display()
        );
    }
    // The staging folder works on the path as given, not on where a link leads.
    refuse_foreign_output(&lexical(output)?, Some(&root.join("public")))
}

/// What stands at a path Waymark would replace, seen without following links.
#[derive(Debug, PartialEq)]
enum Owner {
    Nothing,
    Link,
    File,
    /// An empty folder, or one holding [`MARKER`] or [`OLDER_BUILD`]'s files.
    Waymark,
    /// A folder with files in it that Waymark did not make.
    Someone,
}

fn owner(path: &Path) -> Owner {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Owner::Nothing;
    };
    if meta.file_type().is_symlink() {
        return Owner::Link;
    }
    if !meta.is_dir() {
        return Owner::File;
    }
    let is_file = |name: &str| fs::symlink_metadata(path.join(name)).is_ok_and(|m| m.is_file());
    let empty = fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none());
    if empty || is_file(MARKER) || OLDER_BUILD.iter().all(|name| is_file(name)) {
        Owner::Waymark
    } else {
        Owner::Someone
    }
}

const OWN_RULE: &str = "Waymark replaces only an empty folder or one it made: one holding its .waymark-output file, or a site built by an older Waymark, with index.html, 404.html and search-index.js";

/// Refuses an output that is not a new or empty folder, nor one Waymark made.
/// `suggest` is a folder to offer instead.
fn refuse_foreign_output(output: &Path, suggest: Option<&Path>) -> Result<()> {
    let instead = suggest
        .map(|p| format!(", such as {}", p.display()))
        .unwrap_or_default();
    let shown = output.display();
    match owner(output) {
        Owner::Nothing | Owner::Waymark => Ok(()),
        Owner::Link => {
            let target = fs::read_link(output)
                .map(|t| format!(" to {}", t.display()))
                .unwrap_or_default();
            bail!(
                "Refusing to write the site to {shown}: it is a link{target}, and Waymark never writes through a link, because it replaces its output folder whole. Give the folder's own path with --output, or choose a new or empty folder{instead}."
            )
        }
        Owner::File => bail!(
            "Refusing to write the site to {shown}: it is a file, not a folder. Choose an output folder of its own{instead}."
        ),
        Owner::Someone => bail!(
            "Refusing to write the site to {shown}: that folder holds files Waymark did not make, and building replaces the folder whole, which would delete them. Nothing was moved or deleted. Choose a new or empty folder{instead}, or move your own files out of {shown} and build again. ({OWN_RULE}.)"
        ),
    }
}

/// Refuses to take over `previous`, where the site before the live one is kept, unless
/// it is a folder Waymark made (or nothing).
fn refuse_foreign_previous(previous: &Path) -> Result<()> {
    let shown = previous.display();
    match owner(previous) {
        Owner::Nothing | Owner::Waymark => Ok(()),
        Owner::Link => bail!(
            "Refusing to build: {shown} is a link, and Waymark keeps the site before the live one under that name. Waymark never writes through or deletes a link there. Delete the link itself (not the folder it leads to) and build again."
        ),
        Owner::File | Owner::Someone => bail!(
            "Refusing to build: {shown} is where Waymark keeps the site before the live one, but it holds files Waymark did not make. Nothing was moved or deleted. Move it elsewhere (or delete it if it is not needed) and build again. ({OWN_RULE}.)"
        ),
    }
}

/// `path` made absolute, with `.` and `..` worked out from the text alone: the path the
/// staging folder works on, links not followed.
fn lexical(path: &Path) -> Result<PathBuf> {
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
    Ok(lexical)
}

/// `path` made absolute with links followed, so `..` and links cannot hide the real folder.
fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = lexical(path)?;
    // Canonicalise the longest existing part.
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
        // A link is left alone: what it leads to is not Waymark's.
        let folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if cfg!(target_os = "linux") && !alive && folder {
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
        let output = lexical(output)?;
        let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
            bail!(
                "Refusing to write the site to {}: choose an output folder of its own.",
                output.display()
            );
        };
        let name = name.to_string_lossy().into_owned();
        refuse_foreign_output(&output, None)?;
        let previous = parent.join(format!(".{name}.waymark-previous"));
        refuse_foreign_previous(&previous)?;
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        remove_abandoned(parent, &name);
        let dir = parent.join(format!(".{name}.waymark-new-{}", std::process::id()));
        if fs::symlink_metadata(&dir).is_ok() {
            // Left by a killed build with this process's number: removes a link, not
            // what it leads to.
            fs::remove_dir_all(&dir).ok();
        }
        let reused = take_previous(&previous, &dir)?;
        if !reused {
            fs::create_dir(&dir).with_context(|| {
                format!("could not create the staging folder {}", dir.display())
            })?;
        }
        let staging = Staging {
            dir,
            output,
            previous,
            written: reused.then(|| Mutex::new(HashSet::new())),
            committed: false,
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
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
    /// the swap fails, the old output is left (or put back) where it was.
    pub fn commit(mut self) -> Result<()> {
        self.remove_stale()
            .context("could not remove files the new site no longer has")?;
        // Checked again: files may have been put in the output while the site was built.
        refuse_foreign_output(&self.output, None)?;
        if fs::symlink_metadata(&self.output).is_err() {
            fs::rename(&self.dir, &self.output).with_context(|| {
                format!("could not move the new site into {}", self.output.display())
            })?;
            self.committed = true;
            return Ok(());
        }
        let swapped = exchange(&self.dir, &self.output).with_context(|| {
            format!("could not swap the new site into {}", self.output.display())
        })?;
        if swapped {
            self.committed = true;
            // The staging folder's name now holds the old site.
            self.keep_as_previous(&self.dir);
            return Ok(());
        }
        self.swap_in_two_steps()?;
        self.committed = true;
        Ok(())
    }

    /// Where the system cannot swap two folders in one step: the old site is moved aside,
    /// then the new one in, and the old one put back if that fails. A build killed
    /// between the two leaves the old site aside, and the next build puts a site back.
    fn swap_in_two_steps(&self) -> Result<()> {
        match owner(&self.previous) {
            Owner::Nothing => {}
            // Another build's, kept since this one started.
            Owner::Waymark => fs::remove_dir_all(&self.previous)
                .with_context(|| format!("could not remove {}", self.previous.display()))?,
            _ => refuse_foreign_previous(&self.previous)?,
        }
        fs::rename(&self.output, &self.previous).with_context(|| {
            format!(
                "could not move the old site {} aside",
                self.output.display()
            )
        })?;
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            fs::rename(&self.previous, &self.output).ok();
            return Err(e).with_context(|| {
                format!("could not move the new site into {}", self.output.display())
            });
        }
        Ok(())
    }

    /// Keeps the old site, now at `old`, for the next build; or removes it when another
    /// build has kept one since this one started.
    fn keep_as_previous(&self, old: &Path) {
        let kept =
            owner(&self.previous) == Owner::Nothing && fs::rename(old, &self.previous).is_ok();
        if !kept {
            fs::remove_dir_all(old).ok();
        }
    }
}

/// Moves the previous site to `dir`, to be rewritten. A rename is atomic: of two builds
/// at once, only one takes it. What was moved is checked again, in case a link was put
/// there since it was checked.
fn take_previous(previous: &Path, dir: &Path) -> Result<bool> {
    if fs::rename(previous, dir).is_err() {
        return Ok(false);
    }
    if owner(dir) == Owner::Waymark {
        return Ok(true);
    }
    fs::rename(dir, previous).ok();
    refuse_foreign_previous(previous)?;
    bail!(
        "Refusing to build: {} changed while Waymark was taking it over. Build again.",
        previous.display()
    )
}

/// Swaps two folders in one step, so that each path holds one or the other at every
/// moment. `Ok(false)` where the system or the file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt as _;
    let c_path =
        |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput);
    let (a, b) = (c_path(a)?, c_path(b)?);
    // SAFETY: both paths are NUL-terminated and outlive the call. The system call itself,
    // because glibc's renameat2 came only in 2.28.
    let done = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    // Old kernels, file systems without the flag, and sandboxes that forbid the call.
    match error.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM) => Ok(false),
        _ => Err(error),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
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
        let kept = reused
            && owner(&self.previous) == Owner::Nothing
            && fs::rename(&self.dir, &self.previous).is_ok();
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
        fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
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

    /// Every file and folder under `dir` but the marker, which every build writes.
    fn files_in(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() != MARKER)
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

    #[cfg(unix)]
    #[test]
    fn only_an_empty_folder_or_one_waymark_made_is_waymarks() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let folder = |name: &str, files: &[&str]| {
            fs::create_dir_all(at(name)).unwrap();
            for file in files {
                fs::write(at(name).join(file), "x").unwrap();
            }
        };
        folder("empty", &[]);
        folder("marked", &[MARKER]);
        folder("older", &OLDER_BUILD);
        folder("council", &["index.html", "important.txt"]);
        folder("almost", &["index.html", "404.html"]);
        fs::write(at("file"), "x").unwrap();
        std::os::unix::fs::symlink(at("marked"), at("link")).unwrap();
        assert_eq!(owner(&at("missing")), Owner::Nothing);
        assert_eq!(owner(&at("empty")), Owner::Waymark);
        assert_eq!(owner(&at("marked")), Owner::Waymark);
        assert_eq!(owner(&at("older")), Owner::Waymark);
        assert_eq!(owner(&at("council")), Owner::Someone);
        assert_eq!(owner(&at("almost")), Owner::Someone);
        assert_eq!(owner(&at("file")), Owner::File);
        assert_eq!(
            owner(&at("link")),
            Owner::Link,
            "a link to Waymark's folder is a link"
        );
    }

    #[test]
    fn every_build_marks_its_output_as_waymarks() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "1")]);
        build(&out, &[("index.html", "2")]);
        build(&out, &[("index.html", "3")]);
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(
            marker.starts_with("This folder was made by Waymark"),
            "{marker}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_where_the_previous_site_is_kept_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "1")]);
        let theirs = dir.path().join("theirs");
        fs::create_dir_all(theirs.join("photos")).unwrap();
        fs::write(theirs.join("important.txt"), "keep me").unwrap();
        fs::write(theirs.join(MARKER), "even with a marker").unwrap();
        let link = dir.path().join(".public.waymark-previous");
        std::os::unix::fs::symlink(&theirs, &link).unwrap();
        let Err(refused) = Staging::new(&out) else {
            panic!("a build over a planted link was allowed");
        };
        assert!(refused.to_string().contains("is a link"), "{refused}");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            files_in(&theirs),
            vec![
                ("important.txt".to_string(), "keep me".to_string()),
                ("photos".into(), "(folder)".into()),
            ]
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("index.html"), "a").unwrap();
        fs::write(b.join("index.html"), "b").unwrap();
        assert!(exchange(&a, &b).unwrap(), "tmp's file system can exchange");
        assert_eq!(fs::read_to_string(a.join("index.html")).unwrap(), "b");
        assert_eq!(fs::read_to_string(b.join("index.html")).unwrap(), "a");
    }

    /// Builds one after another while a reader looks at the output all the time: the
    /// output must hold a whole site at every moment of every swap.
    #[test]
    fn the_output_holds_a_site_at_every_moment_of_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "0")]);
        let done = std::sync::atomic::AtomicBool::new(false);
        let looking = std::sync::Barrier::new(2);
        let missed = std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let mut missed = 0;
                looking.wait();
                while !done.load(Ordering::Relaxed) {
                    if fs::metadata(out.join("index.html")).is_err() {
                        missed += 1;
                    }
                }
                missed
            });
            looking.wait();
            // For a second, so that the reader runs beside the builds on a busy machine.
            let start = std::time::Instant::now();
            let mut n = 0;
            while n < 300 || start.elapsed().as_secs_f32() < 1.0 {
                n += 1;
                build(&out, &[("index.html", &n.to_string())]);
            }
            done.store(true, Ordering::Relaxed);
            reader.join().unwrap()
        });
        assert_eq!(missed, 0, "times the output had no site");
    }

    #[test]
    fn where_folders_cannot_be_exchanged_the_old_site_is_moved_aside_then_the_new_in() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "1")]);
        build(&out, &[("index.html", "2")]);
        let mut staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"3").unwrap();
        staging.remove_stale().unwrap();
        staging.swap_in_two_steps().unwrap();
        staging.committed = true;
        assert_eq!(
            files_in(&out),
            vec![("index.html".to_string(), "3".to_string())]
        );
        let previous = dir.path().join(".public.waymark-previous");
        assert_eq!(
            fs::read_to_string(previous.join("index.html")).unwrap(),
            "2"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
