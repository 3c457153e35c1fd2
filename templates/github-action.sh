#!/usr/bin/env bash
# The steps of the fm-governance GitHub Action (action.yml at the repository root runs this file;
# tests/test_github_action.py runs it with GitHub's environment faked). Inputs arrive as
# environment variables (INPUT_FILE, INPUT_FAIL_ON, INPUT_FAIL_UNDER, INPUT_SUMMARY), never
# written into the script, so no input can inject a command.
#
#   github-action.sh report      Markdown summary to $GITHUB_STEP_SUMMARY, SARIF log to
#                                $RUNNER_TEMP; exits 0 whatever the gate says (2 on bad input)
#   github-action.sh up-to-date  exit 1 when `assess` would change the assessment's inventory
#   github-action.sh gate        `check` with the gate: exit 1 when the gate fails
set -euo pipefail

file="${INPUT_FILE:-fm-governance.yaml}"
gate=()
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then gate+=(--fail-on "$INPUT_FAIL_ON"); fi
if [[ -n "${INPUT_FAIL_UNDER:-}" ]]; then gate+=(--fail-under "$INPUT_FAIL_UNDER"); fi

output() {  # a step output, when GitHub gave a file for them
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

report() {  # a report: exit 1 (the gate failed) is for the gate step to act on; 2 (bad input) stops
  local code=0
  "$@" || code=$?
  if [[ $code -ne 0 && $code -ne 1 ]]; then exit "$code"; fi
}

case "${1:-}" in
  report)
    if [[ "${INPUT_SUMMARY:-true}" == "true" && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
      summary="$(mktemp)"
      report fm-governance check "$file" "${gate[@]}" --format markdown -o "$summary" --force
      cat "$summary" >>"$GITHUB_STEP_SUMMARY"
      rm -f "$summary"
    fi
    sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/fm-governance.sarif"
    report fm-governance check "$file" "${gate[@]}" --format sarif -o "$sarif" --force
    output sarif-file "$sarif"
    ;;
  up-to-date)
    diff="$(fm-governance assess "$(dirname "$file")" --output "$file" --dry-run)"
    if ! grep -q "nothing to change" <<<"$diff"; then
      echo "$diff"
      echo "::error file=$file::the inventory is out of date with the code: run 'fm-governance assess' and commit the file"
      exit 1
    fi
    echo "$file: the inventory is up to date with the code"
    ;;
  gate)
    code=0
    fm-governance check "$file" "${gate[@]}" || code=$?
    output exit-code "$code"
    exit "$code"
    ;;
  *)
    echo "usage: github-action.sh report|up-to-date|gate" >&2
    exit 2
    ;;
esac
