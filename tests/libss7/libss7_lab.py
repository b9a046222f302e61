#!/usr/bin/env python3
"""mgcd against libss7 (Asterisk's ISUP/MTP3/MTP2) as the far-end exchange, ITU or ANSI.

  libss7_lab.py --bin BUILD/bin itu|ansi [--keep DIR]

One session per variant (bounded: every wait has a timeout): osmo-mgw, ss7-peer (libss7 and its
signalling gateway, tests/libss7/main.cpp) on M3UA/usrsctp-UDP, mgcd (tests/libss7/configs), SIPp.
The scenarios run one after another on the same lab; each checks ss7-peer's event log (what
libss7 received and sent) and SIPp's exit status; at the end every circuit is idle on both sides,
libss7 holds no call, and tshark reads the whole capture (M3UA, ISUP in the variant's format)
without a malformed packet. Exit 0 pass, 1 fail, 77 skipped (a peer is missing).
"""
import argparse
import os
import re
import shutil
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MGCD_TESTS = os.path.join(HERE, "..", "mgcd")
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, MGCD_TESTS)
import lablib  # noqa: E402
from lablib import Lab, TestFailure, check, count, fail  # noqa: E402
import lab_test  # noqa: E402

SIPP_UAS_PLAIN, SIPP_UAC = 5072, 5074
T9_MS = 4000
# libss7's answers by called number (ss7-peer --rule): the digits mgcd's route 1 sends on.
RULES = ["1486:busy", "1480:ring", "1404:release=1", "1777:answer,after=200,hangup=500",
         "1183:answer,after=400,cpg=2", "1555:answer,after=200,suspend=300,resume=300",
         "1999:silent", "1:answer,after=200"]
# libss7's T7 in the lab (Q.764 Annex A: 20-30 s), so that its expiry is seen in seconds
LIBSS7_T7_MS = 2500


