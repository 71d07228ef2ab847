//! `waymark serve`, driven as a browser would: the real binary on a free loopback port,
//! plain HTTP requests, files edited on disk while it runs.

mod common;
use common::copy_dir;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a rebuild may take to show. Generous: debug builds on a busy machine are slow.
const PATIENCE: Duration = Duration::from_secs(20);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `waymark serve` on a copy of a fixture site; killed when dropped.
struct Server {
    child: Child,
    site: tempfile::TempDir,
    port: u16,
    /// The site's address path, from site.yaml's base_url: `/improvement/`.
    base: String,
}

impl Server {
    fn start(fixture: &str) -> Server {
        Server::start_with(fixture, |_| {})
    }

    /// Starts on a copy of `fixture` that `prepare` may change first.
    fn start_with(fixture: &str, prepare: impl FnOnce(&Path)) -> Server {
        Server::launch(fixture, prepare, &[])
    }

    /// Starts with these environment variables set.
    fn launch(fixture: &str, prepare: impl FnOnce(&Path), env: &[(&str, &str)]) -> Server {
        let site = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(fixture),
            site.path(),
        );
        prepare(site.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.path())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = first_url(child.stdout.take().unwrap());
        let Some(url) = url else {
            let _ = child.kill();
            panic!("waymark serve printed no address");
        };
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .expect("serves on 127.0.0.1 by default");
        let (port, base) = rest.split_at(rest.find('/').unwrap());
        Server {
            child,
            site,
            port: port.parse().unwrap(),
            base: base.to_string(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.site.path().join(rel)
    }

    fn get(&self, path: &str) -> Reply {
        get(self.port, path)
    }

    fn page(&self, rel: &str) -> Reply {
        self.get(&format!("{}{rel}", self.base))
    }

    /// Makes each replacement in a file of the site and saves it once, as an editor would.
    fn edit(&self, rel: &str, changes: &[(&str, &str)]) {
        let path = self.path(rel);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (from, to) in changes {
            assert!(text.contains(from), "{rel} has no `{from}`");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(&path, text).unwrap();
    }

    /// Requests `rel` until `ok` holds for the reply, or fails after PATIENCE.
    fn wait_for(&self, rel: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let started = Instant::now();
        loop {
            let reply = self.page(rel);
            if ok(&reply) {
                return reply;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{rel} never showed {what}:\n{}",
                reply.body
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    /// Stops the server as Ctrl-C would; kills it if
    /// it does not stop in time.
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        if cfg!(unix) {
            let pid = self.child.id().to_string();
            let _ = Command::new("kill").args(["-INT", &pid]).status();
            let started = Instant::now();
            while started.elapsed() < IO_TIMEOUT {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first `http://` address the server prints, read on a thread so a silent server
/// cannot hang the test.
fn first_url(stdout: std::process::ChildStdout) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let _ = tx.send(line[at..].trim().to_string());
            }
        }
    });
    rx.recv_timeout(PATIENCE).ok()
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request over loopback, with the request line sent exactly as given
/// (no client library would send `/../` unnormalised).
fn get(port: u16, path: &str) -> Reply {
    send(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Sends `request` as it is and reads the reply to the end: the server must close the
/// connection within IO_TIMEOUT.
fn send(port: u16, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.write_all(request).unwrap();
    read_reply(stream)
}

fn read_reply(mut stream: TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("the server closes the connection after its reply");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

const AREA: &str = "content/plans/demo/01-front-door.yaml";

#[test]
fn an_edit_shows_on_every_page_it_touches() {
    let server = Server::start("basic");
    let home = server.page("");
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("2 of 7 actions completed"),
        "{}",
        home.body
    );
    assert!(server
        .page("plans/demo/actions/1-1/")
        .body
        .contains("Recruit 8 social workers"));

    server.edit(
        AREA,
        &[
            ("Recruit 8 social workers", "Recruit 12 social workers"),
            (
                "status: on-track\n        progress: Reviews",
                "status: completed\n        progress: Reviews",
            ),
        ],
    );
    server.wait_for("plans/demo/actions/1-1/", "the new action text", |r| {
        r.body.contains("Recruit 12 social workers")
    });
    // Every page that counts or lists the action moved with it: nothing stale.
    assert!(server
        .page("plans/demo/01-front-door/")
        .body
        .contains("Recruit 12 social workers"));
    assert!(server.page("").body.contains("3 of 7 actions completed"));
    assert!(server
        .page("plans/demo/")
        .body
        .contains("3 of 7 actions completed"));
}

#[test]
fn a_broken_file_shows_an_overlay_naming_it_until_it_is_fixed() {
    let server = Server::start("basic");
    server.edit(AREA, &[("status: completed", "status: complet")]);
    // Waits for this problem, not any overlay: the build that runs as the watch starts
    // may read the file half-saved and, for a moment, show it as empty.
    let broken = server.wait_for("", "the overlay", |r| {
        r.body.contains("waymark-overlay") && r.body.contains("01-front-door.yaml:10")
    });
    assert_eq!(broken.status, 200, "the last good site is still served");
    assert!(broken.body.contains("role=\"alertdialog\""));
    assert!(
        broken
            .body
            .contains("<code>content/plans/demo/01-front-door.yaml:10:17</code>"),
        "{}",
        broken.body
    );
    assert!(broken
        .body
        .contains("`status: complet` is not in this plan&apos;s status key."));
    assert!(
        broken.body.contains("2 of 7 actions completed"),
        "the last good page is under it"
    );
    // Every page carries it, not just the one that was open.
    assert!(server.page("reports/").body.contains("waymark-overlay"));

    server.edit(AREA, &[("status: complet", "status: completed")]);
    let fixed = server.wait_for("", "no overlay", |r| !r.body.contains("waymark-overlay"));
    assert!(fixed.body.contains("2 of 7 actions completed"));
}

#[test]
fn requests_outside_the_site_are_not_found() {
    let server = Server::start("basic");
    std::fs::write(server.path("secret.txt"), "do not serve").unwrap();
    let base = server.base.clone();
    for path in [
        "/../secret.txt".to_string(),
        "/%2e%2e/secret.txt".into(),
        format!("{base}../secret.txt"),
        format!("{base}../../secret.txt"),
        format!("{base}%2e%2e/secret.txt"),
        format!("{base}%2E%2E%2Fsecret.txt"),
        format!("{base}..%2f..%2fsecret.txt"),
        format!("{base}..%5csecret.txt"),
        format!("{base}%252e%252e/secret.txt"),
        format!("{base}plans/../../content/site.yaml"),
        format!("{base}%2e%2e/content/site.yaml"),
        format!("{base}index.html%00.txt"),
        format!("{base}/etc/passwd"),
        format!("{base}{}", server.path("secret.txt").display()),
        "/etc/passwd".into(),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            !reply.body.contains("do not serve") && !reply.body.contains("organisation:"),
            "{path}"
        );
    }
}

#[test]
fn pages_get_the_reload_script_and_events_name_each_rebuild() {
    let server = Server::start("basic");
    let home = server.page("");
    assert!(home
        .body
        .contains("<script src=\"/__waymark/live.js\" data-generation=\""));
    assert!(!home.body.contains("waymark-overlay"));
    let script = server.get("/__waymark/live.js");
    assert_eq!(script.status, 200);
    assert!(script.head.contains("Content-Type: text/javascript"));
    assert!(script.body.contains("EventSource"));
    assert_eq!(server.get(&format!("{}style.css", server.base)).status, 200);

    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        events,
        "GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let first = next_generation(&mut events);
    assert!(home.body.contains(&format!("data-generation=\"{first}\"")));
    server.edit(
        AREA,
        &[("Recruit 8 social workers", "Recruit 9 social workers")],
    );
    let second = next_generation(&mut events);
    assert_ne!(first, second);
    let home = server.page("");
    assert!(home.body.contains(&format!("data-generation=\"{second}\"")));
}

fn next_generation(events: &mut impl BufRead) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            events.read_line(&mut line).unwrap() > 0,
            "event stream closed"
        );
        if let Some(generation) = line.strip_prefix("data: ") {
            return generation.trim().to_string();
        }
    }
}

#[test]
fn a_folder_without_its_slash_redirects_and_unknown_pages_get_the_404_page() {
    let server = Server::start("basic");
    let reply = server.get(&format!("{}plans/demo", server.base));
    assert_eq!(reply.status, 302);
    assert!(reply
        .head
        .contains(&format!("Location: {}plans/demo/", server.base)));
    let missing = server.page("no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"));
    assert!(missing.body.contains("/__waymark/live.js"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start("basic");
    assert_eq!(server.page("").status, 200);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < PATIENCE, "still running after Ctrl-C");
        thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_site_that_never_built_shows_its_problems_then_the_site_once_fixed() {
    let server = Server::start_with("basic", |root| {
        let site = root.join("content/site.yaml");
        let text = std::fs::read_to_string(&site).unwrap();
        std::fs::write(&site, text.replace("title:", "titel:")).unwrap();
    });
    assert_eq!(server.base, "/", "no base_url could be read");
    let reply = server.get("/");
    assert_eq!(reply.status, 503);
    assert!(reply.body.contains("waymark-overlay"));
    assert!(
        reply.body.contains("<code>content/site.yaml:"),
        "{}",
        reply.body
    );

    let site = server.path("content/site.yaml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("titel:", "title:")).unwrap();
    let started = Instant::now();
    loop {
        let reply = server.get("/");
        if reply.status == 302 {
            assert!(reply.head.contains("Location: /improvement/"));
            break;
        }
        assert!(started.elapsed() < PATIENCE, "never built: {}", reply.body);
        thread::sleep(Duration::from_millis(50));
    }
    let home = server.get("/improvement/");
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("waymark-overlay"));
}

const REPORT: &str = "content/reports/2020-06-26-audit-committee.md";

#[test]
fn feed_search_index_and_stylesheets_are_served_and_follow_edits() {
    let server = Server::start("basic");
    let feed = server.page("feed.xml");
    assert_eq!(feed.status, 200);
    assert!(feed.head.contains("Content-Type: application/xml"));
    assert!(feed
        .body
        .contains("Focused visit and improvement programme"));
    let style = server.page("style.css");
    assert_eq!(style.status, 200);
    assert!(style.head.contains("Content-Type: text/css"));
    assert!(server
        .page("colours.css")
        .body
        .contains("background-color:"));
    let csv = server.page("data/demo-actions.csv");
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("Recruit 8 social workers"));

    server.edit(REPORT, &[("title: Focused visit", "title: Revisited")]);
    server.wait_for("feed.xml", "the new title", |r| {
        r.body.contains("Revisited and improvement programme")
    });
    let index = server.page("search-index.js");
    assert!(index.body.contains("Revisited and improvement programme"));
    assert!(!index
        .body
        .contains("Focused visit and improvement programme"));
}

#[test]
fn a_template_that_fails_on_one_page_names_the_problem_on_that_page() {
    let server = Server::start_with("basic", |root| {
        let templates = root.join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        let report = std::fs::read_to_string(
            common::repo_root().join("themes/default/templates/report.html"),
        )
        .unwrap();
        let broken = report.replacen(
            "{% block content %}",
            "{% block content %}{{ report.no_such_field.deeper }}",
            1,
        );
        assert_ne!(broken, report, "the report template has a content block");
        std::fs::write(templates.join("report.html"), broken).unwrap();
    });
    let report = server.page("reports/2020-06-26-audit-committee/");
    assert_eq!(report.status, 500);
    assert!(report.body.contains("waymark-overlay"));
    assert!(
        report.body.contains("report.html") && report.body.contains("no_such_field"),
        "{}",
        report.body
    );
    let home = server.page("");
    assert_eq!(home.status, 200, "other pages are not affected");
    assert!(!home.body.contains("waymark-overlay"));
}

/// A request for the site's home page with these headers after its request line (and
/// `Connection: close`), then `body`.
fn home_with(server: &Server, headers: &str, body: &str) -> Reply {
    let base = &server.base;
    let request = format!("GET {base} HTTP/1.1\r\n{headers}\r\nConnection: close\r\n\r\n{body}");
    send(server.port, request.as_bytes())
}

#[test]
fn only_requests_for_this_computer_are_answered() {
    let server = Server::start("basic");
    // A page on another site that points its own name at 127.0.0.1 (DNS rebinding).
    for host in [
        "evil.example",
        "evil.example:1111",
        "localhost.evil.example",
    ] {
        let reply = home_with(&server, &format!("Host: {host}"), "");
        assert_eq!(reply.status, 421, "{host}");
        assert!(
            reply
                .body
                .contains("only answers addresses on this computer"),
            "{host}: {}",
            reply.body
        );
        assert!(!reply.body.contains("actions completed"), "{host}");
    }
    for host in [
        "localhost",
        "localhost:1111",
        "drafts.localhost",
        "127.0.0.1:80",
        "[::1]:1111",
    ] {
        let reply = home_with(&server, &format!("Host: {host}"), "");
        assert_eq!(reply.status, 200, "{host}");
        assert!(reply.body.contains("2 of 7 actions completed"), "{host}");
    }
    let reply = home_with(&server, "Accept: text/html", "");
    assert_eq!(reply.status, 400, "HTTP/1.1 without a Host");
    assert!(reply.body.contains("one Host header"), "{}", reply.body);
    let reply = home_with(&server, "Host: localhost\r\nHost: evil.example", "");
    assert_eq!(reply.status, 400, "two Hosts");
    let base = &server.base;
    let old = send(
        server.port,
        format!("GET {base} HTTP/1.0\r\n\r\n").as_bytes(),
    );
    assert_eq!(old.status, 200, "HTTP/1.0 has no Host to send");
}

#[test]
fn requests_whose_length_is_ambiguous_are_refused() {
    let server = Server::start("basic");
    const CHUNKED: &str = "5\r\nhello\r\n0\r\n\r\n";
    for (headers, body) in [
        ("Content-Length: 5\r\nContent-Length: 5", "hello"),
        ("Content-Length: 5\r\nContent-Length: 6", "hello!"),
        ("Content-Length: 5\r\nTransfer-Encoding: chunked", CHUNKED),
        ("Transfer-Encoding: chunked", CHUNKED),
    ] {
        let reply = home_with(&server, &format!("Host: 127.0.0.1\r\n{headers}"), body);
        assert_eq!(reply.status, 400, "{headers}");
        assert!(
            reply.head.contains("Connection: close"),
            "{headers}: {}",
            reply.head
        );
        assert!(reply.body.contains("length is ambiguous"), "{headers}");
    }
    let reply = home_with(&server, "Host: 127.0.0.1\r\nContent-Length: 0", "");
    assert_eq!(reply.status, 200);
}

/// The server's peak memory so far, in KiB.
#[cfg(target_os = "linux")]
fn peak_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_header_is_refused_without_holding_memory() {
    let server = Server::start("basic");
    assert_eq!(server.page("").status, 200);
    let before = peak_kib(&server);
    let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    // Sent on a thread: the server stops reading it, so the write may fail.
    let sending = thread::spawn(move || {
        let line = format!("X-Big: {}\r\n", "a".repeat(32 << 20));
        let head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{line}\r\n");
        let _ = writer.write_all(head.as_bytes());
    });
    let reply = read_reply(stream);
    let _ = sending.join();
    assert_eq!(reply.status, 431, "{}", reply.head);
    assert!(
        reply.body.contains("headers are too large"),
        "{}",
        reply.body
    );
    let grew = peak_kib(&server).saturating_sub(before);
    assert!(grew < 8 * 1024, "the server's memory grew by {grew} KiB");
    assert_eq!(server.page("").status, 200, "still answers afterwards");
}

#[test]
fn idle_and_slow_connections_are_cut_off_while_others_are_answered() {
    let server = Server::launch(
        "basic",
        |_| {},
        &[("WAYMARK_SERVE_HEAD_TIMEOUT_MS", "1000")],
    );
    let connect = || {
        let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(6)))
            .unwrap();
        stream
    };
    let mut events = connect();
    write!(
        events,
        "GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let first = next_generation(&mut events);

    let started = Instant::now();
    let idle: Vec<TcpStream> = (0..8).map(|_| connect()).collect();
    let mut slow = connect();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.").unwrap();
    assert_eq!(server.page("").status, 200, "answered while others idle");
    for mut stream in idle {
        let mut rest = Vec::new();
        stream
            .read_to_end(&mut rest)
            .expect("an idle connection is closed");
        assert!(
            rest.is_empty(),
            "nothing is sent to a connection that sent nothing"
        );
    }
    let slow = read_reply(slow);
    assert_eq!(slow.status, 408);
    assert!(slow.body.contains("took too long"));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "cut off after {took:?}");

    // The reload stream is long-lived by design: it outlives the head timeout.
    server.edit(
        AREA,
        &[("Recruit 8 social workers", "Recruit 9 social workers")],
    );
    assert_ne!(next_generation(&mut events), first);
}

#[test]
fn an_edit_to_the_strings_file_changes_the_words_on_the_pages() {
    let server = Server::start_with("basic", |root| {
        std::fs::create_dir_all(root.join("strings")).unwrap();
        std::fs::write(root.join("strings/en-GB.yaml"), "not_recorded: Not known\n").unwrap();
    });
    let area = "plans/demo/01-front-door/";
    assert!(server.page(area).body.contains(">Not known<"));
    server.edit("strings/en-GB.yaml", &[("Not known", "Unknown as yet")]);
    server.wait_for(area, "the new word", |r| {
        r.body.contains(">Unknown as yet<")
    });
}
