#!/usr/bin/env python3
"""Stamps the pre-commit mirror (pre-commit-mirror/, the template of the policy-lint-pre-commit
repository) with a version of policy-lint: the version and the pin of its pyproject.toml, and
its .pre-commit-hooks.yaml, which is this repository's with `language: python` for `language:
rust` (the hooks install the wheel from PyPI instead of building the crate).

    packaging/stamp-mirror.py            the version in Cargo.toml
    packaging/stamp-mirror.py 0.2.0      another version
    packaging/stamp-mirror.py --check    exit 1 when the mirror is not what stamping would write
    packaging/stamp-mirror.py --out DIR  write into DIR (a checkout of the mirror repository)
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIRROR = ROOT / "packaging" / "pre-commit-mirror"


def cargo_version():
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"$', text, re.M).group(1)


def hooks():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    header = (
        "# The hooks of https://github.com/OWNER/policy-lint, installed from the policy-lint wheel\n"
        "# on PyPI: no Rust toolchain, no compile. Written by packaging/stamp-mirror.py.\n#\n"
    )
    text = re.sub(r"^# pre-commit hooks: https://pre-commit.com\n#\n", "", text)
    text = re.sub(r"(repo: https://github.com/OWNER/)policy-lint\b", r"\1policy-lint-pre-commit", text)
    if text.count("language: rust") == 0:
        sys.exit(".pre-commit-hooks.yaml has no `language: rust` hook to mirror")
    return header + text.replace("language: rust", "language: python")


def pyproject(version):
    text = (MIRROR / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r'^version = "[^"]*"$', f'version = "{version}"', text, flags=re.M)
    return re.sub(r'"policy-lint==[^"]*"', f'"policy-lint=={version}"', text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", default=None)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--out", type=pathlib.Path, default=MIRROR)
    args = parser.parse_args()
    version = args.version or cargo_version()
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-.][0-9A-Za-z.]+)?", version):
        sys.exit(f"{version!r} is not a version (e.g. 0.2.0)")
    files = {".pre-commit-hooks.yaml": hooks(), "pyproject.toml": pyproject(version)}
    stale = []
    for name, text in files.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        sys.exit(f"not stamped for {version}: {', '.join(stale)}; run packaging/stamp-mirror.py")
    if args.out != MIRROR and not args.check:
        readme = (MIRROR / "README.md").read_text(encoding="utf-8")
        (args.out / "README.md").write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
