//! `tokenscope inspect` through the real binary: every alg, every enc, every key format,
//! every intake form and every exit code.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{self, b64url, hmac_token, sign, signer};
use common::{Sandbox, inspect_json, statuses};
use openssl::nid::Nid;
use predicates::prelude::*;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn claims() -> Value {
    json!({"sub": "user-1", "iat": 1_700_000_000, "exp": FAR})
}

#[test]
fn every_jws_alg_verifies_and_rejects() {
    let sb = Sandbox::new();
    let secret = sb.write("secret.txt", SECRET);
    let secret_arg = format!("@{}", secret.display());
    for alg in [
        "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
        "ES384", "ES512", "ES256K", "EdDSA",
    ] {
        let token = sign(
            signer(alg, SECRET).as_ref(),
            json!({"typ": "JWT"}),
            &claims(),
        );
        let key_args: Vec<String> = if alg.starts_with("HS") {
            vec!["--secret".into(), secret_arg.clone()]
        } else {
            let pem = sb.write(
                &format!("{alg}.pub.pem"),
                crypto::spki_pem(&crypto::key_for(alg)),
            );
            vec!["--key-file".into(), pem.display().to_string()]
        };
        let args: Vec<&str> = key_args.iter().map(String::as_str).collect();
        let (code, out) = inspect_json(&sb, &args, &token);
        assert_eq!(code, 0, "{alg}: {out}");
        assert_eq!(statuses(&out), ["valid"], "{alg}");
        assert_eq!(out["layers"][0]["alg"], alg);
        assert_eq!(out["accepted"], true);
        assert_eq!(out["kind"], "jws");

        // One flipped signature bit: invalid, exit 1.
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        let mut sig = base64_decode(&parts[2]);
        let last = sig.len() - 1;
        sig[last / 2] ^= 0x01;
        parts[2] = b64url(&sig);
        let (code, out) = inspect_json(&sb, &args, &parts.join("."));
        assert_eq!(code, 1, "{alg} tampered: {out}");
        assert_eq!(statuses(&out), ["invalid"], "{alg} tampered");
        assert_eq!(out["accepted"], false);

        // No key at all: not verified, exit 3.
        let (code, out) = inspect_json::<&str>(&sb, &[], &token);
        assert_eq!(code, 3, "{alg} without key: {out}");
        assert_eq!(statuses(&out), ["unverified"]);
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

#[test]
fn dir_jwe_with_every_enc_around_an_rs256_jws() {
    let sb = Sandbox::new();
    let pem = sb.write("rsa.pub.pem", crypto::spki_pem(crypto::rsa()));
    let jws = sign(
        signer("RS256", b"").as_ref(),
        json!({"typ": "JWT"}),
        &claims(),
    );
    for (enc, len) in [
        ("A128GCM", 16),
        ("A192GCM", 24),
        ("A256GCM", 32),
        ("A128CBC-HS256", 32),
        ("A192CBC-HS384", 48),
        ("A256CBC-HS512", 64),
    ] {
        let cek: Vec<u8> = (0..len as u8).collect();
        let encrypter = josekit::jwe::Dir.encrypter_from_bytes(&cek).unwrap();
        let jwe = crypto::encrypt(&encrypter, enc, Some("JWT"), jws.as_bytes());
        let jwk = sb.write(
            &format!("dir-{enc}.jwk"),
            serde_json::to_vec(&json!({"kty": "oct", "k": b64url(&cek)})).unwrap(),
        );
        let args = [
            "--key-file",
            jwk.to_str().unwrap(),
            "--key-file",
            pem.to_str().unwrap(),
        ];
        let (code, out) = inspect_json(&sb, &args, &jwe);
        assert_eq!(code, 0, "{enc}: {out}");
        assert_eq!(out["kind"], "jwe");
        assert_eq!(statuses(&out), ["decrypted", "valid"], "{enc}");
        assert_eq!(out["layers"][0]["enc"], enc);
        assert_eq!(out["layers"][0]["alg"], "dir");
        assert_eq!(out["layers"][1]["alg"], "RS256");
        assert_eq!(out["payload"]["sub"], "user-1");

        // Decryption key only: the JWE opens, the inner JWS is not verified.
        let (code, out) = inspect_json(&sb, &args[..2], &jwe);
        assert_eq!(statuses(&out), ["decrypted", "unverified"], "{enc}");
        assert_eq!(code, 3);

        // Wrong content key: failed, claims unreadable.
        let wrong = sb.write(
            "wrong.jwk",
            serde_json::to_vec(&json!({"kty": "oct", "k": b64url(&vec![7u8; len])})).unwrap(),
        );
        let (code, out) = inspect_json(&sb, &["--key-file", wrong.to_str().unwrap()], &jwe);
        assert_eq!(statuses(&out), ["failed"], "{enc}");
        assert_eq!(out["payload"], Value::Null);
        assert_eq!(code, 1);
    }
}

#[test]
fn key_formats_pem_der_jwk_jwks() {
    use openssl::rsa::Rsa;
    let sb = Sandbox::new();
    let rsa = crypto::rsa();
    let rsa_only: Rsa<_> = rsa.rsa().unwrap();
    let rs = sign(signer("RS256", b"").as_ref(), json!({}), &claims());
    let ec = crypto::ec(Nid::X9_62_PRIME256V1);
    let es = sign(signer("ES256", b"").as_ref(), json!({}), &claims());
    let cases: Vec<(&str, Vec<u8>, &String)> = vec![
        ("spki.pem", rsa.public_key_to_pem().unwrap(), &rs),
        (
            "pkcs1-public.pem",
            rsa_only.public_key_to_pem_pkcs1().unwrap(),
            &rs,
        ),
        ("pkcs8.pem", rsa.private_key_to_pem_pkcs8().unwrap(), &rs),
        (
            "pkcs1-private.pem",
            rsa_only.private_key_to_pem().unwrap(),
            &rs,
        ),
        ("spki.der", rsa.public_key_to_der().unwrap(), &rs),
        (
            "pkcs1-public.der",
            rsa_only.public_key_to_der_pkcs1().unwrap(),
            &rs,
        ),
        ("pkcs8.der", rsa.private_key_to_pkcs8().unwrap(), &rs),
        ("ec-spki.pem", ec.public_key_to_pem().unwrap(), &es),
        (
            "ec-sec1.pem",
            ec.ec_key().unwrap().private_key_to_pem().unwrap(),
            &es,
        ),
        ("ec-pkcs8.der", ec.private_key_to_pkcs8().unwrap(), &es),
    ];
    for (name, bytes, token) in cases {
        let path = sb.write(name, bytes);
        let (code, out) = inspect_json(&sb, &["--key-file", path.to_str().unwrap()], token);
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(statuses(&out), ["valid"], "{name}");
        assert!(
            out["layers"][0]["key"].as_str().unwrap().contains(name),
            "{name}: key named after the file"
        );
    }

    // A JWK and a JWKS holding it (exported by josekit from the same key).
    let pair =
        josekit::jwk::alg::rsa::RsaKeyPair::from_der(rsa.private_key_to_pkcs8().unwrap()).unwrap();
    use josekit::jwk::KeyPair;
    let mut public = pair.to_jwk_public_key();
    public.set_key_id("k1");
    let jwk = sb.write("public.jwk", public.to_string());
    let (code, _) = inspect_json(&sb, &["--key-file", jwk.to_str().unwrap()], &rs);
    assert_eq!(code, 0, "jwk");
    let jwks = sb.write(
        "set.jwks",
        json!({"keys": [serde_json::from_str::<Value>(&public.to_string()).unwrap()]}).to_string(),
    );
    let rs_kid = sign(
        signer("RS256", b"").as_ref(),
        json!({"kid": "k1"}),
        &claims(),
    );
    let (code, out) = inspect_json(&sb, &["--key-file", jwks.to_str().unwrap()], &rs_kid);
    assert_eq!(code, 0, "jwks: {out}");
    assert!(
        out["layers"][0]["key"].as_str().unwrap().contains("k1"),
        "{out}"
    );
}

#[test]
fn secrets_in_every_encoding() {
    let sb = Sandbox::new();
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &claims());
    let hex: String = SECRET.iter().map(|b| format!("{b:02x}")).collect();
    use base64::Engine;
    let std64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    let utf8 = String::from_utf8(SECRET.to_vec()).unwrap();
    for (enc, value) in [
        ("utf8", utf8.clone()),
        ("hex", hex),
        ("base64", std64),
        ("base64url", b64url(SECRET)),
    ] {
        let (code, out) =
            inspect_json(&sb, &["--secret", &value, "--secret-encoding", enc], &token);
        assert_eq!(code, 0, "{enc}: {out}");
    }
    // @FILE with one trailing newline, which is ignored.
    let path = sb.write("s.txt", format!("{utf8}\n"));
    let (code, _) = inspect_json(&sb, &["--secret", &format!("@{}", path.display())], &token);
    assert_eq!(code, 0);
    // The wrong secret: invalid.
    let (code, out) = inspect_json(&sb, &["--secret", "not-the-secret"], &token);
    assert_eq!(code, 1);
    assert_eq!(statuses(&out), ["invalid"]);
}

#[test]
fn intake_forms_are_reported_in_stripped() {
    let sb = Sandbox::new();
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &claims());
    let wrapped = format!("{}\n   {}", &token[..30], &token[30..]);
    let cases = [
        (format!("Bearer {token}"), "Bearer prefix"),
        (format!("\"{token}\""), "quotes"),
        (wrapped, "whitespace and line breaks inside the token"),
        (
            format!("https://x.test/c?qual_token={token}&a=1"),
            "parameter 'qual_token'",
        ),
        (
            format!("https://adbx.io/demo?jwt={token}"),
            "parameter 'jwt'",
        ),
        (format!("?access_token={token}"), "parameter 'access_token'"),
        (format!("#id_token={token}&state=1"), "parameter 'id_token'"),
        (
            format!("https://x.test/?token={}", token.replace('.', "%2E")),
            "percent-decoded",
        ),
        (
            format!(
                "_qual_async.push(['createIframe', 'qualifio_insert_place_1', '', '20', 'E7A9', '100%', '1200', 'qual_token={token}', '', '', '']);"
            ),
            "JS tag",
        ),
        (
            format!("_qual_async.push(['setMetaData', 'JWT', '{token}', 'div1']);"),
            "setMetaData",
        ),
    ];
    for (input, expect) in cases {
        let (code, out) = inspect_json(
            &sb,
            &["--secret", std::str::from_utf8(SECRET).unwrap()],
            &input,
        );
        assert_eq!(code, 0, "{input}: {out}");
        let stripped = out["stripped"].to_string();
        assert!(stripped.contains(expect), "{input}: stripped {stripped}");
        assert_eq!(out["token"], token.as_str());
    }
}

