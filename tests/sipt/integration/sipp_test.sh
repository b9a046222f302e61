#!/usr/bin/env bash
# SIPp against the test UAS/UAC built on the stack (tests/sipt/tools/sipt_test_ua.cpp):
# plain SIP both ways (SIPp built-in uac/uas), SIP-T both ways (binary ISUP parts), TCP, and a
# tshark check of a SIP-T capture (no malformed packets; the known "Trailing stray characters"
# note on binary ISUP bodies is the only warning allowed). Everything on 127.0.0.1, bounded.
set -euo pipefail
UA=$1
SRC=$2
command -v sipp >/dev/null || { echo "sipp missing: skipped"; exit 77; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cp "$SRC"/vectors/sipt/*.bin "$SRC"/integration/*.xml "$WORK"/
cd "$WORK"
BASE=$((20000 + RANDOM % 20000))
fail() { echo "FAIL: $*"; exit 1; }

start_uas() { # port [args]
  local port=$1; shift
  "$UA" uas --port "$port" --seconds 60 "$@" > "uas-$port.log" 2>&1 &
  PIDS+=($!)
  sleep 0.5
}
stop_last() { kill "${PIDS[-1]}" 2>/dev/null || true; wait "${PIDS[-1]}" 2>/dev/null || true; }

# 1. SIPp built-in uac -> our UAS (UDP), 20 calls
P=$((BASE)); start_uas $P
timeout 60 sipp -sn uac 127.0.0.1:$P -i 127.0.0.1 -p $((P + 1)) -r 20 -m 20 -nostdin \
  > sipp1.log 2>&1 || fail "sipp uac -> uas (UDP)"
stop_last
echo "ok: SIPp uac -> stack UAS, UDP, 20 calls"

# 2. SIPp built-in uac -> our UAS over TCP
P=$((BASE + 10)); start_uas $P --tcp
timeout 60 sipp -sn uac -t t1 127.0.0.1:$P -i 127.0.0.1 -p $((P + 1)) -r 10 -m 10 -nostdin \
  > sipp2.log 2>&1 || fail "sipp uac -> uas (TCP)"
stop_last
echo "ok: SIPp uac -> stack UAS, TCP, 10 calls"

# 3. our UAC -> SIPp built-in uas
P=$((BASE + 20))
timeout 60 sipp -sn uas -i 127.0.0.1 -p $P -m 10 -nostdin > sipp3.log 2>&1 &
PIDS+=($!)
sleep 0.5
timeout 60 "$UA" uac --port $((P + 1)) --target 127.0.0.1:$P --calls 10 --seconds 50 \
  > uac3.log 2>&1 || fail "stack UAC -> sipp uas: $(cat uac3.log)"
wait "${PIDS[-1]}" || fail "sipp uas saw failures"
echo "ok: stack UAC -> SIPp uas, 10 calls"

# 4. SIP-T: SIPp caller with IAM/REL -> our UAS (decodes the IAM, answers with ACM/ANM/RLC),
#    captured for tshark.
P=$((BASE + 30)); start_uas $P --sipt .
CAP=0
if command -v dumpcap >/dev/null && [ "$(id -u)" = 0 ]; then
  timeout 30 dumpcap -q -i lo -f "udp port $P" -w sipt.pcapng > /dev/null 2>&1 &
  CAPPID=$!
  PIDS+=($CAPPID)
  CAP=1
  sleep 1
fi
timeout 60 sipp -sf sipt_caller.xml 127.0.0.1:$P -i 127.0.0.1 -p $((P + 1)) -r 10 -m 10 \
  -nostdin > sipp4.log 2>&1 || fail "SIP-T caller -> stack UAS"
grep -q "failed=0" <(kill "${PIDS[-1 - CAP]}" 2>/dev/null; sleep 0.3; cat "uas-$P.log") ||
  fail "stack UAS reported failures: $(cat uas-$P.log)"
echo "ok: SIP-T SIPp caller -> stack UAS (IAM decoded; ACM, ANM, RLC sent), 10 calls"

if [ "$CAP" = 1 ]; then
  sleep 0.5
  kill "$CAPPID" 2>/dev/null || true
  wait "$CAPPID" 2>/dev/null || true
  n=$(tshark -r sipt.pcapng -Y sip 2>/dev/null | wc -l)
  [ "$n" -ge 60 ] || fail "capture holds $n SIP packets"
  bad=$(tshark -r sipt.pcapng -Y '_ws.malformed || _ws.expert.severity >= "Warning"' \
          -T fields -e frame.number -e _ws.expert.message 2>/dev/null |
        grep -v "Trailing stray characters" | grep -c . || true)
  [ "$bad" = 0 ] || fail "tshark: $bad malformed/warning packets"
  isup=$(tshark -r sipt.pcapng -Y isup -T fields -e isup.message_type 2>/dev/null | sort -u | tr '\n' ' ')
  echo "ok: tshark: $n SIP packets, none malformed; ISUP message types seen: $isup"
fi

# 5. SIP-T: our UAC (IAM, REL) -> SIPp callee (checks the ISUP parts)
P=$((BASE + 40))
timeout 60 sipp -sf sipt_callee.xml -i 127.0.0.1 -p $P -m 5 -nostdin > sipp5.log 2>&1 &
PIDS+=($!)
sleep 0.5
timeout 60 "$UA" uac --port $((P + 1)) --target 127.0.0.1:$P --calls 5 --sipt . --seconds 50 \
  > uac5.log 2>&1 || fail "stack SIP-T UAC -> sipp callee: $(cat uac5.log)"
wait "${PIDS[-1]}" || fail "SIP-T callee saw failures"
echo "ok: stack SIP-T UAC -> SIPp callee, 5 calls"
# 6. TLS: openssl s_client sends an OPTIONS to the stack's TLS listener and reads the 200.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout tls.key -out tls.pem > /dev/null 2>&1
  P=$((BASE + 50)); start_uas $P --tls-cert tls.pem --tls-key tls.key --tls-port $((P + 2))
  sleep 0.5
  printf 'OPTIONS sip:127.0.0.1:%d;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK-tls1;rport\r\nMax-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: tls-probe-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' $((P + 2)) $((P + 9)) > options.txt
  out=$( (cat options.txt; sleep 2) | timeout 10 openssl s_client -connect 127.0.0.1:$((P + 2)) \
           -quiet 2>/dev/null | tr -d '\r' || true)
  stop_last
  grep -q "^SIP/2.0 200 OK" <<<"$out" || fail "TLS OPTIONS via s_client: $out; uas: $(cat uas-$P.log)"
  grep -q '^Allow: ' <<<"$out" || fail "TLS OPTIONS answer lacks Allow"
  echo "ok: openssl s_client -> stack over TLS: OPTIONS answered 200"
fi
echo PASS
