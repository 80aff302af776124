use super::*;
use crate::cli::{GenType, KeyExportFormat, KeysAddArgs, KeysGenArgs, SecretEncodingArg};
use crate::keys::test_support::rsa2048;

struct Env {
    dir: tempfile::TempDir,
    store: Store,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("keys"));
        Env { dir, store }
    }

    fn run(&self, cmd: KeysCommand) -> anyhow::Result<String> {
        let mut out = Vec::new();
        run(&cmd, &self.store, &self.dir.path().join("cache"), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }
}

fn add_args(name: &str) -> KeysAddArgs {
    KeysAddArgs {
        name: name.into(),
        file: None,
        secret: None,
        encoding: SecretEncodingArg::Utf8,
        jwks_url: None,
        kid: None,
        profile: None,
        algs: vec![],
        force: false,
    }
}

fn gen_args(name: &str, key_type: GenType) -> KeysGenArgs {
    KeysGenArgs {
        name: name.into(),
        key_type,
        kid: None,
        profile: None,
        algs: vec![],
        bytes: 32,
        enc: None,
        force: false,
    }
}

#[test]
fn gen_list_export_remove() {
    let env = Env::new();
    assert_eq!(
        env.run(KeysCommand::List {
            reveal: false,
            json: false
        })
        .unwrap(),
        format!(
            "no keys stored in {} (add one with `tokenscope keys add` or `tokenscope keys gen`)\n",
            env.store.dir().display()
        )
    );
    let mut args = gen_args("signer", GenType::P256);
    args.kid = Some("2024-01".into());
    args.profile = Some(ProfileTag::Xtremepush);
    let out = env.run(KeysCommand::Gen(args)).unwrap();
    assert!(
        out.starts_with("generated 'signer': EC P-256 private ("),
        "{out}"
    );
    let list = env
        .run(KeysCommand::List {
            reveal: false,
            json: false,
        })
        .unwrap();
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with("NAME    TYPE              KID      PROFILE     ALGS   FINGERPRINT"),
        "{list}"
    );
    assert!(
        lines[1].starts_with("signer  EC P-256 private  2024-01  xtremepush  ES256  "),
        "{list}"
    );

    let pem = env
        .run(KeysCommand::Export {
            name: "signer".into(),
            format: KeyExportFormat::Pem,
        })
        .unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n") && !pem.contains("PRIVATE"));
    let jwk: Value = serde_json::from_str(
        &env.run(KeysCommand::Export {
            name: "signer".into(),
            format: KeyExportFormat::Jwk,
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(jwk["kid"], "2024-01");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["use"], "sig");
    assert!(jwk.get("d").is_none());
    let jwks: Value = serde_json::from_str(
        &env.run(KeysCommand::Export {
            name: "signer".into(),
            format: KeyExportFormat::Jwks,
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(jwks["keys"][0], jwk);

    let json: Value = serde_json::from_str(
        &env.run(KeysCommand::List {
            reveal: false,
            json: true,
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(json[0]["name"], "signer");
    assert_eq!(json[0]["type"], "ec");
    assert_eq!(json[0]["curve"], "P-256");
    assert_eq!(json[0]["visibility"], "private");
    assert_eq!(json[0]["profile"], "xtremepush");

    let show = env
        .run(KeysCommand::Show {
            name: "signer".into(),
            reveal: false,
            json: false,
        })
        .unwrap();
    assert!(
        show.contains("material: private, hidden (--reveal shows it)"),
        "{show}"
    );
    assert!(!show.contains("PRIVATE KEY"));
    let show = env
        .run(KeysCommand::Show {
            name: "signer".into(),
            reveal: true,
            json: false,
        })
        .unwrap();
    assert!(show.contains("-----BEGIN PRIVATE KEY-----"), "{show}");

    let e = env
        .run(KeysCommand::Gen(gen_args("signer", GenType::Ed25519)))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a key named 'signer' already exists (use --force to replace it)"
    );
    assert_eq!(
        env.run(KeysCommand::Remove {
            name: "signer".into()
        })
        .unwrap(),
        "removed 'signer'\n"
    );
    assert!(env.store.list().unwrap().is_empty());
}

#[test]
fn secrets_are_masked_unless_revealed() {
    let env = Env::new();
    let file = env.dir.path().join("secret.txt");
    std::fs::write(&file, "hunter2-hunter2-hunter2-hunter2!\n").unwrap();
    let mut args = add_args("hmac");
    args.secret = Some(format!("@{}", file.display()));
    args.profile = Some(ProfileTag::Adictiz);
    let out = env.run(KeysCommand::Add(args)).unwrap();
    assert!(
        out.starts_with("added 'hmac': hmac secret 32 B (secret-sha256:"),
        "{out}"
    );
    assert!(!out.contains("hunter2"));

    let list = env
        .run(KeysCommand::List {
            reveal: false,
            json: false,
        })
        .unwrap();
    assert!(!list.contains("hunter2"), "{list}");
    assert!(list.contains("secret 32 B"), "{list}");
    let json = env
        .run(KeysCommand::List {
            reveal: false,
            json: true,
        })
        .unwrap();
    assert!(!json.contains("hunter2"), "{json}");
    let list = env
        .run(KeysCommand::List {
            reveal: true,
            json: false,
        })
        .unwrap();
    assert!(
        list.contains("hunter2-hunter2-hunter2-hunter2! (utf8)"),
        "{list}"
    );

    let show = env
        .run(KeysCommand::Show {
            name: "hmac".into(),
            reveal: false,
            json: false,
        })
        .unwrap();
    assert!(
        show.contains("secret:      **** (32 bytes; --reveal shows it)"),
        "{show}"
    );
    assert!(!show.contains("hunter2"), "{show}");
    let show = env
        .run(KeysCommand::Show {
            name: "hmac".into(),
            reveal: true,
            json: false,
        })
        .unwrap();
    assert!(
        show.contains("secret:      hunter2-hunter2-hunter2-hunter2! (utf8)"),
        "{show}"
    );
    let show = env
        .run(KeysCommand::Show {
            name: "hmac".into(),
            reveal: false,
            json: true,
        })
        .unwrap();
    assert!(!show.contains("hunter2"), "{show}");

    let e = env
        .run(KeysCommand::Export {
            name: "hmac".into(),
            format: KeyExportFormat::Pem,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "key 'hmac' is a shared secret: it has no public half to export (a secret is shared out of band; `tokenscope keys show hmac --reveal` prints it)"
    );
    let e = env
        .run(KeysCommand::Refresh {
            name: Some("hmac".into()),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "'hmac' is not a JWKS endpoint (it is stored as secret): nothing to refresh"
    );
    assert_eq!(
        env.run(KeysCommand::Refresh { name: None }).unwrap(),
        "no JWKS endpoints stored (add one with `tokenscope keys add NAME --jwks-url URL`)\n"
    );
}

#[test]
fn add_from_files_of_each_kind() {
    let env = Env::new();
    let pkey = rsa2048();
    let write = |name: &str, bytes: &[u8]| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let pkcs1 = write(
        "pkcs1.pem",
        &pkey.rsa().unwrap().public_key_to_pem_pkcs1().unwrap(),
    );
    let der = write("key.der", &pkey.private_key_to_pkcs8().unwrap());
    let jwk = write(
        "key.jwk",
        crate::keys::test_support::public_jwk(&pkey)
            .to_string()
            .as_bytes(),
    );
    let bad = write("bad.txt", b"not a key");

    let mut args = add_args("pkcs1");
    args.file = Some(pkcs1);
    args.algs = vec!["RS256".into()];
    let out = env.run(KeysCommand::Add(args)).unwrap();
    assert!(out.contains("note: 'pkcs1' was given as PKCS#1"), "{out}");
    let mut args = add_args("der");
    args.file = Some(der);
    env.run(KeysCommand::Add(args)).unwrap();
    let mut args = add_args("jwk");
    args.file = Some(jwk);
    env.run(KeysCommand::Add(args)).unwrap();
    let sources: Vec<_> = env.store.list().unwrap().iter().map(|k| k.source).collect();
    assert_eq!(
        sources,
        [
            MaterialSource::Pem,
            MaterialSource::Der,
            MaterialSource::Jwk
        ]
    );

    // One key, three ways: one fingerprint.
    let json: Value = serde_json::from_str(
        &env.run(KeysCommand::List {
            reveal: false,
            json: true,
        })
        .unwrap(),
    )
    .unwrap();
    let fps: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["fingerprint"])
        .collect();
    assert!(fps.iter().all(|f| *f == fps[0]), "{fps:?}");
    assert_eq!(json[0]["pkcs1"], true);

    let mut args = add_args("bad");
    args.file = Some(bad.clone());
    let e = env.run(KeysCommand::Add(args)).unwrap_err().to_string();
    assert_eq!(
        e,
        "key 'bad': text that is neither PEM (no '-----BEGIN' line) nor JSON (expected PEM, DER, JWK or JWKS)"
    );
    let e = env
        .run(KeysCommand::Add(add_args("empty")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "nothing to add: give one of --file PATH, --secret S or --jwks-url URL"
    );
    let mut args = add_args("ep");
    args.jwks_url = Some("http://jwks.example/keys".into());
    let e = env.run(KeysCommand::Add(args)).unwrap_err().to_string();
    assert!(
        e.starts_with("jwks endpoint 'http://jwks.example/keys': plain http is refused"),
        "{e}"
    );
    assert_eq!(env.store.list().unwrap().len(), 3);
}