#[test]
fn input_from_stdin_and_file() {
    let sb = Sandbox::new();
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &claims());
    let secret = std::str::from_utf8(SECRET).unwrap();
    sb.cmd()
        .args(["inspect", "--json", "--secret", secret, "-"])
        .write_stdin(format!("Bearer {token}\n"))
        .assert()
        .code(0);
    let file = sb.write(
        "ticket.txt",
        format!("Customer says:\n  token={token}\nthanks"),
    );
    sb.cmd()
        .args(["inspect", "--secret", secret, "--file"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ACCEPTED"));
}

#[test]
fn malformed_tokens_exit_2_with_located_errors() {
    let sb = Sandbox::new();
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &claims());
    let (h, rest) = token.split_once('.').unwrap();
    let bad = format!("{h}.{}%{}", &rest[..17], &rest[17..]);
    let out = sb.cmd().args(["inspect", "--json", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("payload segment: invalid base64url character '%' at offset 17"),
        "{stderr}"
    );
    // Whatever decoded is still shown: the header.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["header"]["alg"], "HS256");
    assert!(v["error"].as_str().unwrap().contains("payload segment"));
    // The human report shows the segments and the decoded header, then the error.
    sb.cmd()
        .args(["inspect", &bad])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"alg\": \"HS256\""))
        .stdout(predicate::str::contains(
            "MALFORMED  payload segment: invalid base64url character '%' at offset 17",
        ));

    sb.cmd()
        .args(["inspect", "not a token at all"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("tokenscope: no token found"));
    sb.cmd()
        .args(["inspect", "eyJhbGciOiJIUzI1NiJ9.e30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected 3 segments (JWS) or 5 (JWE)",
        ));
    sb.cmd().args(["inspect", "--bogus"]).assert().code(2);
}

