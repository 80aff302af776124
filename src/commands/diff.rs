//! `tokenscope diff A B`: two tokens evaluated with the same keys at one instant, and what
//! differs between them: claims, headers, time, layers, verdicts, findings.

use std::fmt::Write as _;

use crossterm::style::Color;

use super::*;
use crate::cli::DiffArgs;
use crate::diff::{Change, ChangeKind, Diff, FindingRef, json_type};

/// Exit statuses of `diff` (its `--help`): 0 the verdicts are the same, 1 they differ, 2 a
/// usage error or a token that could not be read.
mod status {
    pub const SAME: u8 = 0;
    pub const DIFFERENT: u8 = 1;
}

/// Values longer than this are cut in the human report (`--json` keeps them whole).
const MAX_VALUE: usize = 200;

pub(super) fn diff(args: &DiffArgs, ctx: &Context) -> Result<ExitCode> {
    if args.a == "-" && args.b == "-" {
        bail!(
            "only one of A and B can be read from standard input (-): give the other as a token or a file"
        );
    }
    let text_a = read_side(&args.a, "A")?;
    let text_b = read_side(&args.b, "B")?;
    // One instant for both: `--at`, or now read once.
    let opts = inspect::evaluation_options(&args.eval, ctx)?;
    let (mut ring, warnings, deferred) = key_ring(&args.eval, ctx)?;
    for w in warnings {
        escape::warn(&w);
    }
    let run = |ring: &KeyRing| {
        (
            crate::inspect::inspect_text(&text_a, ring, &opts),
            crate::inspect::inspect_text(&text_b, ring, &opts),
        )
    };
    let (mut result_a, mut result_b) = run(&ring);
    // As in inspect: a stored JWKS endpoint not cached yet is fetched only for a token it
    // could verify.
    if !deferred.is_empty()
        && (inspect::needs_public_keys(&result_a) || inspect::needs_public_keys(&result_b))
    {
        let before = ring.keys.len();
        fetch_deferred(&mut ring, deferred, ctx)?;
        if ring.keys.len() > before {
            (result_a, result_b) = run(&ring);
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (a, b) = match (result_a, result_b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => return unreadable(&mut out, args, "A", &args.a, &e),
        (_, Err(e)) => return unreadable(&mut out, args, "B", &args.b, &e),
    };
    let d = crate::diff::diff(&a, &b);
    tracing::info!(
        a = %token_fingerprint(&a.token),
        b = %token_fingerprint(&b.token),
        same_verdict = d.same_verdict,
        header = d.header.len(),
        payload = d.payload.len(),
        "diffed"
    );
    if args.json {
        let text = escape::json_pretty(&d)?;
        writeln!(out, "{text}")?;
    } else {
        let style = render::Style {
            color: use_color(ctx.settings.color.value),
        };
        write!(out, "{}", report(&d, &a, &b, style))?;
    }
    out.flush()?;
    Ok(ExitCode::from(if d.same_verdict {
        status::SAME
    } else {
        status::DIFFERENT
    }))
}

/// One side's text: `-` reads stdin, an existing file is read, anything else is the token
/// (or text around it).
fn read_side(arg: &str, side: &str) -> Result<String> {
    if arg == "-" {
        return read_capped(
            std::io::stdin().lock(),
            &format!("standard input ({side})"),
            limits::TOKEN_FILE,
        );
    }
    let path = Path::new(arg);
    if path.is_file() {
        let what = format!("token file '{}' ({side})", escape::line(arg));
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {what}"))?;
        return read_capped(file, &what, limits::TOKEN_FILE);
    }
    Ok(arg.to_string())
}

/// A side that did not inspect: exit 2 as inspect does, naming the side; with `--json`, an
/// object with only `error` on stdout.
fn unreadable(
    out: &mut impl Write,
    args: &DiffArgs,
    side: &str,
    arg: &str,
    err: &crate::inspect::InspectError,
) -> Result<ExitCode> {
    let message = match err {
        InspectError::Intake(e) => e.to_string(),
        InspectError::Malformed { error, .. } => error.to_string(),
    };
    let hint = if arg != "-" && !Path::new(arg).exists() && arg.contains(['/', '\\']) {
        format!(" ('{}' is not a file either)", escape::line(arg))
    } else {
        String::new()
    };
    let message = format!("token {side}: {message}{hint}");
    if args.json {
        escape::write_json_pretty(&mut *out, &serde_json::json!({ "error": message }))?;
        writeln!(out)?;
        out.flush()?;
    }
    escape::stderr(&message);
    Err(Exit(exit::USAGE).into())
}

/// The human report: one section per part, `-` for A's side and `+` for B's.
fn report(d: &Diff, a: &Inspection, b: &Inspection, style: render::Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "tokenscope diff: A ({}, {}) vs B ({}, {})",
            a.kind.label(),
            a.overall().label(),
            b.kind.label(),
            b.overall().label()
        ))
    );
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "both evaluated at {} (skew {} s)",
            d.evaluated_at_rfc3339, d.skew
        ))
    );
    out.push('\n');

    let _ = writeln!(out, "{}", style.heading("Verdict"));
    let rows: [(&str, String, String); 4] = [
        (
            "overall",
            d.a.overall.label().to_string(),
            d.b.overall.label().to_string(),
        ),
        ("profile", d.a.profile.clone(), d.b.profile.clone()),
        (
            "participation",
            d.a.participation.clone(),
            d.b.participation.clone(),
        ),
        ("win", d.a.win.clone(), d.b.win.clone()),
    ];
    for (name, va, vb) in rows {
        if va == vb {
            let _ = writeln!(out, "  {name:<14} {}", escape::line(&va));
        } else {
            minus(
                &mut out,
                style,
                &format!("{name:<14} {}", escape::line(&va)),
            );
            plus(
                &mut out,
                style,
                &format!("{name:<14} {}", escape::line(&vb)),
            );
        }
    }
    out.push('\n');

    let several_layers = a.layers.len() > 1 || b.layers.len() > 1;
    section(&mut out, style, "Header", &d.header, several_layers);
    section(&mut out, style, "Payload", &d.payload, false);

    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!("Time (relative to {})", d.evaluated_at_rfc3339))
    );
    if d.time.is_empty() {
        let _ = writeln!(out, "  {}", style.dim("same"));
    }
    for t in &d.time {
        for (sign, value, relative) in [('-', &t.a, &t.a_relative), ('+', &t.b, &t.b_relative)] {
            let shown = if value.is_null() {
                "(absent)".to_string()
            } else {
                value_text(value)
            };
            let when = relative
                .as_deref()
                .map(|r| format!("  ({r})"))
                .unwrap_or_default();
            side(
                &mut out,
                style,
                sign,
                &format!("/{}  {shown}{when}", t.claim),
            );
        }
    }
    out.push('\n');

    let _ = writeln!(out, "{}", style.heading("Layers (outer to inner)"));
    if d.layers.is_empty() {
        let _ = writeln!(out, "  {}", style.dim("same"));
    }
    for l in &d.layers {
        for (sign, value) in [('-', &l.a), ('+', &l.b)] {
            let shown = value
                .as_deref()
                .map(|v| escape::line(&truncate(v)).into_owned())
                .unwrap_or_else(|| "(none)".into());
            side(
                &mut out,
                style,
                sign,
                &format!("layer {} {}  {shown}", l.layer, l.field),
            );
        }
    }
    out.push('\n');

    let _ = writeln!(out, "{}", style.heading("Findings"));
    if d.findings.only_in_a.is_empty() && d.findings.only_in_b.is_empty() {
        let _ = writeln!(out, "  {}", style.dim("same"));
    }
    for (sign, findings) in [('-', &d.findings.only_in_a), ('+', &d.findings.only_in_b)] {
        for f in findings {
            finding(&mut out, style, sign, f);
        }
    }
    out.push('\n');

    if d.same_verdict {
        let what = if d.is_empty() {
            "no differences"
        } else {
            "the differences above do not change it"
        };
        let _ = writeln!(
            out,
            "{}  {} — {what}",
            style.bold(&style.paint("SAME VERDICT", Color::Green)),
            d.a.overall.label()
        );
    } else {
        let _ = writeln!(
            out,
            "{}  A {}, B {}",
            style.bold(&style.paint("VERDICTS DIFFER", Color::Red)),
            d.a.overall.label(),
            d.b.overall.label()
        );
    }
    out
}

