#!/usr/bin/env bash
# mgcd's configuration: the lab config reads, validates and is written back as it was read
# (show running-config / write); bad configs stop mgcd with a clear message; the telnet VTY on
# 127.0.0.1 shows the running config and the circuits.
set -u
MGCD=$1
CONFIG_DIR=$2
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
fail=0
bad() { echo "FAIL: $*"; fail=1; }
normalize() { grep -v '^ *!' "$1" | grep -v -e '^line vty' -e '^ no login' | sed 's/[[:space:]]*$//' | grep -v '^$'; }

# 1. the lab config is valid and is written back line for line
"$MGCD" -c "$CONFIG_DIR/lab.cfg" --check >"$tmp/check.out" 2>&1 || bad "lab.cfg --check: $(cat "$tmp/check.out")"
grep -q "31 circuits" "$tmp/check.out" || bad "lab.cfg: expected 31 circuits: $(cat "$tmp/check.out")"
"$MGCD" -c "$CONFIG_DIR/lab.cfg" --write-config "$tmp/w1.cfg" || bad "write-config failed"
diff <(normalize "$CONFIG_DIR/lab.cfg") <(normalize "$tmp/w1.cfg") >"$tmp/diff" || bad "written config differs from what was read: $(cat "$tmp/diff")"
"$MGCD" -c "$tmp/w1.cfg" --write-config "$tmp/w2.cfg" || bad "written config does not read back"
diff "$tmp/w1.cfg" "$tmp/w2.cfg" >/dev/null || bad "write is not idempotent"

# 2. bad configs: mgcd does not start, and says why
expect_refused() { # name expected-stderr-text config-lines...
  local name=$1 want=$2; shift 2
  printf '%s\n' "$@" > "$tmp/$name.cfg"
  if "$MGCD" -c "$tmp/$name.cfg" --check >"$tmp/$name.out" 2>&1; then
    bad "$name: accepted"
  elif ! grep -q -- "$want" "$tmp/$name.out"; then
    bad "$name: message lacks '$want': $(cat "$tmp/$name.out")"
  fi
}
expect_refused typo "poin-code 0.2.1" "ss7" " poin-code 0.2.1"
expect_refused no_point_code "no point-code configured" "ss7" " variant itu"
expect_refused bad_point_code "invalid point code" "ss7" " point-code 9.999.9"
expect_refused reversed_range "above last CIC" "ss7" " point-code 0.2.1" "trunk-group a" " cic-range 10 5"
expect_refused overlap "overlap" "ss7" " point-code 0.2.1" "trunk-group a" " cic-range 1 10" " cic-range 5 12"
expect_refused unknown_mgw "media-gateway nowhere is not configured" "ss7" " point-code 0.2.1" \
  "m3ua" " remote-address 127.0.0.1" "trunk-group a" " dpc 0.2.2" " cic-range 1 3" " media-gateway nowhere"
expect_refused unknown_target "trunk-group ghost is not configured" "ss7" " point-code 0.2.1" \
  "route 1" " target trunk-group ghost"
expect_refused timer_range "must be within" "ss7" " point-code 0.2.1" "timers" " isup t7 1000"
expect_refused bad_placeholder "unknown placeholder" "ss7" " point-code 0.2.1" "trunk-group a" " endpoint-rule ds/{foo}"
expect_refused tls_without_cert "needs tls certificate" "ss7" " point-code 0.2.1" "sip" " listen tls 127.0.0.1 5061"

# 3. the telnet VTY, on loopback only
port=$((20000 + RANDOM % 20000))
# the lab config on ports nobody else uses in a parallel test run (SIP, M3UA over TCP)
sed -e "s/ 5060$/ $((port + 1))/" -e "s/transport usrsctp-udp/transport tcp/" \
    -e "s/remote-port 2906/remote-port $((port + 2))/" -e "s/local-port 2905/local-port $((port + 3))/" \
    "$CONFIG_DIR/lab.cfg" > "$tmp/run.cfg"
"$MGCD" -c "$tmp/run.cfg" --vty-port "$port" >"$tmp/run.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q running "$tmp/run.out" && break; sleep 0.1; done
grep -q "running, VTY on 127.0.0.1:$port" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out")"
ss -ltn | grep -q "127.0.0.1:$port " || bad "VTY not bound to 127.0.0.1:$port"
# (the VTY drops what arrives during telnet option negotiation: pace the commands)
{ for cmd in enable "show running-config" "block trunk-group pstn-a cic 5" "show circuits pstn-a" \
             "show isup timers" "block trunk-group nowhere cic 5" exit; do
    sleep 0.3; printf '%s\r\n' "$cmd"; done; sleep 0.5; } |
  timeout 15 nc -q 2 127.0.0.1 "$port" >"$tmp/vty.out" 2>&1
grep -q "trunk-group pstn-a" "$tmp/vty.out" || bad "show running-config lacks the trunk group"
grep -q "31 circuits: 31 idle" "$tmp/vty.out" || bad "show circuits: $(grep trunk-group "$tmp/vty.out")"
grep -qE "cic +5 +idle.*local-maintenance" "$tmp/vty.out" || bad "block did not mark CIC 5 locally blocked"
grep -q "no such trunk-group" "$tmp/vty.out" || bad "block on an unknown trunk group was not refused"
grep -qE "^T9 +10000 ms" "$tmp/vty.out" || bad "show isup timers lacks T9 10000 ms"
kill "$pid"; wait "$pid" 2>/dev/null
pid=

[ $fail -eq 0 ] && echo "mgcd config: all checks passed"
exit $fail
