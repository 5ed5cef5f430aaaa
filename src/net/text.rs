//! Text from the network, made safe to show in a terminal.
//!
//! Whatever a peer sends is bytes, not text: they may not be UTF-8, and they may hold control
//! characters. Printed raw, ESC (0x1b) starts a terminal command: `\x1b[2J` clears the screen,
//! `\x1b]0;...\x07` retitles the window, and some terminals have done worse. Bidirectional
//! controls (U+202E...) make a line read differently from what it holds. So every text that
//! comes from a peer goes through [`shown`] before it reaches the screen.

/// `bytes` as text for a terminal: bytes that are not UTF-8 become U+FFFD, and every control
/// character (C0, DEL, C1) and bidirectional control is written as an escape, the way Rust's
/// `{:?}` writes it (`\n`, `\t`, `\u{1b}`). Printable text, accents included, is left alone.
pub fn shown(bytes: impl AsRef<[u8]>) -> String {
    let text = String::from_utf8_lossy(bytes.as_ref());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// The characters that change the direction of the text around them (Unicode's Bidi_Control).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_text_is_left_alone() {
        assert_eq!(shown("Welcome to this server"), "Welcome to this server");
        assert_eq!(shown("café, ça va ? 日本"), "café, ça va ? 日本");
        assert_eq!(shown("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(shown("\x1b]0;owned\x07"), "\\u{1b}]0;owned\\u{7}");
        assert_eq!(
            shown("line\r\nnext\tend\x7f"),
            "line\\r\\nnext\\tend\\u{7f}"
        );
        assert_eq!(shown("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(shown("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(shown(b"caf\xe9"), "caf\u{fffd}");
        assert!(!shown((0u8..=255).collect::<Vec<u8>>()).contains(|c: char| c.is_control()));
    }
}
