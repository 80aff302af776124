use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::io::Read;

#[test]
fn read_line_reads_as_read_until_does() {
    let text: &[u8] = b"first\r\n\n\na line longer than the reader's buffer\nno newline at the end";
    for capacity in [1, 3, 7, 64] {
        let mut ours = std::io::BufReader::with_capacity(capacity, text);
        let mut std_ = std::io::BufReader::with_capacity(capacity, text);
        loop {
            let (mut a, mut b) = (b"kept".to_vec(), b"kept".to_vec());
            let line = read_line(&mut ours, &mut a, MAX_LINE).unwrap();
            assert!(line.kept);
            assert_eq!(line.read, std_.read_until(b'\n', &mut b).unwrap() as u64);
            assert_eq!(a, b, "buffer capacity {capacity}");
            if line.read == 0 {
                break;
            }
        }
    }
}

#[test]
fn a_line_past_the_limit_is_read_past_and_not_kept() {
    let text: &[u8] = b"12345\n123456\n\n1234567890123\r\nabc";
    for capacity in [1, 3, 7, 64] {
        let mut input = std::io::BufReader::with_capacity(capacity, text);
        let mut out = b"kept".to_vec();
        let mut lines = Vec::new();
        loop {
            let before = out.len();
            let line = read_line(&mut input, &mut out, 5).unwrap();
            assert!(
                out.len() <= before + 6,
                "capacity {capacity}: at most the limit"
            );
            if line.read == 0 {
                break;
            }
            lines.push((line.len, line.kept, out[before..].to_vec()));
        }
        assert_eq!(
            lines,
            [
                (5, true, b"12345\n".to_vec()),
                (6, false, vec![]),
                (0, true, b"\n".to_vec()),
                (14, false, vec![]),
                (3, true, b"abc".to_vec()),
            ],
            "capacity {capacity}"
        );
    }
}

#[test]
fn an_endless_line_keeps_memory_flat() {
    // 64 MiB of one line through a 4 KiB reader: nothing kept past the limit.
    let mut input = std::io::BufReader::with_capacity(4096, std::io::repeat(b'a').take(64 << 20));
    let mut out = Vec::new();
    let line = read_line(&mut input, &mut out, 1 << 20).unwrap();
    assert_eq!((line.len, line.kept), (64 << 20, false));
    assert!(
        out.is_empty() && out.capacity() <= 2 << 20,
        "{}",
        out.capacity()
    );
}

/// More tokens than two chunks, with blank and tokenless lines between them.
fn log() -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
    (0..(CHUNK_LINES * 2 + 123))
        .map(|i| {
            let p = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{i}"}}"#));
            let tag = crate::jose::hmac::sign("HS256", b"k", format!("{h}.{p}").as_bytes())
                .unwrap_or_default();
            let t = format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(tag));
            if i % 7 == 0 {
                format!("{t}\n\nno token\n")
            } else {
                format!("{t}\n")
            }
        })
        .collect()
}

fn subs(threads: usize, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let opts = Options::default();
    run(
        std::io::Cursor::new(text.as_bytes()),
        &KeyRing::default(),
        &opts,
        threads,
        |part: &mut Vec<(usize, String)>, item| {
            part.push((item.line, sub_of(&item)));
        },
        |part| {
            out.extend(part);
            Ok(())
        },
    )
    .unwrap();
    out
}

#[test]
fn every_thread_count_gives_the_same_records_in_input_order() {
    let text = log();
    let one = subs(1, &text);
    assert_eq!(one.len(), CHUNK_LINES * 2 + 123);
    assert!(
        one.windows(2).all(|w| w[0].0 < w[1].0),
        "line numbers increase"
    );
    for (i, (_, sub)) in one.iter().enumerate() {
        assert_eq!(sub, &i.to_string());
    }
    assert_eq!(subs(2, &text), one);
    assert_eq!(subs(3, &text), one);
}

