//! The wire format of the UDP protocol, byte for byte.

use super::*;

fn round_trip(message: Message<'_>) {
    let mut bytes = Vec::new();
    message.encode(&mut bytes);
    assert_eq!(Message::decode(&bytes), Ok(message));
}

#[test]
fn every_message_round_trips() {
    round_trip(Message::MetaRequest {
        transfer: 7,
        chunk: 1400,
        name: "car.png",
    });
    round_trip(Message::MetaRequest {
        transfer: 7,
        chunk: 1400,
        name: &"x".repeat(255),
    });
    round_trip(Message::DataRequest {
        transfer: 7,
        token: 0x0102_0304_0506_0708,
        chunk: 1400,
        name: "car.png",
        ranges: vec![(0, 3), (9, 1)],
    });
    round_trip(Message::Meta {
        transfer: u32::MAX,
        not_found: true,
        size: 1 << 40,
        checksum: 0xdead_beef,
        chunk: 60000,
        token: u64::MAX,
    });
    round_trip(Message::Data {
        transfer: 1,
        index: 2,
        payload: b"bytes",
    });
    round_trip(Message::Error {
        transfer: 1,
        reason: "no",
    });
}

#[test]
fn the_bytes_on_the_wire_are_as_documented() {
    let mut bytes = Vec::new();
    Message::MetaRequest {
        transfer: 0x0102_0304,
        chunk: 1400,
        name: "a",
    }
    .encode(&mut bytes);
    let mut expected = b"TP\x02M\x01\x02\x03\x04\x05\x78\x01a".to_vec();
    expected.resize(META_REQUEST_SIZE, 0);
    assert_eq!(bytes, expected);
    bytes.clear();
    Message::DataRequest {
        transfer: 1,
        token: 0x1122_3344_5566_7788,
        chunk: 1400,
        name: "a",
        ranges: vec![(0, 2)],
    }
    .encode(&mut bytes);
    assert_eq!(
        bytes,
        b"TP\x02D\0\0\0\x01\x11\x22\x33\x44\x55\x66\x77\x88\x05\x78\x01a\0\0\0\0\0\x02"
    );
    bytes.clear();
    Message::Meta {
        transfer: 1,
        not_found: false,
        size: 5,
        checksum: 0xf04f_c729,
        chunk: 1400,
        token: 0x1122_3344_5566_7788,
    }
    .encode(&mut bytes);
    assert_eq!(
        bytes,
        b"TP\x02m\0\0\0\x01\0\0\0\0\0\0\0\0\x05\xf0\x4f\xc7\x29\x05\x78\x11\x22\x33\x44\x55\x66\x77\x88"
    );
    assert!(bytes.len() <= AMPLIFICATION_LIMIT * META_REQUEST_SIZE);
    bytes.clear();
    Message::Data {
        transfer: 1,
        index: 2,
        payload: b"xy",
    }
    .encode(&mut bytes);
    assert_eq!(bytes, b"TP\x02d\x00\x00\x00\x01\x00\x00\x00\x02xy");
    assert_eq!(bytes.len(), DATA_HEADER + 2);
}

#[test]
fn garbage_is_refused_not_misread() {
    let mut short_meta = b"TP\x02M\0\0\0\0\x05\x78\x01a".to_vec();
    let mut dirty_padding = short_meta.clone();
    dirty_padding.resize(META_REQUEST_SIZE, 1);
    let version_1 = {
        let mut m = short_meta.clone();
        m[2] = 1;
        m.resize(META_REQUEST_SIZE, 0);
        m
    };
    short_meta.resize(META_REQUEST_SIZE - 1, 0);
    for bad in [
        &b""[..],
        b"TP",
        b"XX\x02M\0\0\0\0\0\0",
        &version_1,
        &short_meta,
        &dirty_padding,
        b"TP\x02Z\0\0\0\0",
        b"TP\x02D\0\0\0\0\0\0\0\0\0\0\0\0\x05\x78\x01a",
        b"TP\x02D\0\0\0\0\0\0\0\0\0\0\0\0\x05\x78\x01a\0\0\0\0\0",
        b"TP\x02m\0\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
    ] {
        assert!(Message::decode(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn chunks_cover_the_file_exactly() {
    assert_eq!(chunk_count(0, 1000), 0);
    assert_eq!(chunk_count(1000, 1000), 1);
    assert_eq!(chunk_count(1001, 1000), 2);
    assert_eq!(chunk_span(1001, 1000, 1), (1000, 1));
    assert_eq!(ranges(&[3, 4, 5, 9, 10, 20]), vec![(3, 3), (9, 2), (20, 1)]);
    assert!(ranges(&[]).is_empty());
}
