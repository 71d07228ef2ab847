//! `waymark import --as-at`: a later tracker brought into an existing plan, editing its
//! YAML files in place. Statuses and fields take the tracker's values, what they said at
//! the previous report is kept in each action's history, new rows become new actions, and
//! everything the tracker does not hold (comments, notes, delays, layout) is left as it was.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::dates::{long, Due};
use crate::diagnostics::Severity;
use crate::import::{normalise, status_aliases, ImportOptions, Problem};
use crate::plain_text::shorten;
use crate::scaffold::{self, StatusName};
use crate::source::{self, SourceFile};
use crate::tracker::{self, TrackerRow};
use crate::yaml::{self, Document, Extent, YamlPath};

/// What to bring in, and how.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// The spreadsheet, the plan, `--area`, `--sheet` and `--status` as for a first import.
    pub import: ImportOptions,
    /// The date the tracker reports progress at: the plan's new as-at date.
    pub as_at: NaiveDate,
    /// Correct the latest report (`as_at` is the plan's as-at date) instead of adding one.
    pub correct: bool,
    /// Work everything out and say it, writing nothing.
    pub dry_run: bool,
}

/// What changed (or, with `dry_run`, would change).
#[derive(Debug, Default)]
pub struct Updated {
    /// The files written (or that would be), relative to the site folder.
    pub files: Vec<PathBuf>,
    /// One plain-English line for each change.
    pub summary: Vec<String>,
    /// Rows that could not be brought in as they stood.
    pub problems: Vec<Problem>,
    /// Actions of the plan that the tracker does not list (left as they are), and what
    /// `waymark check` says of the changed files.
    pub missing: Vec<String>,
}

/// Text or a number, as a loosely read YAML value.
#[derive(Debug, Clone, Default, PartialEq)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            I(i64),
            F(f64),
            B(bool),
        }
        Ok(Text(match Any::deserialize(d)? {
            Any::S(s) => s,
            Any::I(i) => i.to_string(),
            Any::F(f) => f.to_string(),
            Any::B(b) => b.to_string(),
        }))
    }
}

#[derive(Deserialize)]
struct LooseArea {
    number: u32,
    #[serde(default)]
    outcomes: Vec<LooseOutcome>,
}

#[derive(Deserialize, Clone)]
struct LooseOutcome {
    outcome: Text,
    #[serde(default)]
    actions: Vec<LooseAction>,
}

#[derive(Deserialize, Clone)]
struct LooseAction {
    id: Text,
    action: Text,
    responsible: Option<Text>,
    due: Option<Text>,
    status: Option<Text>,
    source_status: Option<Text>,
    progress: Option<Text>,
    impact: Option<Text>,
    #[serde(default)]
    history: Vec<LooseEntry>,
}

#[derive(Deserialize, Clone)]
struct LooseEntry {
    date: Text,
    status: Option<Text>,
    progress: Option<Text>,
    impact: Option<Text>,
    responsible: Option<Text>,
    due: Option<Text>,
}

/// The fields a tracker updates, in the order an action lists its fields.
const ORDER: [&str; 12] = [
    "id",
    "action",
    "responsible",
    "due",
    "status",
    "source_status",
    "progress",
    "impact",
    "delay",
    "history",
    "editorial_note",
    "record_note",
];

/// One change to a file's text: `text` replaces `at`. Insertions at one place go in
/// `rank` order.
struct Edit {
    at: Range<usize>,
    text: String,
    rank: (usize, usize),
}

/// A YAML file of the plan, read, with the edits worked out for it.
struct File {
    rel: PathBuf,
    text: String,
    doc: Document,
    edits: Vec<Edit>,
}

impl File {
    fn edit(&mut self, at: Range<usize>, text: String, rank: (usize, usize)) {
        self.edits.push(Edit { at, text, rank });
    }

    fn edited(&self) -> String {
        let mut edits: Vec<&Edit> = self.edits.iter().collect();
        edits.sort_by_key(|e| (e.at.start, e.rank));
        let mut text = self.text.clone();
        for e in edits.into_iter().rev() {
            text.replace_range(e.at.clone(), &e.text);
        }
        text
    }
}

struct Area {
    file: File,
    number: u32,
    raw: LooseArea,
}

/// Where an action is: area, outcome and action indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct At {
    area: usize,
    outcome: usize,
    action: usize,
}

impl At {
    fn path(self) -> YamlPath {
        YamlPath::root()
            .key("outcomes")
            .index(self.outcome)
            .key("actions")
            .index(self.action)
    }
}

