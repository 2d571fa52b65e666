#!/usr/bin/env bash
# Check that module dependencies point one way (lib/README.md): each module includes only the
# headers of the modules it may use. The build links the same table; this catches header-only drift.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [core]="core"
  [yaml]="core yaml"
  [geo]="core geo"
  [policy]="core yaml policy"
  [probe]="core probe"
  [inventory]="core yaml inventory"
  [report]="core report"
  [audit]="core yaml geo policy probe inventory report audit"
  [update]="core yaml geo probe update"
)
modules="core yaml geo policy probe inventory audit report update"
status=0
for m in "${!allowed[@]}"; do
  [[ -d lib/$m ]] || continue
  for other in $modules; do
    [[ " ${allowed[$m]} " == *" $other "* ]] && continue
    if grep -rnE "#include \"$other/" "lib/$m" >/dev/null 2>&1; then
      grep -rnE "#include \"$other/" "lib/$m" | sed "s/^/check-includes: lib\/$m may not include $other: /" >&2
      status=1
    fi
  done
done
# No third-party network/parser types in public headers.
if grep -lE '#include <(curl/|ares|maxminddb|yaml-cpp/|openssl/)' lib/*/*.hpp 2>/dev/null; then
  echo "check-includes: a public header includes a third-party library header (see above)" >&2
  status=1
fi
[[ $status -eq 0 ]] && echo "check-includes: module dependencies point one way" >&2
exit $status
