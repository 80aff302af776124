//! RULES.md as revised against the platform documents, through the real binary: Qualifio's
//! `limit`, `nbf`, case variants, PKCS#1, the 002 channel, citations, the documentation's
//! placeholder, an undecryptable JWE under a Qualifio key; Adictiz's names, numbers, keys and
//! algs.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{hmac_token, rsa, sign, signer};
use common::{Sandbox, expect_finding, find_finding, inspect_json};
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn secret_args(sb: &Sandbox) -> Vec<String> {
    let path = sb.write("secret.txt", SECRET);
    vec!["--secret".into(), format!("@{}", path.display())]
}

fn hs(claims: Value) -> String {
    hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn qualifio(extra: Value) -> Value {
    let now = now();
    let mut base = json!({"sub": "u-1", "exp": FAR, "iat": now - 60, "nbf": now - 180, "campaignId": "42", "limit": {"canPlay": true}});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

#[test]
fn qualifio_limit_absent_is_standard_with_a_warning_quoting_000() {
    let sb = Sandbox::new();
    let (code, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(qualifio(json!({"limit": null}))),
    );
    assert_eq!(out["verdict"]["participation"]["outcome"], "standard");
    let msg = expect_finding(&out, "qualifio.limit.missing", "warning");
    assert!(
        msg.contains("always mandatory (except when specifying the nb)"),
        "{msg}"
    );
    assert!(msg.contains(r#""limit": {"canPlay": true}"#), "{msg}");
    assert_eq!(code, 0, "a warning only");
    let (_, out) = inspect_json(&sb, &secret_args(&sb), &hs(qualifio(json!({}))));
    assert!(find_finding(&out, "qualifio.limit.missing").is_none());
}

#[test]
fn qualifio_nbf_not_before_iat_is_info() {
    let sb = Sandbox::new();
    let (code, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(qualifio(json!({"nbf": now() - 60, "iat": now() - 60}))),
    );
    expect_finding(&out, "qualifio.nbf.not_before_iat", "info");
    assert_eq!(code, 0);
}

#[test]
fn qualifio_case_variants_pick_qualifio_and_are_errors() {
    let sb = Sandbox::new();
    for (payload, pointer, real) in [
        (
            json!({"sub": "u", "exp": FAR, "CampaignId": "42"}),
            "/campaignId",
            "campaignId",
        ),
        (
            qualifio(json!({"limit": null, "Limit": {"canPlay": true}})),
            "/Limit",
            "limit",
        ),
        (qualifio(json!({"Gift": {"cw": true}})), "/Gift", "gift"),
        (
            qualifio(json!({"limit": {"canplay": true}})),
            "/limit/canplay",
            "canPlay",
        ),
        (qualifio(json!({"gift": {"CW": true}})), "/gift/CW", "cw"),
    ] {
        let (code, out) = inspect_json(&sb, &secret_args(&sb), &hs(payload.clone()));
        assert_eq!(out["verdict"]["profile"], "qualifio", "{payload}");
        let errors: Vec<&Value> = out["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error" && f["claim"] == pointer)
            .collect();
        assert_eq!(errors.len(), 1, "{payload}: {out}");
        let msg = errors[0]["message"].as_str().unwrap();
        assert!(msg.contains(&format!("did you mean '{real}'")), "{msg}");
        assert_eq!(code, 1);
    }
}

#[test]
fn a_pkcs1_public_key_is_a_warning_under_qualifio() {
    let sb = Sandbox::new();
    let pem = rsa().rsa().unwrap().public_key_to_pem_pkcs1().unwrap();
    let key = sb.write("pkcs1.pem", pem);
    let token = sign(
        signer("RS256", b"").as_ref(),
        json!({"alg": "RS256", "typ": "JWT"}),
        &qualifio(json!({})),
    );
    let (code, out) = inspect_json(&sb, &["--key-file", &key.display().to_string()], &token);
    let msg = expect_finding(&out, "qualifio.key.pkcs1", "warning");
    assert!(msg.contains("openssl rsa -RSAPublicKey_in"), "{msg}");
    assert_eq!(code, 0);
}

#[test]
fn the_002_channel_is_named_and_div_ids_must_match() {
    let sb = Sandbox::new();
    let token = hs(qualifio(json!({})));
    let call =
        format!("_qual_async.push(['setMetaData', 'JWT', '{token}', 'qualifio_insert_place_1']);");
    let (code, out) = inspect_json(&sb, &secret_args(&sb), &call);
    let msg = expect_finding(&out, "qualifio.channel.set_meta_data", "info");
    assert!(msg.contains("CNAME") && msg.contains("mini-site"), "{msg}");
    assert_eq!(code, 0);
    let both = format!(
        "<div id='qualifio_insert_place_2'></div><script>_qual_async.push(['createIframe','qualifio_insert_place_2','x.test','20','ID','100%','1200','','','','']);{call}</script>"
    );
    let (_, out) = inspect_json(&sb, &secret_args(&sb), &both);
    let msg = expect_finding(&out, "qualifio.channel.div_mismatch", "warning");
    assert!(
        msg.contains("qualifio_insert_place_2") && msg.contains("qualifio_insert_place_1"),
        "{msg}"
    );
    let matching = both.replace("qualifio_insert_place_2", "qualifio_insert_place_1");
    let (_, out) = inspect_json(&sb, &secret_args(&sb), &matching);
    assert!(
        find_finding(&out, "qualifio.channel.div_mismatch").is_none(),
        "{out}"
    );
    // 002's own example passes the div id bare: it is still compared.
    let bare = both.replace("'qualifio_insert_place_1']", "qualifio_insert_place_1]");
    let (_, out) = inspect_json(&sb, &secret_args(&sb), &bare);
    expect_finding(&out, "qualifio.channel.div_mismatch", "warning");
}

#[test]
fn citations_name_the_documents_sections() {
    let sb = Sandbox::new();
    let (_, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(qualifio(json!({"campaignId": null}))),
    );
    let f = find_finding(&out, "qualifio.campaign_id.missing").unwrap();
    assert!(
        f["source"].as_str().unwrap().contains("Required claims"),
        "{f}"
    );
    let (_, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(qualifio(
            json!({"exp": 1_000_000_000, "iat": 999_999_000, "nbf": 999_998_000}),
        )),
    );
    let f = find_finding(&out, "generic.exp.expired").unwrap();
    assert!(
        f["source"].as_str().unwrap().ends_with("Unhappy flows"),
        "{f}"
    );
    // Not under another profile.
    let (_, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(json!({"sub": "u", "exp": 1_000_000_000})),
    );
    let f = find_finding(&out, "generic.exp.expired").unwrap();
    assert!(!f["source"].as_str().unwrap().contains("Unhappy"), "{f}");
}

#[test]
fn the_documentations_placeholder_is_named() {
    let sb = Sandbox::new();
    let tag = "_qual_async.push(['createIframe', 'qualifio_insert_place_896863', '', '20', 'E7A93D81-7378-42EC-9C65-784684888D51', '100%', '1200', 'qual_token={YOUR_SECURE_TOKEN}', '', '', 'max-width:810px;margin:0 auto;']);";
    let (code, out) = inspect_json(&sb, &[] as &[&str], tag);
    assert_eq!(code, 2);
    let error = out["error"].as_str().unwrap();
    assert!(
        error.contains("placeholder '{YOUR_SECURE_TOKEN}'"),
        "{error}"
    );
}

/// A JWE nothing decrypts, with a qualifio-tagged key stored: Qualifio's dir/enc rules say
/// why the platform would not open it either.
#[test]
fn an_undecryptable_jwe_is_checked_against_qualifios_encryption_rules() {
    let sb = Sandbox::new();
    let secret = sb.write("s.txt", SECRET);
    sb.cmd()
        .args(["keys", "add", "q", "--profile", "qualifio", "--secret"])
        .arg(format!("@{}", secret.display()))
        .assert()
        .success();
    let encrypter = josekit::jwe::RSA_OAEP
        .encrypter_from_pem(common::crypto::spki_pem(rsa()))
        .unwrap();
    let jwe = common::crypto::encrypt(
        &encrypter,
        "A256GCM",
        Some("JWT"),
        hs(qualifio(json!({}))).as_bytes(),
    );
    let (_, out) = inspect_json(&sb, &[] as &[&str], &jwe);
    let msg = expect_finding(&out, "qualifio.jwe.alg", "error");
    assert!(msg.contains("\"dir\""), "{msg}");
}

fn adictiz(extra: Value) -> Value {
    let mut base = json!({"partnerUserID": "p-1", "exp": FAR});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[test]
fn adictiz_names_numbers_and_algs() {
    let sb = Sandbox::new();
    for city in ["Villeneuve-d'Ascq", "O’Brien", "St. Louis", "Łódź"] {
        let (code, out) = inspect_json(&sb, &secret_args(&sb), &hs(adictiz(json!({"city": city}))));
        assert!(
            find_finding(&out, "adictiz.letters.format").is_none(),
            "{city}: {out}"
        );
        assert_eq!(code, 0, "{city}");
    }
    let (code, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(adictiz(json!({"lastname": "Smith2"}))),
    );
    expect_finding(&out, "adictiz.letters.format", "error");
    assert_eq!(code, 1);
    let (code, out) = inspect_json(
        &sb,
        &secret_args(&sb),
        &hs(adictiz(json!({"zipCode": 59000}))),
    );
    let msg = expect_finding(&out, "adictiz.field.number", "warning");
    assert!(msg.contains("leading zero"), "{msg}");
    assert_eq!(code, 0);
    let token = sign(
        signer("RS256", b"").as_ref(),
        json!({"alg": "RS256", "typ": "JWT"}),
        &adictiz(json!({})),
    );
    let key = sb.write("pub.pem", common::crypto::spki_pem(rsa()));
    let (code, out) = inspect_json(&sb, &["--key-file", &key.display().to_string()], &token);
    expect_finding(&out, "adictiz.alg", "info");
    assert_eq!(code, 0);
}

/// 003 "Pré-requis": the account key stops working for a campaign that has its own key.
#[test]
fn adictiz_account_key_is_refused_once_the_campaign_has_its_own() {
    let sb = Sandbox::new();
    let account = sb.write("account.txt", b"account-secret-0123456789abcdef!!");
    let campaign = sb.write("campaign.txt", SECRET);
    for (name, file) in [
        ("adictiz-account", &account),
        ("adictiz-campaign", &campaign),
    ] {
        sb.cmd()
            .args(["keys", "add", name, "--profile", "adictiz", "--secret"])
            .arg(format!("@{}", file.display()))
            .assert()
            .success();
    }
    let file = sb.write(
        "campaign.toml",
        "id = \"summer\"\nprofile = \"adictiz\"\ncampaign_key = \"adictiz-campaign\"\naccount_key = \"adictiz-account\"\n",
    );
    let by_account = hmac_token(
        "HS256",
        b"account-secret-0123456789abcdef!!",
        &json!({"alg": "HS256", "typ": "JWT"}),
        &adictiz(json!({})),
    );
    let args = ["--campaign", &file.display().to_string()];
    let (code, out) = inspect_json(&sb, &args, &by_account);
    let msg = expect_finding(&out, "adictiz.key.account", "error");
    assert!(msg.contains("\"adictiz-account\""), "{msg}");
    assert_eq!(code, 1);
    let (code, out) = inspect_json(&sb, &args, &hs(adictiz(json!({}))));
    assert!(find_finding(&out, "adictiz.key.account").is_none(), "{out}");
    assert_eq!(code, 0, "{out}");
}
