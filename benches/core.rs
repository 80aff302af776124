//! The core on small Qualifio-like tokens: each stage of an inspection on its own (decoding,
//! the signature check per alg, the rules), whole inspections per alg, and batch mode on one
//! thread; and the floor under an HS256 inspection ("budget": the HMAC, a
//! SHA-256 of the signing input, and serde_json reading the claims without building anything),
//! to compare the whole inspection with. Built by CI (`cargo clippy --all-targets`), run by hand:
//! `cargo bench --bench core`. `scripts/bench` gives the ratios against `openssl speed`.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Map, json};
use tokenscope::cli::GenType;
use tokenscope::inspect::{Options, inspect_token};
use tokenscope::jose::mint::{SignOptions, sign_jws};
use tokenscope::keys::{Key, KeyRing};
use tokenscope::{ProfileChoice, batch, keys};

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;

fn key(kind: GenType) -> Key {
    let stored = keys::generate("bench", kind, 32).unwrap_or_else(|e| panic!("generate: {e}"));
    let (mut ring, _) = stored
        .keys(&std::env::temp_dir())
        .unwrap_or_else(|e| panic!("parse: {e}"));
    ring.remove(0)
}

fn token(key: &Key, alg: &str, i: usize) -> String {
    let claims = json!({
        "sub": format!("participant-{i:08}"), "iss": "ACME Games", "iat": AT - 60, "nbf": AT - 120,
        "exp": AT + 86_400, "campaignId": "123456",
        "limit": {"canPlay": true, "nb": 3},
        "gift": {"cw": i.is_multiple_of(2), "label": "five-night getaway to Lanzarote"},
        "form": {"firstname": "Alexandra", "lastname": "Dupont-Lefebvre", "country": "BE"},
        "optin": {"newsletter": 1}, "custom": {"segment": "gold", "note": "x".repeat(160)},
    });
    let body = serde_json::to_vec(&claims).unwrap_or_default();
    sign_jws(
        &Map::new(),
        &body,
        key,
        &SignOptions {
            alg: Some(alg),
            kid: None,
        },
    )
    .unwrap_or_else(|e| panic!("sign: {e}"))
}

fn options() -> Options {
    Options {
        profile: ProfileChoice::Auto,
        at: AT,
        skew: 60,
        ..Options::default()
    }
}

fn bench(c: &mut Criterion) {
    let opts = options();
    let empty = KeyRing::default();
    for (alg, kind) in [
        ("RS256", GenType::Rsa2048),
        ("ES256", GenType::P256),
        ("HS256", GenType::Hmac),
        ("EdDSA", GenType::Ed25519),
    ] {
        let ring = KeyRing {
            keys: vec![key(kind)],
        };
        let t = token(&ring.keys[0], alg, 1);
        if alg == "HS256" {
            c.bench_function("decode only (no key)", |b| {
                b.iter(|| inspect_token(black_box(&t), Vec::new(), &empty, &opts))
            });
        }
        stages(c, alg, &ring, &t, &opts);
        if alg == "HS256" {
            budget(c, &ring.keys[0], &t);
        }
        c.bench_function(&format!("inspect {alg} with its key"), |b| {
            b.iter(|| inspect_token(black_box(&t), Vec::new(), &ring, &opts))
        });
        let summary = Options {
            summary_only: true,
            ..options()
        };
        c.bench_function(&format!("inspect {alg} with its key, for a summary"), |b| {
            b.iter(|| inspect_token(black_box(&t), Vec::new(), &ring, &summary))
        });
        if alg == "RS256" || alg == "HS256" {
            let log: String = (0..1000)
                .map(|i| token(&ring.keys[0], alg, i) + "\n")
                .collect();
            let mut group = c.benchmark_group(format!("batch {alg}"));
            group.throughput(Throughput::Elements(1000));
            group.sample_size(10);
            group.bench_function("1000 tokens, 1 thread", |b| {
                b.iter(|| {
                    let mut n = 0usize;
                    batch::run(
                        Cursor::new(log.as_bytes()),
                        &ring,
                        &opts,
                        1,
                        |summary: &mut batch::Summary, item| summary.add(&batch::Stats::of(&item)),
                        |summary| {
                            n += summary.tokens;
                            Ok(())
                        },
                    )
                    .unwrap_or_else(|e| panic!("batch: {e}"));
                    n
                })
            });
            group.finish();
        }
    }
}

