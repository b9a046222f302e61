#!/usr/bin/env bash
# scripts/lab's exit status (issue 13, item 5): it once printed "call FAILED" and exited 0. Here
# one call is made to fail for certain: SIPp is shadowed on PATH by a wrapper that fails the call
# SIPp places as 12345 (call 1) and runs the real SIPp for the others. The lab must exit non-zero
# and name call 1, and only call 1, on its last line.
#   lab_script_test.sh SOURCE_DIR BIN_DIR
set -u
SRC=$1
BIN=$2
command -v sipp >/dev/null && command -v osmo-mgw >/dev/null && command -v baresip >/dev/null || {
  echo "skipped: sipp, osmo-mgw or baresip missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
real_sipp=$(command -v sipp)
mkdir "$tmp/path"
cat > "$tmp/path/sipp" <<WRAP
#!/bin/sh
# call 1 is "sipp -sn uac 127.0.0.1:5060 -s 12345 ...": fail it as a refused call would
case " \$* " in *" -s 12345 "*) exit 1 ;; esac
exec "$real_sipp" "\$@"
WRAP
chmod +x "$tmp/path/sipp"
PATH=$tmp/path:$PATH LAB_BIN=$BIN LAB_DIR=$tmp/run timeout 600 "$SRC/scripts/lab" >"$tmp/lab.out" 2>&1
rc=$?
last=$(tail -n 1 "$tmp/lab.out")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[ "$rc" -ne 0 ] || bad "scripts/lab exited 0 although call 1 failed"
[ "$rc" -ne 124 ] || bad "scripts/lab timed out"
case "$last" in
  *"1 of 6 calls FAILED: call 1 (SIP -> PSTN)"*) ;;
  *) bad "last line does not name call 1 alone: $last" ;;
esac
grep -c "call FAILED" "$tmp/lab.out" | grep -qx 1 || bad "other calls failed too: $(grep -B3 'call FAILED' "$tmp/lab.out")"
[ $fail -eq 0 ] && echo "scripts/lab: a failed call makes it exit $rc and is named" || tail -40 "$tmp/lab.out"
exit $fail
