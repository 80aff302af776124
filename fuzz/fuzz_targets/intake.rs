//! Intake: whatever is pasted, `find_token` returns a token of token characters or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(intake) = tokenscope::token::find_token(&text) {
        assert!(!intake.token.is_empty());
        let _ = tokenscope::token::Compact::split(&intake.token);
    }
});
