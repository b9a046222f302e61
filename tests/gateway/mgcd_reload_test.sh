#!/usr/bin/env bash
# Live configuration (issue 13, DESIGN.md "Live configuration") of a running mgcd: SIGHUP and the
# VTY's `reload` read the config file again and apply what changed — a route added, a SIP peer
# removed, an ISUP timer changed, CICs added to a trunk group and some taken out — and `show`
# prints what is in force; a change that needs a restart (the M3UA port) is named and marked;
# a config file with an error changes nothing. No peer is up (M3UA toward a closed port, the
# media gateway silent): this is about the configuration, calls are in tests/mgcd.
set -u
MGCD=$1
CONFIG_DIR=$2
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
pid=
fail=0
bad() { echo "FAIL: $*"; fail=1; }
port=$((20000 + RANDOM % 20000))
# the lab config on ports nobody else uses in a parallel test run (SIP, M3UA over TCP)
make_cfg() {
  sed -e "s/ 5060$/ $((port + 1))/" -e "s/transport usrsctp-udp/transport tcp/" \
      -e "s/remote-port 2906/remote-port $((port + 2))/" -e "s/local-port 2905/local-port $((port + 3))/" \
      -e "s/address 127.0.0.1 2427/address 127.0.0.1 $((port + 4))/" \
      -e "s/mgcp local-address 127.0.0.1 2727/mgcp local-address 127.0.0.1 0/" \
      "$CONFIG_DIR/lab.cfg"
}
make_cfg > "$tmp/run.cfg"
grep -q "^ cic-range 1 15$" "$tmp/run.cfg" || bad "lab.cfg no longer has cic-range 1 15 (the test edits it)"
grep -q "^ peer baresip-caller$" "$tmp/run.cfg" || bad "lab.cfg no longer has SIP peer baresip-caller"
grep -q "^ isup t9 10000$" "$tmp/run.cfg" || bad "lab.cfg no longer has isup t9 10000"
vty() { # commands, paced (the VTY drops what arrives during telnet option negotiation)
  { for cmd in enable "$@" exit; do sleep 0.3; printf '%s\r\n' "$cmd"; done; sleep 0.5; } |
    timeout 20 nc -q 2 127.0.0.1 "$port" | tr -d '\r'
}
"$MGCD" -c "$tmp/run.cfg" --vty-port "$port" >"$tmp/run.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q running "$tmp/run.out" && break; sleep 0.1; done
grep -q "running, VTY on" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out")"

# 1. SIGHUP: the file changed in five ways
awk '
  /^ cic-range 1 15$/ { print " cic-range 1 9"; print " cic-range 12 15"; print " cic-range 32 40"; next }
  /^ peer baresip-caller$/ { skip = 1; next }
  skip && /^  / { next }
  { skip = 0 }
  /^ isup t9 10000$/ { print; print " isup t7 22000"; next }
  /^ local-port / && !m3ua_done { print " local-port " ($2 + 1000); m3ua_done = 1; next }
  { print }
  END { print "route 999"; print " strip 3"; print " target trunk-group pstn-a" }
' "$tmp/run.cfg" > "$tmp/new.cfg"
cp "$tmp/new.cfg" "$tmp/run.cfg"
kill -HUP "$pid"
sleep 1
kill -0 "$pid" 2>/dev/null || bad "mgcd died on SIGHUP: $(tail -20 "$tmp/run.out")"
vty "show routes" "show trunk-groups" "show circuits pstn-a" "show isup timers" "show peers" \
    "show running-config" > "$tmp/after_hup.out"
grep -aqE "^999 +strip 3" "$tmp/after_hup.out" || bad "show routes lacks route 999: $(grep -a strip "$tmp/after_hup.out")"
grep -aqE "^pstn-a +dpc [0-9]+ +total +24 .* removed +2 " "$tmp/after_hup.out" ||
  bad "show trunk-groups: $(grep -a '^pstn-a' "$tmp/after_hup.out")"
grep -aqE "cic +10 +idle.*local-maintenance removed" "$tmp/after_hup.out" || bad "CIC 10 not taken out"
grep -aqE "cic +40 " "$tmp/after_hup.out" || bad "CIC 40 not added"
grep -aqE "^T7 +22000 ms" "$tmp/after_hup.out" || bad "show isup timers: $(grep -a '^T7' "$tmp/after_hup.out")"
grep -aq "sip peer baresip-caller" "$tmp/after_hup.out" && bad "SIP peer baresip-caller still shown after its removal"
grep -aq "sip peer sipp" "$tmp/after_hup.out" || bad "the other SIP peers are gone"
grep -aq "! m3ua: changed, in force once mgcd restarts" "$tmp/after_hup.out" || bad "the M3UA change is not marked as pending"
grep -aq "^ cic-range 32 40$" "$tmp/after_hup.out" || bad "show running-config lacks cic-range 32 40"
grep -aq "^ peer baresip-caller$" "$tmp/after_hup.out" && bad "show running-config still has peer baresip-caller"
grep -aq "reload: .* changes" "$tmp/run.out" || bad "no reload line in the log"
grep -aq "m3ua changed: not applied, it needs a restart" "$tmp/run.out" || bad "the M3UA change is not logged as needing a restart"
grep -aq "CICs 10-11 taken out: 2 draining" "$tmp/run.out" || bad "no drain line: $(grep -a 'taken out' "$tmp/run.out")"
grep -aq "isup timers: in force" "$tmp/run.out" || bad "the ISUP timer change is not logged"

# 2. a config file with an error: nothing changes, the error is said
printf 'route 888\n target trunk-group pstn-a\nbogus-command 1\n' >> "$tmp/run.cfg"
vty "reload" "show routes" > "$tmp/bad.out"
grep -aq "nothing applied" "$tmp/bad.out" || bad "reload of a broken file did not say nothing was applied: $(cat "$tmp/bad.out")"
grep -aqE "^888 " "$tmp/bad.out" && bad "route 888 from a broken file is in force"
grep -aqE "^999 +strip 3" "$tmp/bad.out" || bad "route 999 lost by a failed reload"

# 3. the file mended: `reload` from the VTY applies it and says what changed
sed -i '/^bogus-command/d' "$tmp/run.cfg"
vty "reload" "show routes" > "$tmp/good.out"
grep -aq "routes: " "$tmp/good.out" || bad "reload did not report the routes: $(cat "$tmp/good.out")"
grep -aqE "^888 " "$tmp/good.out" || bad "route 888 not in force after reload"

kill "$pid"; wait "$pid" 2>/dev/null; pid=
[ $fail -eq 0 ] && echo "PASS mgcd reload"
exit $fail
