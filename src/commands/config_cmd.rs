//! `tokenscope config`: the configuration file, its path, its effective values, its editor.

use super::*;

/// `tokenscope config path | show | edit`. `path` and `edit` work with a broken file (edit is
/// how it gets fixed); `show` reports the error.
pub(super) fn config_command(
    cmd: &crate::cli::ConfigCommand,
    global: &crate::cli::GlobalArgs,
    dirs: &Dirs,
    settings: Result<Settings, config::ConfigError>,
) -> Result<ExitCode> {
    use crate::cli::ConfigCommand;
    let (path, _) = config::config_path(global.config.as_deref(), &crate::dirs::process_env, dirs)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cmd {
        ConfigCommand::Path => writeln!(out, "{}", path.display())?,
        ConfigCommand::Show => {
            let settings = settings?;
            check_bindings(&path, &settings.keys)?;
            out.write_all(settings.to_toml().as_bytes())?
        }
        ConfigCommand::Edit => {
            drop(out);
            edit_config(&path)?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `[keys]` table must lay over the default bindings without two commands sharing a key:
/// the interactive view refuses such a file, so `config show` and `config edit` say so too.
pub(super) fn check_bindings(
    path: &Path,
    keys: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    crate::tui::keymap::KeyMap::with_overrides(keys)
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("config file '{}': {e}", path.display()))
}

/// Open the config file in $VISUAL, else $EDITOR, else vi (creating it from the documented
/// example when missing), then check what was saved. The file is kept as edited either way.
pub(super) fn edit_config(path: &Path) -> Result<()> {
    if !path.exists() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        }
        std::fs::write(path, config::EXAMPLE)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        escape::stderr(&format!(
            "created '{}' from the documented example",
            path.display()
        ));
    }
    let editor = crate::dirs::process_env("VISUAL")
        .or_else(|| crate::dirs::process_env("EDITOR"))
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vi".to_string());
    tracing::info!(editor = %editor, "editing the config file");
    let status = editor_command(&editor, path)
        .status()
        .with_context(|| format!("cannot start the editor '{editor}' (set VISUAL or EDITOR)"))?;
    if !status.success() {
        bail!(
            "the editor '{editor}' exited with {status}; '{}' is kept as it is",
            path.display()
        );
    }
    match config::Config::load(path)
        .map_err(anyhow::Error::from)
        .and_then(|cfg| {
            if let Some(cfg) = &cfg {
                check_bindings(path, &cfg.keys)?;
            }
            Ok(cfg)
        }) {
        Ok(_) => {
            escape::stderr(&format!("'{}' is valid", path.display()));
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!(
            "{e} (the file is kept as edited: run `tokenscope config edit` again to fix it)"
        )),
    }
}

/// The editor runs through the shell, as git runs it, so that `EDITOR="code --wait"` and
/// quoted arguments work.
#[cfg(unix)]
pub(super) fn editor_command(editor: &str, path: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    cmd
}

#[cfg(not(unix))]
pub(super) fn editor_command(editor: &str, path: &Path) -> std::process::Command {
    let mut words = editor.split_whitespace();
    let mut cmd = std::process::Command::new(words.next().unwrap_or("notepad"));
    cmd.args(words).arg(path);
    cmd
}
