//! Process hardening done once at start, before any secret is read.

/// Keep secrets out of core dumps: the core size limit is set to 0 (soft and hard), and the
/// process is marked not dumpable (Linux), so a crash never writes an HMAC secret or a
/// private key to disk and other processes of the same user cannot read its memory through
/// /proc. Returns why it could not, if it could not (a warning, never an error).
pub fn no_core_dumps() -> Option<String> {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, setrlimit};
        if let Err(e) = setrlimit(Resource::RLIMIT_CORE, 0, 0) {
            return Some(format!("cannot disable core dumps: {e}"));
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = nix::sys::prctl::set_dumpable(false) {
        return Some(format!("cannot mark the process not dumpable: {e}"));
    }
    None
}
