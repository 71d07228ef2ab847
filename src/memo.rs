//! What one build keeps for the next in serve mode: file texts, parsed YAML and rendered
//! Markdown. Each is found again only by exactly what it was made from (a file's size and
//! time, a read's number, the Markdown text with the site's addresses), so nothing kept
//! can be stale. Whatever a build does not ask for again is let go after it.

use std::ffi::OsString;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use crate::kept::Kept;
use crate::markdown::MarkdownKept;
use crate::source::Read;
use crate::yaml::Document;

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
