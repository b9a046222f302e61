#!/usr/bin/env bash
# pstn-sim's exit status tells a clean run from the ways one goes wrong (docs/pstn-sim.md):
#   4  originated calls released with a cause the config did not expect (B busy, 16 expected)
#   3  circuits left busy: B vanishes (SIGKILL) with calls up, A's RELs are never answered
#   6  the gateway never became reachable
# Two processes over TCP on 127.0.0.1, bounded by timeout, stopped by PID.
#   exit_status.sh PSTN_SIM CONFIG_DIR
set -u
SIM=$1 CFG=$2
W=$(mktemp -d /tmp/pstnsim-exit.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$W"/*.log; do echo "== $f"; tail -n 30 "$f"; done; exit 1; }

start_b() {
  { cat "$CFG/b-server.cfg"
    printf 'm3ua\n transport tcp\n role sgp\n mode server\n local-address 127.0.0.1\n local-port 0\n'; } >"$W/b.cfg"
  # Started directly (no timeout wrapper): $! is pstn-sim itself, bounded by --run-for.
  "$SIM" -c "$W/b.cfg" --vty-port 0 --run-for 30000 >"$W/b.log" 2>&1 &
  PID_B=$!
  PIDS+=($PID_B)
  for _ in $(seq 100); do grep -q '^LISTEN ' "$W/b.log" && break; sleep 0.05; done
  PORT=$(grep -m1 '^LISTEN ' "$W/b.log" | cut -d' ' -f2)
  [ -n "$PORT" ] || fail "B did not listen"
}
a_cfg() { # called total hold t9
  printf 'ss7\n point-code 1\ncircuits\n dpc 2\n cic-range 1 60\ntimers\n lab-timers\n isup t9 %s\n isup t1 500\n' "$4"
  printf 'm3ua\n transport tcp\n role asp\n mode client\n remote-address 127.0.0.1\n remote-port %s\n' "$PORT"
  printf 'originate\n called %s\n rate 20\n total %s\n hold %s\n start-delay 100\n' "$1" "$2" "$3"
}

# 4: busy where 16 was expected
start_b
a_cfg 1700 3 100 1000 >"$W/a.cfg"
timeout 30 "$SIM" -c "$W/a.cfg" --vty-port 0 --exit-when-done >"$W/a.log" 2>&1
rc=$?
[ $rc = 4 ] || fail "busy not expected: exit $rc, expected 4"
grep -qE '^calls.failed +3$' "$W/a.log" || fail "calls.failed not 3"
kill -TERM $PID_B; wait $PID_B

# 3: the far end vanishes with calls up; A's REL at the end is never answered
start_b
a_cfg 1900 3 0 60000 >"$W/a.cfg"
timeout 30 "$SIM" -c "$W/a.cfg" --vty-port 0 --run-for 1500 >"$W/a.log" 2>&1 &
PID_A=$!
PIDS+=($PID_A)
sleep 0.8
kill -9 $PID_B
wait $PID_A
rc=$?
[ $rc = 3 ] || fail "far end gone: exit $rc, expected 3"
grep -qE '^circuits.not-idle [0-9]' "$W/a.log" || fail "no busy circuits listed"

# 6: nobody to talk to
PORT=1
a_cfg 1000 1 0 1000 >"$W/a.cfg"
timeout 30 "$SIM" -c "$W/a.cfg" --vty-port 0 --run-for 500 >"$W/a.log" 2>&1
rc=$?
[ $rc = 6 ] || fail "no peer: exit $rc, expected 6"
echo PASS
