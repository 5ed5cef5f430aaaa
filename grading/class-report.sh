#!/usr/bin/env bash
# The class at a glance, for the kit's own demo class, and its picture in the READMEs: grades
# three made-up students (one done, one who never read the server's reply, one at the
# skeletons) with `tp grade --report`, then headless Chromium takes the screenshot
# docs/class-report.png. With a count N, times a class of N copies instead (the page's size,
# and how long Chromium takes to render it), graded on Exercise 1 only to keep it to minutes.
# Run from the kit's folder: bash grading/class-report.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-}
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z $chromium ]]; then
  echo "no chromium here: apt-get install chromium (Debian, Ubuntu), then run this again" >&2
  exit 1
fi
class=$(mktemp -d)
trap 'rm -rf "$class"' EXIT
# A student: the files of FROM, then each NAME=FILE given replaces exercises/NAME.rs.
student() {
  local name=$1 from=$2
  shift 2
  mkdir -p "$class/$name/exercises"
  cp "$from"/*.rs "$class/$name/exercises/"
  for change in "$@"; do
    cp "${change#*=}" "$class/$name/exercises/${change%%=*}.rs"
  done
}
cat >"$class/never_reads.rs" <<'RS'
use std::io::Write;
pub fn main() -> std::process::ExitCode {
    let mut stream = std::net::TcpStream::connect("127.0.0.1:60000").unwrap();
    stream.write_all(b"hello").unwrap();
    std::process::ExitCode::SUCCESS
}
RS
headless() {
  "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-dev-shm-usage \
    --user-data-dir="$class/chromium" "$@" 2>/dev/null
}
cargo build --quiet --bin tp
if [[ -z $count ]]; then
  student ana solutions
  student bruno solutions ex1_tcp_client="$class/never_reads.rs"
  student chloe exercises
  cargo run --quiet -- grade "$class"/{ana,bruno,chloe} --sandbox auto \
    --csv "$class/grades.csv" --report "$class/class.html"
  mkdir -p docs
  headless --screenshot="$PWD/docs/class-report.png" --window-size=1100,1500 \
    "file://$class/class.html" >/dev/null
  echo "docs/class-report.png: $(wc -c <docs/class-report.png) bytes"
  exit 0
fi
for i in $(seq -w 1 "$count"); do
  case $((10#$i % 3)) in
    0) student "student$i" solutions ;;
    1) student "student$i" solutions ex1_tcp_client="$class/never_reads.rs" ;;
    2) student "student$i" exercises ;;
  esac
done
cargo run --quiet -- grade "$class"/student* --programs ex1_tcp --sandbox auto \
  --csv "$class/grades.csv" --report "$class/class.html" >/dev/null
echo '<!DOCTYPE html><title>empty</title>' >"$class/empty.html"
# Chromium's own start, then the page: the difference is the page's load and layout.
ms() { local start; start=$(date +%s%N); headless --dump-dom "file://$1" >/dev/null; echo $((($(date +%s%N) - start) / 1000000)); }
ms "$class/empty.html" >/dev/null
empty=$(ms "$class/empty.html")
page=$(ms "$class/class.html")
echo "$count submissions: a page of $(wc -c <"$class/class.html") bytes; Chromium took $page ms on it, $empty ms on an empty page"
