use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::io::Write;

/// What the reader gave, in order.
#[derive(Debug, PartialEq, Eq)]
enum Got {
    Line(String),
    /// A line too long to keep: its length.
    TooLong(u64),
    Rotated(Rotation),
    Note(Event),
}

use Got::*;

fn line(s: &str) -> Got {
    Line(s.to_string())
}

/// Every line the follower has now, with what happened, up to the point where it has nothing
/// more (true) or its input ended (false). Never waits.
fn drain(f: &mut Follow) -> (Vec<Got>, bool) {
    let mut got = Vec::new();
    loop {
        let mut out = Vec::new();
        match f.next_line(&mut out).unwrap() {
            Next::Line(l) if l.kept => {
                assert_eq!(l.read as usize, out.len(), "read counts the bytes kept");
                let text = String::from_utf8(out).unwrap();
                got.push(Line(text.trim_end_matches('\n').to_string()));
            }
            Next::Line(l) => {
                assert!(out.is_empty(), "a line too long is not kept");
                got.push(TooLong(l.len));
            }
            Next::Rotated(how) => got.push(Rotated(how)),
            Next::Note(e) => got.push(Note(e)),
            Next::Idle => return (got, true),
            Next::End => return (got, false),
        }
    }
}

fn follow(path: &Path) -> Follow {
    Follow::file(path, Duration::from_millis(5), Stop::new()).unwrap()
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn a_line_is_taken_only_once_its_newline_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\ntw").unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line("one")], true));
    // Still no newline: nothing, however often it is asked.
    append(&path, "o, still");
    assert_eq!(drain(&mut f), (vec![], true));
    assert_eq!(drain(&mut f), (vec![], true));
    append(&path, " going\r\nthree\n");
    assert_eq!(
        drain(&mut f),
        (vec![line("two, still going\r"), line("three")], true)
    );
    assert_eq!(drain(&mut f), (vec![], true));
}

#[test]
fn a_line_longer_than_the_limit_is_counted_not_kept_even_while_it_grows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "12345\n1234").unwrap();
    let mut f = follow(&path);
    f.max = 5;
    assert_eq!(drain(&mut f), (vec![line("12345")], true));
    append(&path, "56789");
    assert_eq!(drain(&mut f), (vec![], true));
    assert!(f.skipping.is_some() && f.end == 0, "nothing of it is kept");
    append(&path, "0\nok\n");
    assert_eq!(drain(&mut f), (vec![TooLong(10), line("ok")], true));
}

#[test]
fn a_long_line_grows_the_buffer_and_it_shrinks_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let long = "x".repeat(BUF * 3 + 17);
    std::fs::write(&path, format!("{long}\nshort\n")).unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line(&long), line("short")], true));
    assert_eq!(f.buf.len(), BUF, "back to the usual size");
}

#[test]
fn a_truncated_file_is_read_again_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\ntwo\nhalf a li").unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line("one"), line("two")], true));
    // copytruncate: cut to nothing, then written again (shorter than what was read).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&path, "new\n");
    assert_eq!(
        drain(&mut f),
        (vec![Rotated(Rotation::Truncated), line("new")], true),
        "the old half line is dropped"
    );
}

#[test]
fn a_replaced_file_is_read_to_its_end_then_the_new_one_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "old 1\n").unwrap();
    let mut f = follow(&path);
    let first = f.file_id();
    assert_eq!(drain(&mut f), (vec![line("old 1")], true));
    // logrotate's create: renamed away, a writer finishing the old file, a new one created.
    let rotated = dir.path().join("app.log.1");
    std::fs::rename(&path, &rotated).unwrap();
    std::fs::write(&path, "new 1\nnew 2\n").unwrap();
    append(&rotated, "old 2\nold 3 without newline");
    assert_eq!(
        drain(&mut f),
        (
            vec![
                line("old 2"),
                line("old 3 without newline"),
                Rotated(Rotation::Replaced),
                line("new 1"),
                line("new 2"),
            ],
            true
        )
    );
    assert_ne!(f.file_id(), first);
    assert_eq!(f.file_id(), FileId::at(&path).ok());
    // The old file is not read any more.
    append(&rotated, "old 4\n");
    append(&path, "new 3\n");
    assert_eq!(drain(&mut f), (vec![line("new 3")], true));
}

