//! `tokenscope sign` and `tokenscope scenarios`: test tokens signed from claims or templates.

use super::*;

pub(super) fn template(arg: crate::cli::TemplateArg) -> crate::sign::Template {
    use crate::cli::TemplateArg as A;
    use crate::sign::Template as T;
    match arg {
        A::QualifioWinner => T::QualifioWinner,
        A::QualifioBlocked => T::QualifioBlocked,
        A::QualifioLimited => T::QualifioLimited,
        A::Adictiz => T::Adictiz,
        A::Xtremepush => T::Xtremepush,
    }
}

pub(super) fn export_format(arg: crate::cli::SignFormat) -> crate::export::ExportFormat {
    use crate::cli::SignFormat as A;
    use crate::export::ExportFormat as F;
    match arg {
        A::Raw => F::Raw,
        A::QualifioUrl => F::QualifioUrl,
        A::QualifioJs => F::QualifioJs,
        A::QualifioSetmetadata => F::QualifioSetMetaData,
        A::AdictizUrl => F::AdictizUrl,
        A::Bearer => F::Bearer,
        A::Curl => F::Curl,
    }
}

/// Read a JSON file (or stdin for `-`), reporting where it is invalid and warning about
/// duplicate member names.
pub(super) fn read_json(arg: &str, what: &str) -> Result<serde_json::Value> {
    let (text, label) = if arg == "-" {
        (
            read_capped(std::io::stdin().lock(), "standard input", limits::JSON_FILE)?,
            format!("{what} on standard input"),
        )
    } else {
        let file =
            std::fs::File::open(arg).with_context(|| format!("cannot open {what} file '{arg}'"))?;
        (
            read_capped(file, &format!("{what} file '{arg}'"), limits::JSON_FILE)?,
            format!("{what} file '{arg}'"),
        )
    };
    let decoded = crate::token::json::parse(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("{label} is not valid JSON: {e}"))?;
    for dup in &decoded.duplicates {
        escape::warn(&format!(
            "{label} repeats the member '{dup}': only one value is signed"
        ));
    }
    Ok(decoded.value)
}

