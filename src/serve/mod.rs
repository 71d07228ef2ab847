//! `waymark serve`: build the site in memory, serve it on this computer, rebuild it
//! whenever a source is saved and tell open pages to reload.
//!
//! Every change rebuilds the whole model of the site, taking from the last build what
//! unchanged files made (their text, YAML and Markdown); pages are rendered only when a
//! browser asks for them. So no page can be stale (an action's change reaches its area,
//! plan, home page and feeds at once), with no list of what each page depends on to get
//! wrong, and a rebuild of a site with 10,000 pages still takes tens of milliseconds.

mod conn;
mod http;
pub mod overlay;
mod watch;

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::thread;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::diagnostics::{Diagnostic, Diagnostics, Printer, Severity};
use crate::memo::Memo;
use crate::model::Site;
use crate::render::{self, Theme};
use crate::routes::Links;
use crate::BuildOptions;
use anyhow::{anyhow, Context as _, Result};
use overlay::Problem;

pub use conn::Limits;
pub use http::{route, Route};

/// Where and what to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder: the one holding `content/`.
    pub root: PathBuf,
    /// 127.0.0.1 unless the author asks for another address.
    pub bind: IpAddr,
    /// 0 lets the system pick a free port.
    pub port: u16,
    /// Colour in the terminal's diagnostics.
    pub colour: bool,
    /// What a client may send or hold: `Limits::default()` but in tests.
    pub limits: Limits,
}

/// Builds, serves and watches until Ctrl-C. Nothing is written to disk.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("there is no site folder at {}", options.root.display()))?;
    let stop = stop_signal()?;
    let shared = Arc::new(Shared::new());
    let mut builder = Builder::new(&root, options.colour);
    builder.rebuild(&shared);
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .map_err(|e| anyhow!("could not listen on {}:{}: {e}. Another program may be using that port: try --port 0 to pick a free one.", options.bind, options.port))?;
    let address = listener
        .local_addr()
        .context("the server is not listening on a network address")?;
    let (limits, bind, accepting) = (options.limits.clone(), options.bind, Arc::clone(&shared));
    thread::spawn(move || conn::accept(listener, limits, bind, accepting));
    if let Err(e) = watch::spawn(root.clone(), builder, Arc::clone(&shared)) {
        eprintln!("warning: could not watch the site's files ({e:#}), so saving a file will not rebuild the site: restart waymark serve to see changes.");
    }
    announce(options.bind, address, &shared.current().base_path());
    let _ = stop.recv();
    eprintln!("Stopped.");
    Ok(())
}

fn announce(bind: IpAddr, address: SocketAddr, base_path: &str) {
    println!("Serving the site at http://{address}{base_path}");
    if !bind.is_loopback() {
        eprintln!("warning: listening on {bind}: other computers that can reach this one can read the site, including drafts.");
    }
    eprintln!("Watching content/, themes/, templates/ and static/. Press Ctrl-C to stop.");
}

/// Receives once when the author presses Ctrl-C (or the process is asked to stop).
fn stop_signal() -> Result<Receiver<()>> {
    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("could not listen for Ctrl-C")?;
    Ok(rx)
}

/// One good build, held in memory. Pages are rendered when a browser asks for them, so
/// a rebuild costs the same however many pages the site has, and a page is always made
/// from the newest sources.
pub(crate) struct Built {
    root: PathBuf,
    site: Site,
    theme: Theme,
    /// Page file (`reports/x/index.html`) → its number for `render::render_page`.
    pages: HashMap<String, usize>,
    /// Stylesheets, scripts, static files and colours: small, so made at once.
    assets: HashMap<String, Vec<u8>>,
    /// Data files, feed, sitemap and search index: made when first asked for.
    publishing: OnceLock<Result<HashMap<String, Vec<u8>>, Problem>>,
    base_path: String,
    /// Of every source read and asset: an identical rebuild does not reload the browser.
    fingerprint: u64,
}

/// A file of the built site, or why it could not be made.
pub(crate) enum Made {
    Page(String),
    Bytes(Vec<u8>),
    Missing,
    Failed(Problem),
}

impl Built {
    pub(crate) fn has(&self, file: &str) -> bool {
        self.pages.contains_key(file)
            || self.assets.contains_key(file)
            || matches!(self.publishing(), Ok(files) if files.contains_key(file))
    }

    pub(crate) fn make(&self, file: &str) -> Made {
        if let Some(&n) = self.pages.get(file) {
            return match render::render_page(&self.site, &self.theme, Links::Rooted, n) {
                Ok(html) => Made::Page(html),
                Err(d) => Made::Failed(problem(&self.root, d)),
            };
        }
        if let Some(bytes) = self.assets.get(file) {
            return Made::Bytes(bytes.clone());
        }
        match self.publishing() {
            Ok(files) => files
                .get(file)
                .map_or(Made::Missing, |b| Made::Bytes(b.clone())),
            Err(p) => Made::Failed(p.clone()),
        }
    }

    fn publishing(&self) -> &Result<HashMap<String, Vec<u8>>, Problem> {
        self.publishing.get_or_init(|| {
            render::publishing_files(&self.site, Links::Rooted)
                .map(|files| files.into_iter().collect())
                .map_err(|d| problem(&self.root, d))
        })
    }
}