/// What the tracker changes in one matched action.
#[derive(Default)]
struct ActionChange {
    row: usize,
    status: Option<String>,
    source_status: Option<String>,
    /// Field, value now, value from the tracker.
    fields: Vec<(&'static str, Option<String>, String)>,
}

/// Reads the tracker, works out every change, checks the result and (unless `dry_run`)
/// writes the changed files, each whole, only when all of them are ready.
pub fn update(options: &UpdateOptions) -> Result<Updated> {
    let import = &options.import;
    let root = &import.root;
    let plan_dir = scaffold::plan_dir(root, &import.plan)?;
    let statuses = scaffold::plan_statuses(root, &import.plan)?;
    let aliases = status_aliases(&statuses, &import.statuses, &import.plan)?;
    let (sources, unreadable) = read_content(root)?;
    let previous = sound_plan_as_at(&sources, &unreadable, import)?;
    check_date(options, previous)?;

    let mut out = Updated::default();
    let tracker = tracker::read(&import.file, import.sheet.as_deref(), &mut out.problems)?;
    let mut plan_file = read_file(root, &plan_dir.join("plan.yaml"), &sources)?;
    let mut areas = read_areas(root, &plan_dir, &sources)?;
    if let Some(n) = import.area {
        if !areas.iter().any(|a| a.number == n) {
            bail!("The plan {} has no priority area {n}. Its areas are: {}. To add a new one from this tracker, run the import without --as-at.", import.plan, area_numbers(&areas));
        }
    }

    let matched = match_rows(&tracker, &areas, import.area, &mut out.problems);
    let mut changes: BTreeMap<At, ActionChange> = BTreeMap::new();
    for (row, at) in &matched.found {
        let action = action(&areas, *at);
        let change = compare(row, action, &aliases, &statuses, &mut out.problems);
        changes.insert(*at, change);
    }

    let cycle = Cycle {
        previous,
        date: options.as_at,
        correct: options.correct,
        labels: &statuses,
    };
    for (a, area) in areas.iter_mut().enumerate() {
        for (o, outcome) in area.raw.outcomes.clone().iter().enumerate() {
            for (i, act) in outcome.actions.iter().enumerate() {
                let at = At {
                    area: a,
                    outcome: o,
                    action: i,
                };
                let change = changes.get(&at);
                let lines = cycle.apply(&mut area.file, at.path(), act, change)?;
                out.summary.extend(lines);
                let in_scope = import.area.is_none_or(|n| n == area.number);
                if change.is_none() && in_scope {
                    out.missing.push(format!(
                        "action {} (priority area {}) is not in the tracker, so it was left as it was. If it should be in the tracker, add its row; Waymark never deletes an action.",
                        act.id.0, area.number
                    ));
                }
            }
        }
    }
    let added = add_actions(
        &mut areas,
        &matched.new,
        &aliases,
        &statuses,
        &mut out.problems,
    )?;
    out.summary.extend(added);
    if let Some(line) = set_as_at(&mut plan_file, options.as_at, previous)? {
        out.summary.insert(0, line);
    }
    if matched.skipped > 0 {
        out.summary.push(format!(
            "{} row(s) of other priority areas were left out (--area {}).",
            matched.skipped,
            import.area.unwrap_or(0)
        ));
    }

    let files: Vec<File> = std::iter::once(plan_file)
        .chain(areas.into_iter().map(|a| a.file))
        .collect();
    let changed: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| (f.rel.clone(), f.edited()))
        .zip(&files)
        .filter(|((_, new), f)| *new != f.text)
        .map(|(pair, _)| pair)
        .collect();
    out.missing
        .extend(check_result(&sources, &unreadable, &changed, import.today)?);
    out.problems.sort_by_key(|p| p.row);
    out.files = changed.iter().map(|(rel, _)| rel.clone()).collect();
    if !options.dry_run {
        write_all(root, &changed)?;
    }
    Ok(out)
}

