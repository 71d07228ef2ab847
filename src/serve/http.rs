//! Answering requests: map a URL onto a file of the current build (never anything else),
//! add the serve-mode script and overlay to pages, and stream reload events.

use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::percent_decode_str;

use super::conn::{Method, Request, Response};
use super::overlay::{self, EVENTS_PATH, SCRIPT_PATH, STYLE_PATH};
use super::{Made, Shared, Snapshot};

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Script,
    Style,
    Events,
    /// Send the browser here instead (a folder asked for without its trailing slash).
    Redirect(String),
    /// A file of the built site, relative to its folder, `/`-separated.
    File(String),
    NotFound,
}

/// Maps a request target onto the site. `has` says whether the built site has a file.
/// Anything that could name a file outside the site (`..`, encoded or not, NUL,
/// backslashes, empty segments) is not found: only files the build wrote are served.
pub fn route(target: &str, base_path: &str, has: impl Fn(&str) -> bool) -> Route {
    let raw = target.split(['?', '#']).next().unwrap_or("");
    match raw {
        SCRIPT_PATH => return Route::Script,
        STYLE_PATH => return Route::Style,
        EVENTS_PATH => return Route::Events,
        _ => {}
    }
    let Ok(path) = percent_decode_str(raw).decode_utf8() else {
        return Route::NotFound;
    };
    if !path.starts_with('/') || path.contains(['\0', '\\']) {
        return Route::NotFound;
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        return if path == "/" || format!("{path}/") == base_path {
            Route::Redirect(base_path.to_string())
        } else {
            Route::NotFound
        };
    };
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    let unsafe_segment = segments
        .iter()
        .enumerate()
        .any(|(i, s)| matches!(*s, "." | "..") || (s.is_empty() && i != last));
    if unsafe_segment {
        return Route::NotFound;
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if has(&file) {
        Route::File(file)
    } else if has(&format!("{rel}/index.html")) {
        Route::Redirect(format!("{raw}/"))
    } else {
        Route::NotFound
    }
}

/// Answers one request on its connection. A reload-event stream keeps the connection
/// (and its thread) until the page is closed.
pub(crate) fn handle(request: &Request, out: &mut TcpStream, shared: &Arc<Shared>) {
    let head_only = request.method == Method::Head;
    if request.method == Method::Other {
        let mut response = bytes(
            405,
            "text/plain; charset=utf-8",
            b"Only GET and HEAD are supported.\n".to_vec(),
        );
        response.header("Allow", "GET, HEAD");
        let _ = response.send(out, head_only);
        return;
    }
    let snapshot = shared.current();
    let base_path = snapshot.base_path();
    let route = route(&request.target, &base_path, |f| {
        snapshot.built.as_ref().is_some_and(|b| b.has(f))
    });
    let response = match route {
        Route::Events => return stream_events(out, shared),
        Route::Script => bytes(
            200,
            "text/javascript; charset=utf-8",
            overlay::SCRIPT.into(),
        ),
        Route::Style => bytes(200, "text/css; charset=utf-8", overlay::STYLE.into()),
        Route::Redirect(to) => {
            let mut response = bytes(302, "text/plain; charset=utf-8", b"Moved\n".to_vec());
            response.header("Location", &to);
            response
        }
        Route::File(rel) => file(&snapshot, &rel, 200),
        Route::NotFound => not_found(&snapshot),
    };
    let _ = response.send(out, head_only);
}

fn file(snapshot: &Snapshot, rel: &str, status: u16) -> Response {
    let Some(built) = &snapshot.built else {
        return failed_page(snapshot);
    };
    match built.make(rel) {
        Made::Page(html) => {
            let page = overlay::inject(&html, &snapshot.generation, &snapshot.problems);
            bytes(status, "text/html; charset=utf-8", page.into_bytes())
        }
        Made::Bytes(body) => bytes(status, content_type(rel), body),
        Made::Missing => bytes(404, "text/plain; charset=utf-8", b"Not found\n".to_vec()),
        Made::Failed(problem) => {
            let page = overlay::error_page(&snapshot.generation, &[problem]);
            bytes(500, "text/html; charset=utf-8", page.into_bytes())
        }
    }
}

fn not_found(snapshot: &Snapshot) -> Response {
    match &snapshot.built {
        Some(built) if built.has("404.html") => file(snapshot, "404.html", 404),
        Some(_) => bytes(404, "text/plain; charset=utf-8", b"Not found\n".to_vec()),
        None => failed_page(snapshot),
    }
}

/// Before any version of the site has built, every page is the list of problems.
fn failed_page(snapshot: &Snapshot) -> Response {
    let page = overlay::error_page(&snapshot.generation, &snapshot.problems);
    bytes(503, "text/html; charset=utf-8", page.into_bytes())
}

fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(status, content_type, body);
    // Authors always see the newest build, never a copy the browser kept.
    response.header("Cache-Control", "no-store");
    response.header("X-Content-Type-Options", "nosniff");
    response
}

fn content_type(rel: &str) -> &'static str {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" | "rss" | "atom" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// How often an idle event stream sends a comment, which also finds closed tabs.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Server-sent events: the newest build's generation on connect and after every rebuild.
fn stream_events(out: &mut TcpStream, shared: &Shared) {
    let updates = shared.subscribe();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                Cache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    let mut next = Some(shared.current().generation.clone());
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let message = match next.take() {
            Some(generation) => format!("event: generation\ndata: {generation}\n\n"),
            None => ": still here\n\n".to_string(),
        };
        if out.write_all(message.as_bytes()).is_err() || out.flush().is_err() {
            return;
        }
        match updates.recv_timeout(KEEP_ALIVE) {
            Ok(generation) => next = Some(generation),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(f: &str) -> bool {
        [
            "index.html",
            "plans/demo/index.html",
            "style.css",
            "404.html",
        ]
        .contains(&f)
    }

    fn at(url: &str) -> Route {
        route(url, "/", site)
    }

    #[test]
    fn pages_and_files_are_found() {
        assert_eq!(at("/"), Route::File("index.html".into()));
        assert_eq!(
            at("/plans/demo/"),
            Route::File("plans/demo/index.html".into())
        );
        assert_eq!(
            at("/plans/demo/?x=1#top"),
            Route::File("plans/demo/index.html".into())
        );
        assert_eq!(at("/style.css"), Route::File("style.css".into()));
        assert_eq!(at("/plans/demo"), Route::Redirect("/plans/demo/".into()));
        assert_eq!(
            at("/plans/%64emo/"),
            Route::File("plans/demo/index.html".into())
        );
        assert_eq!(at("/__waymark/events"), Route::Events);
    }

    #[test]
    fn nothing_outside_the_site_is_found() {
        for url in [
            "/../Cargo.toml",
            "/plans/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2findex.html",
            "/..%5c..%5cindex.html",
            "/%252e%252e/index.html",
            "//etc/passwd",
            "/./index.html",
            "/index.html%00",
            "/%ff",
            "index.html",
            "http://example.org/index.html",
            "/missing/",
        ] {
            assert_eq!(at(url), Route::NotFound, "{url}");
        }
    }

    #[test]
    fn a_site_with_a_base_path_is_served_under_it() {
        let r = |url| route(url, "/improvement/", site);
        assert_eq!(r("/"), Route::Redirect("/improvement/".into()));
        assert_eq!(r("/improvement"), Route::Redirect("/improvement/".into()));
        assert_eq!(r("/improvement/"), Route::File("index.html".into()));
        assert_eq!(r("/index.html"), Route::NotFound);
        assert_eq!(r("/improvement/../index.html"), Route::NotFound);
    }
}
