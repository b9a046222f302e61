#!/bin/sh
# Integration test against a real H.248 media gateway: Erlang/OTP's megaco stack (mg_peer.erl)
# on 127.0.0.1, driven by our call agent (h248_mgc_driver). Registration, a call
# (Add/Add$/Modify/AuditValue/Subtract) and, when asked, the MG's restart and a second call.
# The UDP traffic is captured and checked with tshark (no malformed packets, all dissected as
# MEGACO). Everything runs bounded by timeouts and is stopped on exit.
# usage: run_otp_mg.sh DRIVER VERSION ENCODING RESTARTS [TRANSPORT]
#   ENCODING: compact|pretty|binary; TRANSPORT: udp (default) or tcp
set -u
driver=$1 version=$2 encoding=$3 restarts=$4 transport=${5:-udp}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mg_pid= cap_pid= drv_pid=
cleanup() {
  for p in $mg_pid $cap_pid $drv_pid; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${KEEP:-}" ] && cp -r "$work" /tmp/h248x/keep; rm -rf "$work"
}
trap cleanup EXIT INT TERM
command -v erlc >/dev/null || { echo "SKIP: erlc missing (erlang-dev)"; exit 77; }
vdef=; [ "$version" = 3 ] && vdef=-DV3
erlc $vdef -o "$work" "$here/mg_peer.erl" || exit 1
# Ports: distinct per run so parallel ctest runs do not collide.
base=$(( 20000 + ($$ % 20000) ))
mgc_port=$base mg_port=$((base + 1))
binflag=0; [ "$encoding" = binary ] && binflag=1
tcpflag=0; [ "$transport" = tcp ] && tcpflag=1
if command -v tshark >/dev/null; then
  timeout 40 tshark -q -i lo -f "$transport port $mgc_port" -w "$work/cap.pcapng" 2>/dev/null &
  cap_pid=$!
  sleep 1.5
fi
timeout 30 "$driver" --port "$mgc_port" --mg-port "$mg_port" --restarts "$restarts" \
  --version "$version" --binary "$binflag" --tcp "$tcpflag" --deadline 25 > "$work/driver.log" 2>&1 &
drv_pid=$!
start_mg() {
  timeout 30 erl -noshell -pa "$work" -run mg_peer start "$mgc_port" "$mg_port" "$version" \
    "$encoding" 25 "$transport" >> "$work/mg.log" 2>&1 &
  mg_pid=$!
}
start_mg
phase=1
while kill -0 "$drv_pid" 2>/dev/null; do
  if [ "$phase" -le "$restarts" ] && grep -q "phase $phase done" "$work/driver.log"; then
    echo "restarting the MG"
    kill "$mg_pid"; wait "$mg_pid" 2>/dev/null
    start_mg
    phase=$((phase + 1))
  fi
  sleep 0.2
done
wait "$drv_pid"; rc=$?
drv_pid=
cat "$work/driver.log"
if [ $rc -ne 0 ]; then
  echo "--- MG log"; cat "$work/mg.log"
  exit 1
fi
if [ -n "$cap_pid" ]; then
  sleep 1; kill "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null; cap_pid=
fi
if [ ! -s "$work/cap.pcapng" ]; then
  echo "capture: none (tshark missing or not allowed to capture on lo); capture check skipped"
else
  port_opt="megaco.udp.txt_port:$mgc_port"
  [ "$transport" = tcp ] && port_opt="megaco.tcp.txt_port:$mgc_port"
  [ "$encoding" = binary ] && port_opt="h248.udp_port:$mgc_port"
  total=$(tshark -r "$work/cap.pcapng" -o "$port_opt" 2>/dev/null | wc -l)
  badf='_ws.malformed || _ws.expert.severity >= "Warning"'
  if [ "$encoding" = binary ]; then
    # Wireshark 4.0's H.248 dissector throws on Annex C SDP property values (PkgdName 0000b0xx)
    # and on OTP's own ServiceChange reasons: judge our frames without SDP only.
    all_bad=$(tshark -r "$work/cap.pcapng" -o "$port_opt" -Y "$badf" 2>/dev/null | wc -l)
    echo "binary: $all_bad frames flagged by tshark in all (both sides, SDP or OTP reasons)"
    badf="udp.srcport == $mgc_port && !(frame contains 00:00:b0) && ($badf)"
  fi
  bad=$(tshark -r "$work/cap.pcapng" -o "$port_opt" -Y "$badf" 2>/dev/null | wc -l)
  proto=megaco; [ "$encoding" = binary ] && proto=h248
  good=$(tshark -r "$work/cap.pcapng" -o "$port_opt" -Y "$proto" 2>/dev/null | wc -l)
  echo "capture: $total packets, $good dissected as $proto, $bad malformed or warnings"
  if [ "$bad" -ne 0 ] || [ "$good" -lt 6 ]; then
    tshark -r "$work/cap.pcapng" -o "$port_opt" -Y "$badf" -V 2>/dev/null | head -80
    exit 1
  fi
fi
exit 0
