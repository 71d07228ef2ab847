//! Plan and priority-area files → `Plan` and `PriorityArea`, checking every action.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use super::fields::{
    background_colour, date_field, due_field, markdown_field, prompt_left, text, ColourText,
    RawDate, WholeDate, ACTION_PROMPT, OUTCOME_PROMPT,
};
use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::Addresses;
use crate::model::{Action, Delay, Outcome, Plan, PriorityArea, Status, StatusUpdate};
use crate::routes::slugify;
use crate::yaml::{Document, YamlPath};

/// An improvement plan: content/plans/<plan>/plan.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    /// The plan's title.
    title: String,
    /// The inspection this plan responds to: the name of its file in content/inspections/, without .md.
    responds_to: Option<String>,
    /// For a plan that a later one took the place of: the later plan's folder name in content/plans/. Leave it out on the current plan.
    superseded_by: Option<String>,
    /// The date this plan's progress was reported (year-month-day). Overrides as_at in site.yaml for this plan.
    #[schemars(with = "Option<WholeDate>")]
    as_at: Option<RawDate>,
    /// One or two sentences shown in lists.
    summary: Option<String>,
    /// Markdown: the plan's introduction, shown on the plan page.
    introduction: Option<String>,
    /// Markdown: how the plan is governed, shown on the plan page.
    governance: Option<String>,
    /// The status (RAG) key. Actions use the keys; readers see the labels. Write statuses: [] when the source records no statuses.
    statuses: Vec<RawStatus>,
    /// Markdown: how the statuses were decided, for example how the source's RAG colours were mapped.
    status_notes: Option<String>,
    /// Markdown: a note from the editors, shown marked as an editorial note.
    editorial_note: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    /// A short name for the status, used by actions, for example: on-track.
    key: String,
    /// The status as readers see it, for example: In progress and on schedule.
    label: String,
    /// The status's colour, in quotes: "#1d70b8". Text on it needs a contrast of at least 4.5:1.
    #[schemars(with = "ColourText")]
    colour: String,
    /// What the status means, in a sentence, shown in the status key.
    meaning: Option<String>,
    /// true when actions with this status count as complete.
    #[serde(default)]
    complete: bool,
    /// true when actions with this status are listed as delayed, each with its reason and revised due date.
    #[serde(default)]
    delayed: bool,
    /// The source's own words for this status, for example [Green], so that waymark check and waymark import recognise them.
    #[serde(default)]
    source_words: Vec<String>,
    /// true when actions with this status are behind but expected to complete: counted and listed as at risk.
    #[serde(default)]
    at_risk: bool,
}

