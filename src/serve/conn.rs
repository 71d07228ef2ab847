//! Connections: a thread each, one request each. The request's head is read with a size
//! limit and a deadline, parsed by httparse, and checked (its length headers and its
//! Host) before anything answers it. A preview server on this computer gains nothing
//! from keep-alive, and one request per connection leaves no room for a second request
//! hidden after the first.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::http;
use super::Shared;

/// What a client may send or hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The request line and headers together, in bytes.
    pub head_bytes: usize,
    /// From connecting to the end of the head: a client this slow is cut off.
    pub head_timeout: Duration,
    /// Connections served at once, reload event streams included; more wait their turn.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head_bytes: 32 * 1024,
            head_timeout: Duration::from_secs(10),
            connections: 512,
        }
    }
}

/// Headers in one request: a browser sends about 15.
const MAX_HEADERS: usize = 100;
/// How long one write may block, so a client that stops reading lets go of its thread.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a refused client's remaining bytes are read and dropped, so that closing
/// does not reset the connection before the client has read why it was refused.
const LINGER: Duration = Duration::from_secs(1);

/// A request that passed every check: all that answering it needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub target: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

/// Why a request is answered with an error before it is routed.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    status: u16,
    message: &'static str,
}

const MALFORMED: Refusal = Refusal {
    status: 400,
    message: "This is not a request this server understands.",
};
const TOO_LARGE: Refusal = Refusal {
    status: 431,
    message: "The request's headers are too large.",
};
const SLOW: Refusal = Refusal {
    status: 408,
    message: "The request took too long to arrive.",
};
const AMBIGUOUS_LENGTH: Refusal = Refusal {
    status: 400,
    message: "The request's length is ambiguous: send one Content-Length header, and no Transfer-Encoding.",
};
const NO_HOST: Refusal = Refusal {
    status: 400,
    message: "The request must have one Host header.",
};
const MISDIRECTED: Refusal = Refusal {
    status: 421,
    message: "This preview server only answers addresses on this computer, such as http://localhost/ or http://127.0.0.1/ (or the address given with --bind).",
};

/// Accepts connections for ever, each on a thread of its own. With `limits.connections`
/// open, the next waits to be accepted (in the system's queue) until one closes.
pub(crate) fn accept(listener: TcpListener, limits: Limits, bind: IpAddr, shared: Arc<Shared>) {
    let slots = Arc::new(Slots {
        open: Mutex::new(0),
        freed: Condvar::new(),
        limit: limits.connections,
    });
    loop {
        let slot = Slots::take(&slots);
        let Ok((stream, _)) = listener.accept() else {
            // Out of file handles, or a client that hung up: keep listening.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let (limits, shared) = (limits.clone(), Arc::clone(&shared));
        // If no thread can be made, the connection (and its slot) is dropped: closed.
        let _ = thread::Builder::new()
            .name("waymark-serve".into())
            .spawn(move || {
                let _slot = slot;
                connection(stream, &limits, bind, &shared);
            });
    }
}

/// How many connections are open, out of how many allowed.
struct Slots {
    open: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl Slots {
    /// Waits for a free slot and takes it.
    fn take(slots: &Arc<Slots>) -> Slot {
        let mut open = slots.open.lock().unwrap_or_else(|e| e.into_inner());
        while *open >= slots.limit {
            open = slots.freed.wait(open).unwrap_or_else(|e| e.into_inner());
        }
        *open += 1;
        Slot(Arc::clone(slots))
    }
}

/// One open connection's slot, given back when dropped.
struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.0.open.lock().unwrap_or_else(|e| e.into_inner());
        *open -= 1;
        self.0.freed.notify_one();
    }
}

fn connection(mut stream: TcpStream, limits: &Limits, bind: IpAddr, shared: &Arc<Shared>) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    // The address this client reached: with --bind 0.0.0.0, the one it typed.
    let local = stream.local_addr().map_or(bind, |a| a.ip());
    match read_head(&mut stream, limits, &[bind, local]) {
        Ok(request) => http::handle(&request, &mut stream, shared),
        Err(Some(refusal)) => {
            if respond(&mut stream, &refusal).is_ok() {
                linger(&mut stream);
            }
        }
        // Nothing was sent, or the client hung up: there is no one to answer.
        Err(None) => {}
    }
}

