//! `tokenscope keys gen`: make a new key pair or secret and store it.

use std::io::Write;
use std::path::Path;

use anyhow::bail;

use crate::cli::KeysGenArgs;
use crate::keys::{MaterialSource, Store, describe, key_fingerprint, keygen};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::line;

use super::{apply_common, refuse_existing};

pub(super) fn generate(
    args: &KeysGenArgs,
    store: &Store,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    refuse_existing(store, &args.name, args.force)?;
    let mut stored = match (args.key_type, &args.enc) {
        (crate::cli::GenType::Dir, enc) => keygen::generate_dir(
            &args.name,
            enc.as_deref().unwrap_or(keygen::DEFAULT_DIR_ENC),
        )?,
        (_, Some(_)) => {
            bail!("--enc sizes a JWE dir key: use it with --type dir")
        }
        (kind, None) => keygen::generate(&args.name, kind, args.bytes)?,
    };
    apply_common(&mut stored, &args.kid, args.profile, &args.algs);
    store.add(stored.clone(), args.force)?;
    let (keys, _) = stored.keys(Path::new(""))?;
    for key in &keys {
        writeln!(
            out,
            "generated '{}': {} ({})",
            line(&key.name),
            describe(key),
            key_fingerprint(key)
        )?;
    }
    if stored.source == MaterialSource::Secret {
        writeln!(
            out,
            "`tokenscope keys show {} --reveal` prints the secret",
            line(&stored.name)
        )?;
    } else {
        writeln!(
            out,
            "`tokenscope keys export {}` prints the public half to give the platform",
            line(&stored.name)
        )?;
    }
    Ok(())
}
