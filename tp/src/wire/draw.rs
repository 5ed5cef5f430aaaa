//! A conversation drawn: as a sequence diagram of text, 80 columns wide, for the terminal; as a
//! Mermaid `sequenceDiagram`, which GitHub, GitLab and many Markdown viewers draw; as an SVG
//! sequence diagram, inline in a web page (the class report).

use super::conversation::Conversation;

/// The width of a terminal drawing.
pub const WIDTH: usize = 80;
/// The column of the first side's lane (after the time).
const LEFT: usize = 12;

impl Conversation {
    /// The conversation as a sequence diagram of text, at most [`WIDTH`] columns: a lane per
    /// side (two sides), or a line per packet naming both sides (more).
    pub fn terminal(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.participants.len() == 2 {
            // `   0.000 ms |-- SYN seq=0 ----...--->|`: the lanes at LEFT and WIDTH - 1.
            let width = WIDTH - LEFT - 2;
            lines.push(self.header(0));
            lines.push(self.header(1));
            for arrow in &self.arrows {
                let label = fit(&arrow.label, width - 7);
                let dashes = "-".repeat(width - 5 - label.chars().count());
                let body = if arrow.from == 0 {
                    format!("-- {label} {dashes}>")
                } else {
                    format!("<{dashes} {label} --")
                };
                lines.push(format!("{:>8} ms |{body}|", arrow.ms()));
            }
        } else {
            for p in &self.participants {
                lines.push(fit(&format!("  {} = {}", p.address, p.name), WIDTH));
            }
            for arrow in &self.arrows {
                let (from, to) = (&self.participants[arrow.from], &self.participants[arrow.to]);
                let text = format!(
                    "{:>8} ms  {} -> {}  {}",
                    arrow.ms(),
                    from.address,
                    to.address,
                    arrow.label
                );
                lines.push(fit(&text, WIDTH));
            }
        }
        lines.extend(self.notes.iter().map(|n| fit(n, WIDTH)));
        lines
    }

    /// The header of a two-sided drawing: the names (`row` 0) or the addresses (1), over the
    /// lanes.
    fn header(&self, row: usize) -> String {
        let text = |i: usize| -> String {
            let p = &self.participants[i];
            if row == 0 {
                p.name.clone()
            } else {
                p.address.to_string()
            }
        };
        let room = (WIDTH - LEFT) / 2 - 1;
        let (left, right) = (fit(&text(0), room), fit(&text(1), room));
        let gap = WIDTH - LEFT - left.chars().count() - right.chars().count();
        format!("{}{left}{}{right}", " ".repeat(LEFT), " ".repeat(gap))
    }

    /// The conversation as a Mermaid `sequenceDiagram` (without the fence).
    pub fn mermaid(&self) -> String {
        let mut text = String::from("sequenceDiagram\n");
        for (i, p) in self.participants.iter().enumerate() {
            text += &format!(
                "    participant P{i} as {} {}\n",
                mermaid_text(&p.name),
                mermaid_text(&p.address.to_string())
            );
        }
        for arrow in &self.arrows {
            text += &format!(
                "    P{}->>P{}: {} ms, {}\n",
                arrow.from,
                arrow.to,
                mermaid_text(&arrow.ms()),
                mermaid_text(&arrow.label)
            );
        }
        if !self.notes.is_empty() && !self.participants.is_empty() {
            let last = self.participants.len() - 1;
            for note in &self.notes {
                text += &format!("    Note over P0,P{last}: {}\n", mermaid_text(note));
            }
        }
        text
    }
}

/// The horizontal room of one side's lane in an SVG drawing, and the time column before them.
const SVG_LANE: usize = 240;
const SVG_TIME: usize = 90;
/// The height of a row (a packet) of an SVG drawing.
const SVG_ROW: usize = 22;