/// The stages of an inspection of `token`, each on its own: decoding (split, header, payload
/// segment, claims tree), the signature check with `ring`, and the rules on what those gave.
fn stages(c: &mut Criterion, alg: &str, ring: &KeyRing, token: &str, opts: &Options) {
    use tokenscope::rules::{self, RuleInput};
    use tokenscope::token::{self, Compact, tree};

    let decode = || {
        let compact = Compact::split(token).unwrap_or_else(|e| panic!("split: {e}"));
        let header = token::decode_header(compact.header_b64()).unwrap_or_else(|e| panic!("{e}"));
        let payload = token::decode_segment("payload", compact.segments[1])
            .unwrap_or_else(|e| panic!("payload: {e}"));
        let signature = token::decode_segment("signature", compact.segments[2])
            .unwrap_or_else(|e| panic!("signature: {e}"));
        (compact, header, payload, signature)
    };
    let (compact, header, payload, signature) = decode();
    let signing_input = &token[..token.rfind('.').unwrap_or_default()];
    let claims = tree::parse(&payload).unwrap_or_else(|e| panic!("claims: {e}"));
    let layer =
        tokenscope::jose::verify_jws(&header.map, signing_input.as_bytes(), &signature, ring);
    assert!(layer.status.is_ok(), "{alg}: {}", layer.detail);
    let layers = [layer];
    let keyring = ring.facts();

    let mut group = c.benchmark_group(format!("stages {alg}"));
    group.bench_function("decode (split, header, segments, claims tree)", |b| {
        b.iter(|| {
            let (_, _, payload, _) = decode();
            tree::parse(black_box(&payload)).map(|p| p.duplicates.len())
        })
    });
    group.bench_function("verify the signature", |b| {
        b.iter(|| {
            tokenscope::jose::verify_jws_with(
                &header.map,
                black_box(signing_input.as_bytes()),
                &signature,
                ring,
                false,
                &Default::default(),
            )
        })
    });
    group.bench_function("rules", |b| {
        b.iter(|| {
            rules::evaluate(black_box(&RuleInput {
                requested: opts.profile,
                kind: compact.kind,
                header: &header.map,
                jws_header: Some(&header.map),
                layers: &layers,
                payload: Some(&claims.value),
                jwe_plaintext: None,
                duplicates: &claims.duplicates,
                verified_by: layers[0].key_facts.as_ref(),
                keyring: &keyring,
                at: opts.at,
                skew: opts.skew,
                campaign: None,
                facts: &Default::default(),
            }))
        })
    });
    group.finish();
}

/// What any HS256 inspection of `token` pays before its own work: the HMAC of the signing
/// input with a keyed state (the reference `openssl speed -hmac` measures), the SHA-256 an
/// asymmetric alg adds, decoding the payload, and serde_json reading the claims: validating
/// only (`IgnoredAny`, its fastest), and into the claims tree the rules read.
fn budget(c: &mut Criterion, key: &Key, token: &str) {
    use base64::Engine as _;
    use sha2::Digest as _;

    let (signing_input, signature) = token.rsplit_once('.').unwrap_or_default();
    let payload = signing_input.split_once('.').unwrap_or_default().1;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let tag = url.decode(signature).unwrap_or_default();
    let claims = url.decode(payload).unwrap_or_default();
    let Some(keyed) = key.hmac_state("HS256") else {
        panic!("the HS256 bench key has no HMAC state");
    };

    let mut group = c.benchmark_group("budget HS256");
    group.bench_function("HMAC verify (keyed state)", |b| {
        b.iter(|| keyed.verify(black_box(signing_input.as_bytes()), &tag))
    });
    group.bench_function("SHA-256 of the signing input", |b| {
        b.iter(|| sha2::Sha256::digest(black_box(signing_input.as_bytes())))
    });
    group.bench_function("payload base64url", |b| {
        b.iter(|| url.decode(black_box(payload)))
    });
    group.bench_function("serde_json validate claims (IgnoredAny)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&claims)))
    });
    group.bench_function("serde_json claims to Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&claims)))
    });
    group.bench_function("claims tree (tree::parse)", |b| {
        b.iter(|| tokenscope::token::tree::parse(black_box(&claims)).map(|p| p.value))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
