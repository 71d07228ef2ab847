//! The site as content/site.yaml describes it: who publishes it, where, and how it looks.

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::model::{Grade, InspectionKind, Scale};

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub organisation: String,
    pub title: String,
    pub description: Option<String>,
    /// As written, with a trailing slash: `https://example.gov.uk/improvement/`.
    pub base_url: String,
    /// The path part of `base_url`, with leading and trailing slashes: `/improvement/`.
    pub base_path: String,
    pub language: String,
    pub as_at: NaiveDate,
    pub contact_email: Option<String>,
    pub brand_colour: Option<String>,
    pub logo: Option<Logo>,
    /// Every scale's grades, in the order site.yaml gives them.
    pub grades: Vec<Grade>,
    /// The default scale (`grades`) first when there is one, then `scales`.
    pub scales: Vec<Scale>,
    /// The built-in kinds of inspection and visit, then those site.yaml declares.
    pub kinds: Vec<InspectionKind>,
    pub accessibility: Accessibility,
    /// The words the theme and the generator add, in the site's language.
    pub strings: crate::strings::Strings,
}

/// The organisation's logo: a file of the site's static/ folder, by its path there.
#[derive(Debug, Clone)]
pub struct Logo {
    pub file: String,
    /// Said when static/ turns out not to hold the file (only the theme knows).
    pub if_missing: Diagnostic,
}

/// What the generated accessibility statement says about the organisation's own checks.
#[derive(Debug, Clone, Default)]
pub struct Accessibility {
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub compliance: Option<String>,
    pub non_compliance: Option<String>,
    pub prepared: Option<NaiveDate>,
    pub reviewed: Option<NaiveDate>,
    pub tested: Option<NaiveDate>,
    pub tested_by: Option<String>,
}

impl SiteConfig {
    /// Moves the site to another address, as `build --base-url` does. `url` has been
    /// checked (`validate::site::checked_base_url`) and ends with `/`.
    pub fn set_base_url(&mut self, url: String) {
        self.base_path = base_path(&url);
        self.base_url = url;
    }
}

/// `https://host/a/b/` → `/a/b/`; `/` → `/`.
pub fn base_path(base_url: &str) -> String {
    let without_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = if base_url.contains("://") {
        without_scheme
            .find('/')
            .map_or("/", |i| &without_scheme[i..])
    } else {
        without_scheme
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}
