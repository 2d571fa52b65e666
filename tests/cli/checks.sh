# Shared helpers of the CLI test scripts (sourced; needs $tmp): count passes and failures, check an
# exit code, check that a file holds a text. Each script ends with `finish`.
passed=0 failed=0
# Under the asan preset every run of the binary is also a leak check (ctest sets detect_leaks=1):
# sanitizer reports go to $tmp/sanitizer.PID files, which finish() counts as failures, so a leak
# in a command whose exit code or stderr a test ignores is still caught. tests/lsan.supp lists
# the third-party leaks we cannot fix.
if [[ -n ${ASAN_OPTIONS:-} ]]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$tmp/sanitizer"
  export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$tmp/sanitizer"
fi
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
expect_rc() {  # expect_rc WANT DESCRIPTION CMD…   (stdout → $tmp/out, stderr → $tmp/err)
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [[ $rc -eq $want ]]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, expected $want"; sed 's/^/    /' "$tmp/err" | head -5; fi
}
expect_in() {  # expect_in FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in $1"; sed 's/^/    /' "$1" | head -8; fi
}
finish() {
  local report
  for report in "$tmp"/sanitizer.*; do
    [[ -e $report ]] || continue
    bad "a sanitizer report: $report"
    sed 's/^/    /' "$report" | head -40
  done
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
