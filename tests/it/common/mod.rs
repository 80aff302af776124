//! Shared helpers for the integration tests: a `tokenscope` command with a clean environment
//! and a private store, and fixture paths.
#![allow(dead_code)]
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A sandbox: TOKENSCOPE_HOME and the key store live in a temp dir.
pub struct Sandbox {
    pub home: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn store(&self) -> PathBuf {
        self.home.path().join("keys")
    }

    /// `tokenscope` with no inherited tokenscope variables, NO_COLOR set, and this sandbox's home.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// [`Sandbox::cmd`] as a std `Command`, for a test that drives the process's pipes itself.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"));
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("TOKENSCOPE_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("TOKENSCOPE_HOME", self.home.path());
        cmd.env("NO_COLOR", "1");
        cmd
    }

    /// Write a file in the sandbox and return its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }
}

/// Characters no output of tokenscope may carry raw: C0 (but newline and tab), DEL, C1, bidi
/// controls, zero-width characters and the line and paragraph separators. Written out here,
/// not taken from tokenscope, so that the tests check the policy rather than repeat it.
pub fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// No raw character that `hidden` names in output meant for a terminal (newline and tab are
/// allowed; with colours, strip tokenscope's own SGR codes first).
#[track_caller]
pub fn assert_terminal_safe(case: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        assert!(
            !hidden(c),
            "{case}: raw U+{:04X} in output meant for a terminal:\n{text}",
            c as u32
        );
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Run and parse the JSON printed on stdout, returning (exit code, value).
pub fn json_of(cmd: &mut Command) -> (i32, serde_json::Value) {
    let out = cmd.output().expect("run tokenscope");
    let code = out.status.code().unwrap_or(-1);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, value)
}

/// `tokenscope inspect --json ARGS TOKEN`: (exit code, inspection).
pub fn inspect_json<S: AsRef<std::ffi::OsStr>>(
    sb: &Sandbox,
    args: &[S],
    token: &str,
) -> (i32, serde_json::Value) {
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json"]).args(args).arg(token);
    json_of(&mut cmd)
}

/// The ids of an inspection's findings, in order.
pub fn finding_ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| f["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The first finding with this id, if any.
pub fn find_finding<'a>(v: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    v["findings"].as_array()?.iter().find(|f| f["id"] == id)
}

/// The finding `id` is there with this severity and a source; returns its message.
#[track_caller]
pub fn expect_finding(v: &serde_json::Value, id: &str, severity: &str) -> String {
    let f = find_finding(v, id).unwrap_or_else(|| panic!("no {id} in {v}"));
    assert_eq!(f["severity"], severity, "{id}: {f}");
    assert!(
        !f["source"].as_str().unwrap_or_default().is_empty(),
        "{id}: {f}"
    );
    f["message"].as_str().unwrap_or_default().to_string()
}

/// The status of each layer, outer to inner (empty when the output has no layers).
pub fn statuses(v: &serde_json::Value) -> Vec<String> {
    v["layers"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .map(|l| l["status"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A loopback HTTP server answering every request with `body` (JSON); returns its base URL
/// and a count of the connections it accepted (to prove a URL was never fetched).
pub fn serve(body: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let Ok(clone) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(clone);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                body
            );
        }
    });
    (format!("http://{addr}"), hits)
}

/// Test keys and signing helpers, built with OpenSSL and josekit at test time (no checked-in
/// key material).
pub mod crypto {
    use std::sync::OnceLock;

    use josekit::jwe::{JweEncrypter, JweHeader};
    use josekit::jws::{JwsHeader, JwsSigner};
    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::rsa::Rsa;
    use serde_json::{Map, Value};

