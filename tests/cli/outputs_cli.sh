#!/usr/bin/env bash
# End-to-end tests of issue 14's output and terminal hardening through the real binary: a bad
# --output, --save-facts or --baseline is exit 2 before any DNS query (the fault server counts
# them); reports follow symlinks, keep modes, stream to FIFOs and character devices without
# renaming over them, refuse to overwrite an input; a full stdout is an error; SIGTERM leaves no
# temporary file, and SIGTERM or SIGINT mid-write leaves all old or all new reports; a DNS server
# killed mid-audit gives unknown, never pass; names cannot send
# control characters to the terminal; URL credentials are dropped; `geoip build` refuses a
# default route, an empty feed and control characters. Loopback only.
# Usage: outputs_cli.sh RESIDENCY_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
faults_pid=
cleanup() {
  [[ -n $faults_pid ]] && kill "$faults_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$root/tests/cli/checks.sh"
[[ -f geoip/data/country.mmdb ]] || { echo "FAILED: default GeoIP data missing (scripts/fetch-geoip.sh)"; exit 1; }

start_faults() {  # start_faults CONFIG-JSON: the fault server, its port in $fport, its log in $tmp/queries.log
  echo "$1" > "$tmp/faults.json"
  rm -f "$tmp/faults.port"
  python3 tests/fakes/dns_faults.py "$tmp/faults.json" "$tmp/faults.port" & faults_pid=$!
  for _ in $(seq 100); do [[ -s $tmp/faults.port ]] && break; sleep 0.05; done
  fport=$(cat "$tmp/faults.port")
}
same_report() { cmp -s <(grep -Ev '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z' "$1") <(grep -Ev '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z' "$2"); }  # start time aside
queries() { [[ -f $tmp/queries.log ]] && wc -l < "$tmp/queries.log" || echo 0; }
start_faults '{"names": {"ok.faults.test": {"A": ["51.210.10.10"], "AAAA": []},
  "slow.faults.test": {"A": "drop", "AAAA": "drop"}}, "log": "'"$tmp"'/queries.log"}'
live=(--as-of 2026-11-30 --timeout 300ms --retries 0 --resolver "127.0.0.1:$fport")
cat > "$tmp/audit.yaml" <<'YAML'
schema: residency/manifest/v1
policies: [gdpr-eea-residency]
targets:
  - host: ok.faults.test
YAML
cp "$tmp/audit.yaml" "$tmp/audit.orig"
audit() { "$bin" -q audit "$tmp/audit.yaml" "${live[@]}" "$@"; }

# 1. Bad paths are exit 2 before any DNS query.
: > "$tmp/queries.log"
expect_rc 2 "-o in a missing folder" audit -o "$tmp/missing/report.txt"
expect_in "$tmp/err" "folder '$tmp/missing' does not exist" "the missing folder is named"
expect_rc 2 "-o naming a folder" audit -o "$tmp"
expect_in "$tmp/err" "--output names a folder" "a folder for -o is named"
expect_rc 2 "--save-facts in a missing folder" audit --save-facts "$tmp/missing/facts.json"
expect_in "$tmp/err" "--save-facts: folder" "the --save-facts folder is named"
expect_rc 2 "--baseline that does not exist" audit --baseline "$tmp/missing.json"
expect_in "$tmp/err" "missing.json" "the missing baseline is named"
echo '{"schema": 1' > "$tmp/broken.json"
expect_rc 2 "--baseline that is not a report" audit --baseline "$tmp/broken.json"
expect_rc 2 "-o naming the manifest" audit -o "$tmp/audit.yaml"
expect_in "$tmp/err" "names an input" "overwriting an input is refused"
ln -s audit.yaml "$tmp/manifest-link"
expect_rc 2 "-o naming the manifest through a symlink" audit -o "$tmp/manifest-link"
expect_rc 2 "--save-facts naming the manifest" audit --save-facts "$tmp/audit.yaml"
if cmp -s "$tmp/audit.yaml" "$tmp/audit.orig"; then ok "the manifest is untouched"; else bad "the manifest changed"; fi
mkdir "$tmp/ro"
if [[ $(id -u) -ne 0 ]]; then
  chmod 555 "$tmp/ro"
  expect_rc 2 "-o in an unwritable folder" audit -o "$tmp/ro/report.txt"
