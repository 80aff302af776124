//! JWKS endpoints the user stored: fetch (https only, timeout, size cap, no redirect to
//! another host), a cache of the last good body in the cache dir, and a record of the last
//! failed fetch, so that a dead endpoint costs one timeout per [`RETRY_AFTER`], not one per
//! command.
//!
//! Only URLs from the store reach this module; a URL found in a token header (`jku`, `x5u`)
//! is never fetched (RFC 8725 3.10: the token must not choose the key that verifies it).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ureq::http::Uri;

use super::error::KeyError;
use super::private_files::{create_private_dir, write_atomic};

/// Test knob: `TOKENSCOPE_ALLOW_INSECURE_LOOPBACK=1` lets `http://127.0.0.1`, `http://[::1]`
/// and `http://localhost` through, so tests can serve a JWKS from a loopback thread. Never
/// any other plain-http host.
pub const INSECURE_LOOPBACK_ENV: &str = "TOKENSCOPE_ALLOW_INSECURE_LOOPBACK";

/// Largest JWKS body accepted: real ones are a few KiB.
pub const MAX_BODY: u64 = 1024 * 1024;

/// A cache older than this earns a warning suggesting `keys refresh`.
const STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// After a failed fetch, how long [`load`] does not fetch again (an endpoint that does not
/// answer would cost every command its timeout); `keys refresh` fetches at once.
pub const RETRY_AFTER: Duration = Duration::from_secs(5 * 60);

const MAX_REDIRECTS: usize = 3;

/// How fetching is allowed to behave.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub allow_insecure_loopback: bool,
    pub timeout: Duration,
    pub max_body: u64,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_insecure_loopback: false,
            timeout: Duration::from_secs(10),
            max_body: MAX_BODY,
        }
    }
}

impl FetchPolicy {
    /// The default policy, with the loopback knob read from the environment.
    pub fn from_env() -> Self {
        FetchPolicy {
            allow_insecure_loopback: std::env::var(INSECURE_LOOPBACK_ENV).is_ok_and(|v| v == "1"),
            ..FetchPolicy::default()
        }
    }
}

/// A request error in words: TLS errors come out of the TLS library as nested Rust names
/// (`invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))`); the innermost name
/// is what happened, said as words (`a CA certificate used as the server's certificate`).
fn request_error(e: &ureq::Error) -> String {
    let text = e.to_string();
    let Some(open) = text.find('(') else {
        return text;
    };
    let head = text[..open].trim_end();
    let inner = text[open..]
        .trim_matches(|c| c == '(' || c == ')')
        .rsplit('(')
        .next()
        .unwrap_or_default()
        .trim_end_matches(')');
    if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_alphanumeric()) {
        return text;
    }
    let known = match inner {
        "CaUsedAsEndEntity" => "the server presents a CA certificate as its own",
        "UnknownIssuer" => "the server's certificate is issued by an unknown authority",
        "Expired" => "the server's certificate has expired",
        "NotValidYet" => "the server's certificate is not valid yet",
        "NotValidForName" => "the server's certificate is not valid for this host name",
        "BadSignature" => "the server's certificate has a bad signature",
        "Revoked" => "the server's certificate is revoked",
        _ => "",
    };
    let words = if known.is_empty() {
        let mut w = String::new();
        for (i, c) in inner.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                w.push(' ');
            }
            w.push(c.to_ascii_lowercase());
        }
        w
    } else {
        known.to_string()
    };
    // The variant name the parenthesis belongs to (`... certificate: Other(`) goes too.
    let head = match head.rsplit_once(' ') {
        Some((before, name))
            if name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            before
        }
        _ => head,
    };
    let head = head.trim_end_matches(':');
    if head.is_empty() {
        words
    } else {
        format!("{head}: {words}")
    }
}

fn err(url: &str, reason: impl Into<String>) -> KeyError {
    KeyError::Jwks {
        url: url.to_string(),
        reason: reason.into(),
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
}

/// Check that `url` may be fetched: `https://` with a host, or loopback `http://` when the
/// test knob is on.
pub fn check_url(url: &str, policy: &FetchPolicy) -> Result<Uri, KeyError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| err(url, "not a valid URL (expected https://host/path)"))?;
    let host = uri
        .host()
        .ok_or_else(|| err(url, "the URL has no host (expected https://host/path)"))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if policy.allow_insecure_loopback && is_loopback(host) => Ok(uri),
        Some("http") => Err(err(
            url,
            "plain http is refused: keys fetched without TLS could be swapped in transit (use https://)",
        )),
        _ => Err(err(url, "only https:// URLs are fetched")),
    }
}

