use super::*;

fn row(line: usize, overall: Option<Overall>, first: &str) -> Row {
    Row {
        generation: 0,
        line,
        offset: line as u64 * 10,
        overall,
        profile: overall.map(|_| Profile::Qualifio),
        participation: overall.map(|_| ParticipationOutcome::Allowed),
        win: overall.map(|_| WinOutcome::Standard),
        campaign: "summer".into(),
        sub: "jane".into(),
        first: Cow::Owned(first.to_string()),
        findings: FindingSet::of([first]),
    }
}

fn part(rows: Vec<Row>) -> Part {
    Part {
        rows,
        summary: Summary::default(),
    }
}

#[test]
fn a_filter_narrows_the_rows_and_keeps_the_selection() {
    let mut b = Browser::new(1, Source::File("log".into()), None);
    b.extend(part(vec![
        row(1, Some(Overall::Accepted), ""),
        row(2, Some(Overall::Rejected), "generic.exp.expired"),
        row(3, None, "malformed: no token"),
        row(4, Some(Overall::Rejected), "generic.exp.expired"),
    ]));
    b.move_by(3, 10);
    assert_eq!(b.selected().map(|r| r.line), Some(4));
    b.set_filter("EXP.EXPIRED");
    assert_eq!(b.shown.len(), 2);
    assert_eq!(b.selected().map(|r| r.line), Some(4));
    b.set_filter("malformed");
    assert_eq!(b.selected().map(|r| r.line), Some(3));
    // Rows arriving later are filtered as they come.
    b.extend(part(vec![
        row(5, None, "x"),
        row(6, Some(Overall::Accepted), ""),
    ]));
    assert_eq!(b.shown.len(), 2);
    b.set_filter("");
    assert_eq!(b.shown.len(), 6);
}

#[test]
fn filter_words_name_a_field_match_whole_values_negate_and_and() {
    let mut expired = row(2, Some(Overall::Rejected), "generic.exp.expired");
    // A warning is a finding too: a filter on its id finds the row, though it is not the
    // first error.
    expired.findings = FindingSet::of(["generic.exp.expired", "qualifio.kid.missing"]);
    let mut other = row(3, Some(Overall::Accepted), "");
    other.campaign = "summer quiz".into();
    other.sub = "generic".into();
    let rows = [row(1, Some(Overall::Accepted), ""), expired, other];
    let shown = |filter: &str| -> Vec<usize> {
        let f = Filter::parse(filter);
        rows.iter()
            .filter(|r| f.matches(r))
            .map(|r| r.line)
            .collect()
    };
    assert_eq!(shown("finding:kid.missing"), [2]);
    assert_eq!(shown("id=qualifio.kid.missing"), [2]);
    assert_eq!(shown("id=kid.missing"), Vec::<usize>::new());
    // Free text reads every column and every finding id; a field word reads its field only.
    assert_eq!(shown("generic"), [2, 3]);
    assert_eq!(shown("finding:generic"), [2]);
    assert_eq!(shown("sub:generic"), [3]);
    assert_eq!(shown("verdict:accepted"), [1, 3]);
    assert_eq!(shown("!verdict:accepted"), [2]);
    assert_eq!(shown("verdict:accepted campaign=summer"), [1]);
    assert_eq!(shown("campaign=\"summer quiz\""), [3]);
    assert_eq!(shown("!finding:"), [1, 3]);
    // Not a field's name: the word is text (a URL has a colon).
    assert_eq!(shown("https://x"), Vec::<usize>::new());
    assert_eq!(shown(""), [1, 2, 3]);
    // An unbalanced quote is still a filter.
    assert_eq!(shown("\"summer"), [1, 2, 3]);
    // A value with quotes and spaces goes through its word whole.
    let odd = "it's \"odd\" \\ x";
    let mut r = row(9, None, "");
    r.campaign = odd.into();
    assert!(Filter::parse(&Filter::exact(Field::Campaign, odd)).matches(&r));
    assert!(!Filter::parse(&Filter::exact(Field::Campaign, "it's")).matches(&r));
    assert_eq!(
        Filter::exact(Field::Campaign, "summer quiz"),
        "campaign=\"summer quiz\""
    );
}

