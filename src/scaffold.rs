//! `waymark new`: a new content file with every field ready to fill in, each with a short
//! comment, that passes `waymark check` as it is made.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::routes::slugify;
use crate::schema::{self, FileKind};
use crate::validate::fields::{ACTION_PROMPT, OUTCOME_PROMPT};
use crate::yaml::{self, YamlPath};

/// The kinds of file `waymark new` makes; also the command's KIND argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Report,
    Visit,
    Inspection,
    Page,
    Plan,
    Area,
    /// An intervention or other turning point: added to content/milestones.yaml.
    Milestone,
    /// The site's wording in a language (its tag, such as cy, as the title): makes
    /// strings/<language>.yaml with every key to translate, or adds the keys it lacks.
    Language,
}

/// What to make. `plan` is needed for an area only.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub kind: Kind,
    pub title: &'a str,
    pub plan: Option<&'a str>,
    pub today: NaiveDate,
    /// `--date`: when a visit or inspection started, or a report's date. Never guessed
    /// for a visit or inspection: without it, `start` is left for the author to fill in.
    pub date: Option<NaiveDate>,
}

/// Writes the new file under `root` and returns its path relative to `root`. Refuses to
/// replace a file that exists.
pub fn create(root: &Path, request: &NewFile<'_>) -> Result<PathBuf> {
    if request.date.is_some()
        && matches!(
            request.kind,
            Kind::Page | Kind::Plan | Kind::Area | Kind::Language
        )
    {
        bail!("--date is for a report, visit, inspection or milestone: a page, plan, area or language has no date of its own.");
    }
    let title = request
        .title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let slug = slugify(&title);
    if slug.is_empty() {
        bail!("The title `{}` has no letters or digits, so it cannot make a file name. Give the new file a title in words.", request.title);
    }
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let day = iso(request.date.unwrap_or(request.today));
    let start = request.date.map(iso);
    // The file name is the event's address and how plans name it: dated only when known.
    let event_name = start
        .as_ref()
        .map_or(slug.clone(), |d| format!("{d}-{slug}"));
    let quoted = scalar(&title)?;
    let (rel, text) = match request.kind {
        Kind::Report => (
            format!("content/reports/{day}-{slug}.md"),
            report(&quoted, &day),
        ),
        Kind::Visit => {
            let id = free_event_id(root, &event_name, false);
            (
                format!("content/inspections/{id}.md"),
                visit(&quoted, &start_field(start.as_deref()), &id),
            )
        }
        Kind::Inspection => {
            let grades = grade_keys(root);
            let id = free_event_id(root, &event_name, true);
            (
                format!("content/inspections/{id}.md"),
                inspection(&quoted, &start_field(start.as_deref()), &id, &grades),
            )
        }
        Kind::Page => page_file(&slug, &quoted)?,
        Kind::Plan => (
            format!("content/plans/{slug}/plan.yaml"),
            plan(&quoted, &slug),
        ),
        Kind::Area => area_file(root, request.plan, &slug, &quoted, FirstAction::Written)?,
        Kind::Milestone => return add_milestone(root, &title, request.date),
        Kind::Language => return add_language(root, &title, request.today),
    };
    write_content(root, &rel, &text)?;
    Ok(PathBuf::from(rel))
}

/// A language's strings file: made with every key empty and its English in a note above;
/// when it exists, the keys it lacks (added in a later Waymark) are put at its end.
fn add_language(root: &Path, language: &str, today: NaiveDate) -> Result<PathBuf> {
    if !crate::strings::is_language_tag(language) {
        bail!("`{language}` is not a language tag. Give the short code the site's `language:` uses, such as `cy` for Welsh or `ga-IE` for Irish (Ireland).");
    }
    let rel = PathBuf::from(format!("{}/{language}.yaml", crate::strings::FOLDERS[0]));
    let path = root.join(&rel);
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = format!(
                "{}{}",
                language_head(language),
                crate::strings::to_translate(language, &Default::default())
            );
            write_content(root, &rel.to_string_lossy(), &text)?;
            return Ok(rel);
        }
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let have = top_level_keys(&existing);
    let missing = crate::strings::to_translate(language, &have);
    if missing.trim().is_empty() {
        bail!("{} already has every key Waymark uses: nothing to add. `waymark check` lists any still left empty.", path.display());
    }
    let mut text = existing;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n# Added by `waymark new language` on {today}: words this version of Waymark adds.\n"
    ));
    text.push_str(&missing);
    crate::plan_update::write_all(root, &[(rel.clone(), text)])?;
    Ok(rel)
}

