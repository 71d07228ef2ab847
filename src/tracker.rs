//! A whole plan's action tracker, read row by row for `waymark import --as-at`: each row's
//! reference, priority area and outcome, and the values of the fields Waymark keeps.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Result};

use crate::import::{
    check_formulas, column_letter, read_rows, Columns, Field, Problem, Row, Sheet,
};

/// One action's row of the tracker.
#[derive(Debug, Clone)]
pub struct TrackerRow {
    /// The spreadsheet row, counting from 1.
    pub row: usize,
    /// The action's reference (`1.3`), when the tracker has a reference column.
    pub reference: Option<String>,
    /// The priority area's number, from the Area column or the reference.
    pub area: Option<u32>,
    /// The outcome it sits under: its own, or the one above it.
    pub outcome: Option<String>,
    pub action: Option<String>,
    pub responsible: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    pub progress: Option<String>,
    pub impact: Option<String>,
}

/// The tracker's rows, and whether it has a reference column (rows are then matched to
/// actions by reference, else by their text).
#[derive(Debug)]
pub struct Tracker {
    pub rows: Vec<TrackerRow>,
    pub has_references: bool,
}

/// Columns besides the fields of an action that a plan-wide tracker has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    Reference,
    Area,
}

impl Extra {
    fn from_header(header: &str) -> Option<Extra> {
        let key: String = header
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "ref" | "reference" | "refno" | "id" | "no" | "number" | "actionno" | "actionref"
            | "actionid" | "actionnumber" | "actionreference" => Some(Extra::Reference),
            "area" | "priorityarea" | "areano" | "priorityareano" | "areanumber"
            | "priorityareanumber" | "priority" => Some(Extra::Area),
            _ => None,
        }
    }
}

/// Reads the tracker. Unmapped columns and rows that cannot be read are `problems`.
pub fn read(file: &Path, sheet: Option<&str>, problems: &mut Vec<Problem>) -> Result<Tracker> {
    let (rows, source) = read_rows(file, sheet)?;
    let Some(at) = rows.iter().position(|r| {
        r.cells
            .iter()
            .any(|c| Field::from_header(c) == Some(Field::Action))
    }) else {
        bail!("No row of the spreadsheet has an Action column header. Waymark reads these headers: Ref, Area, {}.", Field::ALL.map(Field::name).join(", "));
    };
    let header = &rows[at];
    let (columns, extras) = columns(header, problems);
    let sheet = Sheet {
        header,
        columns: &columns,
        source,
    };
    let mut read = Vec::new();
    let mut outcome: Option<(Option<u32>, String)> = None;
    for row in &rows[at + 1..] {
        let cell = |col: usize| row.cells.get(col).filter(|c| !c.is_empty()).cloned();
        let mut values: HashMap<Field, String> = columns
            .iter()
            .filter_map(|&(col, f)| cell(col).map(|c| (f, c)))
            .collect();
        let extra = |which: Extra| {
            extras
                .iter()
                .find(|(_, e)| *e == which)
                .and_then(|&(col, _)| cell(col))
        };
        let reference = extra(Extra::Reference).map(|r| tidy_reference(&r));
        let area_cell = extra(Extra::Area);
        if values.is_empty() && reference.is_none() {
            continue;
        }
        check_formulas(row, &sheet, problems);
        let area = area_cell
            .as_deref()
            .and_then(first_number)
            .or_else(|| reference.as_deref().and_then(area_of_reference));
        if area_cell.is_some() && area_cell.as_deref().and_then(first_number).is_none() {
            problems.push(Problem {
                row: row.number,
                message: format!("the priority area \"{}\" has no number in it, so Waymark goes by the reference. Write the area's number, for example 1.", area_cell.unwrap_or_default()),
            });
        }
        // An outcome continues down the rows below it, as merged cells read, but never
        // into another priority area.
        if let Some(text) = values.remove(&Field::Outcome) {
            outcome = Some((area, text));
        } else if outcome.as_ref().is_some_and(|(a, _)| *a != area) {
            outcome = None;
        }
        if !values.contains_key(&Field::Action) && reference.is_none() {
            problems.push(Problem {
                row: row.number,
                message: "this row has no action and no reference, so it was not imported.".into(),
            });
            continue;
        }
        read.push(TrackerRow {
            row: row.number,
            reference,
            area,
            outcome: outcome.as_ref().map(|(_, o)| o.clone()),
            action: values.remove(&Field::Action),
            responsible: values.remove(&Field::Responsible),
            due: values.remove(&Field::Due),
            status: values.remove(&Field::Status),
            progress: values.remove(&Field::Progress),
            impact: values.remove(&Field::Impact),
        });
    }
    Ok(Tracker {
        rows: read,
        has_references: extras.iter().any(|(_, e)| *e == Extra::Reference),
    })
}

/// Maps the header row's columns; those with no field are reported.
fn columns(header: &Row, problems: &mut Vec<Problem>) -> (Columns, Vec<(usize, Extra)>) {
    let mut columns: Columns = Vec::new();
    let mut extras: Vec<(usize, Extra)> = Vec::new();
    for (i, text) in header.cells.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let letter = column_letter(i);
        let taken = |name: &str, first: usize| {
            Problem {
            row: header.number,
            message: format!("column {letter} (\"{text}\") was not imported: column {} is already read as {name}.", column_letter(first)),
        }
        };
        if let Some(field) = Field::from_header(text) {
            match columns.iter().find(|(_, f)| *f == field) {
                Some(&(first, _)) => problems.push(taken(field.name(), first)),
                None => columns.push((i, field)),
            }
        } else if let Some(extra) = Extra::from_header(text) {
            match extras.iter().find(|(_, e)| *e == extra) {
                Some(&(first, _)) => problems.push(taken(
                    match extra {
                        Extra::Reference => "the reference",
                        Extra::Area => "the priority area",
                    },
                    first,
                )),
                None => extras.push((i, extra)),
            }
        } else {
            problems.push(Problem {
                row: header.number,
                message: format!("column {letter} (\"{text}\") was not imported: Waymark has no field for it. It reads: Ref, Area, {}.", Field::ALL.map(Field::name).join(", ")),
            });
        }
    }
    (columns, extras)
}

/// ` 1.3. ` → `1.3`; `Action 1.3` → `1.3`.
fn tidy_reference(text: &str) -> String {
    let text = text.trim().trim_end_matches(['.', ')', ':']);
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [word, rest] if word.chars().all(char::is_alphabetic) => rest.to_string(),
        _ => text.to_string(),
    }
}

/// `1.3` → 1; `2.10a` → 2. A reference with no `.` says no area.
pub fn area_of_reference(reference: &str) -> Option<u32> {
    let (area, _) = reference.split_once('.')?;
    area.trim().parse().ok()
}

/// The first whole number in `Priority area 2: Oversight`.
fn first_number(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_and_area_headers_are_recognised() {
        for h in ["Ref", "ID", "No.", "Action no.", "ACTION NO", "ref."] {
            assert_eq!(Extra::from_header(h), Some(Extra::Reference), "{h}");
        }
        for h in ["Area", "Priority area", "Priority Area No."] {
            assert_eq!(Extra::from_header(h), Some(Extra::Area), "{h}");
        }
    }

    #[test]
    fn references_say_their_area() {
        assert_eq!(tidy_reference(" 1.3. "), "1.3");
        assert_eq!(tidy_reference("Action 2.10"), "2.10");
        assert_eq!(area_of_reference("2.10"), Some(2));
        assert_eq!(area_of_reference("7"), None);
        assert_eq!(first_number("Priority area 2: Oversight"), Some(2));
    }
}
