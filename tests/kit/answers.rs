//! Facts of the operating system that the answer key (solutions/ANSWERS.md) relies on and that
//! no exercise program shows by itself. They check what the current OS does; none of them runs
//! a student's program, so `cargo grade` scores nothing here.

use std::net::{SocketAddr, TcpListener};

use socket2::{Domain, Socket, Type};

/// Question 2: a port is a 16-bit number (0 to 65535); 0 asks the OS to choose one.
#[test]
fn ex1_q2_a_port_is_16_bits_and_0_lets_the_os_choose() {
    assert!("127.0.0.1:65535".parse::<SocketAddr>().is_ok());
    assert!("127.0.0.1:65536".parse::<SocketAddr>().is_err());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    assert_ne!(listener.local_addr().unwrap().port(), 0);
}

/// Question 2: on Linux, ports below 1024 need administrator rights (root, or the capability
/// CAP_NET_BIND_SERVICE, or a lowered `net.ipv4.ip_unprivileged_port_start`). macOS (10.14 on)
/// and Windows have no such rule. The test checks what this OS does for this user.
#[test]
fn ex1_q2_ports_below_1024_need_administrator_rights_on_linux() {
    let port = 1000;
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let result = socket.bind(&SocketAddr::from(([127, 0, 0, 1], port)).into());
    if cfg!(target_os = "linux") {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let cap_eff = status
            .lines()
            .find_map(|l| l.strip_prefix("CapEff:"))
            .map(|hex| u64::from_str_radix(hex.trim(), 16).unwrap())
            .unwrap();
        let can_bind_low_ports = cap_eff & (1 << 10) != 0; // CAP_NET_BIND_SERVICE
        let first_free = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
            .ok()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .unwrap_or(1024);
        let allowed = can_bind_low_ports || port >= first_free;
        match result {
            Ok(()) => assert!(
                allowed,
                "bind to port {port} should need administrator rights"
            ),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {}
            Err(e) => {
                assert!(!allowed, "bind to port {port} failed: {e}");
                assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
            }
        }
        println!(
            "this user {} bind ports below {first_free}",
            if can_bind_low_ports { "may" } else { "may not" }
        );
    } else {
        println!("binding port {port} on this OS: {result:?}");
    }
}

/// Advanced exercise: the default of IPV6_V6ONLY on a new IPv6 socket is the OS's choice:
/// Linux takes it from `net.ipv6.bindv6only` (0: off), macOS has it off, Windows on.
#[test]
fn advanced_ipv6_v6only_default_is_the_systems_choice() {
    let socket = match Socket::new(Domain::IPV6, Type::STREAM, None) {
        Ok(socket) => socket,
        Err(e) => {
            println!("skipped: no IPv6 sockets here ({e})");
            return;
        }
    };
    let v6only = socket.only_v6().unwrap();
    if cfg!(target_os = "linux") {
        let sysctl = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only").unwrap();
        assert_eq!(v6only, sysctl.trim() == "1");
    } else if cfg!(windows) {
        assert!(v6only);
    } else if cfg!(target_os = "macos") {
        assert!(!v6only);
    }
    println!(
        "IPV6_V6ONLY is {} by default here",
        if v6only { "on" } else { "off" }
    );
}
