//! Tests of attacks, continued (10 tests; the module holds the shared helpers).

use super::*;

#[test]
fn jwe_wrong_key_truncated_tag_and_altered_ciphertext_iv_or_aad() {
    let sb = Sandbox::new();
    let mut cases = 0;
    for (enc, len) in [
        ("A128GCM", 16),
        ("A256GCM", 32),
        ("A128CBC-HS256", 32),
        ("A192CBC-HS384", 48),
        ("A256CBC-HS512", 64),
    ] {
        let cek: Vec<u8> = (0..len as u8).collect();
        let encrypter = josekit::jwe::Dir.encrypter_from_bytes(&cek).unwrap();
        let jwe = crypto::encrypt(&encrypter, enc, None, claims().to_string().as_bytes());
        let key = dir_key(&sb, &format!("{enc}.jwk"), &cek);
        let args = ["--key-file", key.as_str()];
        let (code, _) = inspect_json(&sb, &args, &jwe);
        assert_eq!(code, 0, "{enc}: the honest JWE decrypts");
        let p = parts(&jwe);
        let flip = |s: &str, i: usize| {
            let mut b = b64d(s);
            let i = i.min(b.len() - 1);
            b[i] ^= 0x01;
            b64url(&b)
        };
        let tag = b64d(&p[4]);
        let mut header: Value = serde_json::from_slice(&b64d(&p[0])).unwrap();
        header["kid"] = json!("added-after-encryption");
        let aad = b64url(header.to_string().as_bytes());
        let with = |i: usize, v: String| {
            let mut q = p.clone();
            q[i] = v;
            q.join(".")
        };
        let variants = [
            ("tag truncated", with(4, b64url(&tag[..tag.len() / 2]))),
            ("tag one byte short", with(4, b64url(&tag[..tag.len() - 1]))),
            ("tag empty", with(4, String::new())),
            ("tag last byte", with(4, flip(&p[4], usize::MAX))),
            ("ciphertext first byte", with(3, flip(&p[3], 0))),
            ("ciphertext last byte", with(3, flip(&p[3], usize::MAX))),
            ("ciphertext truncated", with(3, b64url(&b64d(&p[3])[..8]))),
            ("iv", with(2, flip(&p[2], 0))),
            ("iv empty", with(2, String::new())),
            ("aad: header member added", with(0, aad)),
            ("encrypted key present under dir", with(1, b64url(&cek))),
        ];
        for (what, t) in variants {
            let (code, out) = refused(&sb, &format!("{enc} {what}"), &args, &t);
            assert_eq!(code, 1, "{enc} {what}: {out}");
            assert_eq!(statuses(&out), ["failed"], "{enc} {what}: {out}");
            cases += 1;
        }
        // The wrong key of the right length.
        let wrong: Vec<u8> = (0..len as u8).rev().collect();
        let wrong_key = dir_key(&sb, &format!("{enc}-wrong.jwk"), &wrong);
        let (code, out) = refused(
            &sb,
            &format!("{enc} wrong key"),
            &["--key-file", &wrong_key],
            &jwe,
        );
        assert_eq!(code, 1, "{out}");
        assert_eq!(statuses(&out), ["failed"]);
        cases += 1;
    }
    assert_eq!(cases, 5 * 12);
}

#[test]
fn a_key_wrapped_jwe_with_an_altered_encrypted_key_fails() {
    let sb = Sandbox::new();
    let kek = [7u8; 16];
    let encrypter = josekit::jwe::A128KW.encrypter_from_bytes(kek).unwrap();
    let jwe = crypto::encrypt(&encrypter, "A128GCM", None, b"{\"sub\":\"u\"}");
    let key = dir_key(&sb, "kw.jwk", &kek);
    let (code, _) = inspect_json(&sb, &["--key-file", &key], &jwe);
    assert_eq!(code, 0);
    let mut p = parts(&jwe);
    let mut ek = b64d(&p[1]);
    ek[3] ^= 0x10;
    p[1] = b64url(&ek);
    refused(
        &sb,
        "A128KW encrypted key altered",
        &["--key-file", &key],
        &p.join("."),
    );
}

