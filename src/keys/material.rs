//! Reading key material in whatever form a user has it: PEM (SPKI, PKCS#1, PKCS#8, SEC1,
//! certificates), DER, a JWK, a JWKS, or a shared secret in one of four encodings.
//!
//! Everything is normalised to the DER forms josekit takes (`Material`): SPKI for a public
//! half, PKCS#8 for a private key, so the jose glue never cares which format the user gave.
//! EC keys are rebuilt on their named curve because josekit only accepts an SPKI/PKCS#8 that
//! carries the curve OID, and OpenSSL would otherwise keep explicit parameters if given them.

use std::path::Path;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::error::ErrorStack;
use openssl::nid::Nid;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private, Public};
use openssl::rsa::{Rsa, RsaPrivateKeyBuilder};
use openssl::x509::X509;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::error::{KeyError, ssl_reason};
use super::{Curve, Key, KeyType, Material, OkpCurve};

/// base64url as JOSE writes it; padding tolerated because some tools add it.
pub(crate) const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64, padding optional on input.
pub(crate) const B64STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How a secret is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the text itself.
    Utf8,
    /// Standard base64 (RFC 4648 section 4), padding optional.
    Base64,
    /// base64url (RFC 4648 section 5), padding optional.
    Base64url,
    /// Hexadecimal, either case.
    Hex,
}

impl SecretEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretEncoding::Utf8 => "utf8",
            SecretEncoding::Base64 => "base64",
            SecretEncoding::Base64url => "base64url",
            SecretEncoding::Hex => "hex",
        }
    }
}

/// Decode a secret written in `encoding`.
///
/// Errors say where the value stopped decoding but never quote it.
pub fn parse_secret(value: &str, encoding: SecretEncoding) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let bytes = match encoding {
        SecretEncoding::Utf8 => Zeroizing::new(value.as_bytes().to_vec()),
        SecretEncoding::Base64 => decode_b64(value, &B64STD, "base64")?,
        SecretEncoding::Base64url => decode_b64(value, &B64URL, "base64url")?,
        SecretEncoding::Hex => decode_hex(value)?,
    };
    if bytes.is_empty() {
        return Err(KeyError::Secret {
            reason: "the secret is empty".to_string(),
        });
    }
    Ok(bytes)
}

fn decode_b64(
    value: &str,
    engine: &GeneralPurpose,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use base64::DecodeError as D;
    engine
        .decode(value.trim())
        .map(Zeroizing::new)
        .map_err(|err| {
            let mut reason = match err {
                D::InvalidByte(offset, _) => {
                    format!("invalid {what}: character at offset {offset} is not in the alphabet")
                }
                D::InvalidLength(len) => {
                    format!("invalid {what}: {len} symbols cannot be whole bytes")
                }
                D::InvalidLastSymbol(offset, _) => {
                    format!(
                        "invalid {what}: the last symbol (offset {offset}) has trailing bits set"
                    )
                }
                D::InvalidPadding => format!("invalid {what}: bad padding"),
            };
            // The two alphabets differ in two characters; say which one the value looks like.
            if what == "base64" && value.contains(['-', '_']) {
                reason.push_str(" (it contains '-' or '_': try --encoding base64url)");
            } else if what == "base64url" && value.contains(['+', '/']) {
                reason.push_str(" (it contains '+' or '/': try --encoding base64)");
            }
            KeyError::Secret { reason }
        })
}

fn decode_hex(value: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let digits = value.trim().as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(KeyError::Secret {
            reason: format!("invalid hex: odd number of digits ({})", digits.len()),
        });
    }
    let nibble = |offset: usize| {
        (digits[offset] as char)
            .to_digit(16)
            .ok_or_else(|| KeyError::Secret {
                reason: format!("invalid hex: character at offset {offset} is not a hex digit"),
            })
    };
    let mut out = Zeroizing::new(Vec::with_capacity(digits.len() / 2));
    for i in (0..digits.len()).step_by(2) {
        out.push((nibble(i)? * 16 + nibble(i + 1)?) as u8);
    }
    Ok(out)
}

