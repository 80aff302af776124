//! Valid tokens for each alg and their mutants: every position of every segment, segment swaps, header and payload re-encodings, truncations, padding, foreign signatures.

use super::*;

/// The base64url signature of `input` under `alg` with `key`, when the key can produce one
/// (`None` when it cannot: an EC key for RS256...). HS* with a key pair signs with the public
/// key PEM as the HMAC secret (algorithm confusion); `none` has an empty signature.
pub(super) fn raw_sign(alg: &str, key: &GroupKey, input: &str) -> Option<String> {
    let msg = input.as_bytes();
    let sig = match (alg, key) {
        ("HS256" | "HS384" | "HS512", _) => {
            let md = match alg {
                "HS256" => MessageDigest::sha256(),
                "HS384" => MessageDigest::sha384(),
                _ => MessageDigest::sha512(),
            };
            let hkey = PKey::hmac(&key.spki_pem()).unwrap();
            Signer::new(md, &hkey)
                .unwrap()
                .sign_oneshot_to_vec(msg)
                .unwrap()
        }
        (a, _) if a.eq_ignore_ascii_case("none") || a.is_empty() => Vec::new(),
        (_, GroupKey::Secret(_)) => return None,
        (a, GroupKey::Pair(k)) if a.starts_with("RS") || a.starts_with("PS") => {
            k.rsa().ok()?;
            let md = match &a[2..] {
                "256" => MessageDigest::sha256(),
                "384" => MessageDigest::sha384(),
                "512" => MessageDigest::sha512(),
                _ => return None,
            };
            let mut s = Signer::new(md, k).unwrap();
            if a.starts_with("PS") {
                s.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
                s.set_rsa_mgf1_md(md).unwrap();
                s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH).unwrap();
            } else {
                s.set_rsa_padding(Padding::PKCS1).unwrap();
            }
            s.sign_oneshot_to_vec(msg).unwrap()
        }
        ("ES256" | "ES384" | "ES512" | "ES256K", GroupKey::Pair(k)) => {
            let e = k.ec_key().ok()?;
            let md = match alg {
                "ES384" => MessageDigest::sha384(),
                "ES512" => MessageDigest::sha512(),
                _ => MessageDigest::sha256(),
            };
            let n = (e.group().degree() as i32 + 7) / 8;
            let der = Signer::new(md, k)
                .unwrap()
                .sign_oneshot_to_vec(msg)
                .unwrap();
            let sig = EcdsaSig::from_der(&der).unwrap();
            let mut raw = sig.r().to_vec_padded(n).unwrap();
            raw.extend(sig.s().to_vec_padded(n).unwrap());
            raw
        }
        ("EdDSA", GroupKey::Pair(k)) if k.id() == Id::ED25519 => Signer::new_without_digest(k)
            .unwrap()
            .sign_oneshot_to_vec(msg)
            .unwrap(),
        _ => return None,
    };
    Some(b64url(&sig))
}

// ---------------------------------------------------------------------------------------
// Valid tokens.

pub(super) fn claims(alg: &str, sub: &str) -> Value {
    json!({"sub": format!("{sub}-{alg}"), "exp": FAR, "iat": 1_700_000_000})
}

/// A valid token: `jsonwebtoken::encode` where it implements the alg, josekit otherwise.
pub(super) fn valid_token(alg: &str, key: &GroupKey, claims: &Value) -> String {
    use jsonwebtoken::{EncodingKey, Header};
    let Ok(jalg) = alg.parse::<jsonwebtoken::Algorithm>() else {
        return sign(&*signer(alg, &[]), json!({"typ": "JWT"}), claims);
    };
    let ek = match key {
        GroupKey::Secret(s) => EncodingKey::from_secret(s),
        GroupKey::Pair(k) => {
            let pem = k.private_key_to_pem_pkcs8().unwrap();
            match k.id() {
                Id::RSA => EncodingKey::from_rsa_pem(&pem),
                Id::EC => EncodingKey::from_ec_pem(&pem),
                _ => EncodingKey::from_ed_pem(&pem),
            }
            .unwrap()
        }
    };
    jsonwebtoken::encode(&Header::new(jalg), claims, &ek).unwrap()
}

// ---------------------------------------------------------------------------------------
// Mutants.

/// Mutants of one token, each with a label saying how it was made.
pub(super) struct Mutants {
    pub(super) list: Vec<(String, String)>,
    pub(super) seen: HashSet<String>,
}