#[test]
fn a_zip_bomb_stays_within_bounded_memory_and_time() {
    let sb = Sandbox::new();
    let cek = [5u8; 32];
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_compression("DEF");
    let bomb = vec![b'a'; 256 * 1024 * 1024];
    let jwe = josekit::jwe::serialize_compact(&bomb, &header, &encrypter).unwrap();
    drop(bomb);
    let token = sb.write("bomb.txt", &jwe);
    let key = dir_key(&sb, "dir.jwk", &cek);
    let args = [
        "inspect",
        "--json",
        "--key-file",
        &key,
        "--file",
        token.to_str().unwrap(),
    ];
    // The plaintext is capped at 16 MiB: the process never holds the 256 MiB the bomb
    // inflates to, so it ends with its ordinary "failed" exit inside 160 MiB of address space.
    let (code, took) = bounded_run(&sb, 160, &args);
    assert_eq!(code, 1, "killed or aborted under a 160 MiB limit");
    assert!(took.as_secs() < 30, "took {took:?}");
}

#[test]
fn a_10_mib_payload_inspects_and_a_17_mib_input_is_refused_early() {
    let sb = Sandbox::new();
    let big = json!({"sub": "u", "exp": FAR, "blob": "x".repeat(10 * 1024 * 1024)});
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &big);
    let file = sb.write("big.txt", &token);
    let secret = secret_args(&sb);
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json"])
        .args(&secret)
        .args(["--file", file.to_str().unwrap()]);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 0, "a 13 MiB token is within the 16 MiB cap");
    assert_eq!(out["accepted"], true);

    // 17 MiB on stdin: a clear error.
    let huge = "A".repeat(17 * 1024 * 1024);
    let out = sb
        .cmd()
        .args(["inspect", "-"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than 16 MiB"), "{stderr}");
    // An endless input is refused after 16 MiB, not read to the end.
    let (code, took) = bounded_run(&sb, 160, &["inspect", "--file", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(took.as_secs() < 30, "{took:?}");
}

#[test]
fn json_nested_10000_deep_is_an_error_in_the_header_and_text_in_the_payload() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let h = b64url(deep(10_000).as_bytes());
    let p = b64url(claims().to_string().as_bytes());
    let out = sb
        .cmd()
        .args(["inspect", "--json", &format!("{h}.{p}.c2ln")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("header segment: not JSON: recursion limit exceeded"),
        "{stderr}"
    );
    // In the payload: shown as text, refused (claims are not an object), no crash.
    let h = b64url(json!({"alg": "HS256"}).to_string().as_bytes());
    let p = b64url(deep(10_000).as_bytes());
    let input = format!("{h}.{p}");
    let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
    let token = format!("{input}.{}", b64url(&tag));
    // A JWS payload need not be JSON (RFC 7515 A.4): the signature is good, the text shown.
    let (_, out) = inspect_json(&sb, &as_strs(&args), &token);
    assert_eq!(out["payload_view"]["type"], "text");
    assert_eq!(statuses(&out), ["valid"], "the signature itself is good");
    let human = sb
        .cmd()
        .args(["inspect"])
        .args(&args)
        .arg(&token)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("(not JSON: shown as text)"));
    // The same nesting inside a JWE plaintext.
    let cek = [9u8; 32];
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let jwe = crypto::encrypt(&encrypter, "A256GCM", None, deep(10_000).as_bytes());
    let key = dir_key(&sb, "dir.jwk", &cek);
    let (_, out) = inspect_json(&sb, &["--key-file", &key], &jwe);
    assert_eq!(out["payload_view"]["type"], "text");
    assert_eq!(statuses(&out), ["decrypted"]);
}

#[test]
fn duplicate_members_non_utf8_and_non_object_payloads() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let signed = |header: &str, payload: &[u8]| {
        let input = format!("{}.{}", b64url(header.as_bytes()), b64url(payload));
        let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
        format!("{input}.{}", b64url(&tag))
    };
    let ok_claims = claims().to_string();
    // Smuggling: the signature is good for the last "alg", another parser reads the first.
    for (case, header, payload) in [
        (
            "duplicate alg in header",
            r#"{"alg":"none","alg":"HS256"}"#,
            ok_claims.as_bytes().to_vec(),
        ),
        (
            "duplicate sub in payload",
            r#"{"alg":"HS256"}"#,
            format!(r#"{{"sub":"admin","exp":{FAR},"sub":"user-1"}}"#).into_bytes(),
        ),
        (
            "duplicate nested member",
            r#"{"alg":"HS256"}"#,
            format!(r#"{{"sub":"u","exp":{FAR},"limit":{{"canPlay":true,"canPlay":false}}}}"#)
                .into_bytes(),
        ),
    ] {
        // The signature is good for the value serde keeps; the duplicate refuses the token.
        let (code, out) = inspect_json(&sb, &as_strs(&args), &signed(header, &payload));
        assert_eq!(code, 1, "{case}: {out}");
        assert_eq!(out["accepted"], false, "{case}");
        assert!(
            finding_ids(&out).contains(&"generic.json.duplicate_member".to_string()),
            "{case}: {out}"
        );
    }
    // Non-UTF-8 payload: hex view.
    let token = signed(r#"{"alg":"HS256"}"#, &[0xff, 0xfe, 0x00, 0x1b, 0x9b, b'{']);
    let (_, out) = inspect_json(&sb, &as_strs(&args), &token);
    assert_eq!(out["payload_view"]["type"], "binary");
    let human = sb
        .cmd()
        .args(["inspect"])
        .args(&args)
        .arg(&token)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("fffe001b9b7b"));
    assert_terminal_safe("non-UTF-8 payload", &human.stdout);
    // Non-UTF-8 header: a clear error naming the header.
    let h = b64url(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}']);
    let out = sb
        .cmd()
        .args(["inspect", &format!("{h}.e30.c2ln")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("header segment"), "{stderr}");
    // Payloads that are JSON but not an object: an error in a JWT (typ JWT, or a payload
    // that starts like JSON), an opaque JWS payload (info) otherwise (RULES.md section 2).
    for (header, payload, jwt) in [
        (r#"{"alg":"HS256"}"#, &b"[1,2,3]"[..], true),
        (r#"{"alg":"HS256","typ":"JWT"}"#, b"\"a string\"", true),
        (r#"{"alg":"HS256","typ":"application/jwt"}"#, b"42", true),
        (r#"{"alg":"HS256","cty":"JWT"}"#, b"null", true),
        (r#"{"alg":"HS256"}"#, b"\"a string\"", false),
        (r#"{"alg":"HS256"}"#, b"42", false),
        (r#"{"alg":"HS256"}"#, b"true", false),
    ] {
        let case = format!("{header} payload {}", String::from_utf8_lossy(payload));
        let (code, out) = inspect_json(&sb, &as_strs(&args), &signed(header, payload));
        assert_eq!(out["payload_view"]["type"], "json", "{case}");
        let ids = finding_ids(&out);
        let id = if jwt {
            "generic.claims.not_object"
        } else {
            "generic.payload.opaque"
        };
        assert!(ids.contains(&id.to_string()), "{case}: {out}");
        assert_eq!(out["accepted"], !jwt, "{case}: {out}");
        assert_eq!(code, if jwt { 1 } else { 0 }, "{case}");
    }
}

#[test]
fn escape_sequences_anywhere_never_reach_the_terminal_in_human_output() {
    let sb = Sandbox::new();
    let token = hostile_token();
    let args = secret_args(&sb);
    refused(&sb, "escape sequences", &as_strs(&args), &token);
    refused(&sb, "escape sequences, no key", &[], &token);
    for profile in ["qualifio", "adictiz", "xtremepush"] {
        let out = sb
            .cmd()
            .args(["inspect", "--profile", profile, "--color", "always", &token])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // With colours, only tokenscope's own SGR sequences may appear.
        let without_sgr = regex_lite_strip_sgr(&text);
        assert_terminal_safe(profile, without_sgr.as_bytes());
    }
    // In a segment that does not decode, the error names the character escaped.
    let bad = "eyJhbGciOiJIUzI1NiJ9.e30\u{1b}[2J.c2ln";
    let out = sb.cmd().args(["inspect", bad]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_terminal_safe("bad segment stdout", &out.stdout);
    assert_terminal_safe("bad segment stderr", &out.stderr);
    let bad = "eyJhbGciOiJIUzI1NiJ9.e3\u{9b}0.c2ln";
    let out = sb.cmd().args(["inspect", bad]).output().unwrap();
    assert_terminal_safe("C1 in a segment stdout", &out.stdout);
    assert_terminal_safe("C1 in a segment stderr", &out.stderr);
}

#[test]
fn escape_sequences_never_reach_a_tui_cell() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tokenscope::tui::{Action, App, KeySource, Pane, Theme};
    fn at() -> i64 {
        1_714_564_800
    }
    let mut app = App::new(
        tokenscope::keys::KeyRing::default(),
        KeySource::Memory,
        Theme::dark(),
        tokenscope::time::Clock::Fixed(at()),
    );
    app.size = (140, 45);
    app.open_text("hostile", hostile_token());
    for pane in Pane::ALL {
        app.update(Action::Focus(pane));
        let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
        term.draw(|f| f.render_widget(&app, f.area())).unwrap();
        let buf = term.backend().buffer().clone();
        for cell in buf.content() {
            for c in cell.symbol().chars() {
                assert!(!c.is_control(), "{pane:?}: a cell holds U+{:04X}", c as u32);
            }
        }
        // Selecting a finding opens its details: also escaped.
        if pane == Pane::Findings {
            app.update(Action::Select);
            let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
            term.draw(|f| f.render_widget(&app, f.area())).unwrap();
            for cell in term.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(char::is_control),
                    "finding details"
                );
            }
            app.update(Action::Select);
        }
    }
}

#[test]
fn a_payload_that_is_not_json_never_passes_a_platform_profile() {
    // Found by the `rules` fuzz target: a text payload skipped every claim rule, so under
    // --profile qualifio or adictiz a token carrying no claims at all was accepted.
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    for payload in [&b"hello"[..], b"", &[0xff, 0x00, 0x01]] {
        let input = format!(
            "{}.{}",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(payload)
        );
        let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
        let token = format!("{input}.{}", b64url(&tag));
        for (profile, id) in [
            ("qualifio", "qualifio.sub.missing"),
            ("adictiz", "adictiz.partner_user_id.missing"),
            ("xtremepush", "xtremepush.sub.missing"),
        ] {
            let mut a = as_strs(&args);
            a.extend(["--profile", profile]);
            // The signature is good; the missing claims set refuses the token.
            let (code, out) = inspect_json(&sb, &a, &token);
            assert_eq!(code, 1, "{profile} {payload:?}: {out}");
            assert_eq!(out["accepted"], false, "{profile} {payload:?}");
            assert!(
                finding_ids(&out).iter().any(|f| f == id),
                "{profile}: {out}"
            );
        }
    }
}

#[test]
fn urls_in_a_jwe_header_are_never_fetched() {
    use std::sync::atomic::Ordering;
    let (base, hits) = common::serve("{}".to_string());
    let sb = Sandbox::new();
    let cek = [4u8; 32];
    let key = dir_key(&sb, "dir.jwk", &cek);
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    for member in ["x5u", "jku"] {
        let mut header = josekit::jwe::JweHeader::new();
        header.set_content_encryption("A256GCM");
        header
            .set_claim(member, Some(json!(format!("{base}/{member}"))))
            .unwrap();
        let jwe =
            josekit::jwe::serialize_compact(claims().to_string().as_bytes(), &header, &encrypter)
                .unwrap();
        for args in [vec![], vec!["--key-file", key.as_str()]] {
            let mut cmd = sb.cmd();
            cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
                .args(["inspect", "--json"])
                .args(&args)
                .arg(&jwe);
            let (_, out) = json_of(&mut cmd);
            assert!(
                finding_ids(&out).contains(&"generic.header.key_reference".to_string()),
                "{member}: {out}"
            );
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a URL named by a JWE header was fetched"
    );
}