    pub fn rsa() -> &'static PKey<Private> {
        static K: OnceLock<PKey<Private>> = OnceLock::new();
        K.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap())
    }

    pub fn rsa_other() -> &'static PKey<Private> {
        static K: OnceLock<PKey<Private>> = OnceLock::new();
        K.get_or_init(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap())
    }

    pub fn ec(nid: Nid) -> PKey<Private> {
        static P256: OnceLock<PKey<Private>> = OnceLock::new();
        static P384: OnceLock<PKey<Private>> = OnceLock::new();
        static P521: OnceLock<PKey<Private>> = OnceLock::new();
        static K256: OnceLock<PKey<Private>> = OnceLock::new();
        let cell = match nid {
            Nid::X9_62_PRIME256V1 => &P256,
            Nid::SECP384R1 => &P384,
            Nid::SECP521R1 => &P521,
            _ => &K256,
        };
        cell.get_or_init(|| {
            let group = EcGroup::from_curve_name(nid).unwrap();
            PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
        })
        .clone()
    }

    pub fn ed25519() -> &'static PKey<Private> {
        static K: OnceLock<PKey<Private>> = OnceLock::new();
        K.get_or_init(|| PKey::generate_ed25519().unwrap())
    }

    pub fn pkcs8_pem(k: &PKey<Private>) -> Vec<u8> {
        k.private_key_to_pem_pkcs8().unwrap()
    }

    pub fn spki_pem(k: &PKey<Private>) -> Vec<u8> {
        k.public_key_to_pem().unwrap()
    }

    /// The private key (PKCS#8 PEM) and the public key (SPKI PEM) an alg needs.
    pub fn key_for(alg: &str) -> PKey<Private> {
        match alg {
            a if a.starts_with("RS") || a.starts_with("PS") => rsa().clone(),
            "ES256" => ec(Nid::X9_62_PRIME256V1),
            "ES384" => ec(Nid::SECP384R1),
            "ES512" => ec(Nid::SECP521R1),
            "ES256K" => ec(Nid::SECP256K1),
            "EdDSA" => ed25519().clone(),
            other => panic!("no asymmetric key for {other}"),
        }
    }

    pub fn signer(alg: &str, secret: &[u8]) -> Box<dyn JwsSigner> {
        use josekit::jws::*;
        if alg.starts_with("HS") {
            // josekit refuses short HMAC keys; tests that need one use `hmac_token`.
            return match alg {
                "HS256" => Box::new(HS256.signer_from_bytes(secret).unwrap()),
                "HS384" => Box::new(HS384.signer_from_bytes(secret).unwrap()),
                _ => Box::new(HS512.signer_from_bytes(secret).unwrap()),
            };
        }
        if alg.starts_with("PS") {
            return Box::new(PssSigner(alg.to_string()));
        }
        let pem = pkcs8_pem(&key_for(alg));
        match alg {
            "RS256" => Box::new(RS256.signer_from_pem(&pem).unwrap()),
            "RS384" => Box::new(RS384.signer_from_pem(&pem).unwrap()),
            "RS512" => Box::new(RS512.signer_from_pem(&pem).unwrap()),
            "PS256" => Box::new(PS256.signer_from_pem(&pem).unwrap()),
            "PS384" => Box::new(PS384.signer_from_pem(&pem).unwrap()),
            "PS512" => Box::new(PS512.signer_from_pem(&pem).unwrap()),
            "ES256" => Box::new(ES256.signer_from_pem(&pem).unwrap()),
            "ES384" => Box::new(ES384.signer_from_pem(&pem).unwrap()),
            "ES512" => Box::new(ES512.signer_from_pem(&pem).unwrap()),
            "ES256K" => Box::new(ES256K.signer_from_pem(&pem).unwrap()),
            "EdDSA" => Box::new(EdDSA.signer_from_pem(&pem).unwrap()),
            other => panic!("unknown alg {other}"),
        }
    }

    /// RSASSA-PSS with a plain RSA key (rsaEncryption), as most issuers hold it: josekit only
    /// signs PS* with RSA-PSS-typed keys, so the tests sign with OpenSSL directly.
    #[derive(Debug)]
    pub struct PssSigner(String);

    impl JwsSigner for PssSigner {
        fn algorithm(&self) -> &dyn josekit::jws::JwsAlgorithm {
            match self.0.as_str() {
                "PS256" => &josekit::jws::PS256,
                "PS384" => &josekit::jws::PS384,
                _ => &josekit::jws::PS512,
            }
        }
        fn signature_len(&self) -> usize {
            256
        }
        fn key_id(&self) -> Option<&str> {
            None
        }
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>, josekit::JoseError> {
            use openssl::hash::MessageDigest;
            use openssl::rsa::Padding;
            use openssl::sign::{RsaPssSaltlen, Signer};
            let md = match self.0.as_str() {
                "PS256" => MessageDigest::sha256(),
                "PS384" => MessageDigest::sha384(),
                _ => MessageDigest::sha512(),
            };
            let mut s = Signer::new(md, rsa()).unwrap();
            s.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
            s.set_rsa_mgf1_md(md).unwrap();
            s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH).unwrap();
            Ok(s.sign_oneshot_to_vec(message).unwrap())
        }
        fn box_clone(&self) -> Box<dyn JwsSigner> {
            Box::new(PssSigner(self.0.clone()))
        }
    }

    /// A compact JWS of `claims` with extra header members.
    pub fn sign(signer: &dyn JwsSigner, header: Value, claims: &Value) -> String {
        let map: Map<String, Value> = header.as_object().cloned().unwrap_or_default();
        let header = JwsHeader::from_map(map).unwrap();
        josekit::jws::serialize_compact(&serde_json::to_vec(claims).unwrap(), &header, signer)
            .unwrap()
    }

    /// A compact JWE (`dir` when `encrypter` is josekit's Dir) around `plaintext`.
    pub fn encrypt(
        encrypter: &dyn JweEncrypter,
        enc: &str,
        cty: Option<&str>,
        plaintext: &[u8],
    ) -> String {
        let mut header = JweHeader::new();
        header.set_content_encryption(enc);
        if let Some(c) = cty {
            header.set_content_type(c);
        }
        josekit::jwe::serialize_compact(plaintext, &header, encrypter).unwrap()
    }

    pub fn b64url(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// An HS* token signed with any secret (short ones included), via OpenSSL.
    pub fn hmac_token(alg: &str, secret: &[u8], header: &Value, claims: &Value) -> String {
        let h = b64url(&serde_json::to_vec(header).unwrap());
        let p = b64url(&serde_json::to_vec(claims).unwrap());
        let md = match alg {
            "HS256" => openssl::hash::MessageDigest::sha256(),
            "HS384" => openssl::hash::MessageDigest::sha384(),
            _ => openssl::hash::MessageDigest::sha512(),
        };
        let key = PKey::hmac(secret).unwrap();
        let mut s = openssl::sign::Signer::new(md, &key).unwrap();
        let tag = s
            .sign_oneshot_to_vec(format!("{h}.{p}").as_bytes())
            .unwrap();
        format!("{h}.{p}.{}", b64url(&tag))
    }
}

/// Claims with about 1 MiB of structured data, as `gen_tokens ALG 1 DIR 1048576` makes them
/// (a Qualifio participation whose `custom.items` holds about 8,700 small objects): the size
/// the TUI's speed and memory targets are measured on (`scripts/bench`).
pub fn big_claims(iat: i64, exp: i64) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut items = Vec::new();
    let mut size = 0;
    while size < 1024 * 1024 {
        let n = items.len();
        let item = json!({
            "id": n,
            "sku": format!("SKU-{n:06}"),
            "label": format!("Prize item number {n}"),
            "qty": n % 7,
            "price": 12.5,
            "tags": ["gold", "crm"],
            "active": n % 3 != 0,
        });
        size += item.to_string().len() + 1;
        items.push(item);
    }
    json!({
        "sub": "participant-00000000",
        "iss": "ACME Games",
        "iat": iat,
        "nbf": iat - 60,
        "exp": exp,
        "campaignId": "123456",
        "limit": {"canPlay": true, "nb": 3},
        "gift": {"cw": true, "label": "five-night getaway to Lanzarote"},
        "custom": {"segment": "gold", "origin": "crm-export", "items": Value::Array(items)},
    })
}
