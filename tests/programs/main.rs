//! The tests of the exercise programs, one module per exercise (tests/programs/ex1_tcp.rs, ...),
//! each program tested on its own against the reference peer. One test binary for them all:
//! `cargo grade --test programs ex1_tcp` runs one exercise's tests on your files.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

#[path = "../common/mod.rs"]
mod common;

mod ex1_tcp;
mod ex2_dynamic;
mod ex2_getsockname;
mod ex2_netstat;
mod ex2_static_bind;
mod ex2_tcp_loop;
mod ex3_args;
mod ex4_udp;
mod ex5_ipv6;
mod proj_image;
mod proj_image_udp;
mod proj_lossy_proxy;
mod proj_parity;
