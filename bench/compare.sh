#!/usr/bin/env bash
# Measures policy-lint against its floor and its peers on generated policies, and prints one
# Markdown table (median wall time of RUNS runs, default 5, or of as many as fill a second for
# a quick command; and peak RSS; ONLY="one 5 KB policy" measures the rows of one input):
#
#   one 5 KB policy | 10,000 policies, each NNNNN/SECURITY.md | the same 10,000 repositories
#   with a public/.well-known/security.txt each | one 20 MB policy
#   × policy-lint (check, each format on the 20 MB file, --fix), rumdl, markdownlint-cli2,
#     a bare pulldown-cmark parse, a hello-world process
#
# Below the table, what linting each security.txt beside its policy costs: the median of the
# paired ratios of the two security.txt rows and its 95 % interval. They take at least 201 runs
# each (about nine minutes): with fewer, the interval is wider than the gap between the cost
# and its 10 % limit. Runs that read from disk are run again (see measure.py): the table is of
# a warm page cache.
#
# Everything it installs or generates goes to bench/cache/ (ignored by git): rumdl from PyPI
# in a virtual environment, markdownlint-cli2 0.22 from npm, the corpus from
# ../shared/tools/gen_corpus.py (or GEN_CORPUS), the baseline binaries from bench/baseline/.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache=$repo/bench/cache
gen=${GEN_CORPUS:-$repo/../shared/tools/gen_corpus.py}
mkdir -p "$cache"

echo "== building policy-lint and the baselines" >&2
cargo build --release --locked --quiet
cargo build --release --quiet --manifest-path bench/baseline/Cargo.toml --target-dir "$cache/target"
policy_lint=$repo/target/release/policy-lint
bare=$cache/target/release/bare-parse
hello=$cache/target/release/hello

if [ ! -x "$cache/venv/bin/rumdl" ]; then
    echo "== installing rumdl" >&2
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install --quiet --disable-pip-version-check rumdl
fi
rumdl=$cache/venv/bin/rumdl
# rumdl is run with --no-cache: by default it keeps each file's result in .rumdl_cache/ and, on
# the unchanged inputs of every run after the first, reads that instead of linting (10,000
# policies: about 0.8 s from its cache, about 4 s linting). policy-lint keeps no cache.
if [ ! -x "$cache/npm/node_modules/.bin/markdownlint-cli2" ]; then
    echo "== installing markdownlint-cli2" >&2
    mkdir -p "$cache/npm"
    (cd "$cache/npm" && npm install --silent --no-audit --no-fund markdownlint-cli2@0.22 >/dev/null)
fi
mdl=$cache/npm/node_modules/.bin/markdownlint-cli2

