//! The TUI on a 1 MB payload: a full frame render and a key press (scroll) update, drawn into
//! a ratatui TestBackend. Built by CI (`cargo clippy --all-targets`), run by hand:
//! `cargo bench --bench tui`.

use std::hint::black_box;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokenscope::tui::{Action, App, Pane};

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;

/// An (unsigned-for-this-ring) HS256 token whose payload is about 1 MB of JSON.
fn big_token() -> String {
    let items: Vec<serde_json::Value> = (0..12_000)
        .map(|i| serde_json::json!({"id": i, "name": format!("item-{i:06}"), "tags": ["a", "b"]}))
        .collect();
    let claims = serde_json::json!({"sub": "bench", "exp": AT + 3600, "items": items});
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

fn app() -> App {
    let mut app = match App::demo_for_tests(AT, 140, 45) {
        Ok(a) => a,
        Err(e) => panic!("demo: {e}"),
    };
    app.update(Action::Paste(big_token()));
    app.update(Action::Focus(Pane::Payload));
    app
}

fn bench(c: &mut Criterion) {
    let mut app = app();
    let mut term = match Terminal::new(TestBackend::new(140, 45)) {
        Ok(t) => t,
        Err(e) => panic!("test terminal: {e}"),
    };
    c.bench_function("render 140x45 frame, 1 MB payload", |b| {
        b.iter(|| {
            let _ = term.draw(|f| f.render_widget(black_box(&app), f.area()));
        })
    });
    c.bench_function("key press: scroll down, 1 MB payload", |b| {
        b.iter(|| {
            app.update(black_box(Action::Down));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
