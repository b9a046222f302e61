#!/usr/bin/env bash
# mgcd's configuration: the lab config reads, validates and is written back as it was read
# (show running-config / write); bad configs stop mgcd with a clear message; the telnet VTY on
# 127.0.0.1 shows the running config and the circuits.
set -u
MGCD=$1
CONFIG_DIR=$2
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
fail=0
bad() { echo "FAIL: $*"; fail=1; }
normalize() { grep -v '^ *!' "$1" | grep -v -e '^line vty' -e '^ no login' | sed 's/[[:space:]]*$//' | grep -v '^$'; }

# 1. the lab config is valid and is written back line for line
"$MGCD" -c "$CONFIG_DIR/lab.cfg" --check >"$tmp/check.out" 2>&1 || bad "lab.cfg --check: $(cat "$tmp/check.out")"
grep -q "31 circuits" "$tmp/check.out" || bad "lab.cfg: expected 31 circuits: $(cat "$tmp/check.out")"
"$MGCD" -c "$CONFIG_DIR/lab.cfg" --write-config "$tmp/w1.cfg" || bad "write-config failed"
diff <(normalize "$CONFIG_DIR/lab.cfg") <(normalize "$tmp/w1.cfg") >"$tmp/diff" || bad "written config differs from what was read: $(cat "$tmp/diff")"
"$MGCD" -c "$tmp/w1.cfg" --write-config "$tmp/w2.cfg" || bad "written config does not read back"
diff "$tmp/w1.cfg" "$tmp/w2.cfg" >/dev/null || bad "write is not idempotent"

# 1b. every command beyond the lab config (glare, the other layers' timers) reads and is written
# back as it was read; defaults are not written
cat > "$tmp/all.cfg" <<'END'
telnet
 bind ::1 14260
 allow 127.0.0.0/8
 allow ::1
ss7
 point-code-format 3-8-3
 point-code 0.2.1
 variant itu
 network-indicator national
m3ua
 transport tcp
 role asp
 local-port 12905
 remote-address 127.0.0.1
 remote-port 12906
 routing-context 7
 traffic-mode override
 route 0.2.2 priority 1
call-agent
 mgcp local-address ::1 12727
 h248 local-address 127.0.0.1 12944
 h248 mid <mgc.example.net>:12944
media-gateway mg1
 protocol h248
 address 127.0.0.1 12945
 transport tcp
 encoding binary
 version 2
 mid [127.0.0.1]:12945
 local-address 127.0.0.1 12946
 keepalive interval 0 failures 3
media-gateway mg2
 protocol mgcp
 address ::1 12427
 domain mgw2
 keepalive interval 2500 failures 4
trunk-group a
 dpc 0.2.2
 cic-range 1 31
 media-gateway mg1
 endpoint-rule ds/{span}/{ts}
 endpoint-framing e1
 hunting round-robin
 glare odd
trunk-group b
 dpc 0.2.3
 cic-range 1 31
 media-gateway mg1
 endpoint-rule ds/{span}/{ts}
 endpoint-framing e1
 hunting least-recently-used
 glare none
 busy-out-on-peer-down p
sip
 listen udp 127.0.0.1 15060
 udp-buffers receive 8388608 send 0
 session-timer interval 1800 min-se 120 refresher remote
 peer p
  address 127.0.0.1 15070
  transport udp
  profile sip-t
  trusted
  acl 127.0.0.2
  session-timer interval 600 min-se 90 refresher local
  keepalive interval 5000 failures 3
route 1
 strip 1
 prepend 49
 target trunk-group a
 target trunk-group b
route default
 target sip-peer p
timers
 isup t7 30000
 sip t1 250
 sip t2 8000
 sip t4 4000
 mgcp rto-initial 300
 mgcp rto-min 50
 mgcp rto-max 6000
 mgcp longtran 6000
 mgcp t-max 30000
 mgcp t-hist 40000
 mgcp final-wait 80000
 mgcp max-retransmissions 3
 h248 initial-retransmit 100
 h248 max-retransmit 2000
 h248 t-max 20000
 h248 long-timer 40000
 h248 pending-timer 20000
 h248 max-pendings 4
 m3ua ack 1000
 m3ua recovery 3000
 m3ua beat 30000
 m3ua audit 20000
