#!/usr/bin/env bash
# The multi-host lab (issue 13 item 4): every part of the lab on a host of its own, a network
# namespace with its own address, all joined by one Ethernet bridge (mgcd and SIPp also on IPv6,
# 2001:db8::10 and ::40):
#
#        192.0.2.10 mgcd        192.0.2.21 osmo-mgw 1 (trunk group pstn-a)
#        192.0.2.30 pstn-sim    192.0.2.22 osmo-mgw 2 (trunk group pstn-a2)
#        192.0.2.40 SIPp, baresip   192.0.2.50 Kamailio   192.0.2.99 the operator (this test)
#                 \___ veth ___ bridge br0 (namespace "net", where the capture runs) ___/
#
# This script builds the namespaces, the veth pairs and the bridge, runs the test itself
# (multihost_lab.py) in the operator's namespace, and removes everything at the end, on failure
# too: whatever still runs in one of our namespaces is killed by PID, then the namespaces are
# deleted (which deletes their veths and the bridge). Addresses are from TEST-NET-1 (RFC 5737)
# and exist only on these links; nothing is sent anywhere else.
#   multihost_lab.sh BIN_DIR [--keep DIR]     (BIN_DIR holds mgcd and pstn-sim)
# Exit 0: pass; 1: fail (the failed calls and checks are named); 77: skipped (not root, or a
# program is missing).
set -u
[ $# -ge 1 ] || { echo "usage: $0 BIN_DIR [--keep DIR]"; exit 2; }
BIN=$(readlink -f "$1"); shift
HERE=$(cd "$(dirname "$0")" && pwd)

# README's deployment example is this test's mgcd config without its comments: they must agree
# (checked first, so that it is checked without root too).
readme_cfg=$(awk '/^mgcd.s config \(`tests\/multihost\/mgcd.cfg`/ { f = 1; next }
                  f && /^```$/ { if (in_block) exit; in_block = 1; next }
                  in_block { print }' "$HERE/../../README.md")
[ "$readme_cfg" = "$(grep -v '^!' "$HERE/mgcd.cfg")" ] || {
  echo "FAIL: README's deployment example differs from tests/multihost/mgcd.cfg:"
  diff <(echo "$readme_cfg") <(grep -v '^!' "$HERE/mgcd.cfg"); exit 1; }

[ "$(id -u)" = 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
for p in ip osmo-mgw sipp tshark dumpcap baresip kamailio timeout python3; do
  command -v "$p" >/dev/null || { echo "SKIP: $p is not installed"; exit 77; }
done
for p in mgcd pstn-sim; do
  [ -x "$BIN/$p" ] || { echo "FAIL: no $BIN/$p"; exit 1; }
done

# One prefix per run (the PID), so that concurrent runs never share a namespace.
P=mgcmh$$-
PARTS=(mgcd mgw1 mgw2 pstn sip kam ops)
declare -A ADDR=([mgcd]=192.0.2.10 [mgw1]=192.0.2.21 [mgw2]=192.0.2.22 [pstn]=192.0.2.30
                 [sip]=192.0.2.40 [kam]=192.0.2.50 [ops]=192.0.2.99)
# The SIP side on IPv6 too (mgcd's second SIP listener, a SIPp call over it): documentation
# prefix, RFC 3849.
declare -A ADDR6=([mgcd]=2001:db8::10 [sip]=2001:db8::40)

ours() { ip netns list | awk '{print $1}' | grep -qx "$1"; }
cleanup() {
  for n in "${PARTS[@]}" net; do
    ours "$P$n" || continue
    # every process left in the namespace is one this test started (the namespace is new)
    pids=$(ip netns pids "$P$n")
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  done
  sleep 0.2
  for n in "${PARTS[@]}" net; do
    ours "$P$n" && ip netns del "$P$n"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setup() {
  ip netns add "${P}net" &&
  ip netns exec "${P}net" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 &&
  ip -n "${P}net" link set dev lo up &&
  # no multicast snooping: else the bridge itself joins 224.0.0.106 (IGMP, RFC 4286)
  ip -n "${P}net" link add br0 type bridge mcast_snooping 0 &&
  ip -n "${P}net" link set dev br0 up || return 1
  for n in "${PARTS[@]}"; do
    # IPv6 off: no router solicitations or MLD reports on the links, only the lab's traffic
    ip netns add "$P$n" &&
    ip netns exec "$P$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 &&
    ip -n "$P$n" link set dev lo up &&
    ip -n "$P$n" link add eth0 type veth peer name "p-$n" netns "${P}net" &&
    ip -n "$P$n" addr add "${ADDR[$n]}/24" dev eth0 &&
    ip -n "$P$n" link set dev eth0 up &&
    ip -n "${P}net" link set dev "p-$n" master br0 &&
    ip -n "${P}net" link set dev "p-$n" up || return 1
    if [ -n "${ADDR6[$n]:-}" ]; then
      # IPv6 on this link only, without router solicitations or duplicate address detection
      ip netns exec "$P$n" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 \
        net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.router_solicitations=0 \
        net.ipv6.conf.eth0.accept_dad=0 &&
      ip -n "$P$n" -6 addr add "${ADDR6[$n]}/64" dev eth0 nodad || return 1
    fi
  done
}
setup || { echo "FAIL: could not build the namespaces and links"; exit 1; }

# Every bridge port forwarding (no STP: at once) before the parts start.
for _ in $(seq 50); do
  [ "$(ip netns exec "${P}net" bridge link show | grep -c 'state forwarding')" = ${#PARTS[@]} ] && break
  sleep 0.1
done

# In the background, so that a signal to this script cleans up at once (bash runs a trap only
# once the foreground command has ended; `wait` it interrupts).
# The whole test within 3 minutes: 35 s when it passes; each wait in it is bounded too.
ip netns exec "${P}ops" timeout -s KILL 170 python3 "$HERE/multihost_lab.py" --bin "$BIN" \
  --prefix "$P" "$@" &
wait $!
rc=$?
[ $rc = 137 ] && echo "multihost: FAILED: the test did not end within 170 s"
exit $rc