if [ ! -f "$cache/corpus/done" ]; then
    echo "== generating the corpus" >&2
    rm -rf "$cache/corpus" "$cache/flat"
    python3 "$gen" --out "$cache/flat" --files 10000 --big-mb 20 --seed 1 -q
    mkdir -p "$cache/corpus/many" "$cache/corpus/one" "$cache/corpus/big"
    for file in "$cache"/flat/SECURITY-[0-9]*.md; do
        n=$(basename "$file" .md); n=${n#SECURITY-}
        mkdir -p "$cache/corpus/many/$n"
        mv "$file" "$cache/corpus/many/$n/SECURITY.md"
    done
    # The 5 KB policy: the first generated one of about that size.
    # (sed reads the whole list: `head` would leave sort writing into a closed pipe.)
    small=$(find "$cache/corpus/many" -name SECURITY.md -size +4k -size -6k | sort | sed -n 1p)
    cp "$small" "$cache/corpus/one/SECURITY.md"
    mv "$cache/flat/SECURITY-big.md" "$cache/corpus/big/SECURITY.md"
    rm -rf "$cache/flat"
    touch "$cache/corpus/done"
fi
corpus=$cache/corpus
# The same 10,000 repositories, each with a security.txt beside its policy (hard links to the
# policies, generated security.txt files): what linting both kinds costs over the policy alone.
if [ ! -f "$corpus/both/done" ]; then
    echo "== generating the security.txt files" >&2
    rm -rf "$corpus/both"
    python3 - "$corpus" <<'PY'
import os, random, re, sys
corpus = sys.argv[1]
rng = random.Random(1)
email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
advisories = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/security/advisories[\w/]*")
for n in sorted(os.listdir(f"{corpus}/many")):
    repo = f"{corpus}/both/{n}"
    os.makedirs(f"{repo}/public/.well-known")
    policy = f"{corpus}/many/{n}/SECURITY.md"
    os.link(policy, f"{repo}/SECURITY.md")
    # The contact the policy gives, as a repository keeping both files would write it.
    with open(policy, encoding="utf-8", errors="replace") as f:
        text = f.read()
    found, form = email.search(text), advisories.search(text)
    contacts = [f"mailto:{found.group(0)}"] if found else []
    contacts += [form.group(0)] if form else []
    contacts = contacts or [f"https://project-{n}.org/security"]
    eol = "\r\n" if rng.random() < 0.1 else "\n"
    lines = [f"# Security contact for project {n}"] if rng.random() < 0.5 else []
    lines += [f"Contact: {contact}" for contact in contacts]
    # Most are renewed on time; one in ten has lapsed.
    year = 2025 if rng.random() < 0.1 else 2027
    lines.append(f"Expires: {year}-{rng.randint(1, 10):02}-28T00:00:00Z")
    if rng.random() < 0.6:
        lines.append(f"Encryption: https://project-{n}.org/pgp-key.txt")
    lines += ["Preferred-Languages: en", f"Policy: https://github.com/org/project-{n}/blob/main/SECURITY.md"]
    with open(f"{repo}/public/.well-known/security.txt", "w", newline="") as f:
        f.write(eol.join(lines) + eol)
PY
    touch "$corpus/both/done"
fi
# The same repositories linted for their SECURITY.md alone: no file is a security.txt.
printf 'security-txt:\n  file-names: []\n' > "$cache/policies-only.yml"
today=2026-11-22
work=$cache/work

# A fresh copy of an input before each --fix run, so that every run has the same work.
copy() { echo "[\"bash\", \"-c\", \"rm -rf $work && cp -r $corpus/$1 $work\"]"; }

plan() {
    cat <<JSON
[
 {"input": "hello-world", "tool": "hello", "cmd": ["$hello"]},
 {"input": "one 5 KB policy", "tool": "policy-lint", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "concise", "$corpus/one/SECURITY.md"]},
 {"input": "one 5 KB policy", "tool": "policy-lint --fix", "setup": $(copy one), "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--fix", "--format", "concise", "$work/SECURITY.md"]},
 {"input": "one 5 KB policy", "tool": "rumdl", "cmd": ["$rumdl", "check", "--no-config", "--no-cache", "$corpus/one/SECURITY.md"]},
 {"input": "one 5 KB policy", "tool": "markdownlint-cli2", "cmd": ["$mdl", "$corpus/one/SECURITY.md"]},
 {"input": "one 5 KB policy", "tool": "bare parse", "cmd": ["$bare", "$corpus/one/SECURITY.md"]},
 {"input": "10,000 policies", "tool": "policy-lint", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "concise", "$corpus/many"]},
 {"input": "10,000 policies + security.txt", "tool": "policy-lint", "against": "policy-lint, SECURITY.md alone", "min_runs": 201, "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "concise", "$corpus/both"]},
 {"input": "10,000 policies + security.txt", "tool": "policy-lint, SECURITY.md alone", "min_runs": 201, "cmd": ["$policy_lint", "--config", "$cache/policies-only.yml", "--today", "$today", "--format", "concise", "$corpus/both"]},
 {"input": "10,000 policies", "tool": "policy-lint --fix", "setup": $(copy many), "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--fix", "--format", "concise", "$work"]},
 {"input": "10,000 policies", "tool": "rumdl", "cmd": ["$rumdl", "check", "--no-config", "--no-cache", "$corpus/many"]},
 {"input": "10,000 policies", "tool": "markdownlint-cli2 (1 run)", "runs": 1, "cmd": ["$mdl", "$corpus/many/**/*.md"]},
 {"input": "10,000 policies", "tool": "bare parse", "cmd": ["$bare", "$corpus/many"]},
 {"input": "one 20 MB policy", "tool": "policy-lint (concise)", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "concise", "$corpus/big/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "policy-lint (human)", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "$corpus/big/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "policy-lint (json)", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "json", "$corpus/big/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "policy-lint (sarif)", "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--format", "sarif", "$corpus/big/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "policy-lint --fix", "setup": $(copy big), "cmd": ["$policy_lint", "--no-config", "--today", "$today", "--fix", "--format", "concise", "$work/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "rumdl", "cmd": ["$rumdl", "check", "--no-config", "--no-cache", "$corpus/big/SECURITY.md"]},
 {"input": "one 20 MB policy", "tool": "bare parse", "cmd": ["$bare", "$corpus/big/SECURITY.md"]}
]
JSON
}

echo "== measuring (median of ${RUNS:-5} runs, of more for a quick command)" >&2
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1); $("$rumdl" --version), $("$mdl" --help 2>/dev/null | grep -o 'markdownlint-cli2 v[0-9.]*' | head -n 1)"
echo
plan | python3 bench/measure.py