overload
 no measure loop-lag
 measure calls-in-setup onset 3000 6000 9000 abatement 2000 4000 8000
 measure cpu onset 80 90 95 abatement 60 70 80
 refuse level 1 10
 refuse in-setup-over 400
 refuse queued-over 200
 retry-after level 3 30
cdr
metrics
 bind ::1 19464
END
"$MGCD" -c "$tmp/all.cfg" --check >"$tmp/all.out" 2>&1 || bad "all.cfg --check: $(cat "$tmp/all.out")"
"$MGCD" -c "$tmp/all.cfg" --write-config "$tmp/all_w.cfg" || bad "all.cfg: write-config failed"
diff <(normalize "$tmp/all.cfg") <(normalize "$tmp/all_w.cfg") >"$tmp/diff" ||
  bad "all.cfg written back differs: $(cat "$tmp/diff")"
sed -e "s/^ glare .*/ glare point-code/" -e "s/^ sip t1 .*/ sip t1 500/" -e "s/^ m3ua beat .*/ m3ua beat 0/" \
  -e "s/^ udp-buffers .*/ udp-buffers receive 4194304 send 4194304/" \
  -e "/^metrics$/,/^ bind /d" \
  "$tmp/all.cfg" > "$tmp/defaults.cfg"
"$MGCD" -c "$tmp/defaults.cfg" --write-config "$tmp/defaults_w.cfg" || bad "defaults.cfg: write-config failed"
grep -qE "sip t1|m3ua beat|glare|udp-buffers|^metrics" "$tmp/defaults_w.cfg" && bad "defaults are written: $(cat "$tmp/defaults_w.cfg")"

# 2. bad configs: mgcd does not start, and says why
expect_refused() { # name expected-stderr-text config-lines...
  local name=$1 want=$2; shift 2
  printf '%s\n' "$@" > "$tmp/$name.cfg"
  if "$MGCD" -c "$tmp/$name.cfg" --check >"$tmp/$name.out" 2>&1; then
    bad "$name: accepted"
  elif ! grep -q -- "$want" "$tmp/$name.out"; then
    bad "$name: message lacks '$want': $(cat "$tmp/$name.out")"
  fi
}
expect_refused typo "poin-code 0.2.1" "ss7" " poin-code 0.2.1"
expect_refused no_point_code "no point-code configured" "ss7" " variant itu"
expect_refused bad_point_code "invalid point code" "ss7" " point-code 9.999.9"
expect_refused reversed_range "above last CIC" "ss7" " point-code 0.2.1" "trunk-group a" " cic-range 10 5"
expect_refused overlap "overlap" "ss7" " point-code 0.2.1" "trunk-group a" " cic-range 1 10" " cic-range 5 12"
expect_refused unknown_mgw "media-gateway nowhere is not configured" "ss7" " point-code 0.2.1" \
  "m3ua" " remote-address 127.0.0.1" "trunk-group a" " dpc 0.2.2" " cic-range 1 3" " media-gateway nowhere"
expect_refused unknown_target "trunk-group ghost is not configured" "ss7" " point-code 0.2.1" \
  "route 1" " target trunk-group ghost"
expect_refused busy_out_unknown_peer "busy-out-on-peer-down ghost is no configured sip peer" "ss7" \
  " point-code 0.2.1" "trunk-group a" " cic-range 1 3" " busy-out-on-peer-down ghost"
