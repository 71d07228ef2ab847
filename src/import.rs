//! `waymark import`: an action tracker spreadsheet (CSV or Excel) → one priority-area file,
//! with every row or value that could not be mapped reported by its row number.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use serde::Serialize;

use crate::plain_text::shorten;
use crate::routes::slugify;
use crate::scaffold::{self, StatusName};
use crate::schema::{self, FileKind};
use crate::yaml;

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site folder: the one holding `content/`.
    pub root: PathBuf,
    /// The spreadsheet: `.csv`, `.xlsx`, `.xlsm`, `.xls` or `.ods`.
    pub file: PathBuf,
    /// The plan's folder name under content/plans/.
    pub plan: String,
    /// The priority area's number; the next free one when None.
    pub area: Option<u32>,
    /// The area's title; the existing area's, or the spreadsheet's file name, when None.
    pub title: Option<String>,
    /// Which sheet of a workbook; the first when None.
    pub sheet: Option<String>,
    /// Extra status values the spreadsheet uses (`Green`) → the plan's status key (`on-track`).
    pub statuses: Vec<(String, String)>,
    /// Replace the area's file if it exists.
    pub force: bool,
    pub today: NaiveDate,
}

/// A row or value that was not imported as it stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The spreadsheet row, counting from 1 as spreadsheet programs do.
    pub row: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row, self.message)
    }
}

/// What was written.
#[derive(Debug)]
pub struct Imported {
    /// Relative to the site folder.
    pub path: PathBuf,
    pub number: u32,
    pub outcomes: usize,
    pub actions: usize,
    pub problems: Vec<Problem>,
}

/// The fields a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Outcome,
    Action,
    Responsible,
    Due,
    Progress,
    Impact,
    Status,
}

impl Field {
    pub(crate) const ALL: [Field; 7] = [
        Field::Outcome,
        Field::Action,
        Field::Responsible,
        Field::Due,
        Field::Progress,
        Field::Impact,
        Field::Status,
    ];

    /// Headers trackers use for this field, compared without case, spaces or punctuation.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Outcome => &[
                "outcome",
                "outcomes",
                "outcomeforchildren",
                "outcomesforchildren",
                "outcomeforchildrenandfamilies",
                "intendedoutcome",
                "desiredoutcome",
            ],
            Field::Action => &[
                "action",
                "actions",
                "actionneeded",
                "actionsneeded",
                "actionrequired",
                "actionsrequired",
                "actiontobetaken",
                "actionstobetaken",
                "whatwewilldo",
            ],
            Field::Responsible => &[
                "responsible",
                "responsibility",
                "responsibleofficer",
                "responsibleperson",
                "whoisresponsible",
                "lead",
                "leadofficer",
                "owner",
                "actionowner",
            ],
            Field::Due => &[
                "duedate",
                "due",
                "datedue",
                "deadline",
                "targetdate",
                "timescale",
                "timescales",
                "bywhen",
                "completiondate",
            ],
            Field::Progress => &[
                "progress",
                "progressupdate",
                "progresstodate",
                "update",
                "latestupdate",
            ],
            Field::Impact => &[
                "impact",
                "impactevidence",
                "evidenceofimpact",
                "impactonchildren",
            ],
            Field::Status => &["rag", "ragstatus", "ragrating", "status", "rating"],
        }
    }

    /// The header the authoring guide uses, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Outcome => "Outcome",
            Field::Action => "Action",
            Field::Responsible => "Responsible",
            Field::Due => "Due date",
            Field::Progress => "Progress",
            Field::Impact => "Impact",
            Field::Status => "RAG or Status",
        }
    }

    pub(crate) fn from_header(header: &str) -> Option<Field> {
        let key: String = header
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Field::ALL
            .into_iter()
            .find(|f| f.headers().contains(&key.as_str()))
    }
}

/// One row of the sheet: its row number and its cells as text.
pub(crate) struct Row {
    pub(crate) number: usize,
    pub(crate) cells: Vec<String>,
    /// The columns whose cell holds a formula but no saved value (workbooks only).
    unsaved: Vec<usize>,
}

