//! Progress reports and other pages: mostly prose.

use chrono::NaiveDate;

use super::{BlockUse, Html};

#[derive(Debug, Clone)]
pub struct Report {
    pub slug: String,
    pub title: String,
    pub date: NaiveDate,
    pub meeting: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub source: Option<String>,
    /// The source document's web address (checked: http or https).
    pub source_url: Option<String>,
    /// Why the date shown may mislead (`date_note`): marked wherever the date is listed.
    pub date_note: Option<String>,
    pub editorial_note: Html,
    /// Holds a marker for each live block, numbered as in `blocks` (see `markdown::BLOCK`).
    pub body: Html,
    pub blocks: Vec<BlockUse>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The page's address below the site root, such as `about`.
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    /// Holds a marker for each live block, numbered as in `blocks`.
    pub body: Html,
    pub blocks: Vec<BlockUse>,
    /// Its place in the main navigation, lowest first; None keeps it out (about.md
    /// excepted, which is listed last).
    pub nav_order: Option<u32>,
}