expect_refused timer_range "must be within" "ss7" " point-code 0.2.1" "timers" " isup t7 1000"
expect_refused bad_placeholder "unknown placeholder" "ss7" " point-code 0.2.1" "trunk-group a" " endpoint-rule ds/{foo}"
expect_refused tls_without_cert "needs tls certificate" "ss7" " point-code 0.2.1" "sip" " listen tls 127.0.0.1 5061"
# the line of the first bad command is named; out-of-range values of every layer's timers are refused
expect_refused line_number "error on line 4" "ss7" " point-code 0.2.1" "timers" " isup t7 1000"
expect_refused line_unknown "line_unknown.cfg:5: not started" "! a comment" "ss7" " point-code 0.2.1" "sip" " peer-typo x"
expect_refused sip_t1_range "sip t1 must be within 50..10000 ms" "ss7" " point-code 0.2.1" "timers" " sip t1 10"
expect_refused sip_t2_range "sip t2 must be within" "ss7" " point-code 0.2.1" "timers" " sip t2 100000"
expect_refused mgcp_range "mgcp rto-initial must be within" "ss7" " point-code 0.2.1" "timers" " mgcp rto-initial 0"
expect_refused mgcp_retries "mgcp max-retransmissions must be within 0..50" "ss7" " point-code 0.2.1" "timers" \
  " mgcp max-retransmissions 51"
expect_refused h248_range "h248 max-pendings must be within 1..100" "ss7" " point-code 0.2.1" "timers" " h248 max-pendings 0"
expect_refused m3ua_range "m3ua ack must be within" "ss7" " point-code 0.2.1" "timers" " m3ua ack 5"
expect_refused sip_t2_below_t1 "sip t1 (2000 ms) is above sip t2 (1000 ms)" "ss7" " point-code 0.2.1" "timers" \
  " sip t1 2000" " sip t2 1000"
expect_refused mgcp_bounds "mgcp rto-min (500 ms) is above mgcp rto-initial" "ss7" " point-code 0.2.1" "timers" \
  " mgcp rto-min 500"
expect_refused h248_bounds "h248 max-retransmit (40000 ms) is above h248 t-max" "ss7" " point-code 0.2.1" "timers" \
  " h248 max-retransmit 40000" " h248 t-max 30000"
# the timer commands are built from the tables: every ISUP timer has one (T10 and T27 too), its
# range is checked, and a name no table has is refused by name, not by a crash
expect_refused t10_range "T10 must be within 4000..6000 ms" "ss7" " point-code 0.2.1" "timers" " isup t10 1000"
expect_refused t27_range "T27 must be within 180000..600000 ms" "ss7" " point-code 0.2.1" "timers" " isup t27 1000"
expect_refused isup_unknown "unknown timer t99" "ss7" " point-code 0.2.1" "timers" " isup t99 1000"
expect_refused layer_unknown "unknown timer t3" "ss7" " point-code 0.2.1" "timers" " sip t3 1000"
expect_refused m3ua_unknown "unknown timer heartbeat" "ss7" " point-code 0.2.1" "timers" " m3ua heartbeat 1000"
# overload thresholds that could not form levels, shares that fall as the level rises
expect_refused ovl_onsets "onsets must rise with the level" "ss7" " point-code 0.2.1" "overload" \
  " measure cpu onset 90 80 95 abatement 50 60 70"
expect_refused ovl_abate "onsets must rise with the level" "ss7" " point-code 0.2.1" "overload" \
  " measure cpu onset 80 90 95 abatement 80 60 70"
expect_refused ovl_shares "must not fall as the level rises" "ss7" " point-code 0.2.1" "overload" \
  " refuse level 2 10"
expect_refused bad_glare "There is no such command" "ss7" " point-code 0.2.1" "trunk-group a" " glare sometimes"
# addresses (issue 13): what no socket could use is refused before anything starts
expect_refused m3ua_v6_sctp "the SCTP transports take IPv4 addresses only" "ss7" " point-code 0.2.1" \
  "m3ua" " transport usrsctp-udp" " remote-address ::1"
expect_refused mgw_family "are not of one IP version" "ss7" " point-code 0.2.1" \
  "media-gateway g" " protocol mgcp" " address ::1 2427"
