use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;
use crate::Options;
use crate::keys::KeyRing;

/// 2023-11-14T22:13:20Z.
const T: i64 = 1_700_000_000;

/// An HS256 token (no key verifies it) whose payload is `claims` as written.
fn token(claims: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    format!("{header}.{}.c2ln", URL_SAFE_NO_PAD.encode(claims))
}

fn inspect_at(token: &str, at: i64) -> Inspection {
    let opts = Options {
        at,
        skew: 60,
        ..Options::default()
    };
    match crate::inspect::inspect_text(token, &KeyRing::default(), &opts) {
        Ok(i) => i,
        Err(crate::InspectError::Malformed { partial, .. }) => *partial,
        Err(e) => panic!("{e}"),
    }
}

/// Everything an inspection says, as `inspect --json` writes it, with what it does not
/// write (the overall state and the tally).
fn said(i: &Inspection) -> String {
    format!(
        "{}\n{:?}\n{:?}",
        serde_json::to_string_pretty(i).unwrap(),
        i.overall,
        i.tally
    )
}

fn instant_ids(i: &Inspection) -> Vec<&str> {
    i.findings
        .iter()
        .map(|f| f.id.as_str())
        .filter(|id| INSTANT_FINDINGS.contains(id))
        .collect()
}

#[test]
fn a_moved_inspection_is_what_inspect_at_the_new_instant_says() {
    let payloads = [
        format!(
            r#"{{"sub":"a","exp":{},"nbf":{},"iat":{}}}"#,
            T + 100,
            T - 50,
            T + 10
        ),
        // Qualifio: the time findings cite another source too; nb and outcomes.
        format!(
            r#"{{"sub":"a","campaignId":"1","limit":{{"canPlay":true,"nb":1}},"exp":{},"iat":{}}}"#,
            T + 30,
            T - 3000
        ),
        // A fraction, a time that is not a number, milliseconds.
        format!(
            r#"{{"exp":{}.75,"nbf":"{}","iat":{}}}"#,
            T + 5,
            T,
            (T + 90) * 1000
        ),
        // exp before iat (at no instant valid), and a duplicated exp.
        format!(r#"{{"exp":{},"iat":{},"exp":{}}}"#, T - 10, T, T + 70),
        // Not an object; no time claims at all.
        String::from("[1,2]"),
        String::from(r#"{"sub":"x"}"#),
    ];
    let instants: Vec<i64> = (-240..=240)
        .step_by(11)
        .chain([-111, -110, -109, -51, -50, -49, 89, 90, 91, 159, 160, 161])
        .map(|d| T + d)
        .collect();
    let (mut moved, mut declined) = (0, 0);
    for p in &payloads {
        let tok = token(p);
        for &a0 in &instants {
            let before = inspect_at(&tok, a0);
            for a1 in [a0 + 1, a0 + 7, a0 + 60, a0 + 3600, a0 - 1] {
                let mut insp = before.clone();
                let expected = inspect_at(&tok, a1);
                match move_to(&mut insp, a1) {
                    Some(_) => {
                        moved += 1;
                        assert_eq!(said(&insp), said(&expected), "{p} from {a0} to {a1}");
                    }
                    None => {
                        declined += 1;
                        // Declined only when an outcome does change.
                        assert_ne!(
                            instant_ids(&before),
                            instant_ids(&expected),
                            "{p} {a0} {a1}"
                        );
                        assert_eq!(said(&insp), said(&before), "left as it was");
                    }
                }
            }
        }
    }
    assert!(
        moved > 1000 && declined > 50,
        "{moved} moved, {declined} declined"
    );
}

#[test]
fn messages_that_quote_the_instant_are_reworded() {
    let tok = token(&format!(r#"{{"exp":{}}}"#, T - 3600));
    let mut insp = inspect_at(&tok, T);
    let reworded = move_to(&mut insp, T + 1).unwrap();
    assert_eq!(reworded.len(), 1);
    assert!(
        reworded[0].0.contains("2023-11-14T22:13:20Z"),
        "{reworded:?}"
    );
    assert!(
        reworded[0].1.contains("2023-11-14T22:13:21Z"),
        "{reworded:?}"
    );
    assert_eq!(insp.evaluated_at, T + 1);
    assert_eq!(insp.evaluated_at_rfc3339, "2023-11-14T22:13:21Z");
}

#[test]
fn claims_read_leniently_are_inspected_again() {
    // Not JSON as a whole: the rules read what they could, the payload is shown as text.
    let tok = token(&format!(r#"{{"exp":{},}} trailing"#, T + 100));
    let mut insp = inspect_at(&tok, T);
    assert!(insp.payload.is_none());
    assert!(
        insp.findings
            .iter()
            .any(|f| f.id == GENERIC_CLAIMS_UNREADABLE.id)
    );
    assert_eq!(move_to(&mut insp, T + 1), None);
    // Without claims at all (an unreadable payload segment), nothing depends on the instant.
    let mut insp = inspect_at("eyJhbGciOiJIUzI1NiJ9.%%%.c2ln", T);
    assert!(move_to(&mut insp, T + 1).is_some());
}
