//! `proj_image_udp_client` against servers scripted by the test, that serve a file honestly
//! but note what they were asked, lose a chunk, send chunks twice or past the end, or take
//! their time.

use super::*;

/// The client asks only for chunks that exist (10 here), and never for more than `--window` at
/// once: its first request names 4 chunks. The last chunk is lost the first time, so that the
/// client asks again once it has asked for every chunk.
#[test]
fn the_client_asks_only_for_chunks_that_exist_and_at_most_its_window() {
    let body = generated(10_000, 8);
    let mut lost = false;
    let last_lost_once = move |index| match index {
        9 if !lost => {
            lost = true;
            0
        }
        _ => 1,
    };
    let (port, asked) = honest_server(body.clone(), 1000, last_lost_once, |_| Vec::new());
    let out = Scratch::new("udp-window");
    let window = ["--chunk", "1000", "--window", "4"];
    download_whole(&port, &out, "ten.bin", &body, &window, "ten.bin, 10 chunks");
    let asked = tp_sockets::kit::lock(&asked).clone();
    let chunks = |ranges: &Vec<(u32, u16)>| ranges.iter().map(|&(_, n)| u32::from(n)).sum::<u32>();
    let past: Vec<(u32, u16)> = asked
        .iter()
        .flatten()
        .copied()
        .filter(|&(first, n)| first + u32::from(n) > 10)
        .collect();
    assert!(
        asked.first().is_some_and(|first| chunks(first) == 4) && past.is_empty(),
        "expected {CLIENT} --window 4 to ask for 4 chunks first, and only for chunks 0 to 9, but \
         it asked for {asked:?}"
    );
}

/// A chunk past the end of the file (an empty one, whose length is right for where it would
/// be) is ignored, never stored: the file still arrives whole.
#[test]
fn a_chunk_past_the_end_is_ignored() {
    let body = generated(3000, 9);
    let (port, _) = honest_server(
        body.clone(),
        1000,
        |_| 1,
        |transfer| {
            vec![encoded(&Message::Data {
                transfer,
                index: 7,
                payload: &[],
            })]
        },
    );
    let out = Scratch::new("udp-past-end");
    let what = "three.bin, 3 chunks";
    download_whole(&port, &out, "three.bin", &body, &["--chunk", "1000"], what);
}

/// Every chunk sent twice: the client keeps one of each and counts the others (those that come
/// before it has every chunk: the last one's copy may come after it is done).
#[test]
fn duplicated_chunks_are_kept_once_and_counted() {
    let body = generated(5000, 10);
    let (port, _) = honest_server(body.clone(), 1000, |_| 2, |_| Vec::new());
    let out = Scratch::new("udp-twice");
    let what = "five.bin, each chunk sent twice";
    let client = download_whole(&port, &out, "five.bin", &body, &["--chunk", "1000"], what);
    client.expect_stdout(" chunks received twice");
    let line = client
        .stdout
        .lines()
        .find(|l| l.contains(" chunks received twice"))
        .unwrap_or_default();
    let twice: u32 = line
        .split(", ")
        .find_map(|part| part.strip_suffix(" chunks received twice"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        twice >= 1,
        "expected {CLIENT} to count the chunks it received twice, but it says `{line}`"
    );
}

/// A slow server, above the minimum rate (one chunk of 2000 bytes every 300 ms or so, for 10
/// chunks: about 3 s), is waited for, although the download lasts longer than `--timeout 1`:
/// the timeout is about the rate, not the length of the download.
#[test]
fn a_slow_server_above_the_minimum_rate_is_waited_for() {
    let body = generated(20_000, 11);
    let mut next = Instant::now();
    let one_chunk_per_300_ms = move |_| {
        if Instant::now() < next {
            return 0;
        }
        next = Instant::now() + Duration::from_millis(300);
        1
    };
    let (port, _) = honest_server(body.clone(), 2000, one_chunk_per_300_ms, |_| Vec::new());
    let out = Scratch::new("udp-slow");
    let options = ["--chunk", "2000", "--window", "1", "--timeout", "1"];
    download_whole(
        &port,
        &out,
        "slow.bin",
        &body,
        &options,
        "slow.bin, 10 chunks in about 3 s",
    );
}
