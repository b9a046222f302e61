#!/usr/bin/env python3
"""The multi-host lab (issue 13 item 4): the lab's six calls with every part on its own host.

  multihost_lab.py --bin BIN_DIR --prefix PREFIX [--keep DIR]

Run by multihost_lab.sh, which builds the network namespaces PREFIX{mgcd,mgw1,mgw2,pstn,sip,kam,
ops} joined by the bridge br0 in PREFIX-net, and runs this in the operator's namespace (ops,
192.0.2.99): every part is started in its own namespace (`ip netns exec`), mgcd's VTY is reached
over the network at 192.0.2.10:4260 (its `telnet` allow list admits the operator's host).

  mgcd 192.0.2.10 | osmo-mgw 1 192.0.2.21 (pstn-a, CICs 1-15) | osmo-mgw 2 192.0.2.22 (pstn-a2,
  16-31) | pstn-sim 192.0.2.30 (far exchange and SG, M3UA on usrsctp/UDP 9899) | SIPp and baresip
  192.0.2.40 | Kamailio 192.0.2.50:5080 (SIP-T proxy in front of SIPp's SIP-T callee)

The calls (those of scripts/lab): 1 SIP -> PSTN (SIPp), 2 SIP-T -> PSTN (SIPp), 3 PSTN -> SIP-T
(through Kamailio to SIPp), 4 baresip -> PSTN (G.711 RTP to osmo-mgw 1), 5 PSTN -> baresip, 6 PSTN
-> PSTN transit (pstn-a on osmo-mgw 1 to pstn-a2 on osmo-mgw 2). While call 4 is up, route 1 is
moved to pstn-a2 and call 4's circuit taken out of pstn-a over the VTY: call 4 finishes normally,
its circuit is then blocked, and a further SIP call to route 1 (call 4b) goes out on pstn-a2
through osmo-mgw 2; then both changes are undone live. Checked afterwards: each call's CDR
(answered, cause 16, the trunk group expected), RTP between baresip's host and osmo-mgw 1's in
both directions (calls 4 and 5), the MGCP commands reaching each gateway at its address, no
malformed packet in the capture on the bridge, every packet on the bridge between two lab
addresses, no call left and every circuit idle at both ends.
Exit 0: pass; 1: fail (the last line names the failed calls and checks).
"""
import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from lablib import Lab, TestFailure, check, fail, malformed, tshark_args, vty  # noqa: E402

MGCD, MGW1, MGW2, PSTN, SIP, KAM = ("192.0.2.10", "192.0.2.21", "192.0.2.22", "192.0.2.30",
                                    "192.0.2.40", "192.0.2.50")
MGCD6, SIP6 = "2001:db8::10", "2001:db8::40"  # the SIP side's IPv6 addresses
MGCD_VTY, SIM_VTY = 4260, 4262
MGW_RTP = (16002, 16100)  # osmo-mgw's RTP ports (osmo-mgw.cfg)
BARESIP_RTP = {"caller": (10100, 10120), "callee": (10000, 10020)}  # baresip/*/config


