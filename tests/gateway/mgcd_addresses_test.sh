#!/usr/bin/env bash
# mgcd's media-side addresses in force (issue 13, item 1), against fake media gateways on
# loopback (fake_media_gateways.py), every port chosen at random:
#  - the MGCP call agent binds its configured address and port, one socket shared by both MGCP
#    gateways (RFC 3435 3.5): both get their audit (AUEP) from that port, and the one that answers
#    is in service while the silent one is unreachable, each with its own alarm;
#  - the H.248 MGC binds its configured address and port, UDP (and TCP for an MG on TCP), one
#    socket for both UDP MGs: both register (ServiceChange) from their own address and each gets
#    its reply, carrying the configured mId; an MG with another mId than configured is refused;
#  - an MGCP gateway on IPv6 gets its audit from the IPv6 local address it names;
#  - an RSIP forced for part of a gateway's endpoints (RFC 3435 2.1.2, 2.3.12) blocks the
#    circuits of those endpoints only.
set -u
MGCD=$1
HERE=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
base=$((20000 + RANDOM % 20000))
P_VTY=$base P_CA=$((base + 1)) P_MGC=$((base + 2)) P_M1=$((base + 3)) P_M2=$((base + 4))
P_H1=$((base + 5)) P_H2=$((base + 6)) P_H3=$((base + 7)) P_M6=$((base + 8))
P_S=$((base + 12)) P_S2=$((base + 13))
v6=0
ip -6 addr show lo 2>/dev/null | grep -q "::1/128" && v6=1

{ cat <<END
ss7
 point-code 0.2.1
m3ua
 transport tcp
 local-port $((base + 10))
 remote-address 127.0.0.1
 remote-port $((base + 11))
call-agent
 mgcp local-address 127.0.0.1 $P_CA
 h248 local-address 127.0.0.1 $P_MGC
 h248 mid <mgc.example.net>:$P_MGC
media-gateway m1
 protocol mgcp
 address 127.0.0.1 $P_M1
 domain m1
media-gateway m2
 protocol mgcp
 address 127.0.0.1 $P_M2
 domain m2
media-gateway h1
 protocol h248
 address 127.0.0.1 $P_H1
 transport udp
 encoding text
 version 1
media-gateway h2
 protocol h248
 address 127.0.0.1 $P_H2
 transport udp
 encoding text
 version 1
 mid [127.0.0.1]:$P_H2
media-gateway h3
 protocol h248
 address 127.0.0.1 $P_H3
 transport udp
 encoding text
 version 1
 mid <not-h3.example.net>
media-gateway h4
 protocol h248
 address 127.0.0.2 $P_H1
 transport tcp
 encoding text
 version 1
END
  if [ $v6 -eq 1 ]; then
    printf 'media-gateway m6\n protocol mgcp\n address ::1 %d\n domain m6\n local-address ::1 0\n' "$P_M6"
  fi
  for g in m1 m2 h1 h2; do
    printf 'trunk-group tg-%s\n dpc 0.2.2\n cic-range %d %d\n media-gateway %s\n' "$g" \
      $(case $g in m1) echo 1 5;; m2) echo 6 10;; h1) echo 11 15;; h2) echo 16 20;; esac) "$g"
  done
  # SIP on several listeners (RFC 3261 18), IPv6 too
  printf 'sip\n listen udp 127.0.0.1 %d\n listen tcp 127.0.0.1 %d\n' "$P_S" "$P_S"
  [ $v6 -eq 1 ] && printf ' listen udp ::1 %d\n' "$P_S"
  printf 'timers\n mgcp max-retransmissions 1\n'; } > "$tmp/mgcd.cfg"

# the config reads, validates and is written back as read
"$MGCD" -c "$tmp/mgcd.cfg" --write-config "$tmp/w.cfg" >"$tmp/check.out" 2>&1 ||
  bad "config refused: $(cat "$tmp/check.out")"
norm() { grep -v '^ *!' "$1" | grep -v -e '^line vty' -e '^ no login' -e '^sip$' -e '^cdr$' \
         -e '^timers$' -e '^ endpoint-' -e '^ hunting' -e '^ point-code-format' -e '^ variant' \
         -e '^ network-indicator' -e '^ role' -e '^ traffic-mode' -e '^ local-port' |
         sed 's/[[:space:]]*$//' | grep -v '^$'; }
diff <(norm "$tmp/mgcd.cfg" | grep -v 'max-retransmissions\|^ local-port') \
     <(norm "$tmp/w.cfg" | grep -v 'max-retransmissions\|^ local-port') > "$tmp/diff" ||
  bad "written config differs: $(cat "$tmp/diff")"