elif unshare -m true 2>/dev/null; then  # root ignores permissions: a read-only bind mount instead
  expect_rc 2 "-o in a read-only folder (private mount namespace)" unshare -m bash -c \
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' _ "$tmp/ro" \
    "$bin" -q audit "$tmp/audit.yaml" "${live[@]}" -o "$tmp/ro/report.txt"
else
  bad "no way to make an unwritable folder as root (unshare -m failed)"
fi
expect_in "$tmp/err" "cannot write in folder" "the unwritable folder is named"
[[ $(queries) -eq 0 ]] && ok "no DNS query was sent for bad paths" || bad "$(queries) DNS queries sent before a path error"

# 2. A report through a symlink replaces the target, keeps the link; modes and the umask.
expect_rc 0 "a first audit writes a plain report" audit -o "$tmp/plain.txt"
[[ $(queries) -gt 0 ]] && ok "the audit did probe" || bad "the audit sent no query"
echo old > "$tmp/target.txt"
chmod 600 "$tmp/target.txt"
ln -s target.txt "$tmp/link.txt"
expect_rc 0 "-o through a symlink" audit -o "$tmp/link.txt"
[[ -L $tmp/link.txt ]] && ok "the symlink is kept" || bad "the symlink was replaced"
same_report "$tmp/target.txt" "$tmp/plain.txt" && ok "the link's target gets the new report" || bad "the link's target kept the old report"
[[ $(stat -c %a "$tmp/target.txt") == 600 ]] && ok "an existing file keeps its mode" || bad "mode became $(stat -c %a "$tmp/target.txt")"
(umask 027 && audit -o "$tmp/umask.txt" >/dev/null 2>&1)
[[ $(stat -c %a "$tmp/umask.txt") == 640 ]] && ok "a new file honours the umask" || bad "new file mode $(stat -c %a "$tmp/umask.txt"), expected 640"

# 3. Special files are streamed, never renamed over.
expect_rc 0 "-o /dev/null" audit -o /dev/null
[[ -c /dev/null ]] && ok "/dev/null stays a character device" || bad "/dev/null is no longer a device"
full=/dev/full
if [[ $(id -u) -eq 0 ]] && unshare -m true 2>/dev/null; then  # a private /dev/full: nothing real at risk
  expect_rc 2 "-o a full device (private mount namespace)" unshare -m bash -c \
    'mount -t tmpfs tmpfs "$1" && mknod "$1/full" c 1 7 && "${@:2}"; rc=$?; [[ -c $1/full ]] || rc=99; exit $rc' _ \
    "$tmp/ro" "$bin" -q audit "$tmp/audit.yaml" "${live[@]}" -o "$tmp/ro/full"
else
  expect_rc 2 "-o /dev/full" audit -o "$full"
fi
expect_in "$tmp/err" "No space left on device" "a full device is a clear error"
[[ -c /dev/full ]] && ok "/dev/full stays a character device" || bad "/dev/full is no longer a device"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" > "$tmp/from-fifo" & reader=$!
expect_rc 0 "-o a FIFO" audit -o "$tmp/fifo"
wait "$reader"
[[ -p $tmp/fifo ]] && ok "the FIFO stays a FIFO" || bad "the FIFO was replaced"
same_report "$tmp/from-fifo" "$tmp/plain.txt" && ok "the FIFO's reader gets the whole report" || bad "the FIFO's reader got $(wc -c < "$tmp/from-fifo") bytes"
"$bin" -q audit "$tmp/audit.yaml" "${live[@]}" -o /dev/stdout | cat > "$tmp/from-stdout"
same_report "$tmp/from-stdout" "$tmp/plain.txt" && ok "-o /dev/stdout through a pipe streams the report" || bad "-o /dev/stdout lost the report"

# 4. Standard output that cannot be written is an error, for every subcommand.
"$bin" -q geoip lookup 51.210.10.10 > /dev/full 2>"$tmp/err"; rc=$?
[[ $rc -eq 2 ]] && ok "geoip lookup > /dev/full exits 2" || bad "geoip lookup > /dev/full exits $rc"
expect_in "$tmp/err" "cannot write to standard output: No space left on device" "a full stdout is named"
"$bin" -q rules list > /dev/full 2>"$tmp/err"; rc=$?
[[ $rc -eq 2 ]] && ok "rules list > /dev/full exits 2" || bad "rules list > /dev/full exits $rc"
audit > /dev/full 2>"$tmp/err"; rc=$?
[[ $rc -eq 2 ]] && ok "audit > /dev/full exits 2" || bad "audit > /dev/full exits $rc"