/// What kind of file the rows came from: a CSV file can hold a formula's text where a
/// workbook holds the value the formula gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Csv,
    Workbook,
}

/// What a spreadsheet reads as the start of a formula, once a cell's outer space is gone
/// (`-` is left out: trackers start bullet points and negative numbers with it).
const FORMULA_STARTS: [char; 3] = ['=', '+', '@'];

/// Reads the spreadsheet, maps it onto the plan, and writes the area file.
pub fn import(options: &ImportOptions) -> Result<Imported> {
    let plan_dir = scaffold::plan_dir(&options.root, &options.plan)?;
    let statuses = scaffold::plan_statuses(&options.root, &options.plan)?;
    let aliases = status_aliases(&statuses, &options.statuses, &options.plan)?;
    let (rows, source) = read_rows(&options.file, options.sheet.as_deref())?;
    let target = target(options, &plan_dir)?;
    let mut problems = Vec::new();
    let (header, columns) = header_row(&rows, &mut problems)?;
    let sheet = Sheet {
        header: &rows[header],
        columns: &columns,
        source,
    };
    let grouped = group(&rows[header + 1..], &sheet, &mut problems);
    let area = area(&target, grouped, &aliases, &statuses, &mut problems);
    let text = schema::with_line(FileKind::Area, &target.path, &render(options, &area)?);
    write(&options.root.join(&target.path), &text, options.force)?;
    problems.sort_by_key(|p| p.row);
    Ok(Imported {
        path: target.path,
        number: target.number,
        outcomes: area.outcomes.len(),
        actions: area.outcomes.iter().map(|o| o.actions.len()).sum(),
        problems,
    })
}

/// Status value (lower case) → key: the plan's keys and labels, and the author's extras.
pub(crate) fn status_aliases(
    statuses: &[StatusName],
    extra: &[(String, String)],
    plan: &str,
) -> Result<HashMap<String, String>> {
    let mut aliases = HashMap::new();
    for s in statuses {
        aliases.insert(normalise(&s.label), s.key.clone());
        aliases.insert(normalise(&s.key), s.key.clone());
        for word in &s.source_words {
            aliases.insert(normalise(word), s.key.clone());
        }
    }
    for (value, key) in extra {
        if !statuses.iter().any(|s| &s.key == key) {
            bail!(
                "--status {value}={key}: `{key}` is not in the status key of the plan {plan}. Use one of: {}.",
                keys(statuses)
            );
        }
        aliases.insert(normalise(value), key.clone());
    }
    Ok(aliases)
}

pub(crate) fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn keys(statuses: &[StatusName]) -> String {
    statuses
        .iter()
        .map(|s| s.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file to write: the area with the number asked for, or a new one.
struct Target {
    number: u32,
    title: String,
    path: PathBuf,
}

fn target(options: &ImportOptions, plan_dir: &Path) -> Result<Target> {
    let areas = scaffold::areas(plan_dir);
    let number = options
        .area
        .unwrap_or_else(|| scaffold::next_area_number(&areas));
    let existing = areas.iter().find(|a| a.number == number);
    let title = options
        .title
        .clone()
        .or_else(|| existing.and_then(|a| a.title.clone()))
        .unwrap_or_else(|| file_title(&options.file));
    let path = match existing {
        Some(area) => area.path.clone(),
        None => plan_dir.join(format!("{number:02}-{}.yaml", slugify(&title))),
    };
    let path = path
        .strip_prefix(&options.root)
        .map(Path::to_path_buf)
        .unwrap_or(path);
    if existing.is_some() && !options.force {
        bail!(
            "Priority area {number} of the plan {} is already in {}. To bring a later tracker into it, keeping its history and notes, give the date the tracker reports: --as-at YYYY-MM-DD. Add --replace to replace that file with the spreadsheet's actions, or choose another number with --area.",
            options.plan,
            path.display()
        );
    }
    Ok(Target {
        number,
        title,
        path,
    })
}

/// `MASH tracker.xlsx` → `MASH tracker`.
fn file_title(file: &Path) -> String {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("Imported actions");
    stem.replace(['_', '-'], " ").trim().to_string()
}

pub(crate) fn read_rows(file: &Path, sheet: Option<&str>) -> Result<(Vec<Row>, Source)> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => Ok((read_csv(file)?, Source::Csv)),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            Ok((read_workbook(file, sheet)?, Source::Workbook))
        }
        _ => bail!(
            "{} is not a spreadsheet Waymark can read: save it as .xlsx or .csv and import that.",
            file.display()
        ),
    }
}