fn area_numbers(areas: &[Area]) -> String {
    areas
        .iter()
        .map(|a| a.number.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn action(areas: &[Area], at: At) -> &LooseAction {
    &areas[at.area].raw.outcomes[at.outcome].actions[at.action]
}

fn read_content(root: &Path) -> Result<(Vec<SourceFile>, Vec<PathBuf>)> {
    let (sources, problems) = source::read_content(root, None);
    if let Some(first) = problems.iter().find(|d| d.is_error()) {
        bail!(
            "{first}. Run waymark check, put this right, then import again: nothing was changed."
        );
    }
    let unreadable = problems.iter().map(|d| d.file.clone()).collect();
    Ok((sources, unreadable))
}

/// The plan's as-at date, once the site as it stands passes `waymark check`: the result of
/// the import is checked the same way, and must not be blamed for problems already there.
fn sound_plan_as_at(
    sources: &[SourceFile],
    unreadable: &[PathBuf],
    import: &ImportOptions,
) -> Result<NaiveDate> {
    let (site, diagnostics) =
        crate::validate::site_with_unreadable(sources.to_vec(), unreadable, import.today, None);
    if diagnostics.has_errors() {
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(3)
            .map(|d| format!("  {d}"))
            .collect();
        bail!(
            "The content has {} problem(s) to put right before a tracker can be brought in; nothing was changed. The first:\n{}\nRun waymark check to see them all with their lines.",
            diagnostics.count(Severity::Error),
            errors.join("\n")
        );
    }
    let plan = site
        .as_ref()
        .and_then(|s| s.plans.iter().find(|p| p.slug == import.plan));
    match plan {
        Some(plan) => Ok(plan.as_at),
        None => bail!(
            "The plan {} could not be read. Run waymark check.",
            import.plan
        ),
    }
}

fn check_date(options: &UpdateOptions, previous: NaiveDate) -> Result<()> {
    let (date, plan) = (options.as_at, &options.import.plan);
    if options.correct {
        if date != previous {
            bail!("--correct corrects the latest report of the plan {plan}, which is as at {} ({}). Give --as-at {} to correct it, or leave out --correct to add a new report.", long(previous), previous, previous);
        }
    } else if date <= previous {
        bail!("The plan {plan} is already reported as at {} ({previous}), and this tracker is dated {} ({date}), which is not later. To correct the latest report, add --correct (with --as-at {previous}); otherwise check the date given with --as-at.", long(previous), long(date));
    }
    Ok(())
}

fn read_file(root: &Path, path: &Path, sources: &[SourceFile]) -> Result<File> {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let text = match sources.iter().find(|s| s.path == rel) {
        Some(s) => s.text.as_str().to_string(),
        None => {
            fs::read_to_string(path).with_context(|| format!("could not read {}", rel.display()))?
        }
    };
    let doc = yaml::parse(&rel, &text, 0, &text).map_err(|d| anyhow::anyhow!("{d}"))?;
    Ok(File {
        rel,
        text,
        doc,
        edits: Vec::new(),
    })
}

fn read_areas(root: &Path, plan_dir: &Path, sources: &[SourceFile]) -> Result<Vec<Area>> {
    scaffold::areas(plan_dir)
        .into_iter()
        .map(|a| {
            let file = read_file(root, &a.path, sources)?;
            let raw: LooseArea = file
                .doc
                .read(&YamlPath::root(), "a priority area")
                .map_err(|d| anyhow::anyhow!("{d}"))?;
            Ok(Area {
                number: raw.number,
                file,
                raw,
            })
        })
        .collect()
}

/// Tracker rows matched to the plan's actions, and rows for new actions.
struct Matched<'t> {
    found: Vec<(&'t TrackerRow, At)>,
    new: Vec<(&'t TrackerRow, u32)>,
    skipped: usize,
}

fn match_rows<'t>(
    tracker: &'t tracker::Tracker,
    areas: &[Area],
    only: Option<u32>,
    problems: &mut Vec<Problem>,
) -> Matched<'t> {
    let mut ids: HashMap<String, At> = HashMap::new();
    let mut texts: HashMap<String, Vec<At>> = HashMap::new();
    for (a, area) in areas.iter().enumerate() {
        for (o, outcome) in area.raw.outcomes.iter().enumerate() {
            for (i, act) in outcome.actions.iter().enumerate() {
                let at = At {
                    area: a,
                    outcome: o,
                    action: i,
                };
                ids.insert(act.id.0.trim().to_string(), at);
                texts.entry(normalise(&act.action.0)).or_default().push(at);
            }
        }
    }
    let mut out = Matched {
        found: Vec::new(),
        new: Vec::new(),
        skipped: 0,
    };
    let mut seen: HashMap<At, usize> = HashMap::new();
    for row in &tracker.rows {
        let area = row.area.or(only);
        if let (Some(n), Some(a)) = (only, row.area) {
            if n != a {
                out.skipped += 1;
                continue;
            }
        }
        let in_area = |at: &At| area.is_none_or(|n| areas[at.area].number == n);
        let found = match &row.reference {
            Some(r) => ids.get(r).copied(),
            None => {
                let candidates: Vec<At> = row
                    .action
                    .as_deref()
                    .and_then(|t| texts.get(&normalise(t)))
                    .map(|v| v.iter().copied().filter(in_area).collect())
                    .unwrap_or_default();
                if candidates.len() > 1 {
                    let listed: Vec<String> = candidates
                        .iter()
                        .map(|&at| action(areas, at).id.0.clone())
                        .collect();
                    problems.push(Problem {
                        row: row.row,
                        message: format!("this action's text is the text of several actions ({}), so Waymark cannot tell which it is and left the row out. Add a Ref column giving each action's reference.", listed.join(", ")),
                    });
                    continue;
                }
                candidates.first().copied()
            }
        };
        match found {
            Some(at) => {
                if let Some(first) = seen.insert(at, row.row) {
                    problems.push(Problem {
                        row: row.row,
                        message: format!("this row is action {} again (row {first} is too), so it was left out. If the tracker has a reference like 1.10, Excel may show it as 1.1: format the reference column as Text, or correct this row's reference.", action(areas, at).id.0),
                    });
                    continue;
                }
                out.found.push((row, at));
            }
            None => match area {
                Some(n) if areas.iter().any(|a| a.number == n) => out.new.push((row, n)),
                Some(n) => problems.push(Problem {
                    row: row.row,
                    message: format!("this is a new action for priority area {n}, which the plan does not have (its areas are: {}), so it was left out. Check its reference or Area, or add the area first.", area_numbers(areas)),
                }),
                None => problems.push(Problem {
                    row: row.row,
                    message: "this action is not in the plan, and the row does not say which priority area it belongs to, so it was left out. Give it a reference such as 1.7, or add an Area column.".into(),
                }),
            },
        }
    }
    out
}

/// What the tracker's row changes in the action, with what the tracker wrote that could
/// not be taken reported.
fn compare(
    row: &TrackerRow,
    act: &LooseAction,
    aliases: &HashMap<String, String>,
    statuses: &[StatusName],
    problems: &mut Vec<Problem>,
) -> ActionChange {
    let mut change = ActionChange {
        row: row.row,
        ..Default::default()
    };
    let id = &act.id.0;
    let now = act.status.as_ref().map(|s| s.0.trim().to_string());
    if let Some(written) = &row.status {
        match aliases.get(&normalise(written)) {
            Some(key) if Some(key) != now.as_ref() => {
                change.status = Some(key.clone());
                if act.source_status.is_some() {
                    change.source_status = Some(written.clone());
                }
            }
            Some(_) => {}
            None => problems.push(Problem {
                row: row.row,
                message: format!(
                    "the status \"{written}\" is not in the plan's status key, so action {id} keeps its status ({}). Use one of: {}, or map it with --status \"{written}=<key>\".",
                    now.as_deref().unwrap_or("none recorded"),
                    crate::import::keys(statuses)
                ),
            }),
        }
    }
    let fields = [
        ("responsible", &act.responsible, &row.responsible),
        ("due", &act.due, &row.due),
        ("progress", &act.progress, &row.progress),
        ("impact", &act.impact, &row.impact),
    ];
    for (name, old, new) in fields {
        let Some(new) = new else { continue };
        let old = old.as_ref().map(|t| t.0.clone());
        let same = old
            .as_deref()
            .is_some_and(|o| same_text(o, new) || (name == "due" && same_day(o, new)));
        if !same {
            change.fields.push((name, old, new.clone()));
        }
    }
    if let Some(text) = &row.action {
        if normalise(text) != normalise(&act.action.0) {
            problems.push(Problem {
                row: row.row,
                message: format!("the action's text differs from action {id}'s in the plan (\"{}\"); the plan's text was kept. If this row is another action, correct its reference.", shorten(&act.action.0, 60)),
            });
        }
    }
    change
}

/// A value on one short line, for the summary.
fn short(text: &str) -> String {
    shorten(&text.split_whitespace().collect::<Vec<_>>().join(" "), 60)
}

/// Texts that read the same, whatever their line breaks and outer spaces.
fn same_text(a: &str, b: &str) -> bool {
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    words(a) == words(b)
}

/// `16/09/22` and `2022-09-16` are one due date.
fn same_day(a: &str, b: &str) -> bool {
    match (Due::parse(a), Due::parse(b)) {
        (Ok(Due::On(x)), Ok(Due::On(y))) => x == y,
        _ => false,
    }
}

/// The dates of this import and of the report before it, and the status key's labels.
struct Cycle<'a> {
    previous: NaiveDate,
    date: NaiveDate,
    correct: bool,
    labels: &'a [StatusName],
}

