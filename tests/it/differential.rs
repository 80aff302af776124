//! Differential soundness of ACCEPTED: whenever tokenscope accepts a token, an independent
//! verifier accepts exactly the same bytes with the same key. The oracle is the
//! `jsonwebtoken` crate (ring) for the algs it implements and OpenSSL, driven directly, for
//! the two it lacks (ES512, ES256K). Each alg's valid token is mutated (every position of
//! every segment, segment swaps, header and payload re-encodings, truncations, padding,
//! foreign signatures, re-signing with other algs and keys) and every mutant goes through the
//! real binary, one `inspect --batch - --json` process per alg; a second test mutates bytes at
//! random through the library API.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::Sandbox;
use common::crypto::{b64url, hmac_token, key_for, rsa, rsa_other, sign, signer};
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const AT: &str = "2026-01-01T00:00:00Z";
const AT_UNIX: i64 = 1_767_225_600;
/// 64 bytes: long enough for HS512.
const SECRET: &[u8] = b"differential-secret-0123456789abcdef-0123456789abcdef-0123456789";
const OTHER_SECRET: &[u8] = b"another-secret-of-64-bytes-0123456789abcdef-0123456789abcdef-xyz";

const ALGS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Replacements tried at each position of the token, besides every alternative for the last
/// character of each segment.
const PER_POSITION: usize = 3;

/// The key an alg group is verified with: an HMAC secret or an asymmetric key pair.
#[derive(Clone)]
enum GroupKey {
    Secret(Vec<u8>),
    Pair(PKey<Private>),
}

impl GroupKey {
    fn for_alg(alg: &str) -> GroupKey {
        if alg.starts_with("HS") {
            GroupKey::Secret(SECRET.to_vec())
        } else {
            GroupKey::Pair(key_for(alg))
        }
    }

    /// Another key of the same type and size (the attacker's).
    fn other(&self) -> GroupKey {
        match self {
            GroupKey::Secret(_) => GroupKey::Secret(OTHER_SECRET.to_vec()),
            GroupKey::Pair(k) => GroupKey::Pair(match k.id() {
                Id::RSA => rsa_other().clone(),
                Id::EC => {
                    let group =
                        EcGroup::from_curve_name(k.ec_key().unwrap().group().curve_name().unwrap())
                            .unwrap();
                    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
                }
                _ => PKey::generate_ed25519().unwrap(),
            }),
        }
    }

    fn public(&self) -> Option<PKey<Public>> {
        match self {
            GroupKey::Secret(_) => None,
            GroupKey::Pair(k) => {
                Some(PKey::public_key_from_pem(&k.public_key_to_pem().unwrap()).unwrap())
            }
        }
    }

    fn spki_pem(&self) -> Vec<u8> {
        match self {
            GroupKey::Secret(s) => s.clone(),
            GroupKey::Pair(k) => k.public_key_to_pem().unwrap(),
        }
    }

