//! The TUI's slow work: everything that touches the disk or the network (the key store, a
//! JWKS endpoint, a token or key file, an export) or takes seconds of CPU (an RSA key). `update`
//! never does it: it queues a [`Job`] as `Effect::Run`, the event loop runs it on a worker
//! thread, and [`run`]'s answer comes back as an `Action::Done` for `update` to apply. The UI
//! keeps drawing and answering keys while a JWKS endpoint takes its 10 s to time out.
//!
//! Tests (and the snapshot benches) run jobs in `update` itself: same code, no thread.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::cli::GenType;
use crate::export::ExportFormat;
use crate::keys::{self, Deferred, Key, KeyRing, Store, StoredKey};

/// Bytes of a generated HMAC secret (as `keys gen --type hmac`).
pub const HMAC_BYTES: usize = 32;

/// A piece of slow work, with what it needs (no reference to the app).
pub enum Job {
    /// Write a key to the store, then load the ring again (a JWKS entry may fetch).
    StoreKey {
        store: Store,
        cache: PathBuf,
        entry: StoredKey,
        /// How the message names the key once stored: `None` for a pasted or file key, the
        /// type for a generated one.
        generated: Option<GenType>,
    },
    /// Remove a store entry (`name` is the row's name: `set#kid` lives in `set`), then load
    /// the ring again.
    RemoveKey {
        store: Store,
        cache: PathBuf,
        name: String,
    },
    /// Fetch the JWKS endpoints the start-up load left out (no usable cached copy).
    FetchDeferred { deferred: Deferred, cache: PathBuf },
    /// Generate a key (RSA 4096 takes seconds), to be stored next.
    GenerateKey { kind: GenType, name: String },
    /// Read a token file (the `o` prompt).
    ReadTokenFile(PathBuf),
    /// Read a key file (the `f` prompt); its text goes on to the name prompt.
    ReadKeyFile(PathBuf),
    /// Read a log's line again from where it starts (the log browser opening a row).
    ReadLogLine {
        source: super::browser::Source,
        line: usize,
        offset: u64,
        /// The file the line was read from (none: whatever is at the path).
        file: Option<crate::batch::follow::FileId>,
    },
    /// Write an export of the edited token.
    WriteExport {
        path: PathBuf,
        format: ExportFormat,
        text: String,
    },
}

impl Job {
    /// What the status bar says while the job runs.
    pub fn describe(&self) -> String {
        match self {
            Job::StoreKey { entry, .. } => format!("storing key '{}'…", entry.name),
            Job::RemoveKey { name, .. } => format!("deleting key '{name}'…"),
            Job::FetchDeferred { deferred, .. } => {
                format!("fetching JWKS {}…", deferred.names().join(", "))
            }
            Job::GenerateKey { name, .. } => format!("generating key '{name}'…"),
            Job::ReadTokenFile(path) | Job::ReadKeyFile(path) => {
                format!("reading '{}'…", path.display())
            }
            Job::ReadLogLine { source, line, .. } => {
                format!("reading line {line} of '{}'…", source.label())
            }
            Job::WriteExport { path, .. } => format!("writing '{}'…", path.display()),
        }
    }
}

/// Jobs are told apart by what they do (never by key material).
impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::GenerateKey { kind, name } => write!(f, "GenerateKey({kind:?} '{name}')"),
            other => write!(f, "Job({})", other.describe()),
        }
    }
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        format!("{self:?}") == format!("{other:?}")
    }
}

impl Eq for Job {}

/// What a job found, for `update` to apply.
pub enum Outcome {
    /// The ring after a store write, with the store's warnings; or why not.
    KeyStored {
        name: String,
        generated: Option<GenType>,
        result: Result<(KeyRing, Vec<String>), String>,
    },
    KeyRemoved {
        name: String,
        result: Result<KeyRing, String>,
    },
    /// The keys of the endpoints fetched late, and warnings (an endpoint that failed).
    KeysFetched(Result<(Vec<Key>, Vec<String>), String>),
    Generated {
        kind: GenType,
        name: String,
        key: Result<StoredKey, String>,
    },
    TokenFileRead {
        path: PathBuf,
        result: Result<String, String>,
    },
    LogLineRead {
        line: usize,
        result: Result<String, String>,
    },
    KeyFileRead {
        path: PathBuf,
        result: Result<Zeroizing<String>, String>,
    },
    ExportWritten {
        path: PathBuf,
        format: ExportFormat,
        bytes: usize,
        result: Result<(), String>,
    },
    /// The job panicked (a bug): what it was doing.
    Failed(String),
}

