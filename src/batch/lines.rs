//! Reading the input: lines cut out of a reader (a too-long one read past, never kept) into
//! chunks for the workers, and where the engine's lines come from.

use std::io::BufRead;

use super::{CHUNK_BYTES, CHUNK_LINES, Chunk, MAX_LINE};

/// How far the input has been read: lines, and bytes.
#[derive(Default)]
pub(super) struct Seen {
    pub(super) lines: usize,
    pub(super) bytes: u64,
}

/// A line read by [`read_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineRead {
    /// Bytes taken from the input, newline included; 0 at the end of the input.
    pub(super) read: u64,
    /// The line's length without its newline.
    pub(super) len: u64,
    /// False when the line was longer than the limit: nothing of it is in `out`.
    pub(super) kept: bool,
}

/// `BufRead::read_until(b'\n', out)`, finding the newline with the memchr crate's SIMD
/// search: the bytes of one line, its newline included, appended to `out`. A line longer
/// than `max` bytes (newline excluded) is taken out of `out` as soon as it passes `max`, and
/// the rest of it is read and dropped a buffer at a time: `out` grows by `max` at most.
pub(super) fn read_line(
    input: &mut impl BufRead,
    out: &mut Vec<u8>,
    max: u64,
) -> std::io::Result<LineRead> {
    let start = out.len();
    let mut line = LineRead {
        read: 0,
        len: 0,
        kept: true,
    };
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, content, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, i, true),
            None => (available.len(), available.len(), available.is_empty()),
        };
        line.len += content as u64;
        if line.kept && line.len > max {
            out.truncate(start);
            line.kept = false;
        }
        if line.kept {
            out.extend_from_slice(&available[..used]);
        }
        input.consume(used);
        line.read += used as u64;
        if done {
            return Ok(line);
        }
    }
}

impl Chunk {
    /// Read up to `CHUNK_LINES` lines (or `CHUNK_BYTES`) after line `*seen`, into the buffers
    /// of `spare` when there is one (a chunk that is done with, so memory is reused).
    pub(super) fn read(
        input: &mut impl BufRead,
        seen: &mut Seen,
        spare: Option<Chunk>,
    ) -> std::io::Result<Chunk> {
        let mut chunk = Chunk::reuse(spare, 0);
        while !chunk.full() {
            let start = chunk.bytes.len();
            let line = read_line(input, &mut chunk.bytes, MAX_LINE)?;
            if line.read == 0 {
                break;
            }
            chunk.push(seen, start, line);
        }
        Ok(chunk)
    }

    /// An empty chunk of `generation`, with the buffers of `spare` when there is one.
    pub(super) fn reuse(spare: Option<Chunk>, generation: u32) -> Chunk {
        let mut chunk = spare.unwrap_or_default();
        chunk.generation = generation;
        chunk.bytes.clear();
        chunk.lines.clear();
        chunk.offsets.clear();
        chunk.too_long.clear();
        chunk
    }

    /// Whether the chunk holds as many lines (or bytes) as one takes.
    pub(super) fn full(&self) -> bool {
        self.lines.len() >= CHUNK_LINES || self.bytes.len() >= CHUNK_BYTES
    }

    /// Count the line just read into `bytes[start..]`, the one after line `seen.lines`.
    pub(super) fn push(&mut self, seen: &mut Seen, start: usize, line: LineRead) {
        seen.lines += 1;
        if !line.kept {
            self.too_long.push((seen.lines, line.len));
        }
        self.lines.push((seen.lines, start..self.bytes.len()));
        self.offsets.push(seen.bytes);
        seen.bytes += line.read;
    }
}

/// Where the engine's lines come from: a reader read to its end, or a followed log.
pub(super) trait Lines {
    /// The next lines, in the buffers of `spare` when there is one; and whether every record
    /// of the lines read so far must reach the sink before the next call (the input has
    /// nothing more for now). An empty chunk without that is the end of the input.
    fn read(&mut self, spare: Option<Chunk>) -> std::io::Result<(Chunk, bool)>;
}

/// A reader read to its end, in chunks as full as they can be.
pub(super) struct ToTheEnd<R> {
    pub(super) input: R,
    pub(super) seen: Seen,
}

impl<R: BufRead> Lines for ToTheEnd<R> {
    fn read(&mut self, spare: Option<Chunk>) -> std::io::Result<(Chunk, bool)> {
        Ok((Chunk::read(&mut self.input, &mut self.seen, spare)?, false))
    }
}
