//! What a supervised program prints, collected as it comes by a thread per pipe, bounded.

use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// Text a child writes on one of its pipes, collected by a thread of its own.
#[derive(Debug, Default)]
pub(super) struct Captured {
    /// What was read so far, and whether the pipe is closed (the program exited).
    state: Mutex<(String, bool)>,
    changed: Condvar,
}

impl Captured {
    /// Collects what `pipe` gives, keeping at most `kept` bytes of it: a program may print
    /// without end, and its reader must not run out of memory. What is not kept is counted
    /// and said at the end.
    pub(super) fn collect(pipe: impl Read + Send + 'static, kept: usize) -> Arc<Captured> {
        let captured = Arc::new(Captured::default());
        let sink = Arc::clone(&captured);
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            let (mut room, mut dropped) = (kept, 0u64);
            while let Ok(chunk) = reader.fill_buf() {
                if chunk.is_empty() {
                    break;
                }
                let (taken, whole) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(end) => (end + 1, true),
                    None => (chunk.len(), false),
                };
                let keep = taken.min(room);
                line.extend_from_slice(&chunk[..keep]);
                room -= keep;
                dropped += (taken - keep) as u64;
                reader.consume(taken);
                if whole || room == 0 {
                    // Lossy: a program may print bytes that are not UTF-8; the rest is still seen.
                    if !line.is_empty() {
                        sink.lock().0.push_str(&String::from_utf8_lossy(&line));
                        sink.changed.notify_all();
                    }
                    line.clear();
                }
            }
            let mut state = sink.lock();
            state.0.push_str(&String::from_utf8_lossy(&line));
            if dropped > 0 {
                state
                    .0
                    .push_str(&format!("\n[... {dropped} more bytes were not kept]\n"));
            }
            state.1 = true;
            drop(state);
            sink.changed.notify_all();
        });
        captured
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, (String, bool)> {
        crate::kit::lock(&self.state)
    }

    pub(super) fn text(&self) -> String {
        self.lock().0.clone()
    }

    /// Whether the pipe is closed and everything in it was read.
    pub(super) fn is_closed(&self) -> bool {
        self.lock().1
    }

    /// Waits (at most `timeout`) until the pipe is closed and everything in it was read.
    pub(super) fn wait_closed(&self, timeout: Duration) {
        let state = self.lock();
        let _ = self
            .changed
            .wait_timeout_while(state, timeout, |(_, closed)| !*closed);
    }

    /// Waits until a whole line satisfies `wanted`; returns it, or `None` at the deadline or as
    /// soon as the program has closed its output without printing such a line.
    pub(super) fn wait_for_line(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            let (text, closed) = &*state;
            if let Some(line) = text
                .split_inclusive('\n')
                .filter(|l| l.ends_with('\n'))
                .map(str::trim_end)
                .find(|l| wanted(l))
            {
                return Some(line.to_string());
            }
            if *closed {
                return None;
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}
