//! Tests of tui_tmux, continued: a token whose payload is 1 MiB of structured JSON.

use super::*;

/// `tokenscope --file TOKEN` on a 1 MiB payload: the claims show, verified by the stored
/// key, the payload scrolls to its last item, and `q` ends the session.
#[test]
fn a_one_mib_payload_shows_and_scrolls() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let claims = crate::common::big_claims(now() - 60, now() + 86_400);
    let items = claims["custom"]["items"].as_array().map_or(0, Vec::len);
    let token = hs256(claims);
    assert!(token.len() > 1_300_000, "{}", token.len());
    let path = home.path().join("big.txt");
    std::fs::write(&path, &token).expect("token file");
    let path = path.to_str().expect("path").to_string();
    let t = Tmux::start_in(home, &["--file", &path]);
    let s = t.wait_for(r#""sub": "participant-00000000","#);
    assert!(s.contains("ACCEPTED"), "{s}");
    assert!(
        s.contains("▶ Payload · 1-"),
        "focused, it says where it is\n{s}"
    );
    t.keys(&["End"]);
    t.wait_for(&format!(r#""sku": "SKU-{:06}","#, items - 1));
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}
