#!/usr/bin/env bash
# Media gateways changed while mgcd runs, and a media gateway's health (issue 13): `reload`
# adds an MGCP gateway (a fake one that answers every command) and a trunk group on it; it is
# audited and in service. Killed, its keepalive (AUEP after 500 ms of silence, two unanswered)
# takes it out of service and its circuits are blocked for hardware failure (alarm, show);
# started again, it answers a probe and its circuits are back. A keepalive change applies live,
# an address change waits for a restart; `reload` without it drains its trunk group and closes
# it, and the call agent's socket it had alone. No SS7 peer: this is about the gateway side.
set -u
MGCD=$1
CONFIG_DIR=$2
FAKE=$(dirname "$0")/fake_media_gateways.py
tmp=$(mktemp -d)
trap 'kill $pid $fake 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
pid=
fake=
fail=0
bad() { echo "FAIL: $*"; fail=1; }
port=$((20000 + RANDOM % 20000))
m2=$((port + 5))
sed -e "s/ 5060$/ $((port + 1))/" -e "s/transport usrsctp-udp/transport tcp/" \
    -e "s/remote-port 2906/remote-port $((port + 2))/" -e "s/local-port 2905/local-port $((port + 3))/" \
    -e "s/address 127.0.0.1 2427/address 127.0.0.1 $((port + 4))/" \
    -e "s/mgcp local-address 127.0.0.1 2727/mgcp local-address 127.0.0.1 0/" \
    "$CONFIG_DIR/lab.cfg" > "$tmp/base.cfg"
cp "$tmp/base.cfg" "$tmp/run.cfg"
vty() { # commands, paced (the VTY drops what arrives during telnet option negotiation)
  { for cmd in enable "$@" exit; do sleep 0.3; printf '%s\r\n' "$cmd"; done; sleep 0.5; } |
    timeout 30 nc -q 2 127.0.0.1 "$port" | tr -d '\r'
}
start_fake() {
  python3 "$FAKE" "$tmp/fake.log" mgcp m2 127.0.0.1 "$m2" answer &
  fake=$!
}
"$MGCD" -c "$tmp/run.cfg" --vty-port "$port" >"$tmp/run.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q running "$tmp/run.out" && break; sleep 0.1; done
grep -q "running, VTY on" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out")"
start_fake

# 1. added by reload: a second MGCP gateway on its own local address (a socket of its own),
#    and a trunk group on it
{ cat "$tmp/base.cfg"
  printf 'media-gateway m2\n protocol mgcp\n address 127.0.0.1 %d\n domain m2\n' "$m2"
  printf ' local-address 127.0.0.1 %d\n keepalive interval 500 failures 2\n' "$((port + 6))"
  printf 'trunk-group pstn-m2\n dpc 0.2.2\n cic-range 40 45\n media-gateway m2\n'
  printf ' endpoint-rule ds/e1-{span}/{ts}\n hunting sequential\n'; } > "$tmp/added.cfg"
cp "$tmp/added.cfg" "$tmp/run.cfg"
vty "reload" > "$tmp/add.out"
grep -aq "media-gateway m2: added" "$tmp/add.out" || bad "m2 not added: $(cat "$tmp/add.out")"
grep -aq "trunk group pstn-m2: added" "$tmp/add.out" || bad "pstn-m2 not added: $(cat "$tmp/add.out")"
grep -aq "pstn-m2: CICs 40-45 in service" "$tmp/add.out" || bad "pstn-m2's CICs: $(cat "$tmp/add.out")"
sleep 1
grep -q "^m2 127.0.0.1 [0-9]* AUEP [0-9]* ds/e1-\*@m2 " "$tmp/fake.log" || bad "m2 never audited: $(cat "$tmp/fake.log")"
vty "show media-gateways" > "$tmp/up.out"
grep -aqE "^media-gateway m2: mgcp in-service, circuits in-service" "$tmp/up.out" ||
  bad "m2 not in service: $(cat "$tmp/up.out")"
grep -aqE "^  trunk groups pstn-m2$" "$tmp/up.out" || bad "m2's trunk groups: $(cat "$tmp/up.out")"