pub(super) fn sign(args: &crate::cli::SignArgs, ctx: &Context) -> Result<ExitCode> {
    use crate::export::{self, ExportFormat};
    use crate::jose::mint::{SignOptions, default_enc, encrypt_dir, sign_jws};
    use crate::sign::{claims_bytes, edit_claims, parse_exp, parse_path, parse_set};

    let now = ctx.now();
    let template = args.template.map(template);
    let mut claims = match (&args.claims, template) {
        (Some(arg), _) => read_json(arg, "claims")?,
        (None, Some(t)) => t.claims(now),
        (None, None) => bail!(
            "nothing to sign: give the claims with --claims FILE (or - for standard input), or start from --template"
        ),
    };
    let sets = args
        .sets
        .iter()
        .map(|s| parse_set(s))
        .collect::<Result<Vec<_>, _>>()?;
    let unsets = args
        .unsets
        .iter()
        .map(|p| parse_path(p))
        .collect::<Result<Vec<_>, _>>()?;
    let exp = args.exp.as_deref().map(|e| parse_exp(e, now)).transpose()?;
    edit_claims(&mut claims, &sets, &unsets, exp)?;

    let Some(key) = signing_key(&args.signing, ctx)? else {
        if template.is_some() {
            // `sign --template T` alone prints the starting claims.
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            escape::write_json_pretty(&mut out, &claims)?;
            writeln!(out)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        bail!("sign needs a key: --key NAME (stored), --key-file PATH or --secret S");
    };

    let header = match &args.header {
        Some(path) => match read_json(&path.display().to_string(), "header")? {
            serde_json::Value::Object(map) => map,
            other => bail!(
                "header file '{}' holds {}, not a JSON object",
                path.display(),
                crate::token::json_type(&other)
            ),
        },
        None => serde_json::Map::new(),
    };
    // A template's platform alg rule (RULES.md 3, 4, 5) applies to what is signed.
    let requested = match (&args.signing.alg, header.get("alg")) {
        (Some(alg), _) => Some(Some((alg.as_str(), "--alg"))),
        (None, None | Some(serde_json::Value::Null)) => Some(None),
        (None, Some(serde_json::Value::String(alg))) => {
            Some(Some((alg.as_str(), "the header file's alg")))
        }
        // A header alg that is not a string: sign_jws refuses it.
        (None, Some(_)) => None,
    };
    let template_alg = match (template, requested) {
        (Some(t), Some(requested)) => Some(crate::sign::template_alg(t, &key, requested)?),
        _ => None,
    };
    let opts = SignOptions {
        alg: args
            .signing
            .alg
            .as_deref()
            .or(template_alg.as_ref().and_then(|t| t.alg)),
        kid: args.kid.as_deref(),
    };
    let mut token = sign_jws(&header, &claims_bytes(&claims), &key, &opts)?;
    if let Some(t) = &template_alg {
        if let Some(w) = &t.warning {
            escape::warn(w);
        }
        if let Some(n) = &t.note {
            escape::stderr(&format!("note: {n}"));
        }
    }

    let encrypt_key = match (&args.encrypt_key, &args.encrypt_key_file) {
        (Some(name), _) => Some(stored_key(name, ctx)?),
        (None, Some(path)) => Some(one_key(
            keys::read_key_file(path)?,
            &format!("key file '{}'", path.display()),
        )?),
        (None, None) => None,
    };
    match (encrypt_key, &args.enc) {
        (Some(ek), enc) => {
            let enc = match enc.as_deref() {
                Some(e) => e,
                None => default_enc(&ek).with_context(|| {
                    format!(
                        "key '{}' fits no JWE enc by its length: name one with --enc (A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512)",
                        ek.name
                    )
                })?,
            };
            token = encrypt_dir(&token, &ek, enc)?;
        }
        (None, Some(_)) => {
            bail!(
                "--enc needs a key to encrypt with: --encrypt-key NAME or --encrypt-key-file PATH"
            )
        }
        (None, None) => {}
    }

    let fmt = export_format(ctx.settings.export_format.value);
    if args.base_url.is_some() && !fmt.uses_base_url() {
        let users: Vec<&str> = ExportFormat::ALL
            .iter()
            .filter(|f| f.uses_base_url())
            .map(|f| f.name())
            .collect();
        bail!(
            "--base-url is not used by --format {} (only by {})",
            fmt.name(),
            users.join(", ")
        );
    }
    let text = export::format(&token, fmt, args.base_url.as_deref())?;
    tracing::info!(
        key = %key.name,
        fingerprint = %token_fingerprint(&token),
        token_len = token.len(),
        format = fmt.name(),
        "signed"
    );
    if let Some(note) = export::placeholder_note(fmt, args.base_url.as_deref()) {
        escape::stderr(&format!("note: {note}"));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn scenarios(args: &crate::cli::ScenariosArgs, ctx: &Context) -> Result<ExitCode> {
    use crate::cli::ScenarioFormat;
    use crate::sign::scenarios::{index_tsv, jsonl, qualifio_matrix, run, table};

    let crate::cli::ScenarioProfile::Qualifio = args.profile;
    let Some(key) = signing_key(&args.signing, ctx)? else {
        bail!("scenarios needs a key: --key NAME (stored), --key-file PATH or --secret S");
    };
    let results = run(
        &qualifio_matrix(),
        key,
        args.signing.alg.as_deref(),
        ctx.now(),
    )?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        for r in &results {
            let path = dir.join(r.scenario.file_name());
            std::fs::write(&path, format!("{}\n", r.token))
                .with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        for (name, text) in [
            ("index.tsv", index_tsv(&results)),
            ("index.jsonl", jsonl(&results)),
        ] {
            let index = dir.join(name);
            std::fs::write(&index, text)
                .with_context(|| format!("cannot write '{}'", index.display()))?;
        }
        escape::stderr(&format!(
            "wrote {} tokens, index.tsv and index.jsonl to '{}'",
            results.len(),
            dir.display()
        ));
    }
    let text = match args.format {
        ScenarioFormat::Table => table(&results),
        ScenarioFormat::Tsv => index_tsv(&results),
        ScenarioFormat::Jsonl => jsonl(&results),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
