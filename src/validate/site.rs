//! `content/site.yaml` read and checked into the model's [`SiteConfig`].

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

use super::fields::{
    background_colour, date_field, ColourText, LanguageTagText, RawDate, WholeDate,
};
use crate::diagnostics::Diagnostic;
use crate::model::site::{base_path, Accessibility, Logo, SiteConfig};
use crate::model::{Grade, InspectionKind, Scale};
use crate::strings::Strings;
use crate::yaml::{Document, YamlPath};

/// The site's settings: content/site.yaml.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSite {
    /// The body whose improvement journey this is, for example: Example County Council.
    organisation: String,
    /// The site's title, shown on every page.
    title: String,
    /// One sentence about the site, used by search engines.
    description: Option<String>,
    /// The address the site will be published at: a full address such as https://www.example.gov.uk/improvement/ or only its path, such as /improvement/. Left empty, the site is published at the root of its address (/).
    base_url: Option<String>,
    /// The language of the content and of the words Waymark adds, as a language tag
    /// (default en-GB). Another language needs its strings file, strings/<language>.yaml.
    #[schemars(with = "Option<LanguageTagText>")]
    language: Option<String>,
    /// The date the figures are reported at (year-month-day). An action is overdue when its due date is before it. Left empty, the day of the build is used.
    #[schemars(with = "Option<WholeDate>")]
    as_at: Option<RawDate>,
    /// An email address where readers can write about the site.
    contact_email: Option<String>,
    /// The organisation's colour for the header bar and its logo.
    branding: Option<RawBranding>,
    /// The grades inspectors give on the site's main scale: the one an inspection is on when it names no `scale`. Inspection files use the keys; readers see the labels.
    #[serde(default)]
    grades: Vec<RawGrade>,
    /// What the overall grade on the `grades` scale is called, such as "Overall
    /// effectiveness". Without it, "Overall judgement".
    overall_judgement: Option<String>,
    /// Further grading scales, one per framework (an area SEND inspection's outcomes, CQC's
    /// ratings): an inspection names the one its grades are on with `scale:`.
    #[serde(default)]
    scales: Vec<RawScale>,
    /// Kinds of inspection or visit besides the built-in `inspection`, `focused-visit` and
    /// `monitoring-visit`, or new labels for those.
    #[serde(default)]
    kinds: Vec<RawKind>,
    /// What the site's accessibility statement says. Anything left out is shown as not recorded.
    accessibility: Option<RawAccessibility>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawScale {
    /// The short name inspections use for it: `scale: send-area`.
    key: String,
    /// Its name as readers see it: "Area SEND inspection outcomes".
    name: Option<String>,
    /// What an overall grade on this scale is called, such as "Inspection outcome".
    /// Without it, "Overall judgement".
    overall_judgement: Option<String>,
    /// The scale's grades, best first, each with a key, a label and a colour.
    grades: Vec<RawGrade>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawKind {
    /// The short name inspection files use for it: `kind: jtai`.
    key: String,
    /// One of them, as readers see it: "Joint targeted area inspection".
    label: String,
    /// Several of them, as readers see it: "Joint targeted area inspections". Without it,
    /// the label with an "s".
    plural: Option<String>,
    /// `true` for a visit, which gives no overall grade; `false` (the default) for a full
    /// inspection that gives judgements.
    #[serde(default)]
    visit: bool,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawBranding {
    /// The organisation's colour for the header bar, in quotes: "#1d70b8". White or black text on it must reach a contrast of 4.5:1.
    #[schemars(with = "Option<ColourText>")]
    colour: Option<String>,
    /// The name of an image file in the site's static/ folder (beside content/), such as logo.svg or images/logo.png: letters, digits, -, _ and . only.
    logo: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    /// The short name inspection files use for it: `grade: good`.
    key: String,
    /// The grade as readers see it: "Good".
    label: String,
    /// The grade's colour, in quotes: "#d4351c". White text on it needs a contrast of at least 4.5:1.
    #[schemars(with = "ColourText")]
    colour: String,
    /// The number the framework gives this grade, where it gives one (grade 1, 2...).
    score: Option<u32>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAccessibility {
    /// The email address for reporting accessibility problems.
    contact_email: Option<String>,
    /// The telephone number for reporting accessibility problems.
    contact_phone: Option<String>,
    /// How far the site complies with WCAG 2.2 AA: fully, partially or not.
    compliance: Option<String>,
    /// What is not accessible, and why.
    non_compliance: Option<String>,
    /// When the statement was first prepared (year-month-day).
    #[schemars(with = "Option<WholeDate>")]
    prepared: Option<RawDate>,
    /// When the statement was last reviewed (year-month-day).
    #[schemars(with = "Option<WholeDate>")]
    reviewed: Option<RawDate>,
    /// When the site was last tested for accessibility (year-month-day). Leave it empty if it has not been tested: nothing is claimed for you.
    #[schemars(with = "Option<WholeDate>")]
    tested: Option<RawDate>,
    /// Who tested the site.
    tested_by: Option<String>,
}

/// Reads site.yaml. `today` stands in for `as_at` when the file does not give one.
/// Warnings (a colour too weak for text on it) go to `found` beside the config; errors
/// leave no config.
pub fn read(
    doc: &Document,
    today: NaiveDate,
    strings: Strings,
    found: &mut Vec<Diagnostic>,
) -> Option<SiteConfig> {
    let root = YamlPath::root();
    let raw: RawSite = doc
        .read_parts(
            &root,
            "site.yaml",
            &[
                ("branding", "`branding`"),
                ("grades", "a grade"),
                ("scales", "a scale"),
                ("kinds", "a kind of inspection"),
                ("accessibility", "`accessibility`"),
            ],
        )
        .map_err(|d| found.push(d))
        .ok()?;
    let mut problems = Vec::new();
    let as_at =
        date_field(doc, &root.key("as_at"), raw.as_at.as_ref(), &mut problems).unwrap_or(today);
    let base_url = match checked_base_url(raw.base_url.as_deref().unwrap_or("/")) {
        Ok(url) => url,
        Err(wrong) => {
            problems.push(
                doc.error_at(&root.key("base_url"), wrong.message)
                    .help(wrong.help),
            );
            "/".into()
        }
    };
    let (scales, grades) = read_scales(doc, &raw, &strings, &mut problems);
    let kinds = read_kinds(doc, &raw.kinds, &strings, &mut problems);
    let branding = raw.branding.unwrap_or(RawBranding {
        colour: None,
        logo: None,
    });
    let logo_path = root.key("branding").key("logo");
    let logo = branding
        .logo
        .and_then(|l| checked_logo(doc, &logo_path, &l, &mut problems));
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
            logo,
            grades,
            scales,
            kinds,
            accessibility,
            strings,
        });
    }
    None
}

