//! `waymark serve`: build the site into a temporary folder, serve it on this computer,
//! rebuild it whenever a source is saved and tell open pages to reload.
//!
//! Every change rebuilds the whole site. On the shipped site (108 pages) that takes
//! 40–150 ms on a busy two-core machine, and a whole rebuild can never leave a page
//! stale (an action's change reaches its area, plan, home page and feeds), which
//! tracking what each page depends on could get wrong.

mod http;
pub mod overlay;
mod watch;

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeSet;
use std::hash::Hasher;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context as _, Result};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostics, Printer, Severity};
use crate::BuildOptions;
use overlay::Problem;

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
}

/// Request-handling threads. Pages are small and local, so a few are plenty; reload
/// event streams get threads of their own.
const WORKERS: usize = 4;

/// Builds, serves and watches until Ctrl-C. Returns once the server has stopped and its
/// temporary folder is gone.
pub fn serve(options: &ServeOptions) -> Result<()> {
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("there is no site folder at {}", options.root.display()))?;
    let work = tempfile::Builder::new()
        .prefix("waymark-serve-")
        .tempdir()
        .context("could not make a temporary folder to build the site in")?;
    // Listen for Ctrl-C before anything else, so the temporary folder is always removed.
    let stop = stop_signal()?;
    let shared = Arc::new(Shared::new());
    let mut builder = Builder::new(&root, work.path(), options.colour);
    builder.rebuild(&shared);
    let server = tiny_http::Server::http(SocketAddr::new(options.bind, options.port))
        .map_err(|e| anyhow!("could not listen on {}:{}: {e}. Another program may be using that port: try --port 0 to pick a free one.", options.bind, options.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| anyhow!("the server is not listening on a network address"))?;
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
        thread::spawn(move || answer_requests(&server, &shared));
    }
    if let Err(e) = watch::spawn(root.clone(), builder, Arc::clone(&shared)) {
        eprintln!("warning: could not watch the site's files ({e:#}), so saving a file will not rebuild the site: restart waymark serve to see changes.");
    }
    announce(options.bind, address, &shared.current().base_path());
    let _ = stop.recv();
    eprintln!("Stopped.");
    drop(work);
    Ok(())
}

fn answer_requests(server: &tiny_http::Server, shared: &Arc<Shared>) {
    loop {
        match server.recv() {
            Ok(request) => http::handle(request, shared),
            // A failed accept (a client that hung up) must not stop the server.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
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

/// One finished build in a folder of its own. The folder is removed when the last
/// request reading from it is done, so a rebuild never pulls a file from under a reader.
pub(crate) struct Built {
    dir: PathBuf,
    files: BTreeSet<String>,
    base_path: String,
    /// Of every file's path and bytes: an identical rebuild does not reload the browser.
    fingerprint: u64,
}

impl Drop for Built {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Built {
    fn scan(dir: PathBuf, base_path: String) -> Result<Built> {
        let mut files = BTreeSet::new();
        let mut hasher = DefaultHasher::new();
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir)?;
            let rel: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let rel = rel.join("/");
            hasher.write(rel.as_bytes());
            hasher.write(&std::fs::read(entry.path())?);
            files.insert(rel);
        }
        Ok(Built {
            dir,
            files,
            base_path,
            fingerprint: hasher.finish(),
        })
    }
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

/// Runs builds into numbered folders under the temporary folder.
pub(crate) struct Builder {
    root: PathBuf,
    work: PathBuf,
    count: u64,
    run: String,
    colour: bool,
}

impl Builder {
    fn new(root: &Path, work: &Path, colour: bool) -> Self {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Builder {
            root: root.to_path_buf(),
            work: work.to_path_buf(),
            count: 0,
            run: format!("{started:x}"),
            colour,
        }
    }

    /// Builds the whole site and publishes the result: a new site, or the old one with
    /// the new problems. Nothing is published when nothing changed.
    fn rebuild(&mut self, shared: &Shared) {
        let started = Instant::now();
        self.count += 1;
        let dir = self.work.join(format!("site-{}", self.count));
        let (built, problems, diagnostics) = self.build_into(dir);
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
        match &built {
            Some(b) => eprintln!("Built the site ({} files) in {took} ms.", b.files.len()),
            None if current.built.is_some() => eprintln!("The site could not be rebuilt ({} problem(s)); the last good version is still served.", problems.len()),
            None => eprintln!("The site could not be built ({} problem(s)).", problems.len()),
        }
        shared.publish(Snapshot {
            built: built.map(Arc::new).or_else(|| current.built.clone()),
            problems,
            generation: format!("{}-{}", self.run, self.count),
        });
    }

    fn build_into(&self, dir: PathBuf) -> (Option<Built>, Vec<Problem>, Diagnostics) {
        let options = BuildOptions {
            output: Some(dir.clone()),
            ..BuildOptions::new(&self.root)
        };
        let outcome = match crate::build(&options) {
            Ok(outcome) => outcome,
            Err(e) => {
                let problem = Problem::general(format!("{e:#}"));
                return (None, vec![problem], Diagnostics::default());
            }
        };
        let Some(site) = outcome.site else {
            let listed: Vec<_> = outcome.diagnostics.iter().cloned().collect();
            let problems = overlay::problems(&self.root, &listed);
            return (None, problems, outcome.diagnostics);
        };
        match Built::scan(dir, site.config.base_path.clone()) {
            Ok(built) => (Some(built), Vec::new(), outcome.diagnostics),
            Err(e) => {
                let problem = Problem::general(format!("could not read the built site: {e:#}"));
                (None, vec![problem], outcome.diagnostics)
            }
        }
    }

    /// Errors and warnings, as `waymark build` prints them.
    fn print(&self, diagnostics: &Diagnostics) {
        let shown: Diagnostics = diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        if !shown.is_empty() {
            eprint!("{}", Printer::new(&self.root).render(&shown, self.colour));
        }
    }
}
