#!/usr/bin/env python3
"""Runs each command of a plan several times and prints one Markdown table of the median wall
time and the peak resident memory of the process (from wait4's rusage). Used by compare.sh.

The plan is JSON on stdin: [{"input": ..., "tool": ..., "cmd": [...], "setup": [...]?,
"runs": N?, "min_runs": N?, "against": TOOL?}, ...]; `setup`, when given, runs before every
run of `cmd` and is not timed (a fresh copy for --fix); `runs` overrides RUNS for a command
too slow to repeat.

A command runs RUNS times, or, when it is quick, as many times as fill MIN_SECONDS (at most
MAX_RUNS): the median of five runs of a few milliseconds moves with every hiccup of the machine.
The commands take turns, one run each, until each has had its runs; every other round goes in
the reverse order.

The timings are of a warm page cache: a run that read from disk (a major page fault of the
process, or more than 256 KiB read by the machine: Linux's pgpgin) is run again, at most
RETRIES times, and the output says how many were. Some machines page out cached files that
look idle (a VM's DAMON `pageout` scheme does, within a minute), and a row that reads more
files is hit more often, so its median would measure the disk.

A step with `"against": TOOL` (a tool of the same input) also gets the median of its paired
ratios: each of its runs over the run of TOOL in the same round, with a 95 % confidence
interval for that median (so that a limit can be held against what the runs can tell).
`"min_runs": N` gives a step at least N runs whatever RUNS says: a ratio of two rows needs more
runs than one row.

The peak RSS of a process includes that of the Python process it was forked from before it ran
the command (about 15 MiB), so that smaller peaks show as that floor.
"""
import json
import math
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("RUNS", "5"))
MIN_SECONDS = 1.0
MAX_RUNS = 301
RETRIES = 3


def pages_read():
    """KiB the machine has read from disk since boot, or None where /proc/vmstat is absent."""
    try:
        with open("/proc/vmstat") as vmstat:
            for line in vmstat:
                if line.startswith("pgpgin "):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_once(cmd):
    """Wall time, peak RSS in MiB, exit code, and whether the run read from disk."""
    before = pages_read()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    after = pages_read()
    code = os.waitstatus_to_exitcode(status)
    from_disk = usage.ru_majflt > 0 or (None not in (before, after) and after - before > 256)
    return elapsed, usage.ru_maxrss / 1024, code, from_disk  # ru_maxrss is in KiB on Linux


def median_interval(values):
    """A 95 % confidence interval for the median of `values`, from their order statistics
    alone (the binomial one: no assumption about how the runs' times are distributed). With
    fewer than six values there is none, and the range is given.

    The ranks are those of the binomial tables: the 14th and 28th of 41, the 31st and 51st of 81.
    >>> median_interval(range(1, 42)), median_interval(range(81, 0, -1))
    ((14, 28), (31, 51))
    >>> median_interval([3.0, 1.0, 2.0])
    (1.0, 3.0)
    """
    ordered = sorted(values)
    n = len(ordered)
    if n < 6:
        return ordered[0], ordered[-1]
    half_width = 0.98 * math.sqrt(n)  # 1.96 standard deviations of a binomial(n, 1/2): √n / 2
    low = max(math.floor(n / 2 - half_width), 1)  # ranks, from 1
    high = min(math.ceil(n / 2 + 1 + half_width), n)
    return ordered[low - 1], ordered[high - 1]


def main():
    plan = json.load(sys.stdin)
    only = os.environ.get("ONLY")
    plan = [step for step in plan if only in (None, step["input"]) or step["tool"] == "hello"]
    results = [{"times": [], "peaks": [], "codes": set(), "again": 0,
                "runs": step.get("runs", max(RUNS, step.get("min_runs", 0)))} for step in plan]
    # Round after round, each command that needs more runs runs once, so that every command
    # is measured across the same stretch of time: a machine that slows down for a minute
    # slows every row, not the one it happened to measure.
    # Every other round runs them in the reverse order, so that no row always runs first.
    rounds = 0
    while any(len(r["times"]) < r["runs"] for r in results):
        turns = list(zip(plan, results))
        rounds += 1
        for step, result in turns if rounds % 2 else reversed(turns):
            if len(result["times"]) >= result["runs"]:
                continue
            for attempt in range(RETRIES + 1):
                if step.get("setup"):
                    subprocess.run(step["setup"], check=True)
                elapsed, peak, code, from_disk = run_once(step["cmd"])
                if attempt == RETRIES or not from_disk:
                    break
                result["again"] += 1
            result["times"].append(elapsed)
            result["peaks"].append(peak)
            result["codes"].add(code)
            if len(result["times"]) == RUNS and "runs" not in step and "min_runs" not in step:
                typical = statistics.median(result["times"])
                result["runs"] = max(RUNS, min(MAX_RUNS, int(MIN_SECONDS / max(typical, 1e-6))))
            if len(result["times"]) == result["runs"]:
                print(f"  {step['input']:<24} {step['tool']:<28} "
                      f"{statistics.median(result['times']) * 1000:9.1f} ms"
                      f"  ({len(result['times'])} runs, {result['again']} again)", file=sys.stderr)
    rows = [(step["input"], step["tool"], statistics.median(result["times"]),
             max(result["peaks"]), result["codes"]) for step, result in zip(plan, results)]
    print(f"| input | tool | median wall time | peak RSS | exit codes |")
    print(f"|---|---|---:|---:|---|")
    for input_, tool, median, peak, codes in rows:
        wall = f"{median * 1000:.1f} ms" if median < 1 else f"{median:.2f} s"
        print(f"| {input_} | {tool} | {wall} | {peak:.0f} MiB | {', '.join(map(str, sorted(codes)))} |")
    notes = []
    for step, result in zip(plan, results):
        base = next((r for s, r in zip(plan, results)
                     if s["input"] == step["input"] and s["tool"] == step.get("against")), None)
        if base is None:
            continue
        ratios = [t / b for t, b in zip(result["times"], base["times"])]
        of_medians = statistics.median(result["times"]) / statistics.median(base["times"])
        low, high = median_interval(ratios)
        notes.append(f"{step['input']}: {step['tool']} takes {statistics.median(ratios):.3f} "
                     f"times as long as {step['against']} (median of {len(ratios)} paired runs, "
                     f"95 % interval {low:.3f} to {high:.3f}; "
                     f"ratio of the medians {of_medians:.3f}).")
    again = sum(r["again"] for r in results)
    if again:
        notes.append(f"{again} runs read from disk and were run again.")
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main()