/// A logo must name a file in static/ in plain characters: it becomes the `src` of an
/// image on every page, so nothing may lead out of the site or run as script.
fn checked_logo(
    doc: &Document,
    path: &YamlPath,
    logo: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Logo> {
    let file = logo.trim().trim_start_matches("static/");
    let plain = file
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    let steps_out = file
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..");
    if file.is_empty() || !plain || steps_out {
        problems.push(
            doc.error_at(path, format!("`logo: {logo}` is not the name of a file in the site's static/ folder."))
                .help("Put the logo image in static/ (beside content/) and give its name, for example `logo: logo.svg` or `logo: images/logo.png`. Use only letters, digits, `-`, `_` and `.` in the name (rename the file if needed): no spaces, `..` or web addresses."),
        );
        return None;
    }
    let if_missing = doc
        .error_at(path, format!("`logo: {logo}` names a file that is not in the site's static/ folder."))
        .help(format!("Put the logo image at static/{file} (the folder beside content/), or correct the name. Names are case-sensitive."));
    Some(Logo {
        file: file.to_string(),
        if_missing,
    })
}

/// The default scale (`grades`, when given) first, then `scales`; every grade of every
/// scale in one list, each knowing its scale.
fn read_scales(
    doc: &Document,
    raw: &RawSite,
    strings: &Strings,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Scale>, Vec<Grade>) {
    let mut scales = Vec::new();
    let mut grades = Vec::new();
    let overall = |o: &Option<String>| {
        o.clone()
            .unwrap_or_else(|| strings.get("overall_judgement").into())
    };
    if !raw.grades.is_empty() || raw.scales.is_empty() {
        let path = YamlPath::root().key("grades");
        read_grades(doc, &path, &raw.grades, 0, &mut grades, problems);
        scales.push(Scale {
            key: None,
            name: None,
            overall: overall(&raw.overall_judgement),
        });
    }
    for (i, s) in raw.scales.iter().enumerate() {
        let path = YamlPath::root().key("scales").index(i);
        if scales
            .iter()
            .any(|seen| seen.key.as_deref() == Some(s.key.trim()))
        {
            problems.push(
                doc.error_at(
                    &path.key("key"),
                    format!("The scale key `{}` is listed twice.", s.key),
                )
                .help("Each scale needs its own key. Remove or rename one of them."),
            );
        }
        read_grades(
            doc,
            &path.key("grades"),
            &s.grades,
            scales.len(),
            &mut grades,
            problems,
        );
        scales.push(Scale {
            key: Some(s.key.trim().to_string()),
            name: s.name.clone(),
            overall: overall(&s.overall_judgement),
        });
    }
    (scales, grades)
}

fn read_grades(
    doc: &Document,
    at: &YamlPath,
    raw: &[RawGrade],
    scale: usize,
    grades: &mut Vec<Grade>,
    problems: &mut Vec<Diagnostic>,
) {
    for (i, g) in raw.iter().enumerate() {
        let path = at.index(i);
        if grades
            .iter()
            .any(|seen| seen.scale == scale && seen.key == g.key)
        {
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
            scale,
            score: g.score,
        });
    }
}

