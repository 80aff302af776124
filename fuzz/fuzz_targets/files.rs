//! The file parsers: theme overlays, campaign files (TOML and JSON), key material, the key
//! store and the config file. The first byte picks the parser.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static Path {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| tempfile::tempdir().expect("temp dir")).path()
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 6 {
        0 => {
            let _ = tokenscope::tui::Theme::dark().overlay(&text, "fuzz.toml");
        }
        1 => {
            let _ = tokenscope::rules::Campaign::from_toml(&text, Path::new("c.toml"));
        }
        2 => {
            let _ = tokenscope::rules::Campaign::from_json(&text, Path::new("c.json"));
        }
        3 => {
            let _ = tokenscope::keys::parse_key_bytes("fuzz", rest);
        }
        4 => {
            let store_dir = dir().join("store");
            std::fs::create_dir_all(&store_dir).expect("store dir");
            let store = tokenscope::keys::Store::open(store_dir);
            std::fs::write(store.path(), rest).expect("write store");
            if let Ok(entries) = store.list() {
                for e in entries {
                    let _ = e.validate();
                }
            }
        }
        _ => {
            let path = dir().join("config.toml");
            std::fs::write(&path, rest).expect("write config");
            let _ = tokenscope::config::Config::load(&path);
        }
    }
});