# 2. silent: out of service after two keepalives unanswered, its circuits hardware-blocked
kill "$fake"; wait "$fake" 2>/dev/null
sleep 3
vty "show media-gateways" "show circuits pstn-m2" "show alarms" "show mgcp counters" > "$tmp/down.out"
grep -aqE "^media-gateway m2: mgcp disconnected, circuits out-of-service since .*, 6 blocked by it" \
  "$tmp/down.out" || bad "m2 not out of service: $(grep -a -A3 '^media-gateway m2' "$tmp/down.out")"
# (reset, GRS, when added: no SS7 peer answers it here)
grep -aqE "cic +42 +[a-z]+ .*local-hardware" "$tmp/down.out" || bad "CIC 42 not hardware-blocked"
grep -aq "media-gateway.m2.down" "$tmp/down.out" || bad "no alarm media-gateway.m2.down"
grep -aqE "^mgcp.m2.call_agent.keepalive_failures +[2-9]" "$tmp/down.out" || bad "keepalive failures not counted"
grep -aqE "^mgcp.m2.service.circuits_hardware_blocked +6$" "$tmp/down.out" || bad "blocked circuits not counted"
grep -aqE "^mgcp.osmo-mgw.service.out_of_service +[0-9]+$" "$tmp/down.out" || bad "osmo-mgw's service counters missing"

# 3. back: it answers a probe, is audited, its circuits come back
start_fake
sleep 3
vty "show media-gateways" "show circuits pstn-m2" > "$tmp/back.out"
grep -aqE "^media-gateway m2: mgcp in-service, circuits in-service" "$tmp/back.out" ||
  bad "m2 not back: $(grep -a -A3 '^media-gateway m2' "$tmp/back.out")"
grep -aqE "cic +42 +.*local-hardware" "$tmp/back.out" && bad "CIC 42 still hardware-blocked"

# 4. its keepalive changes live; its address waits for a restart
sed -e "s/ keepalive interval 500 failures 2/ keepalive interval 700 failures 3/" \
    -e "s/ address 127.0.0.1 $m2/ address 127.0.0.1 $((m2 + 1))/" "$tmp/added.cfg" > "$tmp/run.cfg"
vty "reload" "show running-config" > "$tmp/change.out"
grep -aq "media-gateway m2: keepalive every 700 ms, 3 failures" "$tmp/change.out" ||
  bad "keepalive change not applied: $(cat "$tmp/change.out")"
grep -aq "media-gateway m2 (address, protocol" "$tmp/change.out" ||
  bad "address change not said to need a restart: $(cat "$tmp/change.out")"
grep -aq "! media-gateway: changed, in force once mgcd restarts" "$tmp/change.out" ||
  bad "show running-config does not mark the address change"

# 5. removed: its trunk group drains, it closes once idle, and its own socket with it
cp "$tmp/base.cfg" "$tmp/run.cfg"
vty "reload" > "$tmp/remove.out"
grep -aq "media-gateway m2: removed, closes once its calls end" "$tmp/remove.out" ||
  bad "m2 not removed: $(cat "$tmp/remove.out")"
grep -aq "trunk group pstn-m2: removed, 6 circuits draining" "$tmp/remove.out" ||
  bad "pstn-m2 not drained: $(cat "$tmp/remove.out")"
sleep 2
vty "show media-gateways" > "$tmp/gone.out"
grep -aq "^media-gateway m2" "$tmp/gone.out" && bad "m2 still shown: $(cat "$tmp/gone.out")"
grep -aq "^media-gateway osmo-mgw" "$tmp/gone.out" || bad "osmo-mgw gone too: $(cat "$tmp/gone.out")"
grep -q "live configuration: media-gateway m2 closed" "$tmp/run.out" || bad "m2 not closed: $(tail -20 "$tmp/run.out")"
grep -q "call agent on 127.0.0.1:$((port + 6)) closed: no gateway left on it" "$tmp/run.out" ||
  bad "m2's socket not closed"
kill -0 "$pid" 2>/dev/null || bad "mgcd died: $(tail -20 "$tmp/run.out")"
[ $fail -eq 0 ] && echo "PASS mgcd live media gateways"
exit $fail
