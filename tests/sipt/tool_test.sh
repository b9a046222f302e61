#!/usr/bin/env bash
# mgc-tool decode sip: exit codes and the JSON it prints (RFC 4475 and SIP-T vectors).
set -euo pipefail
tool=$1
v=$(dirname "$0")/vectors
fail() { echo "FAIL: $*"; exit 1; }

# A SIP-T INVITE: exit 0, SDP parsed, ISUP IAM decoded.
out=$("$tool" decode sip "$v/messages/invite_sdp_isup.sip")
grep -q '"message": "IAM"' <<<"$out" || fail "IAM not decoded"
grep -q '"encoding": "PCMA"' <<<"$out" || fail "SDP not parsed"
grep -q '"version": "itu-t92+"' <<<"$out" || fail "ISUP version"

# Valid torture messages parse.
for f in wsinv esc01 longreq unreason noreason; do
  "$tool" decode sip "$v/rfc4475/$f.dat" > /dev/null || fail "$f refused"
done

# Refused: exit 1 and the response the gateway would send.
check() { # file expected-status
  set +e
  out=$("$tool" decode sip "$v/rfc4475/$1.dat" 2>/dev/null)
  rc=$?
  set -e
  [ "$rc" = 1 ] || fail "$1: exit $rc"
  grep -q "\"status\": $2" <<<"$out" || fail "$1: expected $2, got $out"
}
check badvers 505
check badinv01 400
check insuf 400
check unkscm 416
check bext01 420
check invut 415
check sdp01 406
check mpart01 405 # MESSAGE: well-formed, but a gateway takes no MESSAGE

# A malformed response is dropped.
set +e
out=$("$tool" decode sip "$v/rfc4475/bigcode.dat" 2>/dev/null); rc=$?
set -e
[ "$rc" = 1 ] && grep -q '"action": "drop"' <<<"$out" || fail "bigcode not dropped"

# Usage errors exit 2.
set +e
"$tool" decode sip > /dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "usage: exit $rc"
echo OK
