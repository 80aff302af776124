//! Tests of differential, continued (3 tests; the module holds the shared helpers).

use super::*;

/// Every mutant of every alg's token through `inspect --batch - --json`, one process per alg.
///
/// Fails on a disagreement: an accepted token the oracle does not verify in full (its
/// signature and a header it reads: `"kid": 1` is one), or a line accepted through a token
/// found inside it (`.TOKEN`, `TOKEN=`: the token accepted is not the line). Reported on stderr
/// without failing: tokens the oracle verifies and tokenscope refuses (or batch intake does
/// not find): tokenscope may be stricter, never looser.
#[test]
fn accepted_implies_the_oracle_verifies_the_same_bytes() {
    let started = std::time::Instant::now();
    let sb = Sandbox::new();
    let keys: Vec<GroupKey> = ALGS.iter().map(|a| GroupKey::for_alg(a)).collect();
    let originals: Vec<String> = ALGS
        .iter()
        .zip(&keys)
        .map(|(a, k)| valid_token(a, k, &claims(a, "differential")))
        .collect();
    let seconds: Vec<String> = ALGS
        .iter()
        .zip(&keys)
        .map(|(a, k)| valid_token(a, k, &claims(a, "second")))
        .collect();

    let mut total = 0usize;
    let mut total_accepted = 0usize;
    // Accepted by tokenscope, refused by the oracle, or a reported token that is not in its line.
    let mut disagreements: Vec<String> = Vec::new();
    // Accepted by tokenscope; the signature holds, but jsonwebtoken will not read the header.
    let mut header_typing: BTreeMap<String, Family> = BTreeMap::new();
    // Accepted by tokenscope as a token found inside a longer line (batch intake).
    let mut embedded: BTreeMap<String, Family> = BTreeMap::new();
    // What tokenscope accepted, and what only the oracle verifies, by kind of mutant.
    let mut accepted_families: BTreeMap<String, Family> = BTreeMap::new();
    let mut oracle_only: BTreeMap<String, Family> = BTreeMap::new();
    let mut per_alg: Vec<String> = Vec::new();

    for (i, alg) in ALGS.iter().enumerate() {
        let key = &keys[i];
        let other = key.other();
        let jwks = json!({"keys": [other.jwk()]}).to_string();
        let (jku, hits) = common::serve(jwks);
        let foreign: Vec<&str> = originals
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| t.as_str())
            .collect();
        let list = mutants(
            alg,
            &originals[i],
            &seconds[i],
            &foreign,
            key,
            &other,
            &format!("{jku}/jwks.json"),
        );
        let mut lines: Vec<&str> = vec![&originals[i], &seconds[i]];
        lines.extend(list.iter().map(|(_, t)| t.as_str()));
        let args = key_args(&sb, alg, key);
        let outcomes = batch(&sb, &args, &lines);

        for (n, original) in [&originals[i], &seconds[i]].into_iter().enumerate() {
            let o = outcomes
                .get(&(n + 1))
                .map(Vec::as_slice)
                .unwrap_or_default();
            assert!(
                o.len() == 1 && o[0].accepted && o[0].token == *original,
                "{alg}: the unmutated token is not accepted: {original}"
            );
            assert_eq!(
                oracle(key, original),
                Ok(Verified::Fully),
                "{alg}: the oracle refuses the unmutated token {original}"
            );
        }

        let mut accepted = 0;
        for (n, (label, token)) in list.iter().enumerate() {
            let outs = outcomes
                .get(&(n + 3))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut any = false;
            for o in outs.iter().filter(|o| o.accepted) {
                any = true;
                match oracle(key, &o.token) {
                    Ok(Verified::Fully) => {}
                    Ok(Verified::HeaderTyping(e)) => {
                        header_typing
                            .entry(family(label))
                            .or_default()
                            .add(alg, &format!("{} ({e})", o.token));
                        disagreements.push(format!(
                            "{alg} [{label}]: tokenscope accepted {:?}, whose header jsonwebtoken refuses: {e}",
                            o.token
                        ));
                    }
                    Err(e) => disagreements.push(format!(
                        "{alg} [{label}]: tokenscope accepted {:?} (line {token:?}); oracle: {e}",
                        o.token
                    )),
                }
                if o.token != *token {
                    if !token.contains(o.token.as_str()) {
                        disagreements.push(format!(
                            "{alg} [{label}]: accepted {:?}, which is not in its line {token:?}",
                            o.token
                        ));
                    }
                    disagreements.push(format!(
                        "{alg} [{label}]: the line {token:?} was accepted as the token {:?} found inside it",
                        o.token
                    ));
                    let on_line = oracle(key, token).err().unwrap_or_else(|| "ok".into());
                    embedded.entry(family(label)).or_default().add(
                        alg,
                        &format!(
                            "line {token} accepted as {}; oracle on the line: {on_line}",
                            o.token
                        ),
                    );
                }
            }
            if any {
                accepted += 1;
                accepted_families
                    .entry(family(label))
                    .or_default()
                    .add(alg, token);
            } else if let Ok(verdict) = oracle(key, token) {
                let mut f = family(label);
                if outs.is_empty() {
                    f.push_str(" [not found by batch intake]");
                }
                if verdict != Verified::Fully {
                    f.push_str(" [jsonwebtoken cannot read the header; the signature holds]");
                }
                oracle_only.entry(f).or_default().add(alg, token);
            }
        }
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "{alg}: tokenscope fetched the jku URL"
        );
        per_alg.push(format!("{alg} {}/{accepted}", list.len()));
        total += list.len();
        total_accepted += accepted;
    }

    eprintln!(
        "differential: mutants/accepted per alg: {}",
        per_alg.join(", ")
    );
    eprintln!(
        "differential: {total} mutated tokens over {} algs, {total_accepted} accepted by tokenscope, {} disagreements with the oracle, {:.1?}",
        ALGS.len(),
        disagreements.len(),
        started.elapsed()
    );
    let names = |m: &BTreeMap<String, Family>| {
        m.iter()
            .map(|(f, fam)| format!("{f} x{}", fam.count))
            .collect::<Vec<_>>()
            .join("; ")
    };
    eprintln!(
        "differential: accepted by tokenscope and verified by the oracle: {}",
        names(&accepted_families)
    );
    eprintln!(
        "differential: verified by the oracle, refused by tokenscope: {}",
        names(&oracle_only)
    );
    for (f, fam) in &embedded {
        eprintln!(
            "differential: batch intake found an accepted token inside a longer line: {f}: {fam}"
        );
    }
    for (f, fam) in &header_typing {
        eprintln!(
            "differential: accepted; the signature holds, but jsonwebtoken refuses the header: {f}: {fam}"
        );
    }
    for d in &disagreements {
        eprintln!("differential: DISAGREEMENT: {d}");
    }
    assert!(total >= 10_000, "only {total} mutated tokens");
    assert!(
        disagreements.is_empty(),
        "{} disagreements (see above)",
        disagreements.len()
    );
}

