//! Exercise 2, step 4: `ex2_dynamic_server` asks for its port, `ex2_dynamic_client` for the
//! port and the message. Bad answers are explained and asked again; closed input ends the
//! program with exit code 1. Ports are picked by the OS, so these tests run in parallel.

use std::net::TcpListener;
use std::time::Duration;

use crate::common::*;

const SERVER: &str = "ex2_dynamic_server";
const CLIENT: &str = "ex2_dynamic_client";

fn server_listens_on_the_typed_port_and_welcomes_the_typed_message(sides: Sides) {
    let port = free_port();
    let mut server = sides.server(SERVER).start();
    server.type_in(&format!("{port}\n"));
    server.expect_line_starting("listening on ", START_DEADLINE);
    server.expect_printed(&format!("listening on 127.0.0.1:{port}"));

    let client = sides
        .client(CLIENT)
        .stdin(&format!("{port}\nBonjour le serveur\n"))
        .run();
    client.assert_success();
    client.expect_stdout("server replied: Welcome to this server");
    server.assert_exits(0, RUN_DEADLINE);
    server.expect_printed("received \"Bonjour le serveur\" from 127.0.0.1:");
}

/// The tests of `ex2_dynamic_server`.
mod ex2_dynamic_server {
    use super::*;

    #[test]
    fn server_listens_on_the_typed_port_and_welcomes_the_typed_message() {
        super::server_listens_on_the_typed_port_and_welcomes_the_typed_message(SERVER_UNDER_TEST);
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn a_message_with_terminal_codes_is_printed_escaped() {
        let mut server = under_test(SERVER).start();
        server.type_in(&format!("{}\n", free_port()));
        server.expect_to_announce(SERVER);
        assert_message_shown_escaped(SERVER, &server);
    }

    #[test]
    fn server_explains_and_asks_again_after_each_kind_of_bad_port() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let port = free_port();
        let mut server = under_test(SERVER).start();
        server.type_in(&format!("\nabc\n0\n70000\n-5\n{taken_port}\n{port}\n"));
        server.expect_line_starting("listening on ", START_DEADLINE);
        // stderr is collected by its own thread: wait for the last explanation.
        server.wait_for_stderr(|l| l.contains("already in use"), START_DEADLINE);
        let stderr = server.stderr();
        let explanations: Vec<&str> = stderr.lines().collect();
        assert_eq!(explanations.len(), 6, "one line per bad answer:\n{stderr}");
        let taken = format!("port {taken_port} is already in use");
        let answers = ["", "abc", "0", "70000", "-5", &taken_port.to_string()];
        let parts = [
            "please type a port number",
            "`abc` is not a number",
            "0 is not a port",
            "70000 is not a port",
            "`-5` is not a number",
            &taken,
        ];
        for (i, (answer, part)) in answers.iter().zip(parts).enumerate() {
            assert!(
                explanations[i].contains(part),
                "expected {SERVER} to answer the port {answer:?} with a line saying `{part}`, \
                 but it said `{}`\n--- on stderr ---\n{stderr}",
                explanations[i]
            );
        }
        let asked = server.stdout().matches("port: ").count();
        assert!(
            asked == 7,
            "expected {SERVER} to ask for the port 7 times (once, then after each of 6 bad \
             answers), but it asked {asked} times\n{}",
            server.transcript()
        );
    }

    /// Whether this user may bind ports below 1024 is the OS's decision (Linux: root or
    /// CAP_NET_BIND_SERVICE); the test asks the OS first, then checks the server agrees.
    #[test]
    fn server_asks_again_for_a_port_below_1024_it_may_not_use() {
        let low = 1000;
        let allowed = match TcpListener::bind(("127.0.0.1", low)) {
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => false,
            Err(e) => {
                println!(
                    "{}",
                    tp::told::skipped(&format!("port {low} cannot be tried here ({e})"))
                );
                return;
            }
        };
        let port = free_port();
        let mut server = under_test(SERVER).start();
        server.type_in(&format!("{low}\n{port}\n"));
        server.expect_line_starting("listening on ", START_DEADLINE);
        let expected = if allowed { low } else { port };
        server.expect_printed(&format!("listening on 127.0.0.1:{expected}"));
        if !allowed {
            // stderr is collected by its own thread: wait for the explanation.
            server.wait_for_stderr(|l| l.contains("below 1024"), START_DEADLINE);
            assert!(
                server.stderr().contains("below 1024"),
                "expected {SERVER} to explain that port {low} is below 1024 and needs rights \
                 this user does not have\n{}",
                server.transcript()
            );
        }
        println!("this user may bind port {low}: {allowed}");
    }

    #[test]
    fn closed_input_ends_the_server_with_exit_1_and_a_short_message() {
        let mut server = under_test(SERVER).start();
        server.close_stdin();
        server.assert_exits(1, RUN_DEADLINE);
        crate::common::assert_one_clear_line(&server.stderr());
        assert!(
            server.stderr().contains("input was closed"),
            "expected {SERVER} to say that its input was closed\n{}",
            server.transcript()
        );
    }
}

/// The tests of `ex2_dynamic_client`.
mod ex2_dynamic_client {
    use super::*;

    #[test]
    fn server_listens_on_the_typed_port_and_welcomes_the_typed_message() {
        super::server_listens_on_the_typed_port_and_welcomes_the_typed_message(CLIENT_UNDER_TEST);
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn the_client_shows_terminal_codes_from_the_server_escaped() {
        let server = TestServer::replying("127.0.0.1:0", Some(TERMINAL_CODES));
        let port = server.address.port();
        let client = under_test(CLIENT).stdin(&format!("{port}\nhello\n")).run();
        assert_reply_escaped(&client);
    }

    #[test]
    fn client_explains_and_asks_again_after_a_bad_port_or_an_empty_message() {
        let server = TestServer::start("127.0.0.1:0");
        let port = server.address.port();
        let input = format!("abc\n\n99999\n{port}\n\nHello\n");
        let client = under_test(CLIENT)
            .stdin(&input)
            .deadline(RUN_DEADLINE)
            .run();
        client.assert_success();
        let explanations: Vec<&str> = client.stderr.lines().collect();
        assert!(
            explanations.len() == 4,
            "expected {CLIENT} to explain each of 4 bad answers (abc, an empty port, 99999, an \
             empty message) in one line, but it wrote {} lines\n{client}",
            explanations.len()
        );
        assert!(
            explanations[3].contains("the message is empty"),
            "expected {CLIENT} to answer an empty message with `the message is empty`, but it \
             said `{}`",
            explanations[3]
        );
        client.expect_stdout("server replied: Welcome to this server");
        let sent = server
            .seen()
            .first()
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        assert!(
            sent == "Hello",
            "expected {CLIENT} to send the message typed, \"Hello\", but the server received {sent:?}"
        );
    }

    #[test]
    fn closed_input_ends_the_client_with_exit_1_and_a_short_message() {
        let port = free_port();
        for input in [String::new(), format!("{port}\n")] {
            let client = under_test(CLIENT)
                .stdin(&input)
                .deadline(RUN_DEADLINE)
                .run();
            client.refuses_saying(1, &["input was closed"]);
        }
    }

    #[test]
    fn client_with_no_server_on_the_typed_port_says_to_start_it() {
        let nobody = crate::common::closed_tcp_port();
        let port = nobody.port;
        let client = under_test(CLIENT)
            .stdin(&format!("{port}\nhi\n"))
            .deadline(Duration::from_secs(5))
            .run();
        client.refuses_saying(1, &["start the server first"]);
    }
}