expect_refused mgcp_tcp "transport tcp is for H.248" "ss7" " point-code 0.2.1" \
  "media-gateway g" " protocol mgcp" " transport tcp"
expect_refused bad_mid "is no H.248 mId" "ss7" " point-code 0.2.1" "media-gateway g" " protocol h248" " mid [not-an-ip]"
expect_refused bad_own_mid "call-agent: h248 mid" "ss7" " point-code 0.2.1" "call-agent" " h248 mid [300.1.1.1]:2944"
expect_refused same_peer "another media gateway of its protocol is at 127.0.0.1 2427" "ss7" " point-code 0.2.1" \
  "media-gateway g1" " protocol mgcp" " address 127.0.0.1 2427" "media-gateway g2" " protocol mgcp" \
  " address 127.0.0.1 2427"
# IPv6 where a layer takes it: M3UA over TCP, a media gateway with an IPv6 local address
printf '%s\n' ss7 " point-code 0.2.1" m3ua " transport tcp" " local-address ::1" " remote-address ::1" \
  call-agent " mgcp local-address ::1 2727" "media-gateway g" " protocol mgcp" " address ::1 2427" \
  > "$tmp/v6.cfg"
"$MGCD" -c "$tmp/v6.cfg" --check >"$tmp/v6.out" 2>&1 || bad "IPv6 M3UA/TCP and MGCP refused: $(cat "$tmp/v6.out")"
# SIP: several listeners per transport and address, IPv6 too; a peer on IPv6
printf '%s\n' ss7 " point-code 0.2.1" sip " listen udp 127.0.0.1 5060" " listen tcp 127.0.0.2 5060" \
  " listen udp ::1 5060" " listen udp 127.0.0.1 5062" " listen udp 127.0.0.1 5060" \
  " peer v6" "  address 2001:db8::40 5060" \
  "  acl 2001:db8::41" > "$tmp/sip6.cfg"
"$MGCD" -c "$tmp/sip6.cfg" --write-config "$tmp/sip6_w.cfg" >"$tmp/sip6.out" 2>&1 ||
  bad "several SIP listeners refused: $(cat "$tmp/sip6.out")"
for l in "udp 127.0.0.1 5060" "tcp 127.0.0.2 5060" "udp ::1 5060" "udp 127.0.0.1 5062"; do
  grep -q "^ listen $l$" "$tmp/sip6_w.cfg" || bad "listen $l not written back"
done
grep -q "^  address 2001:db8::40 5060$" "$tmp/sip6_w.cfg" || bad "an IPv6 SIP peer address not written back"
# the same listener given twice is one listener
[ "$(grep -c "^ listen udp 127.0.0.1 5060$" "$tmp/sip6_w.cfg")" = 1 ] || bad "a listener given twice is written twice"
# a config that cannot be read at all
"$MGCD" -c "$tmp/does-not-exist.cfg" --check >"$tmp/missing.out" 2>&1 && bad "a missing config was accepted"
grep -q "cannot read it" "$tmp/missing.out" || bad "missing config: $(cat "$tmp/missing.out")"

# 3. the telnet VTY, on loopback only
port=$((20000 + RANDOM % 20000))
# the lab config on ports nobody else uses in a parallel test run (SIP, M3UA over TCP)
# (the media gateway on a port where nothing answers: its audit is given up after one
# retransmission; trunk group pstn-a controls the odd CICs by agreement)
sed -e "s/ 5060$/ $((port + 1))/" -e "s/transport usrsctp-udp/transport tcp/" \
    -e "s/remote-port 2906/remote-port $((port + 2))/" -e "s/local-port 2905/local-port $((port + 3))/" \
    -e "s/address 127.0.0.1 2427/address 127.0.0.1 $((port + 4))/" \
    -e "s/mgcp local-address 127.0.0.1 2727/mgcp local-address 127.0.0.1 0/" \
    -e "s/^ hunting sequential/ hunting sequential\n glare odd/" \
    -e "s/^ isup t9 10000/ isup t9 10000\n sip t1 400\n mgcp max-retransmissions 1/" \
    "$CONFIG_DIR/lab.cfg" > "$tmp/run.cfg"
