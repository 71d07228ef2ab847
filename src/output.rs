//! Writing the site: into a staging folder beside the output, swapped in only when the
//! whole build succeeded, so a failed or interrupted build never half-writes the live site.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _, Result};

/// A build in progress. Dropping it without `commit` removes everything it wrote.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
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
/// the output and a process that no longer runs. Only Linux can tell a live process here.
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
        fs::create_dir_all(&dir)
            .with_context(|| format!("could not create the staging folder {}", dir.display()))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
        })
    }

    /// Writes one file of the site. `rel` must stay inside the site: no `..`, not absolute.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.inside(rel)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes).with_context(|| format!("could not write {}", path.display()))
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

    /// Swaps the finished site in for the old one. The old one is removed only after the
    /// new one is in place; if the swap fails, the old output is restored.
    pub fn commit(mut self) -> Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.waymark-old-{}",
            self.output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.output.exists();
        if had_old {
            if old.exists() {
                fs::remove_dir_all(&old).ok();
            }
            fs::rename(&self.output, &old).with_context(|| {
                format!(
                    "could not move the old site {} aside",
                    self.output.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            if had_old {
                fs::rename(&old, &self.output).ok();
            }
            return Err(e).with_context(|| {
                format!("could not move the new site into {}", self.output.display())
            });
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).ok();
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
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
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "old site removed"
        );
    }
}