fn problem(root: &Path, d: Diagnostic) -> Problem {
    overlay::problems(root, [&d])
        .into_iter()
        .next()
        .unwrap_or_else(|| Problem::general("The page could not be made."))
}

/// What is served now: the last good build, and the problems of the newest attempt.
pub(crate) struct Snapshot {
    built: Option<Arc<Built>>,
    problems: Vec<Problem>,
    /// Names this state to the browser; unique to this run of the server, so a page
    /// left open from an earlier run reloads too.
    generation: String,
}

impl Snapshot {
    fn base_path(&self) -> String {
        self.built
            .as_ref()
            .map_or_else(|| "/".to_string(), |b| b.base_path.clone())
    }
}

/// State the request threads and the rebuilding thread share.
pub(crate) struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    listeners: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    fn new() -> Self {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                built: None,
                problems: vec![Problem::general("The site has not been built yet.")],
                generation: String::new(),
            })),
            listeners: Mutex::new(Vec::new()),
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        let guard = self.snapshot.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&guard)
    }

    /// Serves `next` from now on and tells every open page.
    fn publish(&self, next: Snapshot) {
        let generation = next.generation.clone();
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|l| l.send(generation.clone()).is_ok());
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }
}

/// Rebuilds the site, keeping what unchanged files made for the next rebuild.
pub(crate) struct Builder {
    root: PathBuf,
    memo: Memo,
    count: u64,
    run: String,
    colour: bool,
}

impl Builder {
    fn new(root: &Path, colour: bool) -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Builder {
            root: root.to_path_buf(),
            memo: Memo::default(),
            count: 0,
            run: format!("{started:x}"),
            colour,
        }
    }

    /// Files saved since the last rebuild: read again even if they look unchanged.
    fn saved(&self, path: &Path) {
        self.memo.forget(path);
    }

    /// Rebuilds the site and publishes the result: a new site, or the old one with the
    /// new problems. Nothing is published when nothing changed.
    fn rebuild(&mut self, shared: &Shared) {
        let started = Instant::now();
        self.count += 1;
        let (built, problems, diagnostics) = self.build();
        let current = shared.current();
        let unchanged = match (&built, &current.built) {
            (Some(new), Some(old)) => new.fingerprint == old.fingerprint,
            (None, _) => true,
            _ => false,
        };
        if unchanged && problems == current.problems {
            return;
        }
        let took = started.elapsed().as_millis();
        self.print(&diagnostics);
        // Counted before folding: the overlay sums up a long run of one kind in one line.
        let errors = crate::diagnostics::thousands(diagnostics.count(Severity::Error));
        match &built {
            Some(b) => eprintln!("Rebuilt the site ({} pages) in {took} ms.", b.pages.len()),
            None if current.built.is_some() => eprintln!("The site could not be rebuilt ({} problem(s)); the last good version is still served.", errors),
            None => eprintln!("The site could not be built ({} problem(s)).", errors),
        }
        shared.publish(Snapshot {
            built: built.map(Arc::new).or_else(|| current.built.clone()),
            problems,
            generation: format!("{}-{}", self.run, self.count),
        });
    }

    fn build(&self) -> (Option<Built>, Vec<Problem>, Diagnostics) {
        let today = BuildOptions::new(&self.root).today();
        let (site, mut diagnostics) = crate::load_reusing(&self.root, today, Some(&self.memo));
        let theme = Theme::load(&self.root)
            .map_err(|p| diagnostics.extend(p))
            .ok();
        if let (Some(site), Some(theme)) = (&site, &theme) {
            diagnostics.extend(crate::missing_logo(site, theme));
        }
        let assets = match (&site, &theme) {
            (Some(site), Some(theme)) if !diagnostics.has_errors() => render::assets(site, theme)
                .map_err(|d| diagnostics.extend([d]))
                .ok(),
            _ => None,
        };
        let (Some(site), Some(theme), Some(assets)) = (site, theme, assets) else {
            let diagnostics = diagnostics.sorted();
            return (
                None,
                overlay::problems(&self.root, &diagnostics),
                diagnostics,
            );
        };
        let mut hasher = DefaultHasher::new();
        hasher.write_u64(self.memo.fingerprint());
        hasher.write_u64(theme.fingerprint());
        // Strings files are read beside the content, not through the memo.
        site.config.strings.hash(&mut hasher);
        for (path, bytes) in &assets {
            hasher.write(path.as_bytes());
            hasher.write(bytes);
        }
        crate::timings::mark("theme and assets");
        let built = Built {
            root: self.root.clone(),
            pages: render::page_files(&site),
            assets: assets.into_iter().collect(),
            publishing: OnceLock::new(),
            base_path: site.config.base_path.clone(),
            fingerprint: hasher.finish(),
            site,
            theme,
        };
        crate::timings::mark("page index");
        (Some(built), Vec::new(), diagnostics.sorted())
    }

    /// Errors and warnings, as `waymark build` prints them.
    fn print(&self, diagnostics: &Diagnostics) {
        let shown = || diagnostics.iter().filter(|d| d.severity != Severity::Info);
        if shown().next().is_some() {
            eprint!("{}", Printer::new(&self.root).render(shown(), self.colour));
        }
    }
}
