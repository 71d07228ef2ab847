//! The theme: templates and static files, layered so a site can replace any single file.
//! Order of precedence: `<root>/templates` and `<root>/static`, then `<root>/themes/default`,
//! then the default theme built into the binary (so waymark works from any folder).

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use tera::{Context, Tera, Value};
use walkdir::WalkDir;

use super::views::{grade_class, status_class};
use crate::diagnostics::Diagnostic;
use crate::escape::escape;
use crate::model::Site;

macro_rules! embedded {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

pub const TEMPLATES: &[&str] = &[
    "base.html",
    "header.html",
    "nav.html",
    "footer.html",
    "macros.html",
    "home.html",
    "plans.html",
    "plan.html",
    "committee_pack.html",
    "area.html",
    "action.html",
    "inspections.html",
    "inspection.html",
    "reports.html",
    "report.html",
    "page.html",
    "accessibility.html",
    "404.html",
    "progress_over_time.html",
    "search.html",
    "data.html",
    "blocks.html",
];

const BUILT_IN_TEMPLATES: &[(&str, &str)] = embedded!("templates":
    "base.html", "header.html", "nav.html", "footer.html", "macros.html", "home.html", "plans.html", "plan.html", "area.html", "action.html",
    "committee_pack.html", "inspections.html", "inspection.html", "reports.html", "report.html", "page.html",
    "accessibility.html", "404.html", "progress_over_time.html", "search.html", "data.html",
    "blocks.html",
);

const BUILT_IN_STATIC: &[(&str, &str)] =
    embedded!("static": "style.css", "publishing.css", "committee-pack.css", "search.js");

enum StaticFile {
    BuiltIn(&'static str),
    OnDisk(PathBuf),
}

pub struct Theme {
    tera: Tera,
    /// Of every template's name and text.
    fingerprint: u64,
    /// Whether base.html is not the built-in one, so may draw the navigation itself.
    own_base: bool,
    /// Template name → the file it came from, for messages.
    sources: BTreeMap<String, PathBuf>,
    statics: BTreeMap<String, StaticFile>,
}

/// Room for a typical page's HTML (a report's is 8 to 12 KB).
const PAGE_BYTES: usize = 16 * 1024;

impl Theme {
    /// Loads and compiles every template once. Problems name the template file.
    pub fn load(root: &Path) -> Result<Theme, Vec<Diagnostic>> {
        let mut texts: BTreeMap<String, (String, PathBuf)> = BUILT_IN_TEMPLATES
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    (
                        t.to_string(),
                        PathBuf::from(format!("(built-in theme)/templates/{n}")),
                    ),
                )
            })
            .collect();
        let mut problems = Vec::new();
        for dir in ["themes/default/templates", "templates"] {
            for (name, path) in files_under(&root.join(dir)) {
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        texts.insert(name.clone(), (text, PathBuf::from(dir).join(&name)));
                    }
                    Err(e) => problems.push(Diagnostic::error(
                        PathBuf::from(dir).join(&name),
                        format!("This template could not be read: {e}."),
                    )),
                }
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaping also turns `/` into `&#x2F;`, which is safe but makes every
        // address unreadable in the page source; escaping the five markup characters suffices.
        tera.set_escape_fn(crate::escape::escape);
        tera.register_function("say", Say);
        let sources = texts
            .iter()
            .map(|(n, (_, p))| (n.clone(), p.clone()))
            .collect::<BTreeMap<_, _>>();
        let built_in_base = BUILT_IN_TEMPLATES.iter().find(|(n, _)| *n == "base.html");
        let own_base =
            texts.get("base.html").map(|(t, _)| t.as_str()) != built_in_base.map(|b| b.1);
        let pairs: Vec<(String, String)> = texts.into_iter().map(|(n, (t, _))| (n, t)).collect();
        let mut hasher = DefaultHasher::new();
        pairs.hash(&mut hasher);
        if let Err(e) = tera.add_raw_templates(pairs) {
            let named = sources
                .keys()
                .find(|n| e.to_string().contains(n.as_str()))
                .and_then(|n| sources.get(n))
                .cloned();
            problems.push(
                Diagnostic::error(named.unwrap_or_else(|| PathBuf::from("templates")), format!("A template could not be read: {}", error_chain(&e)))
                    .help("Check the template at the place named: every {{ and {% needs its closing }} or %}, and every block its end tag."),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut statics: BTreeMap<String, StaticFile> = BUILT_IN_STATIC
            .iter()
            .map(|(n, t)| (n.to_string(), StaticFile::BuiltIn(t)))
            .collect();
        for dir in ["themes/default/static", "static"] {
            for (name, path) in files_under(&root.join(dir)) {
                statics.insert(name, StaticFile::OnDisk(path));
            }
        }
        Ok(Theme {
            tera,
            fingerprint: hasher.finish(),
            own_base,
            sources,
            statics,
        })
    }

    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, String> {
        // Most pages fit: Tera's own buffer starts at 2 KB and is copied as it grows.
        let mut html = Vec::with_capacity(PAGE_BYTES);
        self.tera
            .render_to(template, ctx, &mut html)
            .map_err(|e| error_chain(&e))?;
        crate::utf8::text(html).map_err(|e| format!("made text that is not UTF-8: {e}"))
    }

    /// A site's own base.html may be from before nav.html, and draw the navigation from
    /// `nav` itself; the built-in one takes it ready made.
    pub fn wants_nav(&self) -> bool {
        self.own_base
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn source_of(&self, template: &str) -> PathBuf {
        self.sources
            .get(template)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(template))
    }

    /// Whether the site's or the theme's static/ folder holds `name`.
    pub fn has_static(&self, name: &str) -> bool {
        self.statics.contains_key(name)
    }

    /// The static files (stylesheets, scripts, images, documents) by their path in the site.
    pub fn static_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.statics
            .iter()
            .map(|(name, file)| {
                let bytes = match file {
                    StaticFile::BuiltIn(text) => text.as_bytes().to_vec(),
                    StaticFile::OnDisk(path) => std::fs::read(path)
                        .with_context(|| format!("could not read {}", path.display()))?,
                };
                Ok((name.clone(), bytes))
            })
            .collect()
    }
}