/// A priority area of an improvement plan: content/plans/<plan>/NN-name.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArea {
    /// The priority area's number in the plan: 1 for the first.
    number: u32,
    /// The priority area's title.
    title: String,
    /// One or two sentences shown in lists.
    summary: Option<String>,
    /// Markdown: a note from the editors, shown marked as an editorial note.
    editorial_note: Option<String>,
    /// The outcomes this area works towards, each with its actions.
    /// None yet while a new plan's actions are being written.
    #[serde(default)]
    #[schemars(with = "Vec<RawOutcome>")]
    outcomes: Vec<IgnoredAny>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawOutcome {
    /// Markdown: the outcome, as the plan words it.
    outcome: String,
    /// The actions towards this outcome.
    #[serde(default)]
    #[schemars(with = "Vec<RawAction>")]
    actions: Vec<IgnoredAny>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAction {
    /// The action's reference, unique in the plan, in quotes: "1.1". It forms the action's address, so never reuse or renumber one.
    id: RawId,
    /// Markdown: what will be done.
    action: String,
    /// Who is responsible, as the plan writes it.
    responsible: Option<String>,
    /// When it is due: a date (year-month-day), or the plan's own words, such as Review 30/09/23.
    due: Option<RawDate>,
    /// One of the keys in the plan's status key. Leave it out when the source gives no status: the site says not recorded.
    status: Option<String>,
    /// The status exactly as the source document wrote it, for example Green.
    source_status: Option<String>,
    /// Markdown: progress so far.
    progress: Option<String>,
    /// Markdown: the difference the action has made.
    impact: Option<String>,
    /// For a delayed action: why, what is being done about it, and the revised due date.
    delay: Option<RawDelay>,
    /// Dated status updates, oldest first.
    #[serde(default)]
    history: Vec<RawUpdate>,
    /// Markdown: a note from the editors, shown marked as an editorial note.
    editorial_note: Option<String>,
    /// Markdown: how this record was made from its source, for example a table row split by a page break and joined, or cells that slid into the wrong column. Shown after the action's content, under "About this record". A note that changes what a reader should believe (a date that cannot be right) belongs in `editorial_note` instead.
    record_note: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDelay {
    /// Markdown: why the action is delayed.
    reason: Option<String>,
    /// Markdown: what is being done about the delay.
    mitigation: Option<String>,
    /// Who is responsible for the revised plan.
    responsible: Option<String>,
    /// The revised due date (year-month-day).
    #[schemars(with = "Option<WholeDate>")]
    revised_due: Option<RawDate>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    /// The date of the report this update comes from (year-month-day).
    #[schemars(with = "WholeDate")]
    date: RawDate,
    /// The status key the report gave; left out when it gave none.
    status: Option<String>,
    /// Markdown: what the report said.
    note: Option<String>,
    /// The revised due date given at this update (year-month-day).
    #[schemars(with = "Option<WholeDate>")]
    revised_due: Option<RawDate>,
    /// Markdown: the progress that report recorded, where it has changed since.
    progress: Option<String>,
    /// Markdown: the impact that report recorded, where it has changed since.
    impact: Option<String>,
    /// Who was responsible at that report, where it has changed since.
    responsible: Option<String>,
    /// When the action was due at that report, where it has changed since.
    due: Option<RawDate>,
}

/// An action id as YAML read it. Unquoted `1.10` is the number 1.1, which would silently
/// collide with action 1.1, so a number is kept apart and refused with the fix.
enum RawId {
    Text(String),
    Number,
}

// Only text is an id: a number is refused by the checker, with the fix.
impl JsonSchema for RawId {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ActionId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "errorMessage": "Put the id in quotes, for example \"1.10\": without them 1.10 is read as the number 1.1.",
        })
    }
}

impl<'de> Deserialize<'de> for RawId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            // Only that it is a number matters: the message quotes the source text.
            #[allow(dead_code)]
            Number(f64),
        }
        Ok(match Either::deserialize(d)? {
            Either::Text(t) => RawId::Text(t),
            Either::Number(_) => RawId::Number,
        })
    }
}

/// The parts of an action and a plan that messages name on their own.
const ACTION_PARTS: &[(&str, &str)] = &[("delay", "a delay"), ("history", "a history entry")];
const PLAN_PARTS: &[(&str, &str)] = &[("statuses", "a status in the status key")];

/// An id written as a number; the message quotes it as the author wrote it (`2.10`).
fn unquoted_id(doc: &Document, path: &YamlPath) -> Diagnostic {
    let (id, example) = match doc.written(path) {
        Some(w) => (format!("The id {w}"), w),
        None => ("This id".to_string(), "1.10"),
    };
    doc.error_at(
        path,
        format!("{id} must be written in quotes, like `id: \"{example}\"`: without them it is read as a number, so 1.10 would become 1.1."),
    )
    .help("Put the id in double quotes exactly as the plan writes it. Ids form the actions' web addresses, so never reuse one.")
}

/// Reads plan.yaml. Areas are added later, once every area file is read.
pub fn read_plan(
    doc: &Document,
    slug: &str,
    addresses: Addresses<'_>,
    site_as_at: NaiveDate,
    problems: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let root = YamlPath::root();
    let raw: RawPlan = doc
        .read_parts(&root, "a plan", PLAN_PARTS)
        .map_err(|d| problems.push(d))
        .ok()?;
    let statuses = read_statuses(doc, &raw.statuses, problems);
    let md = |name: &str, value: Option<&str>, problems: &mut Vec<Diagnostic>| {
        markdown_field(doc, &root.key(name), value, addresses, problems)
    };
    Some(Plan {
        slug: slug.to_string(),
        as_at: date_field(doc, &root.key("as_at"), raw.as_at.as_ref(), problems)
            .unwrap_or(site_as_at),
        introduction: md("introduction", raw.introduction.as_deref(), problems),
        governance: md("governance", raw.governance.as_deref(), problems),
        status_notes: md("status_notes", raw.status_notes.as_deref(), problems),
        editorial_note: md("editorial_note", raw.editorial_note.as_deref(), problems),
        title: raw.title,
        responds_to: text(raw.responds_to),
        superseded_by: text(raw.superseded_by),
        summary: text(raw.summary),
        statuses,
        areas: Vec::new(),
    })
}

