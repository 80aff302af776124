use super::*;
use crate::keys::test_support::{ec, rsa2048};
use openssl::nid::Nid;

fn secret(name: &str, value: &str) -> StoredKey {
    let mut key = StoredKey::new(name, MaterialSource::Secret, value);
    key.encoding = Some(SecretEncoding::Utf8);
    key
}

fn pem(name: &str) -> StoredKey {
    let text = String::from_utf8(rsa2048().public_key_to_pem().unwrap()).unwrap();
    StoredKey::new(name, MaterialSource::Pem, text)
}

#[test]
fn round_trip_with_private_modes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("nested/keys"));
    assert!(store.list().unwrap().is_empty());
    let mut a = pem("rsa");
    a.kid = Some("k1".into());
    a.profile = Some(Profile::Qualifio);
    a.algs = vec!["RS256".into()];
    store.add(a, false).unwrap();
    store
        .add(secret("hmac", "a-very-long-shared-secret-value!"), false)
        .unwrap();
    let der = ec(Nid::X9_62_PRIME256V1).private_key_to_pkcs8().unwrap();
    store.add(StoredKey::from_der("ec", &der), false).unwrap();

    let names: Vec<String> = store
        .list()
        .unwrap()
        .iter()
        .map(|k| k.name.clone())
        .collect();
    assert_eq!(names, ["rsa", "hmac", "ec"]);
    let rsa = store.get("rsa").unwrap();
    assert_eq!(rsa.kid.as_deref(), Some("k1"));
    assert_eq!(rsa.profile, Some(Profile::Qualifio));
    assert_eq!(rsa.algs, ["RS256"]);
    let (keys, _) = rsa.keys(Path::new("")).unwrap();
    assert_eq!(keys[0].kid.as_deref(), Some("k1"));
    assert_eq!(keys[0].profile, Some(Profile::Qualifio));
    let (keys, _) = store.get("ec").unwrap().keys(Path::new("")).unwrap();
    assert!(matches!(
        keys[0].material,
        crate::keys::Material::Private { .. }
    ));

    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.starts_with("# tokenscope key store"));
    assert!(text.contains("[[key]]"));
    assert!(text.contains("name = \"hmac\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(store.dir()), 0o700);
    }

    assert_eq!(store.remove("hmac").unwrap().name, "hmac");
    assert_eq!(
        store.get("hmac").unwrap_err().to_string(),
        "no stored key named 'hmac' (known: rsa, ec)"
    );
    assert_eq!(
        store.remove("nope").unwrap_err().to_string(),
        "no stored key named 'nope' (known: rsa, ec)"
    );
    let empty = Store::open(dir.path().join("empty"));
    assert_eq!(
        empty.get("x").unwrap_err().to_string(),
        "no stored key named 'x' (the store is empty: add one with `tokenscope keys add` or `tokenscope keys gen`)"
    );
}

#[test]
fn existing_names_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().to_path_buf());
    store
        .add(secret("s", "first-secret-first-secret-first!"), false)
        .unwrap();
    assert_eq!(
        store
            .add(secret("s", "second-secret-second-secret-2nd!"), false)
            .unwrap_err()
            .to_string(),
        "a key named 's' already exists (use --force to replace it)"
    );
    store
        .add(secret("s", "second-secret-second-secret-2nd!"), true)
        .unwrap();
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].data, "second-secret-second-secret-2nd!");
}

#[test]
fn broken_entries_are_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().to_path_buf());
    let broken = StoredKey::new(
        "bad",
        MaterialSource::Pem,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    let e = store.add(broken, false).unwrap_err().to_string();
    assert!(
        e.starts_with("key 'bad': PEM block 1 (PUBLIC KEY): not a valid SubjectPublicKeyInfo"),
        "{e}"
    );
    let mut wrong_alg = pem("rsa");
    wrong_alg.algs = vec!["ES256".into()];
    assert_eq!(
        store.add(wrong_alg, false).unwrap_err().to_string(),
        "key 'rsa': alg 'ES256' does not fit this key (rsa)"
    );
    assert_eq!(
        store
            .add(secret("a#b", "x"), false)
            .unwrap_err()
            .to_string(),
        "invalid key name 'a#b': '#' is reserved for JWKS members (NAME#kid)"
    );
    let mut bad_hex = StoredKey::new("h", MaterialSource::Secret, "hunter2");
    bad_hex.encoding = Some(SecretEncoding::Hex);
    let e = store.add(bad_hex, false).unwrap_err().to_string();
    assert_eq!(
        e,
        "key 'h': hex secret: invalid hex: odd number of digits (7)"
    );
    assert!(!store.path().exists(), "nothing was written");
}