/// A warning about where a secret argument came from: a value written on the command line
/// (every user sees it in the process list), or an `@FILE` that its group or others can read
/// (a shared secret should be `chmod 600`).
pub fn secret_file_warning(arg: &str) -> Option<String> {
    if arg.starts_with("@@") || (arg != "-" && !arg.starts_with('@')) {
        return Some(
            "a secret written on the command line is visible to every user of this machine in the process list: pass it as --secret @FILE, on standard input with --secret -, or store it once with `tokenscope keys add`".to_string(),
        );
    }
    let path = arg.strip_prefix('@')?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
            (true, true) => "its group and by others",
            (true, false) => "its group",
            (false, true) => "others",
            (false, false) => return None,
        };
        Some(format!(
            "the secret file '{path}' is readable by {who} (mode {mode:03o}): restrict it with `chmod 600 {path}`"
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Read the raw text of a secret argument: the value itself, `@FILE` for a file's bytes,
/// `-` for stdin, or `@@...` for a literal value that starts with `@`.
///
/// Exactly one trailing newline (`\n` or `\r\n`) of a file or stdin is dropped, because
/// `echo secret > file` adds one that is not part of the secret.
pub(crate) fn read_secret_raw(arg: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut bytes = if arg == "-" {
        let mut buf = Zeroizing::new(Vec::new());
        crate::limits::read_capped_into(std::io::stdin(), crate::limits::SECRET_FILE, &mut buf)
            .map_err(|e| KeyError::io("<stdin>", "read the secret from", e))?;
        buf
    } else if let Some(literal) = arg.strip_prefix("@@") {
        return Ok(Zeroizing::new(format!("@{literal}").into_bytes()));
    } else if let Some(path) = arg.strip_prefix('@') {
        let mut buf = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .and_then(|f| crate::limits::read_capped_into(f, crate::limits::SECRET_FILE, &mut buf))
            .map_err(|e| KeyError::io(path, "read the secret file", e))?;
        buf
    } else {
        return Ok(Zeroizing::new(arg.as_bytes().to_vec()));
    };
    let keep = if bytes.ends_with(b"\r\n") {
        bytes.len() - 2
    } else if bytes.ends_with(b"\n") {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    bytes.truncate(keep);
    Ok(bytes)
}

/// Decode a `--secret` argument: the value, `@FILE` (the file's bytes, one trailing newline
/// ignored), `-` (stdin, likewise) or `@@VALUE` (the literal `@VALUE`), written in `encoding`.
///
/// With `utf8` a file's bytes are taken as they are, even when they are not UTF-8.
pub fn read_secret_arg(
    arg: &str,
    encoding: SecretEncoding,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let raw = read_secret_raw(arg)?;
    if encoding == SecretEncoding::Utf8 {
        if raw.is_empty() {
            return Err(KeyError::Secret {
                reason: "the secret is empty".to_string(),
            });
        }
        return Ok(raw);
    }
    let text = std::str::from_utf8(&raw).map_err(|_| KeyError::Secret {
        reason: format!(
            "a {} secret must be text, the input is binary",
            encoding.as_str()
        ),
    })?;
    parse_secret(text, encoding)
}

/// A `Key` holding a shared secret (HMAC, `dir`, AES key wrap or PBES2 password). Bytes
/// that parse as a public or private key are kept but marked, and never used
/// ([`secret_as_key`]).
pub fn secret_key(name: &str, secret: Zeroizing<Vec<u8>>) -> Key {
    let not_a_secret = secret_as_key(&secret);
    Key {
        name: name.to_string(),
        kid: None,
        profile: None,
        algs: Vec::new(),
        key_type: KeyType::Secret,
        material: Material::Secret(secret),
        from_jwks: false,
        pkcs1: false,
        usage: Default::default(),
        not_a_secret,
        cache: Default::default(),
    }
}

/// What `bytes` given as a secret really are when they are key material: PEM armour, DER
/// that parses as a key, or a JWK with `kty` RSA, EC or OKP (RULES.md section 2, Keys: such
/// material is never an HMAC secret). None for an ordinary secret.
pub fn secret_as_key(bytes: &[u8]) -> Option<String> {
    let text = bytes.trim_ascii();
    if contains(text, b"-----BEGIN ") {
        let label = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.split("-----BEGIN ").nth(1))
            .and_then(|rest| rest.split("-----").next())
            .filter(|l| l.len() <= 40 && l.bytes().all(|b| b.is_ascii_uppercase() || b == b' '))
            .unwrap_or("PEM");
        return Some(format!("a PEM block ('{label}')"));
    }
    if text.starts_with(b"{") || text.first() == Some(&0x30) {
        let keys = parse_key_bytes("secret", text).ok()?;
        let key = keys.iter().find(|k| k.key_type != KeyType::Secret)?;
        let form = if text.starts_with(b"{") { "JWK" } else { "DER" };
        return Some(format!(
            "{} {} key ({form})",
            match key.key_type {
                KeyType::Rsa { bits } => format!("an RSA-{bits}"),
                KeyType::Ec(c) => format!("an EC {}", curve_jwk_name(c)),
                KeyType::Okp(c) => format!("an {}", okp_jwk_name(c)),
                KeyType::Secret => String::from("a"),
            },
            key.material.visibility()
        ));
    }
    None
}

/// Read a key file: see `parse_key_bytes`.
pub fn read_key_file(path: &Path) -> Result<Vec<Key>, KeyError> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|f| crate::limits::read_capped_into(f, crate::limits::KEY_FILE, &mut bytes))
        .map_err(|e| KeyError::io(path, "read the key file", e))?;
    parse_key_bytes(&path.display().to_string(), &bytes)
}

/// Parse key material of any supported format into usable keys.
///
/// The format is detected from the content:
/// - PEM: `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1, `pkcs1` set), `PRIVATE KEY`
///   (PKCS#8), `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1), `CERTIFICATE` (its public
///   key). A file may hold several blocks; blocks that are not keys (`EC PARAMETERS`...) are
///   skipped. With several keys they are named `name#0`, `name#1`...
/// - DER: PKCS#8, SPKI, PKCS#1 private or public, SEC1, or an X.509 certificate.
/// - A JWK (`kty` RSA, EC incl. secp256k1, OKP Ed25519/Ed448/X25519/X448, oct): private
///   members make a private key, `oct` a secret; its `kid` and `alg` are kept.
/// - A JWKS (`{"keys": [...]}`): one key per member, `from_jwks` set, named `name#kid` or
///   `name#index` (0-based) when the member has no `kid`. Strict: one bad member fails it
///   all; `parse_key_bytes_lenient` skips it with a warning instead.
pub fn parse_key_bytes(name: &str, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
    let (keys, skipped) = parse_inner(name, bytes, true)?;
    debug_assert!(skipped.is_empty());
    Ok(keys)
}

