//! Inspection and visit files → `Inspection`, checking dates and grades.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use super::fields::{
    date_field, markdown_body, markdown_field, partial_date_field, text, web_address,
    PartialDateText, RawDate, WebAddressText, WholeDate,
};
use crate::dates::long;
use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::Addresses;
use crate::model::{Grade, Inspection, InspectionKind, Judgement, SiteConfig, When};
use crate::source::Split;
use crate::yaml::{Document, YamlPath};

/// An inspection or a visit: the front matter of content/inspections/<name>.md.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInspection {
    /// The inspection's or visit's title.
    title: String,
    /// What sort of event it is: inspection (graded), focused-visit, monitoring-visit, or a kind declared under `kinds:` in site.yaml.
    kind: String,
    /// held (the default), or planned for one that is expected but has not happened yet.
    status: Option<RawEventStatus>,
    /// The name of the body inspected, when it is not the site's organisation (a comparator's or a partner's inspection).
    other_body: Option<String>,
    /// The inspection framework, as the inspectorate names it.
    framework: Option<String>,
    /// The key of the grading scale (under `scales:` in site.yaml) its grades are on.
    /// Without it, the site's `grades`.
    scale: Option<String>,
    /// For visits: which visit this was, 5 for the fifth.
    number: Option<u32>,
    /// The first day (year-month-day). Only the month (2010-12) or year (2018) if that is all the sources say.
    #[schemars(with = "Option<PartialDateText>")]
    start: Option<RawDate>,
    /// The last day (year-month-day), or only the month or year.
    #[schemars(with = "Option<PartialDateText>")]
    end: Option<RawDate>,
    /// When the exact dates are not known: the earliest and latest it could have been, as [2022-07, 2024-07].
    #[schemars(with = "Option<Vec<PartialDateText>>")]
    between: Option<Vec<RawDate>>,
    /// true for one known to have happened that no source dates at all: shown as "Date not recorded".
    #[serde(default)]
    dates_not_recorded: bool,
    /// For a planned one: when it is expected, in words, for example: From July 2025.
    expected: Option<String>,
    /// When the report or letter was published (year-month-day).
    #[schemars(with = "Option<WholeDate>")]
    published: Option<RawDate>,
    /// The inspectors' names, one per line.
    #[serde(default)]
    inspectors: Vec<String>,
    /// The overall judgement: a grade key from site.yaml and an optional qualifier.
    overall: Option<RawOverall>,
    /// The judgement for each area inspected.
    #[serde(default)]
    judgements: Vec<RawJudgement>,
    /// Markdown: the services the inspectors looked at.
    areas_covered: Option<String>,
    /// Markdown: the inspectors' main finding, in a sentence or two.
    headline: Option<String>,
    /// One or two sentences shown in the timeline.
    summary: Option<String>,
    /// The document these facts come from: its title or web address.
    source: Option<String>,
    /// The web address of the source document (the inspectorate's letter or report), starting `https://`. Pages link to it.
    #[schemars(with = "Option<WebAddressText>")]
    source_url: Option<String>,
    /// Why the dates shown may mislead a reader, in a sentence or two, for example when the source gives a date that cannot be right. The dates are then marked wherever they are listed, and this note is shown beside them.
    date_note: Option<String>,
    /// Markdown: a note from the editors, shown marked as an editorial note.
    editorial_note: Option<String>,
}

