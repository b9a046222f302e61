#!/usr/bin/env bash
# M3UA across two (or three) processes on 127.0.0.1, over TCP or usrsctp/UDP (RFC 6951):
#   two_process.sh M3UA_PEER PROTO SCENARIO
# PROTO: tcp | sctp-udp | sctp-kernel (skipped where the kernel has no SCTP). SCENARIO:
#   asp_sgp            association up, ASPUP, ASPAC, DATA both ways (the SGP echoes)
#   ipsp               IPSP <-> IPSP double exchange, DATA both ways
#   ipsp_se            IPSP single exchange (client/server), DATA both ways
#   loss_recovery      ASP loss and recovery, with MTP-PAUSE / MTP-RESUME seen by each user
#   failover_override  two ASPs in one AS, override: the standby takes over when the active dies
#   failover_loadshare two ASPs in one AS, loadshare: both carry traffic; one dies, the AS stays up
#   capture            asp_sgp with tshark on lo (udp 9899); the capture must dissect cleanly
#   multihoming        (sctp-udp) both ends bind 127.0.0.1 and the host's first global IPv4
#                      address; INIT/INIT ACK list both, the second path is probed, DATA flows
#   raw                (root) SCTP over raw IP protocol 132 instead of UDP, DATA both ways
# Every process is started here, bounded by timeout, and stopped by its PID on exit.
set -u
PEER=$1 PROTO=$2 SCENARIO=$3
W=$(mktemp -d /tmp/m3ua-2proc.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$W"/*.log; do echo "== $f"; tail -n 40 "$f"; done
  exit 1
}

if [ "$PROTO" = sctp-kernel ] &&
  ! python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)' 2>/dev/null; then
  echo "SKIP: kernel SCTP not available here (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails)"
  exit 77
fi

# UDP encapsulation ports (RFC 6951): the SGP side uses the well-known 9899, each ASP its own.
SGP_UDP=9899
SCTP_PORT=2905
TCP_PORT_FILE=$W/port

# start NAME ARGS...: runs m3ua-peer in the background, its output in $W/NAME.log
start() {
  local name=$1
  shift
  "$PEER" "$@" --exit-after 60 >"$W/$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$name=$!"
}
# count NAME REGEX: lines of NAME's log matching
count() {
  local n
  n=$(grep -cE "$2" "$W/$1.log" 2>/dev/null)
  echo "${n:-0}"
}
# wait_for NAME REGEX [N] [SECONDS]: until N lines match
wait_for() {
  local name=$1 re=$2 n=${3:-1} secs=${4:-15} i
  for ((i = 0; i < secs * 20; i++)); do
    [ "$(count "$name" "$re")" -ge "$n" ] && return 0
    sleep 0.05
  done
  fail "$name: waited ${secs}s for $n x '$re'"
}

# server NAME ARGS...: a listening peer; sets SERVER_ARGS for the clients that connect to it
server() {
  local name=$1
  shift
  if [ "$PROTO" = tcp ]; then
    start "$name" --proto tcp --server --port 0 "$@"
    wait_for "$name" '^LISTEN '
    TCP_PORT=$(grep -m1 '^LISTEN ' "$W/$name.log" | cut -d' ' -f2)
  elif [ "$PROTO" = sctp-kernel ]; then
    start "$name" --proto sctp-kernel --server --port $SCTP_PORT "$@"
    sleep 0.3
  else
    start "$name" --proto sctp-udp --server --port $SCTP_PORT --udp-port $SGP_UDP "$@"
    sleep 0.3
  fi
}
# client NAME UDP_PORT ARGS...
client() {
  local name=$1 udp=$2
  shift 2
  if [ "$PROTO" = tcp ]; then
    start "$name" --proto tcp --client --remote-port "$TCP_PORT" "$@"
  elif [ "$PROTO" = sctp-kernel ]; then
    start "$name" --proto sctp-kernel --client --remote-port $SCTP_PORT "$@"
  else
    start "$name" --proto sctp-udp --client --remote-port $SCTP_PORT --udp-port "$udp" \
      --udp-remote-port $SGP_UDP "$@"
  fi
}

