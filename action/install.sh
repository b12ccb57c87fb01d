#!/usr/bin/env bash
# The action's install step (action.yml runs it): uses a `policy-lint` already on PATH only
# when it is this action's version, else builds this version from the action's source into
# RUNNER_TEMP and puts it on GITHUB_PATH.
#
# GITHUB_ACTION_PATH, RUNNER_TEMP and GITHUB_PATH are GitHub's.
set -euo pipefail

action=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
wanted=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action/Cargo.toml" | head -n 1)

if command -v policy-lint >/dev/null; then
    found=$(policy-lint --version 2>/dev/null || true)
    if [ "$found" = "policy-lint $wanted" ]; then
        echo "Using $(command -v policy-lint) ($found)"
        exit 0
    fi
    echo "Not using $(command -v policy-lint) (${found:-no version}): this action is policy-lint $wanted"
fi

root=${RUNNER_TEMP:?RUNNER_TEMP is not set}/policy-lint-$wanted
cargo install --locked --path "$action" --root "$root"
echo "$root/bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
