#!/usr/bin/env bash
# Gradescope's image setup, run once as root with the kit unpacked in /autograder/source:
# installs the C build tools and Rust (rustup, minimal profile), then builds tp, the kit's
# tests and reference programs, and compiles the skeletons once, so that grading a submission
# only compiles that submission's own files.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update
# bubblewrap: each submission is graded in a sandbox where the machine allows one (tp says
# which mode it used); util-linux (prlimit, unshare) is part of the base image.
apt-get install -y --no-install-recommends build-essential ca-certificates curl pkg-config bubblewrap

if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
# shellcheck source=/dev/null
source "$HOME/.cargo/env"

cd "${AUTOGRADER_ROOT:-/autograder}/source"
cargo build --bin tp
# Grading the kit's own skeletons builds everything grading needs (target/tp-grade/).
# The kit's own skeletons are trusted code: no sandbox is needed to build what grading needs.
cargo run --quiet -- grade . --csv /tmp/tp-setup-grades.csv --sandbox off >/dev/null
