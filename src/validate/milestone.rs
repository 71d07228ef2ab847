//! content/milestones.yaml → the timeline's `Milestone`s, checking dates and addresses.

use serde::Deserialize;

use super::fields::{partial_date_field, text, RawDate};
use crate::diagnostics::Diagnostic;
use crate::model::milestone::{milestone_order, Milestone};
use crate::routes::slugify;
use crate::yaml::{Document, YamlPath};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMilestones {
    /// The interventions and other events to show on the timeline among the inspections.
    #[serde(default)]
    milestones: Vec<RawMilestone>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMilestone {
    /// When it happened, only as precisely as the source says: `2020-06-26`, `2020-06`
    /// or `2020`.
    date: RawDate,
    /// What sort of event it is, shown beside its title: "Statutory direction",
    /// "Improvement board", "Commissioner appointed".
    kind: Option<String>,
    /// What happened, in a few words.
    title: String,
    /// One or two sentences about it.
    summary: Option<String>,
    /// The document that records it: its title, meeting or date.
    source: Option<String>,
    /// The web address of that document, starting `https://`.
    source_url: Option<String>,
}

pub fn read_milestones(doc: &Document, problems: &mut Vec<Diagnostic>) -> Vec<Milestone> {
    let root = YamlPath::root();
    let Ok(raw) = doc
        .read_parts::<RawMilestones>(&root, "milestones.yaml", &[("milestones", "a milestone")])
        .map_err(|d| problems.push(d))
    else {
        return Vec::new();
    };
    let mut anchors: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, m) in raw.milestones.into_iter().enumerate() {
        let path = root.key("milestones").index(i);
        let date = partial_date_field(doc, &path.key("date"), Some(&m.date), problems);
        let source_url = m
            .source_url
            .and_then(|u| checked_url(doc, &path.key("source_url"), &u, problems));
        let Some(date) = date else { continue };
        let anchor = unique(
            format!("milestone-{}-{}", date.iso(), slugify(&m.title)),
            &anchors,
        );
        anchors.push(anchor.clone());
        out.push(Milestone {
            date,
            kind: text(m.kind),
            title: m.title.trim().to_string(),
            summary: text(m.summary),
            source: text(m.source),
            source_url,
            anchor,
        });
    }
    milestone_order(out)
}

fn unique(anchor: String, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => anchor.clone(),
            n => format!("{anchor}-{n}"),
        })
        .find(|a| !taken.contains(a))
        .unwrap_or(anchor)
}

/// A source address becomes a link: only a web address may, never a script.
fn checked_url(
    doc: &Document,
    path: &YamlPath,
    written: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let written = written.trim();
    let web = url::Url::parse(written)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !web {
        problems.push(
            doc.error_at(path, format!("`source_url: {written}` is not a web address."))
                .help("Give the full address of the source document, starting `https://`, or remove `source_url` and name the document in `source`."),
        );
        return None;
    }
    Some(written.to_string())
}
