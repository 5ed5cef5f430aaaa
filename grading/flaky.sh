#!/usr/bin/env bash
# Grades the solutions N times in a row (10 by default) on a starved CPU, and prints every test
# that failed even once: a deadline that does not hold on a busy machine shows up here. As
# root where a cpu control group can be made, tp runs in one limited to half a core, as
# Gradescope's default machine; elsewhere a busy loop runs on every core meanwhile.
# Run from the kit's folder: bash grading/flaky.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
work=$(mktemp -d)
busy=()
cgroup=
cleanup() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $cgroup ]]; then
    # The shell leaves the group before it is removed.
    echo $$ >"$(dirname "$cgroup")/cgroup.procs" 2>/dev/null || true
    rmdir "$cgroup" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/solutions"
cp solutions/*.rs "$work/solutions/"
cargo build --quiet --bin tp
tp=target/debug/tp
# The first run builds what grading needs, on a machine at rest.
"$tp" grade "$work/solutions" --csv "$work/warm.csv" >/dev/null 2>&1 || true

# Half a core: cgroup v2 (cpu.max) or v1 (cfs quota), where this user may make one.
starve=
own=$(sed -n 's/^0:://p' /proc/self/cgroup 2>/dev/null || true)
if [[ -f /sys/fs/cgroup/cgroup.controllers && -n $own ]] &&
  mkdir "/sys/fs/cgroup$own/tp-flaky-$$" 2>/dev/null; then
  cgroup="/sys/fs/cgroup$own/tp-flaky-$$"
  if echo "50000 100000" >"$cgroup/cpu.max" 2>/dev/null; then
    starve="cgroup v2 at half a core"
  fi
elif v1=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' /proc/self/cgroup 2>/dev/null) &&
  [[ -n $v1 ]] && mkdir "/sys/fs/cgroup/cpu${v1%/}/tp-flaky-$$" 2>/dev/null; then
  cgroup="/sys/fs/cgroup/cpu${v1%/}/tp-flaky-$$"
  if echo 100000 >"$cgroup/cpu.cfs_period_us" && echo 50000 >"$cgroup/cpu.cfs_quota_us"; then
    starve="cgroup v1 at half a core"
  fi
fi
if [[ -n $starve ]]; then
  echo $$ >"$cgroup/cgroup.procs"
else
  for _ in $(seq "$(nproc)"); do
    (while :; do :; done) &
    busy+=("$!")
  done
  starve="a busy loop on each of the $(nproc) cores"
fi
echo "grading the solutions $runs times, starved by $starve"

failed=0
for run in $(seq "$runs"); do
  start=$(date +%s)
  "$tp" grade "$work/solutions" --csv "$work/grades.csv" --feedback "$work/feedback" \
    >/dev/null 2>"$work/stderr" || true
  row=$(tail -n 1 "$work/grades.csv")
  passed=$(cut -d, -f"$(($(head -n 1 "$work/grades.csv" | tr ',' '\n' | wc -l) - 1))" <<<"$row")
  total=${row##*,}
  echo "run $run: $passed of $total tests passed in $(($(date +%s) - start)) s"
  if [[ $passed != "$total" ]]; then
    failed=$((failed + 1))
    grep '^\*\*' "$work/feedback/solutions.md" | sed "s/^/  run $run: /" >>"$work/failures"
  fi
done
echo
if [[ $failed -eq 0 ]]; then
  echo "no test of the solutions failed in $runs runs"
else
  echo "$failed of $runs runs lost points; every test that failed:"
  cat "$work/failures"
  exit 1
fi