#[test]
fn an_unparsable_store_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().to_path_buf());
    let garbage = "version = 1\n\n[[key]]\nname = \"s\"\ndata = \"hunter2\n";
    fs::write(store.path(), garbage).unwrap();
    let e = store
        .add(secret("t", "another-secret-another-secret!!"), false)
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, KeyError::StoreCorrupt { line: 5, .. }), "{msg}");
    assert!(
        msg.starts_with(&format!("{}: line 5, column ", store.path().display())),
        "{msg}"
    );
    assert!(
        msg.ends_with("(tokenscope never overwrites it: fix or move the file)"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    assert!(store.remove("s").is_err());
    assert!(store.list().is_err());
    assert_eq!(fs::read_to_string(store.path()).unwrap(), garbage);

    // A type error in a field that may hold material: the value is not quoted.
    let typed = "[[key]]\nname = \"s\"\ncreated = \"x\"\nsource = \"secret\"\ndata = 1234567\n";
    fs::write(store.path(), typed).unwrap();
    let msg = store.list().unwrap_err().to_string();
    assert!(!msg.contains("1234567"), "{msg}");
    assert!(msg.contains("line 5"), "{msg}");

    let newer = "version = 2\n";
    fs::write(store.path(), newer).unwrap();
    let msg = store.add(secret("t", "x"), false).unwrap_err().to_string();
    assert!(msg.contains("store format version 2 is newer"), "{msg}");
    assert_eq!(fs::read_to_string(store.path()).unwrap(), newer);
}

#[test]
fn a_failed_change_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().to_path_buf());
    store
        .add(secret("s", "first-secret-first-secret-first!"), false)
        .unwrap();
    let before = fs::read(store.path()).unwrap();
    let e = store
        .update(|keys| -> Result<(), KeyError> {
            keys.clear();
            Err(KeyError::Other("simulated failure".into()))
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "simulated failure");
    assert_eq!(fs::read(store.path()).unwrap(), before);
    // A rename that fails (the target is a directory) leaves no temp file behind.
    let target = dir.path().join("occupied");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("inside"), "x").unwrap();
    assert!(write_atomic(&target, b"new").is_err());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(fs::read(store.path()).unwrap(), before);
}

#[test]
fn concurrent_adds_from_threads_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let store = Store::open(path);
                for i in 0..5 {
                    store
                        .add(
                            secret(&format!("t{t}-{i}"), "shared-secret-shared-secret-32b"),
                            false,
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        Store::open(dir.path().to_path_buf()).list().unwrap().len(),
        30
    );
}

/// Run by `concurrent_adds_from_processes_lose_nothing` in child processes.
#[test]
#[ignore = "helper: runs only as a child process"]
fn child_process_adds() {
    let (Some(dir), Some(prefix)) = (
        std::env::var_os("TOKENSCOPE_TEST_STORE"),
        std::env::var("TOKENSCOPE_TEST_PREFIX").ok(),
    ) else {
        return;
    };
    let store = Store::open(PathBuf::from(dir));
    for i in 0..5 {
        store
            .add(
                secret(&format!("{prefix}-{i}"), "shared-secret-shared-secret-32b"),
                false,
            )
            .unwrap();
    }
}

#[test]
fn concurrent_adds_from_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|p| {
            std::process::Command::new(&exe)
                .args([
                    "--ignored",
                    "--exact",
                    "keys::store::tests::child_process_adds",
                    "--test-threads=1",
                ])
                .env("TOKENSCOPE_TEST_STORE", dir.path())
                .env("TOKENSCOPE_TEST_PREFIX", format!("p{p}"))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let names: Vec<String> = Store::open(dir.path().to_path_buf())
        .list()
        .unwrap()
        .iter()
        .map(|k| k.name.clone())
        .collect();
    assert_eq!(names.len(), 20, "{names:?}");
}

#[test]
fn debug_hides_the_material() {
    let key = secret("s", "hunter2-hunter2-hunter2-hunter2!");
    let debug = format!("{key:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("<32 chars hidden>"));
}