impl Cycle<'_> {
    fn label(&self, key: Option<&str>) -> String {
        match key {
            None => "no status".into(),
            Some(k) => self
                .labels
                .iter()
                .find(|s| s.key == k)
                .map_or(k.to_string(), |s| {
                    if s.label.is_empty() {
                        s.key.clone()
                    } else {
                        s.label.clone()
                    }
                }),
        }
    }

    /// Edits one action: the tracker's values, and (unless correcting) the history entry
    /// keeping what the previous report said. Returns the summary lines.
    fn apply(
        &self,
        file: &mut File,
        path: YamlPath,
        act: &LooseAction,
        change: Option<&ActionChange>,
    ) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        let id = &act.id.0;
        let old_status = act.status.as_ref().map(|s| s.0.trim().to_string());
        let row = change.map_or(String::new(), |c| format!(" (row {})", c.row));
        // What the previous report said, for the history: the status it had then, and each
        // field the tracker changes.
        let mut then: Vec<(&str, String)> = Vec::new();
        if let Some(c) = change {
            if let Some(new) = &c.status {
                lines.push(format!(
                    "Action {id}{row}: status {} → {}.",
                    self.label(old_status.as_deref()),
                    self.label(Some(new))
                ));
                set_field(file, &path, "status", new)?;
                if let Some(s) = &c.source_status {
                    set_field(file, &path, "source_status", s)?;
                }
            }
            for (name, old, new) in &c.fields {
                let was = match old {
                    Some(o) => format!("it was \"{}\"", short(o)),
                    None => "it had none".into(),
                };
                lines.push(format!(
                    "Action {id}{row}: {name} changed to \"{}\" ({was}).",
                    short(new)
                ));
                set_field(file, &path, name, new)?;
                if let Some(o) = old {
                    then.push((name, o.clone()));
                }
            }
        }
        if self.correct {
            if let Some(new) = change.and_then(|c| c.status.as_ref()) {
                self.correct_entry(file, &path, act, new)?;
            }
            return Ok(lines);
        }
        let history_then = act
            .history
            .iter()
            .filter_map(|e| Some((crate::dates::parse_day(&e.date.0).ok()??, e)))
            .filter(|(d, _)| *d <= self.previous)
            .max_by_key(|(d, _)| *d);
        let status_then = history_then.and_then(|(_, e)| e.status.as_ref().map(|s| s.0.trim()));
        let keep_status = old_status.is_some() && status_then != old_status.as_deref();
        let mut entries = Vec::new();
        let existing = act
            .history
            .iter()
            .position(|e| crate::dates::parse_day(&e.date.0).ok().flatten() == Some(self.previous));
        match existing {
            Some(k) => {
                let entry = &act.history[k];
                let has = |name: &str| match name {
                    "progress" => entry.progress.is_some(),
                    "impact" => entry.impact.is_some(),
                    "responsible" => entry.responsible.is_some(),
                    _ => entry.due.is_some(),
                };
                let fields: Vec<(&str, String)> =
                    then.into_iter().filter(|(n, _)| !has(n)).collect();
                add_to_entry(file, &path.key("history").index(k), &fields)?;
            }
            None if keep_status || !then.is_empty() => {
                let mut entry = vec![("date", self.previous.to_string())];
                if let Some(s) = &old_status {
                    entry.push(("status", s.clone()));
                }
                entry.extend(then);
                entries.push(entry);
            }
            None => {}
        }
        if let Some(new) = change.and_then(|c| c.status.as_ref()) {
            entries.push(vec![
                ("date", self.date.to_string()),
                ("status", new.clone()),
            ]);
        }
        add_entries(file, &path, &entries)?;
        Ok(lines)
    }

    /// `--correct`: the latest report's own history entry takes the corrected status.
    fn correct_entry(
        &self,
        file: &mut File,
        path: &YamlPath,
        act: &LooseAction,
        new: &str,
    ) -> Result<()> {
        let at = act
            .history
            .iter()
            .position(|e| crate::dates::parse_day(&e.date.0).ok().flatten() == Some(self.date));
        match at {
            Some(k) if act.history[k].status.is_some() => {
                set_field(file, &path.key("history").index(k), "status", new)
            }
            Some(k) => add_to_entry(
                file,
                &path.key("history").index(k),
                &[("status", new.to_string())],
            ),
            None => add_entries(
                file,
                path,
                &[vec![
                    ("date", self.date.to_string()),
                    ("status", new.to_string()),
                ]],
            ),
        }
    }
}

