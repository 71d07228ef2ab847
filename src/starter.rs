//! `waymark init`: a small working site for a new organisation, every file carrying the
//! notes that `waymark new` writes, passing `waymark check --strict` as made.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::scaffold::{self, area_file, write_content, write_new, FirstAction, Kind, NewFile};
use crate::schema;

/// What `waymark init` is told about the organisation.
#[derive(Debug, Clone)]
pub struct Organisation<'a> {
    pub name: &'a str,
    /// The site's title; a plain one when None.
    pub title: Option<&'a str>,
}

const PLAN: &str = "improvement-plan";

/// Makes the site in `dir` (created if missing) and returns the files made, relative to
/// `dir`. Refuses a folder that already holds anything but hidden files (such as .git),
/// so that nothing of the organisation's is replaced or mixed in.
pub fn init(dir: &Path, org: &Organisation<'_>) -> Result<Vec<PathBuf>> {
    let name = one_line(org.name);
    if !name.chars().any(char::is_alphanumeric) {
        bail!("Give the organisation's name in words, for example: waymark init my-site --organisation \"Example Borough Council\"");
    }
    let title = one_line(org.title.unwrap_or("Improvement journey"));
    refuse_if_used(dir)?;
    let mut made = vec![PathBuf::from(".gitignore")];
    write_new(&dir.join(".gitignore"), GITIGNORE)?;
    made.push(PathBuf::from("content/site.yaml"));
    write_content(dir, "content/site.yaml", &site_yaml(&name, &title)?)?;
    made.push(new_file(dir, Kind::Plan, "Improvement plan")?);
    let (area, text) = area_file(
        dir,
        Some(PLAN),
        "priority-area-1",
        "Priority area 1",
        FirstAction::Noted,
    )?;
    write_content(dir, &area, &text)?;
    made.push(PathBuf::from(area));
    made.push(PathBuf::from("content/pages/about.md"));
    write_content(dir, "content/pages/about.md", &about(&name)?)?;
    // The schemas the files' first lines point to, so editors help from the start.
    for path in schema::write(&dir.join(schema::FOLDER))? {
        made.extend(path.strip_prefix(dir).ok().map(Path::to_path_buf));
    }
    Ok(made)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn refuse_if_used(dir: &Path) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", dir.display())),
    };
    let mut used: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    if used.is_empty() {
        return Ok(());
    }
    used.sort();
    bail!(
        "{} already holds {}, and waymark init only starts a site in a new or empty folder, so that nothing there is replaced. Name a new folder, for example: waymark init my-site --organisation \"...\". To add to a site that exists, use waymark new.",
        dir.display(),
        used.join(", ")
    )
}

fn new_file(dir: &Path, kind: Kind, title: &str) -> Result<PathBuf> {
    let request = NewFile {
        kind,
        title,
        plan: None,
        today: chrono::Local::now().date_naive(),
        date: None,
    };
    scaffold::create(dir, &request)
}

const GITIGNORE: &str =
    "# The built website: made again by every waymark build.\n/public\n/.public.waymark-*\n";

fn site_yaml(name: &str, title: &str) -> Result<String> {
    let (name, title) = (scaffold::scalar(name)?, scaffold::scalar(title)?);
    let head = scaffold::HEAD;
    Ok(format!(
        "# The site's settings. The authoring guide lists every field.
{head}\
# The body whose improvement journey this is.
organisation: {name}
# The site's title, shown on every page.
title: {title}
# One sentence about the site, used by search engines.
description:
# The address the site will be published at: a full address such as
# https://www.example.gov.uk/improvement/ or only its path, such as /improvement/.
# Left empty, the site is published at the root of its web address (/).
base_url:
# The language of the content and of the words Waymark adds. Another language
# needs a strings file, such as strings/cy.yaml (see Wording and languages in the authoring guide).
language: en-GB
# The date the figures are reported at (year-month-day). Left empty, the day of the build is used.
as_at:
# Where readers can write about the site.
contact_email:
# The organisation's colour for the header bar (#rrggbb), and a logo: an image file in
# the folder static/ beside content/. To use them, remove the # from the next three lines.
#branding:
#  colour: \"#1d70b8\"
#  logo: logo.svg
# The grades inspectors give. Inspection files use the keys; readers see the labels.
# Change them to the scale your inspectorate uses. Each colour needs a contrast of at
# least 4.5:1 with white text.
grades:
  - key: outstanding
    label: Outstanding
    colour: \"#00703c\"
  - key: good
    label: Good
    colour: \"#005a30\"
  - key: requires-improvement
    label: Requires improvement
    colour: \"#6f4e00\"
  - key: inadequate
    label: Inadequate
    colour: \"#942514\"
# What the overall grade on that scale is called (without it, \"Overall judgement\").
#overall_judgement: Overall effectiveness
# Other grading scales, one per framework (an area SEND inspection's outcomes, a
# regulator's ratings): an inspection names its scale with `scale: send-area`.
#scales:
#  - key: send-area
#    name: Area SEND inspection outcomes
#    overall_judgement: Inspection outcome
#    grades:
#      - key: positive
#        label: Positive experiences and outcomes
#        colour: \"#005a30\"
# Kinds of inspection or visit besides inspection, focused-visit and monitoring-visit:
# an inspection file names its kind with `kind: jtai`. visit: true for one that gives
# no overall grade.
#kinds:
#  - key: jtai
#    label: Joint targeted area inspection
#    plural: Joint targeted area inspections
#    visit: false
# What the site's accessibility statement says. Anything left empty is shown as not
# recorded: the statement claims nothing for you.
accessibility:
  # Where to report a problem with the site's accessibility.
  contact_email:
  contact_phone:
  # fully, partially or not: how far the site meets WCAG 2.2 AA.
  compliance:
  # Markdown: what is not accessible, and why.
  non_compliance:
  # When the statement was prepared and last reviewed, and when and by whom the site
  # was last tested (year-month-day).
  prepared:
  reviewed:
  tested:
  tested_by:
"
    ))
}

fn about(name: &str) -> Result<String> {
    let head = scaffold::HEAD;
    let summary = scaffold::scalar(&format!(
        "Why {name} publishes this site, and where its facts come from."
    ))?;
    Ok(format!(
        "---
# A page of its own, at /about/ and linked from every page.
{head}\
title: About this site
# One or two sentences shown in lists and by search engines.
summary: {summary}
---

<!-- Write about the site below this line, in Markdown: why it is published, which
documents its facts come from, and who keeps it up to date. -->

{name} publishes this site to show how its improvement plan is progressing and what
inspectors have found.
"
    ))
}