impl Conversation {
    /// The conversation as an SVG sequence diagram, to put inline in an HTML page: a lane per
    /// side, named with its address, and an arrow per packet with its time and label. Every
    /// text is escaped ([`xml_text`]): what a program sent is shown, never read as markup.
    pub fn svg(&self) -> String {
        let sides = self.participants.len().max(2);
        let width = SVG_TIME + sides * SVG_LANE;
        let lane = |i: usize| SVG_TIME + i * SVG_LANE + SVG_LANE / 2;
        let top = 44;
        let bottom = top + (self.arrows.len() + 1) * SVG_ROW;
        let height = bottom + self.notes.len() * 18 + 8;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"exchange\" width=\"{width}\" \
             height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" \
             font-size=\"11\" role=\"img\">"
        );
        for (i, p) in self.participants.iter().enumerate() {
            let x = lane(i);
            svg += &format!(
                "<text x=\"{x}\" y=\"14\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
                 <text x=\"{x}\" y=\"30\" text-anchor=\"middle\">{}</text>\
                 <line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"#888\"/>",
                xml_text(&fit(&p.name, 34)),
                xml_text(&p.address.to_string()),
                top - 8
            );
        }
        for (k, arrow) in self.arrows.iter().enumerate() {
            let y = top + (k + 1) * SVG_ROW;
            let (from, to) = (lane(arrow.from), lane(arrow.to));
            let head = if to > from { to - 8 } else { to + 8 };
            let middle = (from + to) / 2;
            svg += &format!(
                "<text x=\"4\" y=\"{y}\" fill=\"#555\">{} ms</text>\
                 <text x=\"{middle}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
                 <line x1=\"{from}\" y1=\"{y}\" x2=\"{to}\" y2=\"{y}\" stroke=\"#036\"/>\
                 <polygon points=\"{to},{y} {head},{} {head},{}\" fill=\"#036\"/>",
                xml_text(&arrow.ms()),
                y - 4,
                xml_text(&fit(&arrow.label, 2 * SVG_LANE / 7)),
                y - 4,
                y + 4
            );
        }
        for (k, note) in self.notes.iter().enumerate() {
            svg += &format!(
                "<text x=\"4\" y=\"{}\" fill=\"#555\">{}</text>",
                bottom + 14 + k * 18,
                xml_text(&fit(note, width / 7))
            );
        }
        svg + "</svg>"
    }
}

/// `text` as XML and HTML read it as text: `&`, `<`, `>`, `"` and `'` written as entities,
/// control characters shown as `\u{..}`. Nothing a program printed can become markup.
pub fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&#39;",
            c if c.is_control() && c != '\n' && c != '\t' => {
                out += &format!("\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `width` characters, with `...` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(3)).collect();
    kept + "..."
}

/// `text` as Mermaid reads it in a message: every character that Mermaid or HTML could read
/// as syntax is written as its entity code (`#59;` for `;`).
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || " .,=-_'()/[]".contains(c) {
                c.to_string()
            } else {
                format!("#{};", u32::from(c))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::conversation::tests::exercise_1;

    #[test]
    fn two_sides_are_drawn_as_two_lanes_within_80_columns() {
        let lines = exercise_1().terminal();
        for line in &lines {
            assert!(line.chars().count() <= WIDTH, "{line:?} is too wide");
        }
        assert!(lines[0].contains("ex1_tcp_client") && lines[0].contains("ex1_tcp_server"));
        assert!(lines[1].contains("127.0.0.1:43210") && lines[1].contains("127.0.0.1:60000"));
        assert!(
            lines[2].starts_with("   0.000 ms |-- SYN seq=0 --") && lines[2].ends_with("->|"),
            "{:?}",
            lines[2]
        );
        assert!(
            lines[3].contains("|<--") && lines[3].ends_with(" SYN-ACK seq=0 ack=1 --|"),
            "{:?}",
            lines[3]
        );
        let lanes: Vec<usize> = lines[2..]
            .iter()
            .map(|l| l.char_indices().filter(|(_, c)| *c == '|').count())
            .collect();
        assert!(lanes.iter().all(|&n| n == 2), "{lines:#?}");
    }

    #[test]
    fn the_mermaid_diagram_names_each_side_and_escapes_what_mermaid_reads() {
        let text = exercise_1().mermaid();
        assert!(text.starts_with("sequenceDiagram\n"));
        assert!(
            text.contains("participant P1 as ex1_tcp_server 127.0.0.1#58;60000\n"),
            "{text}"
        );
        assert!(text.contains("P0->>P1: 0.000 ms, SYN seq=0\n"), "{text}");
        // `;`, `#`, quotes and backslashes of a program's data cannot end a message or a line.
        assert!(
            text.contains("#34;hello#92;n#92;u#123;1b#125;[2J#33;#33;#34;"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1 + 2 + 8, "{text}");
    }

    #[test]
    fn the_svg_diagram_has_a_lane_per_side_an_arrow_per_packet_and_only_escaped_text() {
        let mut conversation = exercise_1();
        conversation.participants[0].name = "<script>alert(1)</script>".to_string();
        conversation.arrows[3].label = "\"hello\" <img src=x onerror=alert(1)> & co".to_string();
        let svg = conversation.svg();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        // Two lanes, and an arrow (a line and a head) per packet.
        assert_eq!(svg.matches("<line ").count(), 2 + 8, "{svg}");
        assert_eq!(svg.matches("<polygon ").count(), 8, "{svg}");
        assert!(svg.contains(">127.0.0.1:60000</text>"), "{svg}");
        assert!(svg.contains(">0.000 ms</text>"), "{svg}");
        // What a program named or sent is text, never an element.
        assert!(
            svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{svg}"
        );
        assert!(svg.contains("&quot;hello&quot; &lt;img src=x onerror=alert(1)&gt; &amp; co"));
        for element in ["<script", "<img"] {
            assert!(!svg.contains(element), "{svg}");
        }
        assert_eq!(xml_text("a\u{1b}[2J'"), "a\\u{1b}[2J&#39;");
    }
}