#[test]
fn alg_none_is_never_accepted_in_any_case() {
    let sb = Sandbox::new();
    for alg in ["none", "None", "NONE", "nOnE"] {
        let h = b64url(json!({"alg": alg}).to_string().as_bytes());
        let p = b64url(claims().to_string().as_bytes());
        for sig in ["", "c2lnbmF0dXJl"] {
            let token = format!("{h}.{p}.{sig}");
            let (code, out) = inspect_json(&sb, &["--secret", "x"], &token);
            assert_eq!(code, 1, "{alg}/{sig}: {out}");
            assert_eq!(statuses(&out), ["invalid"]);
            assert_eq!(out["accepted"], false);
        }
    }
}

#[test]
fn public_key_is_never_an_hmac_secret() {
    let sb = Sandbox::new();
    let pem = crypto::spki_pem(crypto::rsa());
    let path = sb.write("rsa.pub.pem", &pem);
    // The classic forgery: HS256 keyed with the PEM text of the public key.
    let forged = hmac_token("HS256", &pem, &json!({"alg": "HS256"}), &claims());
    let (code, out) = inspect_json(&sb, &["--key-file", path.to_str().unwrap()], &forged);
    assert_eq!(code, 1, "{out}");
    assert_eq!(statuses(&out), ["invalid"]);
    assert_eq!(
        out["layers"][0]["attempts"][0]["result"],
        "public_key_as_hmac_refused"
    );
    let ids = out["findings"].to_string();
    assert!(ids.contains("generic.alg.confusion"), "{ids}");

    // The same forgery keyed with the PEM without its newline, the DER, or the JWK JSON.
    let der = crypto::rsa().public_key_to_der().unwrap();
    let trimmed = pem.strip_suffix(b"\n").unwrap().to_vec();
    let pair =
        josekit::jwk::alg::rsa::RsaKeyPair::from_der(crypto::rsa().private_key_to_pkcs8().unwrap())
            .unwrap();
    use josekit::jwk::KeyPair;
    let jwk_path = sb.write("rsa.jwk", pair.to_jwk_public_key().to_string());
    let jwk_text = serde_json::to_string(&tokenscope_public_jwk(&sb, &jwk_path)).unwrap();
    for (what, secret) in [
        ("PEM without newline", trimmed),
        ("DER", der),
        ("JWK", jwk_text.into_bytes()),
    ] {
        let forged = hmac_token("HS256", &secret, &json!({"alg": "HS256"}), &claims());
        for key in [&path, &jwk_path] {
            let (code, out) = inspect_json(&sb, &["--key-file", key.to_str().unwrap()], &forged);
            assert_eq!(code, 1, "{what}: {out}");
            assert_eq!(statuses(&out), ["invalid"], "{what}");
            let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
            assert!(detail.contains("forgery"), "{what}: {detail}");
        }
    }

    // An HS256 token with no kid, checked against an RSA key only: not verifiable, not a forgery.
    let honest = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &claims());
    let (code, out) = inspect_json(&sb, &["--key-file", path.to_str().unwrap()], &honest);
    assert_eq!(code, 3, "{out}");
    assert_eq!(out["layers"][0]["attempts"][0]["result"], "wrong_type");
}

