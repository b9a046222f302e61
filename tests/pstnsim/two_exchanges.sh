#!/usr/bin/env bash
# Two pstn-sim processes over M3UA on 127.0.0.1: B is the SGP server with the rules of
# configs/b-server.cfg, A the ASP client that originates calls or runs maintenance.
#   two_exchanges.sh PSTN_SIM CONFIG_DIR PROTO SCENARIO
# PROTO: tcp | sctp-udp (usrsctp over UDP, RFC 6951) | sctp-raw (usrsctp over raw IP, root;
# skipped otherwise). SCENARIO:
#   answer     20 calls at 20/s, B answers after 100 ms, A hangs up after 200 ms
#   ipsp       the same between two IPSPs (single exchange: B server, A client)
#   ipsp-de    the same between two IPSPs in double exchange
#   busy       10 calls, B rejects with REL 17
#   noanswer   5 calls, B sends ACM only; A's T9 (1 s) releases with cause 19
#   release    10 calls, B releases with cause 21
#   progress   5 calls, B sends ACM (in-band), CPG progress, then ANM
#   hangup     5 calls, B answers and hangs up after 300 ms; A waits for it
#   maintenance GRS, CGB/CGU, BLO/UBL, RSC from A's command line (--at), seen by B
#   vty        maintenance through B's telnet VTY (show summary, grs, blo, ubl)
# Both summaries are checked, and every circuit must be idle at the end (exit status 0 of both).
# Every process is bounded by timeout and stopped by its PID on exit.
set -u
SIM=$1 CFG=$2 PROTO=$3 SCENARIO=$4
W=$(mktemp -d /tmp/pstnsim-2x.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$W"/*.log "$W"/*.sum; do [ -f "$f" ] && { echo "== $f"; tail -n 60 "$f"; }; done
  exit 1
}
# val FILE KEY: the value of a summary line ("key value"), 0 if absent
val() {
  local v
  v=$(awk -v k="$2" '$1 == k { print $2 }' "$1")
  echo "${v:-0}"
}
expect() { # expect FILE KEY VALUE
  local v
  v=$(val "$1" "$2")
  [ "$v" = "$3" ] || fail "$(basename "$1"): $2 is $v, expected $3"
}

if [ "$PROTO" = sctp-raw ] && [ "$(id -u)" != 0 ]; then
  echo "SKIP: usrsctp over raw IP (protocol 132) needs root"
  exit 77
fi
SCTP_PORT=2915 B_UDP=9911 A_UDP=9912
ROLE_B=sgp ROLE_A=asp
if [ "$SCENARIO" = ipsp ]; then ROLE_B=ipsp-se-server ROLE_A=ipsp-se-client; fi
if [ "$SCENARIO" = ipsp-de ]; then ROLE_B=ipsp-de ROLE_A=ipsp-de; fi
VTY_PORT=$((42000 + RANDOM % 2000))
m3ua_b() {
  if [ "$PROTO" = sctp-raw ]; then
    printf 'm3ua\n transport usrsctp-raw\n role %s\n mode server\n local-address 127.0.0.1\n local-port %s\n routing-context 10\n' "$ROLE_B" $SCTP_PORT
  elif [ "$PROTO" = tcp ]; then
    printf 'm3ua\n transport tcp\n role %s\n mode server\n local-address 127.0.0.1\n local-port 0\n routing-context 10\n' "$ROLE_B"
  else
    printf 'm3ua\n transport usrsctp-udp\n role %s\n mode server\n local-address 127.0.0.1\n local-port %s\n udp-port %s\n udp-remote-port %s\n routing-context 10\n' "$ROLE_B" $SCTP_PORT $B_UDP $A_UDP
  fi
}
m3ua_a() {
  if [ "$PROTO" = sctp-raw ]; then
    printf 'm3ua\n transport usrsctp-raw\n role %s\n mode client\n local-address 127.0.0.1\n local-port 0\n remote-address 127.0.0.1\n remote-port %s\n routing-context 10\n' "$ROLE_A" $SCTP_PORT
  elif [ "$PROTO" = tcp ]; then
    printf 'm3ua\n transport tcp\n role %s\n mode client\n local-address 127.0.0.1\n remote-address 127.0.0.1\n remote-port %s\n routing-context 10\n' "$ROLE_A" "$1"
  else
    printf 'm3ua\n transport usrsctp-udp\n role %s\n mode client\n local-address 127.0.0.1\n local-port 0\n remote-address 127.0.0.1\n remote-port %s\n udp-port %s\n udp-remote-port %s\n routing-context 10\n' "$ROLE_A" $SCTP_PORT $A_UDP $B_UDP
  fi
}
# A's exchange part: point code 1 toward B (2), the same 60 circuits, short T9.
a_base() {
  printf 'ss7\n point-code 1\n variant itu\n network-indicator national\ncircuits\n dpc 2\n cic-range 1 60\ntimers\n lab-timers\n isup t9 1000\n isup t1 2000\n'
}
originate() { # originate CALLED TOTAL HOLD EXPECT...
  printf 'originate\n called %s\n calling 4441000\n called-nai national\n rate 20\n total %s\n hold %s\n start-delay 200\n' "$1" "$2" "$3"
  shift 3
  for c in "$@"; do printf ' expect-cause %s\n' "$c"; done
}