/// Sets `key` of the mapping at `path` to `value`: in place where it is written, else on a
/// new line after the field before it in [`ORDER`].
fn set_field(file: &mut File, path: &YamlPath, key: &str, value: &str) -> Result<()> {
    let rank = rank(key);
    if let Some(ext) = file.doc.extent(&path.key(key)) {
        let one_line_now = ext.value_on_line.as_ref().is_some_and(|v| {
            !file.text[v.end..ext.end]
                .trim_end_matches('\n')
                .contains('\n')
        });
        match (&ext.value_on_line, one_line_now && !value.contains('\n')) {
            (Some(v), true) => file.edit(v.clone(), scalar(value)?, rank),
            _ => {
                let text = format!("{key}:{}", rendered(value, ext.indent)?);
                file.edit(ext.start..ext.end, text, rank);
            }
        }
        return Ok(());
    }
    let (at, indent) = after_field_before(file, path, key)?;
    let text = format!("{}{key}:{}", " ".repeat(indent), rendered(value, indent)?);
    file.edit(at..at, text, rank);
    Ok(())
}

fn rank(key: &str) -> (usize, usize) {
    (
        ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len()),
        0,
    )
}

/// Where a new field `key` of the mapping at `path` goes, and the mapping's indent.
fn after_field_before(file: &File, path: &YamlPath, key: &str) -> Result<(usize, usize)> {
    let mapping = extent(file, path)?;
    let before = ORDER
        .iter()
        .take_while(|k| **k != key)
        .filter_map(|k| file.doc.extent(&path.key(k)))
        .max_by_key(|e| e.end);
    let at = before.map_or(mapping.end, |e| e.end);
    Ok((at, mapping.indent))
}