/// `say(s=t.key, name=value...)`: a string of the site's with each `{name}` filled in,
/// all escaped. A date (`iso` and `text`) becomes a `<time>`; `name_href=url` makes
/// `{name}` a link, and `name_i=true` or `name_code=true` marks it up. Templates keep presenting: the words come from the strings file.
struct Say;

impl tera::Function for Say {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = args.get("s").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("say() needs s=, the string to say (such as s=t.not_recorded)")
        })?;
        let filled = crate::strings::fill(&escape(text), |name| {
            let mut html = value_html(args.get(name)?);
            for tag in ["i", "code"] {
                if args.get(&format!("{name}_{tag}")).and_then(Value::as_bool) == Some(true) {
                    html = format!("<{tag}>{html}</{tag}>");
                }
            }
            Some(
                match args.get(&format!("{name}_href")).and_then(Value::as_str) {
                    Some(href) => format!("<a href=\"{}\">{html}</a>", escape(href)),
                    None => html,
                },
            )
        });
        Ok(Value::String(filled))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

fn value_html(value: &Value) -> String {
    match value {
        Value::String(s) => escape(s),
        Value::Null => String::new(),
        Value::Object(o) => match (
            o.get("iso").and_then(Value::as_str),
            o.get("text").and_then(Value::as_str),
        ) {
            (Some(iso), Some(text)) => {
                format!("<time datetime=\"{}\">{}</time>", escape(iso), escape(text))
            }
            _ => String::new(),
        },
        other => escape(&other.to_string()),
    }
}

/// Files below `dir` by their path relative to it, with `/` separators.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let name = rel
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (!name.starts_with('.')).then(|| (name, e.path().to_path_buf()))
        })
        .collect()
}

/// Tera hides the useful part of an error in its sources.
fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// Status and grade colours, as classes: a stylesheet keeps pages free of inline styles,
/// so a strict Content-Security-Policy works. Also the site's origin, when its base URL is
/// a full address, for the theme's print stylesheet to print links' full addresses.
pub fn colours_css(site: &Site) -> String {
    let mut css =
        String::from("/* Made by waymark from content/site.yaml and the plans' status keys. */\n");
    if let Some(origin) = site_origin(&site.config.base_url) {
        css.push_str(&format!(":root{{--site-origin:{}}}\n", css_string(origin)));
    }
    if let Some(brand) = &site.config.brand_colour {
        css.push_str(&format!(
            ":root{{--brand:{brand};--brand-text:{}}}\n",
            crate::colour::text_on(brand)
        ));
    }
    let mut rule = |class: String, colour: &str| {
        let ink = crate::colour::text_on(colour);
        css.push_str(&format!(".{class}{{background-color:{colour};color:{ink};border-color:{colour}}}\n.seg.{class}{{fill:{colour}}}\n"));
        // The chart's fill patterns are drawn in the colour that reads on the status colour.
        css.push_str(&format!(".hatch.{class}{{stroke:{ink};fill:{ink}}}\n"));
    };
    for g in &site.config.grades {
        rule(grade_class(site, g), &g.colour);
    }
    for plan in &site.plans {
        for s in &plan.statuses {
            rule(status_class(&plan.slug, &s.key), &s.colour);
        }
    }
    css
}

/// `https://example.gov.uk/improvement/` → `https://example.gov.uk`: what a root-relative
/// link (`/improvement/plans/`) needs before it to be a full address. None for a base URL
/// that is only a path.
fn site_origin(base_url: &str) -> Option<&str> {
    if !crate::model::addresses::is_full_address(base_url) {
        return None;
    }
    let (scheme, rest) = base_url.split_once("://")?;
    let host = rest.find('/').map_or(rest, |end| &rest[..end]);
    base_url.get(..scheme.len() + 3 + host.len())
}

/// A CSS string, quoted. The base URL is checked before it gets here, but a stylesheet is
/// no place to trust that: quotes, backslashes and control characters are escaped.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\{:x} ", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_base_url_gives_the_origin_links_print_after() {
        let origin = site_origin;
        assert_eq!(
            origin("https://example.gov.uk/improvement/"),
            Some("https://example.gov.uk")
        );
        assert_eq!(
            origin("http://localhost:1111/"),
            Some("http://localhost:1111")
        );
        assert_eq!(origin("/"), None);
        assert_eq!(origin("/improvement/"), None);
    }

    #[test]
    fn css_strings_escape_what_would_end_them() {
        assert_eq!(css_string("https://a.example"), "\"https://a.example\"");
        assert_eq!(css_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\a d\"");
    }
}
