//! Open data: each plan's actions as CSV (RFC 4180, UTF-8, a header row, ISO 8601 dates) and
//! JSON, and the inspections with their judgements as JSON. The field lists here are the
//! one place the columns are named: the files and the page describing them both use them.

use serde::Serialize;

use crate::dates::{iso_day, Due, PartialDate};
use crate::model::addresses::{action_url, inspection_url, milestone_url, page_address, plan_url};
use crate::model::{Action, Html, Inspection, Outcome, Plan, PriorityArea, Site, When};
use crate::plain_text;

/// A field of a data file and what it holds, for the page that describes the files.
pub struct Field {
    pub name: &'static str,
}

/// What a field holds is said in the site's strings, `field_<group>_<name>`.
const fn field(name: &'static str) -> Field {
    Field { name }
}

/// The columns of the actions CSV, in order; the JSON has the same fields plus `history`.
pub const ACTION_FIELDS: &[Field] = &[
    field("plan"),
    field("as_at"),
    field("area_number"),
    field("area_title"),
    field("outcome"),
    field("id"),
    field("action"),
    field("responsible"),
    field("due_date"),
    field("due_as_written"),
    field("status"),
    field("status_label"),
    field("source_status"),
    field("complete"),
    field("overdue"),
    field("at_risk"),
    field("revised_due"),
    field("delay_reason"),
    field("delay_mitigation"),
    field("progress"),
    field("impact"),
    field("last_update"),
    field("url"),
];

/// Fields only the JSON has: the dated updates do not fit in one CSV row.
pub const ACTION_JSON_FIELDS: &[Field] = &[field("history")];

pub const INSPECTION_FIELDS: &[Field] = &[
    field("id"),
    field("title"),
    field("kind"),
    field("kind_label"),
    field("planned"),
    field("other_body"),
    field("framework"),
    field("scale"),
    field("number"),
    field("start"),
    field("end"),
    field("between"),
    field("expected"),
    field("published"),
    field("inspectors"),
    field("overall_grade"),
    field("overall_grade_label"),
    field("overall_qualifier"),
    field("judgements"),
    field("summary"),
    field("url"),
];

/// Where the data files are published, below the site root.
pub fn actions_csv_path(plan: &Plan) -> String {
    format!("data/{}-actions.csv", plan.slug)
}

pub fn actions_json_path(plan: &Plan) -> String {
    format!("data/{}-actions.json", plan.slug)
}

/// Milestones, in the inspections file beside the inspections.
pub const MILESTONE_FIELDS: &[Field] = &[
    field("date"),
    field("kind"),
    field("title"),
    field("summary"),
    field("source"),
    field("source_url"),
    field("url"),
];

pub const INSPECTIONS_JSON_PATH: &str = "data/inspections.json";

/// One row of the actions CSV; field names and order match [`ACTION_FIELDS`].
#[derive(Serialize)]
struct ActionRecord<'a> {
    plan: &'a str,
    as_at: String,
    area_number: u32,
    area_title: &'a str,
    outcome: String,
    id: &'a str,
    action: String,
    responsible: Option<&'a str>,
    due_date: Option<String>,
    due_as_written: Option<&'a str>,
    status: Option<&'a str>,
    status_label: Option<&'a str>,
    source_status: Option<&'a str>,
    complete: bool,
    overdue: bool,
    at_risk: bool,
    revised_due: Option<String>,
    delay_reason: Option<String>,
    delay_mitigation: Option<String>,
    progress: Option<String>,
    impact: Option<String>,
    last_update: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct ActionJson<'a> {
    #[serde(flatten)]
    record: ActionRecord<'a>,
    history: Vec<UpdateRecord<'a>>,
}

#[derive(Serialize)]
struct UpdateRecord<'a> {
    date: String,
    status: &'a str,
    status_label: &'a str,
    revised_due: Option<String>,
    note: Option<String>,
}

/// Markdown fields as plain text; None (empty in CSV, null in JSON) when there is none.
fn text(html: &Html) -> Option<String> {
    Some(plain_text::lines(html)).filter(|t| !t.is_empty())
}