fn read_csv(file: &Path) -> Result<Vec<Row>> {
    let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{} is not saved as UTF-8 text. In Excel choose File › Save As › \"CSV UTF-8 (Comma delimited)\", then import that file.", file.display());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record
            .with_context(|| format!("could not read row {} of {}", i + 1, file.display()))?;
        rows.push(Row {
            number: i + 1,
            cells: record.iter().map(clean).collect(),
            unsaved: Vec::new(),
        });
    }
    Ok(rows)
}

fn read_workbook(file: &Path, sheet: Option<&str>) -> Result<Vec<Row>> {
    use calamine::Reader as _;
    let mut book = calamine::open_workbook_auto(file)
        .with_context(|| format!("could not open {} as a spreadsheet", file.display()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => bail!(
            "{} has no sheet called `{s}`. Its sheets are: {}.",
            file.display(),
            names.join(", ")
        ),
        None => match names.first() {
            Some(first) => first.clone(),
            None => bail!("{} has no sheets.", file.display()),
        },
    };
    let range = book
        .worksheet_range(&name)
        .with_context(|| format!("could not read the sheet `{name}` of {}", file.display()))?;
    // The range holds each formula's saved value, never the formula. The formulas are read
    // only to report those with no saved value; a sheet whose formulas cannot be read still
    // imports its values.
    let formulas = book.worksheet_formula(&name).ok();
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let pad = vec![String::new(); first_col as usize];
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let cells: Vec<String> = pad
                .iter()
                .cloned()
                .chain(cells.iter().map(cell_text))
                .collect();
            let row = first_row + i as u32;
            Row {
                number: row as usize + 1,
                unsaved: formulas
                    .as_ref()
                    .map(|f| unsaved_formulas(f, row, &cells))
                    .unwrap_or_default(),
                cells,
            }
        })
        .collect())
}

/// The columns of `row` whose cell holds a formula but no value: the file was saved by a
/// program that does not calculate, or the formula gives nothing there.
fn unsaved_formulas(formulas: &calamine::Range<String>, row: u32, cells: &[String]) -> Vec<usize> {
    let (Some((top, left)), Some((bottom, right))) = (formulas.start(), formulas.end()) else {
        return Vec::new();
    };
    if !(top..=bottom).contains(&row) {
        return Vec::new();
    }
    (left..=right)
        .filter(|&col| {
            formulas
                .get_value((row, col))
                .is_some_and(|f| !f.is_empty())
        })
        .map(|col| col as usize)
        .filter(|&col| cells.get(col).is_none_or(String::is_empty))
        .collect()
}

/// A cell as the tracker shows it. Dates become year-month-day, which Waymark reads.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "Yes" } else { "No" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(_) => String::new(),
    }
}

/// Cell text with line endings made plain and outer spaces removed.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Which field each column fills.
pub(crate) type Columns = Vec<(usize, Field)>;

