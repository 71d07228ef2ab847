//! Raw content files → the checked `Site`. Every problem is collected; none stops the others.

mod blocks;
pub mod fields;
mod inspection;
mod milestone;
mod plan;
pub mod site;
mod writing;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::dates::long;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Addresses;
use crate::memo::Memo;
use crate::model::SiteConfig;
use crate::model::{Inspection, Page, Plan, PriorityArea, Report, Site};
use crate::routes::{is_safe_slug, slugify, Routes, LIST_PAGES};
use crate::source::{Cut, SourceFile, Split};
use crate::yaml::{self, Document, YamlPath};

/// What a content file is, from where it sits under content/.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Site,
    Plan { plan: String },
    Area { plan: String, slug: String },
    Inspection { id: String },
    Milestones,
    Report { slug: String },
    Page { slug: String },
}

/// The kinds of content file, each read by its own raw type (and described by its own
/// JSON Schema: `crate::schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Site,
    Plan,
    Area,
    Inspection,
    Milestones,
    Report,
    Page,
    /// A site's wording in one language (strings/<language>.yaml).
    Strings,
}

impl FileKind {
    /// The kind of the content file at `path` (relative to the site root), if it is one.
    pub fn of(path: &Path) -> Option<FileKind> {
        if crate::strings::is_strings_path(path) {
            return Some(FileKind::Strings);
        }
        Some(match classify(path)? {
            Kind::Site => FileKind::Site,
            Kind::Plan { .. } => FileKind::Plan,
            Kind::Area { .. } => FileKind::Area,
            Kind::Inspection { .. } => FileKind::Inspection,
            Kind::Milestones => FileKind::Milestones,
            Kind::Report { .. } => FileKind::Report,
            Kind::Page { .. } => FileKind::Page,
        })
    }
}

/// The raw types that read each kind of file, for `waymark schema`.
pub(crate) mod raw {
    pub(crate) use super::inspection::RawInspection;
    pub(crate) use super::milestone::RawMilestones;
    pub(crate) use super::plan::{RawArea, RawPlan};
    pub(crate) use super::site::RawSite;
    pub(crate) use super::writing::{RawPage, RawReport};
}

/// A file read and its YAML parsed. It owns the file, so that the text can go as soon
/// as the file's item is made: on a large site the texts are a quarter of the memory.
struct Parsed {
    file: SourceFile,
    kind: Kind,
    doc: Arc<Document>,
    cut: Option<Cut>,
}

impl Parsed {
    fn split(&self) -> Option<Split<'_>> {
        self.cut.map(|cut| self.file.split_at(cut))
    }
}

