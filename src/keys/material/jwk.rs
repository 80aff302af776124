//! JWK and JWKS (RFC 7517, RFC 7518 section 6, RFC 8037): one function per `kty`, each
//! ending in the normalisation the DER reader uses, and the `use`/`key_ops` restrictions.

use base64::Engine as _;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcKey, EcPoint};
use openssl::pkey::PKey;
use openssl::rsa::{Rsa, RsaPrivateKeyBuilder};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::B64URL;
use super::curves::{curve_bytes, curve_of_jwk_name, named_group, okp_id, okp_of_jwk_name};
use super::der::{private_material, public_material};
use crate::keys::error::{KeyError, ssl_reason};
use crate::keys::{Key, KeyType, Material};

pub(super) fn parse_json(
    name: &str,
    bytes: &[u8],
    strict: bool,
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
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
    let (key_type, material) = match kty {
        "oct" => jwk_oct(name, jwk)?,
        "RSA" => jwk_rsa(name, jwk)?,
        "EC" => jwk_ec(name, jwk)?,
        "OKP" => jwk_okp(name, jwk)?,
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

/// kty oct: a shared secret in `k`.
fn jwk_oct(name: &str, jwk: &Map<String, Value>) -> Result<(KeyType, Material), KeyError> {
    let kty = "oct";
    let bad = invalid_jwk(name, kty);
    let k = required(name, jwk, "k", kty)?;
    if k.is_empty() {
        return Err(bad("member 'k' is empty".to_string()));
    }
    Ok((KeyType::Secret, Material::Secret(k)))
}

/// kty RSA: `n` and `e`, and for a private key `d` with all or none of the CRT members.
fn jwk_rsa(name: &str, jwk: &Map<String, Value>) -> Result<(KeyType, Material), KeyError> {
    let kty = "RSA";
    let bad = invalid_jwk(name, kty);
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
            let rsa = Rsa::from_public_components(n, e).map_err(|err| bad(ssl_reason(&err)))?;
            let pkey = PKey::from_rsa(rsa).map_err(|err| bad(ssl_reason(&err)))?;
            public_material(&pkey).map_err(&bad)
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
                    "private members must be all of 'p', 'q', 'dp', 'dq', 'qi' or none".to_string(),
                ));
            }
            .map_err(|err| bad(ssl_reason(&err)))?;
            let pkey = PKey::from_rsa(rsa).map_err(|err| bad(ssl_reason(&err)))?;
            private_material(pkey).map_err(&bad)
        }
    }
}

/// A JWK's `crv` and the curve it names (`curve_of` reads the name); an unknown curve is
/// unsupported, with `hint` naming those there are.
fn crv_member<'j, C>(
    name: &str,
    jwk: &'j Map<String, Value>,
    kty: &str,
    curve_of: fn(&str) -> Option<C>,
    hint: &str,
) -> Result<(&'j str, C), KeyError> {
    let crv = jwk.get("crv").and_then(Value::as_str).ok_or_else(|| {
        invalid_jwk(name, kty)("member 'crv' is missing or not a string".to_string())
    })?;
    let curve = curve_of(crv).ok_or_else(|| KeyError::Unsupported {
        name: name.to_string(),
        what: format!("{kty} curve '{crv}'"),
        hint: hint.to_string(),
    })?;
    Ok((crv, curve))
}

/// kty EC: a point (`x`, `y`) on a JOSE curve, and `d` for a private key.
fn jwk_ec(name: &str, jwk: &Map<String, Value>) -> Result<(KeyType, Material), KeyError> {
    let kty = "EC";
    let bad = invalid_jwk(name, kty);
    let (crv, curve) = crv_member(
        name,
        jwk,
        kty,
        curve_of_jwk_name,
        "JOSE EC curves are P-256, P-384, P-521 and secp256k1",
    )?;
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
            let ec = EcKey::from_public_key(&group, &point).map_err(|err| bad(ssl_reason(&err)))?;
            ec.check_key()
                .map_err(|_| bad(format!("'x' and 'y' are not a valid {crv} public key")))?;
            let pkey = PKey::from_ec_key(ec).map_err(|err| bad(ssl_reason(&err)))?;
            public_material(&pkey).map_err(&bad)
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
            private_material(pkey).map_err(&bad)
        }
    }
}

/// kty OKP (RFC 8037): the raw public key `x`, and `d` for a private key.
fn jwk_okp(name: &str, jwk: &Map<String, Value>) -> Result<(KeyType, Material), KeyError> {
    let kty = "OKP";
    let bad = invalid_jwk(name, kty);
    let (crv, curve) = crv_member(
        name,
        jwk,
        kty,
        okp_of_jwk_name,
        "RFC 8037 curves are Ed25519, Ed448, X25519 and X448",
    )?;
    let x = required(name, jwk, "x", kty)?;
    let id = okp_id(curve);
    match b64_member(name, jwk, "d")? {
        None => {
            let pkey = PKey::public_key_from_raw_bytes(&x, id)
                .map_err(|_| bad(format!("'x' is not a {crv} public key ({} bytes)", x.len())))?;
            public_material(&pkey).map_err(&bad)
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
            private_material(pkey).map_err(&bad)
        }
    }
}

/// A JWK of `kty` whose members are wrong: names the member, never its value.
fn invalid_jwk<'a>(name: &'a str, kty: &'a str) -> impl Fn(String) -> KeyError + 'a {
    move |reason: String| KeyError::invalid(name, &format!("JWK (kty {kty})"), reason)
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
fn jwk_usage(name: &str, jwk: &Map<String, Value>) -> Result<crate::keys::KeyUsage, KeyError> {
    let mut usage = crate::keys::KeyUsage::default();
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
