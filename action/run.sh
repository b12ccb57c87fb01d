#!/usr/bin/env bash
# The GitHub Action's logic (action.yml runs it): lint with annotations and a step summary,
# write SARIF when asked, list the coming deadlines when asked, and report the exit code.
#
# Inputs come as INPUT_* variables; GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE,
# GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA are GitHub's. POLICY_LINT names the
# binary (default: policy-lint on PATH).
set -uo pipefail

policy_lint=${POLICY_LINT:-policy-lint}
fail_on=${INPUT_FAIL_ON:-error}
annotations=${INPUT_ANNOTATIONS:-true}
sarif_file=${INPUT_SARIF_FILE:-}
within=${INPUT_DEADLINES_WITHIN:-}

status=0
# Whatever happens, the step's exit-code output is written.
trap '[ -z "${GITHUB_OUTPUT:-}" ] || echo "exit-code=$status" >> "$GITHUB_OUTPUT"' EXIT

fail() {
    echo "::error title=policy-lint action::$*"
    status=2
    exit 2
}

cd "${GITHUB_WORKSPACE:-.}" || fail "cannot enter GITHUB_WORKSPACE ($GITHUB_WORKSPACE)"

case "$fail_on" in
    error | warning | never) ;;
    *) fail "fail-on must be error, warning or never, not '$fail_on'" ;;
esac
case "$annotations" in
    true | false) ;;
    *) fail "annotations must be true or false, not '$annotations'" ;;
esac

# The user's arguments, split at whitespace (nothing is expanded).
read -r -a args <<< "${INPUT_ARGS:-}"

# Whether the user's arguments set a flag (`--flag VALUE` or `--flag=VALUE`): theirs wins over
# the action's default, so that no flag is given twice.
given() {
    local arg name
    for arg in "${args[@]}"; do
        for name in "$@"; do
            [ "$arg" = "$name" ] || [ "${arg%%=*}" = "$name" ] && return 0
        done
    done
    return 1
}

# The user's arguments, in `kept`, without the flags a step sets itself: a name ending in
# `=` takes a value (`--format=` drops `--format json` and `--format=json`), others do not.
without() {
    local skip=false arg name drop
    kept=()
    for arg in "${args[@]}"; do
        if $skip; then skip=false; continue; fi
        drop=false
        for name in "$@"; do
            case "$name" in
                *=)
                    if [ "$arg" = "${name%=}" ]; then drop=true; skip=true; fi
                    case "$arg" in "$name"*) drop=true ;; esac
                    ;;
                *) if [ "$arg" = "$name" ]; then drop=true; fi ;;
            esac
        done
        $drop || kept+=("$arg")
    done
}

defaults=()
given --fail-on || defaults+=(--fail-on "$fail_on")
if [ "$annotations" = true ] && ! given --format --output-format; then
    defaults+=(--format github)
fi
"$policy_lint" check "${defaults[@]}" "${args[@]}" || status=$?

if [ -n "$sarif_file" ]; then
    # Every finding goes into the SARIF file whatever fail-on says: code scanning sorts them.
    without --format= --output-format= --fail-on= --output-file= --quiet -q --statistics
    sarif_status=0
    "$policy_lint" check "${kept[@]}" --format sarif --fail-on never \
        --output-file "$sarif_file" --quiet || sarif_status=$?
    if [ "$sarif_status" -gt "$status" ]; then status=$sarif_status; fi
    [ -z "${GITHUB_OUTPUT:-}" ] || echo "sarif-file=$sarif_file" >> "$GITHUB_OUTPUT"
fi

if [ -n "$within" ]; then
    # The same policies as the check: the files it lints, as it lists them.
    without --format= --output-format= --fail-on= --output-file= --deadlines= --statistics \
        --show-settings --show-files --fix --diff --unsafe-fixes --exit-non-zero-on-fix \
        --quiet -q --select= --ignore= --extend-select=
    files=()
    while IFS= read -r file; do files+=("$file"); done \
        < <("$policy_lint" check "${kept[@]}" --show-files 2>/dev/null)
    link=()
    if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
        link=(--link-base "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA")
    fi
    summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
    deadlines_status=0
    "$policy_lint" deadlines "${files[@]}" --within "$within" --format markdown "${link[@]}" \
        >> "$summary" || deadlines_status=$?
    if [ "$deadlines_status" -gt "$status" ]; then status=$deadlines_status; fi
fi

exit "$status"