#[test]
fn groups_count_the_rows_shown_and_narrow_the_filter() {
    let mut b = Browser::new(1, Source::File("log".into()), None);
    let mut both = row(4, Some(Overall::Rejected), "generic.exp.expired");
    both.findings = FindingSet::of(["generic.exp.expired", "qualifio.kid.missing"]);
    b.extend(part(vec![
        row(1, Some(Overall::Accepted), ""),
        row(2, Some(Overall::Rejected), "generic.exp.expired"),
        row(3, None, "malformed: no token"),
        both,
    ]));
    assert_eq!(b.next_grouping(), Some(Field::Verdict));
    b.group_by(Some(Field::Finding));
    let View::Groups(g) = &b.view else {
        panic!("groups")
    };
    let counts: Vec<(&str, usize, usize)> = g
        .groups
        .iter()
        .map(|g| (g.value.as_str(), g.rows, g.first_line))
        .collect();
    assert_eq!(
        counts,
        [
            ("(none)", 2, 1),
            ("generic.exp.expired", 2, 2),
            ("qualifio.kid.missing", 1, 4)
        ]
    );
    // Rows that arrive are counted in.
    b.extend(part(vec![row(
        5,
        Some(Overall::Rejected),
        "generic.exp.expired",
    )]));
    let View::Groups(g) = &mut b.view else {
        panic!("groups")
    };
    assert_eq!(g.groups[0].value, "generic.exp.expired");
    assert_eq!(g.groups[0].rows, 3);
    g.move_by(2, 10);
    assert_eq!(
        g.filter_word().as_deref(),
        Some("finding=qualifio.kid.missing")
    );
    g.move_by(-1, 10);
    assert_eq!(g.filter_word().as_deref(), Some("!finding:"));
    let word = g.filter_word().unwrap_or_default();
    b.narrow(&word);
    assert_eq!(b.shown.len(), 2);
    // The groups follow the filter; the next grouping after the last is none.
    b.group_by(Some(Field::Win));
    assert_eq!(b.next_grouping(), None);
    let View::Groups(g) = &b.view else {
        panic!("groups")
    };
    assert_eq!(g.rows, 2);
}

#[test]
fn reading_again_keeps_the_filter_the_view_and_the_selected_line() {
    let mut b = Browser::new(1, Source::File("log".into()), None);
    b.prizes = Some(("summer".into(), 2));
    b.extend(part(
        (1..=5)
            .map(|l| row(l, Some(Overall::Accepted), ""))
            .collect(),
    ));
    b.set_filter("verdict:accepted");
    b.move_by(3, 10);
    b.group_by(Some(Field::Verdict));
    let mut again = b.again(2, None);
    assert_eq!(again.filter, "verdict:accepted");
    assert!(
        matches!(&again.view, View::Groups(g) if g.by == Field::Verdict && g.groups.is_empty())
    );
    assert!(again.summary.campaigns.contains_key("summer"));
    again.extend(part(
        (1..=5)
            .map(|l| row(l, Some(Overall::Accepted), ""))
            .collect(),
    ));
    assert_eq!(again.selected().map(|r| r.line), Some(4));
}

#[test]
fn rows_grow_by_chunks_and_keep_their_order() {
    let mut rows = Rows::default();
    let n = Rows::CHUNK * 2 + 3;
    for line in 1..=n {
        rows.push(row(line, None, ""));
    }
    assert_eq!(rows.len(), n);
    assert_eq!(rows.chunks.len(), 3);
    for i in [0, Rows::CHUNK - 1, Rows::CHUNK, n - 1] {
        assert_eq!(rows.get(i).map(|r| r.line), Some(i + 1));
    }
    assert!(rows.get(n).is_none());
    assert!(rows.iter().map(|r| r.line).eq(1..=n));
}

#[test]
fn a_line_is_read_again_from_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    std::fs::write(&path, "one\r\ntwo\nthree").unwrap();
    let file = Source::File(path.clone());
    let text = Source::Text(Arc::from(&b"one\r\ntwo\nthree"[..]));
    for source in [&file, &text] {
        assert_eq!(read_line_at(source, 0, None).unwrap(), "one");
        assert_eq!(read_line_at(source, 5, None).unwrap(), "two");
        assert_eq!(read_line_at(source, 9, None).unwrap(), "three");
    }
    assert!(read_line_at(&Source::Text(Arc::from(&b"x"[..])), 9, None).is_err());
    // Another file at the path: its line at that offset is not the row's.
    let id = FileId::at(&path).ok();
    assert_eq!(read_line_at(&file, 9, id).unwrap(), "three");
    let other = dir.path().join("log.new");
    std::fs::write(&other, "one\r\ntwo\nfour").unwrap();
    std::fs::rename(&other, &path).unwrap();
    let err = read_line_at(&file, 9, id).unwrap_err();
    assert!(err.contains("the log was rotated since"), "{err}");
}