/// Like `parse_key_bytes`, but a JWKS member that cannot be used (unknown `kty`, a broken
/// member) is skipped with a warning, as long as one member is usable: a JWKS endpoint
/// publishing one key tokenscope cannot read should not hide the others.
pub fn parse_key_bytes_lenient(
    name: &str,
    bytes: &[u8],
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    parse_inner(name, bytes, false)
}

fn parse_inner(
    name: &str,
    bytes: &[u8],
    strict: bool,
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    let text_start = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let trimmed = text_start.trim_ascii_start();
    if trimmed.is_empty() {
        return Err(KeyError::Unrecognised {
            name: name.to_string(),
            reason: "the key is empty".to_string(),
        });
    }
    if trimmed.starts_with(b"{") {
        return parse_json(name, trimmed, strict);
    }
    if contains(trimmed, b"-----BEGIN ") {
        return parse_pem(name, trimmed).map(|k| (k, Vec::new()));
    }
    if bytes.first() == Some(&0x30) {
        return parse_der(name, bytes).map(|k| (vec![k], Vec::new()));
    }
    let reason = if std::str::from_utf8(trimmed).is_ok() {
        "text that is neither PEM (no '-----BEGIN' line) nor JSON"
    } else {
        "binary data that is not DER (no ASN.1 SEQUENCE at the start)"
    };
    Err(KeyError::Unrecognised {
        name: name.to_string(),
        reason: reason.to_string(),
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------------------
// PEM and DER

fn parse_pem(name: &str, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
    let blocks = pem::parse_many(bytes).map_err(|e| {
        KeyError::invalid(
            name,
            "PEM",
            format!(
                "{} (check the BEGIN/END lines and the base64 between them)",
                e.to_string().to_lowercase()
            ),
        )
    })?;
    if blocks.is_empty() {
        return Err(KeyError::invalid(
            name,
            "PEM",
            "no complete BEGIN/END block",
        ));
    }
    let mut found: Vec<(KeyType, Material, bool)> = Vec::new();
    let mut skipped = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        let tag = block.tag();
        let der = Zeroizing::new(block.contents().to_vec());
        let format = format!("PEM block {} ({tag})", index + 1);
        let proc_encrypted = block
            .headers()
            .get("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        if tag == "ENCRYPTED PRIVATE KEY" || proc_encrypted {
            return Err(KeyError::Unsupported {
                name: name.to_string(),
                what: format!("{format}: a passphrase-protected private key"),
                hint: "decrypt it first: openssl pkey -in KEY.pem -out plain.pem".to_string(),
            });
        }
        let parsed = match tag {
            "PUBLIC KEY" => from_spki(&der).map(|(t, m)| (t, m, false)),
            "RSA PUBLIC KEY" => from_pkcs1_public(&der).map(|(t, m)| (t, m, true)),
            "PRIVATE KEY" => from_pkcs8(&der).map(|(t, m)| (t, m, false)),
            "RSA PRIVATE KEY" => from_pkcs1_private(&der).map(|(t, m)| (t, m, true)),
            "EC PRIVATE KEY" => from_sec1(&der).map(|(t, m)| (t, m, false)),
            "CERTIFICATE" | "TRUSTED CERTIFICATE" | "X509 CERTIFICATE" => {
                from_certificate(&der).map(|(t, m)| (t, m, false))
            }
            _ => {
                skipped.push(tag.to_string());
                continue;
            }
        };
        let (key_type, material, pkcs1) =
            parsed.map_err(|reason| KeyError::invalid(name, &format, reason))?;
        found.push((key_type, material, pkcs1));
    }
    if found.is_empty() {
        return Err(KeyError::Unrecognised {
            name: name.to_string(),
            reason: format!(
                "PEM without a key (blocks found: {}; keys are PUBLIC KEY, RSA PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or CERTIFICATE)",
                skipped.join(", ")
            ),
        });
    }
    let several = found.len() > 1;
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(i, (key_type, material, pkcs1))| Key {
            name: if several {
                format!("{name}#{i}")
            } else {
                name.to_string()
            },
            kid: None,
            profile: None,
            algs: Vec::new(),
            key_type,
            material,
            from_jwks: false,
            pkcs1,
            usage: Default::default(),
            not_a_secret: None,
            cache: Default::default(),
        })
        .collect())
}

/// A key type and normalised material, or why not.
type Parsed = Result<(KeyType, Material), String>;
type DerParser = fn(&[u8]) -> Parsed;

fn parse_der(name: &str, der: &[u8]) -> Result<Key, KeyError> {
    // Order matters only for speed: the ASN.1 shapes do not overlap.
    let attempts: [(DerParser, bool); 6] = [
        (from_pkcs8, false),
        (from_spki, false),
        (from_pkcs1_private, true),
        (from_pkcs1_public, true),
        (from_sec1, false),
        (from_certificate, false),
    ];
    let mut unsupported = None;
    for (parse, pkcs1) in attempts {
        match parse(der) {
            Ok((key_type, material)) => {
                return Ok(Key {
                    name: name.to_string(),
                    kid: None,
                    profile: None,
                    algs: Vec::new(),
                    key_type,
                    material,
                    from_jwks: false,
                    pkcs1,
                    usage: Default::default(),
                    not_a_secret: None,
                    cache: Default::default(),
                });
            }
            // A structure that parsed but holds a key type tokenscope cannot use: say so
            // rather than "unrecognised".
            Err(reason) if reason.starts_with("unsupported") => unsupported = Some(reason),
            Err(_) => {}
        }
    }
    Err(match unsupported {
        Some(reason) => KeyError::invalid(name, "DER", reason),
        None => KeyError::Unrecognised {
            name: name.to_string(),
            reason: "DER that is none of PKCS#8, SPKI, PKCS#1, SEC1 or an X.509 certificate"
                .to_string(),
        },
    })
}

