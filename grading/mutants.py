#!/usr/bin/env python3
"""How many wrong programs do the tests catch? Mutation testing of the references of Exercises
1 to 5 (solutions/ex*.rs), with the mutants cargo-mutants makes of each file.

cargo-mutants mutates the crate's library and binaries; the references are examples, included
by the launchers, so this script asks it for the mutants of each file (--Zmutate-file), then
applies each one to the file in turn, runs the tests of that program (`cargo test --test TEST
PROGRAM::`), and puts the file back. A mutant is caught when a test fails, unviable when it does
not compile, missed when every test passes.

Needs cargo-mutants (`cargo install cargo-mutants`). Run from the kit's folder:
    python3 grading/mutants.py [solutions/ex1_tcp_server.rs ...]
It takes about half an hour for all of Exercises 1 to 5 on 2 cores.
"""

import glob
import json
import subprocess
import sys
import time


def test_of(name):
    """The test target and the test filter of program `name`."""
    for side in ("_server", "_client"):
        if name.endswith(side):
            return name[: -len(side)], name + "::"
    return name, ""


def apply(text, mutant):
    """`text` with the mutant's span replaced (lines and columns count from 1, end excluded)."""
    lines = text.split("\n")
    start, end = mutant["span"]["start"], mutant["span"]["end"]
    before = "\n".join(lines[: start["line"] - 1] + [lines[start["line"] - 1][: start["column"] - 1]])
    after_line = lines[end["line"] - 1][end["column"] - 1 :]
    after = "\n".join([after_line] + lines[end["line"] :])
    return before + mutant["replacement"] + after


def run(command, timeout=600):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return -1


def main():
    files = sys.argv[1:] or sorted(glob.glob("solutions/ex[1-5]_*.rs"))
    results = {"caught": [], "missed": [], "unviable": []}
    started = time.time()
    for path in files:
        name = path.split("/")[-1][:-3]
        test, only = test_of(name)
        listed = subprocess.run(
            ["cargo", "mutants", "--Zmutate-file", path, "--json"],
            capture_output=True, text=True, check=True,
        )
        original = open(path, encoding="utf-8").read()
        try:
            for mutant in json.loads(listed.stdout):
                label = f"{path}:{mutant['span']['start']['line']}: {mutant['name'].split(': ', 1)[1]}"
                with open(path, "w", encoding="utf-8") as f:
                    f.write(apply(original, mutant))
                if run(["cargo", "build", "--quiet", "--example", name]) != 0:
                    verdict = "unviable"
                else:
                    command = ["cargo", "test", "--quiet", "--test", test]
                    if only:
                        command.append(only)
                    verdict = "missed" if run(command) == 0 else "caught"
                results[verdict].append(label)
                print(f"{verdict:8} {label}", flush=True)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
    caught, missed = len(results["caught"]), len(results["missed"])
    viable = caught + missed
    rate = 100.0 * caught / viable if viable else 100.0
    print(
        f"\n{caught} of {viable} viable mutants caught ({rate:.0f} %), "
        f"{len(results['unviable'])} unviable, in {time.time() - started:.0f} s"
    )
    for label in results["missed"]:
        print(f"missed: {label}")
    return 0 if rate >= 90 else 1


if __name__ == "__main__":
    sys.exit(main())