#[test]
fn a_missing_path_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\n").unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line("one")], true));
    let moved = dir.path().join("moved.log");
    std::fs::rename(&path, &moved).unwrap();
    assert_eq!(drain(&mut f), (vec![Note(Event::Missing)], true));
    // Said once; what is written to the file still open is read.
    append(&moved, "two\n");
    assert_eq!(drain(&mut f), (vec![line("two")], true));
    assert_eq!(drain(&mut f), (vec![], true));
    // The same file back at the path.
    std::fs::rename(&moved, &path).unwrap();
    assert_eq!(drain(&mut f), (vec![Note(Event::Found)], true));
    // Deleted, a directory in its place (not a file: still missing), then a new file.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert_eq!(drain(&mut f), (vec![Note(Event::Missing)], true));
    std::fs::remove_dir(&path).unwrap();
    std::fs::write(&path, "fresh\n").unwrap();
    assert_eq!(
        drain(&mut f),
        (vec![Rotated(Rotation::Replaced), line("fresh")], true)
    );
}

#[test]
fn a_new_file_that_cannot_be_read_is_told_and_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\n").unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line("one")], true));
    let fresh = dir.path().join("fresh");
    std::fs::write(&fresh, "new\n").unwrap();
    let mode = |m| std::os::unix::fs::PermissionsExt::from_mode(m);
    std::fs::set_permissions(&fresh, mode(0o000)).unwrap();
    if std::fs::File::open(&fresh).is_ok() {
        eprintln!("running as root: permissions do not stop a read; skipped");
        return;
    }
    std::fs::rename(&fresh, &path).unwrap();
    let (got, _) = drain(&mut f);
    assert!(
        matches!(&got[..], [Note(Event::Unreadable(why))] if why.contains("ermission")),
        "{got:?}"
    );
    // Told once; readable, it is read.
    assert_eq!(drain(&mut f), (vec![], true));
    std::fs::set_permissions(&path, mode(0o644)).unwrap();
    assert_eq!(
        drain(&mut f),
        (vec![Rotated(Rotation::Replaced), line("new")], true)
    );
}

#[test]
fn a_fifo_at_the_path_is_never_opened_by_the_poll() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\n").unwrap();
    let mut f = follow(&path);
    assert_eq!(drain(&mut f), (vec![line("one")], true));
    std::fs::remove_file(&path).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo not available: skipped");
        return;
    }
    // Opening a FIFO for reading would block until a writer comes: it is not opened.
    assert_eq!(drain(&mut f), (vec![Note(Event::Missing)], true));
}

#[test]
fn a_stream_gives_its_lines_as_they_come_and_its_last_line_at_its_end() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    let mut f = Follow::stream(reader, Duration::from_millis(5), Stop::new()).unwrap();
    writer.write_all(b"one\ntw").unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    let mut got = Vec::new();
    while got.is_empty() {
        assert!(Instant::now() < until, "the stream's line never came");
        f.wait();
        got = drain(&mut f).0;
    }
    assert_eq!(got, vec![line("one")]);
    writer.write_all(b"o").unwrap();
    drop(writer);
    let mut got = Vec::new();
    loop {
        assert!(Instant::now() < until, "the stream never ended");
        f.wait();
        let (more, open) = drain(&mut f);
        got.extend(more);
        if !open {
            break;
        }
    }
    assert_eq!(got, vec![line("two")]);
}

/// A token whose `sub` is `sub` (HS256, key "k").
fn token(sub: &str) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
    let p = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{sub}"}}"#));
    let tag = crate::jose::hmac::sign("HS256", b"k", format!("{h}.{p}").as_bytes()).unwrap();
    format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// A record as the tests see it: generation, line, offset, sub; or an event.
#[derive(Debug, PartialEq, Eq)]
enum Seen2 {
    Item(u32, usize, u64, String),
    Event(Event),
}

/// `Follow::run` on a thread of its own over `path`; what it gives, as it gives it.
fn engine(path: &Path, threads: usize, stop: &Stop) -> mpsc::Receiver<Seen2> {
    let (send, got) = mpsc::channel();
    let f = Follow::file(path, Duration::from_millis(5), stop.clone()).unwrap();
    std::thread::spawn(move || {
        let events = send.clone();
        let result = f.run(
            &KeyRing::default(),
            &Options::default(),
            threads,
            |part: &mut Vec<Seen2>, item: Item| {
                let sub = crate::batch::tests::sub_of(&item);
                part.push(Seen2::Item(item.generation, item.line, item.offset, sub));
            },
            |part| {
                for seen in part {
                    send.send(seen)
                        .map_err(|_| std::io::Error::other("the test is gone"))?;
                }
                Ok(())
            },
            |event| {
                let _ = events.send(Seen2::Event(event));
            },
        );
        result.unwrap();
    });
    got
}