# the MGCP gateways listen before mgcd audits them at start
args=(mgcp m1 127.0.0.1 "$P_M1" answer mgcp m2 127.0.0.1 "$P_M2" silent rsip m1 0.5 'ds/e1-1/[2-3]@m1' forced)
[ $v6 -eq 1 ] && args+=(mgcp m6 ::1 "$P_M6" answer)
python3 "$HERE/fake_media_gateways.py" "$tmp/peers.log" "${args[@]}" 2>"$tmp/mgcp.err" & pids+=($!)
for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$P_M2 " && break; sleep 0.1; done
"$MGCD" -c "$tmp/mgcd.cfg" --vty-port "$P_VTY" >"$tmp/run.out" 2>&1 & pids+=($!)
for _ in $(seq 50); do grep -q "running, VTY" "$tmp/run.out" && break; sleep 0.1; done
grep -q "running, VTY" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out")"
# the H.248 MGs register once mgcd listens: h1 and h2 from their own addresses, h3 with an mId
# other than its configured one
python3 "$HERE/fake_media_gateways.py" "$tmp/peers.log" h248 h1 127.0.0.1 "$P_H1" 127.0.0.1 "$P_MGC" \
  h248 h2 127.0.0.1 "$P_H2" 127.0.0.1 "$P_MGC" h248 h3 127.0.0.1 "$P_H3" 127.0.0.1 "$P_MGC" \
  2>"$tmp/h248.err" & pids+=($!)
sleep 2.5 # AUEP, one retransmission toward the silent gateway, then it is given up

# sockets: one UDP socket for the call agent, one UDP and one TCP for the MGC
n_ca=$(ss -lunp | grep -c "127.0.0.1:$P_CA .*mgcd")
[ "$n_ca" -eq 1 ] || bad "expected one call-agent socket on 127.0.0.1:$P_CA, found $n_ca"
ss -lunp | grep -q "127.0.0.1:$P_MGC .*mgcd" || bad "no H.248 UDP socket on 127.0.0.1:$P_MGC"
ss -ltnp | grep -q "127.0.0.1:$P_MGC .*mgcd" || bad "no H.248 TCP listener on 127.0.0.1:$P_MGC"
[ "$(ss -lunp | grep -c "127.0.0.1:$P_MGC .*mgcd")" -eq 1 ] || bad "more than one H.248 UDP socket"

# MGCP: both gateways audited from the call agent's port
grep -qE "^m1 127.0.0.1 $P_CA AUEP " "$tmp/peers.log" || bad "m1 not audited from :$P_CA: $(cat "$tmp/peers.log")"
grep -qE "^m2 127.0.0.1 $P_CA AUEP " "$tmp/peers.log" || bad "m2 not audited from :$P_CA"
if [ $v6 -eq 1 ]; then
  grep -qE "^m6 ::1 [0-9]+ AUEP " "$tmp/peers.log" || bad "m6 not audited over IPv6: $(cat "$tmp/peers.log")"
fi
# H.248: h1 and h2 each got the reply to their registration, with our configured mId
grep -qE "^h1 127.0.0.1 $P_MGC (MEGACO|!)/1 <mgc.example.net>:$P_MGC" "$tmp/peers.log" ||
  bad "h1 got no reply from :$P_MGC with our mId: $(grep '^h' "$tmp/peers.log")"
grep -qE "^h2 127.0.0.1 $P_MGC (MEGACO|!)/1 <mgc.example.net>:$P_MGC" "$tmp/peers.log" ||
  bad "h2 got no reply from :$P_MGC with our mId"

{ for c in enable "show peers" "show alarms" "show counters" "show circuits tg-m1"; do sleep 0.3; printf '%s\r\n' "$c"; done
  sleep 0.5; printf 'exit\r\n'; } | timeout 10 nc -q 1 127.0.0.1 "$P_VTY" | tr -d '\r' > "$tmp/vty.out"
grep -aqE "^media-gateway m1: mgcp 127.0.0.1:$P_M1, reachable" "$tmp/vty.out" ||
  bad "m1 not reachable: $(grep -a '^media-gateway' "$tmp/vty.out")"
grep -aqE "^media-gateway m2: mgcp 127.0.0.1:$P_M2, unreachable" "$tmp/vty.out" || bad "m2 not unreachable"
grep -aqE "^media-gateway h1: h248 127.0.0.1:$P_H1, reachable \(in-service\)" "$tmp/vty.out" || bad "h1 not in service"
grep -aqE "^media-gateway h2: h248 127.0.0.1:$P_H2, reachable \(in-service\)" "$tmp/vty.out" || bad "h2 not in service"
grep -aqE "^media-gateway h3: h248 127.0.0.1:$P_H3, unreachable" "$tmp/vty.out" || bad "h3 (wrong mId) registered"
grep -aqE "^media-gateway h4: h248 tcp 127.0.0.2:$P_H1, unreachable" "$tmp/vty.out" || bad "h4 (tcp) not shown"
if [ $v6 -eq 1 ]; then
  grep -aqE "^media-gateway m6: mgcp \[::1\]:$P_M6, reachable" "$tmp/vty.out" || bad "m6 (IPv6) not reachable"
fi
grep -aqE "^h248.h3.call_agent.mid_mismatch +1$" "$tmp/vty.out" || bad "h3's mId mismatch not counted"
# one gateway down raises its alarm only
grep -aq "media-gateway.m2.unreachable" "$tmp/vty.out" || bad "no alarm for m2"
grep -aqE "media-gateway\.(m1|h1|h2|m6)\.unreachable" "$tmp/vty.out" && bad "an alarm for a gateway that is up"

