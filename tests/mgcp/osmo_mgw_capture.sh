#!/bin/sh
# Runs the osmo-mgw integration test while dumpcap records its MGCP port on the loopback, then
# has tshark (the wire-format oracle) dissect every message: there must be MGCP traffic, and no
# malformed packet or expert warning. Usage: osmo_mgw_capture.sh TEST_BINARY
set -u
BIN=$1
DIR=$(mktemp -d /tmp/mgc-mgcp-capture-XXXXXX)
PORT=$(shuf -i 20000-40000 -n 1)
CAP=$DIR/mgcp.pcapng
timeout 180 dumpcap -q -i lo -f "udp port $PORT" -w "$CAP" >"$DIR/dumpcap.log" 2>&1 &
DPID=$!
# dumpcap needs a moment before it sees packets.
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$CAP" ] && break; sleep 0.3; done
MGCP_TEST_PORT=$PORT timeout 150 "$BIN" >"$DIR/test.log" 2>&1
RC=$?
sleep 0.5
kill "$DPID" 2>/dev/null
wait "$DPID" 2>/dev/null
if [ $RC -ne 0 ]; then
  echo "integration test failed (rc=$RC), log in $DIR/test.log"; tail -30 "$DIR/test.log"; exit 1
fi
N=$(tshark -r "$CAP" -d "udp.port==$PORT,mgcp" -Y mgcp 2>/dev/null | wc -l)
BAD=$(tshark -r "$CAP" -d "udp.port==$PORT,mgcp" -Y '_ws.malformed || _ws.expert.severity >= "Warning"' 2>/dev/null)
echo "MGCP messages captured: $N"
if [ "$N" -lt 20 ]; then echo "too few MGCP messages captured ($N)"; exit 1; fi
if [ -n "$BAD" ]; then echo "tshark found problems:"; echo "$BAD"; exit 1; fi
rm -rf "$DIR"
exit 0
