//! Following a log that grows (`--follow`): the batch engine over lines as they are written.
//! Lines read so far are handed out as soon as the input goes idle, a last line is taken only
//! once its newline is there, and a file is polled for more. Rotation-safe: a file truncated
//! is read again from its start, a file replaced (renamed away, a new one created at the
//! path) is read to its end before the new one is opened, and a path missing for a moment is
//! waited for. Each file read is a generation: its lines are numbered from 1 again, so that a
//! line can be told from the line of an earlier file at the same place.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::lines::{LineRead, Lines, Seen};
use super::{Chunk, Item, MAX_LINE};
use crate::inspect::Options;
use crate::keys::KeyRing;

/// How often a followed file is looked at when it has nothing more: new lines show within
/// this, and an idle follower costs a read and two stats per interval.
pub const POLL: Duration = Duration::from_millis(200);

/// What is read from the input at a time.
const BUF: usize = 64 << 10;

/// Blocks of a stream read ahead of the engine (memory stays flat when it falls behind).
const AHEAD: usize = 16;

/// Longest sleep between two looks at the stop signal.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// Tells a follower to stop: it ends within a poll interval (the records of the lines it
/// already read still reach the sink). Clones share the signal.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for a signal handler to set (`signal_hook::flag::register`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

/// The same signal (not two that are both stopped, or both not).
impl PartialEq for Stop {
    fn eq(&self, other: &Stop) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Stop {}

/// Which file a path names: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }

    /// The file at `path` now.
    pub fn at(path: &Path) -> std::io::Result<FileId> {
        std::fs::metadata(path).map(|m| FileId::of(&m))
    }
}

/// How a followed file was rotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// Cut shorter than what was read (`copytruncate`, `> app.log`): read again from its
    /// start. What was read of a line without its newline is dropped.
    Truncated,
    /// Another file at the path (renamed away, a new one created): the old one was read to
    /// its end (a last line without a newline counts as a line), the new one is read from
    /// its start.
    Replaced,
}

impl Rotation {
    pub fn as_str(self) -> &'static str {
        match self {
            Rotation::Truncated => "truncated",
            Rotation::Replaced => "replaced",
        }
    }
}

/// What happened to a followed file, told in input order: an `Event` comes after every
/// record of the lines read before it has reached the sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new generation starts (its lines are numbered from 1 again).
    Rotated {
        generation: u32,
        how: Rotation,
        /// The file now read.
        file: Option<FileId>,
    },
    /// Nothing (or something other than a file) is at the path: the file open is still read
    /// while the path is waited for.
    Missing,
    /// Another file is at the path and it cannot be opened (why): the file open is still
    /// read while it is waited for.
    Unreadable(String),
    /// The path names the file being read again.
    Found,
}

/// What the input gave.
enum Fed {
    /// This many bytes.
    Data(usize),
    /// Nothing for now.
    Idle,
    /// The input is over (a stream's end).
    End,
    Rotated(Rotation),
    Note(Event),
}

/// A file polled for more, and what is at its path.
struct Polled {
    path: PathBuf,
    file: File,
    id: FileId,
    /// Bytes read from `file`.
    read: u64,
    /// The file at the path once `file` was replaced: read when `file` is read to its end.
    next: Option<(File, FileId)>,
    /// Why the path is waited for (`Missing`, `Unreadable`), as last told.
    waiting: Option<Event>,
    poll: Duration,
}

