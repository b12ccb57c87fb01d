#!/usr/bin/env python3
"""Runs each command of a plan several times and prints one Markdown table of the median wall
time and the peak resident memory of the process (from wait4's rusage). Used by compare.sh.

The plan is JSON on stdin: [{"input": ..., "tool": ..., "cmd": [...], "setup": [...]?,
"runs": N?}, ...]; `setup`, when given, runs before every run of `cmd` and is not timed (a
fresh copy for --fix); `runs` overrides RUNS for a command too slow to repeat.

A command runs RUNS times, or, when it is quick, as many times as fill MIN_SECONDS (at most
MAX_RUNS): the median of five runs of a few milliseconds moves with every hiccup of the machine.
The commands take turns, one run each, until each has had its runs.
The peak RSS of a process includes that of the Python process it was forked from before it ran
the command (about 15 MiB), so that smaller peaks show as that floor.
"""
import json
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("RUNS", "5"))
MIN_SECONDS = 1.0
MAX_RUNS = 301


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, code  # ru_maxrss is in KiB on Linux


def main():
    plan = json.load(sys.stdin)
    only = os.environ.get("ONLY")
    plan = [step for step in plan if only in (None, step["input"]) or step["tool"] == "hello"]
    results = [{"times": [], "peaks": [], "codes": set(), "runs": step.get("runs", RUNS)}
               for step in plan]
    # Round after round, each command that needs more runs runs once, so that every command
    # is measured across the same stretch of time: a machine that slows down for a minute
    # slows every row, not the one it happened to measure.
    while any(len(r["times"]) < r["runs"] for r in results):
        for step, result in zip(plan, results):
            if len(result["times"]) >= result["runs"]:
                continue
            if step.get("setup"):
                subprocess.run(step["setup"], check=True)
            elapsed, peak, code = run_once(step["cmd"])
            result["times"].append(elapsed)
            result["peaks"].append(peak)
            result["codes"].add(code)
            if len(result["times"]) == RUNS and "runs" not in step:
                typical = statistics.median(result["times"])
                result["runs"] = max(RUNS, min(MAX_RUNS, int(MIN_SECONDS / max(typical, 1e-6))))
            if len(result["times"]) == result["runs"]:
                print(f"  {step['input']:<24} {step['tool']:<28} "
                      f"{statistics.median(result['times']) * 1000:9.1f} ms"
                      f"  ({len(result['times'])} runs)", file=sys.stderr)
    rows = [(step["input"], step["tool"], statistics.median(result["times"]),
             max(result["peaks"]), result["codes"]) for step, result in zip(plan, results)]
    print(f"| input | tool | median wall time | peak RSS | exit codes |")
    print(f"|---|---|---:|---:|---|")
    for input_, tool, median, peak, codes in rows:
        wall = f"{median * 1000:.1f} ms" if median < 1 else f"{median:.2f} s"
        print(f"| {input_} | {tool} | {wall} | {peak:.0f} MiB | {', '.join(map(str, sorted(codes)))} |")


if __name__ == "__main__":
    main()
