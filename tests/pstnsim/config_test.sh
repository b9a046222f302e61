#!/usr/bin/env bash
# pstn-sim's config language: the example configs pass --check, `show running-config` read
# back gives the same text, and bad configs stop it with a clear message and exit status 1.
#   config_test.sh PSTN_SIM REPO_ROOT
set -u
SIM=$1 ROOT=$2
W=$(mktemp -d /tmp/pstnsim-cfg.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for f in "$ROOT"/config/pstn-sim*.cfg "$ROOT"/tests/pstnsim/configs/*.cfg; do
  cp "$f" "$W/c.cfg"
  timeout 10 "$SIM" -c "$W/c.cfg" --check >"$W/out" 2>&1 || { cat "$W/out"; fail "$f: --check"; }
  grep -q 'configuration OK' "$W/out" || fail "$f: no OK line"
  timeout 10 "$SIM" -c "$W/c.cfg" --write-config "$W/w1.cfg" || fail "$f: write-config"
  timeout 10 "$SIM" -c "$W/w1.cfg" --write-config "$W/w2.cfg" || fail "$f: re-read"
  diff -u <(grep -v '^!' "$W/w1.cfg") <(grep -v '^!' "$W/w2.cfg") || fail "$f: round trip differs"
done

base() { printf 'ss7\n point-code 1\ncircuits\n dpc 2\n cic-range 1 31\n'; }
bad() { # bad NAME EXPECTED_MESSAGE_REGEX CONFIG_TEXT
  printf '%s' "$3" >"$W/bad.cfg"
  timeout 10 "$SIM" -c "$W/bad.cfg" --check >"$W/out" 2>&1
  local rc=$?
  [ $rc = 1 ] || { cat "$W/out"; fail "$1: exit $rc, expected 1"; }
  grep -qE "$2" "$W/out" || { cat "$W/out"; fail "$1: no message matching '$2'"; }
}
bad bad-point-code 'invalid point code' "$(printf 'ss7\n point-code 9.999.1\n')"
bad no-dpc 'no dpc' "$(printf 'ss7\n point-code 1\ncircuits\n cic-range 1 2\n')"
bad no-circuits 'no cic-range' "$(printf 'ss7\n point-code 1\ncircuits\n dpc 2\n')"
bad reversed-range 'above last CIC' "$(base; printf ' cic-range 9 3\n')"
bad overlap 'overlap' "$(base; printf ' cic-range 5 8\n')"
bad prefix 'digits only' "$(base; printf 'rule 12ab\n action busy\n')"
bad unknown-command 'not started' "$(base; printf 'rule default\n action dance\n')"
bad timer-range 'Q.764 range' "$(base; printf 'timers\n isup t9 10\n')"
bad rate 'rate must be' "$(base; printf 'originate\n called 123\n rate 0\n')"
bad same-pc 'equals our own' "$(printf 'ss7\n point-code 1\ncircuits\n dpc 1\n cic-range 1 2\n')"
bad itu-cic 'CIC field' "$(printf 'ss7\n point-code 1\ncircuits\n dpc 2\n cic-range 4000 4100\n')"
bad message-type 'not an ACM message' "$(base; printf 'rule 1\n message acm 0900\n')"
bad iam-octets 'not hex octets' "$(base; printf 'originate\n iam 01zz\n')"
bad timer-unknown 'unknown timer t99' "$(base; printf 'timers\n isup t99 15000\n')"
bad t27-range 't27 outside its Q.764 range' "$(base; printf 'timers\n isup t27 1000\n')"

# every ISUP timer of the table (callcontrol/isup_timers.h) is set by name to a value other than
# its default, within its range, and written back as it was set
sed -nE 's/^ *X\(T([0-9]+), ([0-9]+), ([0-9]+), ([0-9]+),.*/\1 \2 \3 \4/p' \
  "$ROOT/callcontrol/isup_timers.h" >"$W/timers"
grep -q '^10 ' "$W/timers" && grep -q '^27 ' "$W/timers" || fail "timer table not read: $(cat "$W/timers")"
{ base; printf 'timers\n'
  while read -r n def lo hi; do v=$hi; [ "$def" = "$hi" ] && v=$lo; printf ' isup t%s %s\n' "$n" "$v"; done <"$W/timers"
} >"$W/timers.cfg"
timeout 10 "$SIM" -c "$W/timers.cfg" --write-config "$W/timers_w.cfg" || fail "every timer: write-config"
grep '^ isup t' "$W/timers.cfg" | while read -r line; do
  grep -qxF " $line" "$W/timers_w.cfg" || { echo "FAIL: every timer: '$line' not written back"; exit 1; }
done || exit 1

base >"$W/good.cfg"
timeout 10 "$SIM" -c "$W/good.cfg" --at "5:fly away" >"$W/out" 2>&1
[ $? = 2 ] || fail "--at with an unknown command must exit 2"
echo PASS
