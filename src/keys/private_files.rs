//! Owner-only files on disk: directories readable by the owner alone, files replaced
//! atomically with mode 0600, and the clean-up of temp files a killed write left. The key
//! store and the JWKS cache write through these.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use super::error::KeyError;

/// Prefix and suffix of the temp files `write_atomic` creates.
const TEMP_PREFIX: &str = ".tokenscope-";
const TEMP_SUFFIX: &str = ".tmp";

/// Remove the temp files a killed `write_atomic` left in `dir`. Call under the lock of
/// whatever writes there; a file that cannot be removed is left (the next write tries again).
pub(super) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Create a directory (and its parents) readable by the owner only.
pub fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| KeyError::io(dir, "create the directory", e))
}

/// Replace `path` with `bytes` atomically: temp file in the same directory (same file
/// system, so the rename is atomic), fsync, mode 0600, rename, fsync of the directory.
/// On any failure the old file is untouched and the temp file removed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| KeyError::io(dir, "create a temp file in", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o600))
            .map_err(|e| KeyError::io(tmp.path(), "set the mode of", e))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| KeyError::io(tmp.path().to_path_buf(), "write", e))?;
    tmp.persist(path)
        .map_err(|e| KeyError::io(path, "replace", e.error))?;
    // Make the rename itself durable; a failure here loses nothing already written.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
