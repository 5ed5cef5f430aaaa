//! What `tp trace NAME` runs for each program: the program, with which arguments and input,
//! and its reference peer (the server for a client, a client for a server).

use super::super::Error;

/// The other side of a program's exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// A reference program of the kit.
    Reference(&'static str),
    /// tp's own server, which welcomes each client and waits for it to close first (as the
    /// tests' server does): a client that closes first keeps its port in TIME_WAIT.
    ClosingLast,
}

/// A program's exchange, as `tp trace` runs it.
pub struct Scenario {
    /// The program listens (it is started first, and the peer comes to it).
    pub server: bool,
    /// The server's port.
    pub port: u16,
    /// The program's arguments (when the command line gives none).
    pub args: &'static [&'static str],
    /// What is typed to the program.
    pub input: &'static str,
    /// Its peer, if it has one.
    pub peer: Option<Peer>,
    /// The peer's arguments.
    pub peer_args: &'static [&'static str],
    /// What is typed to the peer.
    pub peer_input: &'static str,
    /// How many times the client runs (twice shows what the first run left behind).
    pub runs: usize,
    /// The programs need the sample pictures in their folder.
    pub pictures: bool,
}

const fn scenario(server: bool, port: u16, peer: &'static str) -> Scenario {
    Scenario {
        server,
        port,
        args: &[],
        input: "",
        peer: Some(Peer::Reference(peer)),
        peer_args: &[],
        peer_input: "",
        runs: 1,
        pictures: false,
    }
}

/// The scenario of the program `name`, or why it has none.
pub fn of(name: &str) -> Result<Scenario, Error> {
    // The server's port: the handout's, as the program's entry says.
    let program = crate::programs::find(name).ok_or_else(|| Error::NoSuchProgram(name.into()))?;
    let port = program.ports.first().copied().unwrap_or(60000);
    let scenario = match name {
        "ex1_tcp_server" => scenario(true, port, "ex1_tcp_client"),
        "ex1_tcp_client" => scenario(false, port, "ex1_tcp_server"),
        "ex2_dynamic_server" => Scenario {
            input: "60000\n",
            peer_input: "60000\nhello\n",
            ..scenario(true, port, "ex2_dynamic_client")
        },
        "ex2_dynamic_client" => Scenario {
            input: "60000\nhello\n",
            peer_input: "60000\n",
            ..scenario(false, port, "ex2_dynamic_server")
        },
        "ex2_getsockname" => scenario(false, port, "ex2_tcp_loop"),
        "ex2_static_bind" => Scenario {
            runs: 2,
            peer: Some(Peer::ClosingLast),
            ..scenario(false, port, "ex2_tcp_loop")
        },
        "ex2_tcp_loop" => Scenario {
            runs: 2,
            ..scenario(true, port, "ex1_tcp_client")
        },
        "ex3_args_server" => Scenario {
            args: &["60000"],
            peer_args: &["60000", "Bonjour"],
            ..scenario(true, port, "ex3_args_client")
        },
        "ex3_args_client" => Scenario {
            args: &["60000", "Bonjour"],
            peer_args: &["60000"],
            ..scenario(false, port, "ex3_args_server")
        },
        "ex4_udp_server" => Scenario {
            args: &["60000"],
            peer_args: &["60000", "Bonjour"],
            ..scenario(true, port, "ex4_udp_client")
        },
        "ex4_udp_client" => Scenario {
            args: &["60000", "Bonjour"],
            peer_args: &["60000"],
            ..scenario(false, port, "ex4_udp_server")
        },
        "ex5_ipv6_server" => Scenario {
            args: &["60000"],
            peer_args: &["60000", "Bonjour"],
            ..scenario(true, port, "ex5_ipv6_client")
        },
        "ex5_ipv6_client" => Scenario {
            args: &["60000", "Bonjour"],
            // Both families: `-- --ipv4 60000 Bonjour` shows IPv4 on the wire, IPv4-mapped in
            // the server.
            peer_args: &["60000", "--dual-stack"],
            ..scenario(false, port, "ex5_ipv6_server")
        },
        "proj_parity_server" => Scenario {
            peer_args: &["house.jpg"],
            pictures: true,
            ..scenario(true, port, "proj_parity_client")
        },
        "proj_parity_client" => Scenario {
            args: &["house.jpg"],
            pictures: true,
            ..scenario(false, port, "proj_parity_server")
        },
        "proj_image_server" => Scenario {
            peer_args: &["house.jpg"],
            pictures: true,
            ..scenario(true, port, "proj_image_client")
        },
        "proj_image_client" => Scenario {
            args: &["house.jpg"],
            pictures: true,
            ..scenario(false, port, "proj_image_server")
        },
        "proj_image_udp_server" => Scenario {
            peer_args: &["dog.jpg"],
            pictures: true,
            ..scenario(true, port, "proj_image_udp_client")
        },
        "proj_image_udp_client" => Scenario {
            args: &["dog.jpg"],
            pictures: true,
            ..scenario(false, port, "proj_image_udp_server")
        },
        "ex2_netstat" => {
            return Err(Error::NothingToTrace(
                name.to_string(),
                "trace ex1_tcp_server, whose trace ends with the sockets ex2_netstat would list",
            ));
        }
        _ => return Err(Error::NoSuchProgram(name.to_string())),
    };
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::PROGRAMS;

    #[test]
    fn every_program_that_talks_has_a_scenario_with_a_reference_peer_of_the_other_side() {
        for program in PROGRAMS
            .iter()
            .filter(|p| !p.tool && p.kind != crate::programs::Kind::Other)
        {
            let scenario = of(program.name).unwrap();
            if let Some(Peer::Reference(peer)) = scenario.peer {
                assert!(crate::programs::find(peer).is_some(), "{peer}");
            }
            let server = program.kind == crate::programs::Kind::Server;
            assert_eq!(scenario.server, server, "{}", program.name);
            assert!(scenario.runs >= 1);
        }
        assert!(of("ex2_netstat").is_err());
        assert!(of("nope").is_err());
    }
}