fn extent(file: &File, path: &YamlPath) -> Result<Extent> {
    file.doc.extent(path).with_context(|| {
        format!(
            "Waymark could not find where {path} is written in {} (it edits files written in the usual block style, one field per line). Nothing was changed.",
            file.rel.display()
        )
    })
}

/// Adds fields to the history entry at `path`, after its last line.
fn add_to_entry(file: &mut File, path: &YamlPath, fields: &[(&str, String)]) -> Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let entry = extent(file, path)?;
    let mut text = String::new();
    for (name, value) in fields {
        text.push_str(&format!(
            "{}{name}:{}",
            " ".repeat(entry.indent),
            rendered(value, entry.indent)?
        ));
    }
    file.edit(entry.end..entry.end, text, (ORDER.len() + 1, 0));
    Ok(())
}

/// Appends entries to the action's history, starting the history if it has none.
fn add_entries(file: &mut File, action: &YamlPath, entries: &[Vec<(&str, String)>]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let history = action.key("history");
    let first = file.doc.extent(&history.index(0));
    let (at, dash, start) = match (file.doc.extent(&history), first) {
        (Some(h), Some(item)) => (h.end, item.indent - 2, None),
        (Some(h), None) => (h.end, h.indent + 2, Some(h.start..h.end)),
        (None, _) => {
            let (at, indent) = after_field_before(file, action, "history")?;
            (at, indent + 2, Some(at..at))
        }
    };
    let mut text = String::new();
    for entry in entries {
        for (i, (name, value)) in entry.iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            text.push_str(&format!(
                "{}{lead}{name}:{}",
                " ".repeat(dash),
                rendered(value, dash + 2)?
            ));
        }
    }
    match start {
        None => file.edit(at..at, text, (ORDER.len() + 2, 0)),
        Some(range) => {
            let indent = dash - 2;
            let head = if range.is_empty() {
                " ".repeat(indent)
            } else {
                String::new()
            };
            file.edit(range, format!("{head}history:\n{text}"), rank("history"));
        }
    }
    Ok(())
}

/// A value after `key:`, ending with its line break: on the same line, or for text of
/// several lines a `|` block indented under the key.
fn rendered(value: &str, indent: usize) -> Result<String> {
    let value = value.trim();
    if !value.contains('\n') {
        return Ok(format!(" {}\n", scalar(value)?));
    }
    let pad = " ".repeat(indent + 2);
    let mut text = " |\n".to_string();
    for line in value.lines() {
        if line.trim().is_empty() {
            text.push('\n');
        } else {
            text.push_str(&format!("{pad}{}\n", line.trim_end()));
        }
    }
    Ok(text)
}

fn scalar(value: &str) -> Result<String> {
    scaffold::scalar(value.trim())
}

/// New actions under one outcome: its text, its index if the area has it, and each
/// action's id and row.
type NewGroup<'t> = (String, Option<usize>, Vec<(String, &'t TrackerRow)>);