"$MGCD" -c "$tmp/run.cfg" --vty-port "$port" >"$tmp/run.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q running "$tmp/run.out" && break; sleep 0.1; done
grep -q "running, VTY on 127.0.0.1:$port" "$tmp/run.out" || bad "mgcd did not start: $(cat "$tmp/run.out")"
ss -ltn | grep -q "127.0.0.1:$port " || bad "VTY not bound to 127.0.0.1:$port"
# (the VTY drops what arrives during telnet option negotiation: pace the commands)
sleep 1 # the AUEP goes unanswered: RTO 200 ms, one retransmission, then the gateway is given up
{ for cmd in enable "show running-config" "block trunk-group pstn-a cic 5" "show circuits pstn-a" \
             "show isup timers" "block trunk-group nowhere cic 5" "show peers" "show timers" \
             "show mgcp counters" "show counters" "show circuits pstn-a" "configure terminal" \
             "timers" "sip t1 5" \
             "sip t2 6000" "isup t10 5500" "isup t27 200000" "isup t99 1000" "h248 t-min 5" \
             "mgcp rto-initial 300" "h248 t-max 20000" "m3ua beat 5000" "end" "show timers" \
             "configure terminal" "overload" "refuse level 1 40" "retry-after level 1 3" \
             "measure calls-in-setup onset 10 20 30 abatement 5 10 15" \
             "measure cpu onset 30 20 10 abatement 1 1 1" "end" "show overload" \
             "show running-config" "write file" exit; do
    sleep 0.3; printf '%s\r\n' "$cmd"; done; sleep 0.5; } |
  timeout 20 nc -q 2 127.0.0.1 "$port" | tr -d '\r' >"$tmp/vty.out" 2>&1
grep -q "trunk-group pstn-a" "$tmp/vty.out" || bad "show running-config lacks the trunk group"
grep -q "15 circuits: 15 idle" "$tmp/vty.out" || bad "show circuits: $(grep trunk-group "$tmp/vty.out")"
grep -qE "cic +5 +idle.*local-maintenance" "$tmp/vty.out" || bad "block did not mark CIC 5 locally blocked"
grep -q "no such trunk-group" "$tmp/vty.out" || bad "block on an unknown trunk group was not refused"
grep -qE "^T9 +10000 ms" "$tmp/vty.out" || bad "show isup timers lacks T9 10000 ms"
grep -aqE "cic +3 +idle +\(controls glare\)" "$tmp/vty.out" || bad "glare odd: CIC 3 not controlled"
grep -aqE "cic +4 +idle( +local-hardware)? *$" "$tmp/vty.out" || bad "glare odd: CIC 4 controlled"
# the media gateway given up (shown by then: the second show circuits comes after show peers
# says it is disconnected): its circuits are blocked for hardware failure (issue 13)
grep -aqE "cic +4 +idle +local-hardware *$" "$tmp/vty.out" || bad "CIC 4 of the unreachable gateway not hardware-blocked"
# show peers: both SIP peers with their settings and counts, the media gateway, the M3UA peer
grep -aqE "^sip peer sipp: 127.0.0.1:5070 UDP, profile sip-t, trusted, acl 127.0.0.1$" "$tmp/vty.out" ||
  bad "show peers: sipp: $(grep -a 'sip peer' "$tmp/vty.out")"
grep -aqE "^sip peer baresip: 127.0.0.1:5064 UDP, profile plain, untrusted" "$tmp/vty.out" || bad "show peers: baresip"
grep -aqE "^  calls in progress 0, INVITEs sent 0, received 0, failures 0, last response none$" "$tmp/vty.out" ||
  bad "show peers: SIP peer counts"
grep -aqE "^media-gateway osmo-mgw: mgcp 127.0.0.1:$((port + 4)), unreachable \(disconnected\), transactions outstanding [0-9]+" \
  "$tmp/vty.out" || bad "show peers: media gateway: $(grep -a '^media-gateway' "$tmp/vty.out")"
