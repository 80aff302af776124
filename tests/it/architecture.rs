//! The dependency rule: the core (what inspects, verifies, signs and reports) imports nothing
//! from the shells (the CLI definitions, the commands, the configuration, the interactive
//! view, the log). Read from the sources, so that a new `use crate::cli` in the core fails
//! here before it becomes a cycle.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// The core: modules and folders under src/.
const CORE: &[&str] = &[
    "token", "keys", "jose", "rules", "inspect", "report", "export", "sign", "batch", "profile",
    "time", "limits", "escape", "ticket", "dirs", "text", "diff",
];

/// The shells the core must not name.
const SHELLS: &[&str] = &[
    "crate::cli",
    "crate::commands",
    "crate::config",
    "crate::tui",
    "crate::logging",
    "crate::render",
    "crate::json_lines",
    "crate::context",
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_imports_nothing_from_the_shells() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for module in CORE {
        rust_files(&src.join(module), &mut files);
        rust_files(&src.join(format!("{module}.rs")), &mut files);
    }
    assert!(files.len() > 40, "only {} core files found", files.len());
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for shell in SHELLS {
                if code.contains(shell)
                    && code[code.find(shell).unwrap() + shell.len()..]
                        .starts_with([':', ';', ' ', ','])
                {
                    offences.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the core names a shell:\n{}",
        offences.join("\n")
    );
}

/// A module of the crate, by its path (`tui::app`), read from where its file is.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Source text without comments, string literals and test code (a test may reach anywhere).
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let code = line.split("//").next().unwrap_or_default();
        if code.trim() == "#[cfg(test)]" {
            // The item that follows: a `mod tests;` line or a `mod tests { ... }` block.
            let mut depth = 0i32;
            for next in lines.by_ref() {
                depth += next.matches('{').count() as i32 - next.matches('}').count() as i32;
                if depth <= 0 && (next.contains('}') || next.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        let mut in_string = false;
        let mut prev = ' ';
        for ch in code.chars() {
            if ch == '"' && prev != '\\' && prev != '\'' {
                in_string = !in_string;
            } else if !in_string {
                out.push(ch);
            }
            prev = ch;
        }
        out.push('\n');
    }
    out
}

/// The paths named after `crate::` or `super::` in `code`, resolved from `module`, each as
/// its segments (`use crate::{a::B, c}` gives `a::B` and `c`).
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    fn ident(s: &str) -> (&str, &str) {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (&s[..end], &s[end..])
    }
    fn path(prefix: Vec<String>, mut s: &str, out: &mut Vec<Vec<String>>) {
        let mut segs = prefix;
        loop {
            s = s.trim_start();
            if let Some(rest) = s.strip_prefix('{') {
                let mut depth = 1;
                let mut start = 0;
                for (i, ch) in rest.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 1 => {
                            path(segs.clone(), &rest[start..i], out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        path(segs.clone(), &rest[start..i], out);
                        return;
                    }
                }
                return;
            }
            let (name, rest) = ident(s);
            if name.is_empty() {
                break;
            }
            segs.push(name.to_string());
            match rest.trim_start().strip_prefix("::") {
                Some(rest) => s = rest,
                None => break,
            }
        }
        out.push(segs);
    }
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if boundary && code[i..].starts_with("crate::") {
            path(Vec::new(), &code[i + 7..], &mut out);
            i += 7;
        } else if boundary && code[i..].starts_with("super::") {
            // `super` of a file `a/b.rs` (module a::b) is `a`; of `a/b/mod.rs` also `a`.
            let mut base = module.to_vec();
            base.pop();
            let mut rest = &code[i + 7..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            path(base, rest, &mut out);
            i += 7;
        } else {
            i += 1;
        }
    }
    out
}

/// Strongly connected components of more than one node (Tarjan).
fn cycles(
    nodes: &[String],
    edges: &std::collections::BTreeSet<(usize, usize)>,
) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a std::collections::BTreeSet<(usize, usize)>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        let succ: Vec<usize> = t.edges.range((v, 0)..(v + 1, 0)).map(|e| e.1).collect();
        for w in succ {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            t.out.push(scc);
        }
    }
    let n = nodes.len();
    let mut t = T {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut names: Vec<String> = scc.into_iter().map(|i| nodes[i].clone()).collect();
            names.sort();
            names
        })
        .collect()
}

/// Every module that references another, at each level of the tree: the top-level modules
/// among themselves, and the children of each folder among themselves (a reference into a
/// child's own children counts for that child). A child naming its parent, or a parent its
/// child, is how Rust modules are built, not a cycle.
fn import_cycles() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = std::collections::BTreeSet::new();
    let mut refs: Vec<(Vec<String>, Vec<String>, String)> = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        if name == "main.rs" || name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let module = module_of(&src, file);
        modules.insert(module.clone());
        let code = production_code(&std::fs::read_to_string(file).unwrap());
        for path in named_paths(&code, &module) {
            let at = file.strip_prefix(&src).unwrap().display().to_string();
            refs.push((module.clone(), path, at));
        }
    }
    let mut found = Vec::new();
    // Each parent (the crate root is the empty path) and its children.
    let parents: std::collections::BTreeSet<Vec<String>> = modules
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| m[..m.len() - 1].to_vec())
        .collect();
    for parent in parents {
        let children: Vec<String> = modules
            .iter()
            .filter(|m| m.len() == parent.len() + 1 && m.starts_with(&parent))
            .map(|m| m[parent.len()].clone())
            .collect();
        let child_of = |path: &[String]| -> Option<usize> {
            if path.len() > parent.len() && path.starts_with(&parent) {
                children.iter().position(|c| *c == path[parent.len()])
            } else {
                None
            }
        };
        let mut edges = std::collections::BTreeSet::new();
        let mut example = std::collections::BTreeMap::new();
        for (from, to, at) in &refs {
            // The longest module prefix of the named path.
            let target = (0..=to.len())
                .rev()
                .map(|k| to[..k].to_vec())
                .find(|p| modules.contains(p));
            let (Some(a), Some(target)) = (child_of(from), target) else {
                continue;
            };
            if let Some(b) = child_of(&target)
                && a != b
            {
                edges.insert((a, b));
                example
                    .entry((a, b))
                    .or_insert_with(|| format!("{at} names {}", to.join("::")));
            }
        }
        for scc in cycles(&children, &edges) {
            let at = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            found.push(format!("{at}: {}", scc.join(" <-> ")));
            for ((a, b), why) in &example {
                if scc.contains(&children[*a]) && scc.contains(&children[*b]) {
                    found.push(format!("    {} -> {}: {why}", children[*a], children[*b]));
                }
            }
        }
    }
    found
}

/// Cycles being taken apart; each entry goes when its cycle does, and the list ends empty.
const KNOWN_CYCLES: &[&str] = &[];

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let found = import_cycles();
    let cycles: Vec<&String> = found.iter().filter(|l| !l.starts_with(' ')).collect();
    let new: Vec<&&String> = cycles
        .iter()
        .filter(|c| !KNOWN_CYCLES.contains(&c.as_str()))
        .collect();
    let gone: Vec<&&str> = KNOWN_CYCLES
        .iter()
        .filter(|k| !cycles.iter().any(|c| c.as_str() == **k))
        .collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "import cycles (each line: modules that reach each other, then why):\n{}\n\nnew: {new:?}\ngone (take them off KNOWN_CYCLES): {gone:?}",
        found.join("\n")
    );
}