impl Mutants {
    pub(super) fn new(originals: &[&str]) -> Mutants {
        Mutants {
            list: Vec::new(),
            seen: originals.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub(super) fn add(&mut self, label: impl Into<String>, token: String) {
        // One token per input line: a mutant never spans lines.
        if token.contains('\n') || token.contains('\r') {
            return;
        }
        if self.seen.insert(token.clone()) {
            self.list.push((label.into(), token));
        }
    }
}

pub(super) fn b64json(s: &str) -> String {
    b64url(s.as_bytes())
}

/// The header variants of a token whose header is `h0` (compact JSON text).
pub(super) fn header_variants(
    alg: &str,
    h0: &Map<String, Value>,
    other: &GroupKey,
) -> Vec<(String, String)> {
    let compact = serde_json::to_string(h0).unwrap();
    let with = |k: &str, v: Value| {
        let mut m = h0.clone();
        m.insert(k.to_string(), v);
        serde_json::to_string(&m).unwrap()
    };
    let without = |k: &str| {
        let mut m = h0.clone();
        m.remove(k);
        serde_json::to_string(&m).unwrap()
    };
    let mut v: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, s: String| v.push((label.to_string(), s));
    let reversed: Map<String, Value> = h0
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    push(
        "header reordered",
        serde_json::to_string(&reversed).unwrap(),
    );
    push("header pretty", serde_json::to_string_pretty(h0).unwrap());
    push("header surrounding spaces", format!(" {compact} "));
    push(
        "header inner whitespace",
        compact.replace(',', " ,\t").replace(':', ": "),
    );
    push("header trailing newline", format!("{compact}\n"));
    push("header BOM", format!("\u{feff}{compact}"));
    push("header trailing garbage", format!("{compact}x"));
    push("header two objects", format!("{compact}{{}}"));
    for a in ALGS
        .iter()
        .copied()
        .chain(["none", "None", "NONE", "nOnE", "", "HS1", "RS1", "ES256 "])
    {
        if a != alg {
            push(&format!("alg -> {a:?}"), with("alg", json!(a)));
        }
    }
    push("alg lowercase", with("alg", json!(alg.to_lowercase())));
    let escaped = alg
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect::<String>();
    push(
        "alg unicode-escaped",
        compact.replace(&format!("\"{alg}\""), &format!("\"{escaped}\"")),
    );
    push("alg null", with("alg", Value::Null));
    push("alg array", with("alg", json!([alg])));
    push("alg removed", without("alg"));
    push("ALG member name", compact.replace("\"alg\"", "\"ALG\""));
    // The duplicate-member headers are written out by hand: serde_json maps cannot hold them.
    push(
        "duplicate alg, none second",
        format!("{{\"alg\":\"{alg}\",\"alg\":\"none\"}}"),
    );
    push(
        "duplicate alg, none first",
        format!("{{\"alg\":\"none\",\"alg\":\"{alg}\"}}"),
    );
    push(
        "duplicate alg, HS256 second",
        format!("{{\"alg\":\"{alg}\",\"alg\":\"HS256\"}}"),
    );
    push(
        "duplicate typ",
        format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\",\"typ\":\"JWS\"}}"),
    );
    push("kid added", with("kid", json!("k1")));
    push("kid other", with("kid", json!("another-key")));
    push("kid path", with("kid", json!("../../../dev/null")));
    push("kid number", with("kid", json!(1)));
    push("kid empty", with("kid", json!("")));
    push("typ JWS", with("typ", json!("JWS")));
    push("typ at+jwt", with("typ", json!("at+jwt")));
    push("typ lowercase", with("typ", json!("jwt")));
    push("typ number", with("typ", json!(1)));
    push("typ null", with("typ", Value::Null));
    push("typ removed", without("typ"));
    push("cty JWT", with("cty", json!("JWT")));
    push("zip DEF", with("zip", json!("DEF")));
    push("crit [exp]", with("crit", json!(["exp"])));
    push("crit [b64] without b64", with("crit", json!(["b64"])));
    push("crit []", with("crit", json!([])));
    push("crit string", with("crit", json!("b64")));
    push("crit [zzz]", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["zzz"]));
        m.insert("zzz".into(), json!(1));
        serde_json::to_string(&m).unwrap()
    });
    push("crit [b64] b64 true", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["b64"]));
        m.insert("b64".into(), json!(true));
        serde_json::to_string(&m).unwrap()
    });
    push("crit [b64] b64 false", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["b64"]));
        m.insert("b64".into(), json!(false));
        serde_json::to_string(&m).unwrap()
    });
    push("b64 false without crit", with("b64", json!(false)));
    push(
        "x5u",
        with("x5u", json!("https://attacker.invalid/cert.pem")),
    );
    push("jwk of another key", with("jwk", other.jwk()));
    push("header empty object", "{}".to_string());
    push("header null", "null".to_string());
    push("header array", format!("[\"{alg}\"]"));
    push("header string", format!("\"{alg}\""));
    push("header empty", String::new());
    v
}