#[test]
fn parts_cover_every_line_once_in_order() {
    let mut input: &[u8] = b"a\nbbbbbbbbbb\ncc\nd\n\neeeeeeeeeeeeeeeeeeee\nf";
    let mut seen = Seen::default();
    let chunk = Chunk::read(&mut input, &mut seen, None).unwrap();
    assert_eq!(seen.lines, 7);
    assert_eq!(seen.bytes, 41);
    for threads in 1..=9 {
        let parts = chunk.parts(threads);
        assert!(
            !parts.is_empty() && parts.len() <= threads,
            "{threads}: {parts:?}"
        );
        assert_eq!(parts[0].start, 0);
        assert_eq!(parts.last().unwrap().end, chunk.lines.len());
        assert!(
            parts
                .windows(2)
                .all(|w| w[0].end == w[1].start && w[0].start < w[0].end)
        );
    }
}

#[test]
fn a_failing_sink_stops_the_batch_with_its_error() {
    let text = log();
    for threads in [1, 2, 4] {
        let mut taken = 0;
        let result = run(
            std::io::Cursor::new(text.as_bytes()),
            &KeyRing::default(),
            &Options::default(),
            threads,
            |part: &mut Vec<usize>, item| part.push(item.line),
            |_| {
                taken += 1;
                match taken {
                    2 => Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
                    _ => Ok(()),
                }
            },
        );
        assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(taken, 2, "{threads} threads");
    }
}

#[test]
#[should_panic(expected = "inspection panicked")]
fn a_panic_on_a_worker_reaches_the_caller() {
    let text = log();
    let _ = run(
        std::io::Cursor::new(text.as_bytes()),
        &KeyRing::default(),
        &Options::default(),
        2,
        |_: &mut (), item| {
            // A line of the second chunk, after the first went out.
            if item.line >= CHUNK_LINES + 7 {
                panic!("inspection panicked");
            }
        },
        |()| Ok(()),
    );
}

#[test]
fn merged_parts_summarise_like_the_whole() {
    let findings: Vec<crate::report::Finding> = ["id.0", "id.1", "id.2"]
        .into_iter()
        .map(|id| crate::report::Finding::new(id, crate::report::Severity::Warning, "", "", ""))
        .collect();
    let campaigns = ["c0", "c1", "c2", "c3", "c4"];
    let stats: Vec<Stats> = (0..50)
        .map(|i| Stats {
            line: i + 1,
            overall: match i % 4 {
                0 => None,
                1 => Some(Overall::Accepted),
                2 => Some(Overall::Rejected),
                _ => Some(Overall::NotVerified),
            },
            findings: &findings[..i % 3],
            campaign: campaigns[i % 5],
            participation: ["standard", "limited"][i % 2],
            win: ["standard", "given_prize", "cannot_win"][i % 3],
            winning: i % 6 == 0,
            too_long: i % 4 == 0 && i % 3 == 0,
        })
        .collect();
    let mut whole = Summary::default();
    stats.iter().for_each(|s| whole.add(s));
    for cut in [1, 7, 25, 49] {
        let (mut first, mut second) = (Summary::default(), Summary::default());
        stats[..cut].iter().for_each(|s| first.add(s));
        stats[cut..].iter().for_each(|s| second.add(s));
        first.merge(second);
        assert_eq!(
            serde_json::to_value(&first).unwrap(),
            serde_json::to_value(&whole).unwrap(),
            "cut at {cut}"
        );
    }
}