/// Fetch a JWKS body. Redirects are followed only within the same scheme, host and port
/// (at most 3); the body must be at most `policy.max_body` bytes and look like a JWKS.
pub fn fetch(url: &str, policy: &FetchPolicy) -> Result<Vec<u8>, KeyError> {
    let origin = check_url(url, policy)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(policy.timeout))
        // Redirects are handled below so that a different host can be refused.
        .max_redirects(0)
        .http_status_as_error(false)
        .https_only(!policy.allow_insecure_loopback)
        .user_agent(concat!("tokenscope/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut current = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        let response = agent
            .get(&current)
            .header("accept", "application/jwk-set+json, application/json")
            .call()
            .map_err(|e| err(url, format!("request failed: {}", request_error(&e))))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| err(url, format!("redirect ({status}) without a Location")))?;
            let next = resolve_location(&origin, location);
            let next_uri = check_url(&next, policy)?;
            if next_uri.scheme() != origin.scheme()
                || next_uri.host() != origin.host()
                || next_uri.port_u16() != origin.port_u16()
            {
                return Err(err(
                    url,
                    format!(
                        "redirect to another host '{next}' refused (store that URL instead if you trust it)"
                    ),
                ));
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(err(url, format!("the server answered {status}")));
        }
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(policy.max_body + 1)
            .read_to_end(&mut body)
            .map_err(|e| err(url, format!("reading the body failed: {e}")))?;
        if body.len() as u64 > policy.max_body {
            return Err(err(
                url,
                format!(
                    "the body is larger than {} bytes: not a JWKS",
                    policy.max_body
                ),
            ));
        }
        check_jwks_body(url, &body)?;
        return Ok(body);
    }
    Err(err(url, format!("more than {MAX_REDIRECTS} redirects")))
}

/// A Location may be absolute or a path on the same origin.
fn resolve_location(origin: &Uri, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let authority = origin.authority().map(|a| a.as_str()).unwrap_or("");
    let scheme = origin.scheme_str().unwrap_or("https");
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let path = origin.path();
        let base = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{scheme}://{authority}{base}{location}")
    }
}

/// A body worth caching: JSON with a non-empty `keys` array. Member-level problems are left
/// to the key parser, which skips bad members with a warning.
fn check_jwks_body(url: &str, body: &[u8]) -> Result<(), KeyError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        err(
            url,
            format!(
                "the body is not JSON (line {}, column {}): is this the JWKS URL?",
                e.line(),
                e.column()
            ),
        )
    })?;
    match value.get("keys") {
        Some(serde_json::Value::Array(keys)) if !keys.is_empty() => Ok(()),
        Some(serde_json::Value::Array(_)) => Err(err(url, "the JWKS has no keys")),
        _ => Err(err(
            url,
            "the body is JSON but not a JWKS (no 'keys' array)",
        )),
    }
}

/// Where the body for `url` is cached: `<cache>/jwks/<sha256(url)>.json`.
pub fn cache_path(cache_dir: &Path, url: &str) -> PathBuf {
    let digest = openssl::sha::sha256(url.as_bytes());
    cache_dir
        .join("jwks")
        .join(format!("{}.json", crate::text::hex(&digest)))
}

