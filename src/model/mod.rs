//! The domain: what the content means once it has been read and checked. Plain data.

pub mod addresses;
pub mod blocks;
pub mod inspection;
pub mod milestone;
pub mod plan;
#[cfg(test)]
pub mod sample;
pub mod site;
pub mod writing;

pub use blocks::{Block, BlockUse};
pub use inspection::{timeline_order, Grade, Inspection, InspectionKind, Judgement, Scale, When};
pub use milestone::Milestone;
pub use plan::{Action, Delay, Outcome, Plan, PriorityArea, Status, StatusUpdate};
pub use writing::{Page, Report};

pub use crate::markdown::{Html, ROOT};

pub use site::SiteConfig;

/// The whole site, checked: every reference resolves, every status is in its plan's key.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub plans: Vec<Plan>,
    /// In timeline order (earliest first).
    pub inspections: Vec<Inspection>,
    /// Interventions and other events on the timeline, in date order.
    pub milestones: Vec<Milestone>,
    /// Newest first.
    pub reports: Vec<Report>,
    pub pages: Vec<Page>,
}
