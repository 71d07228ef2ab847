//! `content/site.yaml`: who publishes the site, where, and the scales the content uses.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::model::Grade;
use crate::validate::fields::{background_colour, date_field, RawDate};
use crate::yaml::{Document, YamlPath};

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
    pub logo: Option<String>,
    pub grades: Vec<Grade>,
    pub accessibility: Accessibility,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    organisation: String,
    title: String,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    as_at: Option<RawDate>,
    contact_email: Option<String>,
    branding: Option<RawBranding>,
    grades: Vec<RawGrade>,
    accessibility: Option<RawAccessibility>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranding {
    colour: Option<String>,
    logo: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    key: String,
    label: String,
    colour: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccessibility {
    contact_email: Option<String>,
    contact_phone: Option<String>,
    compliance: Option<String>,
    non_compliance: Option<String>,
    prepared: Option<RawDate>,
    reviewed: Option<RawDate>,
    tested: Option<RawDate>,
    tested_by: Option<String>,
}

/// Reads site.yaml. `today` stands in for `as_at` when the file does not give one.
/// Warnings (a colour too weak for text on it) go to `found` beside the config; errors
/// leave no config.
pub fn read(doc: &Document, today: NaiveDate, found: &mut Vec<Diagnostic>) -> Option<SiteConfig> {
    let root = YamlPath::root();
    let raw: RawSite = doc
        .read(&root, "site.yaml")
        .map_err(|d| found.push(d))
        .ok()?;
    let mut problems = Vec::new();
    let as_at =
        date_field(doc, &root.key("as_at"), raw.as_at.as_ref(), &mut problems).unwrap_or(today);
    let base_url = normalise_base_url(raw.base_url.as_deref().unwrap_or("/"));
    let grades = read_grades(doc, &raw.grades, &mut problems);
    let branding = raw.branding.unwrap_or(RawBranding {
        colour: None,
        logo: None,
    });
    let brand_colour = branding.colour.and_then(|c| {
        background_colour(doc, &root.key("branding").key("colour"), &c, &mut problems)
    });
    let accessibility = raw
        .accessibility
        .map(|a| read_accessibility(doc, a, &mut problems))
        .unwrap_or_default();
    let failed = problems.iter().any(Diagnostic::is_error);
    found.extend(problems);
    if !failed {
        return Some(SiteConfig {
            organisation: raw.organisation,
            title: raw.title,
            description: raw.description,
            base_path: base_path(&base_url),
            base_url,
            language: raw.language.unwrap_or_else(|| "en-GB".into()),
            as_at,
            contact_email: raw.contact_email,
            brand_colour,
            logo: branding.logo,
            grades,
            accessibility,
        });
    }
    None
}

fn read_grades(doc: &Document, raw: &[RawGrade], problems: &mut Vec<Diagnostic>) -> Vec<Grade> {
    let mut grades: Vec<Grade> = Vec::new();
    for (i, g) in raw.iter().enumerate() {
        let path = YamlPath::root().key("grades").index(i);
        if grades.iter().any(|seen| seen.key == g.key) {
            problems.push(
                doc.error_at(
                    &path.key("key"),
                    format!("The grade key `{}` is listed twice.", g.key),
                )
                .help("Each grade needs its own key. Remove or rename one of them."),
            );
        }
        let colour =
            background_colour(doc, &path.key("colour"), &g.colour, problems).unwrap_or_default();
        grades.push(Grade {
            key: g.key.clone(),
            label: g.label.clone(),
            colour,
        });
    }
    grades
}

fn read_accessibility(
    doc: &Document,
    a: RawAccessibility,
    problems: &mut Vec<Diagnostic>,
) -> Accessibility {
    let path = YamlPath::root().key("accessibility");
    let mut date =
        |name: &str, raw: Option<&RawDate>| date_field(doc, &path.key(name), raw, problems);
    Accessibility {
        prepared: date("prepared", a.prepared.as_ref()),
        reviewed: date("reviewed", a.reviewed.as_ref()),
        tested: date("tested", a.tested.as_ref()),
        contact_email: a.contact_email,
        contact_phone: a.contact_phone,
        compliance: a.compliance,
        non_compliance: a.non_compliance,
        tested_by: a.tested_by,
    }
}

impl SiteConfig {
    /// Moves the site to another address, as `build --base-url` does.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = normalise_base_url(url);
        self.base_path = base_path(&self.base_url);
    }
}

fn normalise_base_url(url: &str) -> String {
    let url = url.trim();
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// `https://host/a/b/` → `/a/b/`; `/` → `/`.
fn base_path(base_url: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_the_url() {
        assert_eq!(
            base_path("https://example.gov.uk/childrens-services/improvement/"),
            "/childrens-services/improvement/"
        );
        assert_eq!(base_path("https://example.gov.uk/"), "/");
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path(&normalise_base_url("https://x.org/a")), "/a/");
    }
}