/// The keys a strings file sets, read from its lines so that a file with a mistake in it
/// still gets the keys it lacks.
fn top_level_keys(text: &str) -> std::collections::BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']))
        .filter_map(|l| l.split_once(':'))
        .map(|(key, _)| key.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

fn language_head(language: &str) -> String {
    format!(
        "\
# The words Waymark adds to this site, in {language}. Under each note, `en-GB:` gives the
# British English: write the {language} text after the key's colon, on the same line, in
# quotes if it contains a colon or starts with a curly bracket. Words in {{curly brackets}}
# are filled in by Waymark: keep each one, where the sentence needs it. A key left empty
# is shown in English, and `waymark check` lists the keys still to do. A key that counts
# something (\"1 month\", \"7 months\") has a line for each plural form {language} uses.
# Set `language: {language}` in content/site.yaml to publish the site in this language.

"
    )
}

const MILESTONES: &str = "content/milestones.yaml";

/// Milestones share one file: the first makes it, each later one is added at its end, so
/// the rest of the file (comments and all) stays as written.
fn add_milestone(root: &Path, title: &str, date: Option<NaiveDate>) -> Result<PathBuf> {
    let Some(date) = date else {
        bail!("A milestone needs its date: add --date with the day it happened, year-month-day, for example `waymark new milestone \"Statutory direction issued\" --date 2024-03-01`. If the sources give only the month or year, use the first day and then write `date: 2024-03` or `date: 2024` in the file.");
    };
    let path = root.join(MILESTONES);
    let (quoted, day) = (scalar(title)?, date.format("%Y-%m-%d").to_string());
    let entry = |indent: &str| milestone(indent, &quoted, &day);
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = format!("{MILESTONES_HEAD}milestones:\n{}", entry("  "));
            write_content(root, MILESTONES, &text)?;
            return Ok(PathBuf::from(MILESTONES));
        }
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let Some(indent) = list_indent(&existing) else {
        bail!("{} has no list of milestones to add to: it should have a line `milestones:` with each milestone below it starting `- date:`. Put that right (or move the file aside), then run this again.", path.display());
    };
    let mut text = existing;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry(&indent));
    crate::plan_update::write_all(root, &[(PathBuf::from(MILESTONES), text)])?;
    Ok(PathBuf::from(MILESTONES))
}

/// The indent of the list under `milestones:`, when the file has one to add to.
fn list_indent(text: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| l.trim_end() != "milestones:");
    lines.next()?;
    let item = lines.find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    match item {
        None => Some("  ".into()),
        Some(l) if l.trim_start().starts_with("- ") => {
            Some(l[..l.len() - l.trim_start().len()].to_string())
        }
        Some(_) => None,
    }
}

const MILESTONES_HEAD: &str = "\
# Milestones on the timeline: interventions and other turning points that are not
# inspections, such as an improvement notice, a statutory direction, a commissioner
# appointed or an improvement board set up. Each is shown among the inspections in date
# order, in the feed and in the open data. Add one with `waymark new milestone`.
";

fn milestone(indent: &str, title: &str, day: &str) -> String {
    let more = format!("{indent}  ");
    format!(
        "{indent}- date: {day}
{more}# Only as precisely as the source says: a day (2020-06-26), a month (2020-06) or a year (2020).
{more}# What sort of event, shown beside its title: Statutory direction, Improvement board...
{more}kind:
{more}title: {title}
{more}# One or two sentences about it.
{more}summary:
{more}# The document that records it: its title, meeting or date.
{more}source:
{more}# The document's web address, starting https://, so that the timeline links to it.
{more}source_url:
"
    )
}

