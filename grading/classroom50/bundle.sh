#!/usr/bin/env bash
# Makes the Classroom 50 bundle of this assignment: the autograder and the kit it grades with.
#
#   bash grading/classroom50/bundle.sh CLASSROOM50-REPOSITORY/CLASSROOM/autograders/ASSIGNMENT
#
# writes autograder.py and tp-sockets.tar.gz (the kit's committed files, `git archive HEAD`:
# its tests, its references, its library) into that folder of your classroom50 repository.
# Commit and push them there; Classroom 50 publishes them with the assignment.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: bash grading/classroom50/bundle.sh CLASSROOM50-REPOSITORY/CLASSROOM/autograders/ASSIGNMENT" >&2
  exit 2
fi
dest=$1
kit=$(cd "$(dirname "$0")/../.." && pwd)
if ! git -C "$kit" rev-parse --verify -q HEAD >/dev/null; then
  echo "error: $kit is not a git repository with a commit: the bundle is made from the kit's commits" >&2
  exit 1
fi
mkdir -p "$dest"
cp "$kit/grading/classroom50/autograder.py" "$dest/autograder.py"
git -C "$kit" archive --format=tar.gz -o "$dest/tp-sockets.tar.gz.part" HEAD
mv "$dest/tp-sockets.tar.gz.part" "$dest/tp-sockets.tar.gz"
size=$(wc -c <"$dest/tp-sockets.tar.gz")
echo "wrote $dest/autograder.py and $dest/tp-sockets.tar.gz ($size bytes, commit $(git -C "$kit" rev-parse --short HEAD))"
if [[ -n $(git -C "$kit" status --porcelain) ]]; then
  echo "note: the kit has changes that are not committed; the bundle holds its last commit only"
fi