/// Reads and checks every source; the site is returned only when there are no errors.
/// Also told which content files exist but could not be read (not UTF-8, empty, too big),
/// so links to them are not reported as broken on top of that problem.
pub fn site_with_unreadable(
    sources: Vec<SourceFile>,
    unreadable: &[PathBuf],
    today: NaiveDate,
    memo: Option<&Memo>,
) -> (Option<Site>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut failed = unreadable.to_vec();
    let (strings_files, sources): (Vec<SourceFile>, Vec<SourceFile>) =
        sources.into_iter().partition(is_strings_file);
    let parsed: Vec<Parsed> = sources
        .into_par_iter()
        .map(|file| {
            let path = file.path.clone();
            (path, parse(file, memo))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(path, result)| {
            result
                .map_err(|d| {
                    failed.push(path);
                    problems.push(d);
                })
                .ok()
                .flatten()
        })
        .collect();
    crate::timings::mark("parse YAML");
    let config = read_config(&parsed, &failed, &strings_files, today, &mut problems);
    let routes = routes(&parsed, &failed, &mut problems);
    let addresses = match memo {
        Some(memo) => Addresses::keeping(&routes, &memo.markdown),
        None => Addresses::new(&routes),
    };
    let Some(config) = config else {
        return (None, problems.sorted());
    };
    crate::timings::mark("routes");
    let plan_files = plan_folders(&parsed, &failed);
    let site = assemble(parsed, config, addresses, &plan_files, &mut problems);
    let site = (!problems.has_errors()).then_some(site);
    (site, problems.sorted())
}

fn not_a_language_tag(doc: &Document, tag: &str) -> Diagnostic {
    doc.error_at(&YamlPath::root().key("language"), format!("`{tag}` is not a language tag, so browsers and screen readers would not know the site's language."))
        .help("Write the language's short code: `en-GB` for British English, `cy` for Welsh, `ga` for Irish, `gd` for Scottish Gaelic.")
}

/// A strings file, read from outside content/ beside the content files (see [`crate::strings`]).
fn is_strings_file(file: &SourceFile) -> bool {
    crate::strings::is_strings_path(&file.path)
}

fn classify(path: &Path) -> Option<Kind> {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    let stem = || {
        Path::new(parts.last().copied().unwrap_or(""))
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string()
    };
    let is_md = path.extension().is_some_and(|e| e == "md");
    match parts.as_slice() {
        ["content", "site.yaml" | "site.yml"] => Some(Kind::Site),
        ["content", "milestones.yaml" | "milestones.yml"] => Some(Kind::Milestones),
        ["content", "plans", plan, "plan.yaml" | "plan.yml"] => Some(Kind::Plan {
            plan: plan.to_string(),
        }),
        ["content", "plans", plan, _] if !is_md => Some(Kind::Area {
            plan: plan.to_string(),
            slug: slugify(&stem()),
        }),
        ["content", "inspections", _] if is_md => Some(Kind::Inspection { id: stem() }),
        ["content", "reports", _] if is_md => Some(Kind::Report {
            slug: slugify(&stem()),
        }),
        ["content", "pages", _] if is_md => Some(Kind::Page {
            slug: slugify(&stem()),
        }),
        _ => None,
    }
}

/// Ok(None) for a file Waymark does not publish; it still gets a warning.
fn parse(file: SourceFile, memo: Option<&Memo>) -> Result<Option<Parsed>, Diagnostic> {
    let Some(kind) = classify(&file.path) else {
        return Err(Diagnostic::warning(&file.path, "Waymark does not know what this file is, so it is not on the site.")
            .help("Plans go in content/plans/<plan>/, inspections in content/inspections/, milestones in content/milestones.yaml, reports in content/reports/ and other pages in content/pages/ (Markdown files end in .md, YAML files in .yaml)."));
    };
    let is_md = file.path.extension().is_some_and(|e| e == "md");
    let (doc, cut) = if is_md {
        let cut = file.cut()?;
        let split = file.split_at(cut);
        (
            parse_yaml(&file, split.front_offset, split.front, memo)?,
            Some(cut),
        )
    } else {
        (parse_yaml(&file, 0, &file.text, memo)?, None)
    };
    if !doc.value.is_mapping() {
        return Err(doc
            .error_at(
                &YamlPath::root(),
                "This file should be a list of `name: value` fields, but it is not.",
            )
            .help("Compare it with the example in the authoring guide (docs/authoring.md)."));
    }
    Ok(Some(Parsed {
        file,
        kind,
        doc,
        cut,
    }))
}

/// Parses YAML, or takes what the last build parsed from this same read of the file.
fn parse_yaml(
    file: &SourceFile,
    offset: usize,
    text: &str,
    memo: Option<&Memo>,
) -> Result<Arc<Document>, Diagnostic> {
    let parse = || yaml::parse(&file.path, &file.text, offset, text).map(Arc::new);
    let Some(memo) = memo else {
        return parse();
    };
    if let Some(doc) = memo.yaml.get(&file.read, |_| true) {
        return Ok(doc);
    }
    let doc = parse()?;
    memo.yaml.put(file.read, Arc::clone(&doc));
    Ok(doc)
}

/// `failed` names the files already reported as unreadable or malformed: a site.yaml
/// among them is not reported missing as well.
fn read_config(
    parsed: &[Parsed],
    failed: &[PathBuf],
    strings_files: &[SourceFile],
    today: NaiveDate,
    problems: &mut Diagnostics,
) -> Option<SiteConfig> {
    let Some(site) = parsed.iter().find(|p| p.kind == Kind::Site) else {
        if failed
            .iter()
            .any(|f| classify(f).is_some_and(|k| k == Kind::Site))
        {
            return None;
        }
        problems.push(
            Diagnostic::error("content/site.yaml", "There is no content/site.yaml, so Waymark does not know the site's title or organisation.")
                .help("Create content/site.yaml with at least `organisation:`, `title:` and `grades:` (see the authoring guide (docs/authoring.md))."),
        );
        return None;
    };
    let mut found = Vec::new();
    let language: Option<String> = site
        .doc
        .read(&YamlPath::root().key("language"), "the language")
        .ok()
        .flatten();
    let language = match language {
        Some(tag) if !crate::strings::is_language_tag(&tag) => {
            found.push(not_a_language_tag(&site.doc, &tag));
            "en-GB".into()
        }
        tag => tag.unwrap_or_else(|| "en-GB".into()),
    };
    let strings = crate::strings::for_language(&language, strings_files, &mut found);
    let config = site::read(&site.doc, today, strings, &mut found);
    problems.extend(found);
    config
}

/// Where each file is published; two files at one address is an error. Files that failed
/// to load keep the address their name gives them, so links to them still resolve.
fn routes(parsed: &[Parsed], failed: &[PathBuf], problems: &mut Diagnostics) -> Routes {
    let mut routes = Routes::default();
    let builtin = PathBuf::from("(a page Waymark makes)");
    for url in LIST_PAGES {
        let _ = routes.add(&builtin, url.to_string());
    }
    // Each plan's committee pack, before any file can take its address.
    for p in parsed {
        if let Kind::Plan { plan } = &p.kind {
            let _ = routes.add(&builtin, format!("plans/{}/committee-pack/", slugify(plan)));
        }
    }
    let mut plan_slugs = BTreeMap::new();
    for p in parsed {
        if let Kind::Plan { plan } = &p.kind {
            plan_slugs.insert(plan.clone(), ());
        }
        let url = match &p.kind {
            Kind::Page { slug } => match page_slug(p, slug, problems) {
                Some(s) => format!("{s}/"),
                None => continue,
            },
            other => match default_url(other) {
                Some(url) => url,
                None => continue,
            },
        };
        if let Err(other) = routes.add(&p.file.path, url) {
            let url = routes.url_of(&p.file.path).unwrap_or_default();
            let whose = if other == builtin {
                "a page Waymark makes itself".to_string()
            } else {
                other.display().to_string()
            };
            let root = YamlPath::root();
            let at = p.doc.span(&root.key("slug")).or_else(|| p.doc.span(&root));
            problems.push(
                Diagnostic::error(&p.file.path, format!("This would be published at /{url}, which is already the address of {whose}."))
                    .at(at)
                    .help("Rename this file (or change its `slug`) so that every page has its own address."),
            );
        }
    }
    for path in failed {
        if let Some(url) = classify(path).as_ref().and_then(default_url) {
            // Taken addresses are left alone: these files are already reported.
            let _ = routes.add(path, url);
        }
    }
    routes
}

/// The address a file's place under content/ gives it; pages may choose another (`slug`).
fn default_url(kind: &Kind) -> Option<String> {
    Some(match kind {
        Kind::Site | Kind::Milestones => return None,
        Kind::Plan { plan } => format!("plans/{}/", slugify(plan)),
        Kind::Area { plan, slug } => format!("plans/{}/{slug}/", slugify(plan)),
        Kind::Inspection { id } => format!("inspections/{}/", slugify(id)),
        Kind::Report { slug } => format!("reports/{slug}/"),
        Kind::Page { slug } => format!("{slug}/"),
    })
}

fn page_slug(p: &Parsed, default: &str, problems: &mut Diagnostics) -> Option<String> {
    let chosen = p
        .doc
        .value
        .get("slug")
        .and_then(|v| v.as_str())
        .map(|s| s.trim().trim_end_matches('/').to_string());
    match chosen {
        None => Some(default.to_string()),
        Some(s) if is_safe_slug(&s) => Some(s),
        Some(s) => {
            problems.push(
                p.doc
                    .error_at(&YamlPath::root().key("slug"), format!("`slug: {s}` cannot be used: a page's address may only use lower-case letters, digits, hyphens and `/` between words."))
                    .help(format!("Use something like `slug: {}`. Addresses that start with `/` or contain `..` are refused because they could write outside the site.", slugify(&s))),
            );
            None
        }
    }
}

/// The plan folders (as slugs) that hold a plan.yaml, read or not: an area beside a
/// plan.yaml that is already reported is not told its folder has none.
fn plan_folders(parsed: &[Parsed], failed: &[PathBuf]) -> BTreeSet<String> {
    let kinds = parsed
        .iter()
        .map(|p| Some(p.kind.clone()))
        .chain(failed.iter().map(|f| classify(f)));
    kinds
        .filter_map(|k| match k {
            Some(Kind::Plan { plan }) => Some(slugify(&plan)),
            _ => None,
        })
        .collect()
}

fn assemble(
    parsed: Vec<Parsed>,
    config: SiteConfig,
    addresses: Addresses<'_>,
    plan_files: &BTreeSet<String>,
    problems: &mut Diagnostics,
) -> Site {
    let mut plans = read_plans(&parsed, &config, addresses, problems);
    // The site and plan files are kept for the messages checked last; every other file
    // is dropped as soon as its item is made.
    let (kept, items): (Vec<Parsed>, Vec<Parsed>) = parsed
        .into_iter()
        .partition(|p| matches!(p.kind, Kind::Site | Kind::Plan { .. }));
    let results: Vec<(Item, Vec<Diagnostic>)> = items
        .into_par_iter()
        .map(|p| {
            let mut found = Vec::new();
            // A file that could not be read still reports why, so keep `found` either way.
            let item = read_item(&p, &plans, &config, addresses, &mut found).unwrap_or(Item::Skip);
            (item, found)
        })
        .collect();
    crate::timings::mark("read items and Markdown");
    let (mut inspections, mut reports, mut pages): (Vec<Inspection>, _, _) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut milestones = Vec::new();
    let mut areas: BTreeMap<String, Vec<(PriorityArea, PathBuf)>> = BTreeMap::new();
    let mut ids: BTreeMap<String, Vec<plan::IdPlace>> = BTreeMap::new();
    for (item, found) in results {
        problems.extend(found);
        match item {
            Item::Area {
                plan,
                area,
                file,
                ids: placed,
            } => {
                ids.entry(plan.clone()).or_default().extend(placed);
                areas.entry(plan).or_default().push((area, file));
            }
            Item::Inspection(i) => inspections.push(*i),
            Item::Milestones(m) => milestones = m,
            Item::Report(r) => reports.push(r),
            Item::Page(p) => pages.push(p),
            Item::Skip => {}
        }
    }
    for plan in plans.values_mut() {
        let mine = areas.remove(&plan.slug).unwrap_or_default();
        attach_areas(plan, mine, problems);
        duplicate_ids(ids.remove(&plan.slug).unwrap_or_default(), problems);
    }
    for (slug, orphans) in areas.into_iter().filter(|(s, _)| !plan_files.contains(s)) {
        for (_, file) in orphans {
            problems.push(
                Diagnostic::error(&file, format!("This priority area is in content/plans/{slug}/, but that folder has no plan.yaml."))
                    .help("Add plan.yaml to the folder (it holds the plan's title and status key), or move this file into a plan's folder."),
            );
        }
    }
    let inspections = crate::model::timeline_order(inspections);
    reports.sort_by(|a: &Report, b: &Report| (b.date, &a.slug).cmp(&(a.date, &b.slug)));
    pages.sort_by(|a: &Page, b: &Page| a.slug.cmp(&b.slug));
    let plans: Vec<Plan> = plans.into_values().collect();
    check_references(&kept, &plans, &inspections, problems);
    let uses = reports.iter().flat_map(|r| &r.blocks);
    let uses = uses.chain(pages.iter().flat_map(|p| &p.blocks));
    let mut found = Vec::new();
    blocks::check(uses, &plans, &mut found);
    problems.extend(found);
    Site {
        config,
        plans,
        inspections,
        milestones,
        reports,
        pages,
    }
}

enum Item {
    Area {
        plan: String,
        area: PriorityArea,
        file: PathBuf,
        ids: Vec<plan::IdPlace>,
    },
    Inspection(Box<Inspection>),
    Milestones(Vec<crate::model::Milestone>),
    Report(Report),
    Page(Page),
    Skip,
}

fn read_plans(
    parsed: &[Parsed],
    config: &SiteConfig,
    addresses: Addresses<'_>,
    problems: &mut Diagnostics,
) -> BTreeMap<String, Plan> {
    let mut plans = BTreeMap::new();
    for p in parsed {
        if let Kind::Plan { plan } = &p.kind {
            let mut found = Vec::new();
            if let Some(read) =
                plan::read_plan(&p.doc, &slugify(plan), addresses, config.as_at, &mut found)
            {
                plans.insert(plan.clone(), read);
            }
            problems.extend(found);
        }
    }
    plans
}

fn read_item(
    p: &Parsed,
    plans: &BTreeMap<String, Plan>,
    config: &SiteConfig,
    addresses: Addresses<'_>,
    found: &mut Vec<Diagnostic>,
) -> Option<Item> {
    let split = p.split();
    Some(match &p.kind {
        Kind::Site | Kind::Plan { .. } => Item::Skip,
        Kind::Area { plan, slug } => {
            let Some(owner) = plans.get(plan) else {
                // Reported once the plans are known: the area has no plan.yaml beside it.
                let area = PriorityArea {
                    number: 0,
                    slug: slug.clone(),
                    title: String::new(),
                    summary: None,
                    editorial_note: Default::default(),
                    outcomes: Vec::new(),
                };
                return Some(Item::Area {
                    plan: slugify(plan),
                    area,
                    file: p.file.path.clone(),
                    ids: Vec::new(),
                });
            };
            let mut ids = Vec::new();
            let area = plan::read_area(&p.doc, slug, owner, addresses, found, &mut ids)?;
            found.extend(overdue_notices(owner, &area, &p.doc, &ids));
            Item::Area {
                plan: owner.slug.clone(),
                area,
                file: p.file.path.clone(),
                ids,
            }
        }
        Kind::Inspection { id } => {
            let event = inspection::read_inspection(&p.doc, id, &split?, config, addresses, found)?;
            found.extend(inspection::after_as_at(&p.doc, &event, config.as_at));
            Item::Inspection(Box::new(event))
        }
        Kind::Milestones => Item::Milestones(milestone::read_milestones(&p.doc, found)),
        Kind::Report { slug } => Item::Report(writing::read_report(
            &p.doc, slug, &split?, addresses, found,
        )?),
        Kind::Page { slug } => {
            let head = writing::read_page_head(&p.doc)
                .map_err(|d| found.push(d))
                .ok()?;
            let slug = head
                .slug
                .as_deref()
                .map(|s| s.trim().trim_end_matches('/').to_string())
                .unwrap_or_else(|| slug.clone());
            Item::Page(writing::read_page(
                &p.doc, head, &slug, &split?, addresses, found,
            ))
        }
    })
}

fn attach_areas(
    plan: &mut Plan,
    mut areas: Vec<(PriorityArea, PathBuf)>,
    problems: &mut Diagnostics,
) {
    areas.sort_by(|a, b| (a.0.number, &a.0.slug).cmp(&(b.0.number, &b.0.slug)));
    let mut seen: HashMap<u32, PathBuf> = HashMap::new();
    for (area, file) in &areas {
        if let Some(first) = seen.insert(area.number, file.clone()) {
            problems.push(
                Diagnostic::error(
                    file,
                    format!(
                        "Priority area number {} is also used by {}.",
                        area.number,
                        first.display()
                    ),
                )
                .help("Give each priority area of a plan its own `number`."),
            );
        }
    }
    plan.areas = areas.into_iter().map(|(a, _)| a).collect();
}

fn duplicate_ids(places: Vec<plan::IdPlace>, problems: &mut Diagnostics) {
    let mut first: HashMap<String, plan::IdPlace> = HashMap::new();
    for place in places {
        match first.get(&place.slug) {
            Some(other) => {
                let same = if other.id == place.id {
                    String::new()
                } else {
                    format!(" (`{}`), which makes the same web address", other.id)
                };
                let whose = if other.file == place.file {
                    format!("the one on line {}", other.line)
                } else {
                    format!("the one in {}, line {}", other.file.display(), other.line)
                };
                problems.push(
                    Diagnostic::error(&place.file, format!("Two actions have the id `{}`: this one and {whose}{same}.", place.id))
                        .at(place.span.clone())
                        .help("Give each action its own id. Ids form the actions' web addresses, so never reuse one."),
                );
            }
            None => {
                first.insert(place.slug.clone(), place);
            }
        }
    }
}

fn check_references(
    parsed: &[Parsed],
    plans: &[Plan],
    inspections: &[Inspection],
    problems: &mut Diagnostics,
) {
    check_superseded_by(parsed, plans, problems);
    for plan in plans {
        let Some(target) = &plan.responds_to else {
            continue;
        };
        if inspections.iter().any(|i| &i.id == target) {
            continue;
        }
        let Some(p) = parsed
            .iter()
            .find(|p| matches!(&p.kind, Kind::Plan { plan: s } if slugify(s) == plan.slug))
        else {
            continue;
        };
        let ids: Vec<&str> = inspections.iter().map(|i| i.id.as_str()).collect();
        let mut help = "Use the name of a file in content/inspections/ without `.md`.".to_string();
        if let Some(near) = crate::diagnostics::closest(target, ids.iter().copied()) {
            help = format!("Did you mean `{near}`? {help}");
        }
        problems.push(
            p.doc
                .error_at(
                    &YamlPath::root().key("responds_to"),
                    format!("`responds_to: {target}` names an inspection that does not exist."),
                )
                .help(help),
        );
    }
}

/// `superseded_by` names another plan, and following it always ends at a current plan.
fn check_superseded_by(parsed: &[Parsed], plans: &[Plan], problems: &mut Diagnostics) {
    let by_slug = |slug: &str| plans.iter().find(|p| p.slug == slug);
    for plan in plans {
        let Some(target) = &plan.superseded_by else {
            continue;
        };
        let Some(p) = parsed
            .iter()
            .find(|p| matches!(&p.kind, Kind::Plan { plan: s } if slugify(s) == plan.slug))
        else {
            continue;
        };
        let at = YamlPath::root().key("superseded_by");
        let others = plans
            .iter()
            .map(|p| p.slug.as_str())
            .filter(|s| *s != plan.slug);
        let problem = match by_slug(target) {
            None => {
                let mut help = "Use the folder name of another plan in content/plans/.".to_string();
                if let Some(near) = crate::diagnostics::closest(target, others) {
                    help = format!("Did you mean `{near}`? {help}");
                }
                p.doc
                    .error_at(&at, format!("`superseded_by: {target}` names a plan that does not exist."))
                    .help(help)
            }
            Some(_) if supersession_loops(plan, by_slug) => p
                .doc
                .error_at(&at, format!("`superseded_by: {target}` leads back to this plan, so none of them would be current."))
                .help("Name the later plan that took this one's place; the latest plan has no `superseded_by`."),
            Some(_) => continue,
        };
        problems.push(problem);
    }
}

fn supersession_loops<'a>(start: &'a Plan, by_slug: impl Fn(&str) -> Option<&'a Plan>) -> bool {
    let mut seen = vec![start.slug.as_str()];
    let mut next = start.superseded_by.as_deref();
    while let Some(slug) = next {
        if seen.contains(&slug) {
            return true;
        }
        seen.push(slug);
        next = by_slug(slug).and_then(|p| p.superseded_by.as_deref());
    }
    false
}

/// `check` lists overdue actions for the record: information, not a fault in the file.
fn overdue_notices(
    plan: &Plan,
    area: &PriorityArea,
    doc: &Document,
    ids: &[plan::IdPlace],
) -> Vec<Diagnostic> {
    area.actions()
        .filter(|a| plan.is_overdue(a))
        .map(|a| {
            let span = ids.iter().find(|p| p.id == a.id).and_then(|p| p.span.clone());
            let due = plan.effective_due(a).map(long).unwrap_or_default();
            Diagnostic::info(&doc.file, format!("Action {} is overdue: it was due by {due} and is not complete as at {}.", a.id, long(plan.as_at)))
                .at(span)
                .help("If it is done, give it a complete status; if it is delayed, add a delay block with a revised due date.")
        })
        .collect()
}