/// Reads until the head is complete and checked. The buffer never grows past
/// `limits.head_bytes`, and the whole head must arrive within `limits.head_timeout`.
fn read_head(
    stream: &mut TcpStream,
    limits: &Limits,
    addresses: &[IpAddr],
) -> Result<Request, Option<Refusal>> {
    let deadline = Instant::now() + limits.head_timeout;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err((!head.is_empty()).then_some(SLOW));
        }
        stream.set_read_timeout(Some(left)).map_err(|_| None)?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(None),
            Ok(n) => n,
            Err(e) if is_timeout(&e) => continue,
            Err(_) => return Err(None),
        };
        let room = limits.head_bytes - head.len();
        head.extend_from_slice(&chunk[..n.min(room)]);
        // A head ends with a line end, so only a chunk holding one can complete it.
        if chunk[..n].contains(&b'\n') {
            if let Some(request) = parse(&head, addresses).map_err(Some)? {
                return Ok(request);
            }
        }
        if head.len() >= limits.head_bytes {
            return Err(Some(TOO_LARGE));
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// The request in `head`, once it is all there (`None` until then).
fn parse(head: &[u8], addresses: &[IpAddr]) -> Result<Option<Request>, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(_)) => check(&request, addresses).map(Some),
        Err(httparse::Error::TooManyHeaders) => Err(TOO_LARGE),
        Err(_) => Err(MALFORMED),
    }
}

/// Refuses what two servers could read differently, and any Host not on this computer.
fn check(request: &httparse::Request, addresses: &[IpAddr]) -> Result<Request, Refusal> {
    let values = |name: &str| -> Vec<&[u8]> {
        request
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
            .collect()
    };
    // No request this server answers has a body, so none may say how its body is sent.
    let lengths = values("content-length");
    let one_plain_length = lengths.len() <= 1
        && lengths
            .iter()
            .all(|v| !v.is_empty() && v.iter().all(u8::is_ascii_digit));
    if !one_plain_length || !values("transfer-encoding").is_empty() {
        return Err(AMBIGUOUS_LENGTH);
    }
    match (values("host").as_slice(), request.version) {
        // HTTP/1.0 predates Host; browsers always send it.
        ([], Some(0)) => {}
        ([host], _) if host_allowed(host, addresses) => {}
        ([_], _) => return Err(MISDIRECTED),
        _ => return Err(NO_HOST),
    }
    let method = match request.method {
        Some("GET") => Method::Get,
        Some("HEAD") => Method::Head,
        _ => Method::Other,
    };
    Ok(Request {
        method,
        target: request.path.unwrap_or_default().to_string(),
    })
}

/// Whether `host` (a Host header, port and all) names this computer: `localhost`, a name
/// ending in `.localhost`, a loopback address, or one of `addresses` (where the server
/// listens and where this client reached it). A page from another site that points its
/// own name at 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
fn host_allowed(host: &[u8], addresses: &[IpAddr]) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let Some(name) = without_port(host.trim()) else {
        return false;
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    let ip = name.strip_prefix('[').and_then(|n| n.strip_suffix(']'));
    match ip.unwrap_or(&name).parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || addresses.contains(&ip),
        Err(_) => false,
    }
}

/// `name` of `name:port`, keeping an IPv6 address's brackets; `None` if the port is not
/// a number.
fn without_port(host: &str) -> Option<&str> {
    let colon = match host.rfind(']') {
        Some(end) => host[end..].find(':').map(|c| end + c),
        None => host.rfind(':'),
    };
    match colon {
        Some(c) if host[c + 1..].bytes().all(|b| b.is_ascii_digit()) => Some(&host[..c]),
        Some(_) => None,
        None => Some(host),
    }
}

fn respond(stream: &mut TcpStream, refusal: &Refusal) -> io::Result<()> {
    let body = format!("{}\n", refusal.message).into_bytes();
    Response::new(refusal.status, "text/plain; charset=utf-8", body).send(stream, false)
}

