#!/usr/bin/env python3
"""How many wrong programs do the tests catch? Mutation testing of the references of the 20
programs (solutions/*.rs), with the mutants cargo-mutants makes of each file.

cargo-mutants mutates the crate's library and binaries; the references are examples, included
by the launchers, so this script asks it for the mutants of each file (--Zmutate-file), then
applies each one to the file in turn, runs the tests of that program (`cargo test -p tp --test
programs -- MODULE::PROGRAM::`), and puts the file back. A mutant is caught when a test fails,
unviable when it does not compile, missed when every test passes.

Needs cargo-mutants (`cargo install cargo-mutants`). It changes files of solutions/ while it
runs: run it in a copy of the kit, from the copy's folder:
    python3 grading/mutants.py [solutions/ex1_tcp_server.rs ...]
It takes about 21 minutes for the 20 programs on 2 cores.
"""

import glob
import json
import re
import subprocess
import sys
import time


def modules():
    """Each graded program's test module, from the kit's list (tp/src/programs.rs)."""
    text = open("tp/src/programs.rs", encoding="utf-8").read()
    return dict(re.findall(r'exercise\(\s*"(\w+)",\s*"[^"]*",\s*"(\w+)"', text))


def test_filter(name, module_of):
    """The test names of program `name`: `MODULE::NAME::` when its module tests two programs,
    `MODULE::` when it tests only this one."""
    module = module_of[name]
    shared = sum(1 for m in module_of.values() if m == module) > 1
    return f"{module}::{name}::" if shared else f"{module}::"


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
    module_of = modules()
    files = sys.argv[1:] or sorted(
        f for f in glob.glob("solutions/*.rs") if f.split("/")[-1][:-3] in module_of
    )
    results = {"caught": [], "missed": [], "unviable": []}
    started = time.time()
    for path in files:
        name = path.split("/")[-1][:-3]
        only = test_filter(name, module_of)
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
                    command = ["cargo", "test", "--quiet", "-p", "tp", "--test", "programs", "--", only]
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