/// The next `n` things the engine gives (within a generous bound).
#[track_caller]
fn next(got: &mpsc::Receiver<Seen2>, n: usize) -> Vec<Seen2> {
    (0..n)
        .map(|i| {
            got.recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|e| panic!("record {i} of {n} did not come: {e}"))
        })
        .collect()
}

fn item(generation: u32, line: usize, offset: u64, sub: &str) -> Seen2 {
    Seen2::Item(generation, line, offset, sub.to_string())
}

#[test]
fn the_engine_hands_out_records_as_lines_arrive_with_their_generation() {
    for threads in [1, 3] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        // Many lines first (more than a chunk), then a few at a time: each few must come
        // out without waiting for a chunk to fill.
        let backlog: String = (0..3000)
            .map(|i| format!("{}\n", token(&format!("b{i}"))))
            .collect();
        std::fs::write(&path, &backlog).unwrap();
        let stop = Stop::new();
        let got = engine(&path, threads, &stop);
        let first = next(&got, 3000);
        assert_eq!(first[0], item(0, 1, 0, "b0"));
        assert!(matches!(&first[2999], Seen2::Item(0, 3000, _, s) if s == "b2999"));
        let end = backlog.len() as u64;
        let one = format!("noise {}\n", token("one"));
        append(&path, &one);
        assert_eq!(next(&got, 1), [item(0, 3001, end, "one")]);
        // A line written in two goes: one record, once whole.
        let two = token("two");
        append(&path, &format!("x {}", &two[..10]));
        append(&path, &format!("{}\n", &two[10..]));
        assert_eq!(
            next(&got, 1),
            [item(0, 3002, end + one.len() as u64, "two")]
        );
        // Truncated: generation 1 from line 1, told before its records.
        std::fs::write(&path, format!("{}\n", token("t1"))).unwrap();
        assert_eq!(
            next(&got, 2),
            [
                Seen2::Event(Event::Rotated {
                    generation: 1,
                    how: Rotation::Truncated,
                    file: FileId::at(&path).ok()
                }),
                item(1, 1, 0, "t1")
            ]
        );
        // Replaced: the rest of the old file, then generation 2. The old file keeps a name by
        // a hard link (the path is never missing between two renames), and its last line is
        // written before the new file takes the path: a line written to the old file after
        // the follower moved on is not read (as with `tail -F`), and a test cannot know when
        // that is.
        let old = dir.path().join("app.log.1");
        std::fs::hard_link(&path, &old).unwrap();
        append(&old, &format!("{}\n", token("t2")));
        let fresh = dir.path().join("fresh");
        std::fs::write(&fresh, format!("{}\n", token("r1"))).unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        let rest = next(&got, 3);
        let line2 = (token("t1").len() + 1) as u64;
        assert_eq!(rest[0], item(1, 2, line2, "t2"));
        assert_eq!(
            rest[1],
            Seen2::Event(Event::Rotated {
                generation: 2,
                how: Rotation::Replaced,
                file: FileId::at(&path).ok()
            })
        );
        assert_eq!(rest[2], item(2, 1, 0, "r1"));
        stop.stop();
        // The engine ends: its thread drops the sender.
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            match got.recv_timeout(Duration::from_secs(20)) {
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                other => assert!(Instant::now() < until, "still running: {other:?}"),
            }
        }
    }
}

#[test]
fn the_engine_stops_when_its_sink_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, format!("{}\n", token("a"))).unwrap();
    let f = Follow::file(&path, Duration::from_millis(5), Stop::new()).unwrap();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let result = f.run(
            &KeyRing::default(),
            &Options::default(),
            2,
            |n: &mut usize, _| *n += 1,
            |_| Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "gone")),
            |_| {},
        );
        let _ = done.send(result.map_err(|e| e.kind()));
    });
    let result = finished.recv_timeout(Duration::from_secs(20)).unwrap();
    assert_eq!(result, Err(std::io::ErrorKind::BrokenPipe));
}