/// New actions, each at the end of its outcome, or of a new outcome at the end of its
/// area. Returns the summary lines.
fn add_actions(
    areas: &mut [Area],
    new: &[(&TrackerRow, u32)],
    aliases: &HashMap<String, String>,
    labels: &[StatusName],
    problems: &mut Vec<Problem>,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for area in areas.iter_mut() {
        let rows: Vec<&TrackerRow> = new
            .iter()
            .filter(|(_, n)| *n == area.number)
            .map(|(r, _)| *r)
            .collect();
        let mut used: Vec<String> = area
            .raw
            .outcomes
            .iter()
            .flat_map(|o| o.actions.iter().map(|a| a.id.0.trim().to_string()))
            .collect();
        // Outcome text → rows under it, new outcomes in the order they first appear.
        let mut groups: Vec<NewGroup> = Vec::new();
        for row in rows {
            let Some(action) = &row.action else {
                problems.push(Problem { row: row.row, message: format!("the reference {} is not an action of the plan, and the row has no action text, so it was left out.", row.reference.as_deref().unwrap_or("")) });
                continue;
            };
            let Some(outcome) = &row.outcome else {
                problems.push(Problem { row: row.row, message: format!("\"{}\" is a new action, but the row has no outcome (and none above it in its priority area), so Waymark does not know where to put it and left it out. Fill in its Outcome.", shorten(action, 50)) });
                continue;
            };
            let id = match &row.reference {
                Some(r) if !used.contains(r) => r.clone(),
                _ => next_id(area.number, &used),
            };
            used.push(id.clone());
            let found = area
                .raw
                .outcomes
                .iter()
                .position(|o| normalise(&o.outcome.0) == normalise(outcome));
            match groups
                .iter_mut()
                .find(|(o, _, _)| normalise(o) == normalise(outcome))
            {
                Some((_, _, list)) => list.push((id, row)),
                None => groups.push((outcome.clone(), found, vec![(id, row)])),
            }
        }
        let mut new_outcomes = String::new();
        let outcomes_path = YamlPath::root().key("outcomes");
        let outcome_dash = area
            .file
            .doc
            .extent(&outcomes_path.index(0))
            .map_or(2, |e| e.indent - 2);
        for (outcome, found, list) in &groups {
            for (id, row) in list {
                lines.push(format!(
                    "Action {id} (row {}) is new: added to priority area {} under the outcome \"{}\".",
                    row.row,
                    area.number,
                    shorten(outcome, 50)
                ));
            }
            match found {
                Some(o) => {
                    let actions = outcomes_path.index(*o).key("actions");
                    let last = area.raw.outcomes[*o].actions.len();
                    let (at, dash) = match last.checked_sub(1).and_then(|l| area.file.doc.extent(&actions.index(l))) {
                        Some(e) => (e.end, e.indent - 2),
                        None => bail!("Waymark could not find where the actions of outcome {} are written in {}. Add the new actions by hand. Nothing was changed.", o + 1, area.file.rel.display()),
                    };
                    let text: String = list
                        .iter()
                        .map(|(id, row)| new_action(id, row, dash, aliases, labels))
                        .collect::<Result<_>>()?;
                    area.file.edit(at..at, text, (ORDER.len() + 3, 0));
                }
                None => {
                    let d = outcome_dash;
                    new_outcomes.push_str(&format!(
                        "{}- outcome:{}{}  actions:\n",
                        " ".repeat(d),
                        rendered(outcome, d + 2)?,
                        " ".repeat(d)
                    ));
                    for (id, row) in list {
                        new_outcomes.push_str(&new_action(id, row, d + 4, aliases, labels)?);
                    }
                }
            }
        }
        if !new_outcomes.is_empty() {
            match area.file.doc.extent(&outcomes_path) {
                Some(e) if area.file.doc.extent(&outcomes_path.index(0)).is_some() => {
                    area.file
                        .edit(e.end..e.end, new_outcomes, (ORDER.len() + 4, 0));
                }
                Some(e) => {
                    area.file
                        .edit(e.start..e.end, format!("outcomes:\n{new_outcomes}"), (0, 0))
                }
                None => {
                    let end = area.file.text.len();
                    let sep = if area.file.text.ends_with('\n') || end == 0 {
                        ""
                    } else {
                        "\n"
                    };
                    area.file
                        .edit(end..end, format!("{sep}outcomes:\n{new_outcomes}"), (0, 0));
                }
            }
        }
    }
    Ok(lines)
}

/// `<area>.<n>` after the highest `n` in use.
fn next_id(area: u32, used: &[String]) -> String {
    let prefix = format!("{area}.");
    let n = used
        .iter()
        .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{area}.{}", n + 1)
}

/// The tracker wrote the status's own key or label, which `source_status` would only repeat.
fn plain_word(written: &str, key: Option<&str>, labels: &[StatusName]) -> bool {
    let w = normalise(written);
    labels.iter().any(|s| {
        Some(s.key.as_str()) == key && (w == normalise(&s.key) || w == normalise(&s.label))
    })
}