fn action_record<'a>(
    site: &Site,
    plan: &'a Plan,
    area: &'a PriorityArea,
    outcome: &'a Outcome,
    a: &'a Action,
) -> ActionRecord<'a> {
    let status = a.status.and_then(|i| plan.status(i));
    let (due_date, due_as_written) = match &a.due {
        Some(Due::On(d)) => (Some(iso_day(*d)), None),
        Some(Due::Described { text, date }) => (date.map(iso_day), Some(text.as_str())),
        None => (None, None),
    };
    let delay = a.delay.as_ref();
    ActionRecord {
        plan: &plan.slug,
        as_at: iso_day(plan.as_at),
        area_number: area.number,
        area_title: &area.title,
        outcome: plain_text::lines(&outcome.text),
        id: &a.id,
        action: plain_text::lines(&a.text),
        responsible: a.responsible.as_deref(),
        due_date,
        due_as_written,
        status: status.map(|s| s.key.as_str()),
        status_label: status.map(|s| s.label.as_str()),
        source_status: a.source_status.as_deref(),
        complete: status.is_some_and(|s| s.complete),
        overdue: plan.is_overdue(a),
        at_risk: status.is_some_and(|s| s.at_risk),
        revised_due: plan.revised_due(a).map(iso_day),
        delay_reason: delay.and_then(|d| text(&d.reason)),
        delay_mitigation: delay.and_then(|d| text(&d.mitigation)),
        progress: text(&a.progress),
        impact: text(&a.impact),
        last_update: a.history.iter().map(|u| u.date).max().map(iso_day),
        url: page_address(site, &action_url(plan, a)),
    }
}

fn records<'a>(site: &'a Site, plan: &'a Plan) -> impl Iterator<Item = ActionJson<'a>> + 'a {
    plan.areas.iter().flat_map(move |area| {
        area.outcomes.iter().flat_map(move |outcome| {
            outcome.actions.iter().map(move |a| ActionJson {
                record: action_record(site, plan, area, outcome, a),
                history: a
                    .history
                    .iter()
                    .filter_map(|u| {
                        let s = plan.status(u.status?)?;
                        Some(UpdateRecord {
                            date: iso_day(u.date),
                            status: &s.key,
                            status_label: &s.label,
                            revised_due: u.revised_due.map(iso_day),
                            note: text(&u.note),
                        })
                    })
                    .collect(),
            })
        })
    })
}

/// The plan's actions as CSV: CRLF line ends and quoting as RFC 4180 asks, no byte-order mark.
/// Each cell is made safe to open in a spreadsheet ([`spreadsheet_text`]); the JSON is exact.
pub fn actions_csv(site: &Site, plan: &Plan) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(ACTION_FIELDS.iter().map(|f| f.name))?;
    for row in records(site, plan) {
        writer.write_record(csv_cells(&row.record)?)?;
    }
    Ok(writer.into_inner().map_err(|e| e.into_error())?)
}

/// A record's cells in the order of [`ACTION_FIELDS`], each as a spreadsheet will read it.
/// Made from the record's serialised fields, so that every text field is covered: none
/// can be added and forgotten.
fn csv_cells(record: &ActionRecord) -> anyhow::Result<Vec<String>> {
    use serde_json::Value;
    let Value::Object(fields) = serde_json::to_value(record)? else {
        anyhow::bail!("an action record is not a set of fields");
    };
    Ok(ACTION_FIELDS
        .iter()
        .map(|f| match fields.get(f.name) {
            Some(Value::String(s)) => spreadsheet_text(s),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect())
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"):
/// some programs skip a leading tab or carriage return and read the formula behind it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` with a `'` before it when it begins as a formula does, so that spreadsheets show
/// it as text and run nothing; the rest is kept as it is, so it still reads as written.
/// A negative number or a line starting `- ` gets the `'` too: the open data page says so.
pub fn spreadsheet_text(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[derive(Serialize)]
struct PlanJson<'a> {
    plan: &'a str,
    title: &'a str,
    as_at: String,
    url: String,
    /// The later plan that took this one's place, when one has.
    superseded_by: Option<&'a str>,
    statuses: Vec<StatusJson<'a>>,
    actions: Vec<ActionJson<'a>>,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    key: &'a str,
    label: &'a str,
    meaning: Option<&'a str>,
    complete: bool,
    at_risk: bool,
}

pub fn actions_json(site: &Site, plan: &Plan) -> anyhow::Result<Vec<u8>> {
    let doc = PlanJson {
        plan: &plan.slug,
        title: &plan.title,
        as_at: iso_day(plan.as_at),
        url: page_address(site, &plan_url(plan)),
        superseded_by: plan.superseded_by.as_deref(),
        statuses: plan
            .statuses
            .iter()
            .map(|s| StatusJson {
                key: &s.key,
                label: &s.label,
                meaning: s.meaning.as_deref(),
                complete: s.complete,
                at_risk: s.at_risk,
            })
            .collect(),
        actions: records(site, plan).collect(),
    };
    Ok(serde_json::to_vec_pretty(&doc)?)
}

#[derive(Serialize)]
struct InspectionsJson<'a> {
    as_at: String,
    grades: Vec<GradeJson<'a>>,
    scales: Vec<ScaleJson<'a>>,
    kinds: Vec<KindJson<'a>>,
    inspections: Vec<InspectionJson<'a>>,
    milestones: Vec<MilestoneJson<'a>>,
}

#[derive(Serialize)]
struct GradeJson<'a> {
    key: &'a str,
    label: &'a str,
    /// The scale's key; null for the site's main scale.
    scale: Option<&'a str>,
    score: Option<u32>,
}

#[derive(Serialize)]
struct ScaleJson<'a> {
    key: Option<&'a str>,
    name: Option<&'a str>,
    overall_judgement: &'a str,
}

