//! Decoding: JSON with duplicate detection, base64url segments, JOSE headers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = tokenscope::token::json::parse(data) {
        // Every duplicate pointer is a JSON pointer.
        for p in &decoded.duplicates {
            assert!(p.starts_with('/'), "{p}");
        }
        let _ = tokenscope::view::json_lines(&decoded.value, Some(0));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tokenscope::token::decode_segment("payload", text);
        let _ = tokenscope::token::decode_header(text);
    }
});