class MultiHost:
    def __init__(self, args):
        self.prefix = args.prefix
        self.lab = Lab(args.bin, "multihost", args.keep, HERE)
        self.keep = args.keep
        self.failed = []
        self.call_cic = {}

    # ---- the parts, each on its host --------------------------------------------------------
    def start(self, host, name, argv, life=200):
        return self.lab.start(name, ["ip", "netns", "exec", self.prefix + host] + argv, life=life)

    def mgcd(self, *cmds):
        return vty(MGCD_VTY, *cmds, host=MGCD)

    def sim(self, *cmds):
        return vty(SIM_VTY, *cmds, host=PSTN)

    def start_lab(self):
        lab = self.lab
        # the capture: everything on the bridge (only the lab's hosts are on it)
        self.capture_file = lab.path("capture.pcapng")
        lab.capture = self.start("net", "dumpcap", ["dumpcap", "-q", "-i", "br0", "-w",
                                                    self.capture_file], life=175)
        lab.capture_file = self.capture_file
        end = time.time() + 10
        while time.time() < end and not os.path.exists(self.capture_file):
            time.sleep(0.1)
        check(os.path.exists(self.capture_file), "dumpcap did not start: " + lab.capture.text())
        time.sleep(0.5)
        for host, addr in (("mgw1", MGW1), ("mgw2", MGW2)):
            cfg = lab.render("osmo-mgw.cfg", "osmo-mgw-%s.cfg" % host, ADDR=addr, DOMAIN=host)
            self.start(host, "osmo-mgw-" + host, ["osmo-mgw", "-c", cfg])
        for host in ("mgw1", "mgw2"):
            lab.wait_log(lab.proc("osmo-mgw-" + host), "Configured for MGCP", 10)
        shutil.copy(os.path.join(HERE, "pstn-sim.cfg"), lab.path("pstn-sim.cfg"))
        self.start("pstn", "pstn-sim", [os.path.join(lab.bin, "pstn-sim"), "-c",
                                        lab.path("pstn-sim.cfg"), "--log-isup", "--summary-file",
                                        lab.path("pstn-sim.summary")])
        cfg = lab.render("mgcd.cfg", "mgcd.cfg")
        mgcd = self.start("mgcd", "mgcd", [os.path.join(lab.bin, "mgcd"), "-c", cfg])
        lab.wait_log(mgcd, "running", 15)
        run = lab.path("kamailio-run")
        os.makedirs(run, exist_ok=True)
        shutil.copy(os.path.join(HERE, "kamailio.cfg"), lab.path("kamailio.cfg"))
        kam = self.start("kam", "kamailio", ["kamailio", "-DD", "-E", "-f", lab.path("kamailio.cfg"),
                                             "-Y", run, "-P", os.path.join(run, "pid"),
                                             "-m", "64", "-M", "8"])
        # the far exchange's circuits reset at start-up (GRS/GRA, Q.764 §2.9.3.2) over M3UA
        lab.wait_log(lab.proc("pstn-sim"), r"rx cic \d+ GRA", 30)
        for mg in ("mgw1", "mgw2"):
            lab.wait_log(mgcd, r"media gateway %s .*in service" % mg, 15)
        lab.wait_log(kam, r"SO_RCVBUF is finally", 15)
        for who in ("caller", "callee"):
            shutil.copytree(os.path.join(HERE, "baresip", who), lab.path("baresip-" + who))
        for f in ("acm.bin", "anm.bin", "iam.bin", "rel.bin", "rlc.bin", "sipt_uac.xml"):
            shutil.copy(os.path.join(ROOT, "config", "lab", f), lab.work)
        shutil.copy(os.path.join(ROOT, "tests", "mgcd", "sipp", "uas_sipt.xml"), lab.work)
        time.sleep(0.3)

    # ---- the calls ----------------------------------------------------------------------------
    def sipp(self, name, args, background=False, local=SIP):
        p = self.start("sip", name, ["sipp"] + args + [
            "-i", local, "-m", "1", "-nostdin", "-timeout", "40", "-trace_msg", "-trace_err",
            "-message_file", self.lab.path(name + ".msg"), "-error_file",
            self.lab.path(name + ".err")], life=50)
        if background:
            return p
        self.sipp_done(p)

    def sipp_done(self, p):
        rc = self.lab.wait_exit(p, 55)
        check(rc == 0, "%s exited %s" % (p.name, rc))

    def wait_cdrs(self, n, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            rows = self.cdrs()
            if len(rows) >= n:
                return rows
            time.sleep(0.2)
        fail("%d CDRs written, expected %d" % (len(self.cdrs()), n))

    def cdrs(self):
        try:
            with open(self.lab.path("cdr.csv"), newline="") as f:
                return list(csv.DictReader(f))
        except OSError:
            return []

    def expect_cdr(self, n, **want):
        """The Nth CDR (1-based) is an answered call released normally, with fields WANT."""
        row = self.wait_cdrs(n)[n - 1]
        want.setdefault("cause", "16")
        for k, v in want.items():
            check(row.get(k) == str(v), "CDR %d: %s is %r, expected %r: %s" %
                  (n, k, row.get(k), v, row))
        check(row.get("answer_utc"), "CDR %d: not answered: %s" % (n, row))
        return row

    def call(self, name, fn):
        print("== " + name, flush=True)
        t0 = time.time()
        try:
            fn()
            print("   completed (%.1f s)" % (time.time() - t0), flush=True)
        except TestFailure as e:
            print("   FAILED: %s" % e, flush=True)
            self.failed.append(name)

    def call1(self):
        self.sipp("call1", ["-sn", "uac", MGCD + ":5060", "-s", "12345", "-p", "5072",
                            "-d", "1500"])
        self.expect_cdr(1, direction="sip-to-pstn", called="12345", trunk_group="pstn-a",
                        released_by="sip")

    def call2(self):
        self.sipp("call2", ["-sf", self.lab.path("sipt_uac.xml"), MGCD + ":5060", "-p", "5071"])
        self.expect_cdr(2, direction="sip-to-pstn", called="12345", trunk_group="pstn-a")

    def call3(self):
        uas = self.sipp("call3", ["-sf", self.lab.path("uas_sipt.xml"), "-p", "5070"],
                        background=True)
        time.sleep(0.5)
        self.sim("call")  # pstn-sim calls 2345 (its originate section): route 2, Kamailio
        self.sipp_done(uas)
        self.expect_cdr(3, direction="pstn-to-sip", called="2345", released_by="pstn")
        klog = self.lab.proc("kamailio").text()
        check("sipt INVITE called=2345" in klog,
              "Kamailio's sipt module did not read called 2345 from mgcd's IAM:\n" + klog[-2000:])

    def call4(self):
        """baresip -> PSTN; while it is up, route 1 and trunk group pstn-a change live."""
        lab = self.lab
        self.t_call4 = time.time()
        b = self.start("sip", "baresip-caller", [
            "baresip", "-f", lab.path("baresip-caller"), "-e",
            "/dial sip:12345@%s:5060" % MGCD, "-t", "8"], life=30)
        cic, out = None, ""
        end = time.time() + 6
        while time.time() < end and cic is None:
            out = self.mgcd("show calls")
            m = re.search(r"sip-to-pstn pstn-a cic (\d+) isup \S+ answered", out)
            if m:
                cic = int(m.group(1))
            else:
                time.sleep(0.2)
        check(cic is not None, "call 4 not answered within 6 s:\n" + out)
        self.call_cic["call4"] = cic
        # the circuit leaves pstn-a (drains: blocked at once, its call goes on, Q.764 §2.8.2);
        # route 1 now goes to pstn-a2, on the other media gateway
        keep = [(a, b_) for a, b_ in ((1, cic - 1), (cic + 1, 15)) if a <= b_]
        out = self.mgcd("configure terminal", "trunk-group pstn-a", "no cic-range 1 15",
                        *["cic-range %d %d" % r for r in keep], "exit", "no route 1", "route 1",
                        "target trunk-group pstn-a2", "end")
        self.live_out = out
        check("CICs %d-%d taken out: 1 draining" % (cic, cic) in out,
              "no drain of CIC %d reported:\n%s" % (cic, out))
        check("routes: " in out, "the route change was not applied:\n" + out)
        routes = self.mgcd("show running-config")
        check(re.search(r"route 1\n target trunk-group pstn-a2\n", routes),
              "show running-config lacks route 1 -> pstn-a2:\n" + routes)
        rc = lab.wait_exit(b, 20)
        check(rc == 0, "baresip (caller) exited %s" % rc)
        self.expect_cdr(4, direction="sip-to-pstn", called="12345", trunk_group="pstn-a",
                        cic=cic, released_by="sip")
        circuits = self.mgcd("show circuits pstn-a")
        check(re.search(r"cic\s+%d\s+idle\s.*removed" % cic, circuits),
              "CIC %d not idle and removed after its call:\n%s" % (cic, circuits))

    def call4b(self):
        """The changed route in force: a SIP call to route 1 goes out on pstn-a2 (osmo-mgw 2);
        then both changes are undone live (the circuit back in service with UBL)."""
        self.sipp("call4b", ["-sn", "uac", MGCD + ":5060", "-s", "12345", "-p", "5072",
                             "-d", "1000"])
        row = self.expect_cdr(5, direction="sip-to-pstn", called="12345", trunk_group="pstn-a2")
        check(16 <= int(row["cic"]) <= 31, "call 4b on CIC %s" % row["cic"])
        cic = self.call_cic["call4"]
        out = self.mgcd("configure terminal", "trunk-group pstn-a", "cic-range %d %d" % (cic, cic),
                        "exit", "no route 1", "route 1", "target trunk-group pstn-a", "end")
        check("CICs %d-%d in service" % (cic, cic) in out, "CIC %d not back:\n%s" % (cic, out))

    def call5(self):
        lab = self.lab
        callee = self.start("sip", "baresip-callee", ["baresip", "-f", lab.path("baresip-callee"),
                                                      "-t", "7"], life=30)
        time.sleep(1.5)
        self.sim("configure terminal", "originate", "called 4001", "end", "call")
        rc = lab.wait_exit(callee, 20)
        check(rc == 0, "baresip (callee) exited %s" % rc)
        self.expect_cdr(6, direction="pstn-to-sip", called="4001", released_by="pstn")

    def call6(self):
        self.sim("configure terminal", "originate", "called 71234", "end", "call")
        # answered after 1 s by pstn-sim's rule on the outgoing circuit, released at 2 s
        self.expect_cdr(7, direction="pstn-to-pstn", called="71234", trunk_group_out="pstn-a2",
                        released_by="pstn")

    def call7(self):
        """SIP over IPv6 (mgcd's second listener): answered from [2001:db8::10]:5060, whose
        Contact names that listener (RFC 3261 §8.1.1.8, §19.1.1 / RFC 5118 §4.1)."""
        self.sipp("call7", ["-sn", "uac", "[%s]:5060" % MGCD6, "-s", "12345", "-p", "5073",
                            "-d", "1000"], local=SIP6)
        self.expect_cdr(8, direction="sip-to-pstn", called="12345", trunk_group="pstn-a",
                        released_by="sip")

    # ---- the end -------------------------------------------------------------------------------
    def finish(self):
        """No call left, every circuit idle at both ends; then the parts stop and the capture
        is read back."""
        lab = self.lab
        out = ""
        end = time.time() + 10
        while time.time() < end:
            out = self.mgcd("show calls")
            if re.search(r"(^|\n)\s*0 calls", out):
                break
            time.sleep(0.3)
        else:
            fail("mgcd still has calls:\n" + out)
        circuits = self.mgcd("show circuits")
        busy = [l for l in circuits.splitlines() if re.match(r"\s*cic\s+\d+", l) and
                not re.match(r"\s*cic\s+\d+\s+idle\s*(\(controls glare\))?\s*$", l)]
        check(not busy, "mgcd: circuits not idle:\n" + "\n".join(busy))
        sim = lab.proc("pstn-sim")
        rc = lab.stop(sim, signal.SIGTERM, 8)
        summary = {}
        try:
            with open(lab.path("pstn-sim.summary")) as f:
                for line in f:
                    parts = line.split(None, 1)
                    if len(parts) == 2:
                        summary[parts[0]] = parts[1].strip()
        except OSError:
            pass
        check(summary.get("circuits.not-idle") == "none",
              "pstn-sim: circuits not idle: %s" % summary.get("circuits.not-idle"))
        check(rc == 0, "pstn-sim exit status %s (3: circuits busy, 4: calls failed)" % rc)
        lab.stop_all()

    def tshark(self, display, fields, decode=()):
        argv = ["tshark", "-r", self.capture_file, "-n"] + tshark_args() + list(decode) + [
            "-Y", display, "-T", "fields"]
        for f in fields:
            argv += ["-e", f]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
        return [l.split("\t") for l in out.splitlines() if l]

    def check_wire(self):
        rtp_ports = [p for lo, hi in [MGW_RTP] + list(BARESIP_RTP.values())
                     for p in range(lo, hi + 1)]
        rtp_decode = [a for p in rtp_ports for a in ("-d", "udp.port==%d,rtp" % p)]
        rtp = self.tshark("rtp", ["ip.src", "ip.dst", "udp.srcport", "udp.dstport"], rtp_decode)
        # baresip's G.711 to the address and port osmo-mgw 1 gave in its SDP (through mgcd);
        # osmo-mgw's own first packet (its "dummy" RTP, sent when it learns the far end) to the
        # address baresip gave. osmo-mgw sends no more: the endpoint's other side is the
        # circuit, which has no media in this lab (pstn-sim is signalling only).
        for call, who in (("call 4", "caller"), ("call 5", "callee")):
            lo, hi = BARESIP_RTP[who]
            to_mgw = [r for r in rtp if r[0] == SIP and r[1] == MGW1 and lo <= int(r[2]) <= hi]
            from_mgw = [r for r in rtp if r[0] == MGW1 and r[1] == SIP and lo <= int(r[3]) <= hi]
            print("   %s: %d RTP packets baresip %s -> osmo-mgw 1 %s, %d back" %
                  (call, len(to_mgw), SIP, MGW1, len(from_mgw)))
            check(len(to_mgw) > 50, "%s: %d RTP packets from baresip to osmo-mgw 1" %
                  (call, len(to_mgw)))
            check(from_mgw, "%s: no RTP from osmo-mgw 1 to baresip's port" % call)
        # the transit call's media path between the two gateways' hosts: each one's RTP reaches
        # the other's port (the SDP of each CRCX/MDCX carried the other's address)
        between = [r for r in rtp if {r[0], r[1]} == {MGW1, MGW2}]
        print("   call 6: RTP osmo-mgw 1 <-> osmo-mgw 2: %s" %
              ", ".join("%s:%s -> %s:%s" % (r[0], r[2], r[1], r[3]) for r in between))
        for a, b in ((MGW1, MGW2), (MGW2, MGW1)):
            check(any(r[0] == a and r[1] == b for r in between),
                  "call 6: no RTP from %s to %s" % (a, b))
        # MGCP: each gateway commanded at its own address from mgcd's call agent (2727)
        mgcp = self.tshark("mgcp.req", ["ip.src", "ip.dst", "udp.srcport", "mgcp.req.verb"])
        for mg, addr in (("osmo-mgw 1", MGW1), ("osmo-mgw 2", MGW2)):
            crcx = [r for r in mgcp if r[1] == addr and r[3] == "CRCX"]
            check(crcx, "no CRCX reached %s at %s" % (mg, addr))
            check(all(r[0] == MGCD and r[2] == "2727" for r in mgcp if r[1] == addr),
                  "MGCP to %s from elsewhere than %s:2727" % (mg, MGCD))
        # M3UA between mgcd and the SG's host, SCTP in UDP on 9899 at both ends
        m3ua = self.tshark("m3ua", ["ip.src", "ip.dst", "udp.srcport", "udp.dstport"])
        check(m3ua and all({r[0], r[1]} == {MGCD, PSTN} and r[2] == r[3] == "9899" for r in m3ua),
              "M3UA not only between %s:9899 and %s:9899 (%d packets)" % (MGCD, PSTN, len(m3ua)))
        # traffic only on the links: every IP packet between two of the lab's addresses
        # SIP over IPv6: mgcd answers from its IPv6 listener, its Contact in brackets there and
        # the IPv4 listener's on the IPv4 calls
        sip6 = self.tshark("sip.Status-Code == 200 && sip.CSeq.method == INVITE && ipv6.src == %s"
                           % MGCD6,
                           ["udp.srcport", "sip.contact.uri"])
        check(sip6 and all(r[0] == "5060" and "[%s]:5060" % MGCD6 in r[1] for r in sip6),
              "mgcd's 200s over IPv6 not from [%s]:5060 with its Contact: %s" % (MGCD6, sip6))
        sip4 = self.tshark("sip.Status-Code == 200 && sip.CSeq.method == INVITE && ip.src == %s"
                           % MGCD, ["sip.contact.uri"])
        check(sip4 and all("%s:5060" % MGCD in r[0] for r in sip4),
              "mgcd's 200s to INVITEs over IPv4 without its IPv4 Contact: %s" % sip4)
        # traffic only on the links: every IP packet between two of the lab's addresses (and the
        # neighbour discovery and MLD of the two IPv6 hosts)
        stray = self.tshark("!(ip.src == 192.0.2.0/24 && ip.dst == 192.0.2.0/24) && "
                            "!(ipv6.src == 2001:db8::/64 && ipv6.dst == 2001:db8::/64) && "
                            "!icmpv6 && !arp",
                            ["frame.number", "_ws.col.Protocol", "_ws.col.Info"])
        check(not stray, "packets not between the lab's addresses:\n" +
              "\n".join("\t".join(r) for r in stray[:20]))
        bad = malformed(self.capture_file)
        check(not bad, "malformed or suspicious packets:\n" + "\n".join(bad))

    def logs(self):
        for p in self.lab.procs:
            print("---- %s (%s)" % (p.name, p.log))
            print("\n".join(p.text().splitlines()[-25:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--prefix", required=True, help="the namespaces' prefix (multihost_lab.sh)")
    ap.add_argument("--keep", help="keep the configs, logs and capture in this directory")
    args = ap.parse_args()
    t0 = time.time()
    mh = MultiHost(args)
    other = []
    try:
        try:
            mh.start_lab()
        except TestFailure as e:
            print("multihost: the lab did not come up: %s" % e)
            mh.logs()
            return 1
        print("== the lab is up in %.1f s: M3UA %s <-> %s, osmo-mgw at %s and %s" %
              (time.time() - t0, MGCD, PSTN, MGW1, MGW2), flush=True)
        mh.call("call 1 (SIP -> PSTN)", mh.call1)
        mh.call("call 2 (SIP-T -> PSTN)", mh.call2)
        mh.call("call 3 (PSTN -> SIP-T through Kamailio)", mh.call3)
        mh.call("call 4 (baresip -> PSTN, route and trunk group changed live)", mh.call4)
        mh.call("call 4b (route 1 changed live: out on pstn-a2 through osmo-mgw 2)", mh.call4b)
        mh.call("call 5 (PSTN -> baresip)", mh.call5)
        mh.call("call 6 (PSTN -> PSTN transit, osmo-mgw 1 to osmo-mgw 2)", mh.call6)
        mh.call("call 7 (SIP over IPv6 -> PSTN)", mh.call7)
        for name, fn in (("circuits and calls at the end", mh.finish),
                         ("the wire", mh.check_wire)):
            print("== " + name, flush=True)
            try:
                fn()
                print("   ok", flush=True)
            except TestFailure as e:
                print("   FAILED: %s" % e, flush=True)
                other.append(name)
    finally:
        mh.lab.stop_all()
    rows = mh.cdrs()
    print("== CDRs")
    for r in rows:
        print("   %s %s -> %s %s cic %s %s cic %s cause %s by %s" % (
            r["direction"], r["calling"], r["called"], r["trunk_group"], r["cic"],
            r["trunk_group_out"] or "-", r["cic_out"] or "-", r["cause"], r["released_by"]))
    print("multihost: %.1f s" % (time.time() - t0))
    if mh.failed or other:
        mh.logs()
        print("multihost: FAILED: %s (work directory %s)" %
              ("; ".join(mh.failed + other), mh.lab.work))
        return 1
    if not args.keep:
        shutil.rmtree(mh.lab.work, ignore_errors=True)
    print("multihost: all calls completed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