fn from_spki(der: &[u8]) -> Result<(KeyType, Material), String> {
    if let Some(found) = typed_spki(der) {
        return Ok(found);
    }
    let pkey = PKey::public_key_from_der(der)
        .map_err(|e| format!("not a valid SubjectPublicKeyInfo ({})", ssl_reason(&e)))?;
    public_material(&pkey)
}

/// The fast path for the common keys: an SPKI that OpenSSL's RSA or EC readers parse and
/// that is already what [`public_material`] would write (an rsaEncryption key, or an EC key
/// on its named curve with an uncompressed point, in DER). Those readers skip
/// OpenSSL 3's decoder lookup, which costs more than the rest of a one-shot inspection, and
/// keeping the bytes skips its encoder. Anything else (an RSA-PSS key, BER, another type)
/// goes through the generic reader, which classifies and explains it.
fn typed_spki(der: &[u8]) -> Option<(KeyType, Material)> {
    let key_type = if let Ok(rsa) = Rsa::public_key_from_der(der) {
        (rsa.public_key_to_der().ok()? == der).then_some(())?;
        KeyType::Rsa {
            bits: u32::try_from(rsa.n().num_bits()).ok()?,
        }
    } else {
        let ec = EcKey::public_key_from_der(der).ok()?;
        let curve = curve_of_nid(ec.group().curve_name()).ok()?;
        (named_ec_spki(curve, ec.public_key()).ok()? == der).then_some(())?;
        KeyType::Ec(curve)
    };
    Some((
        key_type,
        Material::Public {
            spki_der: der.to_vec(),
        },
    ))
}

/// An OpenSSL public key from an SPKI of a known type, through the typed reader for RSA and
/// EC keys (see [`typed_spki`]: the SPKI a `Key` holds is one that reader writes).
pub(crate) fn spki_pkey(key_type: KeyType, spki_der: &[u8]) -> Result<PKey<Public>, ErrorStack> {
    match key_type {
        KeyType::Rsa { .. } => Rsa::public_key_from_der(spki_der).and_then(PKey::from_rsa),
        KeyType::Ec(_) => EcKey::public_key_from_der(spki_der).and_then(PKey::from_ec_key),
        _ => PKey::public_key_from_der(spki_der),
    }
}

fn from_pkcs1_public(der: &[u8]) -> Result<(KeyType, Material), String> {
    let rsa = Rsa::public_key_from_der_pkcs1(der)
        .map_err(|e| format!("not a valid PKCS#1 RSAPublicKey ({})", ssl_reason(&e)))?;
    let pkey = PKey::from_rsa(rsa).map_err(|e| ssl_reason(&e))?;
    public_material(&pkey)
}

fn from_pkcs8(der: &[u8]) -> Result<(KeyType, Material), String> {
    let pkey = pkcs8_pkey(der)
        .map_err(|e| format!("not a valid PKCS#8 PrivateKeyInfo ({})", ssl_reason(&e)))?;
    private_material_from(pkey, Some(der))
}

/// rsaEncryption (RFC 8017 appendix A.1).
const RSA_ENCRYPTION: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// An OpenSSL private key from PKCS#8 DER. An RSA key (the form `keys gen` stores and
/// `openssl genpkey` writes) takes the fast path: the pkcs8 crate reads the envelope, and
/// OpenSSL's PKCS#1 reader the key inside, skipping OpenSSL 3's decoder lookup, which costs
/// more than the rest of a one-shot inspection. Anything else, or anything the pkcs8 crate
/// does not read as strict DER, goes through OpenSSL's generic reader, as before.
pub(crate) fn pkcs8_pkey(der: &[u8]) -> Result<PKey<Private>, ErrorStack> {
    let typed = pkcs8::PrivateKeyInfo::try_from(der)
        .ok()
        .filter(|info| info.algorithm.oid == RSA_ENCRYPTION)
        .and_then(|info| Rsa::private_key_from_der(info.private_key).ok())
        .and_then(|rsa| PKey::from_rsa(rsa).ok());
    match typed {
        Some(pkey) => Ok(pkey),
        None => PKey::private_key_from_pkcs8(der),
    }
}

fn from_pkcs1_private(der: &[u8]) -> Result<(KeyType, Material), String> {
    let rsa = Rsa::private_key_from_der(der)
        .map_err(|e| format!("not a valid PKCS#1 RSAPrivateKey ({})", ssl_reason(&e)))?;
    let pkey = PKey::from_rsa(rsa).map_err(|e| ssl_reason(&e))?;
    private_material(pkey)
}

fn from_sec1(der: &[u8]) -> Result<(KeyType, Material), String> {
    let ec = EcKey::private_key_from_der(der)
        .map_err(|e| format!("not a valid SEC1 ECPrivateKey ({})", ssl_reason(&e)))?;
    let pkey = PKey::from_ec_key(ec).map_err(|e| ssl_reason(&e))?;
    private_material(pkey)
}