/// The built-in kinds, then the declared ones; a declared kind with a built-in key
/// relabels it.
fn read_kinds(
    doc: &Document,
    raw: &[RawKind],
    strings: &Strings,
    problems: &mut Vec<Diagnostic>,
) -> Vec<InspectionKind> {
    let mut kinds = InspectionKind::built_in(strings);
    let mut declared: Vec<&str> = Vec::new();
    for (i, k) in raw.iter().enumerate() {
        let key = k.key.trim();
        if declared.contains(&key) {
            problems.push(
                doc.error_at(
                    &YamlPath::root().key("kinds").index(i).key("key"),
                    format!("The kind `{key}` is declared twice."),
                )
                .help("Each kind needs its own key. Remove or rename one of them."),
            );
        }
        declared.push(key);
        let kind = InspectionKind {
            key: key.to_string(),
            label: k.label.trim().to_string(),
            plural: k
                .plural
                .clone()
                .unwrap_or_else(|| format!("{}s", k.label.trim())),
            visit: k.visit,
        };
        match kinds.iter_mut().find(|b| b.key == key) {
            Some(built_in) => *built_in = kind,
            None => kinds.push(kind),
        }
    }
    kinds
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

/// Why a base address cannot be used, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlProblem {
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for BaseUrlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.message, self.help)
    }
}

impl std::error::Error for BaseUrlProblem {}

const BASE_URL_HELP: &str = "Write the full address the site is published at, such as `https://www.example.gov.uk/improvement/`, or only its path from the top of the host, such as `/improvement/` (or `/`).";

/// A base address as site.yaml or `--base-url` gives it, with a trailing slash: a full
/// http(s) address or a path from the host's top. It goes into every link of every page,
/// so anything that could end an attribute or run as script is refused here.
pub fn checked_base_url(url: &str) -> Result<String, BaseUrlProblem> {
    let url = url.trim();
    let wrong = |message: String| BaseUrlProblem {
        message,
        help: BASE_URL_HELP.into(),
    };
    if url.is_empty() {
        return Err(wrong("`base_url` is empty.".into()));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || "\"'<>`\\{}|^".contains(*c))
    {
        return Err(wrong(format!(
            "`base_url` contains {}, which cannot be part of a web address.",
            describe_char(c)
        )));
    }
    if url.contains(['?', '#']) {
        return Err(wrong(
            "`base_url` contains `?` or `#`: it must be the address of a folder, with nothing after its path.".into(),
        ));
    }
    if url.starts_with("//") {
        return Err(wrong(
            "`base_url` starts with `//` but names no scheme.".into(),
        ));
    }
    if !url.starts_with('/') {
        full_address_problem(url).map_or(Ok(()), |m| Err(wrong(m)))?;
    }
    let path = base_path(url);
    if path.split('/').any(|s| s == "." || s == "..") {
        return Err(wrong(
            "`base_url` has a `.` or `..` folder in its path.".into(),
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// What is wrong with an address that does not start with `/`, if anything.
fn full_address_problem(url: &str) -> Option<String> {
    let parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(_) => {
            return Some(format!(
                "`base_url: {url}` is neither a full address (starting `https://`) nor a path (starting `/`)."
            ))
        }
    };
    let scheme = parsed.scheme();
    if scheme != "https" && scheme != "http" {
        return Some(format!(
            "`base_url` starts with `{scheme}:`, but a website's address starts with `https://` (or `http://`)."
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("`base_url` names no host (such as `www.example.gov.uk`).".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(
            "`base_url` holds a user name or password (the part before `@`), which must never be published.".into(),
        );
    }
    None
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        c if c.is_control() || c.is_whitespace() => {
            format!("an invisible character (U+{:04X})", c as u32)
        }
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_that_could_break_a_page_are_refused() {
        let refused = [
            "https://x.example/\"><script>alert(1)</script>/",
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://x.example/a b/",
            "https://x.example/it's/",
            "improvement/",
            "//x.example/",
            "https://user:pw@x.example/",
            "https://x.example/?q=1",
            "/a/../b/",
            "https:///",
            "/a\u{7}b/",
        ];
        for url in refused {
            assert!(checked_base_url(url).is_err(), "{url:?} was accepted");
        }
        let wrong = checked_base_url("javascript:alert(1)").unwrap_err();
        assert!(wrong.message.contains("`javascript:`"), "{}", wrong.message);
    }

    #[test]
    fn ordinary_base_urls_are_kept_with_a_trailing_slash() {
        for (url, kept) in [
            ("/", "/"),
            ("/improvement", "/improvement/"),
            ("https://www.example.gov.uk", "https://www.example.gov.uk/"),
            ("HTTPS://Example.org/a/b/", "HTTPS://Example.org/a/b/"),
            ("http://localhost:8080/x/", "http://localhost:8080/x/"),
            (
                "https://example.org/caf%C3%A9/",
                "https://example.org/caf%C3%A9/",
            ),
        ] {
            assert_eq!(checked_base_url(url).as_deref(), Ok(kept));
        }
    }

    #[test]
    fn base_path_comes_from_the_url() {
        assert_eq!(
            base_path("https://example.gov.uk/childrens-services/improvement/"),
            "/childrens-services/improvement/"
        );
        assert_eq!(base_path("https://example.gov.uk/"), "/");
        assert_eq!(base_path("/"), "/");
        assert_eq!(
            base_path(&checked_base_url("https://x.org/a").unwrap()),
            "/a/"
        );
    }
}
