//! The smaller hostile-input findings, through the real binary: an oversized skew, the JSON
//! serializations, theme errors, `crit: ["b64"]` in a JWE, OpenSSL's source paths.

use crate::common;

use common::crypto::{b64url, encrypt};
use common::{Sandbox, inspect_json};
use serde_json::json;

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";

#[test]
fn an_oversized_skew_names_the_range_never_300_digits_or_i128() {
    let sb = Sandbox::new();
    let huge = "9".repeat(300);
    let check = |stderr: &str| {
        assert!(stderr.contains("from 0 to 31536000"), "{stderr}");
        assert!(!stderr.contains(&"9".repeat(40)), "{stderr}");
        assert!(!stderr.contains("i128"), "{stderr}");
    };
    let out = sb
        .cmd()
        .args(["inspect", "--skew", &huge, TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    check(&String::from_utf8_lossy(&out.stderr));
    let out = sb
        .cmd()
        .args(["inspect", "--skew", "99999999", TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    check(&String::from_utf8_lossy(&out.stderr));
    let out = sb
        .cmd()
        .env("TOKENSCOPE_SKEW", &huge)
        .args(["inspect", TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    check(&String::from_utf8_lossy(&out.stderr));
    sb.write("config.toml", format!("skew = {huge}\n"));
    let out = sb.cmd().args(["inspect", TOKEN]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("key 'skew'"), "{stderr}");
    check(&stderr);
}

#[test]
fn the_json_serializations_are_named_and_json_gets_an_object() {
    let sb = Sandbox::new();
    let general = json!({
        "payload": "eyJzdWIiOiJ1In0",
        "signatures": [{"protected": "eyJhbGciOiJIUzI1NiJ9", "signature": "c2ln"}]
    });
    let flattened = json!({"payload": "eyJzdWIiOiJ1In0", "protected": "eyJhbGciOiJIUzI1NiJ9", "signature": "c2ln"});
    let jwe = json!({"protected": "eyJlbmMiOiJBMTI4R0NNIn0", "iv": "AA", "ciphertext": "AA", "tag": "AA"});
    for (text, kind) in [(general, "JWS"), (flattened, "JWS"), (jwe, "JWE")] {
        let (code, out) = inspect_json(&sb, &[] as &[&str], &text.to_string());
        assert_eq!(code, 2);
        let error = out["error"].as_str().unwrap();
        assert!(
            error.contains(&format!("this is a {kind} in the JSON serialization")),
            "{error}"
        );
        assert!(error.contains("compact serialization"), "{error}");
    }
    // Any text with no token still gets a JSON object with `error` under --json.
    let (code, out) = inspect_json(&sb, &[] as &[&str], "hello world");
    assert_eq!(code, 2);
    assert!(out["error"].as_str().unwrap().contains("no token found"));
}

#[test]
fn theme_errors_name_the_key_not_the_value() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.home.path().join("themes")).unwrap();
    for (text, key, reason) in [
        (
            format!("[json]\nstring = {{ fg = {} }}\n", "9".repeat(40)),
            "json.string",
            "out of range",
        ),
        (
            "[json]\nkey = { fg = true }\n".to_string(),
            "json.key",
            "invalid type",
        ),
    ] {
        sb.write("themes/bad.toml", &text);
        let out = sb
            .cmd()
            .args(["--theme", "bad", "--demo"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("line 2: {key}:")), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(
            !stderr.contains("9999999999") && !stderr.contains("i128"),
            "{stderr}"
        );
    }
}

/// RFC 7797's `b64` is a JWS header parameter: a JWE that lists it in `crit` lists an
/// extension no JWE recipient understands, so it is refused.
#[test]
fn a_jwe_with_crit_b64_is_refused() {
    let sb = Sandbox::new();
    let key = [5u8; 16];
    let dir = josekit::jwe::Dir.encrypter_from_bytes(key).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A128GCM");
    header.set_critical(&vec!["b64"]);
    header.set_claim("b64", Some(json!(false))).unwrap();
    let token = josekit::jwe::serialize_compact(b"{\"sub\":\"u\"}", &header, &dir).unwrap();
    let keyfile = sb.write(
        "dir.jwk",
        json!({"kty": "oct", "k": b64url(&key)}).to_string(),
    );
    let (code, out) = inspect_json(&sb, &["--key-file", &keyfile.display().to_string()], &token);
    assert_eq!(out["accepted"], false, "{out}");
    assert_eq!(code, 1);
    let ids: Vec<&str> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"generic.crit.unknown"), "{ids:?}");
    let _ = encrypt;
}

/// A wrong `dir` secret with a CBC enc: OpenSSL's reason, never its source file paths.
#[test]
fn openssl_errors_carry_no_source_paths() {
    let sb = Sandbox::new();
    let dir = josekit::jwe::Dir.encrypter_from_bytes([1u8; 32]).unwrap();
    let token = encrypt(&dir, "A128CBC-HS256", None, b"{}");
    let wrong = sb.write(
        "w.jwk",
        json!({"kty": "oct", "k": b64url(&[2u8; 32])}).to_string(),
    );
    let (_, out) = inspect_json(&sb, &["--key-file", &wrong.display().to_string()], &token);
    let text = out.to_string();
    assert!(!text.contains(".c:"), "{text}");
    assert!(!text.contains("providers/"), "{text}");
    let key = sb.write(
        "bad.pem",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    let out = sb
        .cmd()
        .args(["inspect", "--key-file"])
        .arg(&key)
        .arg(TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(".c:"), "{stderr}");
}

/// A JWKS endpoint whose TLS certificate fails says why in words, never the TLS library's
/// nested Rust names (`Other(OtherError(CaUsedAsEndEntity))`).
#[test]
fn tls_failures_are_said_in_words() {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::ssl::{SslAcceptor, SslMethod};
    use openssl::x509::extension::BasicConstraints;
    use openssl::x509::{X509, X509NameBuilder};
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "localhost").unwrap();
    let name = name.build();
    let mut cert = X509::builder().unwrap();
    cert.set_version(2).unwrap();
    cert.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    cert.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = cert.build();
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    acceptor.set_private_key(&key).unwrap();
    acceptor.set_certificate(&cert).unwrap();
    let acceptor = acceptor.build();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4).flatten() {
            let _ = acceptor.accept(stream);
        }
    });
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["keys", "add", "tls", "--jwks-url"])
        .arg(format!("https://localhost:{port}/jwks.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("request failed"), "{stderr}");
    assert!(
        !stderr.contains("OtherError") && !stderr.contains("Other("),
        "{stderr}"
    );
    assert!(
        stderr.contains("certificate") || stderr.contains("authority"),
        "{stderr}"
    );
}

/// `--batch DIR` names the directory and says what to give instead.
#[test]
fn a_directory_given_to_batch_is_named() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["inspect", "--batch"])
        .arg(sb.home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("'{}' is a directory", sb.home.path().display())),
        "{stderr}"
    );
}