/// Where the last failed fetch of `url` is recorded: `<cache>/jwks/<sha256(url)>.failed`,
/// holding the unix time of the failure and its reason.
pub fn failure_path(cache_dir: &Path, url: &str) -> PathBuf {
    cache_path(cache_dir, url).with_extension("failed")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Record a failed fetch (best effort: a cache dir that cannot be written only loses the
/// backoff).
fn record_failure(cache_dir: &Path, url: &str, error: &KeyError) {
    let reason = match error {
        KeyError::Jwks { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    let path = failure_path(cache_dir, url);
    let written = path
        .parent()
        .map_or(Ok(()), create_private_dir)
        .and_then(|()| write_atomic(&path, format!("{}\n{reason}\n", unix_now()).as_bytes()));
    if let Err(e) = written {
        tracing::warn!(error = %e, "cannot record a failed JWKS fetch");
    }
}

/// The last failed fetch of `url` when it is more recent than [`RETRY_AFTER`]: how long ago,
/// in seconds, and why.
pub fn recent_failure(cache_dir: &Path, url: &str) -> Option<(u64, String)> {
    let text = crate::limits::read_file_to_string(
        &failure_path(cache_dir, url),
        crate::limits::JWKS_CACHE,
    )
    .ok()?;
    let (when, reason) = text.split_once('\n')?;
    let when: u64 = when.trim().parse().ok()?;
    // A failure "in the future" (the clock was set back) is not trusted to hold a fetch off.
    let age = unix_now().checked_sub(when)?;
    (age < RETRY_AFTER.as_secs()).then(|| (age, reason.trim().to_string()))
}

/// Fetch now and replace the cache (atomically). Returns the body. A failure is recorded
/// for [`load`]'s backoff; a success clears the record.
pub fn refresh(url: &str, cache_dir: &Path, policy: &FetchPolicy) -> Result<Vec<u8>, KeyError> {
    let body = match fetch(url, policy) {
        Ok(body) => body,
        Err(e) => {
            record_failure(cache_dir, url, &e);
            return Err(e);
        }
    };
    let path = cache_path(cache_dir, url);
    if let Some(parent) = path.parent() {
        create_private_dir(parent)?;
    }
    write_atomic(&path, &body)?;
    match std::fs::remove_file(failure_path(cache_dir, url)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            tracing::warn!(error = %e, "cannot remove the record of a failed JWKS fetch");
        }
        _ => {}
    }
    Ok(body)
}

/// The JWKS for `url`: from the cache, or fetched when the cache is missing or corrupt,
/// unless a fetch failed less than [`RETRY_AFTER`] ago. Returns the body and warnings
/// (recovered cache, stale cache). `name` is the store entry, for messages.
pub fn load(
    url: &str,
    cache_dir: &Path,
    policy: &FetchPolicy,
    name: &str,
) -> Result<(Vec<u8>, Vec<String>), KeyError> {
    let mut warnings = Vec::new();
    if let Some(cached) = load_cached(url, cache_dir, name, &mut warnings)? {
        return Ok((cached, warnings));
    }
    if let Some((age, reason)) = recent_failure(cache_dir, url) {
        return Err(err(
            url,
            format!(
                "not fetched: the last attempt, {age} s ago, failed ({reason}); tokenscope tries again {} minutes after a failure, `tokenscope keys refresh {name}` tries now",
                RETRY_AFTER.as_secs() / 60
            ),
        ));
    }
    let body = refresh(url, cache_dir, policy)?;
    Ok((body, warnings))
}

/// The cached JWKS for `url`, without touching the network: None when there is none, or
/// it is corrupt (then with a warning). A stale cache is returned with a warning.
pub fn load_cached(
    url: &str,
    cache_dir: &Path,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, KeyError> {
    let path = cache_path(cache_dir, url);
    match crate::limits::read_file(&path, crate::limits::JWKS_CACHE) {
        Ok(body) if check_jwks_body(url, &body).is_ok() => {
            let age = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok());
            if let Some(age) = age.filter(|a| *a > STALE_AFTER) {
                warnings.push(format!(
                    "the cached JWKS of '{name}' is {} days old: `tokenscope keys refresh {name}` refetches it",
                    age.as_secs() / 86_400
                ));
            }
            Ok(Some(body))
        }
        Ok(_) => {
            warnings.push(format!(
                "the cached JWKS of '{name}' was corrupt ({}): fetched it again",
                path.display()
            ));
            Ok(None)
        }
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            warnings.push(format!(
                "the cached JWKS of '{name}' was corrupt ({}: {e}): fetched it again",
                path.display()
            ));
            Ok(None)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(KeyError::io(path, "read the JWKS cache", e)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A loopback HTTP server answering every request with `(status, headers, body)` from
    /// `respond(path)`. Returns the base URL and a hit counter.
    pub(crate) fn serve(
        respond: impl Fn(&str) -> (u16, Vec<(String, String)>, Vec<u8>) + Send + Sync + 'static,
    ) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let (status, headers, body) = respond(&path);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        (format!("http://127.0.0.1:{}", addr.port()), hits)
    }

    pub(crate) fn loopback_policy() -> FetchPolicy {
        FetchPolicy {
            allow_insecure_loopback: true,
            timeout: Duration::from_secs(5),
            max_body: MAX_BODY,
        }
    }

    const JWKS: &str =
        r#"{"keys":[{"kty":"oct","kid":"a","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4"}]}"#;

    #[test]
    fn urls_must_be_https_unless_loopback_knob() {
        let strict = FetchPolicy::default();
        assert!(check_url("https://example.com/jwks.json", &strict).is_ok());
        let e = check_url("http://example.com/jwks.json", &strict).unwrap_err();
        assert_eq!(
            e.to_string(),
            "jwks endpoint 'http://example.com/jwks.json': plain http is refused: keys fetched without TLS could be swapped in transit (use https://)"
        );
        assert!(check_url("http://127.0.0.1:1/x", &strict).is_err());
        assert!(check_url("http://127.0.0.1:1/x", &loopback_policy()).is_ok());
        assert!(check_url("http://evil.example/x", &loopback_policy()).is_err());
        assert!(check_url("file:///etc/passwd", &loopback_policy()).is_err());
        assert!(check_url("not a url", &strict).is_err());
    }

    #[test]
    fn fetch_caches_and_recovers_from_a_corrupt_cache() {
        let (base, hits) = serve(|_| (200, vec![], JWKS.as_bytes().to_vec()));
        let url = format!("{base}/jwks.json");
        let cache = tempfile::tempdir().unwrap();
        let policy = loopback_policy();
        let (body, warnings) = load(&url, cache.path(), &policy, "ep").unwrap();
        assert_eq!(body, JWKS.as_bytes());
        assert!(warnings.is_empty());
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // Served from the cache now.
        load(&url, cache.path(), &policy, "ep").unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // A corrupt cache is refetched, with a warning.
        std::fs::write(cache_path(cache.path(), &url), b"{garbage").unwrap();
        let (body, warnings) = load(&url, cache.path(), &policy, "ep").unwrap();
        assert_eq!(body, JWKS.as_bytes());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("the cached JWKS of 'ep' was corrupt"));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        // refresh always fetches.
        refresh(&url, cache.path(), &policy).unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_failed_fetch_holds_off_the_next_for_a_while() {
        use std::sync::atomic::AtomicBool;
        let up = Arc::new(AtomicBool::new(false));
        let flag = up.clone();
        let (base, hits) = serve(move |_| match flag.load(Ordering::SeqCst) {
            true => (200, vec![], JWKS.as_bytes().to_vec()),
            false => (503, vec![], b"down".to_vec()),
        });
        let url = format!("{base}/jwks.json");
        let cache = tempfile::tempdir().unwrap();
        let policy = loopback_policy();
        let e = load(&url, cache.path(), &policy, "ep")
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("the server answered 503 Service Unavailable"),
            "{e}"
        );
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(failure_path(cache.path(), &url).exists());
        // Within RETRY_AFTER: no request, and the error says why and what to do.
        let e = load(&url, cache.path(), &policy, "ep")
            .unwrap_err()
            .to_string();
        // The attempt was 0 s ago, or 1 s when the clock ticked over in between.
        assert!(
            ["0 s ago", "1 s ago"].iter().any(|ago| e.contains(&format!("not fetched: the last attempt, {ago}, failed (the server answered 503 Service Unavailable); tokenscope tries again 5 minutes after a failure, `tokenscope keys refresh ep` tries now"))),
            "{e}"
        );
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // A failure older than RETRY_AFTER (or from the future) holds nothing off.
        for when in [unix_now() - RETRY_AFTER.as_secs(), unix_now() + 3600] {
            std::fs::write(failure_path(cache.path(), &url), format!("{when}\nold\n")).unwrap();
            let before = hits.load(Ordering::SeqCst);
            assert!(load(&url, cache.path(), &policy, "ep").is_err());
            assert_eq!(hits.load(Ordering::SeqCst), before + 1);
        }
        // `keys refresh` fetches at once; a success clears the record.
        up.store(true, Ordering::SeqCst);
        refresh(&url, cache.path(), &policy).unwrap();
        assert!(!failure_path(cache.path(), &url).exists());
        let before = hits.load(Ordering::SeqCst);
        load(&url, cache.path(), &policy, "ep").unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), before, "served from the cache");
    }

    #[test]
    fn fetch_refuses_errors_oversize_non_jwks_and_foreign_redirects() {
        let (base, _) = serve(|path| match path {
            "/404" => (404, vec![], b"nope".to_vec()),
            "/big" => (200, vec![], vec![b' '; (MAX_BODY + 10) as usize]),
            "/html" => (200, vec![], b"<html></html>".to_vec()),
            "/same" => (302, vec![("location".into(), "/ok".into())], vec![]),
            "/away" => (
                302,
                vec![("location".into(), "https://elsewhere.example/jwks".into())],
                vec![],
            ),
            _ => (200, vec![], JWKS.as_bytes().to_vec()),
        });
        let policy = loopback_policy();
        let e = fetch(&format!("{base}/404"), &policy)
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("the server answered 404 Not Found"), "{e}");
        let e = fetch(&format!("{base}/big"), &policy)
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("the body is larger than 1048576 bytes: not a JWKS"),
            "{e}"
        );
        let e = fetch(&format!("{base}/html"), &policy)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the body is not JSON"), "{e}");
        assert_eq!(
            fetch(&format!("{base}/same"), &policy).unwrap(),
            JWKS.as_bytes()
        );
        let e = fetch(&format!("{base}/away"), &policy)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("redirect to another host 'https://elsewhere.example/jwks' refused"),
            "{e}"
        );
    }

    #[test]
    fn fetch_times_out() {
        // A listener that accepts and never answers.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let _held: Vec<_> = listener.incoming().take(1).collect();
            std::thread::sleep(Duration::from_secs(5));
        });
        let policy = FetchPolicy {
            timeout: Duration::from_millis(300),
            ..loopback_policy()
        };
        let started = std::time::Instant::now();
        let e = fetch(&format!("http://127.0.0.1:{port}/"), &policy).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(e.to_string().contains("request failed"), "{e}");
    }
}