/// Finds the header row (the first naming an Action column: trackers often have a title
/// above it) and maps its columns. Columns it cannot map are reported.
fn header_row(rows: &[Row], problems: &mut Vec<Problem>) -> Result<(usize, Columns)> {
    let Some(at) = rows.iter().position(|r| {
        r.cells
            .iter()
            .any(|c| Field::from_header(c) == Some(Field::Action))
    }) else {
        bail!("No row of the spreadsheet has an Action column header. Waymark reads these headers: {}.", Field::ALL.map(Field::name).join(", "));
    };
    let row = &rows[at];
    let mut columns: Columns = Vec::new();
    for (i, header) in row.cells.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        let letter = column_letter(i);
        match Field::from_header(header) {
            Some(field) => match columns.iter().find(|(_, f)| *f == field) {
                Some((first, _)) => problems.push(Problem {
                    row: row.number,
                    message: format!("column {letter} (\"{header}\") was not imported: column {} is already read as {}.", column_letter(*first), field.name()),
                }),
                None => columns.push((i, field)),
            },
            None => problems.push(Problem {
                row: row.number,
                message: format!("column {letter} (\"{header}\") was not imported: Waymark has no field for it. It reads: {}.", Field::ALL.map(Field::name).join(", ")),
            }),
        }
    }
    if !columns.iter().any(|(_, f)| *f == Field::Outcome) {
        bail!("Row {} has no Outcome column: Waymark groups actions by outcome. Add an Outcome column and fill it in for the first action of each outcome.", row.number);
    }
    Ok((at, columns))
}

/// `0` → `A`, `26` → `AA`, as spreadsheets name columns.
pub(crate) fn column_letter(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// Reports the row's mapped cells that a spreadsheet would run as a formula (they are
/// imported as text, as written) and those holding a formula with no saved value.
pub(crate) fn check_formulas(row: &Row, sheet: &Sheet, problems: &mut Vec<Problem>) {
    for &(col, _) in sheet.columns {
        let cell = row.cells.get(col).map_or("", String::as_str);
        let about = format!(
            "column {} (\"{}\")",
            column_letter(col),
            sheet.header.cells.get(col).map_or("", String::as_str)
        );
        let message = if row.unsaved.contains(&col) {
            format!("{about} holds a formula but no saved value, so it was imported empty. If the tracker shows something in that cell, open the tracker in Excel and save it (Excel saves each formula's value with it), then import it again.")
        } else if let Some(start) = cell.chars().next().filter(|c| FORMULA_STARTS.contains(c)) {
            let hint = match sheet.source {
                Source::Csv => " If the tracker shows something else in that cell, this file holds the formula rather than its value: import the tracker's .xlsx file, or save it again from Excel as \"CSV UTF-8\", which holds values.",
                Source::Workbook => "",
            };
            format!(
                "{about} begins with \"{start}\", as a spreadsheet formula does, so it was imported as text, exactly as written: {}.{hint} If that is what readers should see, leave it; if not, change it in the file written.",
                shorten(cell.lines().next().unwrap_or(""), 60)
            )
        } else {
            continue;
        };
        problems.push(Problem {
            row: row.number,
            message,
        });
    }
}

/// One action as read from its row.
struct Read {
    row: usize,
    values: HashMap<Field, String>,
}

/// The sheet's header row and mapped columns, and what kind of file it came from.
pub(crate) struct Sheet<'a> {
    pub(crate) header: &'a Row,
    pub(crate) columns: &'a Columns,
    pub(crate) source: Source,
}

/// Rows grouped by outcome, outcomes in the order they first appear. A row with no
/// outcome continues the one above it, as merged cells in a tracker read.
fn group(rows: &[Row], sheet: &Sheet, problems: &mut Vec<Problem>) -> Vec<(String, Vec<Read>)> {
    let mut groups: Vec<(String, Vec<Read>)> = Vec::new();
    let mut current: Option<String> = None;
    for row in rows {
        let mut values: HashMap<Field, String> = sheet
            .columns
            .iter()
            .filter_map(|(i, f)| {
                row.cells
                    .get(*i)
                    .filter(|c| !c.is_empty())
                    .map(|c| (*f, c.clone()))
            })
            .collect();
        if values.is_empty() {
            continue;
        }
        check_formulas(row, sheet, problems);
        if let Some(outcome) = values.remove(&Field::Outcome) {
            current = Some(outcome);
        }
        let Some(outcome) = current.clone() else {
            problems.push(Problem { row: row.number, message: "this row has no outcome, and there is none above it, so it was not imported. Fill in its Outcome.".into() });
            continue;
        };
        if !values.contains_key(&Field::Action) {
            problems.push(Problem {
                row: row.number,
                message: "this row has no action, so it was not imported.".into(),
            });
            continue;
        }
        let read = Read {
            row: row.number,
            values,
        };
        match groups.iter_mut().find(|(o, _)| *o == outcome) {
            Some((_, actions)) => actions.push(read),
            None => groups.push((outcome, vec![read])),
        }
    }
    groups
}