fn from_certificate(der: &[u8]) -> Result<(KeyType, Material), String> {
    let cert = X509::from_der(der)
        .map_err(|e| format!("not a valid X.509 certificate ({})", ssl_reason(&e)))?;
    let pkey = cert.public_key().map_err(|e| {
        format!(
            "the certificate's public key cannot be read ({})",
            ssl_reason(&e)
        )
    })?;
    public_material(&pkey)
}

/// What kind of key an OpenSSL key is, refusing the kinds JOSE has no use for.
fn classify<T: HasPublic>(pkey: &PKeyRef<T>) -> Result<KeyType, String> {
    match pkey.id() {
        Id::RSA => Ok(KeyType::Rsa { bits: pkey.bits() }),
        Id::EC => {
            let ec = pkey.ec_key().map_err(|e| ssl_reason(&e))?;
            curve_of_nid(ec.group().curve_name()).map(KeyType::Ec)
        }
        Id::ED25519 => Ok(KeyType::Okp(OkpCurve::Ed25519)),
        Id::ED448 => Ok(KeyType::Okp(OkpCurve::Ed448)),
        Id::X25519 => Ok(KeyType::Okp(OkpCurve::X25519)),
        Id::X448 => Ok(KeyType::Okp(OkpCurve::X448)),
        Id::RSA_PSS => Err("unsupported key: an RSA-PSS restricted key (OID rsassaPss); JOSE wants a plain rsaEncryption key".to_string()),
        Id::DSA => Err("unsupported key: DSA has no JOSE algorithm".to_string()),
        Id::DH | Id::DHX => Err("unsupported key: Diffie-Hellman has no JOSE algorithm".to_string()),
        other => Err(format!("unsupported key: OpenSSL key type {}", other.as_raw())),
    }
}

fn curve_of_nid(nid: Option<Nid>) -> Result<Curve, String> {
    match nid {
        Some(Nid::X9_62_PRIME256V1) => Ok(Curve::P256),
        Some(Nid::SECP384R1) => Ok(Curve::P384),
        Some(Nid::SECP521R1) => Ok(Curve::P521),
        Some(Nid::SECP256K1) => Ok(Curve::Secp256k1),
        Some(nid) => Err(format!(
            "unsupported key: EC curve {} (JOSE uses P-256, P-384, P-521 and secp256k1)",
            nid.short_name().unwrap_or("?")
        )),
        None => Err("unsupported key: EC key with explicit curve parameters (re-export it with a named curve: openssl ec -param_enc named_curve)".to_string()),
    }
}

pub(crate) fn nid_of_curve(curve: Curve) -> Nid {
    match curve {
        Curve::P256 => Nid::X9_62_PRIME256V1,
        Curve::P384 => Nid::SECP384R1,
        Curve::P521 => Nid::SECP521R1,
        Curve::Secp256k1 => Nid::SECP256K1,
    }
}

pub(crate) fn okp_id(curve: OkpCurve) -> Id {
    match curve {
        OkpCurve::Ed25519 => Id::ED25519,
        OkpCurve::Ed448 => Id::ED448,
        OkpCurve::X25519 => Id::X25519,
        OkpCurve::X448 => Id::X448,
    }
}

fn named_group(curve: Curve) -> Result<EcGroup, String> {
    EcGroup::from_curve_name(nid_of_curve(curve)).map_err(|e| ssl_reason(&e))
}

/// The SPKI tokenscope stores for an EC public point: on its named curve, uncompressed.
fn named_ec_spki(curve: Curve, point: &openssl::ec::EcPointRef) -> Result<Vec<u8>, String> {
    let group = named_group(curve)?;
    EcKey::from_public_key(&group, point)
        .and_then(|named| named.public_key_to_der())
        .map_err(|e| ssl_reason(&e))
}

/// The SPKI of a public key, with EC keys re-encoded on their named curve.
fn public_material<T: HasPublic>(pkey: &PKeyRef<T>) -> Result<(KeyType, Material), String> {
    let key_type = classify(pkey)?;
    let spki_der = match key_type {
        KeyType::Ec(curve) => {
            let ec = pkey.ec_key().map_err(|e| ssl_reason(&e))?;
            named_ec_spki(curve, ec.public_key())?
        }
        _ => pkey.public_key_to_der().map_err(|e| ssl_reason(&e))?,
    };
    Ok((key_type, Material::Public { spki_der }))
}

/// PKCS#8 and SPKI of a private key, with EC keys re-encoded on their named curve.
fn private_material(pkey: PKey<Private>) -> Result<(KeyType, Material), String> {
    private_material_from(pkey, None)
}

/// [`private_material`] of a key read from `pkcs8`: an RSA key keeps those bytes, and its SPKI
/// is written by OpenSSL's RSA writer, so that neither goes through OpenSSL 3's encoder lookup
/// (which costs more than the rest of a one-shot inspection).
fn private_material_from(
    pkey: PKey<Private>,
    pkcs8: Option<&[u8]>,
) -> Result<(KeyType, Material), String> {
    let key_type = classify(&pkey)?;
    if let (KeyType::Rsa { .. }, Some(pkcs8)) = (key_type, pkcs8) {
        // OpenSSL's RSA writer writes the public half only.
        let spki_der = pkey
            .rsa()
            .and_then(|rsa| rsa.public_key_to_der())
            .map_err(|e| ssl_reason(&e))?;
        return Ok((
            key_type,
            Material::Private {
                pkcs8_der: Zeroizing::new(pkcs8.to_vec()),
                spki_der,
            },
        ));
    }
    let pkey = match key_type {
        KeyType::Ec(curve) => {
            let ec = pkey.ec_key().map_err(|e| ssl_reason(&e))?;
            let group = named_group(curve)?;
            let named = EcKey::from_private_components(&group, ec.private_key(), ec.public_key())
                .map_err(|e| ssl_reason(&e))?;
            PKey::from_ec_key(named).map_err(|e| ssl_reason(&e))?
        }
        _ => pkey,
    };
    let pkcs8_der = Zeroizing::new(pkey.private_key_to_pkcs8().map_err(|e| ssl_reason(&e))?);
    let spki_der = pkey.public_key_to_der().map_err(|e| ssl_reason(&e))?;
    Ok((
        key_type,
        Material::Private {
            pkcs8_der,
            spki_der,
        },
    ))
}

