//! Pages from the checked site: the theme's Tera templates (site overrides first), rendered
//! in parallel, each page handed a typed view.

mod blocks;
pub mod chart;
pub mod feeds;
pub mod open_data;
mod pack;
mod publishing;
pub mod search;
pub mod theme;
pub mod views;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::figures;
use crate::model::addresses::*;
use crate::model::{Action, Inspection, Page, Plan, PriorityArea, Report, Site, ROOT};
use crate::output::{Pages, Staging, Unwritten};
use crate::routes::Links;
use publishing::{data_page, search_page};
pub use theme::Theme;
use views::*;

/// One page to make.
enum Job<'a> {
    Home,
    Plans,
    Plan(&'a Plan),
    Pack(&'a Plan),
    Area(&'a Plan, &'a PriorityArea),
    Action(&'a Plan, &'a PriorityArea, &'a Action),
    Inspections,
    Inspection(&'a Inspection),
    Reports,
    Report(&'a Report),
    Page(&'a Page),
    Accessibility,
    Search,
    Data,
    NotFound,
}

fn jobs(site: &Site) -> Vec<Job<'_>> {
    let mut jobs = vec![
        Job::Home,
        Job::Plans,
        Job::Inspections,
        Job::Reports,
        Job::Accessibility,
        Job::Search,
        Job::Data,
        Job::NotFound,
    ];
    for plan in &site.plans {
        jobs.push(Job::Plan(plan));
        jobs.push(Job::Pack(plan));
        for area in &plan.areas {
            jobs.push(Job::Area(plan, area));
            jobs.extend(area.actions().map(|a| Job::Action(plan, area, a)));
        }
    }
    jobs.extend(site.inspections.iter().map(Job::Inspection));
    jobs.extend(site.reports.iter().map(Job::Report));
    jobs.extend(
        site.pages
            .iter()
            .filter(|p| p.slug != "accessibility")
            .map(Job::Page),
    );
    jobs
}

/// Renders every page into `staging`. Returns the number of pages, or the problems.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    links: Links,
    staging: &Staging,
) -> Result<usize, Vec<Diagnostic>> {
    let jobs = jobs(site);
    let chrome = Chrome::default();
    let publish = || {
        let written = publishing_files(site, links).and_then(|files| {
            files
                .iter()
                .chain(&assets(site, theme)?)
                .try_for_each(|(path, bytes)| write_file(staging, path, bytes))
        });
        crate::timings::mark("data, feed, search and static files");
        written
    };
    // The data, feed and search files need no page. They are made on a thread of their
    // own, beside the pool's, which takes up a core while a page's thread waits on
    // the disk (ext4 makes one folder at a time in `reports/`).
    let (rendered, publishing) = std::thread::scope(|scope| {
        let publishing = scope.spawn(publish);
        let rendered = render_pages(site, theme, &chrome, links, &jobs, staging);
        let publishing = publishing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (rendered, publishing)
    });
    crate::timings::mark("render pages and write files");
    let mut problems = rendered;
    problems.extend(publishing.err());
    if problems.is_empty() {
        Ok(jobs.len())
    } else {
        Err(problems)
    }
}

/// Renders and writes every page; returns the problems.
fn render_pages(
    site: &Site,
    theme: &Theme,
    chrome: &Chrome,
    links: Links,
    jobs: &[Job<'_>],
    staging: &Staging,
) -> Vec<Diagnostic> {
    let files = jobs.par_iter().map(|job| file_of(&address(job))).collect();
    let writer = Pages::new(staging, files);
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    // Each thread takes the next page in turn, so that pages are rendered in the order
    // their folders are made (see `Pages`).
    rayon::broadcast(|_| loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(n) else { break };
        let written = render_job(site, theme, chrome, links, job)
            .and_then(|html| writer.write(n, html.into_bytes()).map_err(unwritten));
        if let Err(problem) = written {
            problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(problem);
        }
    });
    crate::timings::mark("pages rendered (kept pages still to write)");
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    problems.extend(writer.finish().into_iter().map(unwritten));
    problems
}

fn write_file(staging: &Staging, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    staging.write(path, bytes).map_err(|error| {
        unwritten(Unwritten {
            rel: path.to_string(),
            error,
        })
    })
}

fn unwritten(failed: Unwritten) -> Diagnostic {
    let Unwritten { rel, error } = failed;
    Diagnostic::error(&rel, format!("Could not write /{rel}: {error:#}"))
}

/// Where a page's address is written: a folder's page is its index.html.
fn file_of(address: &str) -> String {
    if address.ends_with(".html") {
        address.to_string()
    } else {
        format!("{address}index.html")
    }
}

/// Every page by the file it is written to (`reports/x/index.html`), numbered for
/// [`render_page`]: serve mode renders a page only when a browser asks for it.
pub fn page_files(site: &Site) -> HashMap<String, usize> {
    jobs(site)
        .iter()
        .enumerate()
        .map(|(n, job)| (file_of(&address(job)), n))
        .collect()
}

/// Renders page `n` of [`page_files`].
pub fn render_page(
    site: &Site,
    theme: &Theme,
    links: Links,
    n: usize,
) -> Result<String, Diagnostic> {
    let jobs = jobs(site);
    let job = jobs
        .get(n)
        .ok_or_else(|| Diagnostic::error("site", format!("There is no page number {n}.")))?;
    render_job(site, theme, &Chrome::default(), links, job)
}

/// The stylesheets, scripts and other static files, and the colours stylesheet.
pub fn assets(site: &Site, theme: &Theme) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = theme
        .static_files()
        .map_err(|e| Diagnostic::error("static", format!("{e:#}")))?;
    files.push(("colours.css".into(), theme::colours_css(site).into_bytes()));
    Ok(files)
}

/// The data files, feed, sitemap, robots.txt and search index: made from the model, not
/// from templates.
pub fn publishing_files(site: &Site, links: Links) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail = |what: &str, e: anyhow::Error| Diagnostic::error(what, format!("{e:#}"));
    let data = open_data::files(site);
    let index = search::index(site, links);
    let mut files = data.map_err(|e| fail("data", e))?;
    let pages: Vec<String> = jobs(site)
        .iter()
        .filter(|job| !matches!(job, Job::NotFound))
        .map(address)
        .collect();
    files.extend(
        feeds::files(site, &pages)
            .into_iter()
            .map(|(p, text)| (p, text.into_bytes())),
    );
    let index = search::script(&index).map_err(|e| fail(search::INDEX_PATH, e))?;
    files.push((search::INDEX_PATH.to_string(), index.into_bytes()));
    Ok(files)
}

/// Renders one page.
fn render_job(
    site: &Site,
    theme: &Theme,
    chrome: &Chrome,
    links: Links,
    job: &Job<'_>,
) -> Result<String, Diagnostic> {
    let path = address(job);
    let (template, mut ctx) = page(site, job);
    blocks::insert_filled(site, theme, job, &mut ctx)?;
    let root = root_for(site, links, &path);
    chrome.insert_site_wide(&mut ctx, site, &root);
    ctx.insert("path", &path);
    // A canonical address is only useful when it is a full one.
    ctx.insert(
        "canonical",
        &crate::model::addresses::full_address(site, &path),
    );
    ctx.insert("meta_description", &meta_description(site, &ctx));
    let section = ctx.get("section").and_then(|s| s.as_str()).unwrap_or("");
    let nav = nav(site, section, &path);
    let failed = |t: &str, what: String| {
        Diagnostic::error(theme.source_of(t), format!("The template `{t}`{what}"))
            .help("Check the template around the place named. If you did not change the templates, this is a bug in Waymark: please report it with this message.")
    };
    // Not tied to this page, so the same message for every page is shown once.
    let parts = chrome
        .parts(site, theme, &root, &nav)
        .map_err(|(t, e)| failed(t, format!(", part of every page, failed: {e}")))?;
    ctx.insert("chrome", parts.as_ref());
    if theme.wants_nav() {
        ctx.insert("nav", &nav);
    }
    let html = theme.render(template, &ctx).map_err(|e| {
        failed(
            template,
            format!(" failed while making the page /{path}: {e}"),
        )
    })?;
    let mut html = with_root(html, &root);
    if links == Links::Relative {
        html = relative_links(&html);
    }
    Ok(html)
}

/// Internal links from Markdown start with [`ROOT`]: this page's way back to the root
/// goes there, escaped as every other attribute value is (it comes from the base URL).
/// Searched for with memchr, which skims a page many bytes at a time.
fn with_root(html: String, root: &str) -> String {
    let mut found = memchr::memmem::find_iter(html.as_bytes(), ROOT.as_bytes()).peekable();
    if found.peek().is_none() {
        return html;
    }
    let root = &crate::escape::escape(root);
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for at in found {
        out.push_str(&html[copied..at]);
        out.push_str(root);
        copied = at + ROOT.len();
    }
    out.push_str(&html[copied..]);
    out
}

/// Every page gets a description for search engines and link previews: its own, else the
/// site's, else its title.
fn meta_description(site: &Site, ctx: &Context) -> String {
    let own = |key: &str| {
        ctx.get(key)
            .and_then(|v| v.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    own("description")
        .or_else(|| site.config.description.clone())
        .or_else(|| own("title"))
        .unwrap_or_default()
}

/// The way back to the site root from the page at `path`.
fn root_for(site: &Site, links: Links, path: &str) -> String {
    match links {
        Links::Rooted => site.config.base_path.clone(),
        Links::Relative => {
            let depth = path.matches('/').count();
            if depth == 0 {
                "./".into()
            } else {
                "../".repeat(depth)
            }
        }
    }
}

/// From disk, a folder link opens a listing, not the page: point links at index.html.
fn relative_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        let (before, after) = rest.split_at(i + 6);
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let url = &after[..end];
        let local = !url.contains("://")
            && !url.starts_with("mailto:")
            && !url.starts_with("tel:")
            && !url.starts_with('#');
        let (path, frag) = url.split_once('#').map_or((url, ""), |(p, f)| (p, f));
        out.push_str(path);
        if local && (path.ends_with('/') || path == ".") {
            out.push_str(if path == "." {
                "/index.html"
            } else {
                "index.html"
            });
        }
        if !frag.is_empty() || url.contains('#') {
            out.push('#');
            out.push_str(frag);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The header, navigation and footer every page shares, each rendered from its own
/// template once for every way it can look (the way back to the root, the item the
/// navigation marks as current) and reused, as Hugo's `partialCached` does: rendered
/// afresh on every page they were a tenth of a large build's work.
#[derive(Default)]
struct Chrome {
    made: Mutex<HashMap<ChromeKey, Arc<ChromeParts>>>,
    /// `site` and `as_at`, made into template values once: copying them into each page's
    /// context is cheaper than making them again.
    site_wide: OnceLock<Context>,
}

type ChromeKey = (String, Vec<Option<&'static str>>);

#[derive(Serialize)]
struct ChromeParts {
    header: String,
    nav: String,
    footer: String,
}

impl Chrome {
    /// What every template is given: the way back to the root, the site, its as-at date
    /// and the date it was last updated.
    fn insert_site_wide(&self, ctx: &mut Context, site: &Site, root: &str) {
        ctx.insert("root", root);
        let site_wide = self.site_wide.get_or_init(|| {
            let mut values = Context::new();
            values.insert("site", &SiteView::new(site));
            values.insert("t", &site.config.strings);
            values.insert("as_at", &site.config.strings.date(site.config.as_at));
            values.insert(
                "last_updated",
                &figures::last_updated(site).map(|d| site.config.strings.date(d)),
            );
            values
        });
        ctx.extend(site_wide.clone());
    }

    /// The shared parts for a page whose root is `root` and whose navigation is `nav`;
    /// on failure, the template that failed and why.
    fn parts(
        &self,
        site: &Site,
        theme: &Theme,
        root: &str,
        nav: &[NavItem],
    ) -> Result<Arc<ChromeParts>, (&'static str, String)> {
        let key = (root.to_string(), nav.iter().map(|i| i.current).collect());
        let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(parts) = made().get(&key) {
            return Ok(Arc::clone(parts));
        }
        let mut ctx = Context::new();
        self.insert_site_wide(&mut ctx, site, root);
        ctx.insert("nav", nav);
        let part = |name: &'static str| theme.render(name, &ctx).map_err(|e| (name, e));
        let parts = Arc::new(ChromeParts {
            header: part("header.html")?,
            nav: part("nav.html")?,
            footer: part("footer.html")?,
        });
        // Two threads may both have made it; both made the same.
        made().insert(key, Arc::clone(&parts));
        Ok(parts)
    }
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    url: String,
    section: String,
    /// `aria-current`: "page" on the item's own page, "true" elsewhere in its section.
    current: Option<&'static str>,
}

/// The main navigation as seen from the page at `path`, in `section`.
fn nav(site: &Site, section: &str, path: &str) -> Vec<NavItem> {
    let mut items = nav_items(site);
    for item in items.iter_mut().filter(|i| i.section == section) {
        item.current = Some(if item.url == path { "page" } else { "true" });
    }
    items
}

fn nav_items(site: &Site) -> Vec<NavItem> {
    let item = |title: &str, url: String, section: &str| NavItem {
        title: title.to_string(),
        url,
        section: section.to_string(),
        current: None,
    };
    let s = &site.config.strings;
    let mut items = vec![item(s.get("home"), String::new(), "home")];
    match site.plans.as_slice() {
        [one] => items.push(item(s.get("action_plan"), plan_url(one), "plans")),
        [] => {}
        _ => items.push(item(s.get("action_plans"), "plans/".into(), "plans")),
    }
    items.push(item(
        s.get("nav_inspections"),
        "inspections/".into(),
        "inspections",
    ));
    items.push(item(s.get("nav_reports"), "reports/".into(), "reports"));
    items.push(item(s.get("search"), "search/".into(), "search"));
    items.extend(
        nav_pages(&site.pages)
            .into_iter()
            .map(|p| item(&p.title, page_url(p), &page_section(p))),
    );
    items
}

/// Pages with a `nav_order`, lowest first (then by title), and about.md last without one.
fn nav_pages(pages: &[Page]) -> Vec<&Page> {
    let mut listed: Vec<&Page> = pages.iter().filter(|p| p.nav_order.is_some()).collect();
    listed.sort_by(|a, b| (a.nav_order, &a.title).cmp(&(b.nav_order, &b.title)));
    let about = pages
        .iter()
        .filter(|p| p.slug == "about" && p.nav_order.is_none());
    listed.extend(about);
    listed
}

/// The section a page is in, for the navigation's `aria-current`: its own.
fn page_section(page: &Page) -> String {
    match page.slug.as_str() {
        "about" => "about".to_string(),
        slug => format!("page/{slug}"),
    }
}

/// The page's address, from the site's root.
fn address(job: &Job<'_>) -> String {
    match *job {
        Job::Home => String::new(),
        Job::Plans => "plans/".into(),
        Job::Plan(plan) => plan_url(plan),
        Job::Pack(plan) => committee_pack_url(plan),
        Job::Area(plan, area) => area_url(plan, area),
        Job::Action(plan, _, action) => action_url(plan, action),
        Job::Inspections => "inspections/".into(),
        Job::Inspection(i) => inspection_url(i),
        Job::Reports => "reports/".into(),
        Job::Report(r) => report_url(r),
        Job::Page(p) => page_url(p),
        Job::Accessibility => "accessibility/".into(),
        Job::Search => "search/".into(),
        Job::Data => "data/".into(),
        Job::NotFound => "404.html".into(),
    }
}

/// The page's template and its view.
fn page(site: &Site, job: &Job<'_>) -> (&'static str, Context) {
    match *job {
        Job::Home => ("home.html", home(site)),
        Job::Plans => {
            let mut ctx = base(
                site.config.strings.get("action_plans"),
                Some(site.config.strings.get("plans_description")),
                "plans",
                crumbs(&site.config.strings, &[]),
            );
            ctx.insert("plans", &current_plans(site));
            ctx.insert("earlier_plans", &earlier_plans(site));
            ("plans.html", ctx)
        }
        Job::Plan(plan) => ("plan.html", plan_page(site, plan)),
        Job::Pack(plan) => ("committee_pack.html", pack::pack_page(site, plan)),
        Job::Area(plan, area) => ("area.html", area_page(site, plan, area)),
        Job::Action(plan, area, action) => ("action.html", action_page(site, plan, area, action)),
        Job::Inspections => ("inspections.html", inspections_page(site)),
        Job::Inspection(i) => ("inspection.html", inspection_page(site, i)),
        Job::Reports => {
            let mut ctx = base(
                site.config.strings.get("progress_reports"),
                Some(site.config.strings.get("reports_description")),
                "reports",
                crumbs(&site.config.strings, &[]),
            );
            ctx.insert(
                "reports",
                &site
                    .reports
                    .iter()
                    .map(|r| report_list_item(&site.config.strings, r))
                    .collect::<Vec<_>>(),
            );
            ("reports.html", ctx)
        }
        Job::Report(r) => {
            let mut ctx = base(
                &r.title,
                r.summary.as_deref(),
                "reports",
                crumbs(
                    &site.config.strings,
                    &[(
                        site.config.strings.get("progress_reports"),
                        "reports/".into(),
                    )],
                ),
            );
            ctx.insert("report", &report_view(&site.config.strings, r));
            ("report.html", ctx)
        }
        Job::Page(p) => {
            let mut ctx = base(
                &p.title,
                p.summary.as_deref(),
                &page_section(p),
                crumbs(&site.config.strings, &[]),
            );
            ctx.insert("body", &p.body);
            ("page.html", ctx)
        }
        Job::Accessibility => ("accessibility.html", accessibility_page(site)),
        Job::Search => ("search.html", search_page(site)),
        Job::Data => ("data.html", data_page(site)),
        Job::NotFound => (
            "404.html",
            base(
                site.config.strings.get("page_not_found"),
                None,
                "none",
                Vec::new(),
            ),
        ),
    }
}

fn home(site: &Site) -> Context {
    let mut ctx = base(
        &site.config.title,
        site.config.description.as_deref(),
        "home",
        Vec::new(),
    );
    // One current judgement per grading scale: the first scale's leads the card.
    let mut current = figures::current_judgements(&site.inspections, site.config.scales.len())
        .into_iter()
        .map(|i| event_view(site, i));
    ctx.insert("current", &current.next());
    ctx.insert("other_current", &current.collect::<Vec<_>>());
    let latest = figures::latest_event(&site.inspections);
    ctx.insert("latest", &latest.map(|i| event_view(site, i)));
    ctx.insert(
        "latest_findings",
        &latest.and_then(|i| findings_excerpt(&i.headline)),
    );
    ctx.insert("journey", &journey(site));
    ctx.insert(
        "planned",
        &figures::planned_events(&site.inspections)
            .into_iter()
            .map(|i| event_view(site, i))
            .collect::<Vec<_>>(),
    );
    ctx.insert("plans", &current_plans(site));
    ctx.insert("earlier_plans", &earlier_plans(site));
    ctx.insert(
        "reports",
        &site
            .reports
            .iter()
            .take(3)
            .map(|r| report_view(&site.config.strings, r))
            .collect::<Vec<_>>(),
    );
    ctx
}

fn plan_page(site: &Site, plan: &Plan) -> Context {
    let mut ctx = base(
        &plan.title,
        plan.summary.as_deref(),
        "plans",
        crumbs(&site.config.strings, &[]),
    );
    ctx.insert("plan", &plan_summary(site, plan));
    ctx.insert("superseded_by", &superseded_by(site, plan));
    ctx.insert("introduction", &plan.introduction);
    ctx.insert("governance", &plan.governance);
    ctx.insert("status_notes", &plan.status_notes);
    ctx.insert("editorial_note", &plan.editorial_note);
    ctx.insert("status_key", &status_key(plan));
    ctx.insert(
        "areas",
        &plan
            .areas
            .iter()
            .map(|a| area_summary(&site.config.strings, plan, a))
            .collect::<Vec<_>>(),
    );
    insert_exceptions(&mut ctx, &site.config.strings, plan);
    ctx.insert(
        "due_passed_unrecorded",
        &action_views(
            &site.config.strings,
            plan,
            figures::due_passed_unrecorded_actions(plan),
        ),
    );
    ctx.insert(
        "at_risk",
        &action_views(&site.config.strings, plan, figures::at_risk_actions(plan)),
    );
    let responds_to = plan
        .responds_to
        .as_ref()
        .and_then(|id| site.inspections.iter().find(|i| &i.id == id));
    ctx.insert("responds_to", &responds_to.map(|i| event_view(site, i)));
    publishing::add_progress_over_time(&mut ctx, &site.config.strings, plan);
    ctx.insert("data", &publishing::data_links(plan));
    ctx.insert("committee_pack", &committee_pack_url(plan));
    ctx
}

fn area_page(site: &Site, plan: &Plan, area: &PriorityArea) -> Context {
    let title = site.config.strings.say(
        "priority_area_title",
        &[("number", &area.number.to_string()), ("title", &area.title)],
    );
    let mut ctx = base(
        &title,
        area.summary.as_deref(),
        "plans",
        crumbs(&site.config.strings, &[(&plan.title, plan_url(plan))]),
    );
    ctx.insert(
        "plan",
        &PageLink {
            title: &plan.title,
            url: plan_url(plan),
        },
    );
    ctx.insert("plan_as_at", &site.config.strings.date(plan.as_at));
    ctx.insert("behind", &behind_view(site, plan));
    ctx.insert("area", &area_summary(&site.config.strings, plan, area));
    ctx.insert("editorial_note", &area.editorial_note);
    ctx.insert("status_key", &status_key(plan));
    #[derive(Serialize)]
    struct OutcomeView<'a> {
        text: &'a crate::model::Html,
        actions: Vec<ActionView<'a>>,
    }
    let outcomes: Vec<OutcomeView<'_>> = area
        .outcomes
        .iter()
        .map(|o| OutcomeView {
            text: &o.text,
            actions: o
                .actions
                .iter()
                .map(|a| action_view(&site.config.strings, plan, area, a))
                .collect(),
        })
        .collect();
    ctx.insert("outcomes", &outcomes);
    ctx.insert("data", &publishing::data_links(plan));
    ctx
}

fn action_page(site: &Site, plan: &Plan, area: &PriorityArea, action: &Action) -> Context {
    let s = &site.config.strings;
    let title = s.say("action_id", &[("id", &action.id)]);
    let area_title = s.say(
        "priority_area_number",
        &[("number", &area.number.to_string())],
    );
    let description = publishing::action_description(action);
    let mut ctx = base(
        &title,
        Some(&description),
        "plans",
        crumbs(
            &site.config.strings,
            &[
                (&plan.title, plan_url(plan)),
                (&area_title, area_url(plan, area)),
            ],
        ),
    );
    ctx.insert(
        "plan",
        &PageLink {
            title: &plan.title,
            url: plan_url(plan),
        },
    );
    ctx.insert("plan_as_at", &site.config.strings.date(plan.as_at));
    let s = &site.config.strings;
    let mut view = action_view(s, plan, area, action);
    view.history = history_views(s, plan, action);
    ctx.insert("action", &view);
    ctx
}

fn inspections_page(site: &Site) -> Context {
    let mut ctx = base(
        site.config.strings.get("inspections_and_visits"),
        Some(site.config.strings.get("inspections_description")),
        "inspections",
        crumbs(&site.config.strings, &[]),
    );
    let (entries, milestones_after) = timeline(site);
    // `events`, one per file, stays for sites whose own template lists them.
    ctx.insert("events", &timeline_views(site).0);
    ctx.insert("entries", &entries);
    ctx.insert("milestones_after", &milestones_after);
    ctx.insert("has_milestones", &!site.milestones.is_empty());
    ctx.insert("journey", &journey(site));
    ctx.insert("table", &domain_table_view(site));
    ctx
}

fn inspection_page(site: &Site, i: &Inspection) -> Context {
    let mut ctx = base(
        &i.title,
        i.summary.as_deref(),
        "inspections",
        crumbs(
            &site.config.strings,
            &[(
                site.config.strings.get("inspections_and_visits"),
                "inspections/".into(),
            )],
        ),
    );
    ctx.insert("event", &event_view(site, i));
    let (body, contents) = sections(&i.body);
    ctx.insert("body", &body);
    // A short text needs no list of its sections.
    ctx.insert(
        "contents",
        &if contents.len() >= 3 {
            contents
        } else {
            Vec::new()
        },
    );
    let plans: Vec<PageLink<'_>> = site
        .plans
        .iter()
        .filter(|p| p.responds_to.as_deref() == Some(i.id.as_str()))
        .map(|p| PageLink {
            title: &p.title,
            url: plan_url(p),
        })
        .collect();
    ctx.insert("plans", &plans);
    ctx
}

fn accessibility_page(site: &Site) -> Context {
    let mut ctx = base(
        site.config.strings.get("accessibility_statement"),
        Some(site.config.strings.get("accessibility_description")),
        "page",
        crumbs(&site.config.strings, &[]),
    );
    let a = &site.config.accessibility;
    ctx.insert(
        "contact_email",
        &a.contact_email
            .as_ref()
            .or(site.config.contact_email.as_ref()),
    );
    ctx.insert("contact_phone", &a.contact_phone);
    ctx.insert("compliance", &a.compliance);
    ctx.insert("non_compliance", &a.non_compliance);
    ctx.insert("prepared", &a.prepared.map(|d| site.config.strings.date(d)));
    ctx.insert("reviewed", &a.reviewed.map(|d| site.config.strings.date(d)));
    ctx.insert("tested", &a.tested.map(|d| site.config.strings.date(d)));
    ctx.insert("tested_by", &a.tested_by);
    let extra = site
        .pages
        .iter()
        .find(|p| p.slug == "accessibility")
        .map(|p| &p.body);
    ctx.insert("extra", &extra);
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_internal_link_gets_the_way_back_to_the_root() {
        let html = format!("<a href=\"{ROOT}a/\">a</a> <a href=\"{ROOT}b/\">b</a>{ROOT}");
        assert_eq!(
            with_root(html, "../../"),
            "<a href=\"../../a/\">a</a> <a href=\"../../b/\">b</a>../../"
        );
        assert_eq!(
            with_root("<p>@@ no link</p>".into(), "/"),
            "<p>@@ no link</p>"
        );
    }

    #[test]
    fn the_way_back_to_the_root_cannot_end_its_attribute() {
        let html = format!("<a href=\"{ROOT}a/\">a</a>");
        assert_eq!(
            with_root(html, "/\"><script>x</script>/"),
            "<a href=\"/&quot;&gt;&lt;script&gt;x&lt;/script&gt;/a/\">a</a>"
        );
    }
}
