//! The `waymark` command: parse arguments, call the library, turn outcomes into exit codes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use waymark::{BuildOptions, Links, Outcome, Severity};

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
    },
    /// Check the content and templates without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
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

fn main() -> ExitCode {
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
        } => {
            let options = BuildOptions {
                output,
                links: if relative {
                    Links::Relative
                } else {
                    Links::Rooted
                },
                ..BuildOptions::new(&site.root)
            };
            let outcome = waymark::build(&options)?;
            let code = report(&site, &outcome, false);
            if outcome.pages > 0 {
                eprintln!(
                    "Built {} pages into {}.",
                    outcome.pages,
                    options.output_dir().display()
                );
            } else {
                eprintln!(
                    "Nothing was written: {} is unchanged.",
                    options.output_dir().display()
                );
            }
            Ok(code)
        }
        Command::Check { site } => {
            let outcome = waymark::check(&BuildOptions::new(&site.root));
            Ok(report(&site, &outcome, true))
        }
    }
}

/// Prints the diagnostics and decides the exit status: 1 for errors (or warnings with --strict).
fn report(args: &SiteArgs, outcome: &Outcome, show_info: bool) -> ExitCode {
    let shown: waymark::Diagnostics = outcome
        .diagnostics
        .iter()
        .filter(|d| show_info || d.severity != Severity::Info)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!(
        "{}",
        waymark::diagnostics::Printer::new(&args.root).render(&shown, colour)
    );
    let errors = outcome.diagnostics.count(Severity::Error);
    let warnings = outcome.diagnostics.count(Severity::Warning);
    if errors + warnings > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s).");
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
