#!/usr/bin/env bash
# A student's first minutes, measured cold: from a fresh clone of this kit with an empty target
# folder (the crates already downloaded: `cargo fetch` first, not timed), the first
# `cargo build --example ex1_tcp_server` (what `cargo run --example` builds before it runs) and
# the first `cargo run -- check ex1_tcp_server`, each against a bare crate that holds only the
# crates the handout's programs need (clap, socket2, image with png and jpeg, the kit's versions
# and features), built cold in the same run with cargo's defaults; and the same bare crate with
# its dependencies built as the kit builds them (Cargo.toml: no debug information), to show
# what that choice saves and what is left of the kit's own cost.
#
#   bash tools/first_build.sh        (run by hand, on a quiet machine: it takes minutes)
#
# Then the first check of a project program (proj_image_client) in another fresh clone, and
# later checks once everything is built: one program, and all twenty.
#
# It prints a Markdown table of the times, and each as a ratio to the bare crate, with its goal.
set -euo pipefail

kit=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/tp-first-build.XXXX)
trap 'rm -rf "$work"' EXIT

# The version cargo locked for `crate` in the kit.
locked() {
  awk -v name="$1" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3; exit }' \
    "$kit/Cargo.lock"
}

git clone -q "$kit" "$work/kit"
(cd "$work/kit" && cargo fetch --quiet)

mkdir -p "$work/bare/src"
cat >"$work/bare/Cargo.toml" <<EOF
[package]
name = "bare"
version = "0.1.0"
edition = "2024"

[dependencies]
clap = { version = "=$(locked clap)", default-features = false, features = ["std", "derive", "help", "usage", "error-context", "suggestions"] }
socket2 = { version = "=$(locked socket2)", features = ["all"] }
image = { version = "=$(locked image)", default-features = false, features = ["png", "jpeg"] }
EOF
cat >"$work/bare/src/main.rs" <<'EOF'
use clap::Parser;

/// The three crates, used, so that each is linked.
#[derive(Parser)]
struct Args {
    port: u16,
}

fn main() {
    let args = Args::parse();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None);
    println!("{} {} {:?}", args.port, socket.is_ok(), image::ImageFormat::Png);
}
EOF
cp "$kit/Cargo.lock" "$work/bare/Cargo.lock"
cp -r "$work/bare" "$work/bare-profiled"
printf '\n[profile.dev.package."*"]\ndebug = false\n' >>"$work/bare-profiled/Cargo.toml"

# Seconds that `$@` takes in folder $1, its output to $work/log.
seconds() {
  local dir=$1
  shift
  local start end
  start=$(date +%s.%N)
  # A check exits 1 on the skeleton: what counts is how long it took.
  (cd "$dir" && "$@") >>"$work/log" 2>&1 || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

bare=$(seconds "$work/bare" cargo build --offline --quiet)
profiled=$(seconds "$work/bare-profiled" cargo build --offline --quiet)
example=$(seconds "$work/kit" cargo build --offline --quiet --example ex1_tcp_server)
# The first check, in a clone of its own: nothing built before it; then a project program's,
# in another.
git clone -q "$kit" "$work/kit2"
check=$(seconds "$work/kit2" cargo run --offline --quiet -- check ex1_tcp_server)
git clone -q "$kit" "$work/kit3"
project=$(seconds "$work/kit3" cargo run --offline --quiet -- check proj_image_client)
# Later checks, everything built: one program, then all twenty (the references they start are
# built by the first check of all twenty, not timed).
seconds "$work/kit2" cargo run --offline --quiet -- check >/dev/null
again=$(seconds "$work/kit2" cargo run --offline --quiet -- check ex1_tcp_server)
all=$(seconds "$work/kit2" cargo run --offline --quiet -- check)

ratio() { awk -v a="$1" -v b="$bare" 'BEGIN { printf "%.2f", a / b }'; }
printf '| what (cold, crates downloaded) | seconds | vs the bare crate | goal |\n'
printf '| --- | ---: | ---: | ---: |\n'
# shellcheck disable=SC2016 # the backquotes are Markdown's
printf '| bare crate: clap + socket2 + image (png, jpeg) | %.1f | 1.00x | |\n' "$bare"
printf '| the same, its dependencies without debug information | %.1f | %sx | |\n' "$profiled" "$(ratio "$profiled")"
# shellcheck disable=SC2016
printf '| first `cargo run --example ex1_tcp_server` (its build) | %.1f | %sx | <= 1.3x |\n' "$example" "$(ratio "$example")"
# shellcheck disable=SC2016
printf '| first `cargo run -- check ex1_tcp_server` | %.1f | %sx | <= 2.0x |\n' "$check" "$(ratio "$check")"
# shellcheck disable=SC2016
printf '| first `cargo run -- check proj_image_client` | %.1f | %sx | |\n' "$project" "$(ratio "$project")"
# shellcheck disable=SC2016
printf '| a later `cargo run -- check ex1_tcp_server` | %.1f | | <= 1.5 s |\n' "$again"
# shellcheck disable=SC2016
printf '| a later `cargo run -- check` (all twenty) | %.1f | | <= 10 s |\n' "$all"
echo "($(nproc) cores; rustc $(rustc --version | cut -d' ' -f2))"