grep -aqE "^m3ua asp tcp to 127.0.0.1:$((port + 2)), ASP ASP-DOWN, AS AS-DOWN, dpc 0.2.2 unavailable$" "$tmp/vty.out" ||
  bad "show peers: m3ua: $(grep -a '^m3ua' "$tmp/vty.out")"
# show timers: the configured values in force, and what SIP derives from T1
grep -aqE "^sip t1 +400 ms" "$tmp/vty.out" || bad "show timers lacks sip t1 400"
grep -aqE "^sip timer-b/f/h/j \(64\*T1\) +25600 ms" "$tmp/vty.out" || bad "show timers: Timer B is not 64*T1"
grep -aqE "^mgcp max-retransmissions +1 " "$tmp/vty.out" || bad "show timers lacks mgcp max-retransmissions 1"
grep -aqE "^m3ua ack +2000 ms" "$tmp/vty.out" || bad "show timers lacks m3ua ack"
grep -aqE "^isup t9 +10000 ms" "$tmp/vty.out" || bad "show timers lacks isup t9"
# counters: the MGCP knob reached the call agent (one retransmission, then given up)
grep -aqE "^mgcp.osmo-mgw.transactions.retransmissions +1$" "$tmp/vty.out" ||
  bad "mgcp retransmissions: $(grep -a 'transactions.retransmissions' "$tmp/vty.out")"
grep -aqE "^mgcp.osmo-mgw.transactions.gave_up +1$" "$tmp/vty.out" || bad "mgcp counters lack gave_up 1"
for g in sip.transport sip.parse sip.transactions sip.ua m3ua.node m3ua.transport isup.decode call-control; do
  grep -aqE "^$g\.[a-z_.0-9]+ +[0-9]+$" "$tmp/vty.out" || bad "show counters lacks $g"
done
# a live change out of range is refused; write saves the running config to the file read
grep -aq "% sip t1 must be within 50..10000 ms" "$tmp/vty.out" || bad "live sip t1 5 was not refused"
grep -aq "Configuration saved to $tmp/run.cfg" "$tmp/vty.out" || bad "write file: $(grep -a -i saved "$tmp/vty.out")"
grep -q "^ sip t2 6000$" "$tmp/run.cfg" || bad "write file did not save the live change"
grep -aq "% sip timers: T1 400 ms, T2 6000 ms, T4 5000 ms for every timer started from now on" "$tmp/vty.out" ||
  bad "live sip t2 6000 was not applied: $(grep -a 'sip timers\|m3ua timers' "$tmp/vty.out")"
# the MGCP, H.248 and M3UA timers apply live too (issue 13), shown and written as in force
grep -aq "% mgcp timers: rto-initial 300 ms, rto-min 100 ms, .* for every timer started from now on" "$tmp/vty.out" ||
  bad "live mgcp rto-initial 300 was not applied: $(grep -a 'timers' "$tmp/vty.out")"
grep -aq "% h248 timers: .*t-max 20000 ms.* for every timer started from now on" "$tmp/vty.out" ||
  bad "live h248 t-max 20000 was not applied"
grep -aq "% m3ua timers: ack [0-9]* ms, recovery [0-9]* ms, beat 5000 ms, audit [0-9]* ms for every" "$tmp/vty.out" ||
  bad "live m3ua beat 5000 was not applied"
