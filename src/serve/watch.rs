//! Watching the site's sources and rebuilding once a burst of saves has settled.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use notify::event::{MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::{Builder, Shared};

/// The folders whose files make the site.
pub const WATCHED: [&str; 5] = ["content", "themes", "templates", "static", "strings"];

/// Editors save in several steps (write a temporary file, rename, touch); waiting this
/// long after the last event rebuilds once per save, not once per step.
const SETTLE: Duration = Duration::from_millis(50);
/// A steady stream of changes (a folder being copied in) still rebuilds this often.
const MOST_WAIT: Duration = Duration::from_millis(1000);

/// Starts watching `root` and rebuilding on a thread of its own.
pub fn spawn(root: PathBuf, builder: Builder, shared: Arc<Shared>) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    // The root itself, not recursively: to notice a watched folder being created or
    // replaced, without watching public/, target/ or .git/.
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    thread::spawn(move || run(watcher, &rx, &root, builder, &shared));
    Ok(())
}

fn run(
    mut watcher: RecommendedWatcher,
    rx: &Receiver<notify::Result<Event>>,
    root: &Path,
    mut builder: Builder,
    shared: &Shared,
) {
    // A save made between the first build and the watch starting would be missed; an
    // unchanged rebuild costs a few milliseconds and publishes nothing.
    builder.rebuild(shared);
    while let Ok(first) = rx.recv() {
        let mut dirty = take(&first, root, &mut watcher, &builder);
        let started = Instant::now();
        while started.elapsed() < MOST_WAIT {
            match rx.recv_timeout(SETTLE) {
                Ok(event) => dirty |= take(&event, root, &mut watcher, &builder),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if dirty {
            builder.rebuild(shared);
        }
    }
}

/// Whether `event` can change the site. Starts watching a watched folder that appeared.
fn take(
    event: &notify::Result<Event>,
    root: &Path,
    watcher: &mut RecommendedWatcher,
    builder: &Builder,
) -> bool {
    let Ok(event) = event else {
        // The watcher lost track (for example, too many changes at once): rebuild to be safe.
        return true;
    };
    if !changes_files(&event.kind) {
        return false;
    }
    let mut relevant = false;
    for path in &event.paths {
        builder.saved(path);
        if is_watched_folder(root, path) && path.is_dir() {
            let _ = watcher.watch(path, RecursiveMode::Recursive);
        }
        relevant |= is_source(root, path);
    }
    relevant
}

fn changes_files(kind: &EventKind) -> bool {
    match kind {
        // Reading files (the build itself does) must not trigger another build.
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

fn is_watched_folder(root: &Path, path: &Path) -> bool {
    path.parent() == Some(root)
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| WATCHED.contains(&n))
}

/// A file inside a watched folder, other than editors' swap, lock and backup files.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let in_watched = rel
        .iter()
        .next()
        .and_then(|c| c.to_str())
        .is_some_and(|c| WATCHED.contains(&c));
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let scratch = name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp"].iter().any(|e| name.ends_with(e));
    in_watched && !scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_trigger_a_rebuild() {
        let root = Path::new("/site");
        assert!(is_source(
            root,
            Path::new("/site/content/plans/a/01-x.yaml")
        ));
        assert!(is_source(root, Path::new("/site/templates/base.html")));
        assert!(is_source(root, Path::new("/site/strings/cy.yaml")));
        assert!(is_source(root, Path::new("/site/content")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/content/.01-x.yaml.swp")));
        assert!(!is_source(root, Path::new("/site/content/01-x.yaml~")));
        assert!(!is_source(root, Path::new("/site/content/4913")));
        assert!(!is_source(root, Path::new("/elsewhere/content/a.md")));
    }
}
