//! `proj_image_client` on a terminal: the preview fits it and honours NO_COLOR, a slow server
//! is waited for visibly, the progress bar fits a narrow terminal; in a pipe, none of these.

use super::*;

/// `--preview` draws the picture only on a terminal, fitted to its real size (asked of the
/// terminal, not read from COLUMNS), in 24-bit colour, or in plain characters with NO_COLOR.
#[test]
fn preview_fits_the_terminal_and_honours_no_color() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("preview");
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    let client = under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out_dir,
            "--force",
            "--preview",
            "car.png",
        ])
        .env_remove("NO_COLOR")
        .env("COLUMNS", "200");

    let piped = client.clone().run();
    piped.assert_success();
    assert!(
        !piped.stdout.contains('▀') && !piped.stdout.contains('\x1b'),
        "expected {CLIENT} --preview to draw nothing into a pipe, but it did\n{piped}"
    );
    assert!(
        piped.stderr.contains("draws only on a terminal"),
        "expected {CLIENT} --preview to say that it draws only on a terminal\n{piped}"
    );

    let Some(shown) = crate::common::in_terminal(&client, 40, 30, RUN_DEADLINE) else {
        return;
    };
    // 640 × 427 drawn 40 columns wide: 26 pixel rows, two per line of text.
    let rows: Vec<&str> = shown.lines().filter(|l| l.contains('▀')).collect();
    assert_drawn(&rows, 13, 40, |r| r.matches('▀').count(), "40 × 30", &shown);
    assert!(
        shown.contains("\u{1b}[38;2;200;30;40m"),
        "expected the preview to show the car's red body (24-bit colour 200;30;40)\n{shown}"
    );

    // A short terminal: the picture shrinks to fit its height (10 lines, 4 kept for text): 12
    // pixel rows of 427, 17 columns of 640.
    let short = crate::common::in_terminal(&client, 40, 10, RUN_DEADLINE).unwrap();
    let rows: Vec<&str> = short.lines().filter(|l| l.contains('▀')).collect();
    assert_drawn(&rows, 6, 17, |r| r.matches('▀').count(), "40 × 10", &short);

    let plain =
        crate::common::in_terminal(&client.env("NO_COLOR", "1"), 40, 30, RUN_DEADLINE).unwrap();
    let saved = plain.find("verified").unwrap_or(0);
    let picture: Vec<&str> = plain[saved..]
        .lines()
        .skip(2)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(
        picture.iter().all(|r| !r.contains('\x1b')),
        "expected no terminal code in the picture with NO_COLOR, but there are\n{plain}"
    );
    assert_drawn(
        &picture,
        13,
        40,
        |r| r.chars().count(),
        "40 × 30, NO_COLOR",
        &plain,
    );
}

/// Panics unless the picture is `lines` lines of `columns` cells (as `width` counts them).
#[track_caller]
fn assert_drawn(
    rows: &[&str],
    lines: usize,
    columns: usize,
    width: impl Fn(&str) -> usize,
    terminal: &str,
    shown: &str,
) {
    let widths: Vec<usize> = rows.iter().map(|r| width(r)).collect();
    assert!(
        widths.len() == lines && widths.iter().all(|w| *w == columns),
        "expected {CLIENT} --preview in a {terminal} terminal to draw car.png in {lines} lines \
         of {columns} cells, but it drew lines of {widths:?} cells\n{shown}"
    );
}

/// On a terminal, while a server is slow to answer (it may checksum a large file first), the
/// client says it is waiting; then the progress bar appears, as wide as a narrow terminal allows.
#[test]
fn a_slow_server_is_waited_for_visibly_and_the_bar_fits_a_narrow_terminal() {
    let body: Vec<u8> = (0..3u32 << 20).map(|i| (i % 251) as u8).collect();
    let header = format!("OK {} {:08x}\n", body.len(), fletcher32(&body));
    let address = scripted_server(move |stream| {
        thread::sleep(Duration::from_millis(1500));
        let _ = stream.write_all(header.as_bytes());
        for piece in body.chunks(256 << 10) {
            let _ = stream.write_all(piece);
            thread::sleep(Duration::from_millis(60));
        }
    });
    let out = Scratch::new("slow-server");
    let port = address.port().to_string();
    let out_dir = out.arg();
    let client = under_test(CLIENT).args(["--port", &port, "--out", &out_dir, "big.bin"]);
    let Some(shown) = crate::common::in_terminal(&client, 40, 20, Duration::from_secs(10)) else {
        return;
    };
    assert!(
        shown.contains("waiting for the server…"),
        "expected {CLIENT} to say `waiting for the server…` while the server is slow to answer\n{shown:?}"
    );
    assert!(
        shown.contains("saved ") && shown.contains("MiB"),
        "expected {CLIENT} to show a progress bar (in MiB), then the saved file\n{shown:?}"
    );
    // What the client redraws in place (the spinner, the bar) fits; the lines it prints once
    // (the saved file's long path) may wrap.
    for line in shown.split(['\r', '\n']).map(without_codes) {
        if line.contains("MiB") || line.contains("waiting") {
            assert!(
                line.chars().count() <= 40,
                "wider than the terminal: {line:?}"
            );
        }
    }
}

/// `text` without its terminal codes (`ESC [ ... letter`).
fn without_codes(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}
