//! The bounds on the work tokenscope does for what it is given (README "Security", "Bounded
//! work"): each is far above anything a real token, key or file needs, so only hostile or
//! mistaken input meets one, and the error then names the limit.
//!
//! Every file tokenscope reads whole goes through [`read_file`] (or [`read_capped`] for standard
//! input), with the cap of its kind: `/dev/zero` or a log passed as a key file costs at most
//! the cap, never the machine's memory.

use std::io::Read;
use std::path::Path;

const MIB: u64 = 1024 * 1024;

/// Largest token input: a one-shot token (argument, `--file`, standard input, the
/// interactive view's `--file` and `o`), a batch line, a detached payload, a claims or header
/// file. RFC-sized tokens are tiny; 16 MiB leaves room for huge test payloads.
pub const MAX_INPUT: u64 = 16 * MIB;

/// Most worker threads of `inspect --batch --threads N` (more is a usage error) and of its
/// default, one per core: past the cores they only cost memory.
pub const MAX_THREADS: usize = 1024;

/// Findings of one id listed for one token: past it, one more finding of that id says how
/// many were left out (a 10 MB token repeating one member 900,000 times made as many).
pub const MAX_FINDINGS_PER_ID: usize = 100;

/// Layers opened at most (a JWE inside a JWE inside ... a JWS): a token that nests deeper is
/// an error, never a skipped check.
pub const MAX_DEPTH: usize = 5;

/// PBES2 iterations (a JWE header's `p2c`) tokenscope runs by default: a token asking for
/// more fails its layer before any key is tried, since each key tried costs a key derivation
/// of that many HMACs (RFC 7518 4.8.1.2 recommends 1,000 at least; libraries write 1,000 to
/// 10,000; jwcrypto stops at 16,384). `--max-pbes2-count N` or `max_pbes2_count` raises it.
pub const MAX_PBES2_COUNT: u64 = 100_000;

/// The most `--max-pbes2-count` may allow: josekit refuses a `p2c` above it.
pub const PBES2_COUNT_CEILING: u64 = 1_000_000;

/// A kind of file read whole, and the most tokenscope reads of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// What the file is, for messages (`key file`).
    pub what: &'static str,
    /// Bytes read at most; a longer file is an error.
    pub max: u64,
    /// What a real one weighs, for messages.
    pub typical: &'static str,
}

/// A token, or text holding one (`inspect --file`, standard input, the interactive view).
pub const TOKEN_FILE: FileKind = FileKind {
    what: "token input",
    max: MAX_INPUT,
    typical: "a token is a few KiB",
};
/// `inspect --payload @FILE`: a detached JWS payload.
pub const PAYLOAD_FILE: FileKind = FileKind {
    what: "payload file",
    max: MAX_INPUT,
    typical: "a token is a few KiB",
};
/// `sign --claims FILE` and `--header FILE`.
pub const JSON_FILE: FileKind = FileKind {
    what: "JSON file",
    max: MAX_INPUT,
    typical: "claims are a few KiB",
};
/// Key material: `--key-file`, `keys add --file`, the interactive view's `f`.
pub const KEY_FILE: FileKind = FileKind {
    what: "key file",
    max: MIB,
    typical: "a key or a JWKS is a few KiB",
};
/// A secret: `--secret @FILE` or `-`, `keys add --secret @FILE` or `-`.
pub const SECRET_FILE: FileKind = FileKind {
    what: "secret file",
    max: MIB,
    typical: "a secret is a few bytes",
};
/// `--config`, `config.toml`.
pub const CONFIG_FILE: FileKind = FileKind {
    what: "config file",
    max: MIB,
    typical: "a configuration is a few KiB",
};
/// `--campaign`, the configuration's `campaigns`.
pub const CAMPAIGN_FILE: FileKind = FileKind {
    what: "campaign file",
    max: MIB,
    typical: "a campaign file is a few KiB",
};
/// A user theme, `themes/NAME.toml`.
pub const THEME_FILE: FileKind = FileKind {
    what: "theme file",
    max: MIB,
    typical: "a theme is a few KiB",
};
/// The key store, `keys.toml`.
pub const KEY_STORE: FileKind = FileKind {
    what: "key store",
    max: MAX_INPUT,
    typical: "a thousand RSA keys take about 1 MiB",
};
/// A cached JWKS endpoint response (fetched bodies are capped at the same size).
pub const JWKS_CACHE: FileKind = FileKind {
    what: "cached JWKS",
    max: MIB,
    typical: "a JWKS is a few KiB",
};

impl FileKind {
    /// The error for a file of this kind longer than the cap: names the limit, and says it is
    /// fixed (no real file comes near it).
    pub fn too_large(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {}, the most tokenscope reads of a {} ({})",
                size(self.max),
                self.what,
                self.typical
            ),
        )
    }
}

/// A byte count as README states limits: `16 MiB`, `1 MiB`, `512 KiB`, else bytes.
pub fn size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Read `reader` to its end into `buf`, at most `kind.max` bytes: one byte more is the error
/// of [`FileKind::too_large`], after reading no more than that byte. `buf` is the caller's, so
/// that a secret can be read into a buffer that is wiped on drop.
pub fn read_capped_into(
    reader: impl Read,
    kind: FileKind,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let start = buf.len();
    reader.take(kind.max + 1).read_to_end(buf)?;
    if (buf.len() - start) as u64 > kind.max {
        buf.truncate(start);
        return Err(kind.too_large());
    }
    Ok(())
}

/// [`read_capped_into`] a new buffer.
pub fn read_capped(reader: impl Read, kind: FileKind) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_capped_into(reader, kind, &mut buf)?;
    Ok(buf)
}

/// `std::fs::read`, capped at `kind.max` bytes.
pub fn read_file(path: &Path, kind: FileKind) -> std::io::Result<Vec<u8>> {
    read_capped(std::fs::File::open(path)?, kind)
}

/// `std::fs::read_to_string`, capped at `kind.max` bytes: text that is not UTF-8 is an
/// `InvalidData` error, as std reports it.
pub fn read_file_to_string(path: &Path, kind: FileKind) -> std::io::Result<String> {
    String::from_utf8(read_file(path, kind)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: FileKind = FileKind {
        what: "test file",
        max: 8,
        typical: "tests are small",
    };

    #[test]
    fn reads_up_to_the_cap_and_refuses_one_byte_more() {
        assert_eq!(read_capped(&b"12345678"[..], SMALL).unwrap(), b"12345678");
        let e = read_capped(&b"123456789"[..], SMALL).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert_eq!(
            e.to_string(),
            "larger than 8 bytes, the most tokenscope reads of a test file (tests are small)"
        );
        // An endless reader costs the cap and one byte.
        let e = read_capped(std::io::repeat(0), SMALL).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        let mut kept = b"kept".to_vec();
        assert!(read_capped_into(std::io::repeat(1), SMALL, &mut kept).is_err());
        assert_eq!(kept, b"kept");
    }

    #[test]
    fn sizes_read_as_readme_states_them() {
        assert_eq!(size(MAX_INPUT), "16 MiB");
        assert_eq!(size(MIB), "1 MiB");
        assert_eq!(size(512 * 1024), "512 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_at_the_cap() {
        let e = read_file(Path::new("/dev/zero"), KEY_FILE).unwrap_err();
        assert!(e.to_string().starts_with("larger than 1 MiB"), "{e}");
    }
}
