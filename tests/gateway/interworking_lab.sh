#!/usr/bin/env bash
# mgcd between real peers for the interworking of issue #7 that the unit tests play with fakes:
# pstn-sim (ISUP over M3UA/TCP), osmo-mgw (MGCP) and SIPp (plain SIP).
#   a) overlap + continuity check, PSTN -> SIP: each IAM asks for a continuity check on the
#      circuit and carries 3 digits, COT and a SAM with 3 more and ST follow; mgcd loops the
#      circuit's endpoint at osmo-mgw (CRCX mode loopback), removes the loop on COT (DLCX),
#      connects the call and sends one INVITE with all 6 digits (RFC 3578 §2); answered.
#   b) T35: an IAM with fewer digits than the trunk group's minimum and no SAM is released with
#      cause 28 (Q.764 §2.1.2, RFC 3578 §2.1); no INVITE.
#   c) SUS/RES, SIP -> PSTN: the called exchange suspends and resumes the answered call
#      (Q.764 §2.5); a plain SIP peer is not told (RFC 3398 §9.1); the call ends normally.
# Everything runs in a private network namespace (root: unshare -n), so no port is shared with
# anything else on the machine; without root, unshare, osmo-mgw or SIPp the test is skipped (77).
#   interworking_lab.sh MGCD PSTN_SIM
set -u
MGCD=$(readlink -f "$1") SIM=$(readlink -f "$2")
if [ -z "${MGC_IN_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v osmo-mgw >/dev/null &&
    command -v sipp >/dev/null && command -v ip >/dev/null || { echo "SKIP: needs root, unshare, ip, osmo-mgw, sipp"; exit 77; }
  exec unshare -n env MGC_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
W=$(mktemp -d /tmp/mgc-iwlab.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "logs in $W" || rm -rf "$W"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$W"/*.log; do echo "== $f"; tail -40 "$f"; done
  exit 1
}
cd "$W"

cat >mgw.cfg <<'EOF'
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging timestamp 0
 logging level set-all info
line vty
 bind 127.0.0.1
mgcp
 domain mgw
 bind ip 127.0.0.1
 bind port 2427
 rtp port-range 16002 16200
 rtp bind-ip 127.0.0.1
 number endpoints 64
EOF
cat >mgcd.cfg <<EOF
ss7
 point-code-format 3-8-3
 point-code 0.2.1
 variant itu
 network-indicator national
m3ua
 transport tcp
 role asp
 local-address 127.0.0.1
 local-port 2905
 remote-address 127.0.0.1
 remote-port 2906
 routing-context 100
 traffic-mode override
 route 0.2.2 priority 1
media-gateway osmo-mgw
 protocol mgcp
 address 127.0.0.1 2427
 domain mgw
trunk-group pstn-a
 dpc 0.2.2
 cic-range 1 31
 media-gateway osmo-mgw
 endpoint-rule rtpbridge/{nx}
 endpoint-framing linear
 hunting sequential
 overlap min-digits 4
sip
 listen udp 127.0.0.1 5060
 peer sipp-uas
  address 127.0.0.1 5070
  transport udp
  profile plain
  no trusted
 peer sipp-uac
  address 127.0.0.1 5071
  transport udp
  profile plain
  no trusted
route 2
 target sip-peer sipp-uas
 digits 6
route 1
 target trunk-group pstn-a
timers
 lab-timers
 isup t35 2000
cdr
 file $W/cdr.csv
EOF
sim_cfg() { # sim_cfg FILE  (then the rule/originate sections on stdin)
  { cat <<'EOF'
ss7
 point-code 0.2.2
 variant itu
 network-indicator national
m3ua
 transport tcp
 role sgp
 mode server
 local-address 127.0.0.1
 local-port 2906
 routing-context 100
circuits
 dpc 0.2.1
 cic-range 1 31
 hunting sequential
 reset-at-start
timers
 lab-timers
 isup t7 5000
EOF
    cat; } >"$1"
}
sim_cfg a.cfg <<'EOF'
originate
 called 234567
 called-nai national
 calling 4441000
 calling-nai national
 rate 2
 total 2
 hold 1000
 sam-digits 3
 continuity-check
 expect-cause 16
 start-delay 1000
EOF
sim_cfg b.cfg <<'EOF'
originate
 called 23
 called-nai national
 rate 1
 total 1
 expect-cause 28
 start-delay 1000
EOF
sim_cfg c.cfg <<'EOF'
rule default
 action answer
 suspend-after 300
 resume-after 300
EOF

osmo-mgw -c mgw.cfg >mgw.log 2>&1 &
PIDS+=($!)
sleep 0.5
"$MGCD" -c mgcd.cfg --vty-port 4260 >mgcd.log 2>&1 &
PIDS+=($!)
sleep 0.5
counter() { # the value of a call-control counter from mgcd's VTY
  python3 - "$1" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", 4260), timeout=5)
s.sendall(b"show call-control counters\r\n")
time.sleep(0.5)
data = s.recv(65536).decode(errors="replace")
for line in data.splitlines():
    f = line.split()
    if len(f) >= 2 and f[0].endswith(sys.argv[1]):
        print(f[-1]); break
else:
    print("missing")
EOF
}

# a) overlap + continuity check, PSTN -> SIP
sipp -sn uas -i 127.0.0.1 -p 5070 -nostdin -m 2 -trace_msg -message_file uas_msgs.log >uas.log 2>&1 &
UAS=$!
PIDS+=($UAS)
timeout 40 "$SIM" -c a.cfg --vty-port 0 --exit-when-done --log-isup --run-for 30000 >sim-a.log 2>&1 ||
  fail "a) pstn-sim exit $?"
wait $UAS || fail "a) SIPp UAS exit $?"
[ "$(grep -c '^INVITE sip:234567@' uas_msgs.log)" = 2 ] || fail "a) the INVITEs do not carry all 6 digits"
[ "$(grep -c 'Endpoint is in loopback mode' mgw.log)" = 2 ] || fail "a) no loopback CRCX per call"
[ "$(counter continuity_checks)" = 2 ] || fail "a) continuity_checks"
[ "$(counter overlap_sams_in)" = 2 ] || fail "a) overlap_sams_in"
grep -q 'calls.answered *2' sim-a.log || fail "a) not answered"

# b) T35 expiry: cause 28, no INVITE
timeout 40 "$SIM" -c b.cfg --vty-port 0 --exit-when-done --log-isup --run-for 20000 >sim-b.log 2>&1 ||
  fail "b) pstn-sim exit $?"
grep -q 'released.outgoing.cause.28 *1' sim-b.log || fail "b) no REL cause 28"

# c) SUS/RES on a call from SIP
"$SIM" -c c.cfg --vty-port 0 --log-isup --run-for 15000 >sim-c.log 2>&1 &
SIMC=$!
PIDS+=($SIMC)
sleep 2
timeout 30 sipp -sn uac 127.0.0.1:5060 -s 15551234 -i 127.0.0.1 -p 5071 -nostdin -m 1 -d 1500 \
  -trace_msg -message_file uac_msgs.log >uac.log 2>&1 || fail "c) SIPp UAC exit $?"
sleep 0.5
[ "$(counter suspends)" = 1 ] || fail "c) suspends"
[ "$(counter resumes)" = 1 ] || fail "c) resumes"
grep -q 'ISUP tx .* SUS' sim-c.log || fail "c) no SUS sent"
! grep -q '^INFO' uac_msgs.log || fail "c) a plain SIP peer got an INFO"
echo PASS