#[derive(Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
enum RawEventStatus {
    Held,
    Planned,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawOverall {
    /// One of the grade keys in site.yaml.
    grade: Option<String>,
    /// Words the inspectors added to the grade, if any.
    qualifier: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawJudgement {
    /// The area judged, as the report names it.
    domain: String,
    /// One of the grade keys in site.yaml; leave it out if the source does not give it.
    grade: Option<String>,
    /// The domain this one is part of, if any.
    within: Option<String>,
    /// A short note shown with the judgement.
    note: Option<String>,
}

pub fn read_inspection(
    doc: &Document,
    id: &str,
    split: &Split<'_>,
    site: &SiteConfig,
    addresses: Addresses<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Inspection> {
    let root = YamlPath::root();
    let raw: RawInspection = doc
        .read_parts(
            &root,
            "an inspection",
            &[
                ("overall", "an overall judgement"),
                ("judgements", "a judgement"),
            ],
        )
        .map_err(|d| problems.push(d))
        .ok()?;
    let planned = raw.status == Some(RawEventStatus::Planned);
    let when = read_when(doc, &raw, planned, problems);
    let kind = read_kind(doc, &raw.kind, &site.kinds, problems);
    let scale = read_scale(doc, raw.scale.as_deref(), site, problems);
    let grade = |path: &YamlPath, key: Option<&String>, problems: &mut Vec<Diagnostic>| {
        let scale = scale?;
        key.and_then(|k| grade_index(doc, path, k, site, scale, problems))
    };
    let overall_path = root.key("overall").key("grade");
    let overall = grade(
        &overall_path,
        raw.overall.as_ref().and_then(|o| o.grade.as_ref()),
        problems,
    );
    let judgements = raw
        .judgements
        .iter()
        .enumerate()
        .map(|(i, j)| Judgement {
            domain: j.domain.trim().to_string(),
            grade: grade(
                &root.key("judgements").index(i).key("grade"),
                j.grade.as_ref(),
                problems,
            ),
            within: text(j.within.clone()),
            note: text(j.note.clone()),
        })
        .collect();
    let md = |name: &str, value: Option<&str>, problems: &mut Vec<Diagnostic>| {
        markdown_field(doc, &root.key(name), value, addresses, problems)
    };
    let source_url = web_address(doc, &root.key("source_url"), raw.source_url, problems);
    Some(Inspection {
        id: id.to_string(),
        source_url,
        date_note: text(raw.date_note),
        published: date_field(
            doc,
            &root.key("published"),
            raw.published.as_ref(),
            problems,
        ),
        areas_covered: md("areas_covered", raw.areas_covered.as_deref(), problems),
        headline: md("headline", raw.headline.as_deref(), problems),
        editorial_note: md("editorial_note", raw.editorial_note.as_deref(), problems),
        body: markdown_body(&doc.file, split, addresses, problems),
        title: raw.title,
        kind: kind?,
        planned,
        other_body: text(raw.other_body),
        framework: text(raw.framework),
        scale: scale?,
        number: raw.number,
        when,
        expected: text(raw.expected),
        inspectors: raw.inspectors,
        overall,
        overall_qualifier: raw.overall.and_then(|o| text(o.qualifier)),
        judgements,
        summary: text(raw.summary),
        source: text(raw.source),
    })
}

fn read_when(
    doc: &Document,
    raw: &RawInspection,
    planned: bool,
    problems: &mut Vec<Diagnostic>,
) -> When {
    let root = YamlPath::root();
    let start = partial_date_field(doc, &root.key("start"), raw.start.as_ref(), problems);
    let end = partial_date_field(doc, &root.key("end"), raw.end.as_ref(), problems);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            problems.push(
                doc.error_at(
                    &root.key("end"),
                    format!("The visit ends ({end}) before it starts ({start})."),
                )
                .help("Check the `start` and `end` dates; one of them is probably mistyped."),
            );
        }
    }
    if raw.dates_not_recorded && (raw.start.is_some() || raw.between.is_some()) {
        problems.push(
            doc.error_at(&root.key("dates_not_recorded"), "This says its dates are not recorded, but it gives `start` or `between`.")
                .help("Remove `dates_not_recorded: true` if the dates are known, or remove the dates if no source gives them."),
        );
    }
    if let Some(start) = start {
        return When::Dates { start, end };
    }
    if let Some(between) = &raw.between {
        let path = root.key("between");
        let dates: Vec<_> = between
            .iter()
            .enumerate()
            .map(|(i, d)| partial_date_field(doc, &path.index(i), Some(d), problems))
            .collect();
        return match dates.as_slice() {
            [Some(from), Some(to)] => When::Between(*from, *to),
            [_, _] => When::Unknown,
            _ => {
                problems.push(
                    doc.error_at(
                        &path,
                        "`between` needs exactly two dates: the earliest and the latest.",
                    )
                    .help("Write it as `between: [2022-07, 2024-07]`."),
                );
                When::Unknown
            }
        };
    }
    if !planned && !raw.dates_not_recorded {
        problems.push(
            doc.error_at(&root, "This inspection has no dates: it needs `start` (and `end` if it lasted more than a day), or `between` if the exact dates are not known.")
                .help("Add `start: 2024-07-31`. If only the month or year is known, write `start: 2010-12` or `start: 2018`. If no source gives any date for it, write `dates_not_recorded: true`."),
        );
    }
    When::Unknown
}

/// The kind `kind:` names, from the built-in and declared kinds.
fn read_kind(
    doc: &Document,
    key: &str,
    kinds: &[InspectionKind],
    problems: &mut Vec<Diagnostic>,
) -> Option<InspectionKind> {
    let key = key.trim();
    if let Some(kind) = kinds.iter().find(|k| k.key == key) {
        return Some(kind.clone());
    }
    let keys: Vec<&str> = kinds.iter().map(|k| k.key.as_str()).collect();
    let mut help = format!("Use one of: {}. Other kinds of inspection or visit are declared under `kinds:` in content/site.yaml.", keys.join(", "));
    if let Some(near) = closest(key, keys.iter().copied()) {
        help = format!("Did you mean `{near}`? {help}");
    }
    problems.push(
        doc.error_at(
            &YamlPath::root().key("kind"),
            format!("`kind: {key}` is not one of the values allowed for `kind`."),
        )
        .help(help),
    );
    None
}

/// The index of the scale `scale:` names, or of the default scale without it.
fn read_scale(
    doc: &Document,
    key: Option<&str>,
    site: &SiteConfig,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let Some(key) = key.map(str::trim) else {
        return Some(0);
    };
    if let Some(i) = site
        .scales
        .iter()
        .position(|s| s.key.as_deref() == Some(key))
    {
        return Some(i);
    }
    let keys: Vec<&str> = site
        .scales
        .iter()
        .filter_map(|s| s.key.as_deref())
        .collect();
    let mut help = match keys.is_empty() {
        true => "This site has no `scales:` in content/site.yaml. Remove `scale:` to use the site's `grades`, or declare the scale under `scales:` in content/site.yaml.".to_string(),
        false => format!("Use one of: {}. Scales are listed under `scales:` in content/site.yaml; without `scale:`, the site's `grades` are used.", keys.join(", ")),
    };
    if let Some(near) = closest(key, keys.iter().copied()) {
        help = format!("Did you mean `{near}`? {help}");
    }
    problems.push(
        doc.error_at(
            &YamlPath::root().key("scale"),
            format!("`scale: {key}` is not one of the site's grading scales."),
        )
        .help(help),
    );
    None
}

fn grade_index(
    doc: &Document,
    path: &YamlPath,
    key: &str,
    site: &SiteConfig,
    scale: usize,
    problems: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let on_scale = |g: &Grade| g.scale == scale;
    let index = site
        .grades
        .iter()
        .position(|g| on_scale(g) && g.key == key.trim());
    if index.is_none() {
        let keys: Vec<&str> = site
            .grades
            .iter()
            .filter(|g| on_scale(g))
            .map(|g| g.key.as_str())
            .collect();
        let (message, listed) = match site.scales.get(scale).and_then(|s| s.key.as_deref()) {
            None => (
                format!("`grade: {key}` is not one of the site's grades."),
                "Grades are listed in content/site.yaml.".to_string(),
            ),
            Some(name) => (
                format!("`grade: {key}` is not one of the grades of the scale `{name}`, which this inspection names."),
                "The scale's grades are listed under `scales:` in content/site.yaml.".to_string(),
            ),
        };
        let mut help = format!("Use one of: {}. {listed}", keys.join(", "));
        if let Some(near) = closest(key, keys.iter().copied()) {
            help = format!("Did you mean `{near}`? {help}");
        }
        problems.push(doc.error_at(path, message).help(help));
    }
    index
}

/// A held event dated after the as-at date would be shown as the latest one beside
/// figures that predate it: usually a planned event not marked so, or an old `as_at`.
pub fn after_as_at(doc: &Document, event: &Inspection, as_at: NaiveDate) -> Option<Diagnostic> {
    let start = event.when.sort_key()?;
    if event.planned || start.first_day() <= as_at {
        return None;
    }
    let root = YamlPath::root();
    let field = if doc.value_at(&root.key("start")).is_some() {
        "start"
    } else {
        "between"
    };
    let what = in_sentence(event.kind.label());
    Some(
        doc.warning_at(&root.key(field), format!("This {what} is dated {start}, after the site's as-at date ({}), but it is not marked as planned, so the home page would show it as the latest one.", long(as_at)))
            .help("If it has not happened yet, add `status: planned`. If it has, change `as_at` in content/site.yaml to a date on or after it (without `as_at`, the as-at date is the day of the build)."),
    )
}

/// A label inside a sentence: "Monitoring visit" → "monitoring visit", but "SEND
/// inspection" keeps its capitals.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}
