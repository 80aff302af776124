//! The log browser's groups: the rows shown, counted by one field (verdict, finding id,
//! campaign, an outcome), the biggest group first; choosing one filters the list to it.

use std::collections::HashMap;

use super::Row;
use super::filter::Field;

/// The fields rows are grouped by, in the order Tab steps through them.
pub const GROUP_BY: [Field; 5] = [
    Field::Verdict,
    Field::Finding,
    Field::Campaign,
    Field::Participation,
    Field::Win,
];

/// What a group is called when its rows have no value for the field.
pub const NONE: &str = "(none)";

/// One group: its value, how many rows, the first row's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub value: String,
    pub rows: usize,
    pub first_line: usize,
}

/// The rows shown, grouped by one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    pub by: Field,
    /// Biggest first (then by value).
    pub groups: Vec<Group>,
    /// Rows counted (a row counts in as many finding groups as it has findings).
    pub rows: usize,
    pub sel: usize,
    pub scroll: usize,
    index: HashMap<String, usize>,
}

impl Groups {
    pub fn new(by: Field) -> Groups {
        Groups {
            by,
            groups: Vec::new(),
            rows: 0,
            sel: 0,
            scroll: 0,
            index: HashMap::new(),
        }
    }

    /// Count `row` in its group(s).
    pub fn add(&mut self, row: &Row) {
        self.rows += 1;
        match self.by {
            Field::Finding if row.findings.is_empty() => self.count(NONE, row.line),
            Field::Finding => {
                for spec in row.findings.iter() {
                    self.count(spec.id, row.line);
                }
            }
            Field::Verdict => self.count(row.verdict(), row.line),
            Field::Profile => self.count(or_none(row.profile()), row.line),
            Field::Campaign => self.count(or_none(&row.campaign), row.line),
            Field::Sub => self.count(or_none(&row.sub), row.line),
            Field::Participation => self.count(or_none(row.participation()), row.line),
            Field::Win => self.count(or_none(row.win()), row.line),
        }
    }

    fn count(&mut self, value: &str, line: usize) {
        match self.index.get(value) {
            Some(&i) => self.groups[i].rows += 1,
            None => {
                self.index.insert(value.to_string(), self.groups.len());
                self.groups.push(Group {
                    value: value.to_string(),
                    rows: 1,
                    first_line: line,
                });
            }
        }
    }

    /// Biggest group first, keeping the selected group selected.
    pub fn sort(&mut self) {
        let keep = self.selected().map(|g| g.value.clone());
        self.groups
            .sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.value.cmp(&b.value)));
        self.index = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.value.clone(), i))
            .collect();
        if let Some(i) = keep.and_then(|v| self.index.get(&v)) {
            self.sel = *i;
        }
    }

    pub fn selected(&self) -> Option<&Group> {
        self.groups.get(self.sel)
    }

    /// Move the selection by `delta`, in a window of `height` groups.
    pub fn move_by(&mut self, delta: i64, height: usize) {
        super::move_in(
            &mut self.sel,
            &mut self.scroll,
            delta,
            self.groups.len(),
            height,
        );
    }

    /// The filter word that shows the selected group's rows (the rows with no value: the
    /// rows whose field is empty).
    pub fn filter_word(&self) -> Option<String> {
        let g = self.selected()?;
        let value = if g.value == NONE { "" } else { &g.value };
        Some(match (self.by, value) {
            // A row with no finding: none of them, rather than an id equal to "".
            (Field::Finding, "") => format!("!{}:", self.by.name()),
            _ => super::filter::Filter::exact(self.by, value),
        })
    }
}

fn or_none(value: &str) -> &str {
    if value.is_empty() { NONE } else { value }
}
