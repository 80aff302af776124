//! `tokenscope inspect TOKEN`: one token in, a report, JSON or a Markdown ticket out.

use super::*;
use crate::cli::InspectArgs;
use crate::inspect::InspectionRef;

pub(super) fn read_input(args: &InspectArgs) -> Result<String> {
    if let Some(path) = &args.file {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open token file '{}'", path.display()))?;
        return read_capped(
            file,
            &format!("token file '{}'", path.display()),
            limits::TOKEN_FILE,
        );
    }
    match args.token.as_deref() {
        Some("-") => read_capped(
            std::io::stdin().lock(),
            "standard input",
            limits::TOKEN_FILE,
        ),
        Some(t) => Ok(t.to_string()),
        None if !std::io::stdin().is_terminal() => read_capped(
            std::io::stdin().lock(),
            "standard input",
            limits::TOKEN_FILE,
        ),
        None => bail!(
            "no token given: pass it as an argument, with --file PATH, or on standard input with -"
        ),
    }
}

/// Whether a JWKS endpoint's keys could change the inspection: a JWS layer with a public-key
/// alg (RS*, PS*, ES*, EdDSA) that did not verify. An endpoint publishes public keys, which
/// verify no HS* token and decrypt no JWE.
pub(super) fn needs_public_keys(result: &Result<Inspection, InspectError>) -> bool {
    let layers = match result {
        Ok(insp) => &insp.layers,
        Err(InspectError::Malformed { partial, .. }) => &partial.layers,
        Err(InspectError::Intake(_)) => return false,
    };
    layers.iter().any(|l| {
        l.kind == crate::report::TokenKind::Jws
            && l.status != crate::report::LayerStatus::Valid
            && l.alg
                .as_deref()
                .is_some_and(|a| crate::jose::JWS_ALGS.contains(&a) && !a.starts_with("HS"))
    })
}

pub(super) fn detached_payload(arg: &str) -> Result<Vec<u8>> {
    match arg.strip_prefix('@') {
        Some(path) => limits::read_file(&PathBuf::from(path), limits::PAYLOAD_FILE)
            .with_context(|| format!("cannot read payload file '{path}'")),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

pub(super) fn inspect(args: &InspectArgs, ctx: &Context) -> Result<ExitCode> {
    if args.batch.is_some() && args.format == Some(crate::cli::InspectFormat::Markdown) {
        bail!(
            "--format markdown reports on one token; --batch prints a summary or JSON Lines (--json)"
        );
    }
    // clap's `requires` lets it through with a TOKEN (which conflicts with --batch).
    if args.follow && args.batch.is_none() {
        bail!(
            "--follow follows a log: give it with --batch FILE (or --batch - for standard input)"
        );
    }
    if let Some(source) = &args.batch {
        return batch::batch(args, source, ctx);
    }
    let text = read_input(args)?;
    let opts = options(args, ctx)?;
    let (mut ring, warnings, deferred) = key_ring(&args.eval, ctx)?;
    for w in warnings {
        escape::warn(&w);
    }
    let nth = args.index.map_or(0, |i| i as usize - 1);
    let color = use_color(ctx.settings.color.value);
    let markdown = args.format == Some(crate::cli::InspectFormat::Markdown);
    if deferred.is_empty() && !markdown {
        // Written borrowed from the evaluation: no owned copy of the token, its segments or
        // its claims (a 1 MiB payload is read into one tree and written from it).
        return crate::inspect::inspect_text_nth_with(&text, nth, &ring, &opts, |result| {
            report(args, result, text.len(), color)
        });
    }
    let inspect_nth = |ring: &KeyRing| crate::inspect::inspect_text_nth(&text, nth, ring, &opts);
    let mut result = inspect_nth(&ring);
    // A stored JWKS endpoint not cached yet is fetched only for a token it could verify: a
    // dead endpoint never holds up an HS* token or a JWE.
    if !deferred.is_empty() && needs_public_keys(&result) {
        let before = ring.keys.len();
        fetch_deferred(&mut ring, deferred, ctx)?;
        if ring.keys.len() > before {
            result = inspect_nth(&ring);
        }
    }
    match result {
        Ok(insp) if markdown => {
            log_inspected(&InspectionRef::from(&insp));
            let report = crate::ticket::render(&insp, args.redact.into(), &reproduce(args, &insp));
            let mut out = std::io::stdout().lock();
            out.write_all(report.as_bytes())?;
            out.flush()?;
            Ok(ExitCode::from(exit_code(&insp)))
        }
        Ok(insp) => report(args, Ok(&InspectionRef::from(&insp)), text.len(), color),
        Err(e) => report(args, Err(e), text.len(), color),
    }
}

fn log_inspected(insp: &InspectionRef<'_>) {
    tracing::info!(
        fingerprint = %token_fingerprint(insp.token),
        token_len = insp.token.len(),
        layers = insp.layers.len(),
        profile = insp.verdict.profile.as_str(),
        findings = insp.findings.len(),
        outcome = ?insp.overall,
        "inspected"
    );
}

/// The report (human or `--json`) of one token, or why there is none; `input_len` is the
/// length of the text the token was looked for in.
fn report(
    args: &InspectArgs,
    result: Result<&InspectionRef<'_>, InspectError>,
    input_len: usize,
    color: bool,
) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match result {
        Ok(insp) => {
            log_inspected(insp);
            print_inspection(&mut out, insp, args.json, color)?;
            Ok(ExitCode::from(overall_exit_code(insp.overall)))
        }
        // `--json` promises a JSON object on stdout: one with only `error` when no token
        // was found.
        Err(InspectError::Intake(e)) if args.json => {
            let value = serde_json::json!({ "error": e.to_string() });
            escape::write_json_pretty(&mut out, &value)?;
            writeln!(out)?;
            out.flush()?;
            escape::stderr(&format!("{e}{}", file_hint(args)));
            Err(Exit(exit::USAGE).into())
        }
        Err(InspectError::Intake(e)) => Err(anyhow::anyhow!("{e}{}", file_hint(args))),
        Err(InspectError::Malformed { error, partial }) => {
            if args.json {
                let mut value = serde_json::to_value(&*partial)?;
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("error".into(), serde_json::Value::String(error.to_string()));
                }
                escape::write_json_pretty(&mut out, &value)?;
                writeln!(out)?;
            } else {
                tracing::info!(input_len, "malformed token");
                let style = render::Style { color };
                write!(
                    out,
                    "{}",
                    render::malformed(&partial, &error.to_string(), style)
                )?;
            }
            out.flush()?;
            escape::stderr(&format!("{error}{}", file_hint(args)));
            Err(Exit(exit::USAGE).into())
        }
    }
}