# ---- B: the SGP server
VTY_B=0
[ "$SCENARIO" = vty ] && VTY_B=$VTY_PORT
{ cat "$CFG/b-server.cfg"; m3ua_b; } >"$W/b.cfg"
# Started directly (no timeout wrapper) so that $! is pstn-sim itself; --run-for bounds it.
"$SIM" -c "$W/b.cfg" --vty-port $VTY_B --run-for 50000 --log-isup \
  --isup-trace "$W/b.trace" --summary-file "$W/b.sum" >"$W/b.log" 2>&1 &
PID_B=$!
PIDS+=($PID_B)
REMOTE=$SCTP_PORT
if [ "$PROTO" = tcp ]; then
  for _ in $(seq 100); do grep -q '^LISTEN ' "$W/b.log" && break; sleep 0.05; done
  REMOTE=$(grep -m1 '^LISTEN ' "$W/b.log" | cut -d' ' -f2)
  [ -n "$REMOTE" ] || fail "B did not listen"
else
  sleep 0.3
fi

# ---- A: the client, by scenario
AT=()
{
  a_base
  m3ua_a "$REMOTE"
  case $SCENARIO in
  answer | ipsp | ipsp-de) originate 5551234 20 200 16 ;;
  busy) originate 1700 10 200 17 ;;
  noanswer) originate 1900 5 200 19 ;;
  release) originate 2100 10 200 21 ;;
  progress) originate 3300 5 200 16 ;;
  hangup) originate 4400 5 0 16 ;;
  esac
} >"$W/a.cfg"
case $SCENARIO in
maintenance)
  AT=(--at "100:grs 1 29" --at "300:cgb 1 3 maintenance" --at "500:cgu 1 3 maintenance"
      --at "700:blo 7" --at "900:ubl 7" --at "1100:rsc 9" --at "1300:cgb 40 2 hardware"
      --at "1500:cgu 40 2 hardware")
  ;;
vty) AT=(--run-for 4000) ;;
esac
if [ "$SCENARIO" = vty ]; then
  "$SIM" -c "$W/a.cfg" --vty-port 0 --log-isup --summary-file "$W/a.sum" "${AT[@]}" \
    >"$W/a.log" 2>&1 &
  PID_A=$!
  PIDS+=($PID_A)
  for _ in $(seq 100); do grep -q 'MTP-RESUME' "$W/b.log" && break; sleep 0.05; done
  sleep 0.3
  # The live commands, as a lab engineer types them on telnet 127.0.0.1.
  exec 3<>/dev/tcp/127.0.0.1/$VTY_B || fail "no VTY on $VTY_B"
  # libosmovty drops unsent output when the session ends: read for a while instead of `exit`.
  # BLO and UBL are spaced: a BLA that arrives after the UBL is answered with another UBL
  # (Q.764 §2.9.4), which is right but would make the counts below depend on timing.
  printf 'grs 1 9\nblo 12\n' >&3
  sleep 0.3
  printf 'ubl 12\n' >&3
  sleep 0.3
  printf 'show circuits\nshow summary\n' >&3
  timeout 2 cat <&3 >"$W/vty.log"
  exec 3<&-
  grep -q 'grs 1 9: ok' "$W/vty.log" || fail "VTY grs not accepted"
  grep -q 'received.GRA' "$W/vty.log" || grep -q 'sent.GRS' "$W/vty.log" || fail "show summary"
  grep -q 'cic    12' "$W/vty.log" || fail "show circuits"
  wait $PID_A
  RC_A=$?