fn new_action(
    id: &str,
    row: &TrackerRow,
    dash: usize,
    aliases: &HashMap<String, String>,
    labels: &[StatusName],
) -> Result<String> {
    let status = row
        .status
        .as_deref()
        .and_then(|w| aliases.get(&normalise(w)).cloned());
    let fields = [
        (
            "id",
            Some(format!(
                "\"{}\"",
                id.replace('\\', "\\\\").replace('"', "\\\"")
            )),
        ),
        ("action", row.action.clone()),
        ("responsible", row.responsible.clone()),
        ("due", row.due.clone()),
        ("status", status.clone()),
        (
            "source_status",
            row.status
                .clone()
                .filter(|w| !plain_word(w, status.as_deref(), labels)),
        ),
        ("progress", row.progress.clone()),
        ("impact", row.impact.clone()),
    ];
    let mut text = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        let Some(value) = value else { continue };
        let lead = if i == 0 { "- " } else { "  " };
        let value = match name {
            &"id" => format!(" {value}\n"),
            _ => rendered(value, dash + 2)?,
        };
        text.push_str(&format!("{}{lead}{name}:{value}", " ".repeat(dash)));
    }
    Ok(text)
}

/// plan.yaml's `as_at` becomes `date`.
fn set_as_at(plan: &mut File, date: NaiveDate, previous: NaiveDate) -> Result<Option<String>> {
    if date == previous {
        return Ok(None);
    }
    let root = YamlPath::root();
    match plan.doc.extent(&root.key("as_at")) {
        Some(_) => set_field(plan, &root, "as_at", &date.to_string())?,
        None => {
            let after = ["responds_to", "title"]
                .iter()
                .find_map(|k| plan.doc.extent(&root.key(k)))
                .map_or(0, |e| e.end);
            plan.edit(after..after, format!("as_at: {date}\n"), (0, 0));
        }
    }
    Ok(Some(format!(
        "The plan is now reported as at {} (it was as at {}).",
        long(date),
        long(previous)
    )))
}

/// Checks the site with the changed files as `waymark check` would. An error is a fault
/// in the import itself: nothing is written. Warnings new in the changed files are returned.
fn check_result(
    sources: &[SourceFile],
    unreadable: &[PathBuf],
    changed: &[(PathBuf, String)],
    today: NaiveDate,
) -> Result<Vec<String>> {
    let (_, before) =
        crate::validate::site_with_unreadable(sources.to_vec(), unreadable, today, None);
    let after_sources: Vec<SourceFile> = sources
        .iter()
        .map(|s| match changed.iter().find(|(rel, _)| *rel == s.path) {
            Some((rel, text)) => SourceFile::new(rel.clone(), text.clone()),
            None => s.clone(),
        })
        .collect();
    let (_, after) = crate::validate::site_with_unreadable(after_sources, unreadable, today, None);
    if after.has_errors() {
        let errors: Vec<String> = after
            .iter()
            .filter(|d| d.is_error())
            .take(5)
            .map(|d| format!("  {d}"))
            .collect();
        bail!("The plan would not pass waymark check after this import, so nothing was changed:\n{}\nPlease report this, with the tracker, to whoever looks after Waymark.", errors.join("\n"));
    }
    let said: Vec<(PathBuf, String)> = before
        .iter()
        .map(|d| (d.file.clone(), d.message.clone()))
        .collect();
    Ok(after
        .iter()
        .filter(|d| changed.iter().any(|(rel, _)| *rel == d.file))
        .filter(|d| !said.contains(&(d.file.clone(), d.message.clone())))
        .map(|d| match &d.help {
            Some(help) => format!("{d} {help}"),
            None => d.to_string(),
        })
        .collect())
}

/// Writes every changed file beside itself, then renames each into place: a failure
/// before the renames leaves every file as it was.
pub(crate) fn write_all(root: &Path, changed: &[(PathBuf, String)]) -> Result<()> {
    let mut ready = Vec::new();
    for (rel, text) in changed {
        let path = root.join(rel);
        let dir = path.parent().unwrap_or(root);
        let mut temp = tempfile::Builder::new()
            .prefix(".waymark-import-")
            .tempfile_in(dir)
            .with_context(|| format!("could not write beside {}", rel.display()))?;
        temp.write_all(text.as_bytes())
            .and_then(|_| temp.as_file().sync_all())
            .with_context(|| format!("could not write beside {}", rel.display()))?;
        if let Ok(meta) = fs::metadata(&path) {
            let _ = fs::set_permissions(temp.path(), meta.permissions());
        }
        ready.push((temp, path, rel));
    }
    for (temp, path, rel) in ready {
        temp.persist(&path)
            .with_context(|| format!("could not replace {}", rel.display()))?;
    }
    Ok(())
}
