#!/usr/bin/env bash
# Times `tp grade` on a made-up class: N copies of the solutions (30 by default), every file of
# every copy made different by a comment, so that nothing is compiled only once for all. Run
# from the kit's folder: bash grading/time-a-class.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-30}
class=$(mktemp -d)
trap 'rm -rf "$class"' EXIT
for i in $(seq -w 1 "$count"); do
  mkdir -p "$class/student$i/exercises"
  for file in solutions/*.rs; do
    { cat "$file"; echo "// student $i"; } >"$class/student$i/exercises/$(basename "$file")"
  done
done
cargo build --quiet --bin tp
# The first run builds what grading needs (the kit's tests and references) once.
cargo run --quiet -- grade solutions/.. --csv "$class/warm.csv" >/dev/null 2>&1 || true
start=$(date +%s)
cargo run --quiet -- grade "$class"/student* --csv "$class/grades.csv" \
  --feedback "$class/feedback" >/dev/null 2>"$class/stderr"
end=$(date +%s)
# Which sandbox it used, in tp's words.
grep -E '^(sandbox|no sandbox)' "$class/stderr" || true
full=$(awk -F, 'NR > 1 && $(NF-1) == $NF' "$class/grades.csv" | wc -l)
echo "$count submissions graded in $((end - start)) s; $full of them with every test passed"
# Every copy is a solution: a test that failed here failed under load, and is worth a look.
awk -F, 'NR > 1 && $(NF-1) != $NF { print $1 }' "$class/grades.csv" | while read -r student; do
  echo
  cat "$class/feedback/$student.md"
done
