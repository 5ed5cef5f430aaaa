#!/bin/bash
# Moodle VPL runs this when a student presses "Evaluate", in a folder that holds the activity's
# execution files and the student's files (NAME.rs, or exercises/NAME.rs). It writes
# vpl_execution, which VPL runs next: the student's programs are graded by the kit installed
# on the jail server (grading/vpl/README.md), with the kit's own tests, and the grade and the
# comments are printed as VPL reads them (`Comment :=>>...`, then `Grade :=>>N`).
#
# Set for the activity, here:
#   PROGRAMS: the programs this activity grades, as `tp grade --programs` takes them
#             (ex1_tcp,ex2_netstat...); empty: every program of the lab.
#   TP:       the kit's `tp`, as installed on the jail server.
PROGRAMS=${TP_SOCKETS_PROGRAMS:-}
TP=${TP_SOCKETS_TP:-/opt/tp-sockets/target/release/tp}

# VPL's environment: the grade range and the student's language.
# shellcheck source=/dev/null
. ./vpl_environment.sh
case ${VPL_LANG:-} in
  fr*) lang=fr ;;
  *) lang=en ;;
esac
min=${VPL_GRADEMIN:-0}
max=${VPL_GRADEMAX:-10}

{
  echo '#!/bin/bash'
  echo '# Made by vpl_evaluate.sh: grades this folder, then prints the comments and the grade.'
  printf 'TP=%q; PROGRAMS=%q; LANGUAGE=%q; MIN=%q; MAX=%q\n' "$TP" "$PROGRAMS" "$lang" "$min" "$max"
  cat <<'EXECUTION'
export PATH=/usr/local/bin:/usr/bin:/bin
work=$(mktemp -d) || { echo "Comment :=>>-No temporary folder to grade in"; echo "Grade :=>>$MIN"; exit 0; }
# --sandbox auto, on purpose: bubblewrap where the jail lets it make its namespaces; otherwise
# the jail holds this one evaluation, and tp still kills everything the student's programs
# start before it writes the evaluation. Which of the two was used is a comment of the
# evaluation (what tp says on stderr goes to a log that is deleted below).
options=(--vpl "$work/evaluation.txt" --grade-min "$MIN" --grade-max "$MAX" --lang "$LANGUAGE"
         --csv "$work/grades.csv" --sandbox auto)
if [[ -n $PROGRAMS ]]; then
  options+=(--programs "$PROGRAMS")
fi
if [[ ! -x $TP ]]; then
  echo "Comment :=>>-The kit is not installed on this VPL server"
  echo "Comment :=>>>$TP is missing: the teacher installs it once (grading/vpl/README.md)."
  echo "Grade :=>>$MIN"
elif "$TP" grade . "${options[@]}" >"$work/table.txt" 2>"$work/log.txt" || [[ -s $work/evaluation.txt ]]; then
  cat "$work/evaluation.txt"
else
  # tp could not grade (the kit is not ready, a disk is full...): say what it said.
  echo "Comment :=>>-The grader stopped before it graded this submission"
  tail -n 20 "$work/log.txt" | sed 's/^/Comment :=>>>/'
  echo "Grade :=>>$MIN"
fi
rm -rf "$work"
EXECUTION
} >vpl_execution
chmod +x vpl_execution
