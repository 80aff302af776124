use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::*;
use crate::cli::{GlobalArgs, ProfileArg, SignFormat};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/cfg/config.toml"))
}

#[test]
fn every_key_parses() {
    let c = parse(
        r#"
profile = "qualifio"
skew = 5
theme = "light"
mouse = false
time_display = "both"
export_format = "qualifio-url"
campaigns = ["a.toml"]
color = "never"
log_level = "debug"
max_pbes2_count = 200000

[keys]
quit = "ctrl-q"
down = "j down"
"#,
    )
    .unwrap();
    assert_eq!(c.profile, Some(ProfileArg::Qualifio));
    assert_eq!(c.skew, Some(5));
    assert_eq!(c.export_format, Some(SignFormat::QualifioUrl));
    assert_eq!(c.max_pbes2_count, Some(200_000));
    for bad in ["0", "1000001", "\"many\"", "1.5"] {
        let err = parse(&format!("max_pbes2_count = {bad}\n")).unwrap_err();
        assert!(err.to_string().contains("key 'max_pbes2_count'"), "{err}");
    }
    assert_eq!(c.keys.get("down").map(String::as_str), Some("j down"));
}

#[test]
fn errors_name_line_and_key() {
    let err = parse("skew = 1\n\n[keys]\nquit = \"ctrl-\"\n").unwrap_err();
    let ConfigError::Invalid { line, key, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!((*line, key.as_deref()), (4, Some("keys.quit")), "{err}");
    let err = parse("profile = \"qualifo\"\n").unwrap_err();
    assert!(err.to_string().contains("line 1, key 'profile'"), "{err}");
    assert!(err.to_string().contains("'qualifo'"), "{err}");
    let err = parse("skew = 1\ncolour = \"never\"\n").unwrap_err();
    assert!(err.to_string().contains("line 2, key 'colour'"), "{err}");
    let err = parse("[keys]\nqiut = \"q\"\n").unwrap_err();
    assert!(err.to_string().contains("line 2, key 'keys.qiut'"), "{err}");
}

#[test]
fn key_specs() {
    let k = |s| parse_key_spec(s).unwrap();
    assert_eq!(k("q").code, KeyCode::Char('q'));
    assert_eq!(k("ctrl-C"), k("ctrl-c"));
    assert_eq!(k("ctrl-c").modifiers, KeyModifiers::CONTROL);
    assert_eq!(k("shift-tab"), k("backtab"));
    assert_eq!(k("shift-g"), k("G"));
    assert_eq!(k("PageUp").code, KeyCode::PageUp);
    assert_eq!(k("f1").code, KeyCode::F(1));
    assert_eq!(k("-").code, KeyCode::Char('-'));
    assert_eq!(k("alt--").code, KeyCode::Char('-'));
    assert_eq!(k("space").code, KeyCode::Char(' '));
    for bad in ["", "ctrl-", "f0", "f25", "hyper-x", "pgeup", "ctrl-shift-"] {
        assert!(parse_key_spec(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_key_specs("j down").unwrap().len(), 2);
    assert!(parse_key_specs("  ").is_err());
}

#[test]
fn precedence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(crate::dirs::CONFIG_FILE),
        "skew = 10\nprofile = \"adictiz\"\n",
    )
    .unwrap();
    let home = dir.path().as_os_str().to_owned();
    let env = move |name: &str| match name {
        HOME_ENV => Some(home.clone()),
        SKEW_ENV => Some("20".into()),
        _ => None,
    };
    let s = Settings::resolve(&GlobalArgs::default(), &Flags::default(), &env).unwrap();
    assert_eq!(s.skew.value, 20);
    assert_eq!(s.skew.source, Source::Env(SKEW_ENV));
    assert_eq!(s.profile.value, ProfileArg::Adictiz);
    assert_eq!(s.profile.source, Source::File);
    assert_eq!(s.color.source, Source::Default);
    let flags = Flags {
        skew: Some(30),
        ..Flags::default()
    };
    let s = Settings::resolve(&GlobalArgs::default(), &flags, &env).unwrap();
    assert_eq!(
        s.skew,
        Setting {
            value: 30,
            source: Source::Flag("--skew")
        }
    );
}

#[test]
fn example_parses_with_and_without_its_comments() {
    let path = Path::new("examples/config.toml");
    assert_eq!(Config::parse(EXAMPLE, path).unwrap(), Config::default());
    let uncommented = uncomment(EXAMPLE);
    let c = Config::parse(&uncommented, path).unwrap();
    assert_eq!(c.profile, Some(defaults::PROFILE));
    assert_eq!(c.skew, Some(defaults::SKEW));
    assert_eq!(c.theme.as_deref(), Some(defaults::THEME));
    assert_eq!(c.mouse, Some(defaults::MOUSE));
    assert_eq!(c.time_display, Some(defaults::TIME_DISPLAY));
    assert_eq!(c.export_format, Some(defaults::EXPORT_FORMAT));
    assert_eq!(c.color, Some(defaults::COLOR));
    assert_eq!(c.log_level, Some(defaults::LOG_LEVEL));
    assert_eq!(c.max_pbes2_count, Some(defaults::MAX_PBES2_COUNT));
    assert!(!c.keys.is_empty());
}

/// The example's settings are `# key = value` lines and `# [table]` headers.
fn uncomment(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    }) =>
            {
                rest
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}
