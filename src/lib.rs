//! Waymark: an improvement journey's Markdown and YAML sources → an accessible static website.
//!
//! The pipeline runs one way: [`source`] reads files, [`yaml`] and [`markdown`] parse them,
//! [`validate`] checks them into the [`model`], [`figures`] derives the numbers, [`render`]
//! makes the pages in parallel and [`output`] swaps the finished site in whole. `serve`
//! keeps what unchanged files made in a [`memo`] and renders pages only when asked.

// Shared vocabulary, taken by every stage: messages and their positions, kept work,
// timings, text and dates, colours, escaping and page addresses.
pub mod diagnostics;
pub mod kept;
pub mod timings;
pub mod utf8;

pub mod colour;
pub mod dates;
pub mod escape;
pub mod routes;

// Load: read the files. Parse: YAML and Markdown, kept between builds by the memo.
pub mod source;

pub mod yaml;

// The words the theme adds, in the site's language.
pub mod strings;

pub mod markdown;

pub mod memo;

// The typed site, and the checks that make it from what was parsed.
pub mod model;

pub mod validate;

// Derived from the model: figures, the history of statuses, plain text for search.
pub mod figures;
pub mod history;
pub mod plain_text;

// Write: the staged output folder that rendering fills and then swaps in.
pub mod output;

// Render: pages, feeds, open data and the search index.
pub mod render;

// Commands besides build.
pub mod schema;

pub mod scaffold;
pub mod serve;

pub mod import;
pub mod plan_update;
pub mod starter;
pub mod tracker;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use model::Site;
pub use routes::Links;

/// What to build and how. `..Default::default()` gives the CLI's defaults.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder: the one holding `content/`.
    pub root: PathBuf,
    /// Where the site is written; `<root>/public` when None.
    pub output: Option<PathBuf>,
    /// Stands in for the as-at date when site.yaml has none; today when None.
    pub today: Option<NaiveDate>,
    pub links: Links,
    /// Publishes at this address in place of site.yaml's `base_url` (staging and live
    /// copies of one site).
    pub base_url: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            ..Default::default()
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

/// The result of `check` or `build`: every problem found, and the site when it could be made.
#[derive(Debug)]
pub struct Outcome {
    pub site: Option<Site>,
    pub diagnostics: Diagnostics,
    /// Pages written; zero for `check` and for a failed build.
    pub pages: usize,
}

/// Reads and checks the content and the templates, writing nothing.
pub fn check(options: &BuildOptions) -> Outcome {
    let (site, mut diagnostics) = load(&options.root, options.today());
    match render::Theme::load(&options.root) {
        Ok(theme) => diagnostics.extend(site.as_ref().and_then(|s| missing_logo(s, &theme))),
        Err(problems) => diagnostics.extend(problems),
    }
    let site = site.filter(|_| !diagnostics.has_errors());
    Outcome {
        site,
        diagnostics: diagnostics.sorted(),
        pages: 0,
    }
}

/// site.yaml's logo must be one of the static files, which only the theme knows.
pub fn missing_logo(site: &Site, theme: &render::Theme) -> Option<Diagnostic> {
    let logo = site.config.logo.as_ref()?;
    (!theme.has_static(&logo.file)).then(|| logo.if_missing.clone())
}

/// Reads and checks the content: the first half of `check` and `build`.
pub fn load(root: &Path, today: NaiveDate) -> (Option<Site>, Diagnostics) {
    load_reusing(root, today, None)
}

/// As [`load`], taking from `memo` what an earlier build of the same site made from
/// unchanged files (serve mode), and keeping what it makes for the next.
pub fn load_reusing(
    root: &Path,
    today: NaiveDate,
    memo: Option<&memo::Memo>,
) -> (Option<Site>, Diagnostics) {
    if let Some(memo) = memo {
        memo.begin();
    }
    timings::begin();
    let (mut files, read_problems) = source::read_content(root, memo.map(|m| &m.sources));
    files.extend(strings::read_files(root));
    timings::mark("read content");
    if !root.join("content").is_dir() {
        // Without the folder every other message would be noise.
        return (None, Diagnostics::from(read_problems).sorted());
    }
    let unreadable: Vec<PathBuf> = read_problems.iter().map(|d| d.file.clone()).collect();
    let (site, mut diagnostics) = validate::site_with_unreadable(files, &unreadable, today, memo);
    timings::mark("parse and validate");
    diagnostics.extend(read_problems);
    let site = site.filter(|_| !diagnostics.has_errors());
    (site, diagnostics.sorted())
}

/// Checks, then builds into a staging folder and swaps it in. On any error the previous
/// output is left exactly as it was.
pub fn build(options: &BuildOptions) -> anyhow::Result<Outcome> {
    let base_url = match &options.base_url {
        Some(url) => Some(
            validate::site::checked_base_url(url)
                .map_err(|wrong| anyhow::anyhow!("--base-url {url}: {wrong}"))?,
        ),
        None => None,
    };
    let output = options.output_dir();
    output::check_output_folder(&options.root, &output)?;
    // The templates are compiled while the content is read.
    let ((site, mut diagnostics), theme) = rayon::join(
        || load(&options.root, options.today()),
        || render::Theme::load(&options.root),
    );
    let theme = theme.map_err(|p| diagnostics.extend(p)).ok();
    let (Some(mut site), Some(theme)) = (site, theme) else {
        return Ok(Outcome {
            site: None,
            diagnostics: diagnostics.sorted(),
            pages: 0,
        });
    };
    diagnostics.extend(missing_logo(&site, &theme));
    if diagnostics.has_errors() {
        return Ok(Outcome {
            site: None,
            diagnostics: diagnostics.sorted(),
            pages: 0,
        });
    }
    if let Some(url) = base_url {
        site.config.set_base_url(url);
    }
    let staging = output::Staging::new(&output)?;
    match render::render_site(&site, &theme, options.links, &staging) {
        Ok(pages) => {
            staging.commit()?;
            timings::mark("swap output in");
            Ok(Outcome {
                site: Some(site),
                diagnostics: diagnostics.sorted(),
                pages,
            })
        }
        Err(problems) => {
            diagnostics.extend(problems);
            Ok(Outcome {
                site: None,
                diagnostics: diagnostics.sorted(),
                pages: 0,
            })
        }
    }
}