/// An endpoint publishing a private key, a shared secret or RSA under 2048 bits: warned at
/// fetch, a warning finding where such a key opens a token, a warning when `sign` uses it.
#[test]
fn a_jwks_publishing_private_keys_or_short_rsa_is_warned_about() {
    use openssl::pkey::PKey;
    let rsa = openssl::rsa::Rsa::generate(1024).unwrap();
    let b = |n: &openssl::bn::BigNumRef| b64url(&n.to_vec());
    let jwk = json!({
        "kty": "RSA", "kid": "weak", "n": b(rsa.n()), "e": b(rsa.e()), "d": b(rsa.d()),
        "p": b(rsa.p().unwrap()), "q": b(rsa.q().unwrap()), "dp": b(rsa.dmp1().unwrap()),
        "dq": b(rsa.dmq1().unwrap()), "qi": b(rsa.iqmp().unwrap())
    });
    let oct = json!({"kty": "oct", "kid": "shared", "k": b64url(&[7u8; 32])});
    let (url, _) = common::serve(json!({"keys": [jwk, oct]}).to_string());
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["keys", "add", "ep", "--jwks-url"])
        .arg(format!("{url}/jwks.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'ep#weak' carries its private key"),
        "{stderr}"
    );
    assert!(
        stderr.contains("'ep#shared' is a shared secret"),
        "{stderr}"
    );
    assert!(stderr.contains("'ep#weak' is RSA-1024"), "{stderr}");
    let pkey = PKey::from_rsa(rsa).unwrap();
    // josekit refuses to sign with RSA-1024: OpenSSL signs it.
    let input = format!(
        "{}.{}",
        b64url(
            json!({"alg": "RS256", "typ": "JWT", "kid": "weak"})
                .to_string()
                .as_bytes()
        ),
        b64url(
            json!({"sub": "u", "exp": 4_102_444_800_i64})
                .to_string()
                .as_bytes()
        )
    );
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &pkey).unwrap();
    let sig = signer.sign_oneshot_to_vec(input.as_bytes()).unwrap();
    let token = format!("{input}.{}", b64url(&sig));
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["inspect", "--json", &token]);
    let (_, out) = common::json_of(&mut cmd);
    let ids: Vec<&str> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"generic.key.jwks_private"), "{ids:?}");
    assert!(ids.contains(&"generic.key.rsa_short"), "{ids:?}");
    let out = sb
        .cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["sign", "--template", "adictiz", "--key", "ep#weak"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("carries its private key"), "{stderr}");
}
