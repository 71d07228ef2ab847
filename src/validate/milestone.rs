//! content/milestones.yaml → the timeline's `Milestone`s, checking dates and addresses.

use schemars::JsonSchema;
use serde::Deserialize;

use super::fields::{
    partial_date_field, text, web_address, PartialDateText, RawDate, WebAddressText,
};
use crate::diagnostics::Diagnostic;
use crate::model::milestone::{milestone_order, Milestone};
use crate::routes::slugify;
use crate::yaml::{Document, YamlPath};

/// Interventions and other turning points: content/milestones.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMilestones {
    /// The interventions and other events to show on the timeline among the inspections.
    #[serde(default)]
    milestones: Vec<RawMilestone>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawMilestone {
    /// When it happened, only as precisely as the source says: `2020-06-26`, `2020-06`
    /// or `2020`.
    #[schemars(with = "PartialDateText")]
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
    #[schemars(with = "Option<WebAddressText>")]
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
        let source_url = web_address(doc, &path.key("source_url"), m.source_url, problems);
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