impl Outcome {
    /// A one-line account for `Debug` and equality: names and success, never key material.
    fn summary(&self) -> String {
        let ok = |r: bool| if r { "ok" } else { "failed" };
        match self {
            Outcome::KeyStored { name, result, .. } => {
                format!("KeyStored('{name}' {})", ok(result.is_ok()))
            }
            Outcome::KeyRemoved { name, result } => {
                format!("KeyRemoved('{name}' {})", ok(result.is_ok()))
            }
            Outcome::KeysFetched(r) => format!("KeysFetched({})", ok(r.is_ok())),
            Outcome::Generated { kind, name, key } => {
                format!("Generated({kind:?} '{name}' {})", ok(key.is_ok()))
            }
            Outcome::TokenFileRead { path, result } => {
                format!("TokenFileRead({} {})", path.display(), ok(result.is_ok()))
            }
            Outcome::LogLineRead { line, result } => {
                format!("LogLineRead({line} {})", ok(result.is_ok()))
            }
            Outcome::KeyFileRead { path, result } => {
                format!("KeyFileRead({} {})", path.display(), ok(result.is_ok()))
            }
            Outcome::ExportWritten { path, result, .. } => {
                format!("ExportWritten({} {})", path.display(), ok(result.is_ok()))
            }
            Outcome::Failed(what) => format!("Failed({what})"),
        }
    }
}

/// A finished job on its way to `update`. `update` takes the outcome once; a clone of the
/// action (none is made outside tests) shares it.
#[derive(Clone)]
pub struct Done(Arc<Mutex<Option<Outcome>>>);

impl Done {
    pub fn new(outcome: Outcome) -> Done {
        Done(Arc::new(Mutex::new(Some(outcome))))
    }

    /// A job that ended in a panic.
    pub fn failed(what: String) -> Done {
        Done::new(Outcome::Failed(what))
    }

    /// The outcome, the first time.
    pub fn take(&self) -> Option<Outcome> {
        self.0.lock().ok().and_then(|mut o| o.take())
    }

    fn summary(&self) -> String {
        match self.0.lock() {
            Ok(o) => o.as_ref().map_or("taken".to_string(), Outcome::summary),
            Err(_) => "poisoned".to_string(),
        }
    }
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Done({})", self.summary())
    }
}

impl PartialEq for Done {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.summary() == other.summary()
    }
}

impl Eq for Done {}

/// Do the work (blocking: on a worker thread, or in `update` under test).
pub fn run(job: Job) -> Outcome {
    match job {
        Job::StoreKey {
            store,
            cache,
            entry,
            generated,
        } => {
            let name = entry.name.clone();
            let result =
                store
                    .add(entry, false)
                    .map_err(|e| e.to_string())
                    .and_then(|mut warnings| {
                        let (ring, more) =
                            keys::load_ring(&store, &[], &cache).map_err(|e| e.to_string())?;
                        warnings.extend(more);
                        Ok((ring, warnings))
                    });
            Outcome::KeyStored {
                name,
                generated,
                result,
            }
        }
        Job::RemoveKey { store, cache, name } => {
            // A JWKS member (`set#kid`) lives in its entry (`set`).
            let entry = name.split_once('#').map_or(name.as_str(), |(e, _)| e);
            let result = store
                .remove(entry)
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    keys::load_ring(&store, &[], &cache)
                        .map(|(ring, _)| ring)
                        .map_err(|e| e.to_string())
                });
            Outcome::KeyRemoved { name, result }
        }
        Job::FetchDeferred { deferred, cache } => {
            Outcome::KeysFetched(deferred.fetch(&cache).map_err(|e| e.to_string()))
        }
        Job::GenerateKey { kind, name } => Outcome::Generated {
            kind,
            key: keys::generate(&name, kind, HMAC_BYTES).map_err(|e| e.to_string()),
            name,
        },
        Job::ReadTokenFile(path) => {
            let result = match crate::limits::read_file(&path, crate::limits::TOKEN_FILE) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map_err(|_| format!("'{}' is not UTF-8 text", path.display())),
                Err(e) => Err(format!("cannot read '{}': {e}", path.display())),
            };
            Outcome::TokenFileRead { path, result }
        }
        Job::ReadLogLine {
            source,
            line,
            offset,
            file,
        } => Outcome::LogLineRead {
            line,
            result: super::browser::read_line_at(&source, offset, file),
        },
        Job::ReadKeyFile(path) => {
            let read = std::fs::File::open(&path).and_then(|f| {
                let mut buf = Zeroizing::new(Vec::new());
                crate::limits::read_capped_into(f, crate::limits::KEY_FILE, &mut buf)?;
                Ok(buf)
            });
            let result = match read {
                Ok(bytes) => std::str::from_utf8(&bytes)
                    .map(|t| Zeroizing::new(t.to_string()))
                    .map_err(|_| {
                        format!(
                            "'{}' is not text (a DER key?): this prompt takes a PEM, JWK, JWKS or secret file; convert DER to PEM with `openssl pkey -inform DER -in FILE -out key.pem` (-pubin for a public key) and give that file",
                            path.display()
                        )
                    }),
                Err(e) => Err(format!("cannot read '{}': {e}", path.display())),
            };
            Outcome::KeyFileRead { path, result }
        }
        Job::WriteExport { path, format, text } => {
            let result = std::fs::write(&path, text.as_bytes())
                .map_err(|e| format!("cannot write '{}': {e}", path.display()));
            Outcome::ExportWritten {
                path,
                format,
                bytes: text.len(),
                result,
            }
        }
    }
}