fn read_statuses(doc: &Document, raw: &[RawStatus], problems: &mut Vec<Diagnostic>) -> Vec<Status> {
    // An empty key is allowed: some plans' sources record no statuses, and then no
    // action can name one.
    let mut statuses: Vec<Status> = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let path = YamlPath::root().key("statuses").index(i);
        if statuses.iter().any(|seen| seen.key == s.key) {
            problems.push(
                doc.error_at(
                    &path.key("key"),
                    format!("The status key `{}` is listed twice.", s.key),
                )
                .help("Each status needs its own key. Remove or rename one of them."),
            );
        }
        statuses.push(Status {
            key: s.key.clone(),
            label: s.label.clone(),
            colour: background_colour(doc, &path.key("colour"), &s.colour, problems)
                .unwrap_or_default(),
            meaning: text(s.meaning.clone()),
            complete: s.complete,
            delayed: s.delayed,
            source_words: s.source_words.clone(),
            at_risk: s.at_risk,
        });
        shared_source_words(doc, &path, &statuses, problems);
        check_flags(doc, &path, s, problems);
    }
    statuses
}

/// A source word may stand for one status only, or `check` and `import` could not tell
/// which it means. Checks the status just added against those before it.
fn shared_source_words(
    doc: &Document,
    path: &YamlPath,
    statuses: &[Status],
    problems: &mut Vec<Diagnostic>,
) {
    let Some((last, before)) = statuses.split_last() else {
        return;
    };
    for word in &last.source_words {
        if let Some(other) = before.iter().find(|s| s.stands_for(word)) {
            problems.push(
                doc.error_at(&path.key("source_words"), format!("The source word `{word}` is listed for both `{}` and `{}`.", other.key, last.key))
                    .help("Give each source word to one status only: the one it means in this plan's source documents."),
            );
        }
    }
}

/// At risk means not yet complete and not (yet) delayed: one status cannot be two of these.
fn check_flags(doc: &Document, path: &YamlPath, s: &RawStatus, problems: &mut Vec<Diagnostic>) {
    let other = match (s.at_risk, s.complete, s.delayed) {
        (true, true, _) => "complete",
        (true, _, true) => "delayed",
        _ => return,
    };
    problems.push(
        doc.error_at(
            &path.key("at_risk"),
            format!("The status `{}` is marked both `at_risk: true` and `{other}: true`.", s.key),
        )
        .help(format!("A status is at risk when its actions are behind but expected to complete. Remove `at_risk: true`, or remove `{other}: true`.")),
    );
}

/// Where an action's id was written, to report two actions sharing one.
pub struct IdPlace {
    pub id: String,
    pub slug: String,
    pub file: std::path::PathBuf,
    pub span: Option<std::ops::Range<usize>>,
    pub line: usize,
}

pub fn read_area(
    doc: &Document,
    slug: &str,
    plan: &Plan,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
    ids: &mut Vec<IdPlace>,
) -> Option<PriorityArea> {
    let root = YamlPath::root();
    let raw: RawArea = doc
        .read(&root, "a priority area")
        .map_err(|d| problems.push(d))
        .ok()?;
    let mut outcomes = Vec::with_capacity(raw.outcomes.len());
    for i in 0..raw.outcomes.len() {
        let path = root.key("outcomes").index(i);
        if let Some(outcome) = read_outcome(doc, &path, plan, addresses, problems, ids) {
            outcomes.push(outcome);
        }
    }
    Some(PriorityArea {
        number: raw.number,
        slug: slug.to_string(),
        editorial_note: markdown_field(
            doc,
            &root.key("editorial_note"),
            raw.editorial_note.as_deref(),
            addresses,
            problems,
        ),
        title: raw.title,
        summary: text(raw.summary),
        outcomes,
    })
}