/// A header or payload section: each change as `-` (A) and `+` (B) lines with its path.
fn section(out: &mut String, style: render::Style, title: &str, changes: &[Change], layers: bool) {
    let _ = writeln!(out, "{}", style.heading(title));
    if changes.is_empty() {
        let _ = writeln!(out, "  {}", style.dim("same"));
    }
    for c in changes {
        let mut path = escape::line(&truncate(&c.path)).into_owned();
        if path.is_empty() {
            path = "(whole value)".into();
        }
        if let (true, Some(n)) = (layers, c.layer) {
            path = format!("layer {n} {path}");
        }
        let typed = |v: &serde_json::Value| match c.change {
            ChangeKind::TypeChanged => format!("  ({})", json_type(v)),
            _ => String::new(),
        };
        if let Some(v) = &c.a {
            side(
                out,
                style,
                '-',
                &format!("{path}  {}{}", value_text(v), typed(v)),
            );
        }
        if let Some(v) = &c.b {
            side(
                out,
                style,
                '+',
                &format!("{path}  {}{}", value_text(v), typed(v)),
            );
        }
    }
    out.push('\n');
}

fn finding(out: &mut String, style: render::Style, sign: char, f: &FindingRef) {
    let claim = if f.claim.is_empty() {
        String::new()
    } else {
        format!(" {}", escape::line(&truncate(&f.claim)))
    };
    side(
        out,
        style,
        sign,
        &format!(
            "{:<7} {}{claim}",
            f.severity.as_str().to_uppercase(),
            escape::line(&f.id)
        ),
    );
    let _ = writeln!(out, "          {}", style.dim(&escape::line(&f.message)));
}

/// One line of A's (`-`) or B's (`+`) side; `text` is already escaped.
fn side(out: &mut String, style: render::Style, sign: char, text: &str) {
    match sign {
        '-' => minus(out, style, text),
        _ => plus(out, style, text),
    }
}

fn minus(out: &mut String, style: render::Style, text: &str) {
    let _ = writeln!(out, "{}", style.paint(&format!("- {text}"), Color::Red));
}

fn plus(out: &mut String, style: render::Style, text: &str) {
    let _ = writeln!(out, "{}", style.paint(&format!("+ {text}"), Color::Green));
}

/// A JSON value on one line, escaped, cut after [`MAX_VALUE`] characters.
fn value_text(v: &serde_json::Value) -> String {
    let json = escape::json(v).unwrap_or_default();
    let n = json.chars().count();
    if n > MAX_VALUE {
        format!(
            "{} ({n} characters; --json shows all)",
            escape::line(&truncate(&json))
        )
    } else {
        escape::line(&json).into_owned()
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX_VALUE).collect();
        t.push('…');
        t
    }
}
