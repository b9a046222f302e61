#!/bin/sh
# mgc-tool decode/encode mgcp: every vector decodes to JSON and encodes back to the same text;
# malformed input exits 1 with the reason and MGCP code on stderr; bad usage exits 2.
# Usage: mgc_tool_test.sh MGC_TOOL VECTORS_DIR
set -u
TOOL=$1
VEC=$2
TMP=$(mktemp -d /tmp/mgc-mgcp-tool-XXXXXX)
fail() { echo "FAIL: $*"; rm -rf "$TMP"; exit 1; }
n=0
for f in "$VEC"/wireshark/*.txt; do
  "$TOOL" decode mgcp "$f" >"$TMP/j" || fail "decode $f"
  "$TOOL" encode mgcp <"$TMP/j" >"$TMP/t" || fail "encode $f"
  # Re-decoding our own encoding gives the same JSON.
  "$TOOL" decode mgcp "$TMP/t" >"$TMP/j2" || fail "re-decode $f"
  cmp -s "$TMP/j" "$TMP/j2" || fail "round trip differs for $f"
  n=$((n + 1))
done
# A piggy-backed datagram decodes to an array and encodes back byte for byte.
printf '200 2005 OK\r\n.\r\nDLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\r\nC: A3C47F21456789F0\r\nI: FDE234C8\r\n' >"$TMP/p"
"$TOOL" decode mgcp "$TMP/p" >"$TMP/pj" || fail "piggyback decode"
grep -q '"verb": "DLCX"' "$TMP/pj" || fail "piggyback JSON"
"$TOOL" encode mgcp <"$TMP/pj" >"$TMP/pt" || fail "piggyback encode"
cmp -s "$TMP/p" "$TMP/pt" || fail "piggyback round trip"
# Malformed: exit 1, reason and MGCP code on stderr.
printf 'CRCX 5 a@b MGCP 1.0\r\n' | "$TOOL" decode mgcp - 2>"$TMP/e" >/dev/null
[ $? -eq 1 ] || fail "malformed exit code"
grep -q 'mgcp.missing_parameter (MGCP 510' "$TMP/e" || fail "malformed reason: $(cat "$TMP/e")"
echo '{"kind":"command","verb":"NOPE"}' | "$TOOL" encode mgcp 2>/dev/null >/dev/null
[ $? -eq 1 ] || fail "bad JSON message exit code"
"$TOOL" decode mgcp >/dev/null 2>&1
[ $? -eq 2 ] || fail "usage exit code"
rm -rf "$TMP"
echo "ok: $n vectors round-tripped through mgc-tool"