fn read_outcome(
    doc: &Document,
    path: &YamlPath,
    plan: &Plan,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
    ids: &mut Vec<IdPlace>,
) -> Option<Outcome> {
    let raw: RawOutcome = doc
        .read(path, "an outcome")
        .map_err(|d| problems.push(d))
        .ok()?;
    let outcome_path = path.key("outcome");
    problems.extend(prompt_left(
        doc,
        &outcome_path,
        &raw.outcome,
        OUTCOME_PROMPT,
    ));
    let actions = (0..raw.actions.len())
        .filter_map(|j| {
            let action_path = path.key("actions").index(j);
            let action = read_action(doc, &action_path, plan, addresses, problems)?;
            ids.push(IdPlace {
                id: action.id.clone(),
                slug: action.slug.clone(),
                file: doc.file.clone(),
                span: doc.span(&action_path.key("id")),
                line: doc.line_of(&action_path.key("id")),
            });
            Some(action)
        })
        .collect();
    Some(Outcome {
        text: markdown_field(
            doc,
            &path.key("outcome"),
            Some(&raw.outcome),
            addresses,
            problems,
        ),
        actions,
    })
}

fn read_action(
    doc: &Document,
    path: &YamlPath,
    plan: &Plan,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Action> {
    let raw: RawAction = doc
        .read_parts(path, "an action", ACTION_PARTS)
        .map_err(|d| problems.push(d))
        .ok()?;
    let id = match &raw.id {
        RawId::Text(id) => id.trim().to_string(),
        RawId::Number => {
            problems.push(unquoted_id(doc, &path.key("id")));
            return None;
        }
    };
    let slug = slugify(&id);
    if slug.is_empty() {
        problems.push(
            doc.error_at(&path.key("id"), format!("The id `{id}` has no letters or digits, so it cannot form the action's web address."))
                .help("Give the action an id such as \"1.1\"."),
        );
    }
    let md = |name: &str, value: Option<&str>, problems: &mut Vec<Diagnostic>| {
        markdown_field(doc, &path.key(name), value, addresses, problems)
    };
    problems.extend(prompt_left(
        doc,
        &path.key("action"),
        &raw.action,
        ACTION_PROMPT,
    ));
    let status = raw
        .status
        .as_deref()
        .and_then(|key| status_index(doc, &path.key("status"), key, plan, problems));
    let delay = raw
        .delay
        .map(|d| read_delay(doc, &path.key("delay"), d, addresses, problems));
    let history = read_history(
        doc,
        &path.key("history"),
        &raw.history,
        plan,
        addresses,
        problems,
    );
    let action = Action {
        text: md("action", Some(&raw.action), problems),
        progress: md("progress", raw.progress.as_deref(), problems),
        impact: md("impact", raw.impact.as_deref(), problems),
        editorial_note: md("editorial_note", raw.editorial_note.as_deref(), problems),
        record_note: md("record_note", raw.record_note.as_deref(), problems),
        due: due_field(doc, &path.key("due"), raw.due.as_ref(), problems),
        responsible: text(raw.responsible),
        source_status: text(raw.source_status),
        id,
        slug,
        status,
        delay,
        history,
    };
    check_delay(doc, path, &action, plan, problems);
    Some(action)
}

fn status_index(
    doc: &Document,
    path: &YamlPath,
    key: &str,
    plan: &Plan,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let index = plan.statuses.iter().position(|s| s.key == key.trim());
    if index.is_none() {
        let keys: Vec<&str> = plan.statuses.iter().map(|s| s.key.as_str()).collect();
        let mut help = format!("Use one of: {}.", keys.join(", "));
        let in_history = path.to_string().contains("history");
        if let Some(meant) = plan.statuses.iter().find(|s| s.stands_for(key)) {
            help = source_word_help(key.trim(), meant, in_history);
        } else if let Some(near) = closest(key, keys.iter().copied()) {
            help = format!("Did you mean `{near}`? {help}");
        } else if !in_history {
            // Authors often copy the plan's RAG word ("Green"); it has a field of its own.
            help = format!("{help} If `{key}` is the source document's own word, keep it as `source_status: {key}`.");
        }
        problems.push(
            doc.error_at(
                path,
                format!("`status: {key}` is not in this plan's status key."),
            )
            .help(format!(
                "{help} The status key is in plans/{}/plan.yaml.",
                plan.slug
            )),
        );
    }
    index
}

/// `status: Amber` where the key lists Amber as a source word of a status.
fn source_word_help(word: &str, meant: &Status, in_history: bool) -> String {
    let keep = if in_history {
        String::new()
    } else {
        format!(" and keep the source's word as `source_status: {word}`")
    };
    format!(
        "In this plan's status key, `{word}` is the source's word for `{}` ({}). Write `status: {}`{keep}.",
        meant.key, meant.label, meant.key
    )
}

fn read_delay(
    doc: &Document,
    path: &YamlPath,
    raw: RawDelay,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Delay {
    Delay {
        reason: markdown_field(
            doc,
            &path.key("reason"),
            raw.reason.as_deref(),
            addresses,
            problems,
        ),
        mitigation: markdown_field(
            doc,
            &path.key("mitigation"),
            raw.mitigation.as_deref(),
            addresses,
            problems,
        ),
        responsible: text(raw.responsible),
        revised_due: date_field(
            doc,
            &path.key("revised_due"),
            raw.revised_due.as_ref(),
            problems,
        ),
    }
}

fn read_history(
    doc: &Document,
    path: &YamlPath,
    raw: &[RawUpdate],
    plan: &Plan,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<StatusUpdate> {
    let mut updates: Vec<StatusUpdate> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let at = path.index(i);
            let date = date_field(doc, &at.key("date"), Some(&u.date), problems);
            // A status that is not in the key drops the entry (the error says so); one
            // left out is a report that gave no status.
            let status = u
                .status
                .as_ref()
                .map(|key| status_index(doc, &at.key("status"), key, plan, problems));
            let md = |name: &str, value: Option<&str>, problems: &mut Vec<Diagnostic>| {
                markdown_field(doc, &at.key(name), value, addresses, problems)
            };
            let note = md("note", u.note.as_deref(), problems);
            let progress = md("progress", u.progress.as_deref(), problems);
            let impact = md("impact", u.impact.as_deref(), problems);
            let due = due_field(doc, &at.key("due"), u.due.as_ref(), problems);
            let revised_due = date_field(
                doc,
                &at.key("revised_due"),
                u.revised_due.as_ref(),
                problems,
            );
            Some(StatusUpdate {
                date: date?,
                status: status.map_or(Some(None), |s| s.map(Some))?,
                note,
                revised_due,
                progress,
                impact,
                responsible: text(u.responsible.clone()),
                due,
            })
        })
        .collect();
    updates.sort_by_key(|u| u.date);
    updates
}

/// A delayed action must say why and by when, or the exception list cannot be read.
fn check_delay(
    doc: &Document,
    path: &YamlPath,
    action: &Action,
    plan: &Plan,
    problems: &mut Vec<Diagnostic>,
) {
    let delayed = action
        .status
        .and_then(|i| plan.status(i))
        .is_some_and(|s| s.delayed);
    if !delayed {
        return;
    }
    let delay = action.delay.as_ref();
    let mut missing = Vec::new();
    if delay.is_none_or(|d| d.reason.is_empty()) {
        missing.push("reason for the delay (`reason`)");
    }
    if delay.is_none_or(|d| d.revised_due.is_none()) {
        missing.push("revised due date (`revised_due`)");
    }
    if !missing.is_empty() {
        problems.push(
            doc.warning_at(&path.key("status"), format!("Action {} is delayed but has no {}.", action.id, missing.join(" and no ")))
                .help("Add a `delay:` block under the action with `reason:`, `mitigation:`, `responsible:` and `revised_due:`. Readers of the delayed-actions list need them."),
        );
    }
}
