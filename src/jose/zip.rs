//! A bounded `zip: "DEF"` decompressor for JWE plaintexts.
//!
//! josekit 0.10's DEF decompressor reads to the end with no cap, so a few hundred bytes of
//! ciphertext can inflate to gigabytes (a decompression bomb). tokenscope registers this one
//! instead: it stops at `limit` bytes with a clear error.

use std::io::{self, Read};

use flate2::read::DeflateDecoder;
use josekit::jwe::JweCompression;

/// Largest plaintext a `zip: "DEF"` JWE may inflate to.
pub const MAX_INFLATED: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct BoundedDeflate {
    pub limit: u64,
}

impl Default for BoundedDeflate {
    fn default() -> Self {
        BoundedDeflate {
            limit: MAX_INFLATED,
        }
    }
}

impl JweCompression for BoundedDeflate {
    fn name(&self) -> &str {
        "DEF"
    }

    fn compress(&self, message: &[u8]) -> Result<Vec<u8>, io::Error> {
        use std::io::Write;
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(message)?;
        encoder.finish()
    }

    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, io::Error> {
        let mut out = Vec::new();
        DeflateDecoder::new(data)
            .take(self.limit + 1)
            .read_to_end(&mut out)?;
        if out.len() as u64 > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the zip DEF plaintext inflates past {} MiB: refused as a decompression bomb",
                    self.limit / (1024 * 1024)
                ),
            ));
        }
        Ok(out)
    }

    fn box_clone(&self) -> Box<dyn JweCompression> {
        Box::new(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_under_the_limit() {
        let z = BoundedDeflate::default();
        let packed = z.compress(b"hello hello hello").unwrap();
        assert_eq!(z.decompress(&packed).unwrap(), b"hello hello hello");
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let z = BoundedDeflate { limit: 1024 * 1024 };
        let bomb = z.compress(&vec![0u8; 8 * 1024 * 1024]).unwrap();
        assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
        let err = z.decompress(&bomb).unwrap_err().to_string();
        assert!(err.contains("decompression bomb"), "{err}");
    }
}