/// Writes a new content file (refusing to replace one) that starts with the line telling
/// editors its schema (`waymark schema`).
pub(crate) fn write_content(root: &Path, rel: &str, text: &str) -> Result<()> {
    let rel = Path::new(rel);
    let text = match FileKind::of(rel) {
        Some(kind) => schema::with_line(kind, rel, text),
        None => text.to_string(),
    };
    write_new(&root.join(rel), &text)
}

/// Visits and inspections share content/inspections/ and are named by day and title, so a
/// visit and an inspection of one day and title would take one name: the second gets
/// `-2` (then `-3`...). A file of the same sort keeps its name, and `write_new` refuses
/// it as for any other kind: running the same command twice makes one file.
fn free_event_id(root: &Path, id: &str, inspection: bool) -> String {
    let other_sort = |id: &str| {
        let Ok(text) = fs::read_to_string(root.join(format!("content/inspections/{id}.md"))) else {
            return false;
        };
        let kind = text
            .lines()
            .find_map(|l| l.strip_prefix("kind:"))
            .map(|k| k.trim().trim_matches(['"', '\'']));
        (kind == Some("inspection")) != inspection
    };
    (1..)
        .map(|n| match n {
            1 => id.to_string(),
            n => format!("{id}-{n}"),
        })
        .find(|candidate| !other_sort(candidate))
        .unwrap_or_else(|| id.to_string())
}

/// The `start:` line of a visit or inspection, with a note when the date is still to come.
fn start_field(start: Option<&str>) -> String {
    match start {
        Some(day) => format!("start: {day}"),
        None => "# Not given when this file was made: write the first day (year-month-day) here.\n\
# If no source gives any date for it, write `dates_not_recorded: true` instead.\n\
start:"
            .to_string(),
    }
}

/// Creates `path` and its folders, failing if it already exists (checked atomically).
pub(crate) fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create the folder {}", parent.display()))?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists, and waymark new never replaces a file. Give the new one another title, or edit the one that is there.",
            path.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("could not create {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))
}

/// `text` as a YAML value: plain when that reads back the same, quoted when not.
pub(crate) fn scalar(text: &str) -> Result<String> {
    let written = yaml::to_string(&text).map_err(anyhow::Error::msg)?;
    Ok(written.trim_end().to_string())
}

/// Addresses Waymark makes itself; a page there would clash with them.
const RESERVED: [&str; 4] = ["plans", "inspections", "reports", "accessibility"];

fn page_file(slug: &str, title: &str) -> Result<(String, String)> {
    if RESERVED.contains(&slug) {
        bail!("A page called `{slug}` would take the address /{slug}/, which Waymark uses for a page it makes itself. Choose another title.");
    }
    Ok((format!("content/pages/{slug}.md"), page(title, slug)))
}

pub(crate) fn area_file(
    root: &Path,
    plan: Option<&str>,
    slug: &str,
    title: &str,
    first: FirstAction,
) -> Result<(String, String)> {
    let Some(plan) = plan else {
        bail!("A priority area belongs to a plan: name the plan with --plan, for example `waymark new area \"Title\" --plan improvement-plan`.");
    };
    let dir = plan_dir(root, plan)?;
    let number = next_area_number(&areas(&dir));
    let statuses: Vec<String> = plan_statuses(root, plan)?
        .into_iter()
        .map(|s| s.key)
        .collect();
    Ok((
        format!("content/plans/{plan}/{number:02}-{slug}.yaml"),
        area(title, plan, number, &statuses, first),
    ))
}

/// `content/plans/<plan>`, which must hold a plan.yaml.
pub fn plan_dir(root: &Path, plan: &str) -> Result<PathBuf> {
    let dir = root.join("content/plans").join(plan);
    let plain = !plan.is_empty() && !plan.contains(['/', '\\']) && plan != "..";
    if plain && dir.join("plan.yaml").is_file() {
        return Ok(dir);
    }
    let known = plans(root);
    let listed = if known.is_empty() {
        "There are no plans yet: `waymark new plan \"Title\"` makes one.".to_string()
    } else {
        format!("The plans are: {}.", known.join(", "))
    };
    bail!("There is no plan `{plan}` (no file content/plans/{plan}/plan.yaml). {listed}")
}

