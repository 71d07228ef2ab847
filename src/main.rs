//! The `waymark` command: parse arguments, call the library, turn outcomes into exit codes.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use waymark::{BuildOptions, Links, Outcome, Severity};

// glibc's allocator spends a tenth of a large build growing and trimming per-thread heaps.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc asks Linux for 2 MB pages, which the kernel clears whole on first touch. A
/// build's memory is many small texts made once: with 4 KB pages a 10,000-report build
/// peaks a tenth lower (180 MB, not 200) and a 50,000-report one spends a tenth less
/// time in the kernel.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[derive(Parser)]
#[command(
    name = "waymark",
    version,
    about = "Publishes an improvement journey as an accessible static website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the content, then build the website.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the website (default: <root>/public).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Write links that work when the site is opened straight from disk.
        #[arg(long)]
        relative: bool,
        /// Publish at this address instead of site.yaml's base_url.
        #[arg(long, value_name = "URL", value_parser = base_url_arg)]
        base_url: Option<String>,
    },
    /// Check the content and templates without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build the site and show it in your browser, rebuilding it each time you save a file.
    Serve {
        /// The site folder, holding content/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Only this computer can reach 127.0.0.1.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
    },
    /// Start a site for an organisation in a new folder: settings, a plan, a priority
    /// area and an about page, ready to build.
    Init {
        /// The folder to make the site in; it must be new or empty.
        dir: PathBuf,
        /// The organisation's name, in quotes.
        #[arg(long)]
        organisation: String,
        /// The site's title (default: Improvement journey).
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a JSON Schema for each kind of content file, so that editors such as VS Code
    /// complete field names and underline mistakes as you type.
    Schema {
        /// Where to write the schemas (default: <root>/schemas, where the content files'
        /// first lines point).
        dir: Option<PathBuf>,
        /// The site folder, holding content/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new content file with every field ready to fill in.
    New {
        /// What to create.
        kind: waymark::scaffold::Kind,
        /// Its title, in quotes (for a language, its tag, such as cy).
        title: String,
        /// The plan a new priority area belongs to (its folder name in content/plans/).
        #[arg(long)]
        plan: Option<String>,
        /// When a visit or inspection started, a report's date or a milestone's (YYYY-MM-DD); names the file.
        #[arg(long, value_parser = day)]
        date: Option<chrono::NaiveDate>,
        /// The site folder, holding content/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Turn an action tracker spreadsheet (.csv or .xlsx) into a priority-area file.
    Import {
        /// The spreadsheet.
        file: PathBuf,
        /// The plan the actions belong to (its folder name in content/plans/).
        #[arg(long)]
        plan: String,
        /// The priority area's number (default: the next free number).
        #[arg(long)]
        area: Option<u32>,
        /// The priority area's title (default: the existing area's, or the file's name).
        #[arg(long)]
        title: Option<String>,
        /// The sheet to read from a workbook (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// A status the spreadsheet uses and the plan's status key it means, e.g. Green=completed.
        #[arg(long = "status", value_name = "VALUE=KEY")]
        statuses: Vec<String>,
        /// Replace the priority area's file whole if it exists (history and notes are lost).
        #[arg(long = "replace", alias = "force")]
        replace: bool,
        /// Update the plan in place from a later tracker: the date it reports progress at.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_at: Option<String>,
        /// With --as-at: correct the latest report (the date is the plan's as-at date).
        #[arg(long, requires = "as_at")]
        correct: bool,
        /// With --as-at: say what would change, and write nothing.
        #[arg(long, requires = "as_at")]
        dry_run: bool,
        /// The site folder, holding content/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding content/ (default: the current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
}

/// `--base-url` is checked as site.yaml's `base_url` is, before anything is read.
fn base_url_arg(url: &str) -> Result<String, String> {
    waymark::validate::site::checked_base_url(url)
        .map(|_| url.to_string())
        .map_err(|wrong| wrong.to_string())
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            output,
            relative,
            base_url,
        } => {
            let options = BuildOptions {
                output,
                base_url,
                links: if relative {
                    Links::Relative
                } else {
                    Links::Rooted
                },
                ..BuildOptions::new(&site.root)
            };
            build(&site, &options)
        }
        Command::Check { site } => {
            let outcome = waymark::check(&BuildOptions::new(&site.root));
            Ok(report(&site, &outcome, true))
        }
        Command::Serve { root, port, bind } => {
            waymark::serve::serve(&waymark::serve::ServeOptions {
                root,
                bind,
                port,
                colour: colour(),
                limits: serve_limits(),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init {
            dir,
            organisation,
            title,
        } => init(&dir, &organisation, title.as_deref()),
        Command::Schema { dir, root } => {
            let dir = dir.unwrap_or_else(|| root.join(waymark::schema::FOLDER));
            for path in waymark::schema::write(&dir)? {
                println!("Wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            kind,
            title,
            plan,
            date,
            root,
        } => new_file(kind, &title, plan.as_deref(), date, &root),
        Command::Import {
            file,
            plan,
            area,
            title,
            sheet,
            statuses,
            replace,
            as_at,
            correct,
            dry_run,
            root,
        } => {
            if replace && as_at.is_some() {
                anyhow::bail!("--replace replaces a priority area's file whole, and --as-at updates the plan in place: give one or the other.");
            }
            let options = waymark::import::ImportOptions {
                statuses: statuses
                    .iter()
                    .map(|s| status_pair(s))
                    .collect::<Result<_, _>>()?,
                today: chrono::Local::now().date_naive(),
                root,
                file,
                plan,
                area,
                title,
                sheet,
                force: replace,
            };
            match as_at {
                Some(date) => update_plan(waymark::plan_update::UpdateOptions {
                    as_at: as_at_date(&date)?,
                    correct,
                    dry_run,
                    import: options,
                }),
                None => import(&options),
            }
        }
    }
}

fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `serve`'s limits; the tests shorten the head timeout with
/// WAYMARK_SERVE_HEAD_TIMEOUT_MS rather than wait ten seconds.
fn serve_limits() -> waymark::serve::Limits {
    let mut limits = waymark::serve::Limits::default();
    let ms = std::env::var("WAYMARK_SERVE_HEAD_TIMEOUT_MS").ok();
    if let Some(ms) = ms.and_then(|ms| ms.parse().ok()) {
        limits.head_timeout = std::time::Duration::from_millis(ms);
    }
    limits
}

fn new_file(
    kind: waymark::scaffold::Kind,
    title: &str,
    plan: Option<&str>,
    date: Option<chrono::NaiveDate>,
    root: &Path,
) -> anyhow::Result<ExitCode> {
    use waymark::scaffold::{create, Kind, NewFile};
    let request = NewFile {
        kind,
        title,
        plan,
        today: chrono::Local::now().date_naive(),
        date,
    };
    let rel = create(root, &request)?;
    println!("{}", shown_path(root, &rel).display());
    if date.is_none() && matches!(kind, Kind::Visit | Kind::Inspection) {
        eprintln!("note: no --date given, so the file is named without a date and `start:` is empty. Fill in `start:` before you build.");
    }
    Ok(ExitCode::SUCCESS)
}

fn init(dir: &Path, organisation: &str, title: Option<&str>) -> anyhow::Result<ExitCode> {
    let org = waymark::starter::Organisation {
        name: organisation,
        title,
    };
    for rel in waymark::starter::init(dir, &org)? {
        println!("{}", dir.join(rel).display());
    }
    println!(
        "\nYour site is ready. Next: cd {}, then waymark serve to see it; edit the files above \
         (lines starting with # explain each field), and waymark build when it is ready to publish.",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--date`: a whole date, year-month-day, as the file name and `start:` want it.
fn day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date written year-month-day, such as 2024-07-31"))
}

/// `rel` as the author would type it from where they ran waymark.
fn shown_path(root: &Path, rel: &Path) -> PathBuf {
    if root == Path::new(".") {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

/// `Green=completed` → ("Green", "completed").
fn status_pair(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((value, key)) if !value.trim().is_empty() && !key.trim().is_empty() => {
            Ok((value.trim().to_string(), key.trim().to_string()))
        }
        _ => anyhow::bail!(
            "--status {text}: write it as VALUE=KEY, for example --status Green=completed"
        ),
    }
}

/// `--as-at 2023-03-31` (or `31/03/2023`).
fn as_at_date(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    match waymark::dates::parse_day(text) {
        Ok(Some(day)) => Ok(day),
        _ => anyhow::bail!(
            "--as-at {text}: write the date the tracker reports progress at as year-month-day, for example --as-at 2023-03-31"
        ),
    }
}

/// `waymark import --as-at`: prints what changed (or would), then where.
fn update_plan(options: waymark::plan_update::UpdateOptions) -> anyhow::Result<ExitCode> {
    let updated = waymark::plan_update::update(&options)?;
    for problem in &updated.problems {
        eprintln!("warning: {problem}");
    }
    for missing in &updated.missing {
        eprintln!("warning: {missing}");
    }
    for line in &updated.summary {
        println!("{line}");
    }
    let root = &options.import.root;
    if options.dry_run {
        println!("Nothing was written (--dry-run). Run the same command without --dry-run to make these changes.");
    } else if updated.files.is_empty() {
        println!("Nothing needed changing: every file is as it was.");
    } else {
        println!("Files changed:");
        for file in &updated.files {
            println!("  {}", shown_path(root, file).display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn import(options: &waymark::import::ImportOptions) -> anyhow::Result<ExitCode> {
    let imported = waymark::import::import(options)?;
    for problem in &imported.problems {
        eprintln!("warning: {problem}");
    }
    eprintln!(
        "Imported {} action(s) in {} outcome(s) as priority area {}; {} problem(s).",
        imported.actions,
        imported.outcomes,
        imported.number,
        imported.problems.len()
    );
    println!("{}", shown_path(&options.root, &imported.path).display());
    Ok(ExitCode::SUCCESS)
}

/// Builds the site, unless the content has errors (or warnings, with --strict).
fn build(site: &SiteArgs, options: &BuildOptions) -> anyhow::Result<ExitCode> {
    let unchanged = || {
        eprintln!(
            "Nothing was written: {} is unchanged.",
            options.output_dir().display()
        );
    };
    if site.strict {
        // Check first, so that warnings stop the build before anything is published.
        waymark::output::check_output_folder(&options.root, &options.output_dir())?;
        let checked = waymark::check(options);
        if checked.diagnostics.has_errors() || checked.diagnostics.count(Severity::Warning) > 0 {
            let code = report(site, &checked, false);
            unchanged();
            return Ok(code);
        }
    }
    let outcome = waymark::build(options)?;
    let code = report(site, &outcome, false);
    if outcome.pages > 0 {
        eprintln!(
            "Built {} pages into {}.",
            outcome.pages,
            options.output_dir().display()
        );
    } else {
        unchanged();
    }
    // The process ends here: freeing a large site piece by piece would only delay it.
    std::mem::forget(outcome);
    Ok(code)
}

/// Prints the diagnostics and decides the exit status: 1 for errors (or warnings with --strict).
fn report(args: &SiteArgs, outcome: &Outcome, show_info: bool) -> ExitCode {
    let shown = outcome
        .diagnostics
        .iter()
        .filter(|d| show_info || d.severity != Severity::Info);
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!(
        "{}",
        waymark::diagnostics::Printer::new(&args.root).render(shown, colour)
    );
    let errors = outcome.diagnostics.count(Severity::Error);
    let warnings = outcome.diagnostics.count(Severity::Warning);
    let notes = if show_info {
        outcome.diagnostics.count(Severity::Info)
    } else {
        0
    };
    eprintln!("{}", summary(errors, warnings, notes, args.strict));
    let failed = errors > 0 || (args.strict && warnings > 0);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The last line of a report: the counts, and what they mean for publishing.
fn summary(errors: usize, warnings: usize, notes: usize, strict: bool) -> String {
    let count = |n: usize, word: &str| match n {
        1 => format!("1 {word}"),
        n => format!("{} {word}s", waymark::diagnostics::thousands(n)),
    };
    let mut counts = vec![count(errors, "error"), count(warnings, "warning")];
    if notes > 0 {
        counts.push(count(notes, "note"));
    }
    let what = if errors > 0 {
        "Fix the errors, then run waymark again."
    } else if warnings > 0 && strict {
        "With --strict, warnings count as errors."
    } else if warnings > 0 {
        "The site can be built; the warnings are worth fixing."
    } else {
        "No problems found."
    };
    format!("{}. {what}", counts.join(", "))
}
