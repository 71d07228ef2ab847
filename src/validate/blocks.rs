//! Live blocks in reports and pages: `[[...]]` read into a `Block`, then checked against
//! the site's plans. Each problem points at the block in the Markdown.

use std::path::Path;

use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::BlockMarker;
use crate::model::blocks::{plan_named, KINDS};
use crate::model::{Block, BlockUse, Plan};

const THE_BLOCKS: &str = "The live blocks are `[[progress PLAN]]`, `[[delayed PLAN]]`, `[[action PLAN ID]]`, `[[judgements]]` and `[[latest visit]]`. To show double brackets as text, put them in backticks.";

/// Reads each marker into a block; a marker that is not one is reported and left out.
pub fn read(
    file: &Path,
    markers: Vec<BlockMarker>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<BlockUse> {
    markers
        .into_iter()
        .filter_map(|m| {
            let error = |message: String, help: String| {
                Diagnostic::error(file, message)
                    .at(Some(m.span.clone()))
                    .help(help)
            };
            match parse(&m.text) {
                Ok(block) => Some(BlockUse {
                    block,
                    file: file.to_path_buf(),
                    span: m.span.clone(),
                    written: m.text.clone(),
                }),
                Err((message, help)) => {
                    problems.push(error(message, help));
                    None
                }
            }
        })
        .collect()
}

/// The block `text` (between the brackets) names, or what is wrong and how to put it right.
fn parse(text: &str) -> Result<Block, (String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let kind = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
    let latest = kind == "latest"
        && words
            .get(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("visit"));
    let (name, args) = match latest {
        true => ("latest visit", &words[2..]),
        false => (kind.as_str(), words.get(1..).unwrap_or_default()),
    };
    let plan = |i: usize| args.get(i).map(|s| s.to_string());
    let (block, most, form) = match name {
        "progress" => (Block::Progress { plan: plan(0) }, 1, "[[progress PLAN]]"),
        "delayed" => (Block::Delayed { plan: plan(0) }, 1, "[[delayed PLAN]]"),
        "action" => {
            let (plan, id) = match args {
                [] => return Err((
                    format!("`[[{text}]]` does not say which action to show."),
                    "Give the plan's folder name and the action's id, for example `[[action 2022-ilacs 1.4]]` (the plan may be left out when the site has only one).".into(),
                )),
                [id] => (None, id.to_string()),
                [plan, id, ..] => (Some(plan.to_string()), id.to_string()),
            };
            (Block::Action { plan, id }, 2, "[[action PLAN ID]]")
        }
        "judgements" => (Block::Judgements, 0, "[[judgements]]"),
        "latest visit" => (Block::LatestVisit, 0, "[[latest visit]]"),
        _ => return Err(unknown(text, &words)),
    };
    match args.get(most..).filter(|extra| !extra.is_empty()) {
        Some(extra) => Err((
            format!(
                "`[[{text}]]` has more than this block takes: `{}`.",
                extra.join(" ")
            ),
            format!(
                "Write it as `{form}`{}.",
                match most {
                    0 => ", with nothing after it",
                    _ => " (the plan may be left out when the site has only one)",
                }
            ),
        )),
        None => Ok(block),
    }
}

fn unknown(text: &str, words: &[&str]) -> (String, String) {
    let first = words.first().copied().unwrap_or("");
    let two = words.get(..2).map(|w| w.join(" ")).unwrap_or_default();
    let near = closest(&two, KINDS).or_else(|| closest(first, KINDS));
    let mut help = THE_BLOCKS.to_string();
    if let Some(near) = near {
        help = format!("Did you mean `{near}`? {help}");
    }
    (
        format!("`[[{text}]]` is not a live block Waymark knows."),
        help,
    )
}

/// Checks that every block's plan and action exist.
pub fn check<'a>(
    uses: impl Iterator<Item = &'a BlockUse>,
    plans: &[Plan],
    problems: &mut Vec<Diagnostic>,
) {
    for u in uses.filter(|u| u.block.needs_plan()) {
        let error = |message: String, help: String| {
            Diagnostic::error(&u.file, message)
                .at(Some(u.span.clone()))
                .help(help)
        };
        let Some(plan) = plan_named(plans, u.block.plan()) else {
            problems.push(match u.block.plan() {
                Some(name) => unknown_plan(&u.written, name, plans, error),
                None => unnamed_plan(&u.written, plans, error),
            });
            continue;
        };
        if let Block::Action { id, .. } = &u.block {
            if !plan.actions().any(|(_, a)| &a.id == id) {
                let mut help = format!("Use an action's `id` as written in the priority area files of content/plans/{}/.", plan.slug);
                let ids = plan.actions().map(|(_, a)| a.id.as_str());
                if let Some(near) = closest(id, ids) {
                    help = format!("Did you mean `{near}`? {help}");
                }
                problems.push(error(
                    format!(
                        "`[[{}]]` names action `{id}`, which is not in the plan {}.",
                        u.written, plan.slug
                    ),
                    help,
                ));
            }
        }
    }
}

fn unknown_plan(
    written: &str,
    name: &str,
    plans: &[Plan],
    error: impl Fn(String, String) -> Diagnostic,
) -> Diagnostic {
    let mut help = "Use the folder name of a plan in content/plans/.".to_string();
    if let Some(near) = closest(name, plans.iter().map(|p| p.slug.as_str())) {
        help = format!("Did you mean `{near}`? {help}");
    }
    error(
        format!("`[[{written}]]` names a plan, `{name}`, that does not exist."),
        help,
    )
}

fn unnamed_plan(
    written: &str,
    plans: &[Plan],
    error: impl Fn(String, String) -> Diagnostic,
) -> Diagnostic {
    let names: Vec<String> = plans.iter().map(|p| format!("`{}`", p.slug)).collect();
    match names.as_slice() {
        [] => error(
            format!("`[[{written}]]` shows a plan, but this site has no plan."),
            "Add a plan in content/plans/ first (`waymark new plan`), or remove the block.".into(),
        ),
        _ => error(
            format!("`[[{written}]]` does not say which plan: this site has {} plans.", names.len()),
            format!("Add the plan's folder name after the block's name, for example `[[{} {}]]`. The plans are {}.", written.split_whitespace().next().unwrap_or("progress"), plans[0].slug, names.join(", ")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_read_from_their_words() {
        assert_eq!(
            parse("progress 2022-ilacs"),
            Ok(Block::Progress {
                plan: Some("2022-ilacs".into())
            })
        );
        assert_eq!(parse("Delayed"), Ok(Block::Delayed { plan: None }));
        assert_eq!(
            parse("action 2022-ilacs 1.4"),
            Ok(Block::Action {
                plan: Some("2022-ilacs".into()),
                id: "1.4".into()
            })
        );
        assert_eq!(
            parse("action 1.4"),
            Ok(Block::Action {
                plan: None,
                id: "1.4".into()
            })
        );
        assert_eq!(parse("latest  Visit"), Ok(Block::LatestVisit));
        assert_eq!(parse("judgements"), Ok(Block::Judgements));
    }

    #[test]
    fn unknown_blocks_and_extra_words_say_what_to_write() {
        let (message, help) = parse("progres 2022-ilacs").unwrap_err();
        assert!(message.contains("not a live block"), "{message}");
        assert!(help.starts_with("Did you mean `progress`?"), "{help}");
        let (_, help) = parse("latest vist").unwrap_err();
        assert!(help.starts_with("Did you mean `latest visit`?"), "{help}");
        let (message, _) = parse("judgements 2022").unwrap_err();
        assert!(message.contains("`2022`"), "{message}");
        assert!(parse("action").is_err());
    }
}