grep -aqE "^mgcp rto-initial +300 ms" "$tmp/vty.out" || bad "show timers lacks the live mgcp rto-initial 300"
grep -aqE "^m3ua beat +5000 ms" "$tmp/vty.out" || bad "show timers lacks the live m3ua beat 5000"
grep -aq "needs a restart" "$tmp/vty.out" && bad "a timer change waits for a restart: $(grep -a 'restart' "$tmp/vty.out")"
grep -q "^ m3ua beat 5000$" "$tmp/run.cfg" || bad "write file did not save m3ua beat 5000"
grep -q "^ glare odd$" "$tmp/run.cfg" || bad "write file lost glare odd"
grep -aq "^ isup t10 5500$" "$tmp/vty.out" || bad "show running-config lacks the live isup t10 5500"
grep -aq "^ isup t27 200000$" "$tmp/vty.out" || bad "show running-config lacks the live isup t27 200000"
grep -q "^ isup t27 200000$" "$tmp/run.cfg" || bad "write file did not save isup t27"
grep -aq "% unknown timer t99" "$tmp/vty.out" || bad "live isup t99 was not refused by name"
grep -aq "% unknown timer t-min" "$tmp/vty.out" || bad "live h248 t-min was not refused by name"
# overload settings changed live are in force at once (show overload) and written
grep -aqE "^  calls-in-setup 0, level 0 \(onset 10/20/30, abatement 5/10/15\)$" "$tmp/vty.out" ||
  bad "show overload: calls-in-setup: $(grep -a 'calls-in-setup' "$tmp/vty.out")"
grep -aq "share of new calls refused at level 1/2/3: 40/75/100 %, Retry-After 3/5/10 s" "$tmp/vty.out" ||
  bad "show overload: shares: $(grep -a 'share of new calls' "$tmp/vty.out")"
grep -aq "% onsets must rise with the level" "$tmp/vty.out" || bad "falling cpu onsets were not refused"
grep -q "^ refuse level 1 40$" "$tmp/run.cfg" || bad "write file did not save refuse level 1 40"
grep -q "^ measure calls-in-setup onset 10 20 30 abatement 5 10 15$" "$tmp/run.cfg" ||
  bad "write file did not save the calls-in-setup measure"
"$MGCD" -c "$tmp/run.cfg" --check >/dev/null 2>&1 || bad "the saved config does not read back"
kill "$pid"; wait "$pid" 2>/dev/null
pid=

# 4. every timer of every layer (as `show timers` lists them from the tables) is set by name to a
# value other than its default within its range, and written back as it was set
grep -aE "^(isup|sip|mgcp|h248|m3ua) [a-z0-9-]+ +[0-9]+ (ms )? *\([0-9]+\.\.[0-9]+\)" "$tmp/vty.out" |
  sed -E 's/^([a-z0-9]+) ([a-z0-9-]+) +([0-9]+) (ms )? *\(([0-9]+)\.\.([0-9]+)\).*/\1 \2 \3 \5 \6/' \
  > "$tmp/timer_list"
n_isup=$(grep -c "^isup " "$tmp/timer_list")
n_all=$(wc -l < "$tmp/timer_list")
[ "$n_isup" -ge 21 ] && [ "$n_all" -ge 42 ] || bad "show timers listed $n_isup ISUP and $n_all timers in all"
grep -q "^isup t10 " "$tmp/timer_list" && grep -q "^isup t27 " "$tmp/timer_list" || bad "show timers lacks T10 or T27"
{ printf 'ss7\n point-code 0.2.1\ntimers\n'
  while read -r layer name cur lo hi; do
    v=$hi; [ "$cur" = "$hi" ] && v=$lo
    printf ' %s %s %s\n' "$layer" "$name" "$v"
  done < "$tmp/timer_list"; } > "$tmp/every_timer.cfg"
"$MGCD" -c "$tmp/every_timer.cfg" --check >"$tmp/every.out" 2>&1 || bad "every timer: $(cat "$tmp/every.out")"
"$MGCD" -c "$tmp/every_timer.cfg" --write-config "$tmp/every_w.cfg" || bad "every timer: write-config failed"
while read -r line; do
  grep -qxF -- " $line" "$tmp/every_w.cfg" || bad "every timer: '$line' is not written back"
done < <(grep '^ [a-z0-9]* ' "$tmp/every_timer.cfg" | grep -v point-code)

[ $fail -eq 0 ] && echo "mgcd config: all checks passed"
exit $fail