#[derive(Serialize)]
struct KindJson<'a> {
    key: &'a str,
    label: &'a str,
    plural: &'a str,
    visit: bool,
}

#[derive(Serialize)]
struct MilestoneJson<'a> {
    date: String,
    kind: Option<&'a str>,
    title: &'a str,
    summary: Option<&'a str>,
    source: Option<&'a str>,
    source_url: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct InspectionJson<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    kind_label: &'a str,
    planned: bool,
    other_body: Option<&'a str>,
    framework: Option<&'a str>,
    scale: Option<&'a str>,
    number: Option<u32>,
    start: Option<String>,
    end: Option<String>,
    between: Option<[String; 2]>,
    expected: Option<&'a str>,
    published: Option<String>,
    inspectors: &'a [String],
    overall_grade: Option<&'a str>,
    overall_grade_label: Option<&'a str>,
    overall_qualifier: Option<&'a str>,
    judgements: Vec<JudgementJson<'a>>,
    summary: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct JudgementJson<'a> {
    domain: &'a str,
    within: Option<&'a str>,
    grade: Option<&'a str>,
    grade_label: Option<&'a str>,
    note: Option<&'a str>,
}

fn inspection_json<'a>(site: &'a Site, i: &'a Inspection) -> InspectionJson<'a> {
    let grade = |g: Option<usize>| g.and_then(|g| site.config.grades.get(g));
    let (start, end, between) = match &i.when {
        When::Dates { start, end } => (Some(start.iso()), end.map(|e| e.iso()), None),
        When::Between(from, to) => (None, None, Some([from.iso(), to.iso()])),
        When::Unknown => (None, None, None),
    };
    InspectionJson {
        id: &i.id,
        title: &i.title,
        kind: &i.kind.key,
        kind_label: &i.kind.label,
        planned: i.planned,
        other_body: i.other_body.as_deref(),
        framework: i.framework.as_deref(),
        scale: scale_key(site, i.scale),
        number: i.number,
        start,
        end,
        between,
        expected: i.expected.as_deref(),
        published: i.published.map(|d| PartialDate::Day(d).iso()),
        inspectors: &i.inspectors,
        overall_grade: grade(i.overall).map(|g| g.key.as_str()),
        overall_grade_label: grade(i.overall).map(|g| g.label.as_str()),
        overall_qualifier: i.overall_qualifier.as_deref(),
        judgements: i
            .judgements
            .iter()
            .map(|j| JudgementJson {
                domain: &j.domain,
                within: j.within.as_deref(),
                grade: grade(j.grade).map(|g| g.key.as_str()),
                grade_label: grade(j.grade).map(|g| g.label.as_str()),
                note: j.note.as_deref(),
            })
            .collect(),
        summary: i.summary.as_deref(),
        url: page_address(site, &inspection_url(i)),
    }
}

