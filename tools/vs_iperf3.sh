#!/usr/bin/env bash
# The kit's TCP picture download side by side with iperf3, over loopback, on this machine:
# iperf3 sends SIZE bytes from memory to memory (the ceiling of one TCP stream here); the kit's
# proj_image_server sends a file of SIZE bytes to proj_image_client, which checksums it and
# writes it to disk, from the client's start to its end. Best of RUNS runs each.
#
#   bash tools/vs_iperf3.sh [SIZE_MIB] [RUNS]     (default 512 MiB, 3 runs; needs iperf3)
#
# Run by hand on a quiet machine, not in CI.
set -euo pipefail

size_mib=${1:-512}
runs=${2:-3}
kit=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v iperf3 >/dev/null 2>&1; then
  echo "iperf3 is not installed: apt-get install iperf3 (or dnf install iperf3)" >&2
  exit 1
fi
work=$(mktemp -d /tmp/tp-vs-iperf3.XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$kit" && cargo build --release --quiet --example proj_image_server --example proj_image_client)
bin="$kit/target/release/examples"
mkdir -p "$work/served" "$work/out"
head -c $((size_mib << 20)) /dev/urandom >"$work/served/big.bin"
bytes=$((size_mib << 20))

best() { sort -g | tail -n 1; }
# A port that nothing holds now (another program may hold any fixed one).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
iperf_port=$(free_port)
kit_port=$(free_port)

# iperf3, memory to memory: the receiver's rate.
iperf=$(for _ in $(seq "$runs"); do
  iperf3 --server --one-off --port "$iperf_port" >/dev/null 2>&1 &
  sleep 0.5
  iperf3 --client 127.0.0.1 --port "$iperf_port" --bytes "$bytes" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6)'
  wait
done | best)

# The kit: a server, then the client's whole run, file written and checked.
"$bin/proj_image_server" "$kit_port" --dir "$work/served" >/dev/null 2>&1 &
sleep 0.5
kit_rate=$(for _ in $(seq "$runs"); do
  rm -f "$work/out/big.bin"
  start=$(date +%s.%N)
  "$bin/proj_image_client" --port "$kit_port" --out "$work/out" --max-size 8GiB big.bin >/dev/null
  end=$(date +%s.%N)
  cmp -s "$work/served/big.bin" "$work/out/big.bin" || { echo "the download differs" >&2; exit 1; }
  awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", b / (e - s) / 1e6 }'
done | best)

printf '| transfer of %d MiB over loopback | MB/s | vs iperf3 |\n| --- | ---: | ---: |\n' "$size_mib"
printf '| iperf3, memory to memory | %.0f | 1.00x |\n' "$iperf"
awk -v k="$kit_rate" -v i="$iperf" \
  'BEGIN { printf "| proj_image_client from proj_image_server, checked and written | %.0f | %.2fx |\n", k, k / i }'
echo "($(nproc) cores, best of $runs runs)"
