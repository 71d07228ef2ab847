//! Live blocks: `[[progress 2022-ilacs]]` and the like, typed once checked.

use std::ops::Range;
use std::path::PathBuf;

use super::Plan;

/// What a live block shows. A plan named `None` is the site's only plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The summary line and the table of actions by status.
    Progress {
        plan: Option<String>,
    },
    /// The exception report: delayed actions with reasons, mitigations and revised dates.
    Delayed {
        plan: Option<String>,
    },
    /// One action: status, responsible, due and latest progress.
    Action {
        plan: Option<String>,
        id: String,
    },
    /// The overall judgements, oldest first.
    Judgements,
    LatestVisit,
}

/// A block as written in a report or page: `span` covers its `[[...]]` in `file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockUse {
    pub block: Block,
    pub file: PathBuf,
    pub span: Range<usize>,
    /// As written between the brackets, for messages.
    pub written: String,
}

/// The words that start each kind of block, as authors type them.
pub const KINDS: [&str; 5] = [
    "progress",
    "delayed",
    "action",
    "judgements",
    "latest visit",
];

impl Block {
    pub fn plan(&self) -> Option<&str> {
        match self {
            Block::Progress { plan } | Block::Delayed { plan } | Block::Action { plan, .. } => {
                plan.as_deref()
            }
            Block::Judgements | Block::LatestVisit => None,
        }
    }

    pub fn needs_plan(&self) -> bool {
        !matches!(self, Block::Judgements | Block::LatestVisit)
    }
}

/// The plan a block names, or the only plan when it names none.
pub fn plan_named<'a>(plans: &'a [Plan], name: Option<&str>) -> Option<&'a Plan> {
    match (name, plans) {
        (Some(name), _) => plans.iter().find(|p| p.slug == name),
        (None, [only]) => Some(only),
        (None, _) => None,
    }
}
