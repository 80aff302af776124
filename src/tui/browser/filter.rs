//! The log browser's filter: words that each narrow the rows, a field named or not
//! (`finding:exp.expired`, `campaign=summer-quiz`, `!verdict:accepted`, `jane`), and the set
//! of finding ids a row holds, kept as bits (a row of a million-row log stays small).

use crate::rules::ids::{ALL, RuleSpec};

use super::Row;

const WORDS: usize = ALL.len().div_ceil(64);

/// Finding ids, as their places in [`ALL`]: every finding a token has, in a few bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingSet([u64; WORDS]);

impl FindingSet {
    /// The set of the ids in `ids` that tokenscope knows (an unknown id has no place).
    pub fn of<'a>(ids: impl IntoIterator<Item = &'a str>) -> FindingSet {
        let mut set = FindingSet::default();
        for id in ids {
            if let Some(i) = ALL.iter().position(|s| s.id == id) {
                set.0[i / 64] |= 1 << (i % 64);
            }
        }
        set
    }

    /// The known ids that `pick` chooses.
    fn matching(pick: impl Fn(&str) -> bool) -> FindingSet {
        FindingSet::of(ALL.iter().map(|s| s.id).filter(|id| pick(id)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    fn intersects(&self, other: &FindingSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    /// The ids in the set, in documentation order.
    pub fn iter(&self) -> impl Iterator<Item = &'static RuleSpec> + '_ {
        ALL.iter()
            .enumerate()
            .filter(|(i, _)| self.0[i / 64] & (1 << (i % 64)) != 0)
            .map(|(_, s)| s)
    }
}

/// A row's field a filter word may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Verdict,
    Profile,
    Campaign,
    Sub,
    Participation,
    Win,
    Finding,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Verdict,
        Field::Profile,
        Field::Campaign,
        Field::Sub,
        Field::Participation,
        Field::Win,
        Field::Finding,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Verdict => "verdict",
            Field::Profile => "profile",
            Field::Campaign => "campaign",
            Field::Sub => "sub",
            Field::Participation => "participation",
            Field::Win => "win",
            Field::Finding => "finding",
        }
    }

    fn named(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "id" | "finding" | "findings" => Some(Field::Finding),
            "part" | "particip" => Some(Field::Participation),
            _ => Field::ALL.into_iter().find(|f| f.name() == name),
        }
    }
}

/// One word of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    /// None: any field.
    field: Option<Field>,
    /// Lower case.
    text: String,
    /// `=`: the whole field, not a part of it.
    exact: bool,
    /// `!`: the rows that do not match.
    negated: bool,
    /// The finding ids the word matches.
    findings: FindingSet,
}

impl Term {
    fn parse(word: &str) -> Term {
        let (negated, word) = match word.strip_prefix('!') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, word),
        };
        // `field:part` or `field=whole`, when the name before is a field's; else the whole
        // word is text (a URL has a colon too).
        let split = word
            .find([':', '='])
            .and_then(|i| Some((Field::named(&word[..i])?, &word[i..i + 1], &word[i + 1..])));
        let (field, exact, text) = match split {
            Some((field, sep, text)) => (Some(field), sep == "=", text),
            None => (None, false, word),
        };
        let text = text.to_lowercase();
        let findings = if matches!(field, None | Some(Field::Finding)) {
            FindingSet::matching(|id| found(id, &text, exact))
        } else {
            FindingSet::default()
        };
        Term {
            field,
            text,
            exact,
            negated,
            findings,
        }
    }

    fn matches(&self, row: &Row) -> bool {
        let hit = |value: &str| found(value, &self.text, self.exact);
        let matched = match self.field {
            Some(Field::Verdict) => hit(row.verdict()),
            Some(Field::Profile) => hit(row.profile()),
            Some(Field::Campaign) => hit(&row.campaign),
            Some(Field::Sub) => hit(&row.sub),
            Some(Field::Participation) => hit(row.participation()),
            Some(Field::Win) => hit(row.win()),
            Some(Field::Finding) => row.findings.intersects(&self.findings),
            None => {
                row.findings.intersects(&self.findings)
                    || [
                        row.verdict(),
                        row.profile(),
                        &row.campaign,
                        &row.sub,
                        row.participation(),
                        row.win(),
                        &row.first,
                    ]
                    .into_iter()
                    .any(hit)
            }
        };
        matched != self.negated
    }
}

/// Whether `value` holds `text` (lower case): all of it when `exact`, case aside.
fn found(value: &str, text: &str, exact: bool) -> bool {
    if exact {
        return value.to_lowercase() == text;
    }
    if text.is_empty() {
        return true;
    }
    // Most of a log is ASCII: compare without a lower-case copy of every field.
    if value.is_ascii() {
        let text = text.as_bytes();
        return value
            .as_bytes()
            .windows(text.len())
            .any(|w| w.eq_ignore_ascii_case(text));
    }
    value.to_lowercase().contains(text)
}

/// A filter: the rows every word matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<Term>,
}

impl Filter {
    /// Words split as a shell would (`campaign="summer quiz"` is one word); with a quote
    /// left open, at spaces, quotes aside.
    pub fn parse(text: &str) -> Filter {
        let words = shlex::split(text).unwrap_or_else(|| {
            text.split_whitespace()
                .map(|w| w.replace(['"', '\''], ""))
                .collect()
        });
        Filter {
            terms: words
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| Term::parse(w))
                .collect(),
        }
    }

    pub fn matches(&self, row: &Row) -> bool {
        self.terms.iter().all(|t| t.matches(row))
    }

    /// A word a filter can take that matches a field's whole value.
    pub fn exact(field: Field, value: &str) -> String {
        let plain = !value.is_empty()
            && !value
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
        if plain {
            return format!("{}={value}", field.name());
        }
        let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{}=\"{quoted}\"", field.name())
    }
}
