# Shared helpers of the CLI test scripts (sourced; needs $tmp): count passes and failures, check an
# exit code, check that a file holds a text. Each script ends with `finish`.
passed=0 failed=0
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
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
