//! Profile selection (RULES.md section 1) and the evaluate() contract.

use serde_json::json;

use super::testkit::*;
use super::*;

#[test]
fn explicit_profile_wins() {
    let out = Fixture::jws(hs256(), json!({"campaignId": "1", "partnerUserID": "u"}))
        .profile(Profile::Xtremepush)
        .eval();
    assert_eq!(out.profile, Profile::Xtremepush);
    assert_eq!(out.verdict.profile, Profile::Xtremepush);
    assert_eq!(out.verdict.profile_reason, "chosen with --profile");
    assert_eq!(out.verdict.path[0].table, "profile");
    assert_eq!(out.verdict.path[0].row, 2);
}

/// The choices spelled out whole read as the formatted ones would: `profile: reason`, one per
/// marker in `QUALIFIO_MARKERS`' order, one `--profile` choice per profile.
#[test]
fn fixed_choices_read_as_formatted_ones() {
    let all = MARKER_CHOICES
        .iter()
        .map(|(_, c)| *c)
        .chain(CHOSEN_WITH_FLAG)
        .chain([NOTHING_CHOSEN]);
    for (profile, reason, step) in all {
        assert_eq!(step, format!("{profile}: {reason}"));
    }
    let markers: Vec<&str> = MARKER_CHOICES.iter().map(|(m, _)| *m).collect();
    assert_eq!(markers, QUALIFIO_MARKERS);
    for (m, (profile, reason, _)) in MARKER_CHOICES {
        assert_eq!(
            (profile, reason),
            (Profile::Qualifio, &*format!("the payload has '{m}'"))
        );
    }
    let flagged: Vec<Profile> = CHOSEN_WITH_FLAG.iter().map(|c| c.0).collect();
    assert_eq!(flagged, Profile::ALL);
    for profile in Profile::ALL {
        let out = Fixture::jws(hs256(), json!({"sub": "u"}))
            .profile(profile)
            .eval();
        assert_eq!(
            out.verdict.path[0].text,
            format!("{profile}: chosen with --profile")
        );
    }
    let out = Fixture::jws(hs256(), json!({"sub": "u"})).eval();
    assert_eq!(
        out.verdict.path[0].text,
        "generic: no platform claim and no tagged verifying key"
    );
}

#[test]
fn auto_detects_qualifio_from_each_marker() {
    for m in ["campaignId", "limit", "gift"] {
        let out = Fixture::jws(hs256(), json!({ m: {} })).eval();
        assert_eq!(out.profile, Profile::Qualifio, "{m}");
        assert!(out.verdict.profile_reason.contains(m));
        assert_eq!(out.verdict.path[0].row, 0);
    }
}

#[test]
fn auto_detects_adictiz_from_partner_user_id_in_any_case() {
    for m in ["partnerUserID", "partnerUserId", "PARTNERUSERID"] {
        let out = Fixture::jws(hs256(), json!({ m: "u" })).eval();
        assert_eq!(out.profile, Profile::Adictiz, "{m}");
        assert_eq!(out.verdict.path[0].row, 1);
    }
}

#[test]
fn qualifio_markers_take_precedence_over_adictiz() {
    let out = Fixture::jws(hs256(), json!({"partnerUserID": "u", "gift": {}})).eval();
    assert_eq!(out.profile, Profile::Qualifio);
}

#[test]
fn auto_falls_back_to_the_key_tag_then_generic() {
    for p in [Profile::Xtremepush, Profile::Qualifio, Profile::Adictiz] {
        let mut key = rsa_public("tagged");
        key.profile = Some(p);
        let out = Fixture::jws(rs256(), json!({"sub": "u"}))
            .verified_by(key)
            .eval();
        assert_eq!(out.profile, p);
        assert!(out.verdict.profile_reason.contains("'tagged'"));
    }
    let out = Fixture::jws(rs256(), json!({"sub": "u"}))
        .verified_by(rsa_public("untagged"))
        .eval();
    assert_eq!(out.profile, Profile::Generic);
    assert_eq!(out.verdict.path[0].row, 3);
}

#[test]
fn payload_beats_the_key_tag() {
    let mut key = rsa_public("xp");
    key.profile = Some(Profile::Xtremepush);
    let out = Fixture::jws(rs256(), json!({"campaignId": "1"}))
        .verified_by(key)
        .eval();
    assert_eq!(out.profile, Profile::Qualifio);
}

#[test]
fn generic_and_other_profiles_keep_standard_outcomes() {
    for p in [Profile::Generic, Profile::Adictiz, Profile::Xtremepush] {
        let out = Fixture::jws(
            hs256(),
            json!({"limit": {"canPlay": false}, "gift": {"cw": true}}),
        )
        .profile(p)
        .eval();
        assert_eq!(
            out.verdict.participation.outcome,
            ParticipationOutcome::Standard,
            "{p}"
        );
        assert_eq!(out.verdict.win.outcome, WinOutcome::Standard, "{p}");
        assert_eq!(out.verdict.path.len(), 1, "{p}: only the profile step");
    }
}

#[test]
fn every_finding_comes_from_a_documented_spec() {
    let outs = [
        qualifio(qpayload(
            json!({"limit": {"canPlay": "true", "nb": -1}, "gift": {"cw": "x", "label": 4}, "optin": {"a": "yes"}, "sub": 1, "campaignId": 2, "exp": "x", "nbf": null}),
        )),
        Fixture::jws(
            json!({"alg": "none", "crit": [], "jku": "u"}),
            json!({"partnerUserId": "u", "civility": "Mr"}),
        )
        .eval(),
    ];
    for out in &outs {
        for f in &out.findings {
            let spec = ids::spec(&f.id).unwrap_or_else(|| panic!("{} is not in ids::ALL", f.id));
            assert_eq!(spec.severity, f.severity, "{}", f.id);
            assert_eq!(spec.source, f.source, "{}", f.id);
            assert!(
                f.message.chars().count() < 400,
                "{}: message too long",
                f.id
            );
        }
    }
}
