#!/usr/bin/env bash
# mgc-tool decode/encode m3ua: every valid vector goes through JSON and back byte for byte (exit
# 0); every invalid vector exits 1 naming its RFC 4666 error code; bad usage exits 2.
set -u
TOOL=$1; V=$2; fail=0
for f in "$V"/rfc4666/*.hex "$V"/isup_cap/*.hex "$V"/bicc_pcap/*.hex; do
  hex=$(tr -d '\n' < "$f")
  out=$("$TOOL" decode m3ua "$hex" | "$TOOL" encode m3ua) || { echo "FAIL round trip $f"; fail=1; continue; }
  [ "$out" = "$hex" ] || { echo "FAIL bytes differ $f: $out"; fail=1; }
done
while IFS=$'\t' read -r name code; do
  case "$name" in '#'*|'') continue;; esac
  err=$("$TOOL" decode m3ua "$(tr -d '\n' < "$V/invalid/$name.hex")" 2>&1 >/dev/null); rc=$?
  [ $rc -eq 1 ] || { echo "FAIL $name exit $rc"; fail=1; }
  echo "$err" | grep -q "error code $code" || { echo "FAIL $name: $err (want $code)"; fail=1; }
done < "$V/invalid/MANIFEST.tsv"
"$TOOL" decode m3ua nothex >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL usage exit"; fail=1; }
echo '{"type":"NOPE"}' | "$TOOL" encode m3ua >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL encode usage"; fail=1; }
# With the ISUP layer in the build, DATA payloads with SI=5 are shown as ISUP too.
if "$TOOL" 2>&1 | grep -q "decode isup"; then
  for m in 1_iam:IAM 3_acm:ACM 5_rel:REL 6_rlc:RLC; do
    out=$("$TOOL" decode m3ua "$(tr -d '\n' < "$V/isup_cap/${m%%:*}.hex")")
    echo "$out" | grep -q "\"message\": \"${m##*:}\"" || { echo "FAIL no ISUP ${m##*:} in DATA"; fail=1; }
  done
fi
exit $fail