else
  timeout 30 "$SIM" -c "$W/a.cfg" --vty-port 0 --exit-when-done --log-isup \
    --isup-trace "$W/a.trace" --summary-file "$W/a.sum" "${AT[@]}" >"$W/a.log" 2>&1
  RC_A=$?
fi
kill -TERM $PID_B
wait $PID_B
RC_B=$?
[ $RC_A = 0 ] || fail "A exited with $RC_A"
[ $RC_B = 0 ] || fail "B exited with $RC_B"
A=$W/a.sum B=$W/b.sum
for f in $A $B; do
  expect $f circuits.not-idle none
  expect $f calls.active 0
  expect $f unexpected.total 0
  expect $f malformed 0
  expect $f m3ua.ever-up 1
done

case $SCENARIO in
answer | ipsp | ipsp-de)
  expect $A calls.originated 20; expect $A calls.answered 20; expect $A calls.failed 0
  expect $A released.outgoing.cause.16 20; expect $A received.ANM 20; expect $A sent.REL 20
  expect $B calls.offered 20; expect $B calls.answered 20; expect $B released.incoming.cause.16 20
  expect $B received.IAM 20; expect $B sent.ACM 20; expect $B sent.RLC 20
  grep -q 'ISUP rx cic [0-9]* IAM called 5551234 nai 3 calling 4441000' "$W/b.log" ||
    fail "B did not log the IAM's numbers"
  # The JSON traces: every IAM A sent arrived at B with the same parameters.
  python3 - "$W/a.trace" "$W/b.trace" <<'PY' || fail "IAM traces differ"
import json, sys
def iams(path, d):
    out = {}
    for line in open(path):
        j = json.loads(line)
        if j["dir"] == d and j["message"].get("message") == "IAM":
            out[j["cic"]] = j["message"]
    return out
a, b = iams(sys.argv[1], "tx"), iams(sys.argv[2], "rx")
assert len(a) > 0, "no IAM in A's trace"
assert a == b, (a, b)
PY
  ;;
busy)
  expect $A released.outgoing.cause.17 10; expect $A calls.failed 0; expect $A received.REL 10
  expect $B released.incoming.cause.17 10; expect $B calls.answered 0; expect $B received.RLC 10
  ;;
noanswer)
  expect $A released.outgoing.cause.19 5; expect $A received.ACM 5; expect $A received.ANM 0
  expect $B released.incoming.cause.19 5; expect $B sent.ANM 0
  ;;
release)
  expect $A released.outgoing.cause.21 10; expect $B released.incoming.cause.21 10
  ;;
progress)
  expect $A received.CPG 5; expect $A calls.answered 5; expect $B sent.CPG 5
  grep -q 'ISUP tx cic [0-9]* ACM in-band' "$W/b.log" || fail "no in-band ACM"
  grep -q 'ISUP tx cic [0-9]* CPG event 2' "$W/b.log" || fail "no CPG progress"
  ;;
hangup)
  expect $B sent.REL 5; expect $A sent.RLC 5; expect $A released.outgoing.cause.16 5
  ;;
maintenance)
  for t in GRS CGB CGU BLO UBL RSC; do expect $A sent.$t "$(val $B received.$t)"; done
  expect $A sent.GRS 1; expect $A sent.CGB 2; expect $A sent.CGU 2; expect $A sent.BLO 1
  expect $A received.GRA 1; expect $A received.CGBA 2; expect $A received.CGUA 2
  expect $A received.BLA 1; expect $A received.UBA 1; expect $A received.RLC 1
  expect $B circuits.blocked-list none; expect $A circuits.blocked-list none
  grep -q 'maintenance.event rx CGB cic 40 range 2 hardware' $B || fail "B did not see CGB hw"
  ;;
vty)
  expect $B sent.GRS 1; expect $A received.GRS 1; expect $A sent.GRA 1
  expect $B sent.BLO 1; expect $B sent.UBL 1; expect $A received.UBL 1
  ;;
*) fail "unknown scenario $SCENARIO" ;;
esac
echo "PASS: $PROTO $SCENARIO"