/// An OpenSSL public key from a `Key`'s SPKI (public or private key alike).
pub(crate) fn public_pkey(key: &Key) -> Result<PKey<Public>, KeyError> {
    let spki = match &key.material {
        Material::Public { spki_der } | Material::Private { spki_der, .. } => spki_der,
        Material::Secret(_) => {
            return Err(KeyError::NoPublicHalf {
                name: key.name.clone(),
            });
        }
    };
    spki_pkey(key.key_type, spki).map_err(|e| KeyError::invalid(&key.name, "SPKI", ssl_reason(&e)))
}

// ---------------------------------------------------------------------------------------
// JWK and JWKS

fn parse_json(name: &str, bytes: &[u8], strict: bool) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    // Parsed into a Value, never into typed structs: serde's type errors quote the value,
    // which could be a private member.
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        KeyError::invalid(
            name,
            "JSON",
            format!(
                "{} at line {}, column {}",
                json_error_kind(&e),
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Object(obj) = value else {
        return Err(KeyError::invalid(
            name,
            "JSON",
            "expected an object (a JWK or a JWKS)",
        ));
    };
    if let Some(keys) = obj.get("keys") {
        let Value::Array(members) = keys else {
            return Err(KeyError::invalid(name, "JWKS", "'keys' must be an array"));
        };
        return parse_jwks_members(name, members, strict);
    }
    if obj.contains_key("kty") {
        return parse_jwk(name, &obj).map(|k| (vec![k], Vec::new()));
    }
    Err(KeyError::Unrecognised {
        name: name.to_string(),
        reason: "JSON that is neither a JWK (no 'kty') nor a JWKS (no 'keys' array)".to_string(),
    })
}

fn json_error_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of JSON",
        serde_json::error::Category::Syntax => "invalid JSON syntax",
        serde_json::error::Category::Data => "invalid JSON data",
        serde_json::error::Category::Io => "cannot read JSON",
    }
}

fn parse_jwks_members(
    name: &str,
    members: &[Value],
    strict: bool,
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    if members.is_empty() {
        return Err(KeyError::invalid(name, "JWKS", "'keys' is empty"));
    }
    let mut keys = Vec::new();
    let mut warnings = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let kid = member.get("kid").and_then(Value::as_str);
        let member_name = match kid {
            Some(kid) => format!("{name}#{kid}"),
            None => format!("{name}#{index}"),
        };
        let parsed = match member {
            Value::Object(obj) => parse_jwk(&member_name, obj),
            _ => Err(KeyError::invalid(
                &member_name,
                "JWKS",
                format!("member {index} is not an object"),
            )),
        };
        match parsed {
            Ok(mut key) => {
                key.from_jwks = true;
                keys.push(key);
            }
            Err(err) if strict => return Err(err),
            Err(err) => warnings.push(format!("skipped JWKS member {index}: {err}")),
        }
    }
    if keys.is_empty() {
        return Err(KeyError::invalid(
            name,
            "JWKS",
            format!(
                "no usable key among its {} members ({})",
                members.len(),
                warnings.join("; ")
            ),
        ));
    }
    Ok((keys, warnings))
}

/// One JWK member, base64url-decoded, with errors naming the member but not its value.
fn b64_member(
    name: &str,
    jwk: &Map<String, Value>,
    member: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
    match jwk.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => B64URL
            .decode(s.as_bytes())
            .map(|v| Some(Zeroizing::new(v)))
            .map_err(|_| {
                KeyError::invalid(
                    name,
                    "JWK",
                    format!("member '{member}' is not valid base64url"),
                )
            }),
        Some(_) => Err(KeyError::invalid(
            name,
            "JWK",
            format!("member '{member}' must be a string"),
        )),
    }
}

fn required(
    name: &str,
    jwk: &Map<String, Value>,
    member: &str,
    kty: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    b64_member(name, jwk, member)?.ok_or_else(|| {
        KeyError::invalid(name, "JWK", format!("kty '{kty}' needs member '{member}'"))
    })
}

fn bn(bytes: &[u8]) -> Result<BigNum, String> {
    BigNum::from_slice(bytes).map_err(|e| ssl_reason(&e))
}

