//! The TCP wire format: lines bounded and framed, menus, requests and headers.

use super::*;

#[test]
fn lines_are_bounded_and_framed() {
    let mut input = io::Cursor::new(b"LIST\r\nGET a.png\nlast".to_vec());
    assert_eq!(read_line(&mut input).unwrap(), Line::Text("LIST".into()));
    assert_eq!(
        read_line(&mut input).unwrap(),
        Line::Text("GET a.png".into())
    );
    assert_eq!(read_line(&mut input).unwrap(), Line::Text("last".into()));
    assert_eq!(read_line(&mut input).unwrap(), Line::End);
    let mut endless = io::Cursor::new(vec![b'x'; 5000]);
    assert_eq!(read_line(&mut endless).unwrap(), Line::TooLong);
    let mut exact = io::Cursor::new([vec![b'x'; MAX_LINE - 1], vec![b'\n']].concat());
    assert!(matches!(read_line(&mut exact).unwrap(), Line::Text(_)));
}

#[test]
fn list_lines_round_trip_and_a_lying_menu_is_refused() {
    let entry = Entry {
        name: "car.png".into(),
        width: 640,
        height: 427,
        bytes: 9501,
    };
    assert_eq!(
        list_reply(std::slice::from_ref(&entry)),
        "OK 1\ncar.png 640 427 9501\n"
    );
    assert_eq!(Entry::parse(&entry.to_string()), Ok(entry));
    assert_eq!(parse_list_header("OK 3"), Ok(3));
    for bad in ["OK", "OK -1", "OK 10001", "ERR x", "OK 1 2"] {
        assert!(parse_list_header(bad).is_err(), "{bad:?}");
    }
    for bad in [
        "../x.png 1 1 1",
        "/tmp/x.png 1 1 1",
        ".hidden 1 1 1",
        "x.png 1 1",
        "x.png a 1 1",
        "x.png 1 1 -4",
        "esc\x1b[2J.png 1 1 1",
    ] {
        let err = Entry::parse(bad).unwrap_err().to_string();
        assert!(!err.contains('\x1b'), "{err}");
    }
}

#[test]
fn requests_and_headers_round_trip() {
    assert_eq!(parse_request("LIST"), Ok(Request::List));
    assert_eq!(
        parse_request("GET car.png"),
        Ok(Request::Get("car.png".into()))
    );
    for bad in ["", "GET", "GET ", "list", "PUT x", "LIST x"] {
        assert!(parse_request(bad).is_err(), "{bad:?}");
    }
    for header in [
        Header::Ok {
            bytes: 12,
            checksum: 0xf04f_c729,
        },
        Header::NotFound {
            bytes: 0,
            checksum: 0,
        },
        Header::Err("no such thing".into()),
    ] {
        assert_eq!(parse_header(&header.to_string()), Ok(header));
    }
    assert_eq!(
        Header::Ok {
            bytes: 5,
            checksum: 0xab
        }
        .to_string(),
        "OK 5 000000ab"
    );
    for bad in [
        "OK",
        "OK 1",
        "OK x 00000000",
        "OK 1 0000000g",
        "OK 1 123",
        "HELLO 1 00000000",
    ] {
        assert!(parse_header(bad).is_err(), "{bad:?}");
    }
}