impl Polled {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<Fed> {
        loop {
            let n = match self.file.read(buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n > 0 {
                self.read += n as u64;
                return Ok(Fed::Data(n));
            }
            // The end of the file, for now.
            if let Some((file, id)) = self.next.take() {
                (self.file, self.id, self.read) = (file, id, 0);
                return Ok(Fed::Rotated(Rotation::Replaced));
            }
            if self.file.metadata()?.len() < self.read {
                self.file.rewind()?;
                self.read = 0;
                return Ok(Fed::Rotated(Rotation::Truncated));
            }
            let waiting = match std::fs::metadata(&self.path) {
                Ok(meta) if meta.is_file() && FileId::of(&meta) == self.id => {
                    if self.waiting.take().is_some() {
                        return Ok(Fed::Note(Event::Found));
                    }
                    return Ok(Fed::Idle);
                }
                // Another file: held open now, read once this one is read to its end (a
                // writer may still be finishing it).
                Ok(meta) if meta.is_file() => match open_file(&self.path) {
                    Ok(Some(next)) if next.1 != self.id => {
                        self.next = Some(next);
                        self.waiting = None;
                        continue;
                    }
                    // Replaced again meanwhile: the next look tells.
                    Ok(_) => return Ok(Fed::Idle),
                    Err(e) => Event::Unreadable(e.to_string()),
                },
                // Gone, or not a file (a FIFO would block the opening): waited for.
                _ => Event::Missing,
            };
            if self.waiting.as_ref() != Some(&waiting) {
                self.waiting = Some(waiting.clone());
                return Ok(Fed::Note(waiting));
            }
            return Ok(Fed::Idle);
        }
    }
}

/// The regular file at `path`, opened without blocking on what may have replaced it since it
/// was looked at (a FIFO); none when it is not one (any more), or gone.
fn open_file(path: &Path) -> std::io::Result<Option<(File, FileId)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    Ok(meta.is_file().then(|| (file, FileId::of(&meta))))
}

/// A stream (standard input, a FIFO) read on a thread of its own, so that the follower can
/// tell a stream with nothing more for now from one that is slow to give a whole chunk.
struct Streamed {
    blocks: mpsc::Receiver<std::io::Result<Vec<u8>>>,
    /// The block being read, and how much of it was.
    block: Vec<u8>,
    at: usize,
    /// What arrived while waiting; the thread ended (the stream's end).
    waiting: Option<std::io::Result<Vec<u8>>>,
    closed: bool,
    poll: Duration,
}

