#!/usr/bin/env bash
# mgc-tool decode/encode isup: JSON out, JSON in, exit codes 0 / 1 (malformed) / 2 (usage).
set -u
TOOL=$1
fail=0
check() { # expected-exit description command...
  local want=$1 what=$2; shift 2
  "$@" >/tmp/isup_tool.$$ 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL: $what: exit $got, want $want"; cat /tmp/isup_tool.$$; fail=1; fi
}
IAM=0e00011100000a03020907039040380982990a0603131773450800
check 0 "decode IAM" "$TOOL" decode isup "$IAM"
check 1 "truncated" "$TOOL" decode isup 0e00
check 1 "unrecognised message" "$TOOL" decode isup 0e00700100
check 2 "not hex" "$TOOL" decode isup zz
check 2 "bad variant" "$TOOL" decode isup --variant foo "$IAM"
check 2 "no protocol" "$TOOL" decode
check 0 "decode no-CIC REL" "$TOOL" decode isup --no-cic 0c0200028090
# isup.cap's IAM: national parameter 0xf4 whose compatibility information says "discard it"
check 0 "usable with unknown parameter" "$TOOL" decode isup d5000100a0010a02020705819084190f0a070317933393798008018003057c038890a61d038890a6310200643f06039300060010f4056476c328813902f49000
check 1 "unknown parameter without instructions" "$TOOL" decode isup 1f00010000000a00020806031021436587fe03aabbcc00
check 0 "decode ANSI" "$TOOL" decode isup --variant ansi ff3f0c020002c090
out=$("$TOOL" decode isup "$IAM" | "$TOOL" encode isup)
[ "$out" = "$IAM" ] || { echo "FAIL: decode|encode gave $out"; fail=1; }
called=$("$TOOL" decode isup "$IAM" | jq -r '.parameters[] | select(.name=="called_party_number") | .address_signals')
[ "$called" = "0483902899" ] || { echo "FAIL: called $called"; fail=1; }
msg=$("$TOOL" decode isup "$IAM" | jq -r .message)
[ "$msg" = "IAM" ] || { echo "FAIL: message $msg"; fail=1; }
echo '{"message":"REL","cic":5,"parameters":[{"name":"cause_indicators","location":1,"cause_value":17}]}' >/tmp/isup_tool_rel.$$
out=$("$TOOL" encode isup /tmp/isup_tool_rel.$$)
[ "$out" = "05000c0200028191" ] || { echo "FAIL: encode REL gave $out"; fail=1; }
echo '{"message":"REL","cic":5,"parameters":[]}' | "$TOOL" encode isup >/dev/null 2>&1
[ $? -eq 1 ] || { echo "FAIL: REL without cause must be refused"; fail=1; }
echo 'nonsense' | "$TOOL" encode isup >/dev/null 2>&1
[ $? -eq 1 ] || { echo "FAIL: non-JSON must be refused"; fail=1; }
rm -f /tmp/isup_tool.$$ /tmp/isup_tool_rel.$$
[ $fail -eq 0 ] && echo "isup tool: all checks passed"
exit $fail