/// The JWK JSON tokenscope itself derives for a key (what an attacker would HMAC with).
fn tokenscope_public_jwk(sb: &Sandbox, jwk_path: &std::path::Path) -> Value {
    sb.cmd()
        .args(["keys", "add", "confusion-jwk", "--force", "--file"])
        .arg(jwk_path)
        .assert()
        .success();
    let out = sb
        .cmd()
        .args(["keys", "export", "confusion-jwk", "--format", "jwk"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn at_reproduces_the_instant_of_a_ticket() {
    let sb = Sandbox::new();
    let c = json!({"sub": "1", "iat": 1_600_000_000, "exp": 1_600_003_600});
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &c);
    let secret = std::str::from_utf8(SECRET).unwrap();
    let (code, out) = inspect_json(&sb, &["--secret", secret], &token);
    assert_eq!(code, 1, "expired now: {out}");
    let (code, out) = inspect_json(
        &sb,
        &["--secret", secret, "--at", "2020-09-13T13:00:00Z"],
        &token,
    );
    assert_eq!(code, 0, "valid at the ticket's instant: {out}");
    assert_eq!(out["evaluated_at"], 1_600_002_000);
    let (code, _) = inspect_json(&sb, &["--secret", secret, "--at", "1600003600"], &token);
    assert_eq!(code, 0, "within the default 60 s skew");
    let (code, _) = inspect_json(
        &sb,
        &["--secret", secret, "--at", "1600003600", "--skew", "0"],
        &token,
    );
    assert_eq!(code, 1, "no skew: expired");
    sb.cmd()
        .args(["inspect", "--at", "yesterday", &token])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid instant 'yesterday'"));
}

#[test]
fn human_report_shows_layers_claims_dates_and_verdict() {
    let sb = Sandbox::new();
    let token = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(),
    );
    sb.cmd()
        .args([
            "inspect",
            "--at",
            "2100-01-03T00:00:00Z",
            "--secret",
            std::str::from_utf8(SECRET).unwrap(),
            &token,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\"exp\": 4102444800  // 2100-01-01T00:00:00Z (2 days ago)",
        ))
        .stdout(predicate::str::contains("JWS  HS256  VALID"))
        .stdout(predicate::str::contains("REJECTED"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn escape_sequences_in_claims_never_reach_the_terminal() {
    let sb = Sandbox::new();
    let c = json!({"sub": "\u{1b}]52;c;SGVsbG8=\u{7}", "name": "\u{1b}[2J", "exp": FAR});
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &c);
    let out = sb
        .cmd()
        .args(["inspect", "--color", "never", &token])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b), "raw ESC in human output");
    let out = sb
        .cmd()
        .args(["inspect", "--color", "always", &token])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("\u{1b}]52"), "OSC 52 reached the terminal");
    assert!(
        !text.contains("\u{1b}[2J"),
        "clear-screen reached the terminal"
    );
}

