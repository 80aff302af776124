//! Generate benchmark inputs: N signed Qualifio-like tokens (about 1 KB each) with mixed
//! outcomes, and the key that verifies them. Never checked in; `scripts/bench` runs this.
//!
//! cargo run --release --example gen_tokens -- ALG COUNT OUT_DIR [PAYLOAD_BYTES]
//!
//! ALG is HS256, RS256 or ES256. OUT_DIR receives `tokens.txt` (one token per line: 90 % valid,
//! 4 % expired, 3 % tampered, 3 % with canPlay sent as a string) and `key.pem` or `key.jwk`.
//! The payload is about 650 bytes (10 form fields); PAYLOAD_BYTES grows it by that much of
//! structured data: an array of small objects in `custom.items` (a basket, a score sheet).

use std::io::Write;

use base64::Engine;
use serde_json::{Map, Value, json};
use tokenscope::cli::GenType;
use tokenscope::jose::mint::{SignOptions, sign_jws};
use tokenscope::keys;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [alg, count, out] = &args[..3] else {
        return Err("usage: gen_tokens ALG COUNT OUT_DIR [PAYLOAD_BYTES]".into());
    };
    let count: usize = count.parse()?;
    let padding: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(0);
    let out = std::path::Path::new(out);
    std::fs::create_dir_all(out)?;
    let kind = match alg.as_str() {
        "HS256" => GenType::Hmac,
        "RS256" => GenType::Rsa2048,
        "ES256" => GenType::P256,
        other => return Err(format!("unsupported alg {other}").into()),
    };
    let stored = keys::generate("bench", kind, 32)?;
    let cache = std::env::temp_dir();
    let (mut ring, _) = stored.keys(&cache)?;
    let key = ring.remove(0);
    if let keys::Material::Secret(secret) = &key.material {
        let k = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret.as_slice());
        std::fs::write(
            out.join("key.jwk"),
            json!({"kty": "oct", "k": k}).to_string(),
        )?;
    } else {
        std::fs::write(out.join("key.pem"), &stored.data)?;
    }

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out.join("tokens.txt"))?);
    let header = Map::new();
    for i in 0..count {
        let expired = i % 25 == 3;
        let wrong_type = i % 33 == 7;
        let mut claims = json!({
            "sub": format!("participant-{i:08}"),
            "iss": "ACME Games",
            "iat": now - 60,
            "nbf": now - 120,
            "exp": if expired { now - 3600 } else { now + 86_400 },
            "campaignId": "123456",
            "limit": {"canPlay": if wrong_type { Value::from("true") } else { Value::from(true) }, "nb": 3},
            "gift": {"cw": i % 2 == 0, "label": "five-night getaway to Lanzarote"},
            "form": {"firstname": "Alexandra", "lastname": "Dupont-Lefebvre", "email": format!("alexandra.dupont{i}@example.com"), "country": "BE", "zipcode": "1000", "city": "Brussels", "phone": "+32470123456", "birthdate": "1990-04-12", "gender": "F", "language": "fr"},
            "optin": {"newsletter": 1, "partners": "off"},
            "custom": {"segment": "gold", "origin": "crm-export", "note": "x".repeat(40)},
        });
        if padding > 0 {
            claims["custom"]["items"] = Value::Array(items(padding));
        }
        if i == 0 {
            claims["custom"]["generated_by"] = Value::from("tokenscope gen_tokens");
        }
        let body = serde_json::to_vec(&claims)?;
        let mut token = sign_jws(
            &header,
            &body,
            &key,
            &SignOptions {
                alg: Some(alg),
                kid: None,
            },
        )?;
        if i % 33 == 11 {
            // Tamper with the payload after signing.
            token = token.replacen(".ey", ".eX", 1);
        }
        writeln!(file, "{token}")?;
    }
    file.flush()?;
    Ok(())
}

/// About `bytes` of JSON as an array of small objects (about 150 bytes each).
fn items(bytes: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut size = 0;
    while size < bytes {
        let item = json!({
            "id": items.len(),
            "sku": format!("SKU-{:06}", items.len()),
            "label": format!("Prize item number {}", items.len()),
            "qty": items.len() % 7,
            "price": 12.5,
            "tags": ["gold", "crm"],
            "active": items.len() % 3 != 0,
        });
        size += item.to_string().len() + 1;
        items.push(item);
    }
    items
}