fn stats_for(campaigns: &[&'static str]) -> Vec<Stats<'static>> {
    campaigns
        .iter()
        .enumerate()
        .map(|(i, &campaign)| Stats {
            line: i + 1,
            overall: Some(Overall::Accepted),
            findings: &[],
            campaign,
            participation: "standard",
            win: "standard",
            winning: false,
            too_long: false,
        })
        .collect()
}

#[test]
fn the_first_campaigns_in_input_order_are_counted_whatever_the_parts() {
    // Campaign ids out of alphabetical order, several on one line, repeated later.
    let order = ["z", "y", "z", "b", "a", "y", "c", "d", "b", "e", "a"];
    let mut stats = stats_for(&order);
    stats[4].line = stats[3].line; // "b" and "a" share a line
    let summarise = |cuts: &[usize]| {
        let mut total = Summary::default();
        let mut from = 0;
        for &cut in cuts.iter().chain([stats.len()].iter()) {
            let mut part = Summary::default();
            stats[from..cut].iter().for_each(|s| part.add(s));
            total.merge_capped(part, 4);
            from = cut;
        }
        serde_json::to_value(&total).unwrap()
    };
    let whole = summarise(&[]);
    let counted: Vec<&String> = whole["campaigns"].as_object().unwrap().keys().collect();
    assert_eq!(counted, ["a", "b", "y", "z"]);
    assert_eq!(whole["campaigns"]["z"]["tokens"], 2);
    assert_eq!(whole["campaigns"]["a"]["tokens"], 2);
    assert_eq!(whole["other_campaigns"]["tokens"], 3, "c, d and e");
    for cuts in [
        &[1][..],
        &[3],
        &[4],
        &[2, 5, 7],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ] {
        assert_eq!(summarise(cuts), whole, "cut at {cuts:?}");
    }
}

#[test]
fn a_long_campaign_id_is_counted_with_the_others() {
    let long: &'static str = "x".repeat(MAX_CAMPAIGN_ID + 1).leak();
    let mut part = Summary::default();
    stats_for(&["a", long]).iter().for_each(|s| part.add(s));
    let mut total = Summary::default();
    total.merge(part);
    assert_eq!(total.campaigns.len(), 1);
    assert_eq!(total.other_campaigns.tokens, 1);
    let text = total.render(None);
    assert!(
        text.contains("  others: 1 token(s): 1 token(s) whose campaignId is not counted on its own (past the first 10000 distinct ones, or longer than 256 bytes)"),
        "{text}"
    );
}

#[test]
fn the_summary_shows_the_campaigns_with_the_most_tokens_and_the_campaign_files() {
    let ids: Vec<&'static str> = (0..SHOWN_CAMPAIGNS + 5)
        .map(|i| &*format!("c{i:03}").leak())
        .collect();
    // c000 has 1 token, c001 2, ...: the 5 with the fewest are left out, but c000 is the
    // campaign file's.
    let mut order = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        order.extend(std::iter::repeat_n(*id, i + 1));
    }
    let mut total = Summary::default();
    total.track("c000");
    let mut part = Summary::default();
    stats_for(&order).iter().for_each(|s| part.add(s));
    total.merge(part);
    let text = total.render(Some(("c000", 3)));
    assert!(text.contains("  c000: 1 token(s)\n"), "{text}");
    assert!(text.contains("winning tokens (gift.cw true): 0 for 3 prize(s)"));
    assert!(!text.contains("  c001:"), "{text}");
    assert!(text.contains(&format!("  c{:03}: ", SHOWN_CAMPAIGNS + 4)));
    assert!(
        text.contains("  others: 14 token(s): 4 more campaignId(s) (only the 50 with the most tokens are shown); --json lists every token\n    participation: standard 14\n"),
        "{text}"
    );
}

#[test]
fn each_item_knows_where_its_line_starts() {
    let token = |sub: &str| {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{sub}"}}"#))
        )
    };
    let input = format!(
        "first line, no token\n{}\n\nlog: at 12:00 token={} end\n{}",
        token("a"),
        token("b"),
        token("c")
    );
    for threads in [1, 2] {
        let mut seen = Vec::new();
        run(
            input.as_bytes(),
            &KeyRing::default(),
            &Options::default(),
            threads,
            |acc: &mut Vec<(usize, u64)>, item| acc.push((item.line, item.offset)),
            |part| {
                seen.extend(part);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen.len(), 3, "{seen:?}");
        for (line, offset) in seen {
            let at = &input[offset as usize..];
            let nth = input.lines().nth(line - 1).unwrap();
            assert!(at.starts_with(nth), "line {line} at {offset}");
        }
    }
}

/// The `sub` claim of an item's token, or "" (a token that did not decode, or has none).
pub(in crate::batch) fn sub_of(item: &Item<'_>) -> String {
    item.result
        .ok()
        .and_then(|i| i.payload)
        .and_then(|p| p.get("sub").and_then(|s| s.as_str().map(str::to_string)))
        .unwrap_or_default()
}