# SIP listeners: each bound as configured; one added and one removed live; an OPTIONS is answered
# from the listener it reached (RFC 3261 18.2.2)
ss -lunp | grep -q "127.0.0.1:$P_S .*mgcd" || bad "no SIP UDP socket on 127.0.0.1:$P_S"
ss -ltnp | grep -q "127.0.0.1:$P_S .*mgcd" || bad "no SIP TCP listener on 127.0.0.1:$P_S"
options() { # host port: sends an OPTIONS from an ephemeral port, prints "FROM-HOST FROM-PORT FIRST-LINE"
  python3 - "$1" "$2" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((host, 0))
s.settimeout(3)
ref = "[%s]" % host if ":" in host else host
me = s.getsockname()[1]
s.sendto(("OPTIONS sip:mgcd@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK-o%d;rport\r\n"
          "Max-Forwards: 70\r\nFrom: <sip:t@%s>;tag=1\r\nTo: <sip:mgcd@%s>\r\nCall-ID: o%d\r\n"
          "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (ref, port, ref, me, me, ref, ref, me)).encode(),
         (host, port))
try:
    data, src = s.recvfrom(65535)
    print(src[0], src[1], data.decode(errors="replace").splitlines()[0])
except socket.timeout:
    print("no answer")
PY
}
[ "$(options 127.0.0.1 "$P_S")" = "127.0.0.1 $P_S SIP/2.0 200 OK" ] || bad "OPTIONS over IPv4: $(options 127.0.0.1 "$P_S")"
if [ $v6 -eq 1 ]; then
  [ "$(options ::1 "$P_S")" = "::1 $P_S SIP/2.0 200 OK" ] || bad "OPTIONS over IPv6: $(options ::1 "$P_S")"
fi
{ for c in enable "show sip listeners" "configure terminal" "sip" "listen udp 127.0.0.2 $P_S2" \
           "no listen tcp 127.0.0.1 $P_S" "end" "show sip listeners" "show running-config"; do
    sleep 0.3; printf '%s\r\n' "$c"; done
  sleep 0.5; printf 'exit\r\n'; } | timeout 10 nc -q 1 127.0.0.1 "$P_VTY" | tr -d '\r' > "$tmp/sip.out"
grep -aq "^sip listen udp 127.0.0.1 $P_S: bound to 127.0.0.1:$P_S$" "$tmp/sip.out" ||
  bad "show sip listeners: $(grep -a '^sip listen' "$tmp/sip.out")"
if [ $v6 -eq 1 ]; then
  grep -aq "^sip listen udp ::1 $P_S: bound to \[::1\]:$P_S$" "$tmp/sip.out" || bad "show sip listeners lacks ::1"
fi
grep -aq "% sip: listening on udp 127.0.0.2 $P_S2" "$tmp/sip.out" || bad "live listen not applied: $(grep -a '^%' "$tmp/sip.out")"
grep -aq "% sip: no longer listening on tcp 127.0.0.1 $P_S" "$tmp/sip.out" || bad "live no listen not applied"
grep -aq "^sip listen udp 127.0.0.2 $P_S2: bound to 127.0.0.2:$P_S2$" "$tmp/sip.out" || bad "the new listener is not shown"
grep -aq "^ listen udp 127.0.0.2 $P_S2$" "$tmp/sip.out" || bad "running-config lacks the new listener"
grep -aq "^ listen tcp 127.0.0.1 $P_S$" "$tmp/sip.out" && bad "running-config keeps the removed listener"
ss -ltnp | grep -q "127.0.0.1:$P_S .*mgcd" && bad "the removed TCP listener still listens"
[ "$(options 127.0.0.2 "$P_S2")" = "127.0.0.2 $P_S2 SIP/2.0 200 OK" ] || bad "OPTIONS to the new listener: $(options 127.0.0.2 "$P_S2")"

# m1's RSIP forced for ds/e1-1/[2-3]: CICs 2 and 3 blocked for hardware, 1, 4 and 5 not
grep -q "m1 sent RSIP" "$tmp/peers.log" || bad "m1 sent no RSIP: $(cat "$tmp/peers.log")"
for cic in 2 3; do
  grep -aqE "cic +$cic +idle.*local-hardware" "$tmp/vty.out" || bad "CIC $cic of ds/e1-1/[2-3] not hardware-blocked"
done
for cic in 1 4 5; do
  grep -aqE "cic +$cic +.*local-hardware" "$tmp/vty.out" && bad "CIC $cic outside the RSIP's endpoints blocked"
done
grep -aq "media-gateway.m1.endpoints.ds/e1-1/\[2-3\]@m1" "$tmp/vty.out" || bad "no alarm for m1's endpoints"
grep -aqE "^mgcp.m1.call_agent.endpoints_out_of_service +1$" "$tmp/vty.out" ||
  bad "endpoints_out_of_service not counted: $(grep -a 'endpoints_' "$tmp/vty.out")"

[ $fail -eq 0 ] && echo "mgcd addresses: all checks passed"
exit $fail
