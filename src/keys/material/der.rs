//! PEM and DER: SPKI, PKCS#1, PKCS#8, SEC1 and certificates, read through OpenSSL and
//! normalised to the DER forms a `Material` holds (SPKI for a public half, PKCS#8 for a private
//! key, EC keys on their named curve). The JWK reader ends in the same normalisation.

use openssl::ec::EcKey;
use openssl::error::ErrorStack;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private, Public};
use openssl::rsa::Rsa;
use openssl::x509::X509;
use zeroize::Zeroizing;

use super::curves::{curve_of_nid, named_group};
use crate::keys::error::{KeyError, ssl_reason};
use crate::keys::{Curve, Key, KeyType, Material, OkpCurve};

pub(super) fn parse_pem(name: &str, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
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

pub(super) fn parse_der(name: &str, der: &[u8]) -> Result<Key, KeyError> {
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

pub(super) fn from_spki(der: &[u8]) -> Result<(KeyType, Material), String> {
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
pub(super) fn typed_spki(der: &[u8]) -> Option<(KeyType, Material)> {
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

pub(super) fn from_pkcs8(der: &[u8]) -> Result<(KeyType, Material), String> {
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

/// The SPKI tokenscope stores for an EC public point: on its named curve, uncompressed.
fn named_ec_spki(curve: Curve, point: &openssl::ec::EcPointRef) -> Result<Vec<u8>, String> {
    let group = named_group(curve)?;
    EcKey::from_public_key(&group, point)
        .and_then(|named| named.public_key_to_der())
        .map_err(|e| ssl_reason(&e))
}

/// The SPKI of a public key, with EC keys re-encoded on their named curve.
pub(super) fn public_material<T: HasPublic>(
    pkey: &PKeyRef<T>,
) -> Result<(KeyType, Material), String> {
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
pub(super) fn private_material(pkey: PKey<Private>) -> Result<(KeyType, Material), String> {
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