/// The `tokenscope inspect` line that reproduces `insp` with the token in `token.txt`: the
/// instant, skew and profile pinned, the same keys by name or file. A secret given on the
/// command line is never repeated: it becomes `--secret @SECRET_FILE`.
pub(super) fn reproduce(args: &InspectArgs, insp: &Inspection) -> String {
    let quote = crate::export::shell_word;
    let mut parts = vec![
        "tokenscope inspect".to_string(),
        format!("--at {}", insp.evaluated_at_rfc3339),
        format!("--skew {}", insp.skew),
        format!("--profile {}", insp.verdict.profile),
    ];
    for k in &args.eval.keys {
        parts.push(format!("--key {}", quote(k)));
    }
    for f in &args.eval.key_files {
        parts.push(format!("--key-file {}", quote(&f.display().to_string())));
    }
    match args.eval.secret.as_deref() {
        Some(s) if s.starts_with('@') && !s.starts_with("@@") => {
            parts.push(format!("--secret {}", quote(s)))
        }
        Some(_) => parts.push("--secret @SECRET_FILE".to_string()),
        None => {}
    }
    if let Some(c) = &args.eval.campaign {
        parts.push(format!("--campaign {}", quote(&c.display().to_string())));
    }
    parts.push("--file token.txt".to_string());
    parts.join(" ")
}

/// When the TOKEN argument that did not inspect names an existing file (`inspect
/// blocked.jwt`), the hint to pass it with `--file`.
pub(super) fn file_hint(args: &InspectArgs) -> String {
    match args.token.as_deref() {
        Some(t) if t != "-" && Path::new(t).is_file() => format!(
            "; '{}' is a file: read it with `tokenscope inspect --file {}`",
            escape::line(t),
            escape::line(t)
        ),
        _ => String::new(),
    }
}

/// Options shared by one-shot and batch inspection.
pub(super) fn options(args: &InspectArgs, ctx: &Context) -> Result<Options> {
    let opts = evaluation_options(&args.eval, ctx)?;
    Ok(Options {
        detached_payload: args.payload.as_deref().map(detached_payload).transpose()?,
        ..opts
    })
}

/// Options from the evaluation flags alone (no detached payload).
pub(super) fn evaluation_options(args: &EvaluationArgs, ctx: &Context) -> Result<Options> {
    let settings = &ctx.settings;
    let at = match &args.at {
        Some(t) => crate::time::parse_instant(t).map_err(anyhow::Error::msg)?,
        None => ctx.now(),
    };
    let campaign = match &args.campaign {
        Some(path) => Some(Campaign::from_path(path)?),
        None => None,
    };
    // Campaign files listed in config.toml apply when --campaign is not given.
    let campaigns = if campaign.is_none() {
        settings
            .campaigns
            .value
            .iter()
            .map(|p| Campaign::from_path(p))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    Ok(Options {
        profile: profile_choice(settings.profile.value),
        at,
        skew: settings.skew.value,
        campaign,
        campaigns,
        detached_payload: None,
        summary_only: false,
        max_pbes2_count: settings.max_pbes2_count.value,
    })
}

pub(super) fn print_inspection(
    out: &mut impl Write,
    insp: &InspectionRef<'_>,
    json: bool,
    color: bool,
) -> Result<()> {
    // Written as it is made, through a buffer of its own: standard output flushes at each
    // line, and a 1 MiB payload is tens of thousands of them.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    if json {
        escape::write_json_pretty(&mut out, insp)?;
        writeln!(out)?;
    } else {
        render::write_report(&mut out, insp, render::Style { color })?;
    }
    out.flush()?;
    Ok(())
}

/// 0 accepted; 1 rejected (a layer invalid/failed or an error finding); 3 not verified.
pub fn exit_code(insp: &Inspection) -> u8 {
    overall_exit_code(insp.overall())
}

fn overall_exit_code(overall: Overall) -> u8 {
    match overall {
        Overall::Accepted => exit::ACCEPTED,
        Overall::Rejected => exit::REJECTED,
        Overall::NotVerified => exit::NOT_VERIFIED,
    }
}