/// Parse one JWK object (RFC 7517, RFC 7518 section 6, RFC 8037).
fn parse_jwk(name: &str, jwk: &Map<String, Value>) -> Result<Key, KeyError> {
    let kty = match jwk.get("kty") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(KeyError::invalid(name, "JWK", "'kty' must be a string")),
        None => return Err(KeyError::invalid(name, "JWK", "member 'kty' is missing")),
    };
    let kid = match jwk.get("kid") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(KeyError::invalid(name, "JWK", "'kid' must be a string")),
    };
    let algs = match jwk.get("alg") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(_) => return Err(KeyError::invalid(name, "JWK", "'alg' must be a string")),
    };
    let bad = |reason: String| KeyError::invalid(name, &format!("JWK (kty {kty})"), reason);
    let (key_type, material) = match kty {
        "oct" => {
            let k = required(name, jwk, "k", kty)?;
            if k.is_empty() {
                return Err(bad("member 'k' is empty".to_string()));
            }
            (KeyType::Secret, Material::Secret(k))
        }
        "RSA" => {
            if jwk.contains_key("oth") {
                return Err(KeyError::Unsupported {
                    name: name.to_string(),
                    what: "a multi-prime RSA JWK ('oth')".to_string(),
                    hint: "OpenSSL-backed JOSE libraries take two-prime keys".to_string(),
                });
            }
            let n = required(name, jwk, "n", kty)?;
            let e = required(name, jwk, "e", kty)?;
            let n = bn(&n).map_err(&bad)?;
            let e = bn(&e).map_err(&bad)?;
            match b64_member(name, jwk, "d")? {
                None => {
                    let rsa =
                        Rsa::from_public_components(n, e).map_err(|err| bad(ssl_reason(&err)))?;
                    let pkey = PKey::from_rsa(rsa).map_err(|err| bad(ssl_reason(&err)))?;
                    public_material(&pkey).map_err(&bad)?
                }
                Some(d) => {
                    let d = bn(&d).map_err(&bad)?;
                    let crt = ["p", "q", "dp", "dq", "qi"]
                        .iter()
                        .map(|m| b64_member(name, jwk, m))
                        .collect::<Result<Vec<_>, _>>()?;
                    let rsa = if crt.iter().all(Option::is_some) {
                        let mut it = crt.into_iter().flatten();
                        let mut next = || -> Result<BigNum, KeyError> {
                            let v = it
                                .next()
                                .ok_or_else(|| bad("missing CRT member".to_string()))?;
                            bn(&v).map_err(&bad)
                        };
                        let (p, q, dp, dq, qi) = (next()?, next()?, next()?, next()?, next()?);
                        Rsa::from_private_components(n, e, d, p, q, dp, dq, qi)
                    } else if crt.iter().all(Option::is_none) {
                        RsaPrivateKeyBuilder::new(n, e, d).map(|b| b.build())
                    } else {
                        return Err(bad(
                            "private members must be all of 'p', 'q', 'dp', 'dq', 'qi' or none"
                                .to_string(),
                        ));
                    }
                    .map_err(|err| bad(ssl_reason(&err)))?;
                    let pkey = PKey::from_rsa(rsa).map_err(|err| bad(ssl_reason(&err)))?;
                    private_material(pkey).map_err(&bad)?
                }
            }
        }
        "EC" => {
            let crv = jwk
                .get("crv")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("member 'crv' is missing or not a string".to_string()))?;
            let curve = match crv {
                "P-256" => Curve::P256,
                "P-384" => Curve::P384,
                "P-521" => Curve::P521,
                "secp256k1" => Curve::Secp256k1,
                other => {
                    return Err(KeyError::Unsupported {
                        name: name.to_string(),
                        what: format!("EC curve '{other}'"),
                        hint: "JOSE EC curves are P-256, P-384, P-521 and secp256k1".to_string(),
                    });
                }
            };
            let size = curve_bytes(curve);
            let x = required(name, jwk, "x", kty)?;
            let y = required(name, jwk, "y", kty)?;
            for (member, v) in [("x", &x), ("y", &y)] {
                if v.len() != size {
                    return Err(bad(format!(
                        "member '{member}' is {} bytes, {crv} needs {size}",
                        v.len()
                    )));
                }
            }
            let group = named_group(curve).map_err(&bad)?;
            let mut ctx = BigNumContext::new().map_err(|err| bad(ssl_reason(&err)))?;
            let mut point = EcPoint::new(&group).map_err(|err| bad(ssl_reason(&err)))?;
            let (bx, by) = (bn(&x).map_err(&bad)?, bn(&y).map_err(&bad)?);
            point
                .set_affine_coordinates_gfp(&group, &bx, &by, &mut ctx)
                .map_err(|_| bad(format!("'x' and 'y' are not a point on {crv}")))?;
            match b64_member(name, jwk, "d")? {
                None => {
                    let ec = EcKey::from_public_key(&group, &point)
                        .map_err(|err| bad(ssl_reason(&err)))?;
                    ec.check_key().map_err(|_| {
                        bad(format!("'x' and 'y' are not a valid {crv} public key"))
                    })?;
                    let pkey = PKey::from_ec_key(ec).map_err(|err| bad(ssl_reason(&err)))?;
                    public_material(&pkey).map_err(&bad)?
                }
                Some(d) => {
                    if d.len() > size {
                        return Err(bad(format!(
                            "member 'd' is {} bytes, {crv} needs {size}",
                            d.len()
                        )));
                    }
                    let d = bn(&d).map_err(&bad)?;
                    let ec = EcKey::from_private_components(&group, &d, &point)
                        .map_err(|err| bad(ssl_reason(&err)))?;
                    // check_key proves d*G equals (x, y): a JWK whose halves do not belong
                    // together would otherwise verify with one key and sign with another.
                    ec.check_key()
                        .map_err(|_| bad("'d' does not match 'x' and 'y'".to_string()))?;
                    let pkey = PKey::from_ec_key(ec).map_err(|err| bad(ssl_reason(&err)))?;
                    private_material(pkey).map_err(&bad)?
                }
            }
        }
        "OKP" => {
            let crv = jwk
                .get("crv")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("member 'crv' is missing or not a string".to_string()))?;
            let curve = match crv {
                "Ed25519" => OkpCurve::Ed25519,
                "Ed448" => OkpCurve::Ed448,
                "X25519" => OkpCurve::X25519,
                "X448" => OkpCurve::X448,
                other => {
                    return Err(KeyError::Unsupported {
                        name: name.to_string(),
                        what: format!("OKP curve '{other}'"),
                        hint: "RFC 8037 curves are Ed25519, Ed448, X25519 and X448".to_string(),
                    });
                }
            };
            let x = required(name, jwk, "x", kty)?;
            let id = okp_id(curve);
            match b64_member(name, jwk, "d")? {
                None => {
                    let pkey = PKey::public_key_from_raw_bytes(&x, id).map_err(|_| {
                        bad(format!("'x' is not a {crv} public key ({} bytes)", x.len()))
                    })?;
                    public_material(&pkey).map_err(&bad)?
                }
                Some(d) => {
                    let pkey = PKey::private_key_from_raw_bytes(&d, id).map_err(|_| {
                        bad(format!(
                            "'d' is not a {crv} private key ({} bytes)",
                            d.len()
                        ))
                    })?;
                    let derived = pkey.raw_public_key().map_err(|err| bad(ssl_reason(&err)))?;
                    if derived.as_slice() != x.as_slice() {
                        return Err(bad("'x' does not match the private key 'd'".to_string()));
                    }
                    private_material(pkey).map_err(&bad)?
                }
            }
        }
        other => {
            return Err(KeyError::Unsupported {
                name: name.to_string(),
                what: format!("JWK kty '{other}'"),
                hint: "expected RSA, EC, OKP or oct".to_string(),
            });
        }
    };
    let usage = jwk_usage(name, jwk)?;
    Ok(Key {
        name: name.to_string(),
        kid,
        profile: None,
        algs,
        key_type,
        material,
        from_jwks: false,
        pkcs1: false,
        usage,
        not_a_secret: None,
        cache: Default::default(),
    })
}

