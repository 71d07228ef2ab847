//! Where each content file is published, so links between files can be checked and rewritten.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};

/// The fixed pages every site has, besides those made from content files.
pub const LIST_PAGES: [&str; 5] = ["", "inspections/", "reports/", "accessibility/", "plans/"];

/// Maps of the site's own paths and addresses, hashed with foldhash: SipHash resists keys
/// crafted by an attacker, and none come from one here. With a B-tree of addresses before,
/// 10,000 reports cost 64M more instructions (1.7%), half of it on a single thread.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Content file (relative to the site root) → its page address below the root (`reports/x/`).
#[derive(Debug, Default, Clone)]
pub struct Routes {
    by_file: Map<PathBuf, String>,
    /// Every address, and the file that claims it: used to find two pages at one address.
    by_url: Map<String, PathBuf>,
}

impl Routes {
    /// Records that `file` is published at `url`. Returns the file that already has that
    /// address, if any, so the caller can report the clash.
    pub fn add(&mut self, file: &Path, url: String) -> Result<(), PathBuf> {
        match self.by_url.entry(url) {
            Entry::Occupied(taken) => {
                // Links to either file still resolve: the clash is reported once, not
                // again as a broken link in every file that links here.
                self.by_file.insert(file.to_path_buf(), taken.key().clone());
                Err(taken.get().clone())
            }
            Entry::Vacant(free) => {
                self.by_file.insert(file.to_path_buf(), free.key().clone());
                free.insert(file.to_path_buf());
                Ok(())
            }
        }
    }

    /// A hash of every address and file: equal for the same addresses, whatever order
    /// they were added in.
    pub fn fingerprint(&self) -> u64 {
        // The maps have no order: their entries' hashes are summed.
        fn sum<K: Hash, V: Hash>(map: &Map<K, V>) -> u64 {
            map.iter().fold(0u64, |sum, entry| {
                let mut h = DefaultHasher::new();
                entry.hash(&mut h);
                sum.wrapping_add(h.finish())
            })
        }
        let mut hasher = DefaultHasher::new();
        (sum(&self.by_url), sum(&self.by_file)).hash(&mut hasher);
        hasher.finish()
    }

    pub fn url_of(&self, file: &Path) -> Option<&str> {
        self.by_file.get(file).map(String::as_str)
    }

    pub fn has_url(&self, url: &str) -> bool {
        self.by_url.contains_key(url)
    }

    /// Resolves a link written in `from` to a content file (`../reports/x.md`).
    pub fn resolve(&self, from: &Path, target: &str) -> Option<&str> {
        let base = from.parent().unwrap_or(Path::new(""));
        self.url_of(&normalise(&base.join(target)))
    }
}

/// Turns a file name or id into a web-address part: lower case, letters, digits, hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// A page slug an author chose: one or more slug segments, nothing that climbs out.
pub fn is_safe_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .split('/')
            .all(|seg| !seg.is_empty() && seg == slugify(seg))
}

/// Resolves `.` and `..` without touching the disk (the target may not exist).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// How addresses are written into pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Links {
    /// From the base URL's path (`/improvement/plans/x/`): works on any web server.
    #[default]
    Rooted,
    /// Relative to each page, ending in `index.html`: works from disk (file://).
    Relative,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_web_addresses() {
        assert_eq!(slugify("1.10"), "1-10");
        assert_eq!(slugify("01-Front Door"), "01-front-door");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert!(is_safe_slug("about/contact"));
        assert!(!is_safe_slug("../outside"));
        assert!(!is_safe_slug("/etc"));
    }

    #[test]
    fn links_resolve_relative_to_the_linking_file() {
        let mut routes = Routes::default();
        routes
            .add(Path::new("content/reports/a.md"), "reports/a/".into())
            .unwrap();
        assert_eq!(
            routes.resolve(Path::new("content/pages/about.md"), "../reports/a.md"),
            Some("reports/a/")
        );
        assert_eq!(
            routes.resolve(Path::new("content/pages/about.md"), "../reports/b.md"),
            None
        );
        assert!(routes
            .add(Path::new("content/pages/x.md"), "reports/a/".into())
            .is_err());
    }
}
