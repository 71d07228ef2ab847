//! The domain: what the content means once it has been read and checked. Plain data.

pub mod inspection;
pub mod plan;
#[cfg(test)]
pub mod sample;
pub mod writing;

pub use inspection::{Grade, Inspection, InspectionKind, Judgement, When};
pub use plan::{Action, Delay, Outcome, Plan, PriorityArea, Status, StatusUpdate};
pub use writing::{Page, Report};

use std::sync::Arc;

use serde::Serialize;

use crate::site_config::SiteConfig;

/// Sanitised HTML made from an author's Markdown. Internal links start with [`ROOT`],
/// which rendering replaces with the way back to the site root from each page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Html(pub Arc<String>);

impl Html {
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Placeholder for the site root inside Markdown-made HTML; see [`Html`].
pub const ROOT: &str = "@@waymark-root@@/";

/// The whole site, checked: every reference resolves, every status is in its plan's key.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub plans: Vec<Plan>,
    /// In timeline order (earliest first).
    pub inspections: Vec<Inspection>,
    /// Newest first.
    pub reports: Vec<Report>,
    pub pages: Vec<Page>,
}
