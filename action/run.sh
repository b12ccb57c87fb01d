#!/usr/bin/env bash
# The GitHub Action's logic (action.yml runs it): lint with annotations and a step summary,
# write SARIF when asked, list the coming deadlines when asked, and report the exit code.
#
# Inputs come as INPUT_* variables; GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE
# are GitHub's. POLICY_LINT names the binary (default: policy-lint on PATH).
set -uo pipefail

policy_lint=${POLICY_LINT:-policy-lint}
fail_on=${INPUT_FAIL_ON:-error}
annotations=${INPUT_ANNOTATIONS:-true}
sarif_file=${INPUT_SARIF_FILE:-}
within=${INPUT_DEADLINES_WITHIN:-}
cd "${GITHUB_WORKSPACE:-.}" || exit 2

case "$fail_on" in
    error | warning | never) ;;
    *) echo "::error title=policy-lint action::fail-on must be error, warning or never, not '$fail_on'"; exit 2 ;;
esac
case "$annotations" in
    true | false) ;;
    *) echo "::error title=policy-lint action::annotations must be true or false, not '$annotations'"; exit 2 ;;
esac

# The user's arguments, split at whitespace (nothing is expanded).
read -r -a args <<< "${INPUT_ARGS:-}"

status=0
if [ "$annotations" = true ]; then
    "$policy_lint" check --format github --fail-on "$fail_on" "${args[@]}" || status=$?
else
    "$policy_lint" check --fail-on "$fail_on" "${args[@]}" || status=$?
fi

if [ -n "$sarif_file" ]; then
    # Every finding goes into the SARIF file whatever fail-on says: code scanning sorts them.
    "$policy_lint" check --format sarif --fail-on never --output-file "$sarif_file" --quiet "${args[@]}"
    sarif_status=$?
    [ "$sarif_status" -eq 0 ] || status=$sarif_status
    [ -z "${GITHUB_OUTPUT:-}" ] || echo "sarif-file=$sarif_file" >> "$GITHUB_OUTPUT"
fi

if [ -n "$within" ]; then
    summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
    deadlines_status=0
    "$policy_lint" deadlines --within "$within" --format markdown >> "$summary" || deadlines_status=$?
    if [ "$deadlines_status" -gt "$status" ]; then status=$deadlines_status; fi
fi

[ -z "${GITHUB_OUTPUT:-}" ] || echo "exit-code=$status" >> "$GITHUB_OUTPUT"
exit "$status"