class Libss7Lab(lab_test.Scenario):
    def __init__(self, args):
        self.args = args
        self.variant = args.variant
        self.lab = Lab(args.bin, "libss7_" + args.variant, args.keep, os.path.join(HERE, "configs"))
        self.name = "libss7_" + args.variant
        self.ctl_path = self.lab.path("ss7-peer.sock")
        self.log_path = self.lab.path("libss7-events.log")
        self.mark = 0

    # ---- ss7-peer ---------------------------------------------------------------------------
    def ss7(self, line):
        """One command on ss7-peer's control socket; its answer."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(self.ctl_path)
        s.sendall((line + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(512)
            if not chunk:
                break
            data += chunk
        s.close()
        answer = data.decode().strip()
        check(answer.startswith("ok"), "ss7-peer %r: %s" % (line, answer))
        return answer

    def ss7_log(self):
        with open(self.log_path) as f:
            return f.read()

    def expect(self, patterns, timeout=10, since=None):
        """Each regex in PATTERNS appears in ss7-peer's log after the mark, in this order."""
        start = self.mark if since is None else since
        end = time.time() + timeout
        while True:
            text = self.ss7_log()[start:]
            pos, missing = 0, None
            for p in patterns:
                m = re.compile(p, re.M).search(text, pos)
                if not m:
                    missing = p
                    break
                pos = m.end()
            if missing is None:
                return
            if time.time() > end:
                fail("ss7-peer log: no %r (in order %s) after the mark:\n%s" %
                     (missing, patterns, text[-3000:]))
            time.sleep(0.1)

    def step(self, name):
        self.mark = len(self.ss7_log())
        print("--- %s %s" % (self.variant, name), flush=True)

    def idle(self, timeout=15):
        """libss7 holds no call and mgcd has none left."""
        end = time.time() + timeout
        while time.time() < end:
            if self.ss7("calls") == "ok 0":
                break
            time.sleep(0.2)
        check(self.ss7("calls") == "ok 0", "libss7 still holds calls")
        self.wait_calls_gone()

    # ---- the lab ----------------------------------------------------------------------------
    def start(self):
        lab = self.lab
        lab.vars["VARIANT"] = self.variant
        lab.start_capture()
        self.start_osmo_mgw()
        argv = [os.path.join(lab.bin, "ss7-peer"), "--variant", self.variant, "--pc", "18",
                "--sg-pc", "9", "--dpc", "17", "--cics", "1-31", "--log", self.log_path,
                "--control", self.ctl_path, "--t7", str(LIBSS7_T7_MS)]
        for r in RULES:
            argv += ["--rule", r]
        peer = lab.start("ss7-peer", argv)
        lab.wait_log(peer, "running", 10)
        # the MTP2 link aligned (emergency proving), MTP3 restarted, libss7's link set up
        self.expect([r"MTP2 proving -> aligned-ready", r"MTP2 aligned-ready -> in-service",
                     r"signalling link test passed", r"m3ua listening",
                     r"event link-set up"], timeout=15, since=0)
        cfg = lab.render("mgcd-libss7.cfg", "mgcd-a.cfg")
        p = lab.start("mgcd-a", [os.path.join(lab.bin, "mgcd"), "-c", cfg, "--vty-port",
                                 str(lab_test.MGCD_A_VTY)])
        lab.wait_log(p, "running")
        end = time.time() + 20
        while time.time() < end and "ACTIVE" not in self.ss7_log():
            time.sleep(0.1)
        time.sleep(1.0)

    # ---- scenarios --------------------------------------------------------------------------
    def maintenance_from_libss7(self):
        self.step("GRS from libss7")
        self.ss7("grs 1 31")
        self.expect([r"tx GRS cic 1 range 30", r"rx GRA cic 1 range 30"])
        self.step("BLO/UBL from libss7")
        self.ss7("blo 5")
        self.expect([r"rx BLA cic 5"])
        self.ss7("ubl 5")
        self.expect([r"rx UBA cic 5"])
        self.step("CGB/CGU from libss7")
        self.ss7("cgb 6 8")
        self.expect([r"rx CGBA cic 6 range 2"])
        self.ss7("cgu 6 8")
        self.expect([r"rx CGUA cic 6 range 2"])
        self.step("RSC from libss7")
        self.ss7("rsc 9")
        self.expect([r"tx RSC cic 9", r"rx RLC cic 9"])

    def maintenance_from_mgcd(self):
        self.step("BLO/UBL from mgcd")
        self.mgcd("block trunk-group libss7 cic 10")
        self.expect([r"rx BLO cic 10", r"tx BLA cic 10"])
        self.mgcd("unblock trunk-group libss7 cic 10")
        self.expect([r"rx UBL cic 10", r"tx UBA cic 10"])
        self.step("CGB/CGU from mgcd")
        self.mgcd("block trunk-group libss7 cics 11 13 maintenance")
        self.expect([r"rx CGB cic 11 range 2 type 0 circuits 3", r"tx CGBA cic 11"])
        self.mgcd("unblock trunk-group libss7 cics 11 13 maintenance")
        self.expect([r"rx CGU cic 11 range 2 type 0 circuits 3", r"tx CGUA cic 11"])
        self.step("RSC and GRS from mgcd")
        self.mgcd("reset trunk-group libss7 cic 14")
        self.expect([r"rx RSC cic 14", r"tx RLC cic 14"])
        self.mgcd("reset trunk-group libss7 cics 15 20")
        self.expect([r"rx GRS cic 15 range 5", r"tx GRA cic 15"])

    def sip_to_pstn(self):
        self.step("SIP->PSTN answered, released by SIP")
        self.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=500)
        self.expect([r"rx IAM cic (\d+) opc 17 called 12345", r"tx ACM", r"tx ANM",
                     r"rx REL cic \d+ cause 16", r"tx RLC"])
        self.idle()
        self.step("SIP->PSTN busy")
        self.sipp("uac_fail.xml", SIPP_UAC, CALLED="148601", CALLING="5551234", CODE=486,
                  WAIT=10000)
        self.expect([r"rx IAM .*called 148601", r"tx REL cic \d+ cause 17", r"rx RLC"])
        self.idle()
        self.step("SIP->PSTN unallocated")
        self.sipp("uac_fail.xml", SIPP_UAC, CALLED="140401", CALLING="5551234", CODE=404,
                  WAIT=10000)
        self.expect([r"rx IAM .*called 140401", r"tx REL cic \d+ cause 1\b", r"rx RLC"])
        self.idle()
        self.step("SIP->PSTN no answer (mgcd T9)")
        self.sipp("uac_fail.xml", SIPP_UAC, CALLED="148001", CALLING="5551234", CODE=480,
                  WAIT=15000)
        self.expect([r"rx IAM .*called 148001", r"tx ACM", r"rx REL cic \d+ cause 19",
                     r"tx RLC"])
        self.idle()
        self.step("SIP->PSTN released by the PSTN")
        self.sipp("uac_far_bye.xml", SIPP_UAC, CALLED="177701", CALLING="5551234", WAIT=10000)
        self.expect([r"rx IAM .*called 177701", r"tx ANM", r"tx REL cic \d+ cause 16",
                     r"rx RLC"])
        self.idle()
        self.step("SIP->PSTN with CPG")
        self.sipp("uac_call.xml", SIPP_UAC, CALLED="118301", CALLING="5551234", HOLD=300)
        self.expect([r"rx IAM .*called 118301", r"tx ACM", r"tx CPG cic \d+ event 2",
                     r"tx ANM", r"rx REL cic \d+ cause 16"])
        self.idle()
        self.step("SIP->PSTN with SUS/RES")
        self.sipp("uac_call.xml", SIPP_UAC, CALLED="155501", CALLING="5551234", HOLD=1500)
        self.expect([r"rx IAM .*called 155501", r"tx ANM", r"tx SUS", r"tx RES",
                     r"rx REL cic \d+ cause 16"])
        self.idle()

    def pstn_to_sip(self):
        self.step("PSTN->SIP answered, released by libss7")
        p = self.sipp("uas_answer.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=200,
                      WAIT=15000)
        self.ss7("call 2 3001 4441000 800")
        self.expect([r"tx IAM cic 2 called 3001", r"rx ACM cic 2", r"rx ANM cic 2",
                     r"tx REL cic 2 cause 16", r"rx RLC cic 2"], timeout=15)
        self.sipp_done(p, 20)
        self.idle()
        self.step("PSTN->SIP busy")
        p = self.sipp("uas_fail.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=100,
                      CODE=486, PHRASE="Busy Here")
        self.ss7("call 4 3002 4441000")
        self.expect([r"tx IAM cic 4", r"rx REL cic 4 cause 17", r"tx RLC cic 4"], timeout=15)
        self.sipp_done(p, 20)
        self.idle()
        self.step("PSTN->SIP no answer, libss7 gives up")
        p = self.sipp("uas_ring.xml", SIPP_UAS_PLAIN, remote=None, background=True, WAIT=15000)
        self.ss7("call 6 3004 4441000")
        self.expect([r"tx IAM cic 6", r"rx ACM cic 6"], timeout=15)
        time.sleep(0.5)
        self.ss7("release 6 19")
        self.expect([r"tx REL cic 6 cause 19", r"rx RLC cic 6"], timeout=15)
        self.sipp_done(p, 20)
        self.idle()

    def dual_seizure(self):
        """Q.764 §2.9.1.4: both exchanges seize the same circuit; the one with the higher point
        code (libss7, 18) controls the even CICs, mgcd (17) the odd ones. ss7-peer sends
        libss7's IAM on the circuit of mgcd's next IAM before libss7 reads mgcd's, so the two
        IAMs cross on the link."""
        self.step("dual seizure, mgcd wins (cic 1, odd: mgcd controls)")
        self.ss7("glare 3101 4441000")
        self.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=500)
        # libss7 gives its own call up and serves mgcd's IAM; mgcd ignored libss7's
        self.expect([r"glare: our IAM crosses mgcd's on cic 1\b", r"tx IAM cic 1 called 3101",
                     r"event dual-seizure-lost cic 1\b", r"rx IAM cic 1 opc 17 called 12345",
                     r"tx ACM cic 1\b", r"tx ANM cic 1\b", r"rx REL cic 1 cause 16"])
        self.idle()
        self.step("dual seizure, mgcd loses (cic 2, even: libss7 controls)")
        # mgcd hunts the circuits it controls first (Q.764 §2.9.1.3): with its odd CICs blocked
        # by libss7 (CGB with the odd status bits), it takes CIC 2
        self.ss7("cgb 1 31 odd")
        self.expect([r"rx CGBA cic 1 range 30"])
        p = self.sipp("uas_answer.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=200,
                      WAIT=15000)
        self.ss7("glare 3005 4441000 800")
        self.sipp("uac_call.xml", SIPP_UAC, CALLED="12346", CALLING="5551234", HOLD=500)
        # libss7's call goes on to SIP and is answered there ...
        self.expect([r"glare: our IAM crosses mgcd's on cic 2\b", r"tx IAM cic 2 called 3005",
                     r"rx ACM cic 2\b", r"rx ANM cic 2\b", r"tx REL cic 2 cause 16",
                     r"rx RLC cic 2\b"], timeout=15)
        # ... and mgcd repeats its own on another circuit (not 2: taken; the odd ones blocked)
        self.expect([r"rx IAM cic 4 opc 17 called 12346", r"tx ANM cic 4\b",
                     r"rx REL cic 4 cause 16"], timeout=15)
        self.sipp_done(p, 20)
        self.ss7("cgu 1 31 odd")
        self.expect([r"rx CGUA cic 1 range 30"])
        log = self.lab.proc("mgcd-a").text()
        check("circuit lost to dual seizure" in log, "mgcd did not log the dual seizure it lost")
        self.idle()

    def t7_expiry(self):
        """T7 (Q.764 Annex A: no ACM within 20-30 s after the IAM): each exchange's
        own expiry, and the cause its REL carries: mgcd 102, libss7 31 (docs/interop.md)."""
        self.step("mgcd's T7: libss7 silent, REL cause 102 -> 504")
        self.sipp("uac_fail.xml", SIPP_UAC, CALLED="199901", CALLING="5551234", CODE=504,
                  WAIT=10000)
        self.expect([r"rx IAM cic (\d+) opc 17 called 199901", r"silent cic",
                     r"rx REL cic \d+ cause 102", r"tx RLC"])
        self.idle()
        self.step("libss7's T7: SIP never alerts, REL cause 31 -> CANCEL")
        p = self.sipp("uas_trying.xml", SIPP_UAS_PLAIN, remote=None, background=True,
                      WAIT=15000)
        self.ss7("call 8 3008 4441000")
        self.expect([r"tx IAM cic 8 called 3008", r"event hangup cic 8 cause 31",
                     r"tx REL cic 8 cause 31", r"rx RLC cic 8\b"], timeout=LIBSS7_T7_MS / 1000 + 8)
        self.sipp_done(p, 20)
        self.idle()

    def finish_lab(self):
        circuits = self.mgcd("show circuits")
        self.circuits_idle(circuits, "a")
        lab = self.lab
        peer = lab.proc("ss7-peer")
        rc = lab.stop(peer)
        check(rc == 0, "ss7-peer exit status %s (3: calls left)" % rc)
        lab.stop_all()
        summary = [l for l in self.ss7_log().splitlines() if " summary " in l]
        print(summary[-1] if summary else "no summary", flush=True)
        check(summary and " bad-frames 0 " in summary[-1] and " alignments 1 " in summary[-1],
              "the MTP2 link realigned or saw bad frames: %s" % summary)
        evs = lab.events()
        n = count(evs, "ISUP", "IAM")
        check(n >= 10, "tshark found %d IAMs on M3UA" % n)
        bad = lab.malformed()
        check(not bad, "malformed or suspicious packets:\n" + "\n".join(bad))
        errors = [l for l in self.ss7_log().splitlines() if "libss7 ERROR" in l]
        print("libss7 errors: %d" % len(errors), flush=True)
        for l in errors[:20]:
            print("  " + l)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--keep")
    ap.add_argument("variant", choices=["itu", "ansi"])
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    for tool in ("sipp", "osmo-mgw", "tshark", "dumpcap"):
        if not shutil.which(tool):
            print("skipped: %s is not installed" % tool)
            return 77
    if not os.path.exists(os.path.join(args.bin, "ss7-peer")):
        print("skipped: ss7-peer not built (libss7-dev missing)")
        return 77
    if args.variant == "ansi":
        # tshark reads ISUP in the MTP3 standard it is told (ANSI: 24-bit point codes, T1.113)
        base = lablib.tshark_args
        lablib.tshark_args = lambda: base() + ["-o", "mtp3.standard:ANSI"]
    s = Libss7Lab(args)
    t0 = time.time()
    try:
        s.start()
        s.maintenance_from_libss7()
        s.sip_to_pstn()
        s.pstn_to_sip()
        s.dual_seizure()
        s.t7_expiry()
        s.maintenance_from_mgcd()
        s.idle()
        s.finish_lab()
    except TestFailure as e:
        print("FAIL: %s" % e)
        print("---- ss7-peer log (tail)")
        print(s.ss7_log()[-4000:] if os.path.exists(s.log_path) else "(none)")
        for p in s.lab.procs:
            print("---- %s (tail)\n%s" % (p.name, p.text()[-2000:]))
        s.lab.stop_all()
        return 1
    finally:
        s.lab.stop_all()
    print("PASS libss7 %s in %.1f s" % (args.variant, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