impl Streamed {
    fn start(mut input: impl Read + Send + 'static, poll: Duration) -> std::io::Result<Streamed> {
        let (send, blocks) = mpsc::sync_channel(AHEAD);
        // Ends at the stream's end, or when the follower is gone; a thread blocked reading a
        // stream that gives nothing more ends with the process.
        std::thread::Builder::new()
            .name("tokenscope-follow".into())
            .spawn(move || {
                loop {
                    let mut block = vec![0; BUF];
                    let message = match input.read(&mut block) {
                        Ok(0) => return,
                        Ok(n) => {
                            block.truncate(n);
                            Ok(block)
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => Err(e),
                    };
                    let failed = message.is_err();
                    if send.send(message).is_err() || failed {
                        return;
                    }
                }
            })?;
        Ok(Streamed {
            blocks,
            block: Vec::new(),
            at: 0,
            waiting: None,
            closed: false,
            poll,
        })
    }

    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<Fed> {
        if self.at == self.block.len() {
            let next = match self.waiting.take() {
                Some(next) => next,
                None if self.closed => return Ok(Fed::End),
                None => match self.blocks.try_recv() {
                    Ok(next) => next,
                    Err(mpsc::TryRecvError::Empty) => return Ok(Fed::Idle),
                    Err(mpsc::TryRecvError::Disconnected) => return Ok(Fed::End),
                },
            };
            (self.block, self.at) = (next?, 0);
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(Fed::Data(n))
    }

    /// Wait for the next block (a poll interval at most, so that a stop is seen).
    fn wait(&mut self) {
        if self.waiting.is_some() || self.closed {
            return;
        }
        match self.blocks.recv_timeout(self.poll) {
            Ok(next) => self.waiting = Some(next),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => self.closed = true,
        }
    }
}

enum Source {
    Polled(Polled),
    Streamed(Streamed),
}

/// A line, or why there is none now.
enum Next {
    Line(LineRead),
    Idle,
    End,
    Rotated(Rotation),
    Note(Event),
}

/// A log followed as it grows: `Follow::file` or `Follow::stream`, then [`Follow::run`].
pub struct Follow {
    source: Source,
    stop: Stop,
    /// Bytes read and not yet handed out: `buf[start..end]`, the start of a line whose
    /// newline has not come yet when no newline is in it.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Longest line kept (newline excluded); a longer one is counted and read past.
    max: u64,
    /// The length so far of a line too long to keep, being read past.
    skipping: Option<u64>,
    /// What comes after the last line of a file or stream that ended without a newline.
    after: Option<Next>,
    seen: Seen,
    generation: u32,
    /// Every line read so far has had its records handed to the sink (the engine drains
    /// before the next read when asked to): events can be told.
    drained: bool,
    /// Events waiting for that.
    held: Vec<Event>,
    ended: bool,
}

impl Follow {
    /// Follow the file at `path`, opened now (an error when it cannot be), polled every
    /// `poll`. A path that is not a regular file (a FIFO, a terminal) is read as a stream.
    pub fn file(path: &Path, poll: Duration, stop: Stop) -> std::io::Result<Follow> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        let source = if meta.is_file() {
            Source::Polled(Polled {
                path: path.to_path_buf(),
                file,
                id: FileId::of(&meta),
                read: 0,
                next: None,
                waiting: None,
                poll,
            })
        } else {
            Source::Streamed(Streamed::start(file, poll)?)
        };
        Ok(Follow::over(source, stop))
    }

    /// Follow a stream (standard input) to its end, handing out lines as they come: a
    /// thread of its own reads it.
    pub fn stream(
        input: impl Read + Send + 'static,
        poll: Duration,
        stop: Stop,
    ) -> std::io::Result<Follow> {
        Ok(Follow::over(
            Source::Streamed(Streamed::start(input, poll)?),
            stop,
        ))
    }

    fn over(source: Source, stop: Stop) -> Follow {
        Follow {
            source,
            stop,
            buf: vec![0; BUF],
            start: 0,
            end: 0,
            max: MAX_LINE,
            skipping: None,
            after: None,
            seen: Seen::default(),
            generation: 0,
            drained: true,
            held: Vec::new(),
            ended: false,
        }
    }

    /// The file read now (none for a stream).
    pub fn file_id(&self) -> Option<FileId> {
        match &self.source {
            Source::Polled(p) => Some(p.id),
            Source::Streamed(_) => None,
        }
    }

    /// Run the batch engine over the lines as they come (see [`super::run`]) until the stop
    /// signal, the end of a stream, or an error from `sink` (its consumer went away). What
    /// happens to the file goes to `events`, in order with the records.
    pub fn run<A: Default + Send>(
        self,
        ring: &KeyRing,
        opts: &Options,
        threads: usize,
        process: impl Fn(&mut A, Item) + Sync,
        sink: impl FnMut(A) -> std::io::Result<()>,
        events: impl FnMut(Event),
    ) -> std::io::Result<()> {
        let lines = Following {
            follow: self,
            events,
        };
        super::run_lines(lines, ring, opts, threads, process, sink)
    }

    /// The next line into `out`, or why there is none now. A line is taken only with its
    /// newline, but for the last one of a file replaced or a stream ended.
    fn next_line(&mut self, out: &mut Vec<u8>) -> std::io::Result<Next> {
        if let Some(after) = self.after.take() {
            return Ok(after);
        }
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let len = i as u64;
                let line = match self.skipping.take() {
                    Some(skipped) => LineRead {
                        read: skipped + len + 1,
                        len: skipped + len,
                        kept: false,
                    },
                    None if len > self.max => LineRead {
                        read: len + 1,
                        len,
                        kept: false,
                    },
                    None => {
                        out.extend_from_slice(&self.buf[self.start..=self.start + i]);
                        LineRead {
                            read: len + 1,
                            len,
                            kept: true,
                        }
                    }
                };
                self.start += i + 1;
                return Ok(Next::Line(line));
            }
            self.make_room();
            let fed = match &mut self.source {
                Source::Polled(p) => p.read(&mut self.buf[self.end..])?,
                Source::Streamed(s) => s.read(&mut self.buf[self.end..])?,
            };
            let next = match fed {
                Fed::Data(n) => {
                    self.end += n;
                    continue;
                }
                Fed::Idle => return Ok(Next::Idle),
                Fed::Note(event) => return Ok(Next::Note(event)),
                Fed::Rotated(Rotation::Truncated) => {
                    // What was read of the old content's last line is not a line.
                    (self.start, self.end, self.skipping) = (0, 0, None);
                    return Ok(Next::Rotated(Rotation::Truncated));
                }
                Fed::Rotated(Rotation::Replaced) => Next::Rotated(Rotation::Replaced),
                Fed::End => Next::End,
            };
            // That file or stream is over: a line without its newline is its last.
            return Ok(match self.last_line(out) {
                Some(line) => {
                    self.after = Some(next);
                    Next::Line(line)
                }
                None => next,
            });
        }
    }

    /// Room after `end` for the next read: the start of the line being read moved to the
    /// front, the buffer grown for a long line (up to `max` and one byte), or the line
    /// counted and dropped once it is longer than `max`.
    fn make_room(&mut self) {
        let partial = self.end - self.start;
        if self.skipping.is_some() || partial as u64 > self.max {
            self.skipping = Some(self.skipping.unwrap_or(0) + partial as u64);
            (self.start, self.end) = (0, 0);
        } else if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, partial);
        }
        if self.buf.len() > BUF && self.end < BUF / 2 {
            // Back to the usual size after a long line.
            self.buf.truncate(BUF);
            self.buf.shrink_to_fit();
        } else if self.end == self.buf.len() {
            let most = usize::try_from(self.max)
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            let len = (self.buf.len() * 2).min(most).max(self.end + 1);
            self.buf.resize(len, 0);
        }
    }

    /// What is left of a file or stream that is over, as its last line.
    fn last_line(&mut self, out: &mut Vec<u8>) -> Option<LineRead> {
        let partial = (self.end - self.start) as u64;
        let line = match self.skipping.take() {
            Some(skipped) => LineRead {
                read: skipped + partial,
                len: skipped + partial,
                kept: false,
            },
            None if partial == 0 => return None,
            None => {
                let kept = partial <= self.max;
                if kept {
                    out.extend_from_slice(&self.buf[self.start..self.end]);
                }
                LineRead {
                    read: partial,
                    len: partial,
                    kept,
                }
            }
        };
        (self.start, self.end) = (0, 0);
        Some(line)
    }

    /// Wait for more input: a poll interval, or the next block of a stream.
    fn wait(&mut self) {
        match &mut self.source {
            Source::Streamed(s) => s.wait(),
            Source::Polled(p) => {
                let until = Instant::now() + p.poll;
                while !self.stop.is_stopped() {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::sleep(left.min(STOP_CHECK));
                }
            }
        }
    }

    /// The next chunk of lines; true when the engine must hand out every record before
    /// asking again (nothing more for now, or a new generation comes next).
    fn read_chunk(
        &mut self,
        spare: Option<Chunk>,
        events: &mut impl FnMut(Event),
    ) -> std::io::Result<(Chunk, bool)> {
        if self.drained {
            for event in self.held.drain(..) {
                events(event);
            }
        }
        let mut chunk = Chunk::reuse(spare, self.generation);
        while !self.ended && !chunk.full() {
            if self.stop.is_stopped() {
                self.ended = true;
                break;
            }
            let start = chunk.bytes.len();
            match self.next_line(&mut chunk.bytes)? {
                Next::Line(line) => chunk.push(&mut self.seen, start, line),
                Next::End => self.ended = true,
                Next::Rotated(how) => {
                    self.generation += 1;
                    self.seen = Seen::default();
                    let file = self.file_id();
                    self.held.push(Event::Rotated {
                        generation: self.generation,
                        how,
                        file,
                    });
                    // Told once the old generation's records are out.
                    return Ok(self.handed(chunk, true));
                }
                next @ (Next::Idle | Next::Note(_)) => {
                    let idle = matches!(next, Next::Idle);
                    if let Next::Note(event) = next {
                        self.held.push(event);
                    }
                    if !chunk.lines.is_empty() || !self.drained {
                        return Ok(self.handed(chunk, true));
                    }
                    // Every record is out: tell what happened, and wait for more.
                    for event in self.held.drain(..) {
                        events(event);
                    }
                    if idle {
                        self.wait();
                    }
                }
            }
        }
        Ok(self.handed(chunk, false))
    }

    fn handed(&mut self, chunk: Chunk, drain: bool) -> (Chunk, bool) {
        self.drained = drain || (self.drained && chunk.lines.is_empty());
        (chunk, drain)
    }
}

/// A follower and where its events go: the engine's [`Lines`].
struct Following<E> {
    follow: Follow,
    events: E,
}

impl<E: FnMut(Event)> Lines for Following<E> {
    fn read(&mut self, spare: Option<Chunk>) -> std::io::Result<(Chunk, bool)> {
        self.follow.read_chunk(spare, &mut self.events)
    }
}

#[cfg(test)]
mod tests;