case "$SCENARIO" in
asp_sgp | capture)
  if [ "$SCENARIO" = capture ]; then
    command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }
    timeout 30 tshark -i lo -f "udp port $SGP_UDP" -w "$W/cap.pcap" -q >"$W/tshark.log" 2>&1 &
    PIDS+=($!)
    TSHARK=$!
    for ((i = 0; i < 100; i++)); do [ -s "$W/cap.pcap" ] && break; sleep 0.05; done
    [ -s "$W/cap.pcap" ] || { echo "SKIP: cannot capture on lo: $(cat "$W/tshark.log")"; exit 77; }
  fi
  server sgp --role sgp --opc 2 --dpc 1 --echo
  client asp 9900 --role asp --opc 1 --dpc 2 --send 20 --quit-after-rx 20
  wait_for asp '^STATS rx=20 ' 1 20
  wait_for sgp '^RX 1 2 ' 20
  [ "$(count asp '^RESUME 2$')" -ge 1 ] || fail "no MTP-RESUME at the ASP"
  [ "$(count sgp 'ERR sent')" -eq 0 ] || fail "the SGP sent ERR"
  if [ "$SCENARIO" = capture ]; then
    sleep 1
    kill -INT "$TSHARK" 2>/dev/null
    wait "$TSHARK" 2>/dev/null
    bad=$(tshark -r "$W/cap.pcap" -o sctp.checksum:CRC-32C \
      -Y '_ws.malformed || _ws.expert.severity >= "Warning" || sctp.checksum.status == 0' 2>/dev/null | wc -l)
    data=$(tshark -r "$W/cap.pcap" -Y 'm3ua.message_class == 1 && isup' 2>/dev/null | wc -l)
    mgmt=$(tshark -r "$W/cap.pcap" -Y 'm3ua.message_class == 3 || m3ua.message_class == 4' 2>/dev/null | wc -l)
    # PPID 3 on every DATA chunk; management on stream 0; DATA never on stream 0, spread by SLS.
    # Checked chunk by chunk (a packet may bundle a NTFY on stream 0 with DATA).
    wrong=$(tshark -r "$W/cap.pcap" -Y m3ua -T fields -E occurrence=a -E aggregator=, \
      -e sctp.data_sid -e sctp.data_payload_proto_id -e m3ua.message_class 2>/dev/null |
      awk -F'\t' '{ n = split($1, sid, ","); split($2, ppid, ","); split($3, cls, ",");
        for (i = 1; i <= n; i++) {
          zero = sid[i] ~ /^(0x)?0+$/
          if (ppid[i] != 3) bad++
          else if ((cls[i] == 3 || cls[i] == 4) && !zero) bad++
          else if (cls[i] == 1 && zero) bad++
        } } END { print bad + 0 }')
    sids=$(tshark -r "$W/cap.pcap" -Y 'm3ua.message_class == 1' -T fields -e sctp.data_sid 2>/dev/null | tr ',' '\n' | sort -u | wc -l)
    echo "capture: $data DATA frames with ISUP on $sids streams, $mgmt ASPSM/ASPTM frames, $bad malformed/warning/bad CRC, $wrong on a wrong stream or PPID"
    [ "$wrong" -eq 0 ] || fail "PPID or stream rule broken in the capture"
    [ "$sids" -ge 2 ] || fail "DATA should be spread over several streams by SLS"
    [ "$bad" -eq 0 ] || { tshark -r "$W/cap.pcap" -o sctp.checksum:CRC-32C -Y '_ws.malformed || _ws.expert.severity >= "Warning"' 2>/dev/null; fail "capture has problems"; }
    [ "$data" -ge 1 ] && [ "$mgmt" -ge 4 ] || fail "capture lacks M3UA frames"
    if [ -n "${CAPTURE_OUT:-}" ]; then cp "$W/cap.pcap" "$CAPTURE_OUT"; fi
  fi
  ;;
ipsp | ipsp_se)
  if [ "$SCENARIO" = ipsp ]; then RS=ipsp-de RC=ipsp-de; else RS=ipsp-se-server RC=ipsp-se-client; fi
  server b --role $RS --opc 2 --dpc 1 --echo
  client a 9900 --role $RC --opc 1 --dpc 2 --send 10 --quit-after-rx 10
  wait_for a '^STATS rx=10 ' 1 20
  wait_for b '^RX 1 2 ' 10
  [ "$(count a 'ERR')" -eq 0 ] && [ "$(count b 'ERR')" -eq 0 ] || fail "ERR between IPSPs"
  ;;
loss_recovery)
  # BEAT every 500 ms finds a silent peer (SIGKILL sends no ABORT/FIN over usrsctp).
  server sgp --role sgp --opc 2 --dpc 1 --echo --beat 500 --recovery 500
  client asp 9900 --role asp --opc 1 --dpc 2 --beat 500
  wait_for asp '^RESUME 2$'
  wait_for sgp '^RESUME 1$'
  # ASP lost: the SGP's user sees MTP-PAUSE once T(r) runs out ...
  kill -9 "$PID_asp"
  wait_for sgp '^PAUSE 1$' 1 10
  # ... and MTP-RESUME when the ASP is back.
  client asp2 9901 --role asp --opc 1 --dpc 2 --beat 500 --send 5 --quit-after-rx 5
  wait_for sgp '^RESUME 1$' 2 15
  wait_for asp2 '^STATS rx=5 ' 1 15
  # SGP lost: the ASP's user sees MTP-PAUSE, the ASP reconnects with backoff, MTP-RESUME.
  client asp3 9902 --role asp --opc 1 --dpc 2 --beat 500
  wait_for asp3 '^RESUME 2$'
  kill -9 "$PID_sgp"
  wait_for asp3 '^PAUSE 2$' 1 10
  if [ "$PROTO" = tcp ]; then # the same port again: the ASP reconnects to it
    start sgp2 --proto tcp --server --port "$TCP_PORT" --role sgp --opc 2 --dpc 1 --echo --beat 500
  else
    server sgp2 --role sgp --opc 2 --dpc 1 --echo --beat 500
  fi
  wait_for asp3 '^RESUME 2$' 2 20
  [ "$(count asp3 '^UP 0$')" -ge 2 ] || fail "the ASP did not reconnect"
  ;;
