//! The text of a report: names in plain words, lines cut, what a test printed bounded, and the
//! conversation it drew set apart.

use tp_sockets::net::shown;

use crate::told::{DIAGRAM_END, DIAGRAM_START};
use crate::wire::Conversation;

/// The most of what one failing test says that a report keeps: its first 40 lines, each cut
/// at 2 KiB, 64 KiB in all. A program may print without end.
pub const EXCERPT_LINES: usize = 40;
/// The longest line a report keeps (longer ones are cut, and say so).
pub const EXCERPT_LINE: usize = 2 << 10;
/// The most of one test's details a report keeps.
pub const EXCERPT: usize = 64 << 10;

/// A test's name in plain words: `ex1_tcp_server::answers_welcome` is "answers welcome".
pub fn plain(test: &str) -> String {
    test.rsplit("::").next().unwrap_or(test).replace('_', " ")
}

/// `line`, cut at `limit` bytes (on a character's boundary), saying how much was left out.
pub fn cut(mut line: String, limit: usize) -> String {
    if line.len() > limit {
        let at = (0..=limit)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        let more = line.len() - at;
        line.truncate(at);
        line += &format!("... ({more} more bytes on this line)");
    }
    line
}

/// `text` cut at `limit` bytes at most, at a line's end when one is near, saying so in its
/// last line (`note`); `text` itself when it fits.
pub fn within(text: &str, limit: usize, note: &str) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let room = limit.saturating_sub(note.len() + 1);
    let mut at = (0..=room)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    if let Some(line_end) = text[..at].rfind('\n')
        && line_end > at / 2
    {
        at = line_end;
    }
    format!("{}\n{note}", &text[..at])
}

/// `lines` escaped and bounded: at most [`EXCERPT_LINES`] lines of at most [`EXCERPT_LINE`]
/// bytes, [`EXCERPT`] bytes in all, saying how many were left out; no blank line at the end.
pub(super) fn bounded(lines: &[&str]) -> Vec<String> {
    let mut kept = Vec::new();
    let mut size = 0;
    for line in lines {
        if kept.len() == EXCERPT_LINES || size >= EXCERPT {
            kept.push(format!(
                "... ({} more lines, not shown)",
                lines.len() - kept.len()
            ));
            break;
        }
        let line = cut(shown(line), EXCERPT_LINE);
        size += line.len();
        kept.push(line);
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    kept
}

/// `lines` without the conversation a test saw, and that conversation, if any: the last part
/// from [`DIAGRAM_START`] to [`DIAGRAM_END`] (or to the end).
pub(super) fn split_diagram<'a>(lines: &[&'a str]) -> (Vec<&'a str>, Option<Conversation>) {
    let Some(start) = lines.iter().rposition(|l| l.trim_end() == DIAGRAM_START) else {
        return (lines.to_vec(), None);
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_end() == DIAGRAM_END)
        .map_or(lines.len(), |i| start + 1 + i);
    let mut rest = lines[..start].to_vec();
    rest.extend_from_slice(lines.get(end + 1..).unwrap_or_default());
    (rest, Conversation::parse(&lines[start + 1..end]))
}