/// Reads and drops what a refused client is still sending, for a moment, before closing.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut sink = [0u8; 8192];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// A whole answer, sent with its length; the connection closes after it.
pub struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        let mut response = Response {
            status,
            headers: Vec::new(),
            body,
        };
        response.header("Content-Type", content_type);
        response
    }

    /// Adds a header; one whose value could break the head is left out.
    pub fn header(&mut self, name: &'static str, value: &str) {
        if !value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            self.headers.push((name, value.to_string()));
        }
    }

    /// Writes the answer; without its body for a HEAD request.
    pub fn send(&self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: [IpAddr; 1] = [IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)];

    fn parsed(head: &str) -> Result<Option<Request>, Refusal> {
        parse(head.as_bytes(), &LOOPBACK)
    }

    #[test]
    fn loopback_names_are_answered_and_others_refused() {
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "drafts.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]",
            "[::1]:1111",
            "192.168.1.5:1111",
        ] {
            assert!(host_allowed(host.as_bytes(), &[lan]), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "192.168.1.6",
            "localhost:http",
            "[::1",
            "::1",
            "",
        ] {
            assert!(!host_allowed(host.as_bytes(), &[lan]), "{host}");
        }
        assert!(!host_allowed(b"192.168.1.5", &LOOPBACK));
    }

    #[test]
    fn a_head_is_parsed_once_complete() {
        assert_eq!(parsed("GET / HTTP/1.1\r\nHost: localhost\r\n"), Ok(None));
        assert_eq!(
            parsed("HEAD /a/?b HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Ok(Some(Request {
                method: Method::Head,
                target: "/a/?b".into()
            }))
        );
        assert!(matches!(
            parsed("GET / HTTP/1.0\r\n\r\n"),
            Ok(Some(Request {
                method: Method::Get,
                ..
            }))
        ));
        assert_eq!(parsed("GET / HTTP/1.1\r\n\r\n"), Err(NO_HOST));
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n"),
            Err(NO_HOST)
        );
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
            Err(MISDIRECTED)
        );
        assert_eq!(
            parsed("GET / HTTP/1.1\r\nHost : localhost\r\n\r\n"),
            Err(MALFORMED)
        );
    }

    #[test]
    fn ambiguous_lengths_are_refused() {
        for headers in [
            "Content-Length: 5\r\nContent-Length: 5",
            "Content-Length: 5\r\nContent-Length: 6",
            "Content-Length: 5, 5",
            "Content-Length: +5",
            "Content-Length:",
            "Content-Length: 5\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: chunked",
            "Transfer-Encoding: identity",
        ] {
            let head = format!("GET / HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n\r\n");
            assert_eq!(parsed(&head), Err(AMBIGUOUS_LENGTH), "{headers}");
        }
        let head = "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n";
        assert!(matches!(parsed(head), Ok(Some(_))));
    }

    #[test]
    fn too_many_headers_are_refused() {
        let head = format!(
            "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
            "X-A: b\r\n".repeat(MAX_HEADERS)
        );
        assert_eq!(parsed(&head), Err(TOO_LARGE));
    }

    /// Connects to `port` and reads what the server sends until it closes.
    fn reply(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn past_the_connection_limit_a_client_waits_until_a_slot_frees() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let limits = Limits {
            head_timeout: Duration::from_millis(500),
            connections: 2,
            ..Limits::default()
        };
        let shared = Arc::new(Shared::new());
        let bind = LOOPBACK[0];
        thread::spawn(move || accept(listener, limits, bind, shared));
        let idle: Vec<TcpStream> = (0..2)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let started = Instant::now();
        let answered = reply(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // Answered once the idle ones were cut off and gave back their slots.
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(answered.starts_with("HTTP/1.1 503 "), "{answered}");
        assert!(
            answered.contains("The site has not been built yet"),
            "{answered}"
        );
        drop(idle);
    }

    #[test]
    fn a_response_has_its_length_and_closes() {
        let mut response = Response::new(200, "text/plain", b"hello".to_vec());
        response.header("Location", "/a\r\nSet-Cookie: x=1");
        let mut out = Vec::new();
        response.send(&mut out, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\
             Connection: close\r\n\r\nhello"
        );
        let mut out = Vec::new();
        response.send(&mut out, true).unwrap();
        assert!(out.ends_with(b"\r\n\r\n"));
    }
}