failover_override | failover_loadshare)
  MODE=${SCENARIO#failover_}
  server sgp --role sgp --opc 2 --dpc 1 --links 2 --mode $MODE --beat 500 --send 1000000 --rate 100
  client asp1 9900 --role asp --opc 1 --dpc 2 --asp-id 1 --mode $MODE --beat 500
  wait_for asp1 '^RX 2 1 ' 5
  client asp2 9901 --role asp --opc 1 --dpc 2 --asp-id 2 --mode $MODE --beat 500
  wait_for asp2 '^RX 2 1 ' 5
  if [ "$MODE" = override ]; then
    # RFC 4666 §4.3.4.3: the newer ASP takes over, the older one is told and goes standby.
    wait_for asp1 'M-ASP_INACTIVE.ind'
    n1=$(count asp1 '^RX '); sleep 0.5
    [ "$(count asp1 '^RX ')" -eq "$n1" ] || fail "the standby ASP still receives"
    kill -9 "$PID_asp2"
    # T(r) keeps the AS pending; the standby is notified and becomes active.
    wait_for asp1 '^RX 2 1 ' $((n1 + 10)) 15
    [ "$(count sgp '^PAUSE')" -eq 0 ] || fail "the SGP user saw MTP-PAUSE during failover"
  else
    n1=$(count asp1 '^RX '); n2=$(count asp2 '^RX ')
    sleep 0.5
    [ "$(count asp1 '^RX ')" -gt "$n1" ] && [ "$(count asp2 '^RX ')" -gt "$n2" ] ||
      fail "loadshare: both ASPs should receive"
    kill -9 "$PID_asp1"
    n2=$(count asp2 '^RX ')
    wait_for asp2 '^RX 2 1 ' $((n2 + 20)) 15
    [ "$(count sgp 'AS-PENDING')" -eq 0 ] || fail "loadshare AS went pending with one ASP left"
    [ "$(count sgp '^PAUSE')" -eq 0 ] || fail "the SGP user saw MTP-PAUSE"
  fi
  ;;
multihoming)
  ADDR2=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
  [ -n "$ADDR2" ] || { echo "SKIP: no second local IPv4 address for multihoming"; exit 77; }
  command -v tshark >/dev/null || { echo "SKIP: tshark not installed"; exit 77; }
  timeout 30 tshark -i lo -f "udp port $SGP_UDP" -w "$W/cap.pcap" -q >"$W/tshark.log" 2>&1 &
  PIDS+=($!)
  TSHARK=$!
  for ((i = 0; i < 100; i++)); do [ -s "$W/cap.pcap" ] && break; sleep 0.05; done
  [ -s "$W/cap.pcap" ] || { echo "SKIP: cannot capture on lo"; exit 77; }
  server sgp --role sgp --opc 2 --dpc 1 --echo --local "127.0.0.1,$ADDR2"
  client asp 9900 --role asp --opc 1 --dpc 2 --send 10 --quit-after-rx 10 \
    --local "127.0.0.1,$ADDR2" --remote "127.0.0.1,$ADDR2"
  wait_for asp '^STATS rx=10 ' 1 20
  sleep 1
  kill -INT "$TSHARK" 2>/dev/null
  wait "$TSHARK" 2>/dev/null
  inits=$(tshark -r "$W/cap.pcap" -Y "(sctp.chunk_type == 1 || sctp.chunk_type == 2) && sctp.parameter_ipv4_address == $ADDR2" 2>/dev/null | wc -l)
  path2=$(tshark -r "$W/cap.pcap" -Y "sctp.chunk_type == 4 && ip.dst == $ADDR2" 2>/dev/null | wc -l)
  bad=$(tshark -r "$W/cap.pcap" -o sctp.checksum:CRC-32C -Y '_ws.malformed || _ws.expert.severity >= "Warning" || sctp.checksum.status == 0' 2>/dev/null | wc -l)
  echo "multihoming: $inits INIT/INIT ACK listing $ADDR2, $path2 HEARTBEATs on that path, $bad bad"
  [ "$inits" -eq 2 ] || fail "INIT and INIT ACK should both list $ADDR2"
  [ "$path2" -ge 1 ] || fail "the second path was never probed"
  [ "$bad" -eq 0 ] || fail "capture has problems"
  ;;
raw)
  [ "$(id -u)" = 0 ] || { echo "SKIP: raw IP protocol 132 needs root"; exit 77; }
  start sgp --proto sctp-raw --server --port 2906 --role sgp --opc 2 --dpc 1 --echo
  sleep 0.3
  start asp --proto sctp-raw --client --remote-port 2906 --port 2907 --role asp --opc 1 --dpc 2 \
    --send 10 --quit-after-rx 10
  wait_for asp '^STATS rx=10 ' 1 20
  wait_for sgp '^RX 1 2 ' 10
  ;;
*)
  echo "unknown scenario $SCENARIO"
  exit 2
  ;;
esac
echo "PASS $PROTO $SCENARIO"