#[derive(Serialize)]
struct AreaOut {
    number: u32,
    title: String,
    outcomes: Vec<OutcomeOut>,
}

#[derive(Serialize)]
struct OutcomeOut {
    outcome: String,
    actions: Vec<ActionOut>,
}

#[derive(Serialize)]
struct ActionOut {
    id: String,
    action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsible: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<String>,
}

/// Numbers the actions `<area>.<n>` in file order and maps their statuses.
fn area(
    target: &Target,
    grouped: Vec<(String, Vec<Read>)>,
    aliases: &HashMap<String, String>,
    statuses: &[StatusName],
    problems: &mut Vec<Problem>,
) -> AreaOut {
    let mut n = 0;
    let outcomes = grouped
        .into_iter()
        .map(|(outcome, reads)| OutcomeOut {
            outcome,
            actions: reads
                .into_iter()
                .map(|mut read| {
                    n += 1;
                    let written = read.values.remove(&Field::Status);
                    let status = written
                        .as_deref()
                        .and_then(|w| map_status(w, read.row, aliases, statuses, problems));
                    ActionOut {
                        id: format!("{}.{n}", target.number),
                        action: read.values.remove(&Field::Action).unwrap_or_default(),
                        responsible: read.values.remove(&Field::Responsible),
                        due: read.values.remove(&Field::Due),
                        status,
                        source_status: written,
                        progress: read.values.remove(&Field::Progress),
                        impact: read.values.remove(&Field::Impact),
                    }
                })
                .collect(),
        })
        .collect();
    AreaOut {
        number: target.number,
        title: target.title.clone(),
        outcomes,
    }
}

fn map_status(
    written: &str,
    row: usize,
    aliases: &HashMap<String, String>,
    statuses: &[StatusName],
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let key = aliases.get(&normalise(written)).cloned();
    if key.is_none() {
        problems.push(Problem {
            row,
            message: format!(
                "the status \"{written}\" is not in the plan's status key, so the action has no status (it keeps source_status: {written}). Use one of: {}, or map it with --status \"{written}=<key>\".",
                keys(statuses)
            ),
        });
    }
    key
}

fn render(options: &ImportOptions, area: &AreaOut) -> Result<String> {
    let body = yaml::to_string(area).map_err(anyhow::Error::msg)?;
    let source = options
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(format!(
        "# Imported from {source} by waymark import on {}.\n# Check it, then add anything the spreadsheet did not hold (delays, history).\n{body}",
        options.today.format("%Y-%m-%d")
    ))
}

fn write(path: &Path, text: &str, force: bool) -> Result<()> {
    let mut open = OpenOptions::new();
    open.write(true);
    if force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    let mut file = match open.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists. Add --replace to replace it, or choose another --area or --title.",
            path.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("could not create {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_forgiving_case_spacing_and_punctuation() {
        assert_eq!(Field::from_header("Due Date"), Some(Field::Due));
        assert_eq!(Field::from_header(" due-date "), Some(Field::Due));
        assert_eq!(Field::from_header("RAG"), Some(Field::Status));
        assert_eq!(Field::from_header("Status"), Some(Field::Status));
        assert_eq!(Field::from_header("Action needed"), Some(Field::Action));
        assert_eq!(Field::from_header("OUTCOME"), Some(Field::Outcome));
        assert_eq!(Field::from_header("Notes"), None);
    }

    #[test]
    fn columns_are_lettered_like_spreadsheets() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn cells_lose_windows_line_endings_and_outer_space() {
        assert_eq!(clean("  a  \r\nb\r\n"), "a\nb");
    }
}