fn scale_key(site: &Site, scale: usize) -> Option<&str> {
    site.config.scales.get(scale)?.key.as_deref()
}

pub fn inspections_json(site: &Site) -> anyhow::Result<Vec<u8>> {
    let doc = InspectionsJson {
        as_at: iso_day(site.config.as_at),
        grades: site
            .config
            .grades
            .iter()
            .map(|g| GradeJson {
                key: &g.key,
                label: &g.label,
                scale: scale_key(site, g.scale),
                score: g.score,
            })
            .collect(),
        scales: site
            .config
            .scales
            .iter()
            .map(|s| ScaleJson {
                key: s.key.as_deref(),
                name: s.name.as_deref(),
                overall_judgement: &s.overall,
            })
            .collect(),
        kinds: site
            .config
            .kinds
            .iter()
            .map(|k| KindJson {
                key: &k.key,
                label: &k.label,
                plural: &k.plural,
                visit: k.visit,
            })
            .collect(),
        inspections: site
            .inspections
            .iter()
            .map(|i| inspection_json(site, i))
            .collect(),
        milestones: site
            .milestones
            .iter()
            .map(|m| MilestoneJson {
                date: m.date.iso(),
                kind: m.kind.as_deref(),
                title: &m.title,
                summary: m.summary.as_deref(),
                source: m.source.as_deref(),
                source_url: m.source_url.as_deref(),
                url: page_address(site, &milestone_url(m)),
            })
            .collect(),
    };
    Ok(serde_json::to_vec_pretty(&doc)?)
}

/// Every data file: its path below the site root and its bytes.
pub fn files(site: &Site) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for plan in &site.plans {
        out.push((actions_csv_path(plan), actions_csv(site, plan)?));
        out.push((actions_json_path(plan), actions_json(site, plan)?));
    }
    out.push((INSPECTIONS_JSON_PATH.to_string(), inspections_json(site)?));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_begin_as_formulas_get_a_quote_and_keep_their_text() {
        for text in [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+cmd|' /C calc'!A0",
            "-5",
            "- first point",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(spreadsheet_text(text), format!("'{text}"), "{text:?}");
        }
        for text in [
            "",
            "Head of Service",
            "1.1",
            "2023-04-30",
            "a=b",
            " =1",
            "'quoted'",
        ] {
            assert_eq!(spreadsheet_text(text), text, "{text:?}");
        }
    }

    fn record() -> ActionRecord<'static> {
        let some = || Some("=1".to_string());
        ActionRecord {
            plan: "=1",
            as_at: "=1".into(),
            area_number: 1,
            area_title: "=1",
            outcome: "=1".into(),
            id: "=1",
            action: "=1".into(),
            responsible: Some("=1"),
            due_date: some(),
            due_as_written: Some("=1"),
            status: Some("=1"),
            status_label: Some("=1"),
            source_status: Some("=1"),
            complete: false,
            overdue: true,
            at_risk: false,
            revised_due: some(),
            delay_reason: some(),
            delay_mitigation: some(),
            progress: some(),
            impact: some(),
            last_update: some(),
            url: "=1".into(),
        }
    }

    #[test]
    fn every_field_of_a_record_is_a_column_and_every_text_cell_is_made_safe() {
        let serde_json::Value::Object(fields) = serde_json::to_value(record()).unwrap() else {
            panic!("a record serialises to fields");
        };
        let mut columns: Vec<&str> = ACTION_FIELDS.iter().map(|f| f.name).collect();
        let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
        columns.sort_unstable();
        keys.sort_unstable();
        assert_eq!(
            keys, columns,
            "a field missing from ACTION_FIELDS would be lost"
        );
        let cells = csv_cells(&record()).unwrap();
        let at = |name: &str| &cells[ACTION_FIELDS.iter().position(|f| f.name == name).unwrap()];
        assert_eq!(at("area_number"), "1");
        assert_eq!(at("complete"), "false");
        assert_eq!(at("overdue"), "true");
        for f in ACTION_FIELDS
            .iter()
            .filter(|f| !["area_number", "complete", "overdue", "at_risk"].contains(&f.name))
        {
            assert_eq!(at(f.name), "'=1", "{}", f.name);
        }
    }
}
