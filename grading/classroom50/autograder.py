#!/usr/bin/env python3
"""Classroom 50 autograder for tp-sockets.

Classroom 50's runner runs this once per submission, in the student's checkout, with the
assignment's bundle (this file and tp-sockets.tar.gz, the kit made by bundle.sh) beside it.
The student's exercises/*.rs files are graded by `tp grade` with the kit of the bundle and its
own tests, never the tests of the student's copy. It writes what the runner publishes:

- result.json: Classroom 50's result (schema classroom50/result/v1), one row per program: its
  score is its tests passed, its maximum its tests counted, its output why it lost points;
- release-body.md: the feedback in Markdown, for the submission's Release.

Exit 0 when grading ran, whatever the score; another exit code tells the runner that grading
itself failed.

The kit may also be a folder already built on the runner (a self-hosted runner, or the kit's
own test): set TP_SOCKETS_KIT to it.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)
ARCHIVE = "tp-sockets.tar.gz"
# The language of the feedback's titles, totals and comparisons with the reference: "en" or "fr".
LANGUAGE = os.environ.get("TP_SOCKETS_LANG", "en")
# The longest grading may take: the first build of the kit, then the tests.
DEADLINE = 25 * 60


def kit(scratch: Path) -> Path:
    """The kit's folder: TP_SOCKETS_KIT, or the bundle's archive unpacked in `scratch`."""
    given = os.environ.get("TP_SOCKETS_KIT")
    if given:
        return Path(given)
    archive = HERE / ARCHIVE
    if not archive.is_file():
        sys.exit(f"{archive} is missing: make the bundle with grading/classroom50/bundle.sh")
    folder = scratch / "tp-sockets"
    with tarfile.open(archive) as tar:
        # The "data" filter refuses links and paths out of the folder.
        tar.extractall(folder, filter="data")
    return folder


def submitted_at() -> str:
    """The graded commit's date (UTC), or now when the checkout has no history."""
    try:
        seconds = subprocess.run(
            ["git", "-c", "safe.directory=*", "log", "-1", "--format=%ct"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.strip()
        when = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)
    except (OSError, ValueError, subprocess.SubprocessError):
        when = datetime.datetime.now(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="tp-classroom50-"))
    try:
        root = kit(scratch)
        out = scratch / "out"
        command = [
            "cargo", "run", "--quiet", "--manifest-path", str(root / "Cargo.toml"), "--",
            "grade", str(Path.cwd()), "--csv", str(scratch / "grades.csv"),
            "--classroom50", str(out), "--lang", LANGUAGE,
            # On purpose: bubblewrap where the runner lets it make its namespaces; otherwise
            # the runner holds this one submission, and tp still kills everything it starts
            # before it writes. The mode is the last line of the Release body.
            "--sandbox", "auto",
        ]
        try:
            # Cargo reads .cargo/config.toml from its working folder up: the kit's, never the
            # student's checkout (a submission could put one there to run its own code).
            graded = subprocess.run(command, cwd=root, timeout=DEADLINE, check=False)
        except subprocess.TimeoutExpired:
            print(f"::error::grading took more than {DEADLINE // 60} minutes", file=sys.stderr)
            return 1
        rows_file = out / "classroom50.json"
        if not rows_file.is_file():
            print(f"::error::tp grade wrote no results (exit code {graded.returncode})",
                  file=sys.stderr)
            return 1
        rows = json.loads(rows_file.read_text(encoding="utf-8"))
        commit = os.environ.get("COMMIT_URL", "")
        result = {
            "schema": "classroom50/result/v1",
            "classroom": os.environ.get("CLASSROOM", ""),
            "assignment": os.environ.get("ASSIGNMENT", ""),
            "assignment_type": os.environ.get("ASSIGNMENT_TYPE") or "individual",
            "owner": os.environ.get("OWNER") or os.environ.get("USERNAME", ""),
            "submission": os.environ.get("SUBMISSION_TAG", ""),
            "commit": commit,
            "release": os.environ.get("RELEASE_URL", ""),
            "review": os.environ.get("REVIEW_URL") or commit,
            "datetime": submitted_at(),
            "graded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "score": rows["score"],
            "max-score": rows["max-score"],
            "tests": rows["tests"],
        }
        Path("result.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        shutil.copyfile(out / "release-body.md", "release-body.md")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
