#!/usr/bin/env bash
# Every exit code of every subcommand, as its --help documents it: each subcommand's help lists
# its own codes, and each documented code is produced by a real run of the binary (offline: the
# flagship's recorded facts, the default GeoIP data, a dead resolver and a closed port on
# 127.0.0.1 for the network failures). The audit's codes have their own suites (audit_cli.sh,
# verdicts_cli.sh); they are checked here once more so that this file is the whole table.
# Usage: exit_codes_cli.sh RESIDENCY_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source tests/cli/checks.sh
ex=examples/health-data-hub
feeds=../shared/data/cloud-ip-ranges-2026
[[ -f $feeds/ip-ranges.json ]] || { bad "missing third-party file $root/$feeds/ip-ranges.json (the shared data set beside the checkout)"; finish; exit; }
dead=(--resolver 127.0.0.1:9 --timeout 300ms --retries 0)  # nothing listens there: a timeout, on loopback

help_lists() {  # help_lists "SUBCOMMAND…" CODE…: its --help has an "Exit codes" section naming each CODE
  local cmd=$1; shift
  # shellcheck disable=SC2086
  "$bin" $cmd --help >"$tmp/help" 2>&1
  local section
  section=$(sed -n '/Exit codes/,$p' "$tmp/help")
  local missing=()
  for code in "$@"; do grep -qE "(^|[^0-9])$code([^0-9]|$)" <<<"$section" || missing+=("$code"); done
  if [[ -n $section && ${#missing[@]} -eq 0 ]]; then ok "'$cmd --help' lists exit codes $*"
  else bad "'$cmd --help' does not list exit codes ${missing[*]:-(no section)}"; fi
}

# The reports the report-reading subcommands work on: the flagship (proven failures) and a copy
# of it with one failure fewer, as an older baseline would be.
"$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json" --format json -o "$tmp/new.json"
[[ $? -eq 1 ]] && ok "the flagship report is written (exit 1)" || bad "the flagship report was not written as expected"
python3 - "$tmp/new.json" "$tmp/old.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
first = next(f for f in doc["findings"] if f["verdict"] == "fail")
doc["findings"].remove(first)
json.dump(doc, open(sys.argv[2], "w"))
PY
printf '{"schema": "residency/report/v1", ' >"$tmp/broken.json"

# audit
help_lists audit 0 1 2 3 130 143
expect_rc 1 "audit: a proven failure" "$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json"
expect_rc 0 "audit: --fail-on none" "$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json" --fail-on none
expect_rc 3 "audit: an unobserved host counts as a failure" \
  "$bin" -q audit --list <(echo unobserved.example.test) --policy gdpr-eea-residency "${dead[@]}"
expect_rc 2 "audit: a usage error" "$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json" --fail-on hihg

# probe
help_lists probe 0 2 3
expect_rc 0 "probe: an address is observed" "$bin" -q probe "${dead[@]}" 35.180.0.1
expect_rc 3 "probe: a name that cannot be resolved" "$bin" -q probe "${dead[@]}" unresolved.example.test
expect_in "$tmp/err" "could not resolve unresolved.example.test (timeout)" "probe: the unresolved name is named"
expect_rc 2 "probe: a usage error" "$bin" -q probe --timeout 5x 35.180.0.1

# diff
help_lists diff 0 1 2
expect_rc 0 "diff: nothing new fails" "$bin" diff "$tmp/new.json" "$tmp/new.json"
expect_rc 1 "diff: a new failure" "$bin" diff "$tmp/old.json" "$tmp/new.json"
expect_in "$tmp/out" "summary: 1 new, 0 resolved, 0 changed" "diff: the new failure is counted"
expect_rc 0 "diff: a resolved failure is not a failure" "$bin" diff "$tmp/new.json" "$tmp/old.json"
expect_rc 2 "diff: an unreadable report" "$bin" diff "$tmp/new.json" "$tmp/broken.json"
expect_in "$tmp/err" "broken.json:1:" "diff: the broken report's line:column is named"
expect_rc 2 "diff: a missing report" "$bin" diff "$tmp/new.json" "$tmp/missing.json"

# compare
help_lists compare 0 2
expect_rc 0 "compare: the matrix is written" "$bin" -q compare --policy fr-health-data --as-of 2026-12-01
expect_rc 2 "compare: an unknown policy" "$bin" -q compare --policy fr-health-dta
expect_in "$tmp/err" "did you mean 'fr-health-data'?" "compare: the policy gets a hint"
expect_rc 2 "compare: an unknown provider" "$bin" -q compare --policy fr-health-data --providers ovhclud
expect_in "$tmp/err" "did you mean 'ovhcloud'?" "compare: the provider gets a hint"

# rules
for sub in validate explain list; do help_lists "rules $sub" 0 2; done
expect_rc 0 "rules validate: the shipped rules load" "$bin" -q rules validate
expect_rc 2 "rules validate: a broken rule pack" "$bin" -q rules validate --rules tests/data/rules-broken
expect_rc 0 "rules explain: a known requirement" "$bin" -q rules explain HDH-IMMUNITY
expect_rc 2 "rules explain: an unknown id" "$bin" -q rules explain HDH-IMUNITY
expect_in "$tmp/err" "did you mean 'HDH-IMMUNITY'?" "rules explain: the id gets a hint"
expect_rc 0 "rules list: the rules are listed" "$bin" -q rules list --kind policy
expect_rc 2 "rules list: an unknown kind" "$bin" -q rules list --kind bogus

# geoip
for sub in lookup info build; do help_lists "geoip $sub" 0 2; done
expect_rc 0 "geoip lookup: an address" "$bin" -q geoip lookup 35.180.0.1
expect_rc 2 "geoip lookup: not an address" "$bin" -q geoip lookup 35.180.0.999
expect_rc 2 "geoip lookup: a database that cannot be read" "$bin" -q geoip lookup 35.180.0.1 --geoip "$tmp/missing.mmdb"
if [[ -w /dev/full ]]; then
  "$bin" -q geoip lookup 35.180.0.1 >/dev/full 2>"$tmp/err"; rc=$?
  [[ $rc -eq 2 ]] && ok "geoip lookup: stdout that cannot be written (exit 2)" || bad "geoip lookup > /dev/full: exit $rc, expected 2"
fi
expect_rc 0 "geoip info: a database" "$bin" -q geoip info geoip/data/asn.mmdb
expect_rc 2 "geoip info: a missing database" "$bin" -q geoip info "$tmp/missing.mmdb"
expect_rc 0 "geoip build: a feed" "$bin" -q geoip build --from "aws:$feeds/ip-ranges.json" -o "$tmp/aws.mmdb"
expect_rc 2 "geoip build: a feed that does not parse" "$bin" -q geoip build --from "aws:$tmp/broken.json" -o "$tmp/never.mmdb"
[[ ! -e $tmp/never.mmdb ]] && ok "geoip build: nothing written for a bad feed" || bad "geoip build wrote a database from a bad feed"

# data
help_lists "data update" 0 2 3
help_lists "data status" 0 2 3
expect_rc 0 "data update: from a mirror" "$bin" -q data update --geoip "$tmp/data" --source aws --mirror "$feeds"
expect_rc 0 "data update: already up to date" "$bin" -q data update --geoip "$tmp/data" --source aws --mirror "$feeds"
expect_rc 2 "data update: an unknown source" "$bin" -q data update --geoip "$tmp/data" --source bogus
expect_rc 3 "data update: a source that cannot be downloaded" \
  "$bin" -q data update --geoip "$tmp/data" --source aws --url aws=https://127.0.0.1:9/ip-ranges.json --retries 0
expect_rc 0 "data status: young data" "$bin" -q data status --geoip "$tmp/data" --as-of 2026-09-01 --fail-on-stale-data
expect_rc 0 "data status: stale data without --fail-on-stale-data" "$bin" -q data status --geoip "$tmp/data" --as-of 2027-06-01
expect_rc 3 "data status: stale data with --fail-on-stale-data" \
  "$bin" -q data status --geoip "$tmp/data" --as-of 2027-06-01 --fail-on-stale-data
expect_rc 2 "data status: a data folder that cannot be read" "$bin" -q data status --geoip "$tmp/missing"

# report
help_lists "report merge" 0 1 2 3
help_lists "report render" 0 1 2 3
expect_rc 1 "report render: the report's own code" "$bin" -q report render "$tmp/new.json"
expect_rc 0 "report render: --fail-on none is kept" "$bin" -q report render \
  <("$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json" --fail-on none --format json)
expect_rc 2 "report render: an unreadable report" "$bin" -q report render "$tmp/broken.json"
"$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json" --shard 1/1 --format json -o "$tmp/shard.json"
expect_rc 1 "report merge: the merged audit's code (one shard of one)" "$bin" -q report merge "$tmp/shard.json"
expect_rc 2 "report merge: a report that is not a shard" "$bin" -q report merge "$tmp/new.json"
expect_rc 2 "report merge: an unreadable part" "$bin" -q report merge "$tmp/shard.json" "$tmp/broken.json"

# the command line itself
expect_rc 0 "--version" "$bin" --version
expect_rc 2 "no subcommand" "$bin"
expect_rc 2 "a mistyped subcommand" "$bin" comapre
expect_in "$tmp/err" "did you mean 'compare'?" "a mistyped subcommand gets a hint"
finish
