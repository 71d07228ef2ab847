//! `waymark schema`: a JSON Schema for each kind of content file, made from the raw types
//! that read the files (so the two cannot drift), for editors that help while typing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

use crate::validate::raw;
pub use crate::validate::FileKind;

/// The folder in the site root that each content file's editor line points to.
pub const FOLDER: &str = "schemas";

/// Every kind of content file, in the order `waymark schema` writes them.
pub const KINDS: [FileKind; 8] = [
    FileKind::Site,
    FileKind::Plan,
    FileKind::Area,
    FileKind::Inspection,
    FileKind::Milestones,
    FileKind::Report,
    FileKind::Page,
    FileKind::Strings,
];

/// The schema's file name in `schemas/`.
pub fn file_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Site => "site.json",
        FileKind::Plan => "plan.json",
        FileKind::Area => "area.json",
        FileKind::Inspection => "inspection.json",
        FileKind::Milestones => "milestones.json",
        FileKind::Report => "report.json",
        FileKind::Page => "page.json",
        FileKind::Strings => "strings.json",
    }
}

fn title(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Site => "Waymark site settings (content/site.yaml)",
        FileKind::Plan => "Waymark improvement plan (content/plans/<plan>/plan.yaml)",
        FileKind::Area => "Waymark priority area (content/plans/<plan>/NN-name.yaml)",
        FileKind::Inspection => {
            "Waymark inspection or visit (front matter of content/inspections/*.md)"
        }
        FileKind::Milestones => "Waymark milestones on the timeline (content/milestones.yaml)",
        FileKind::Report => "Waymark progress report (front matter of content/reports/*.md)",
        FileKind::Page => "Waymark page (front matter of content/pages/*.md)",
        FileKind::Strings => "Waymark wording in one language (strings/<language>.yaml)",
    }
}

/// Markdown files carry their fields in front matter; the line goes inside it.
fn is_markdown(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Inspection | FileKind::Report | FileKind::Page
    )
}

/// The schema for one kind of file. Draft-07: the version the Red Hat YAML extension
/// (VS Code) reads best.
pub fn schema(kind: FileKind) -> serde_json::Value {
    let mut schema = match kind {
        FileKind::Site => root::<raw::RawSite>(),
        FileKind::Plan => root::<raw::RawPlan>(),
        FileKind::Area => root::<raw::RawArea>(),
        FileKind::Inspection => root::<raw::RawInspection>(),
        FileKind::Milestones => root::<raw::RawMilestones>(),
        FileKind::Report => root::<raw::RawReport>(),
        FileKind::Page => root::<raw::RawPage>(),
        FileKind::Strings => crate::strings::schema(),
    };
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), title(kind).into());
    }
    schema
}

fn root<T: JsonSchema>() -> serde_json::Value {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The text of one schema file, as `waymark schema` writes it.
pub fn text(kind: FileKind) -> String {
    // Serialising a JSON value cannot fail.
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes every schema into `dir` (made if missing) and returns the files written.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)
        .with_context(|| format!("could not create the folder {}", dir.display()))?;
    KINDS
        .iter()
        .map(|&kind| {
            let path = dir.join(file_name(kind));
            fs::write(&path, text(kind))
                .with_context(|| format!("could not write {}", path.display()))?;
            Ok(path)
        })
        .collect()
}

const MARK: &str = "# yaml-language-server: $schema=";

/// The editor line for a file at `rel` (relative to the site root): it names the schema
/// by a relative path, so it holds wherever the site folder is.
pub fn line(kind: FileKind, rel: &Path) -> String {
    let depth = rel.components().count().saturating_sub(1);
    format!("{MARK}{}{FOLDER}/{}", "../".repeat(depth), file_name(kind))
}

/// `text` with the editor line first: at the top of a YAML file, or first inside a
/// Markdown file's front matter. Text that has a line already is returned as it is.
pub fn with_line(kind: FileKind, rel: &Path, text: &str) -> String {
    if text.lines().take(3).any(|l| l.starts_with(MARK)) {
        return text.to_string();
    }
    let line = line(kind, rel);
    if !is_markdown(kind) {
        return format!("{line}\n{text}");
    }
    match text.split_once('\n') {
        Some((fence, rest)) if fence.trim_end() == "---" => format!("{fence}\n{line}\n{rest}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_climbs_to_the_site_root() {
        let rel = Path::new("content/plans/improvement-plan/plan.yaml");
        assert_eq!(
            line(FileKind::Plan, rel),
            "# yaml-language-server: $schema=../../../schemas/plan.json"
        );
        assert_eq!(
            with_line(FileKind::Site, Path::new("content/site.yaml"), "title: x\n"),
            "# yaml-language-server: $schema=../schemas/site.json\ntitle: x\n"
        );
    }

    #[test]
    fn markdown_gets_the_line_inside_its_front_matter_once() {
        let rel = Path::new("content/pages/about.md");
        let once = with_line(FileKind::Page, rel, "---\ntitle: About\n---\n\nText\n");
        assert_eq!(
            once,
            "---\n# yaml-language-server: $schema=../../schemas/page.json\ntitle: About\n---\n\nText\n"
        );
        assert_eq!(with_line(FileKind::Page, rel, &once), once);
    }
}