# 5. SIGTERM mid-audit leaves no temporary file and dies by the signal.
cat > "$tmp/slow.yaml" <<'YAML'
schema: residency/manifest/v1
policies: [gdpr-eea-residency]
targets:
  - host: slow.faults.test
YAML
mkdir "$tmp/sig"
"$bin" -q audit "$tmp/slow.yaml" --as-of 2026-11-30 --resolver "127.0.0.1:$fport" --timeout 5s --retries 0 \
  --format json --format text -o "$tmp/sig" --save-facts "$tmp/sig/facts.json" 2>/dev/null & apid=$!
sleep 1
kill -TERM "$apid"; wait "$apid"; rc=$?
[[ $rc -eq 143 ]] && ok "SIGTERM mid-audit exits 143" || bad "SIGTERM mid-audit exits $rc"
stray=$(find "$tmp/sig" -name '.*tmp*' | wc -l)
[[ $stray -eq 0 ]] && ok "no temporary file is left" || bad "$stray temporary files left"

# 5b. SIGTERM and SIGINT mid-write, at varying delays: the batch of reports is all old or all new
# (core::OutputBatch), never a mix; no temporary or backup is left; the exit code is 143 or 130
# when the signal arrived before the end, else the audit's own.
python3 - "$tmp/many.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("schema: residency/manifest/v1\npolicies: [gdpr-eea-residency, fr-health-data]\ntargets:\n")
    for i in range(120):
        f.write(f"  - host: host-{i}.example.fr\n    tags: {{classification: health}}\n")
