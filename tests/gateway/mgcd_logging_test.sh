#!/usr/bin/env bash
# mgcd's logging and alarms over its telnet VTY (libosmocore's logging_vty_add_cmds): with no
# `log` block in the config mgcd logs to stderr at the categories' default levels; a level set
# live (`logging level mgcp debug` in the `log stderr` node) takes effect at once and is written
# back by `show running-config`; `show alarms` lists the alarms of a gateway with no peers (the
# M3UA ASP down, the media gateway unreachable); a config's `log stderr` block reads, is written
# back with its levels (libosmocore writes the whole block: every setting and category) and
# reads back the same, and its levels apply from the start.
#   mgcd_logging_test.sh MGCD CONFIG_DIR
set -u
MGCD=$1
CONFIG_DIR=$2
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The lab config on ports nobody else uses (SIP, M3UA over TCP toward nobody, the media gateway
# on a port where nothing answers: its audit gives up after one retransmission), CDRs to
# /dev/full (every write fails: the cdr.write alarm).
port=$((20000 + RANDOM % 20000))
lab_on_free_ports() {
  sed -e "s/ 5060$/ $((port + 1))/" -e "s/transport usrsctp-udp/transport tcp/" \
      -e "s/remote-port 2906/remote-port $((port + 2))/" -e "s/local-port 2905/local-port $((port + 3))/" \
      -e "s/address 127.0.0.1 2427/address 127.0.0.1 $((port + 4))/" \
      -e "s/mgcp local-address 127.0.0.1 2727/mgcp local-address 127.0.0.1 0/" \
      -e "s/^ isup t9 10000/ isup t9 10000\n mgcp max-retransmissions 1/" \
      -e "s|file /tmp/mgcd-cdr.csv|file /dev/full|" "$CONFIG_DIR/lab.cfg"
}
# The lab config names no log target: stderr at the default levels.
lab_on_free_ports > "$tmp/nolog.cfg"
grep -q "^log " "$tmp/nolog.cfg" && bad "lab.cfg has a log block: this test wants none there"

start() { # config
  "$MGCD" -c "$1" --vty-port "$port" >"$tmp/run.out" 2>"$tmp/run.err" &
  pid=$!
  for _ in $(seq 50); do grep -q running "$tmp/run.out" && break; sleep 0.1; done
  grep -q "running, VTY on 127.0.0.1:$port" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out" "$tmp/run.err")"
}
stop() {
  kill "$pid"; wait "$pid" 2>/dev/null
  pid=
}
vty() { # commands... (the VTY drops what arrives during telnet option negotiation: pace them)
  { for cmd in "$@"; do sleep 0.3; printf '%s\r\n' "$cmd"; done; sleep 0.5; } |
    timeout 20 nc -q 2 127.0.0.1 "$port" | tr -d '\r'
}

# 1. no log block: stderr at the default levels (start-up at info, the alarms at notice)
start "$tmp/nolog.cfg"
sleep 1.5 # the AUEP goes unanswered: RTO 200 ms, one retransmission, then the gateway is given up
grep -q "DMAIN INFO.*configuration OK: 2 trunk groups" "$tmp/run.err" || bad "no start-up line on stderr: $(head -5 "$tmp/run.err")"
grep -q "DALARM NOTICE.*alarm raised (mgcp): media-gateway.osmo-mgw.unreachable" "$tmp/run.err" ||
  bad "no alarm line for the unreachable media gateway: $(cat "$tmp/run.err")"
grep -q "DMGCP NOTICE.*no final response to AUEP" "$tmp/run.err" || bad "no MGCP give-up line: $(cat "$tmp/run.err")"
grep -q "DMGCP DEBUG" "$tmp/run.err" && bad "mgcp debug lines at the default level"
vty enable "show alarms" > "$tmp/alarms.out"
grep -aqE "^active alarms: [0-9]+" "$tmp/alarms.out" || bad "show alarms: $(cat "$tmp/alarms.out")"
grep -aqE "^  [0-9-]+ [0-9:]+ UTC  m3ua  m3ua.link0.asp-down  " "$tmp/alarms.out" ||
  bad "show alarms lacks the M3UA ASP: $(cat "$tmp/alarms.out")"
grep -aqE "^  [0-9-]+ [0-9:]+ UTC  mgcp  media-gateway.osmo-mgw.unreachable  media gateway osmo-mgw \(mgcp 127.0.0.1:$((port + 4))\) unreachable" \
  "$tmp/alarms.out" || bad "show alarms lacks the media gateway: $(cat "$tmp/alarms.out")"
grep -aqE "^  [0-9-]+ [0-9:]+ UTC  cdr  cdr.write  CDR file /dev/full: records not written \(write: No space left on device\)" \
  "$tmp/alarms.out" || bad "show alarms lacks the CDR file: $(cat "$tmp/alarms.out")"
grep -q "DCDR ERROR.*/dev/full: 1 call records not written: write: No space left on device" "$tmp/run.err" ||
  bad "no CDR write failure line: $(cat "$tmp/run.err")"
grep -aqE "^raised per category:.* m3ua 2 .* mgcp 1 .* cdr 1$" "$tmp/alarms.out" || bad "alarm counters: $(cat "$tmp/alarms.out")"

# 2. a level changed live takes effect at once: the unreachable media gateway is probed (AUEP)
# every 10 s; with mgcp at debug each probe shows
wait_for() { # pattern file seconds
  for _ in $(seq $(($3 * 10))); do grep -aq "$1" "$2" && return 0; sleep 0.1; done
  return 1
}
before=$(grep -c "DMGCP DEBUG" "$tmp/run.err")
vty enable "configure terminal" "log stderr" "logging level mgcp debug" "end" "show running-config" \
  > "$tmp/live.out"
[ "$before" -eq 0 ] || bad "$before mgcp debug lines before the level was raised"
wait_for "DMGCP DEBUG.*sent AUEP" "$tmp/run.err" 12 || bad "no debug line for the AUEP probe: $(tail -5 "$tmp/run.err")"
grep -aq "^log stderr$" "$tmp/live.out" || bad "show running-config lacks the stderr target"
grep -aq "^ logging level mgcp debug$" "$tmp/live.out" || bad "show running-config lacks the live level: $(grep -a -A30 '^log stderr' "$tmp/live.out")"
grep -aq "^ logging level sip notice$" "$tmp/live.out" || bad "show running-config lacks sip's default level"
# and back down: the next probes leave no debug line
vty enable "configure terminal" "log stderr" "logging level mgcp notice" "end" > /dev/null
n1=$(grep -c "DMGCP DEBUG" "$tmp/run.err")
sleep 12
n2=$(grep -c "DMGCP DEBUG" "$tmp/run.err")
[ "$n1" -eq "$n2" ] || bad "mgcp debug lines after the level went back to notice ($n1 -> $n2)"
stop

# 3. a config with a log block: written back with its settings, that written config reads back
# the same, and its levels are in force from the start (the first AUEP is at debug)
{ printf 'log stderr\n logging filter all 1\n logging color 0\n logging print category-hex 0\n'
  printf ' logging print category 1\n logging print level 1\n logging print file 0\n'
  printf ' logging level alarm fatal\n logging level mgcp debug\n'
  cat "$tmp/nolog.cfg"; } > "$tmp/withlog.cfg"
"$MGCD" -c "$tmp/withlog.cfg" --write-config "$tmp/w1.cfg" || bad "write-config failed"
for l in "log stderr" " logging filter all 1" " logging color 0" " logging print category 1" \
         " logging print level 1" " logging print file 0" " logging level alarm fatal" \
         " logging level mgcp debug" " logging level sip notice"; do
  grep -qx -- "$l" "$tmp/w1.cfg" || bad "written config lacks '$l': $(grep -A12 '^log' "$tmp/w1.cfg")"
done
"$MGCD" -c "$tmp/w1.cfg" --write-config "$tmp/w2.cfg" || bad "the written config does not read back"
diff "$tmp/w1.cfg" "$tmp/w2.cfg" > "$tmp/diff" || bad "write is not idempotent: $(cat "$tmp/diff")"
start "$tmp/withlog.cfg"
wait_for "DMGCP DEBUG.*sent AUEP" "$tmp/run.err" 3 || bad "the config's mgcp debug level was not in force: $(head "$tmp/run.err")"
grep -q "DALARM" "$tmp/run.err" && bad "alarm lines below the config's level: $(grep DALARM "$tmp/run.err")"
vty enable "show alarms" | grep -aq "^active alarms: [1-9]" || bad "alarms not raised while not logged"
stop

[ $fail -eq 0 ] && echo "mgcd logging: all checks passed"
exit $fail