pub(super) fn payload_variants(claims: &Value) -> Vec<(String, String)> {
    let compact = serde_json::to_string(claims).unwrap();
    let map = claims.as_object().unwrap();
    let reversed: Map<String, Value> = map
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let with = |k: &str, v: Value| {
        let mut m = map.clone();
        m.insert(k.to_string(), v);
        serde_json::to_string(&m).unwrap()
    };
    let sub = map["sub"].as_str().unwrap();
    let escaped_sub: String = sub
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    vec![
        (
            "payload pretty".into(),
            serde_json::to_string_pretty(claims).unwrap(),
        ),
        (
            "payload reordered".into(),
            serde_json::to_string(&reversed).unwrap(),
        ),
        ("payload surrounding spaces".into(), format!(" {compact} ")),
        (
            "payload inner whitespace".into(),
            compact.replace(',', ", "),
        ),
        (
            "payload sub unicode-escaped".into(),
            compact.replace(&format!("\"{sub}\""), &format!("\"{escaped_sub}\"")),
        ),
        ("payload exp float".into(), with("exp", json!(FAR as f64))),
        (
            "payload exp exponent".into(),
            compact.replace(&FAR.to_string(), "4.1024448e9"),
        ),
        (
            "payload exp string".into(),
            with("exp", json!(FAR.to_string())),
        ),
        ("payload sub changed".into(), with("sub", json!("admin"))),
        ("payload exp changed".into(), with("exp", json!(FAR + 1))),
        (
            "payload duplicate sub".into(),
            compact.replacen('{', "{\"sub\":\"admin\",", 1),
        ),
        ("payload trailing garbage".into(), format!("{compact}x")),
        ("payload BOM".into(), format!("\u{feff}{compact}")),
        ("payload not JSON".into(), "not json".into()),
        ("payload null".into(), "null".into()),
        ("payload array".into(), "[]".into()),
        ("payload empty".into(), String::new()),
    ]
}

