#!/usr/bin/env python3
"""What DigitalTrustCenter's sectxt says about the project's own security.txt fixtures.

Runs sectxt's offline parser (`sectxt.Parser(content)`, the defaults: no URL, unknown fields
recommended) on every `fixtures/**/security.txt`, with its clock pinned to the day the tests
judge dates by, and compares its codes with the stored expectations that the Rust
differential test (tests/it/security_txt.rs) reads. `--write` stores them anew.

Usage: sectxt-verdicts.py [--write]
"""

import datetime as _datetime
import json
import os
import pathlib
import sys

import sectxt

# The day every test judges deadlines by (tests/it/main.rs `today()`).
TODAY = _datetime.datetime(2026, 11, 22, tzinfo=_datetime.timezone.utc)


class _PinnedClock(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return TODAY if tz is None else TODAY.astimezone(tz)


sectxt.datetime = _PinnedClock

REPO = pathlib.Path(__file__).resolve().parent.parent
STORED = REPO / "fixtures" / "sectxt-verdicts.json"


def verdicts():
    out = {}
    found = [
        pathlib.Path(dir) / "security.txt"
        for dir, _, files in os.walk(REPO / "fixtures")
        if "security.txt" in files
    ]
    for path in sorted(found):
        parser = sectxt.Parser(path.read_bytes())
        out[path.relative_to(REPO / "fixtures").as_posix()] = {
            "errors": [e["code"] for e in parser.errors],
            "recommendations": [r["code"] for r in parser.recommendations],
            "notifications": [n["code"] for n in parser.notifications],
        }
    return {
        "_doc": f"sectxt {sectxt.__version__}, sectxt.Parser(content) with the defaults, "
        f"its clock pinned to {TODAY.date().isoformat()}; written by .ci/sectxt-verdicts.py",
        **out,
    }


def main():
    found = verdicts()
    if sys.argv[1:] == ["--write"]:
        STORED.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {STORED.relative_to(REPO)}: {len(found) - 1} files")
        return 0
    stored = json.loads(STORED.read_text())
    parted = [
        name
        for name in sorted(set(found) | set(stored))
        if name != "_doc" and found.get(name) != stored.get(name)
    ]
    for name in parted:
        print(f"{name}: sectxt says {found.get(name)}, the stored expectation is {stored.get(name)}")
    if parted:
        print(
            f"{len(parted)} fixtures part from fixtures/sectxt-verdicts.json: fix the fixture, "
            "or check the new verdict and store it with `.ci/sectxt-verdicts.py --write`",
            file=sys.stderr,
        )
        return 1
    print(f"sectxt {sectxt.__version__} agrees with the stored verdicts on {len(found) - 1} fixtures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
