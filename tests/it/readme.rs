//! README.md documents every finding id exactly as the rules engine defines it.

use tokenscope::rules::ids::ALL;

/// The README table, generated from the rules' own specs.
fn findings_table() -> String {
    let mut out =
        String::from("| id | severity | claim | meaning | source |\n|---|---|---|---|---|\n");
    for spec in ALL {
        let cell = |s: &str| s.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} | {} |\n",
            spec.id,
            spec.severity.as_str(),
            cell(spec.claim),
            cell(spec.meaning),
            cell(spec.source)
        ));
    }
    out
}

#[test]
fn readme_lists_every_finding() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = findings_table();
    assert!(
        readme.contains(&table),
        "README.md's findings table is out of date; replace it with:\n\n{table}"
    );
}