/// Every mutant of `token` (a valid `alg` token verified by `key`). `second` is another valid
/// token of the same key; `foreign` are the valid tokens of the other algs.
pub(super) fn mutants(
    alg: &str,
    token: &str,
    second: &str,
    foreign: &[&str],
    key: &GroupKey,
    other: &GroupKey,
    jku: &str,
) -> Vec<(String, String)> {
    let mut out = Mutants::new(&[token, second]);
    let seg: Vec<&str> = token.split('.').collect();
    let (h, p, s) = (seg[0], seg[1], seg[2]);
    let seg2: Vec<&str> = second.split('.').collect();
    let bytes = token.as_bytes();

    // Every position: PER_POSITION other base64url characters, and a few non-base64url ones.
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' {
            continue;
        }
        let o = B64URL.iter().position(|&c| c == b).unwrap();
        for k in 1..=PER_POSITION {
            let off = 1 + (i * 7 + k * 13) % 63;
            let mut m = bytes.to_vec();
            m[i] = B64URL[(o + off) % 64];
            out.add(
                format!("position {i} replaced"),
                String::from_utf8(m).unwrap(),
            );
        }
        if i % 9 == 0 {
            for c in [b'+', b'/', b'=', b'.', b'%', b' '] {
                let mut m = bytes.to_vec();
                m[i] = c;
                out.add(
                    format!("position {i} -> {:?}", c as char),
                    String::from_utf8(m).unwrap(),
                );
            }
        }
    }
    // The last character of each segment: every alternative (its low bits may be unused).
    let mut end = 0;
    for part in &seg {
        end += part.len();
        if !part.is_empty() {
            for &c in B64URL {
                let mut m = bytes.to_vec();
                m[end - 1] = c;
                out.add(
                    format!(
                        "last character of segment ending at {end} -> {:?}",
                        c as char
                    ),
                    String::from_utf8(m).unwrap(),
                );
            }
        }
        end += 1;
    }

    // Segment swaps and counts.
    for (label, parts) in [
        ("swap header/payload", vec![p, h, s]),
        ("swap payload/signature", vec![h, s, p]),
        ("swap header/signature", vec![s, p, h]),
        ("rotate left", vec![p, s, h]),
        ("rotate right", vec![s, h, p]),
        ("header twice", vec![h, h, s]),
        ("payload twice", vec![p, p, s]),
        ("signature from another token", vec![h, p, seg2[2]]),
        ("payload from another token", vec![h, seg2[1], s]),
        (
            "header+payload from another token",
            vec![seg2[0], seg2[1], s],
        ),
        ("no signature", vec![h, p]),
        ("empty signature", vec![h, p, ""]),
        ("empty payload", vec![h, "", s]),
        ("empty header", vec!["", p, s]),
        ("signature twice", vec![h, p, s, s]),
        ("extra segment", vec![h, p, s, ""]),
        ("five segments", vec![h, p, s, p, s]),
        ("signature doubled", vec![h, p, &format!("{s}{s}")]),
        ("signature halved", vec![h, p, &s[..s.len() / 2]]),
    ] {
        out.add(label, parts.join("."));
    }
    for f in foreign {
        out.add("token of another alg", f.to_string());
        let fs: Vec<&str> = f.split('.').collect();
        out.add(
            "signature of another alg's token",
            format!("{h}.{p}.{}", fs[2]),
        );
        out.add(
            "header of another alg's token",
            format!("{}.{p}.{s}", fs[0]),
        );
    }

    // Header re-encodings: with the original signature (which no longer matches), and
    // re-signed with the group key under the alg the new header names.
    let h0: Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap();
    for (label, text) in header_variants(alg, &h0, other) {
        let hb = b64json(&text);
        out.add(
            format!("{label} (original signature)"),
            format!("{hb}.{p}.{s}"),
        );
        let named = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("alg").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| alg.to_string());
        let input = format!("{hb}.{p}");
        if let Some(sig) = raw_sign(&named, key, &input) {
            out.add(
                format!("{label} (re-signed {named})"),
                format!("{input}.{sig}"),
            );
        }
        if label == "jwk of another key" {
            let sig = raw_sign(alg, other, &input).unwrap();
            out.add(
                format!("{label} (signed by that key)"),
                format!("{input}.{sig}"),
            );
        }
    }
    // A JWKS URL serving the attacker's key, and the token signed by that key.
    {
        let text = serde_json::to_string(&{
            let mut m = h0.clone();
            m.insert("jku".into(), json!(jku));
            m
        })
        .unwrap();
        let input = format!("{}.{p}", b64json(&text));
        let sig = raw_sign(alg, other, &input).unwrap();
        out.add(
            "jku to the attacker's JWKS (signed by that key)",
            format!("{input}.{sig}"),
        );
    }
    // Signed by another key, and the HMAC of the public key (algorithm confusion).
    let input = format!("{h}.{p}");
    out.add(
        "signed by another key",
        format!("{input}.{}", raw_sign(alg, other, &input).unwrap()),
    );
    if let GroupKey::Pair(k) = key {
        let pem = k.public_key_to_pem().unwrap();
        let der = k.public_key_to_der().unwrap();
        for (what, secret) in [
            ("PEM", pem.clone()),
            ("PEM without newline", pem.trim_ascii_end().to_vec()),
            ("DER", der),
        ] {
            for hs in ["HS256", "HS384", "HS512"] {
                let mut m = h0.clone();
                m.insert("alg".into(), json!(hs));
                let text = serde_json::to_string(&m).unwrap();
                let forged = hmac_token(
                    hs,
                    &secret,
                    &serde_json::from_str(&text).unwrap(),
                    &serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap(),
                );
                out.add(format!("{hs} keyed with the public key {what}"), forged);
            }
        }
    }

    // Payload re-encodings: original signature, and re-signed.
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    for (label, text) in payload_variants(&claims) {
        let pb = b64json(&text);
        out.add(
            format!("{label} (original signature)"),
            format!("{h}.{pb}.{s}"),
        );
        let input = format!("{h}.{pb}");
        if let Some(sig) = raw_sign(alg, key, &input) {
            out.add(format!("{label} (re-signed)"), format!("{input}.{sig}"));
        }
    }

    // Truncations: every prefix, and each segment cut at either end.
    for n in 1..token.len() {
        out.add(format!("truncated to {n}"), token[..n].to_string());
    }
    for (i, part) in seg.iter().enumerate() {
        for cut in 1..=4.min(part.len()) {
            let mut parts = seg.clone();
            let shorter = &part[..part.len() - cut];
            parts[i] = shorter;
            out.add(format!("segment {i} loses its last {cut}"), parts.join("."));
            let shorter = &part[cut..];
            parts[i] = shorter;
            out.add(
                format!("segment {i} loses its first {cut}"),
                parts.join("."),
            );
        }
    }

    // Padding.
    for (i, _) in seg.iter().enumerate() {
        for pad in ["=", "==", "==="] {
            let mut parts: Vec<String> = seg.iter().map(|s| s.to_string()).collect();
            parts[i].push_str(pad);
            out.add(format!("segment {i} padded {pad:?}"), parts.join("."));
        }
    }
    // The canonical padding of each segment, as standard base64 would write it.
    let padded: Vec<String> = seg
        .iter()
        .map(|s| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4)))
        .collect();
    out.add("every segment padded", padded.join("."));
    out.add("trailing dot", format!("{token}."));
    out.add("leading dot", format!(".{token}"));
    out.list
}

// ---------------------------------------------------------------------------------------
// The batch run.