PY
fmts=(--format text --format json --format html --format csv)
write_batch() {  # write_batch AS-OF FOLDER: the replayed audit of many targets, four formats
  "$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of "$1" "${fmts[@]}" -o "$2"
}
# A background job ignores SIGINT; the wrapper restores it, then becomes the binary (exec: $! is it).
with_default_sigint() { exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
mkdir "$tmp/old" "$tmp/new" "$tmp/batch"
write_batch 2026-11-01 "$tmp/old" 2>/dev/null
start=$(date +%s%N)
write_batch 2026-11-30 "$tmp/new" 2>/dev/null; full_rc=$?
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
reports=(report.text report.json report.html report.csv)
[[ $(ls "$tmp/old" | wc -l) -eq 4 && $(ls "$tmp/new" | wc -l) -eq 4 ]] && ok "a replayed audit writes four reports (${full_ms} ms)" || bad "the reference reports are missing"
# A JSON report alone is streamed (each target to a scratch file as it is judged, issue 13): the
# same report as the one written beside other formats, to a file and to stdout, no file left.
mkdir "$tmp/streamed"
"$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of 2026-11-30 --format json \
  -o "$tmp/streamed/report.json" 2>/dev/null
"$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of 2026-11-30 --format json \
  >"$tmp/stdout.json" 2>/dev/null
same_report "$tmp/streamed/report.json" "$tmp/new/report.json" && same_report "$tmp/stdout.json" "$tmp/new/report.json" \
  && [[ $(ls -A "$tmp/streamed") == report.json ]] \
  && ok "a streamed JSON report (file and stdout) equals the one written with other formats, no scratch file left" \
  || bad "the streamed JSON report differs from the batch one, or a scratch file was left: $(ls -A "$tmp/streamed")"
TMPDIR=$tmp/missing "$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of 2026-11-30 \
  --format json >"$tmp/no-tmpdir.json" 2>"$tmp/err"
same_report "$tmp/no-tmpdir.json" "$tmp/new/report.json" \
  && ok "without a folder for the scratch file (a missing \$TMPDIR) the JSON report is written from memory, the same" \
  || bad "a missing \$TMPDIR changed the JSON report: $(grep -v warning "$tmp/err" | head -2)"
# Every other format keeps the judged targets in a scratch file too (core::TargetStore) and reads
# them back as it renders; without one (a missing $TMPDIR, standard output) the targets stay in
# memory. A replay is byte-stable, so both must give the very same bytes.
for f in text sarif junit markdown html csv; do
  "$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of 2026-11-30 --format "$f" \
    -o "$tmp/streamed/report.$f" 2>/dev/null
  TMPDIR=$tmp/missing "$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json \
    --as-of 2026-11-30 --format "$f" >"$tmp/memory.$f" 2>/dev/null
  [[ -s $tmp/memory.$f ]] && cmp -s "$tmp/streamed/report.$f" "$tmp/memory.$f" \
    && ok "$f: the report from targets kept in a scratch file equals the one from targets in memory" \
    || bad "$f: the report from stored targets differs from the one written from memory"
done
[[ $(ls -A "$tmp/streamed" | grep -cv '^report\.') -eq 0 ]] && ok "no scratch file is left beside the reports" \
  || bad "a scratch file was left: $(ls -A "$tmp/streamed")"
runs=0 killed=0 mixed=0 stray=0 badrc=0 olds=0 news=0
for k in $(seq 1 10); do
  cp "$tmp"/old/* "$tmp/batch/"
  sig=TERM want=143
  (( k % 2 == 0 )) && sig=INT want=130
  with_default_sigint "$bin" -q audit "$tmp/many.yaml" --facts examples/health-data-hub/facts.json --as-of 2026-11-30 \
    "${fmts[@]}" -o "$tmp/batch" 2>/dev/null & apid=$!
  sleep "$(awk -v ms="$full_ms" -v k="$k" 'BEGIN { printf "%.3f", ms * (k + 3) / 10 / 1000 }')"  # 0.4 to 1.3 × a full run
  kill -"$sig" "$apid" 2>/dev/null; wait "$apid"; rc=$?
  runs=$((runs + 1))
  if [[ $rc -eq $want ]]; then killed=$((killed + 1)); elif [[ $rc -ne $full_rc ]]; then badrc=$((badrc + 1)); echo "    run $k: SIG$sig gave exit $rc"; fi
  left=$(find "$tmp/batch" -name '.*' -type f -printf "%f ")
  [[ -n $left ]] && echo "    run $k (SIG$sig, exit $rc) left: $left"
  stray=$((stray + $(find "$tmp/batch" -name '.*' -type f | wc -l)))
  state=
  for r in "${reports[@]}"; do
    if same_report "$tmp/batch/$r" "$tmp/old/$r"; then state+=o
    elif same_report "$tmp/batch/$r" "$tmp/new/$r"; then state+=n
    else state+=x; fi
  done
  case $state in oooo) olds=$((olds + 1)) ;; nnnn) news=$((news + 1)) ;; *) mixed=$((mixed + 1)); echo "    run $k: reports $state (o old, n new, x neither)" ;; esac
  find "$tmp/batch" -name '.*' -type f -delete
done
echo "    $runs runs: $killed killed by the signal, $olds left the old reports, $news the new ones"
[[ $mixed -eq 0 ]] && ok "after SIGTERM/SIGINT mid-write every batch is all old or all new" || bad "$mixed of $runs batches mixed old and new or were partial"
[[ $stray -eq 0 ]] && ok "no temporary or backup file is left by a signal" || bad "$stray temporary files left"
[[ $badrc -eq 0 ]] && ok "a signal gives exit 143 (TERM) or 130 (INT)" || bad "$badrc runs exited with another code"
[[ $killed -gt 0 ]] && ok "the signal arrived mid-run in $killed runs" || bad "no run was interrupted: the test did not test"

# 6. The DNS server killed mid-audit: unknown, never pass, exit 3.
"$bin" -q audit "$tmp/slow.yaml" --as-of 2026-11-30 --resolver "127.0.0.1:$fport" --timeout 1500ms --retries 1 \
  --format json -o "$tmp/killed.json" 2>"$tmp/err" & apid=$!
sleep 0.5
kill "$faults_pid"; wait "$faults_pid" 2>/dev/null; faults_pid=
wait "$apid"; rc=$?
[[ $rc -eq 3 ]] && ok "a DNS server killed mid-audit exits 3" || bad "a DNS server killed mid-audit exits $rc"
if python3 - "$tmp/killed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
verdicts = {f["verdict"] for f in d["findings"]}
sys.exit(0 if verdicts == {"unknown"} else 1)
PY
then ok "what was not observed is unknown, never pass"; else bad "a killed DNS server gave a verdict: $(head -c 300 "$tmp/killed.json")"; fi
# 6b. A server that drops every second query: without retries what was dropped is unknown, never
# pass (only "location known" may fail, as it asserts knowability); exit 3. Dropping every third
# with retries, every name is observed (a lone retry is never the third twice).
: >"$tmp/drop.list"
names='{'
for i in 0 1 2 3 4 5; do
  echo "h$i.faults.test" >>"$tmp/drop.list"
  names+="\"h$i.faults.test\": {\"A\": [\"51.210.10.1$i\"], \"AAAA\": []},"
done
start_faults '{"names": '"${names%,}"'}, "drop_every": 2, "log": "'"$tmp"'/drop-queries.log"}'
"$bin" -q audit --list "$tmp/drop.list" --policy gdpr-eea-residency --as-of 2026-11-30 --resolver "127.0.0.1:$fport" \
  --timeout 300ms --retries 0 --format json -o "$tmp/drop.json" 2>"$tmp/err"; rc=$?
[[ $rc -eq 3 ]] && ok "half of the queries dropped, no retry: exit 3" || bad "half of the queries dropped, no retry: exit $rc"
if python3 - "$tmp/drop.json" "$tmp/drop-queries.log" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
answered = collections.defaultdict(set)
for line in open(sys.argv[2]):
    name, qtype = line.split()
    answered[name.lower()].add(qtype)
verdicts = collections.Counter(f["verdict"] for f in d["findings"])
# A pass needs both families answered; a target with a dropped query is never a pass.
wrong = [f["target"] for f in d["findings"] if f["verdict"] == "pass" and not {"A", "AAAA"} <= answered[f["target"]]]
wrong += [f["target"] for f in d["findings"] if f["verdict"] == "fail" and f["requirement"] != "GDPR-LOC-KNOWN"]
sys.exit(0 if verdicts["unknown"] > 0 and not wrong else 1)
PY
then ok "a dropped query leaves its target unknown, never pass"; else bad "dropped queries gave a verdict: $(head -c 400 "$tmp/drop.json")"; fi
kill "$faults_pid"; wait "$faults_pid" 2>/dev/null; faults_pid=
start_faults '{"names": '"${names%,}"'}, "drop_every": 3}'
expect_rc 0 "a third of the queries dropped, 8 retries: every name observed" "$bin" -q audit --list "$tmp/drop.list" \
  --policy gdpr-eea-residency --as-of 2026-11-30 --resolver "127.0.0.1:$fport" --timeout 300ms --retries 8
kill "$faults_pid"; wait "$faults_pid" 2>/dev/null; faults_pid=
# 6c. SERVFAIL for every name: every finding unknown with the reason, exit 3.
start_faults '{"names": '"$(sed 's/{"A": \[[^]]*\], "AAAA": \[\]}/{"rcode": "servfail"}/g' <<<"${names%,}")"'}}'
"$bin" -q audit --list "$tmp/drop.list" --policy gdpr-eea-residency --as-of 2026-11-30 --resolver "127.0.0.1:$fport" \
  --timeout 300ms --retries 1 --format json -o "$tmp/servfail.json" 2>"$tmp/err"; rc=$?
[[ $rc -eq 3 ]] && ok "SERVFAIL everywhere: exit 3" || bad "SERVFAIL everywhere: exit $rc"
if python3 - "$tmp/servfail.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
findings = [f for f in d["findings"] if f["requirement"] != "GDPR-LOC-KNOWN"]
ok = findings and all(f["verdict"] == "unknown" and "servfail" in f["message"].lower() for f in findings)
sys.exit(0 if ok and len(d["targets"]) == 6 else 1)
PY
then ok "SERVFAIL everywhere: every finding unknown, saying SERVFAIL"; else bad "SERVFAIL everywhere: $(head -c 600 "$tmp/servfail.json")"; fi
kill "$faults_pid"; wait "$faults_pid" 2>/dev/null; faults_pid=

start_faults '{"names": {"ok.faults.test": {"A": ["51.210.10.10"], "AAAA": []}}}'
live=(--as-of 2026-11-30 --timeout 300ms --retries 0 --resolver "127.0.0.1:$fport")

# 7. Names cannot reach the terminal raw; URL credentials are dropped everywhere.
printf 'schema: residency/manifest/v1\npolicies: [gdpr-eea-residency]\ntargets:\n  - host: "evil\\e]0;pwned\\a\\nresidency: error: forged"\n' > "$tmp/esc.yaml"
expect_rc 2 "a host name with ESC and a newline is refused" "$bin" audit "$tmp/esc.yaml" "${live[@]}"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$tmp/err"; then bad "stderr holds a raw control character"; else ok "stderr holds no raw control character"; fi
[[ $(grep -c 'forged' "$tmp/err") -le 1 && $(grep -c '^residency: error: forged' "$tmp/err") -eq 0 ]] && ok "an embedded newline forges no log line" || bad "a log line was forged"
expect_in "$tmp/err" '\x1b]0;pwned' "the escape is shown visibly"
"$bin" -q probe $'ok\u202e.faults.test' "${live[@]}" > "$tmp/out" 2>"$tmp/err"
expect_in "$tmp/out" "ok<U+202E>.faults.test" "a bidi override in probe output is shown as <U+202E>"
if LC_ALL=C grep -q $'\xe2\x80\xae' "$tmp/out" "$tmp/err"; then bad "a raw U+202E reached the terminal"; else ok "no raw U+202E reaches the terminal"; fi
"$bin" -q probe $'ok\u202e.faults.test' "${live[@]}" --format json > "$tmp/out" 2>"$tmp/err"
if LC_ALL=C grep -q $'\xe2\x80\xae' "$tmp/out"; then bad "probe --format json printed a raw U+202E"; else ok "probe --format json prints no raw U+202E"; fi
expect_in "$tmp/out" '"id": "ok\u202e.faults.test"' "probe --format json writes it as \\u202e"
cat > "$tmp/creds.yaml" <<'YAML'
schema: residency/manifest/v1
policies: [gdpr-eea-residency]
targets:
  - url: https://deploy:hunter2@ok.faults.test/health
YAML
"$bin" audit "$tmp/creds.yaml" "${live[@]}" --format json -o "$tmp/creds.json" --save-facts "$tmp/creds-facts.json" 2>"$tmp/err"
expect_in "$tmp/err" "https://ok.faults.test/health: the user name and password in the URL were dropped" "dropped credentials are warned about"
if grep -q hunter2 "$tmp/creds.json" "$tmp/creds-facts.json" "$tmp/err"; then bad "the password reached a report, the facts or stderr"; else ok "the password is in no report, facts file or message"; fi
expect_in "$tmp/creds.json" '"https://ok.faults.test/health"' "the target keeps the URL without credentials"

# 8. geoip build refuses a default route, an empty feed and control characters, with file:line.
printf 'cidr,provider,region,country\n192.0.2.0/24,ovhcloud,gra,FR\n0.0.0.0/0,ovhcloud,gra,FR\n' > "$tmp/default.csv"
expect_rc 2 "geoip build refuses 0.0.0.0/0" "$bin" geoip build --from "csv:$tmp/default.csv" -o "$tmp/x.mmdb"
expect_in "$tmp/err" "default.csv:3: '0.0.0.0/0' covers every address" "the default route names file:line"
printf '{"prefixes": [], "ipv6_prefixes": [{"ipv6_prefix": "::/0", "region": "eu-west-3", "service": "EC2"}]}' > "$tmp/aws.json"
expect_rc 2 "geoip build refuses ::/0" "$bin" geoip build --from "aws:$tmp/aws.json" -o "$tmp/x.mmdb"
expect_in "$tmp/err" "ipv6_prefixes[0]" "the IPv6 default route names its JSON location"
printf 'cidr,provider,region,country\n' > "$tmp/empty.csv"
expect_rc 2 "geoip build refuses an empty feed" "$bin" geoip build --from "csv:$tmp/empty.csv" -o "$tmp/x.mmdb"
expect_in "$tmp/err" "no range in the csv feed" "the empty feed is named"
printf 'cidr,provider,region,country\n192.0.2.0/24,ovhcloud,gra\x1b[2J,FR\n' > "$tmp/ctl.csv"
expect_rc 2 "geoip build refuses a control character" "$bin" geoip build --from "csv:$tmp/ctl.csv" -o "$tmp/x.mmdb"
expect_in "$tmp/err" "ctl.csv:2: field 'gra\x1b[2J' holds a control character" "the control character names file:line"
printf "cidr,provider,region,country\n192.0.2.0/24,ovhcloud,gra,FR\n" > "$tmp/good.csv"
expect_rc 2 "geoip build -o naming its feed is refused" "$bin" geoip build --from "csv:$tmp/good.csv" -o "$tmp/good.csv"
expect_in "$tmp/err" "names an input" "the overwritten feed is named"
[[ -e $tmp/x.mmdb ]] && bad "a refused feed wrote a database" || ok "no database is written from a refused feed"
finish