/// The plans' folder names, sorted.
fn plans(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("content/plans"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("plan.yaml").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// One entry of a plan's status key, read loosely (check reports any fault in it).
#[derive(Debug, Clone, Deserialize)]
pub struct StatusName {
    pub key: String,
    #[serde(default)]
    pub label: String,
    /// What source documents call it (`Amber`), so import maps those words without flags.
    #[serde(default)]
    pub source_words: Vec<String>,
}

#[derive(Deserialize)]
struct PlanKeys {
    #[serde(default)]
    statuses: Vec<StatusName>,
}

#[derive(Deserialize)]
struct SiteKeys {
    #[serde(default)]
    grades: Vec<StatusName>,
}

#[derive(Deserialize)]
struct AreaHead {
    number: Option<u32>,
    title: Option<String>,
}

/// Reads `rel` under `root` as `T`, ignoring fields `T` does not name.
fn read_loosely<T: serde::de::DeserializeOwned>(root: &Path, rel: &Path) -> Result<T> {
    let text = fs::read_to_string(root.join(rel))
        .with_context(|| format!("could not read {}", rel.display()))?;
    let doc = yaml::parse(rel, &text, 0, &text).map_err(|d| anyhow::anyhow!("{d}"))?;
    doc.read(&YamlPath::root(), "a file")
        .map_err(|d| anyhow::anyhow!("{d}"))
}

/// The plan's status key, as plan.yaml lists it.
pub fn plan_statuses(root: &Path, plan: &str) -> Result<Vec<StatusName>> {
    let rel = PathBuf::from(format!("content/plans/{plan}/plan.yaml"));
    let keys: PlanKeys = read_loosely(root, &rel)?;
    Ok(keys.statuses)
}

/// The grade keys in site.yaml; none when it cannot be read (the comment then says less).
fn grade_keys(root: &Path) -> Vec<String> {
    read_loosely::<SiteKeys>(root, Path::new("content/site.yaml"))
        .map(|s| s.grades.into_iter().map(|g| g.key).collect())
        .unwrap_or_default()
}

/// A priority-area file of a plan: its number, title and path.
#[derive(Debug, Clone)]
pub struct AreaFile {
    pub number: u32,
    pub title: Option<String>,
    pub path: PathBuf,
}

/// The plan's priority-area files. A file whose `number` cannot be read is numbered by
/// its name (`03-...`), so a new area never takes a number that is in use.
pub fn areas(plan_dir: &Path) -> Vec<AreaFile> {
    let mut found: Vec<AreaFile> = fs::read_dir(plan_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str());
            matches!(ext, Some("yaml" | "yml")) && p.file_stem().is_some_and(|s| s != "plan")
        })
        .map(|path| {
            let head = read_loosely::<AreaHead>(Path::new(""), &path).ok();
            let from_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(|n| {
                    n.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .and_then(|digits| digits.parse().ok());
            AreaFile {
                number: head
                    .as_ref()
                    .and_then(|h| h.number)
                    .or(from_name)
                    .unwrap_or(0),
                title: head.and_then(|h| h.title),
                path,
            }
        })
        .collect();
    found.sort_by(|a, b| (a.number, &a.path).cmp(&(b.number, &b.path)));
    found
}

pub fn next_area_number(areas: &[AreaFile]) -> u32 {
    areas.iter().map(|a| a.number).max().unwrap_or(0) + 1
}

pub(crate) const HEAD: &str =
    "# Lines that start with # are notes for you: Waymark ignores them.\n\
# Fill in a field after its colon, or leave it empty if the source does not say.\n";

fn report(title: &str, day: &str) -> String {
    format!(
        "---\n# A progress report, listed under Reports.\n{HEAD}\
title: {title}
# The date of the meeting, or when the report was published (year-month-day).
date: {day}
# The meeting it went to, for example: Audit Committee
meeting:
# Who wrote it, with their role.
author:
# One or two sentences shown in the list of reports.
summary:
# The document these facts come from: its title.
source:
# The document's web address, starting https://, so that pages link to it.
source_url:
# Only if the date shown could mislead (the source gives one that cannot be right): why, in a sentence or two.
date_note:
# Markdown: a note from the editors, shown marked as an editorial note.
editorial_note:
---

<!-- Write the report below this line, in Markdown. -->
"
    )
}

fn visit(title: &str, start: &str, id: &str) -> String {
    format!(
        "---\n# A visit by inspectors, shown on the timeline. A plan refers to it as `{id}`.\n{HEAD}\
title: {title}
# monitoring-visit or focused-visit.
kind: monitoring-visit
# held, or planned for one that is expected but has not happened yet.
status: held
# Which visit this was: 5 for the fifth.
number:
# The first and last days of the visit (year-month-day).
{start}
end:
# When the letter about the visit was published.
published:
# The inspection framework.
framework:
# Markdown: the services the visit looked at.
areas_covered:
# Markdown: the inspectors' main finding, in a sentence or two.
headline:
# One or two sentences shown in the timeline.
summary:
# The document these facts come from: its title.
source:
# The document's web address, starting https://, so that pages link to it.
source_url:
# Only if the date shown could mislead (the source gives one that cannot be right): why, in a sentence or two.
date_note:
# Markdown: a note from the editors, shown marked as an editorial note.
editorial_note:
# The inspectors' names: remove the # from the start of the next two lines, one line per name.
#inspectors:
#  - Name
---

<!-- Write what the inspectors found below this line, in Markdown. -->
"
    )
}

fn inspection(title: &str, start: &str, id: &str, grades: &[String]) -> String {
    let keys = if grades.is_empty() {
        "a grade key from content/site.yaml".to_string()
    } else {
        format!("one of {}", grades.join(", "))
    };
    let example = grades.first().map_or("inadequate", String::as_str);
    format!(
        "---\n# A graded inspection, shown on the timeline. A plan refers to it as `{id}`.\n{HEAD}\
title: {title}
kind: inspection
# held, or planned for one that is expected but has not happened yet.
status: held
# The inspection framework, for example: Inspection of local authority children's services (ILACS)
framework:
# The first and last days of the inspection (year-month-day).
{start}
end:
# When the report was published.
published:
# One or two sentences shown in the timeline.
summary:
# The document these facts come from: its title.
source:
# The document's web address, starting https://, so that pages link to it.
source_url:
# Only if the date shown could mislead (the source gives one that cannot be right): why, in a sentence or two.
date_note:
# Markdown: a note from the editors, shown marked as an editorial note.
editorial_note:
# The overall judgement. The grade is {keys}.
# To use it, remove the # from the start of the next three lines.
#overall:
#  grade: {example}
#  qualifier:
# The judgement for each area inspected: remove the # from the start of the next three
# lines, then copy the last two for each area.
#judgements:
#  - domain: The experiences and progress of children who need help and protection
#    grade: {example}
# The inspectors' names: remove the # from the start of the next two lines, one line per name.
#inspectors:
#  - Name
---

<!-- Write what the inspectors found below this line, in Markdown. -->
"
    )
}

pub(crate) fn page(title: &str, slug: &str) -> String {
    format!(
        "---\n# A page of its own. Its address is /{slug}/, from the file's name.\n{HEAD}\
title: {title}
# One or two sentences shown in lists and by search engines.
summary:
---

<!-- Write the page below this line, in Markdown. -->
"
    )
}

pub(crate) fn plan(title: &str, slug: &str) -> String {
    format!(
        "# An improvement plan. Its address is /plans/{slug}/.
# Each priority area is a file beside this one: waymark new area \"Title\" --plan {slug}
{HEAD}\
title: {title}
# The inspection this plan responds to: its file's name in content/inspections/, without .md.
responds_to:
# The date this plan's progress was reported (year-month-day).
as_at:
# One or two sentences shown in lists.
summary:
# Markdown, shown on the plan page.
introduction:
governance:
# The status (RAG) key. Actions use the keys; readers see the labels. Change them to match
# the plan. complete: true counts a status as done; delayed: true lists its actions as delayed;
# at_risk: true counts and lists its actions as at risk (behind, but expected to complete).
# source_words lists the source's own words for a status, for example source_words: [Green],
# so that waymark check and waymark import recognise them.
statuses:
  - key: completed
    label: Completed
    colour: \"#00703c\"
    meaning: The action has been completed.
    complete: true
  - key: on-track
    label: In progress and on schedule
    colour: \"#1d70b8\"
    meaning: Work has started and is on schedule.
  - key: delayed
    label: Delayed or not on schedule
    colour: \"#d4351c\"
    meaning: The action is behind its due date or schedule.
    delayed: true
  - key: not-started
    label: Not started
    colour: \"#505a5f\"
    meaning: Work on the action has not started.
# Markdown: how the statuses were decided, for example how the source's RAG colours were mapped.
status_notes:
# Markdown: a note from the editors, shown marked as an editorial note.
editorial_note:
"
    )
}

/// Whether a new area's first outcome and action are written out or left as notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FirstAction {
    /// Fields ready to fill in (`waymark new area`).
    Written,
    /// Every line a note, to take the # from when the plan's actions are known
    /// (`waymark init`, whose site must pass `check --strict` as made).
    Noted,
}

pub(crate) fn area(
    title: &str,
    plan: &str,
    number: u32,
    statuses: &[String],
    first: FirstAction,
) -> String {
    let outcomes = outcomes(number, &statuses.join(", "));
    let outcomes = match first {
        FirstAction::Written => outcomes,
        FirstAction::Noted => format!(
            "# To add the first outcome and action, take the first # from the start of each line below.\n{}",
            noted(&outcomes)
        ),
    };
    format!(
        "# Priority area {number} of the plan {plan}. Outcomes for children and families sit in
# the area; actions sit in their outcome. Copy an action's lines (from `- id:`) to add one.
{HEAD}\
number: {number}
title: {title}
# One or two sentences shown in lists.
summary:
# Markdown: a note from the editors, shown marked as an editorial note.
editorial_note:
{outcomes}"
    )
}

/// Lines of YAML turned into notes by a # at the start of each: taking the first # from
/// every line gives the YAML back, its own notes still notes.
fn noted(yaml: &str) -> String {
    yaml.lines().map(|line| format!("#{line}\n")).collect()
}

fn outcomes(number: u32, keys: &str) -> String {
    format!(
        "outcomes:
  - outcome: {OUTCOME_PROMPT}
    actions:
      # The action's reference, in quotes. It makes the action's web address: never reuse one.
      - id: \"{number}.1\"
        # Markdown: what will be done.
        action: {ACTION_PROMPT}
        # Who is responsible, as the plan writes it.
        responsible:
        # A date (2024-03-31 or 31/03/24) or words such as: Review every 6 weeks
        due:
        # One of this plan's status keys: {keys}. Leave it empty if the source gives none.
        status:
        # The status exactly as the source wrote it, for example: Green
        source_status:
        # Markdown: what has been done so far, and what difference it made.
        progress:
        impact:
        # For a delayed action, remove the # from the start of the next five lines and fill
        # them in: why, what is being done about it, who, and the new due date.
        #delay:
        #  reason:
        #  mitigation:
        #  responsible:
        #  revised_due:
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_that_yaml_would_misread_are_quoted() {
        assert_eq!(
            scalar("Fifth monitoring visit").unwrap(),
            "Fifth monitoring visit"
        );
        assert_ne!(scalar("Visit: part 2").unwrap(), "Visit: part 2");
        assert_ne!(scalar("2024").unwrap(), "2024");
    }

    #[test]
    fn new_area_numbers_follow_the_highest() {
        let at = |n| AreaFile {
            number: n,
            title: None,
            path: PathBuf::new(),
        };
        assert_eq!(next_area_number(&[]), 1);
        assert_eq!(next_area_number(&[at(1), at(4), at(2)]), 5);
    }
}
