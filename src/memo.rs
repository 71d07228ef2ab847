//! What one build keeps for the next in serve mode: file texts, parsed YAML and rendered
//! Markdown. Each is found again only by exactly what it was made from (a file's size and
//! time, a read's number, the Markdown text with the site's addresses), so nothing kept
//! can be stale. Whatever a build does not ask for again is let go after it.

use std::collections::HashMap;
use std::ffi::OsString;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::markdown;
use crate::model::Html;
use crate::source::SourceFile;
use crate::yaml::Document;

/// Values of this build, and those of the last one not yet asked for again.
pub struct Kept<K, V> {
    maps: Mutex<(HashMap<K, V>, HashMap<K, V>)>,
}

impl<K, V> std::fmt::Debug for Kept<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}

impl<K: Eq + Hash, V: Clone> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            maps: Mutex::new((HashMap::new(), HashMap::new())),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    /// Starts a build: what the last build kept and this one does not ask for is dropped.
    fn rotate(&self) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let (now, last) = &mut *maps;
        *last = std::mem::take(now);
    }

    /// The value kept for `key`, if `fits` accepts it.
    pub fn get(&self, key: &K, fits: impl Fn(&V) -> bool) -> Option<V> {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let (now, last) = &mut *maps;
        if let Some(v) = now.get(key).filter(|v| fits(v)) {
            return Some(v.clone());
        }
        let (k, v) = last.remove_entry(key).filter(|(_, v)| fits(v))?;
        now.insert(k, v.clone());
        Some(v)
    }

    pub fn put(&self, key: K, value: V) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.0.insert(key, value);
    }

    fn forget(&self, key: &K) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.0.remove(key);
        maps.1.remove(key);
    }
}

/// A content file as last read: its size and modification time, and its text.
#[derive(Clone)]
pub struct Read {
    pub len: u64,
    pub modified: Option<SystemTime>,
    pub file: SourceFile,
}

/// What a piece of Markdown was: a file's body (the read and where it starts), or a
/// field's text.
#[derive(Clone, PartialEq, Eq)]
pub enum From {
    Cut((u64, usize)),
    Text(String),
}

/// Everything kept between builds of one site.
#[derive(Default)]
pub struct Memo {
    /// By the file's path on disk.
    pub(crate) sources: Kept<OsString, Read>,
    /// By the number of the read it came from (see `SourceFile::read`).
    pub(crate) yaml: Kept<u64, Arc<Document>>,
    /// By a hash of the site's addresses, the file and the Markdown; the entry holds the
    /// Markdown too, so a hash that matches by chance is not mistaken for it.
    pub(crate) markdown: Arc<MarkdownKept>,
}

pub type MarkdownKept = Kept<u64, Rendered>;

#[derive(Clone)]
pub struct Rendered {
    pub file: PathBuf,
    pub from: From,
    pub html: Html,
    pub problems: Vec<markdown::Problem>,
}

impl Memo {
    /// Call before each build.
    pub fn begin(&self) {
        self.sources.rotate();
        self.yaml.rotate();
        self.markdown.rotate();
    }

    /// Names the files the last build read and which read of each: equal fingerprints
    /// mean the same sources.
    pub fn fingerprint(&self) -> u64 {
        let maps = self.sources.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.0.iter().fold(0u64, |sum, (path, read)| {
            let mut h = DefaultHasher::new();
            (path, read.file.read).hash(&mut h);
            sum.wrapping_add(h.finish())
        })
    }

    /// Reads `path` again next time even if its size and time look unchanged: a file
    /// saved twice within the clock's tick keeps both.
    pub fn forget(&self, path: &Path) {
        self.sources.forget(&path.as_os_str().to_os_string());
    }
}
