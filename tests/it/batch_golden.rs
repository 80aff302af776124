//! `inspect --batch` byte for byte: the summary for people and the JSON Lines of a varied
//! corpus (every alg family, JWE-wrapped, expired, tampered, wrong `kid`, `canPlay` as a
//! string, Adictiz, Xtremepush, plain JWTs, malformed and non-token lines, a line too long),
//! with stored keys, with and without a campaign file, at a fixed instant, on one thread and
//! on two, compared with golden files.
//!
//! The goldens were written by the code before the lean batch path: the verdicts, the counts
//! and every JSON member must stay what they were. A difference here is a change users see.
//!
//! - The corpus, `tests/fixtures/batch-golden/corpus.log`, is generated (its ES256 signatures
//!   and JWE IVs are random, so it is checked in):
//!   `cargo test --test it batch_golden::regenerate_corpus -- --ignored`.
//! - The goldens, after an intended output change only:
//!   `BLESS_BATCH_GOLDEN=1 cargo test --test it batch_golden::`.
//!
//! The keys are the published RFC test keys of `tests/fixtures/conformance` and fixed secrets.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use josekit::jwk::Jwk;
use josekit::jws::JwsSigner;
use serde_json::{Value, json};

use crate::common::{self, Sandbox};
use common::crypto::b64url;

/// The evaluation instant: 2026-01-01T00:00:00Z.
const AT: i64 = 1_767_225_600;
const QUALIFIO_SECRET: &str = "qualifio-batch-golden-secret-0123456789";
const ADICTIZ_SECRET: &str = "adictiz-batch-golden-secret-0123456789ab";
const GENERIC_SECRET: &str = "generic-batch-golden-secret-0123456789abc";
const STRANGER_SECRET: &str = "a-secret-no-stored-key-holds-0123456789";

fn dir() -> PathBuf {
    common::fixtures().join("batch-golden")
}

/// A published key from a conformance vector.
fn vector_key(case: &str, index: usize) -> Value {
    let path = common::fixtures().join(format!("conformance/vectors/{case}.json"));
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["keys"][index].clone()
}

fn jwk(case: &str) -> Jwk {
    let mut key = vector_key(case, 0);
    // The header says the kid (or not): the signer must not add the key's own.
    key.as_object_mut().unwrap().remove("kid");
    Jwk::from_map(key.as_object().unwrap().clone()).unwrap()
}

/// Something that signs a JWS signing input.
type Sign = dyn Fn(&[u8]) -> Vec<u8>;

/// `header.payload.signature`, the header and payload taken as written.
fn jws(sign: &Sign, header: &str, payload: &str) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes())
    );
    format!("{input}.{}", b64url(&sign(input.as_bytes())))
}

/// HMAC with any secret (josekit refuses secrets shorter than the hash: tokenscope warns).
fn hs(alg: &str, secret: &str) -> Box<Sign> {
    let md = match alg {
        "HS256" => openssl::hash::MessageDigest::sha256(),
        "HS384" => openssl::hash::MessageDigest::sha384(),
        _ => openssl::hash::MessageDigest::sha512(),
    };
    let key = openssl::pkey::PKey::hmac(secret.as_bytes()).unwrap();
    Box::new(move |input| {
        let mut s = openssl::sign::Signer::new(md, &key).unwrap();
        s.sign_oneshot_to_vec(input).unwrap()
    })
}

fn with(signer: impl JwsSigner + 'static) -> Box<Sign> {
    Box::new(move |input| signer.sign(input).unwrap())
}