/// Random byte mutations (replacements, insertions, deletions) of a valid HS256 and a valid
/// RS256 token through `inspect_text`: whenever tokenscope accepts, the oracle verifies the
/// token tokenscope reports, and that token is the input (trimmed) unless intake says what it
/// removed.
#[test]
fn random_mutations_accepted_only_when_the_oracle_verifies() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (cases, accepted, normalised) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    let strategy = (any::<bool>(), prop::collection::vec(op(), 1..5));
    let result = runner.run(&strategy, |(rs256, ops)| {
        cases.fetch_add(1, Ordering::Relaxed);
        let token = &api::tokens()[usize::from(rs256)];
        let text = String::from_utf8_lossy(&apply(token, &ops)).into_owned();
        let Ok(insp) = tokenscope::inspect_text(&text, api::ring(), &api::opts()) else {
            return Ok(());
        };
        if !insp.accepted {
            return Ok(());
        }
        accepted.fetch_add(1, Ordering::Relaxed);
        let name = insp.layers[0].key.clone().unwrap_or_default();
        let verdict = oracle(&api::key_named(&name), &insp.token);
        if verdict.is_err() {
            return Err(TestCaseError::fail(format!(
                "tokenscope accepted {:?} (input {text:?}) with key {name}; oracle: {verdict:?}",
                insp.token
            )));
        }
        if insp.token != text {
            normalised.fetch_add(1, Ordering::Relaxed);
            if insp.token != text.trim() && insp.stripped.is_empty() {
                return Err(TestCaseError::fail(format!(
                    "accepted {:?} for the input {text:?} without saying what it removed",
                    insp.token
                )));
            }
        }
        Ok(())
    });
    eprintln!(
        "differential (library API): {} random mutants of an HS256 and an RS256 token, {} accepted (each verified by the oracle), {} of them after intake removed something",
        cases.load(Ordering::Relaxed),
        accepted.load(Ordering::Relaxed),
        normalised.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The mutants cover every alg, and the oracle itself refuses what it must (a sanity check
/// of the oracle, so that agreement means something).
#[test]
fn the_oracle_refuses_tampering() {
    let mut seen = BTreeSet::new();
    for alg in ALGS {
        let key = GroupKey::for_alg(alg);
        let token = valid_token(alg, &key, &claims(alg, "oracle"));
        oracle(&key, &token).unwrap_or_else(|e| panic!("{alg}: {e}"));
        let (input, sig) = token.rsplit_once('.').unwrap();
        let mut tag = URL_SAFE_NO_PAD.decode(sig).unwrap();
        tag[0] ^= 1;
        assert!(
            oracle(&key, &format!("{input}.{}", b64url(&tag))).is_err(),
            "{alg}"
        );
        assert!(oracle(&key.other(), &token).is_err(), "{alg}");
        let none = format!(
            "{}.{}.",
            b64json(r#"{"alg":"none"}"#),
            token.split('.').nth(1).unwrap()
        );
        assert!(oracle(&key, &none).is_err(), "{alg}");
        seen.insert(alg);
    }
    assert_eq!(seen.len(), ALGS.len());
}