/// `key_ops` values that sign or verify (RFC 7517 4.3).
const SIGNATURE_OPS: &[&str] = &["sign", "verify"];
/// `key_ops` values that encrypt, decrypt, wrap or derive keys (RFC 7517 4.3).
const ENCRYPTION_OPS: &[&str] = &[
    "encrypt",
    "decrypt",
    "wrapKey",
    "unwrapKey",
    "deriveKey",
    "deriveBits",
];

/// What a JWK's `use` and `key_ops` allow: when both are present, only what both allow. An
/// unknown `use` value allows neither (fail closed).
fn jwk_usage(name: &str, jwk: &Map<String, Value>) -> Result<super::KeyUsage, KeyError> {
    let mut usage = super::KeyUsage::default();
    let mut stated = Vec::new();
    match jwk.get("use") {
        None | Some(Value::Null) => {}
        Some(Value::String(u)) => {
            usage.signatures &= u == "sig";
            usage.encryption &= u == "enc";
            stated.push(format!("use {}", Value::String(u.clone())));
        }
        Some(_) => return Err(KeyError::invalid(name, "JWK", "'use' must be a string")),
    }
    match jwk.get("key_ops") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ops)) => {
            let ops: Vec<&str> = ops
                .iter()
                .map(|op| op.as_str())
                .collect::<Option<_>>()
                .ok_or_else(|| KeyError::invalid(name, "JWK", "'key_ops' must list strings"))?;
            usage.signatures &= ops.iter().any(|op| SIGNATURE_OPS.contains(op));
            usage.encryption &= ops.iter().any(|op| ENCRYPTION_OPS.contains(op));
            stated.push(format!("key_ops {}", serde_json::json!(ops)));
        }
        Some(_) => {
            return Err(KeyError::invalid(
                name,
                "JWK",
                "'key_ops' must be an array of strings",
            ));
        }
    }
    if !stated.is_empty() {
        usage.stated = Some(stated.join(", "));
    }
    Ok(usage)
}

/// Bytes of one EC coordinate (RFC 7518 6.2.1.2: full length, leading zeros kept).
pub(crate) fn curve_bytes(curve: Curve) -> usize {
    match curve {
        Curve::P256 | Curve::Secp256k1 => 32,
        Curve::P384 => 48,
        Curve::P521 => 66,
    }
}

/// JWK `crv` name of an EC curve.
pub(crate) fn curve_jwk_name(curve: Curve) -> &'static str {
    match curve {
        Curve::P256 => "P-256",
        Curve::P384 => "P-384",
        Curve::P521 => "P-521",
        Curve::Secp256k1 => "secp256k1",
    }
}

/// JWK `crv` name of an OKP curve.
pub(crate) fn okp_jwk_name(curve: OkpCurve) -> &'static str {
    match curve {
        OkpCurve::Ed25519 => "Ed25519",
        OkpCurve::Ed448 => "Ed448",
        OkpCurve::X25519 => "X25519",
        OkpCurve::X448 => "X448",
    }
}

#[cfg(test)]
#[path = "material_tests.rs"]
mod tests;
