//! The curve tables: each EC and OKP curve's JWK `crv` name, coordinate size, OpenSSL NID
//! or key id and named group.

use openssl::ec::EcGroup;
use openssl::nid::Nid;
use openssl::pkey::Id;

use crate::keys::error::ssl_reason;
use crate::keys::{Curve, OkpCurve};

pub(super) fn curve_of_nid(nid: Option<Nid>) -> Result<Curve, String> {
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

pub(super) fn named_group(curve: Curve) -> Result<EcGroup, String> {
    EcGroup::from_curve_name(nid_of_curve(curve)).map_err(|e| ssl_reason(&e))
}

/// Bytes of one EC coordinate (RFC 7518 6.2.1.2: full length, leading zeros kept).
pub(crate) fn curve_bytes(curve: Curve) -> usize {
    match curve {
        Curve::P256 | Curve::Secp256k1 => 32,
        Curve::P384 => 48,
        Curve::P521 => 66,
    }
}

/// Every EC curve JOSE names (and tokenscope reads).
const CURVES: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

/// Every OKP curve of RFC 8037.
const OKP_CURVES: [OkpCurve; 4] = [
    OkpCurve::Ed25519,
    OkpCurve::Ed448,
    OkpCurve::X25519,
    OkpCurve::X448,
];

/// The EC curve a JWK `crv` names (the inverse of [`curve_jwk_name`]).
pub(super) fn curve_of_jwk_name(crv: &str) -> Option<Curve> {
    CURVES.into_iter().find(|c| curve_jwk_name(*c) == crv)
}

/// The OKP curve a JWK `crv` names (the inverse of [`okp_jwk_name`]).
pub(super) fn okp_of_jwk_name(crv: &str) -> Option<OkpCurve> {
    OKP_CURVES.into_iter().find(|c| okp_jwk_name(*c) == crv)
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