#[test]
fn a_zip_bomb_is_refused_with_bounded_memory() {
    let sb = Sandbox::new();
    let cek = [5u8; 32];
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_compression("DEF");
    let bomb = vec![b'a'; 64 * 1024 * 1024];
    let jwe = josekit::jwe::serialize_compact(&bomb, &header, &encrypter).unwrap();
    assert!(
        jwe.len() < 1024 * 1024,
        "the bomb itself is small: {} bytes",
        jwe.len()
    );
    let key = sb.write(
        "dir.jwk",
        json!({"kty": "oct", "k": b64url(&cek)}).to_string(),
    );
    let (code, out) = inspect_json(&sb, &["--key-file", key.to_str().unwrap()], &jwe);
    assert_eq!(code, 1);
    assert_eq!(statuses(&out), ["failed"]);
    let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("decompression bomb"), "{detail}");
}

#[test]
fn cbc_hmac_tags_are_checked_by_tokenscope_in_constant_time() {
    let sb = Sandbox::new();
    let cek: Vec<u8> = (0..32u8).collect();
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(&cek).unwrap();
    let jwe = crypto::encrypt(&encrypter, "A128CBC-HS256", None, b"{\"sub\":\"u\"}");
    let key = sb.write(
        "dir.jwk",
        json!({"kty": "oct", "k": b64url(&cek)}).to_string(),
    );
    let mut parts: Vec<String> = jwe.split('.').map(str::to_string).collect();
    let mut tag = base64_decode(&parts[4]);
    tag[0] ^= 0x80;
    parts[4] = b64url(&tag);
    let (code, out) = inspect_json(
        &sb,
        &["--key-file", key.to_str().unwrap()],
        &parts.join("."),
    );
    assert_eq!(code, 1);
    let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
    // tokenscope's own A*CBC-HS* check (RFC 7518 5.2.2.2) answered, not the library's.
    assert!(
        detail.contains("the authentication tag does not match"),
        "{detail}"
    );
    // A truncated tag is refused the same way.
    parts[4] = b64url(&tag[..8]);
    let (code, _) = inspect_json(
        &sb,
        &["--key-file", key.to_str().unwrap()],
        &parts.join("."),
    );
    assert_eq!(code, 1);
}