    /// The public JWK (or the `oct` JWK of a secret), as an attacker embeds it in a header.
    fn jwk(&self) -> Value {
        let k = match self {
            GroupKey::Secret(s) => return json!({"kty": "oct", "k": b64url(s)}),
            GroupKey::Pair(k) => k,
        };
        match k.id() {
            Id::RSA => {
                let r = k.rsa().unwrap();
                json!({"kty": "RSA", "n": b64url(&r.n().to_vec()), "e": b64url(&r.e().to_vec())})
            }
            Id::EC => {
                let e = k.ec_key().unwrap();
                let group = e.group();
                let n = (group.degree() as i32 + 7) / 8;
                let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
                let mut ctx = BigNumContext::new().unwrap();
                e.public_key()
                    .affine_coordinates(group, &mut x, &mut y, &mut ctx)
                    .unwrap();
                let crv = match group.curve_name().unwrap() {
                    Nid::X9_62_PRIME256V1 => "P-256",
                    Nid::SECP384R1 => "P-384",
                    Nid::SECP521R1 => "P-521",
                    _ => "secp256k1",
                };
                json!({
                    "kty": "EC",
                    "crv": crv,
                    "x": b64url(&x.to_vec_padded(n).unwrap()),
                    "y": b64url(&y.to_vec_padded(n).unwrap()),
                })
            }
            _ => json!({"kty": "OKP", "crv": "Ed25519", "x": b64url(&k.raw_public_key().unwrap())}),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The oracle: signature checks that share no code with tokenscope.

struct Outcome {
    /// The token tokenscope inspected.
    token: String,
    accepted: bool,
}

/// `tokenscope inspect --batch - --json` over `lines`: the outcomes by line (1-based).
fn batch(sb: &Sandbox, key_args: &[String], lines: &[&str]) -> BTreeMap<usize, Vec<Outcome>> {
    let mut input = lines.join("\n");
    input.push('\n');
    let out = sb
        .cmd()
        .args(["inspect", "--batch", "-", "--json", "--profile", "generic"])
        .args(["--at", AT])
        .args(key_args)
        .write_stdin(input)
        .output()
        .expect("run tokenscope");
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "tokenscope exited {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by_line: BTreeMap<usize, Vec<Outcome>> = BTreeMap::new();
    for row in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(row).unwrap_or_else(|e| panic!("{e}: {row}"));
        let line = v["line"].as_u64().expect("a line number") as usize;
        by_line.entry(line).or_default().push(Outcome {
            token: v["token"].as_str().unwrap_or_default().to_string(),
            accepted: v["accepted"] == json!(true),
        });
    }
    by_line
}

fn key_args(sb: &Sandbox, alg: &str, key: &GroupKey) -> Vec<String> {
    match key {
        GroupKey::Secret(s) => {
            let path = sb.write("secret.bin", s);
            restrict(&path);
            vec!["--secret".into(), format!("@{}", path.display())]
        }
        GroupKey::Pair(_) => {
            let path = sb.write(&format!("{alg}.pub.pem"), key.spki_pem());
            vec!["--key-file".into(), path.display().to_string()]
        }
    }
}

fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Mutants of one kind, over the algs.
#[derive(Default)]
struct Family {
    count: usize,
    algs: BTreeSet<&'static str>,
    example: String,
}

impl Family {
    fn add(&mut self, alg: &'static str, token: &str) {
        self.count += 1;
        self.algs.insert(alg);
        if self.example.is_empty() {
            self.example = token.to_string();
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algs: Vec<&str> = self.algs.iter().copied().collect();
        write!(
            f,
            "x{} ({}), e.g. {}",
            self.count,
            algs.join(" "),
            self.example
        )
    }
}

/// The kind of a mutant, from its label: positions, lengths and algs folded away.
fn family(label: &str) -> String {
    let label = match label.split_once(" -> ") {
        Some((head, _)) if head.starts_with("last character") => head,
        _ => label,
    };
    let mut out = String::new();
    let mut number = false;
    for c in label.chars() {
        if c.is_ascii_digit() && (number || out.ends_with(' ')) {
            if !number {
                out.push('N');
            }
            number = true;
        } else {
            number = false;
            out.push(c);
        }
    }
    for alg in ALGS {
        out = out.replace(&format!("re-signed {alg})"), "re-signed)");
    }
    out
}

// ---------------------------------------------------------------------------------------
// Random mutations through the library API.

mod api {
    use super::*;
    use tokenscope::keys::{KeyRing, parse_key_bytes};
    use tokenscope::{Options, Profile, ProfileChoice, inspect_text};

    pub fn ring() -> &'static KeyRing {
        static RING: OnceLock<KeyRing> = OnceLock::new();
        RING.get_or_init(|| {
            let mut ring = KeyRing::default();
            let hs = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(SECRET));
            ring.keys
                .extend(parse_key_bytes("hs", hs.as_bytes()).unwrap());
            let pem = rsa().public_key_to_pem().unwrap();
            ring.keys.extend(parse_key_bytes("rsa", &pem).unwrap());
            ring
        })
    }

    pub fn opts() -> Options {
        Options {
            profile: ProfileChoice::Fixed(Profile::Generic),
            at: AT_UNIX,
            skew: 60,
            ..Options::default()
        }
    }

    /// The valid HS256 and RS256 tokens, checked once to be accepted by both sides.
    pub fn tokens() -> &'static [String; 2] {
        static T: OnceLock<[String; 2]> = OnceLock::new();
        T.get_or_init(|| {
            let hs = GroupKey::Secret(SECRET.to_vec());
            let rs = GroupKey::Pair(rsa().clone());
            let t = [
                valid_token("HS256", &hs, &claims("HS256", "proptest")),
                valid_token("RS256", &rs, &claims("RS256", "proptest")),
            ];
            for (token, key) in t.iter().zip([&hs, &rs]) {
                let insp = inspect_text(token, ring(), &opts()).unwrap();
                assert!(
                    insp.accepted,
                    "the unmutated token is not accepted: {token}"
                );
                oracle(key, token).unwrap();
            }
            t
        })
    }

    pub fn key_named(name: &str) -> GroupKey {
        match name {
            "hs" => GroupKey::Secret(SECRET.to_vec()),
            "rsa" => GroupKey::Pair(rsa().clone()),
            other => panic!("accepted with an unexpected key {other:?}"),
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Replace(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
}

fn mutation_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => prop::sample::select(B64URL.to_vec()),
        1 => prop::sample::select(b".=+/ \n\t%\"'".to_vec()),
        1 => any::<u8>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), mutation_byte()).prop_map(|(i, b)| Op::Replace(i, b)),
        1 => (any::<prop::sample::Index>(), mutation_byte()).prop_map(|(i, b)| Op::Insert(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Op::Delete),
    ]
}

fn apply(token: &str, ops: &[Op]) -> Vec<u8> {
    let mut b = token.as_bytes().to_vec();
    for op in ops {
        match op {
            Op::Replace(i, c) if !b.is_empty() => {
                let i = i.index(b.len());
                b[i] = *c;
            }
            Op::Insert(i, c) => {
                let i = i.index(b.len() + 1);
                b.insert(i, *c);
            }
            Op::Delete(i) if !b.is_empty() => {
                let i = i.index(b.len());
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

mod mutants;
mod oracle;
mod part1;

use mutants::*;
use oracle::*;