/// Claims of a Qualifio participant, with `extra` members merged in (null removes one).
fn qualifio(n: usize, extra: Value) -> String {
    let mut claims = json!({
        "sub": format!("participant-{n:04}"),
        "iss": "ACME Games",
        "iat": AT - 600,
        "nbf": AT - 900,
        "exp": AT + 86_400,
        "campaignId": "123456",
        "limit": {"canPlay": true, "nb": 3},
        "gift": {"cw": n.is_multiple_of(2), "label": "five-night getaway"},
        "form": {"firstname": "Alexandra", "lastname": "Dupont", "country": "BE", "email": format!("a{n}@example.com")},
        "optin": {"newsletter": 1, "partners": "off"},
        "custom": {"segment": "gold"},
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims.to_string()
}

/// Flip the last character of a token's signature (a tampered token).
fn tampered(token: &str) -> String {
    let mut t = token.to_string();
    let last = t.pop().unwrap();
    // Flip a bit the base64url alphabet keeps in its top 4 bits: still valid base64url.
    t.push(if last == 'A' { 'Q' } else { 'A' });
    t
}

fn dir_jwe(key: &[u8], enc: &str, cty: Option<&str>, plaintext: &str) -> String {
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(key).unwrap();
    common::crypto::encrypt(&encrypter, enc, cty, plaintext.as_bytes())
}

/// The corpus: one case per line, most lines with text around the token as a log has it.
fn corpus() -> Vec<String> {
    use josekit::jws::{ES256, ES512, EdDSA, PS256, RS256, RS384, RS512};
    let q = |alg: &str, n: usize, extra: Value| {
        jws(
            &*hs(alg, QUALIFIO_SECRET),
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &qualifio(n, extra),
        )
    };
    let rsa = jwk("rfc7515-A2-rs256");
    let p256 = jwk("rfc7515-A3-es256");
    let p521 = jwk("rfc7515-A4-es512");
    let bilbo = jwk("rfc7520-4_1-rs256");
    let ed = jwk("rfc8037-A4-eddsa-ed25519");
    let dir_key = base64_url(
        vector_key("rfc7520-5_6-dir-a128gcm", 0)["k"]
            .as_str()
            .unwrap(),
    );
    let rs = |signer: &Sign, alg: &str, n: usize, extra: Value| {
        jws(
            signer,
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &qualifio(n, extra),
        )
    };
    let rs256 = with(RS256.signer_from_jwk(&rsa).unwrap());
    let es256 = with(ES256.signer_from_jwk(&p256).unwrap());
    let mut lines = vec![
        "2026-01-01 00:00:00 boot: no token on this line".to_string(),
        // Qualifio, HS256: the common case, then each thing that goes wrong.
        format!("GET /play?qual_token={} 200", q("HS256", 1, json!({}))),
        q("HS256", 2, json!({})),
        format!("expired: {}", q("HS256", 3, json!({"exp": AT - 3600}))),
        format!("tampered: {}", tampered(&q("HS256", 4, json!({})))),
        format!(
            "canPlay as a string: {}",
            q("HS256", 5, json!({"limit": {"canPlay": "true", "nb": 3}}))
        ),
        q("HS256", 6, json!({"limit": {"canPlay": false, "nb": "x"}})),
        q("HS256", 7, json!({"limit": null})),
        q("HS256", 8, json!({"campaignId": 123456})),
        q("HS256", 9, json!({"campaignId": "999999", "gift": {"cw": true}})),
        q("HS256", 10, json!({"form": {"country": "be", "unknown": "x"}})),
        q("HS256", 11, json!({"optin": {"newsletter": "yes"}})),
        q("HS256", 12, json!({"exp": (AT + 86_400) * 1000})),
        q("HS256", 13, json!({"limit": {"nb": -1}, "gift": {"cw": "yes", "label": ""}})),
        q("HS256", 14, json!({"limit": {"nb": 0}, "gift": {"label": "a prize"}})),
        q("HS256", 15, json!({"CampaignId": "123456", "campaignId": null})),
        q("HS384", 16, json!({})),
        q("HS512", 17, json!({"nbf": AT + 7200})),
        format!(
            "kid the platform ignores: {}",
            jws(
                &*hs("HS256", QUALIFIO_SECRET),
                r#"{"alg":"HS256","typ":"JWT","kid":"unused"}"#,
                &qualifio(18, json!({})),
            )
        ),
        format!(
            "duplicate members: {}",
            jws(
                &*hs("HS256", QUALIFIO_SECRET),
                r#"{"alg":"HS256","alg":"HS256"}"#,
                r#"{"sub":"p19","exp":1767312000,"campaignId":"123456","campaignId":"123456","limit":{"canPlay":true,"canPlay":false}}"#,
            )
        ),
        format!(
            "signed with another secret: {}",
            jws(
                &*hs("HS256", STRANGER_SECRET),
                r#"{"alg":"HS256","typ":"JWT"}"#,
                &qualifio(20, json!({})),
            )
        ),
        jws(
            &*hs("HS256", STRANGER_SECRET),
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &qualifio(21, json!({})),
        ),
        format!("two on a line: {} {}", q("HS256", 22, json!({})), q("HS256", 23, json!({"sub": 23}))),
        format!(
            "Authorization: Bearer {}",
            q("HS256", 24, json!({"sub": null, "iat": AT + 7200}))
        ),
        format!(
            "url-encoded: https://x.test/game?utm=a?qual_token={}",
            q("HS256", 25, json!({}))
        ),
        // Qualifio, RSA and EC.
        rs(&*rs256, "RS256", 30, json!({})),
        rs(&*rs256, "RS256", 31, json!({"exp": AT - 60})),
        tampered(&rs(&*rs256, "RS256", 32, json!({}))),
        rs(&*with(RS384.signer_from_jwk(&rsa).unwrap()), "RS384", 33, json!({})),
        rs(&*with(RS512.signer_from_jwk(&rsa).unwrap()), "RS512", 34, json!({"limit": {"canPlay": "true"}})),
        rs(&*with(PS256.signer_from_jwk(&rsa).unwrap()), "PS256", 35, json!({})),
        rs(&*es256, "ES256", 40, json!({})),
        rs(&*es256, "ES256", 41, json!({"exp": AT - 60})),
        tampered(&rs(&*es256, "ES256", 42, json!({}))),
        rs(&*es256, "ES256", 43, json!({"limit": {"canPlay": "true", "nb": 1}})),
        rs(&*with(ES512.signer_from_jwk(&p521).unwrap()), "ES512", 44, json!({})),
        // JWE-wrapped (Qualifio: dir around a signed JWS), and JWEs that are not that.
        dir_jwe(&dir_key, "A128GCM", Some("JWT"), &q("HS256", 50, json!({}))),
        dir_jwe(&dir_key, "A128GCM", Some("JWT"), &q("HS256", 51, json!({"exp": AT - 60}))),
        dir_jwe(&dir_key, "A128GCM", None, &rs(&*es256, "ES256", 52, json!({}))),
        dir_jwe(&dir_key, "A128GCM", None, &qualifio(53, json!({}))),
        dir_jwe(&[7u8; 16], "A128GCM", Some("JWT"), &q("HS256", 54, json!({}))),
        dir_jwe(&[9u8; 32], "A256GCM", Some("JWT"), &q("HS256", 55, json!({}))),
        {
            let mut public = vector_key("rfc7516-A1-rsa-oaep-a256gcm", 0);
            public
                .as_object_mut()
                .unwrap()
                .retain(|k, _| ["kty", "n", "e"].contains(&k.as_str()));
            let key = Jwk::from_map(public.as_object().unwrap().clone()).unwrap();
            let encrypter = josekit::jwe::RSA_OAEP.encrypter_from_jwk(&key).unwrap();
            common::crypto::encrypt(&encrypter, "A256GCM", Some("JWT"), q("HS256", 56, json!({})).as_bytes())
        },
        // Adictiz.
        jws(
            &*hs("HS256", ADICTIZ_SECRET),
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &json!({"partnerUserID": "u-60", "civility": "mr", "firstname": "Jean-Luc", "lastname": "O'Brien", "email": "jl@example.com", "birthday": "31/12/1990", "zipCode": "01000", "rule": 1}).to_string(),
        ),
        jws(
            &*hs("HS256", ADICTIZ_SECRET),
            r#"{"alg":"HS256"}"#,
            &json!({"partnerUserId": "u-61", "civility": "sir", "email": "not an address", "birthday": "31/02/1990", "zipCode": 1000, "mobilePhone": "+32 470", "newsletter": 2, "city": "Paris 75"}).to_string(),
        ),
        // Xtremepush (chosen by the verifying key's profile tag).
        jws(
            &*with(RS256.signer_from_jwk(&bilbo).unwrap()),
            r#"{"alg":"RS256","typ":"JWT","kid":"bilbo.baggins@hobbiton.example"}"#,
            &json!({"sub": "xp-70", "exp": AT + 3600, "iat": AT - 10}).to_string(),
        ),
        jws(
            &*with(RS256.signer_from_jwk(&bilbo).unwrap()),
            r#"{"alg":"RS256"}"#,
            &json!({"user": "xp-71", "iat": AT - 10}).to_string(),
        ),
        // Plain JWTs (generic profile), EdDSA with a kid that selects the key, and one with the
        // wrong kid.
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &json!({"sub": "alice", "iss": "https://issuer.example", "aud": "api", "exp": AT + 600, "iat": AT - 5}).to_string(),
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256"}"#,
            &json!({"sub": "bob"}).to_string(),
        ),
        jws(
            &*with(EdDSA.signer_from_jwk(&ed).unwrap()),
            r#"{"alg":"EdDSA","kid":"ed-1","typ":"JWT"}"#,
            &json!({"sub": "carol", "exp": AT + 600}).to_string(),
        ),
        format!(
            "wrong kid: {}",
            jws(
                &*with(EdDSA.signer_from_jwk(&ed).unwrap()),
                r#"{"alg":"EdDSA","kid":"ed-2","typ":"JWT"}"#,
                &json!({"sub": "dave", "exp": AT + 600}).to_string(),
            )
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256","typ":"JWT","crit":["exp"],"exp":1,"jku":"https://x.test/jwks"}"#,
            &json!({"sub": "erin", "exp": AT + 600}).to_string(),
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256","typ":"JWT"}"#,
            "not json at all",
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256"}"#,
            "an opaque payload, not a JWT",
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"frank","exp":"tomorrow","nbf":null,"nested":{"a":[1,2,{"b":"\u00e9\n"}]}}"#,
        ),
        jws(
            &*hs("HS256", GENERIC_SECRET),
            r#"{"alg":"HS256"}"#,
            r#"["an","array"]"#,
        ),
        format!(
            "{}.",
            [b64url(br#"{"alg":"none","typ":"JWT"}"#), b64url(br#"{"sub":"mallory","campaignId":"123456"}"#)].join(".")
        ),
        // Malformed tokens and lines that hold none.
        format!("{}.%%%.abc", b64url(br#"{"alg":"HS256"}"#)),
        format!("{}.{}.sig", b64url(b"not a header"), b64url(b"{}")),
        format!("{}.{}.sig", b64url(b"[1,2]"), b64url(b"{}")),
        format!("{}.{}.+/=", b64url(br#"{"alg":"HS256"}"#), b64url(br#"{"sub":"x"}"#)),
        format!("{}.{}.{}.x", b64url(br#"{"alg":"HS256"}"#), b64url(b"{}"), b64url(b"s")),
        // Found as tokens, but a segment does not decode: reported with what did.
        format!("{}.{}xy.{}", b64url(br#"{"alg":"HS256"}"#), b64url(br#"{"sub":"x"}"#), b64url(b"sig")),
        format!("{}.{}.abcde", b64url(br#"{"alg":"HS256","typ":"JWT"}"#), b64url(br#"{"campaignId":"123456"}"#)),
        format!("{}.{}.{}", b64url(br#"{"alg":"HS256","#), b64url(br#"{"sub":"x"}"#), b64url(b"sig")),
        format!("{}..abcde.{}.{}", b64url(br#"{"alg":"dir","enc":"A128GCM"}"#), b64url(b"ciphertext"), b64url(b"tag")),
        String::new(),
        "eyJ not a token at all eyJ".to_string(),
        "a line with a \u{1b}[2J terminal escape and no token".to_string(),
    ];
    // Terminal escapes carried by a token's claims (an unsigned junk line in a log).
    lines.push(jws(
        &*hs("HS256", STRANGER_SECRET),
        r#"{"alg":"HS256"}"#,
        &json!({"campaignId": "evil\u{1b}]52;c;SGk=\u{7}", "sub": "\u{202e}x"}).to_string(),
    ));
    // The bulk of a log: valid tokens of one campaign, on every alg.
    for n in 100..112 {
        lines.push(match n % 3 {
            0 => q("HS256", n, json!({})),
            1 => rs(&*rs256, "RS256", n, json!({})),
            _ => rs(&*es256, "ES256", n, json!({})),
        });
    }
    lines
}

fn base64_url(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

#[test]
#[ignore = "writes the checked-in corpus; run by hand (see the module documentation)"]
fn regenerate_corpus() {
    let mut text = corpus().join("\n");
    text.push('\n');
    // A line that is not UTF-8, between two tokens.
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"not utf-8: \xff\xfe ");
    bytes.extend_from_slice(b"\n");
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join("corpus.log"), bytes).unwrap();
}

/// The sandbox's key store: the keys the corpus was made with, each as a user stores it.
fn store_keys(sb: &Sandbox) {
    let add = |args: &[&str]| {
        let out = sb.cmd().args(["keys", "add"]).args(args).output().unwrap();
        assert!(out.status.success(), "keys add {args:?}: {out:?}");
    };
    let jwk_file = |name: &str, case: &str, index: usize| {
        let path = sb.write(&format!("{name}.jwk"), vector_key(case, index).to_string());
        path.display().to_string()
    };
    add(&["q-hs", "--secret", QUALIFIO_SECRET, "--profile", "qualifio"]);
    add(&[
        "q-rs",
        "--file",
        &jwk_file("q-rs", "rfc7515-A2-rs256", 0),
        "--profile",
        "qualifio",
    ]);
    add(&[
        "q-es",
        "--file",
        &jwk_file("q-es", "rfc7515-A3-es256", 0),
        "--profile",
        "qualifio",
    ]);
    add(&[
        "q-es512",
        "--file",
        &jwk_file("q-es512", "rfc7515-A4-es512", 0),
        "--profile",
        "qualifio",
    ]);
    let dir_key = vector_key("rfc7520-5_6-dir-a128gcm", 0)["k"]
        .as_str()
        .unwrap()
        .to_string();
    add(&[
        "q-dir",
        "--secret",
        &dir_key,
        "--encoding",
        "base64url",
        "--profile",
        "qualifio",
    ]);
    add(&["ad-hs", "--secret", ADICTIZ_SECRET, "--profile", "adictiz"]);
    add(&[
        "xp",
        "--file",
        &jwk_file("xp", "rfc7520-4_1-rs256", 0),
        "--profile",
        "xtremepush",
    ]);
    add(&["jose-hs", "--secret", GENERIC_SECRET]);
    add(&[
        "jose-ed",
        "--file",
        &jwk_file("jose-ed", "rfc8037-A4-eddsa-ed25519", 0),
        "--kid",
        "ed-1",
    ]);
    add(&[
        "jose-oaep",
        "--file",
        &jwk_file("jose-oaep", "rfc7516-A1-rsa-oaep-a256gcm", 0),
    ]);
}

const CAMPAIGN: &str = r#"id = "123456"
profile = "qualifio"
signature = "hmac"
keys = ["q-hs"]
optins = ["newsletter", "partners"]
prizes = 2

[form]
firstname = []
lastname = []
email = []
country = ["BE", "FR", "NL"]
"#;

/// The corpus as the runs read it: the checked-in lines, then a line too long to search and
/// one more token after it (generated: 16 MiB do not belong in the repository).
fn input(sb: &Sandbox) -> PathBuf {
    let mut bytes = std::fs::read(dir().join("corpus.log")).unwrap();
    let corpus = String::from_utf8_lossy(&bytes).into_owned();
    let last_token = corpus
        .lines()
        .rev()
        .find(|l| l.starts_with("eyJ"))
        .unwrap()
        .to_string();
    bytes.extend(std::iter::repeat_n(b'x', 16 * 1024 * 1024 + 1));
    bytes.push(b'\n');
    bytes.extend_from_slice(last_token.as_bytes());
    bytes.push(b'\n');
    sb.write("corpus.log", bytes)
}

/// Run `inspect --batch` with `args` on one thread and on two (same bytes), and compare
/// stdout with the golden `name` (or write it, blessing).
#[track_caller]
fn check(sb: &Sandbox, input: &Path, name: &str, args: &[&str], code: i32) {
    let run = |threads: &str| {
        let out = sb
            .cmd()
            .args(["inspect", "--at", &AT.to_string(), "--threads", threads])
            .args(args)
            .arg("--batch")
            .arg(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{name}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let one = run("1");
    let two = run("2");
    assert!(one == two, "{name}: one thread and two differ");
    let home = sb.home.path().display().to_string();
    assert!(
        !String::from_utf8_lossy(&one).contains(&home),
        "{name}: the sandbox path is in the output"
    );
    let golden = dir().join(name);
    if std::env::var_os("BLESS_BATCH_GOLDEN").is_some() {
        std::fs::write(&golden, &one).unwrap();
        return;
    }
    let want = std::fs::read(&golden).unwrap();
    if one != want {
        let got = String::from_utf8_lossy(&one);
        let want = String::from_utf8_lossy(&want);
        let (i, (g, w)) = got
            .lines()
            .zip(want.lines())
            .enumerate()
            .find(|(_, (g, w))| g != w)
            .unwrap_or((got.lines().count().min(want.lines().count()), ("", "")));
        // Long JSON lines: show where they part.
        let at = g.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(80);
        let around = |s: &str| s.get(from..(at + 80).min(s.len())).unwrap_or(s).to_string();
        panic!(
            "{name}: output differs from the golden at line {}, byte {at}:\n got: …{}\nwant: …{}",
            i + 1,
            around(g),
            around(w)
        );
    }
}

#[test]
fn summary_and_json_lines_are_what_they_were() {
    let sb = Sandbox::new();
    store_keys(&sb);
    let input = input(&sb);
    let campaign = sb.write("campaign.toml", CAMPAIGN);
    let campaign = campaign.display().to_string();
    let empty = sb.home.path().join("no-keys");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::set_permissions(&empty, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let empty = empty.display().to_string();
    check(&sb, &input, "summary.txt", &[], 1);
    check(&sb, &input, "lines.jsonl", &["--json"], 1);
    check(
        &sb,
        &input,
        "campaign-summary.txt",
        &["--campaign", &campaign],
        1,
    );
    check(
        &sb,
        &input,
        "campaign-lines.jsonl",
        &["--json", "--campaign", &campaign],
        1,
    );
    check(&sb, &input, "no-keys-summary.txt", &["--store", &empty], 1);
    check(
        &sb,
        &input,
        "no-keys-lines.jsonl",
        &["--json", "--store", &empty],
        1,
    );
}
