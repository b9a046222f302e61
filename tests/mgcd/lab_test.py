#!/usr/bin/env python3
"""mgcd integration tests: mgcd between real peers on 127.0.0.1, every byte checked by tshark.

  lab_test.py --bin BUILD/bin SCENARIO [--keep DIR]

The lab (tests/mgcd/configs): mgcd A (0.2.1) with its far exchange pstn-sim A (0.2.2) over M3UA
on usrsctp/UDP, osmo-mgw as the MGCP media gateway, SIPp as SIP and SIP-T callers and callees,
baresip with real RTP, Kamailio in front; for the RFC 3372 case a second mgcd B (0.2.3) with its
own pstn-sim B (0.2.4). Each scenario places its calls, then checks what the wire carried (the
capture read back by tshark: the ladder, causes, no malformed packet), the CDRs, and that every
circuit on both sides is idle at the end (mgcd's `show circuits`, pstn-sim's summary).
Exit 0: pass; 1: fail (the ladder and logs are printed); 77: skipped (a peer is missing).
"""
import argparse
import glob
import re
import csv
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from lablib import (Lab, TestFailure, check, count, expect_order, fail, select,  # noqa: E402
                    show, vty)
sys.path.insert(0, HERE)
import sip_auth  # noqa: E402
import prometheus  # noqa: E402
import sip_edge  # noqa: E402

MGCD_A_VTY, MGCD_B_VTY = 4260, 4261
SIM_A_VTY, SIM_B_VTY = 4262, 4263
SIP_A, SIP_B = 5060, 5062
# SIPp's ports; each one is a peer of its own in mgcd-a.cfg (SIP-T or plain, trusted or not)
SIPP_UAS_T, SIPP_UAC_T, SIPP_UAS_PLAIN, SIPP_UNTRUSTED, SIPP_UAC = 5070, 5071, 5072, 5073, 5074
SIPP_UAS_PLAIN2 = 5075  # a second plain callee (route advance)
# Test timers (lab-timers in the configs): mgcd T7 3 s, T9 4 s.
T7_MS, T9_MS = 3000, 4000


class Scenario:
    def __init__(self, args, name):
        self.args = args
        self.lab = Lab(args.bin, name, args.keep, os.path.join(HERE, "configs"))
        self.name = name

    # ---- starting the lab -------------------------------------------------------------------
    def start(self, originate="", pstn_t7=60000, pstn_t9=T9_MS, two=False, kamailio=False,
              cics=((1, 31),), mg="mgcp", transit=False, mgcd_prefix=(), extra="",
              keepalive=None, sim_cics=None, extra_b="", sim_b_rules=""):
        lab = self.lab
        lab.vars["EXTRA_B"] = extra_b
        lab.vars["SIM_B_RULES"] = sim_b_rules
        lab.vars["CIC_RANGES"] = "\n".join(" cic-range %d %d" % r for r in cics)
        lab.vars["TRANSIT"] = ""
        lab.vars["EXTRA"] = extra
        if transit:
            # mgcd's two trunk groups toward pstn-sim A: pstn-a CICs 1-15, pstn-a2 16-31; route 7
            # (first digit stripped) goes from the PSTN to pstn-a2. pstn-sim keeps all 31 circuits
            # in one group and originates on its own even CICs (it has the higher point code).
            sim_cics = lab.vars["CIC_RANGES"]
            lab.vars["CIC_RANGES"] = " cic-range 1 15"
            lab.vars["TRANSIT"] = ("trunk-group pstn-a2\n dpc 0.2.2\n cic-range 16 31\n"
                                   " media-gateway mgw\n endpoint-rule rtpbridge/{nx}\n"
                                   " endpoint-framing linear\n hunting sequential\n"
                                   "route 7\n strip 1\n target trunk-group pstn-a2")
        lab.start_capture()
        if mg == "mgcp":
            lab.vars["MEDIA_GATEWAY"] = ("media-gateway mgw\n protocol mgcp\n"
                                         " address 127.0.0.1 2427\n domain mgw")
            if keepalive:
                lab.vars["MEDIA_GATEWAY"] += "\n keepalive interval %d failures %d" % keepalive
            lab.vars["ENDPOINT_RULE"] = " endpoint-rule rtpbridge/{nx}\n endpoint-framing linear"
            self.start_osmo_mgw()
        else:
            self.start_megaco_mg(tcp=mg == "h248-tcp")
        self.start_sim("a", originate, pstn_t7, pstn_t9, cics=sim_cics)
        self.start_mgcd("a", prefix=mgcd_prefix)
        if mg.startswith("h248"):
            lab.start("megaco-mg", self.megaco_argv)
        if two:
            self.start_sim("b", "", 60000, T9_MS)
            self.start_mgcd("b")
        if kamailio:
            self.start_kamailio()
        # circuits reset at start-up: GRS/GRA, or RSC/RLC for a lone circuit (Q.764 §2.9.3)
        lab.wait_log(lab.proc("pstn-sim-a"), r"rx cic \d+ (GRA|RLC)", 20)
        if two:
            lab.wait_log(lab.proc("pstn-sim-b"), r"rx cic \d+ GRA", 20)
        time.sleep(0.3)

    def start_osmo_mgw(self):
        """osmo-mgw on 127.0.0.1:2427. Its VTY port (4243) is fixed: while another instance
        still holds it (one ending, or a test outside this lock) it exits at once, so retry."""
        lab = self.lab
        end = time.time() + 30
        while True:
            mgw = lab.start("osmo-mgw", ["osmo-mgw", "-c", os.path.join(HERE, "configs",
                                                                       "osmo-mgw.cfg")])
            try:
                lab.wait_log(mgw, "Configured for MGCP", 5)
                return mgw
            except TestFailure:
                if time.time() > end or "Address already in use" not in mgw.text():
                    raise
                lab.stop(mgw)
                lab.procs.remove(mgw)
                time.sleep(1)

    def start_megaco_mg(self, tcp=False, name="mgw"):
        """The Erlang/OTP megaco media gateway of the H.248 tests (tests/h248/integration):
        H.248 v1 compact text over UDP from 127.0.0.1:2945, or over TCP (H.248.1 Annex D.2,
        TPKT framing) on a connection it opens, registering with mgcd on 2944."""
        lab = self.lab
        if not shutil.which("erlc"):
            raise Skip("erlc is not installed (erlang-dev)")
        lab.vars["MEDIA_GATEWAY"] = ("media-gateway %s\n protocol h248\n"
                                     " address 127.0.0.1 2945\n encoding text" % name +
                                     ("\n transport tcp" if tcp else ""))
        lab.vars["ENDPOINT_RULE"] = " endpoint-rule tdm/{cic}"
        src = os.path.join(HERE, "..", "h248", "integration", "mg_peer.erl")
        subprocess.run(["erlc", "-o", lab.work, src], check=True, timeout=120)
        self.megaco_argv = ["erl", "-noshell", "-pa", lab.work, "-run", "mg_peer", "start",
                            "2944", "2945", "1", "compact", "100", "tcp" if tcp else "udp"]

    def start_sim(self, side, originate, t7, t9, cics=None):
        lab = self.lab
        extra = {"CIC_RANGES": cics} if cics else {}
        cfg = lab.render("pstn-sim-%s.cfg" % side, "pstn-sim-%s.cfg" % side,
                         ORIGINATE=originate, PSTN_T7=t7, PSTN_T9=t9, **extra)
        port = SIM_A_VTY if side == "a" else SIM_B_VTY
        lab.start("pstn-sim-" + side, [
            os.path.join(lab.bin, "pstn-sim"), "-c", cfg, "--log-isup", "--vty-port", str(port),
            "--summary-file", lab.path("summary-%s.txt" % side),
            "--isup-trace", lab.path("trace-%s.jsonl" % side)])

    def start_mgcd(self, side, prefix=()):
        lab = self.lab
        cfg = lab.render("mgcd-%s.cfg" % side, "mgcd-%s.cfg" % side)
        port = MGCD_A_VTY if side == "a" else MGCD_B_VTY
        p = lab.start("mgcd-" + side, list(prefix) + [os.path.join(lab.bin, "mgcd"), "-c", cfg,
                                                      "--vty-port", str(port)])
        lab.wait_log(p, "running")

    def start_kamailio(self):
        lab = self.lab
        if not shutil.which("kamailio"):
            raise Skip("kamailio is not installed")
        run = lab.path("kamailio-run")
        os.makedirs(run, exist_ok=True)
        cfg = lab.path("kamailio.cfg")  # Kamailio's own $variables: copied, not rendered
        shutil.copy(os.path.join(HERE, "configs", "kamailio.cfg"), cfg)
        p = lab.start("kamailio", ["kamailio", "-DD", "-E", "-f", cfg, "-Y", run, "-P",
                                   os.path.join(run, "pid"), "-m", "64", "-M", "8"])
        lab.wait_log(p, r"SO_RCVBUF is finally", 15)
        time.sleep(0.5)

    # ---- SIPp -------------------------------------------------------------------------------
    def sipp_file(self, scenario, **vars_):
        """Renders sipp/SCENARIO with $VARS into the work directory; copies the ISUP bodies."""
        lab = self.lab
        data = os.path.join(HERE, "data")
        for f in os.listdir(data):
            if f.endswith(".bin"):
                shutil.copy(os.path.join(data, f), lab.work)
        import string
        with open(os.path.join(HERE, "sipp", scenario)) as f:
            text = string.Template(f.read()).safe_substitute(vars_)
        out = lab.path("%s-%d.xml" % (scenario[:-4], len(os.listdir(lab.work))))
        with open(out, "w") as f:
            f.write(text)
        return out

    def sipp(self, scenario, port, remote="127.0.0.1:%d" % SIP_A, calls=1, rate=None, life=60,
             background=False, name=None, **vars_):
        lab = self.lab
        sf = self.sipp_file(scenario, **vars_)
        name = name or "sipp-%d" % port
        argv = ["sipp", "-sf", sf, "-i", "127.0.0.1", "-p", str(port), "-m", str(calls),
                "-nostdin", "-timeout", str(life - 5), "-trace_err", "-trace_msg",
                "-message_file", lab.path(name + ".msg"), "-error_file",
                lab.path(name + ".err")]
        if rate:
            argv += ["-r", str(rate)]
        if remote:
            argv.append(remote)
        p = lab.start(name, argv, life=life)
        if background:
            time.sleep(0.3)
            return p
        rc = lab.wait_exit(p, life + 5)
        check(rc == 0, "%s (%s) exited %s" % (name, scenario, rc))
        return p

    def pstn_call(self, called, uas, port=None, hold=0, cause=16, start=None, **vars_):
        """A call from pstn-sim to CALLED, answered (or not) by the SIPp scenario UAS on PORT;
        the lab started with START's options; ends with finish()."""
        self.start(originate=orig(called, hold=hold, cause=cause), **(start or {}))
        p = self.sipp(uas, port or SIPP_UAS_PLAIN, remote=None, background=True, **vars_)
        self.originate()
        self.sipp_done(p, 30)
        self.finish()

    def sipp_done(self, p, timeout=60):
        rc = self.lab.wait_exit(p, timeout)
        check(rc == 0, "%s exited %s" % (p.name, rc))

    # ---- the two exchanges' VTYs --------------------------------------------------------------
    def sim(self, *cmds, side="a"):
        return vty(SIM_A_VTY if side == "a" else SIM_B_VTY, *cmds)

    def mgcd(self, *cmds, side="a"):
        return vty(MGCD_A_VTY if side == "a" else MGCD_B_VTY, *cmds)

    def originate(self, side="a"):
        self.sim("call", side=side)

    def wait_media_gateway(self, service, timeout, name="mgw"):
        """Until `show media-gateways` says NAME's circuits are in SERVICE (in-service,
        draining, out-of-service); returns the text."""
        end = time.time() + timeout
        out = ""
        while time.time() < end:
            out = self.mgcd("show media-gateways")
            if re.search(r"media-gateway %s: .*, circuits %s" % (name, service), out):
                return out
            time.sleep(0.2)
        fail("media gateway %s's circuits not %s:\n%s" % (name, service, out))

    def wait_calls_gone(self, side="a", timeout=15):
        end = time.time() + timeout
        out = ""
        while time.time() < end:
            out = self.mgcd("show calls", side=side)
            if re.search(r"(^|\n)\s*0 calls", out) or "no calls" in out.lower():
                return
            time.sleep(0.3)
        fail("mgcd %s still has calls:\n%s" % (side, out))

    # ---- the end of every scenario -------------------------------------------------------------
    def finish(self, sides=("a",), excused=None):
        """Every circuit idle on both sides, calls gone, pstn-sim's summary clean; then stops the
        lab and reads the capture (`excused(line)`: a packet tshark may find wrong, one the test
        sent malformed on purpose)."""
        lab = self.lab
        for s in sides:
            self.wait_calls_gone(s)
            circuits = self.mgcd("show circuits", side=s)
            self.circuits_idle(circuits, s)
        self.summaries = {}
        for s in sides:
            sim = lab.proc("pstn-sim-" + s)
            rc = lab.stop(sim, signal.SIGTERM, 8)
            self.summaries[s] = self.summary(s)
            nidle = self.summaries[s].get("circuits.not-idle", "?")
            check(nidle == "none", "pstn-sim %s: circuits not idle: %s" % (s, nidle))
            check(rc == 0, "pstn-sim %s exit status %s (3: circuits busy, 4: calls failed)" %
                  (s, rc))
        lab.stop_all()
        self.evs = lab.events()
        bad = [line for line in lab.malformed() if not (excused and excused(line))]
        check(not bad, "malformed or suspicious packets:\n" + "\n".join(bad))
        self.cdrs = {s: self.read_cdr(s) for s in sides}

    # libosmocore log lines as mgcd's default stderr target writes them (DESIGN.md "Logging and
    # alarms"): extended timestamp, category, level.
    LOG_LINE = re.compile(r"^\d{17} (D[A-Z0-9]+) (DEBUG|INFO|NOTICE|ERROR|FATAL) (.*)$", re.M)

    def check_log(self, side="a", calls=1, startup=40, per_call=8):
        """mgcd's stderr log at the default levels: the M3UA ASP came up and the media gateway
        went into service, each said once, and it is not flooded: at most `startup` lines plus
        `per_call` per call (start-up, the lines of each layer, the alarms raised and cleared
        while the peers come up)."""
        text = self.lab.proc("mgcd-" + side).text()
        lines = self.LOG_LINE.findall(text)
        check(any(c == "DM3UA" and "M-ASP_ACTIVE.cnf" in t for c, _, t in lines),
              "mgcd %s log: no M3UA ASP-ACTIVE line:\n%s" % (side, text[-3000:]))
        check(any(c in ("DMGCP", "DH248") and re.match(r"media gateway \S+ .*in service", t)
                  for c, _, t in lines),
              "mgcd %s log: no media gateway in-service line:\n%s" % (side, text[-3000:]))
        check(not any(lv == "DEBUG" for _, lv, _ in lines), "mgcd %s log: debug lines at the "
              "default levels" % side)
        # Each call's lines name it (DESIGN.md "Logging and alarms"): reference, trunk group and
        # CIC once it has a circuit, Call-ID once it has a SIP leg; the call's events at info.
        cc = [t for c, lv, t in lines if c == "DCC"]
        ctx = re.compile(r"^call \d+ tg \S+ cic \d+ call-id \S+: ")
        for event in ("routed to", "answered", "released: cause"):
            check(any(ctx.match(t) and event in t for t in cc),
                  "mgcd %s log: no call-control line '%s' with its call context:\n%s" %
                  (side, event, "\n".join(cc)))
        check(len(cc) <= 6 * calls, "mgcd %s log: %d call-control lines for %d call(s)" %
              (side, len(cc), calls))
        limit = startup + per_call * calls
        check(len(lines) <= limit, "mgcd %s log: %d lines for %d call(s), more than %d:\n%s" %
              (side, len(lines), calls, limit, "\n".join(" ".join(l) for l in lines[-60:])))

    def circuits_idle(self, text, side):
        """Every "cic N STATE [blocking]" line of `show circuits` says idle and unblocked."""
        busy, seen = [], 0
        for line in text.splitlines():
            m = re.match(r"\s*cic\s+(\d+)\s+(\S+)(.*)", line)
            if not m:
                continue
            seen += 1
            rest = m.group(3).replace("(controls glare)", "").strip()
            if m.group(2) != "idle" or rest:
                busy.append(line.strip())
        check(seen > 0, "mgcd %s: no circuits in:\n%s" % (side, text))
        check(not busy, "mgcd %s: circuits not idle:\n%s" % (side, "\n".join(busy)))

    def summary(self, side):
        out = {}
        try:
            with open(self.lab.path("summary-%s.txt" % side)) as f:
                for line in f:
                    parts = line.split(None, 1)
                    if len(parts) == 2:
                        out[parts[0]] = parts[1].strip()
        except OSError:
            pass
        return out

    def read_cdr(self, side):
        path = self.lab.path("cdr-%s.csv" % side)
        end = time.time() + 5
        while time.time() < end and not os.path.exists(path):
            time.sleep(0.1)
        if not os.path.exists(path):
            return []
        with open(path, newline="") as f:
            return list(csv.DictReader(f))

    def cdr(self, side="a", n=1):
        rows = self.cdrs[side]
        check(len(rows) == n, "mgcd %s wrote %d CDRs, expected %d: %s" % (side, len(rows), n, rows))
        return rows

    def expect_cdr(self, row, **want):
        for k, v in want.items():
            check(k in row, "CDR has no field %s: %s" % (k, row))
            got = row[k]
            if v == "*":
                check(got != "", "CDR field %s is empty: %s" % (k, row))
            elif v == "":
                check(got == "", "CDR field %s is %r, expected empty" % (k, got))
            else:
                check(got == str(v), "CDR field %s is %r, expected %r: %s" % (k, got, v, row))

    def sim_count(self, key, side="a"):
        return int(self.summaries[side].get(key, "0").split()[0])

    def isup(self, what, cic=None):
        return [e for e in self.evs if e["proto"] == "ISUP" and e["what"] == what and
                (cic is None or e["cic"] == cic)]

    def rel_causes(self):
        """Q.850 causes of the RELs on M3UA, in order."""
        out = subprocess.run(["tshark", "-r", self.lab.capture_file, "-n"] +
                             self.lab.tshark_args() + ["-Y", "isup.message_type == 12 && m3ua",
                                                       "-T", "fields", "-e", "isup.cause_indicator"],
                             capture_output=True, text=True, timeout=60).stdout
        return [int(c) for line in out.split() for c in line.split(",") if c]


class Skip(Exception):
    pass


# ================================================================================================
# SIP -> PSTN
def sip_to_pstn_answered(s):
    s.start()
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=1000)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "MGCP CRCX", "ISUP IAM", "ISUP ACM", "SIP 180",
                         "ISUP ANM", "SIP 200", "SIP ACK", "SIP BYE", "ISUP REL",
                         "ISUP RLC", "MGCP DLCX"], "answered")
    check([e for e in select(s.evs, "SIP", "200") if e["cseq"] == "BYE"], "no 200 to the BYE")
    check(s.rel_causes() == [16], "REL causes %s, expected [16]" % s.rel_causes())
    row = s.cdr()[0]
    s.expect_cdr(row, direction="sip-to-pstn", called="12345", calling="5551234",
                 trunk_group="pstn-a", cic="*", cause=16, released_by="sip", answer_utc="*")
    check(int(row["duration_ms"]) >= 900, "CDR duration %s ms for a 1 s call" % row["duration_ms"])
    check(s.sim_count("calls.answered") == 1, "pstn-sim answered %d" % s.sim_count("calls.answered"))
    s.check_log(calls=1)


def sip_to_pstn_busy(s):
    s.start()
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="148601", CALLING="5551234", CODE=486, WAIT=10000)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP REL", "SIP 486", "SIP ACK"], "busy")
    check(s.rel_causes() == [17], "REL causes %s" % s.rel_causes())
    check(count(s.evs, "ISUP", "RLC") == 1, "one RLC")
    s.expect_cdr(s.cdr()[0], cause=17, released_by="pstn", answer_utc="", duration_ms=0)


def sip_to_pstn_unallocated(s):
    s.start()
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="140401", CALLING="5551234", CODE=404, WAIT=10000)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP REL", "SIP 404", "SIP ACK"], "404")
    check(s.rel_causes() == [1], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=1, released_by="pstn", answer_utc="")


def sip_to_pstn_no_answer(s):
    """The PSTN rings for ever: mgcd's T9 (4 s here) releases with cause 19 (Q.764 §2.1.4.5? /
    §2.2.1.1 awaiting answer) and the SIP caller gets 480 (RFC 3398 §7.2.6.1? cause 19)."""
    s.start()
    t0 = time.time()
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="148001", CALLING="5551234", CODE=480, WAIT=15000)
    took = time.time() - t0
    s.finish()
    # after mgcd's REL, its 480 and pstn-sim's RLC may cross in either order
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP ACM", "SIP 180", "ISUP REL", "SIP 480"],
                 "no answer")
    expect_order(s.evs, ["ISUP REL", "ISUP RLC"], "no answer (RLC)")
    check(s.rel_causes() == [19], "REL causes %s" % s.rel_causes())
    acm = s.isup("ACM")[0]["t"]
    rel = s.isup("REL")[0]["t"]
    check(T9_MS / 1000 - 0.5 <= rel - acm <= T9_MS / 1000 + 1.5,
          "REL %.1f s after the ACM, T9 is %.1f s" % (rel - acm, T9_MS / 1000))
    s.expect_cdr(s.cdr()[0], cause=19, released_by="gateway", answer_utc="")
    del took


def sip_caller_cancels(s):
    s.start()
    s.sipp("uac_cancel.xml", SIPP_UAC, CALLED="148002", CALLING="5551234", HOLD=800)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP ACM", "SIP 180", "SIP CANCEL",
                         "ISUP REL", "ISUP RLC", "MGCP DLCX"], "cancel")
    check(select(s.evs, "SIP", "487"), "no 487 to the INVITE")
    check(s.rel_causes() == [16], "REL causes %s (RFC 3398 §8.2.3? CANCEL -> 16)" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="")


def pstn_callee_releases_first(s):
    """The PSTN party hangs up first (pstn-sim rule 1777: REL 16 one second after the answer):
    mgcd answers the REL with RLC and sends BYE to the SIP caller."""
    s.start()
    s.sipp("uac_far_bye.xml", SIPP_UAC, CALLED="177701", CALLING="5551234", WAIT=10000)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP ANM", "SIP 200", "SIP ACK", "ISUP REL",
                         "SIP BYE", "SIP 200"], "far release")
    expect_order(s.evs, ["ISUP REL", "ISUP RLC"], "far release (RLC)")
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="pstn", answer_utc="*")


def pstn_silent_t7(s):
    """The far exchange never answers the IAM (rule 1999: silent): mgcd's T7 (3 s) releases the
    call (Q.764 §2.1.4.3? / §2.4.1? awaiting address complete) and the caller gets a final error."""
    s.start()
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="199901", CALLING="5551234", CODE=504, WAIT=15000)
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP REL", "SIP 504"], "T7")
    expect_order(s.evs, ["ISUP REL", "ISUP RLC"], "T7 (RLC)")
    iam = s.isup("IAM")[0]["t"]
    rel = s.isup("REL")[0]["t"]
    check(T7_MS / 1000 - 0.5 <= rel - iam <= T7_MS / 1000 + 1.5,
          "REL %.1f s after the IAM, T7 is %.1f s" % (rel - iam, T7_MS / 1000))
    check(count(s.evs, "ISUP", "ACM") == 0, "an ACM?")
    s.expect_cdr(s.cdr()[0], cause=102, released_by="gateway", answer_utc="")


# ================================================================================================
# PSTN -> SIP
ORIG = """originate
 called {called}
 called-nai national
 calling 4441000
 calling-nai national
 rate 1
 total 1
 hold {hold}
 expect-cause {cause}
 start-delay 3600000
"""


def orig(called, hold=0, cause=16):
    return ORIG.format(called=called, hold=hold, cause=cause)


def pstn_to_sip_answered(s):
    s.pstn_call("3001", "uas_answer.xml", hold=1000, RING=200, WAIT=15000)
    expect_order(s.evs, ["ISUP IAM", "MGCP CRCX", "SIP INVITE", "SIP 180", "ISUP ACM", "SIP 200",
                         "ISUP ANM", "ISUP REL", "SIP BYE", "SIP 200"], "pstn to sip")
    expect_order(s.evs, ["SIP 200", "MGCP MDCX"], "pstn to sip (the answer's SDP to the gateway)")
    expect_order(s.evs, ["SIP 200", "SIP ACK", "ISUP REL", "ISUP RLC", "MGCP DLCX"],
                 "pstn to sip (ACK, RLC, DLCX)")
    inv = select(s.evs, "SIP", "INVITE")[0]
    check(not inv["isup"], "a plain SIP peer got an ISUP body")
    row = s.cdr()[0]
    s.expect_cdr(row, direction="pstn-to-sip", called="3001", calling="4441000", cause=16,
                 released_by="pstn", answer_utc="*")
    check(s.sim_count("calls.failed") == 0, "pstn-sim: calls failed")


def pstn_to_sip_busy(s):
    s.pstn_call("3002", "uas_fail.xml", cause=17, RING=100, CODE=486, PHRASE="Busy Here")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 486", "ISUP REL", "ISUP RLC"], "busy")
    expect_order(s.evs, ["SIP 486", "SIP ACK"], "busy (ACK)")
    check(s.rel_causes() == [17], "REL causes %s (RFC 3398 §8.2.6.1: 486 -> 17)" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=17, released_by="sip", answer_utc="")


def pstn_to_sip_unallocated(s):
    s.pstn_call("3003", "uas_fail.xml", cause=1, RING=100, CODE=404, PHRASE="Not Found")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 404", "ISUP REL", "ISUP RLC"], "404")
    check(s.rel_causes() == [1], "REL causes %s (404 -> 1)" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=1, released_by="sip", answer_utc="")


def pstn_to_sip_no_answer(s):
    """The SIP callee rings for ever: pstn-sim's T9 (4 s) releases with cause 19; mgcd cancels
    the INVITE (RFC 3398 §8.2.5? REL before answer -> CANCEL)."""
    s.pstn_call("3004", "uas_ring.xml", cause=19, WAIT=15000)
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 180", "ISUP ACM", "ISUP REL",
                         "SIP CANCEL", "SIP 487", "SIP ACK"], "no answer")
    check(s.rel_causes() == [19], "REL causes %s" % s.rel_causes())
    check(count(s.evs, "ISUP", "RLC") == 1, "one RLC")
    s.expect_cdr(s.cdr()[0], cause=19, released_by="pstn", answer_utc="")


def sip_callee_releases_first(s):
    s.pstn_call("3005", "uas_bye.xml", hold=0, RING=100, HOLD=1000)
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 200", "ISUP ANM", "SIP BYE", "ISUP REL",
                         "ISUP RLC", "MGCP DLCX"], "sip bye")
    expect_order(s.evs, ["SIP 200", "SIP ACK", "SIP BYE", "SIP 200"], "sip bye (ACK, 200)")
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="*")


def sip_peer_silent_timer_b(s):
    """Nobody listens at the SIP peer: the INVITE is retransmitted until Timer B (64*T1 = 32 s,
    RFC 3261 §17.1.1.2) ends it; mgcd releases the circuit (408 -> cause 102, RFC 3398 §8.2.6.1?)."""
    s.start(originate=orig("3006", cause=102))
    s.originate()
    time.sleep(36)
    s.finish()
    invites = select(s.evs, "SIP", "INVITE")
    check(len(invites) >= 6, "INVITE sent %d times (RFC 3261 §17.1.1.2 retransmits)" % len(invites))
    rel = s.isup("REL")
    check(rel, "no REL")
    check(30 <= rel[0]["t"] - invites[0]["t"] <= 34,
          "REL %.1f s after the first INVITE; Timer B is 32 s" % (rel[0]["t"] - invites[0]["t"]))
    check(s.rel_causes() == [102], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], released_by="gateway", answer_utc="")


# ================================================================================================
# SIP-T
def sipt_transparency(s):
    """A SIP-T IAM with ten optional parameters crosses mgcd into the PSTN unchanged but for what
    a tandem must change (RFC 3372 §5? / Q.764: the hop counter goes down by one; the CIC is
    added); pstn-sim's ACM/ANM reach the SIP-T caller in the 180/200 bodies."""
    s.start()
    s.sipp("uac_sipt.xml", SIPP_UAC_T, IAM="iam_rich.bin", CHECK_ISUP="true", CALLED="12345")
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP ACM", "SIP 180", "ISUP ANM", "SIP 200",
                         "SIP BYE", "ISUP REL", "ISUP RLC"], "sip-t")
    bye_ok = [e for e in select(s.evs, "SIP", "200") if e["cseq"] == "BYE"]
    check(bye_ok and bye_ok[0]["isup"] == ["RLC"], "the 200 to the SIP-T BYE carries no RLC")
    with open(os.path.join(HERE, "data", "iam_rich.bin"), "rb") as f:
        sent = f.read()
    got = first_trace(s.lab.path("trace-a.jsonl"), "rx", "IAM")
    compare_iam(decode(s.lab.bin, sent.hex()), got["message"], hop_delta=1)
    # the backward messages: what pstn-sim sent is what SIPp got in the bodies
    for resp, mt in (("180", "ACM"), ("200", "ANM")):
        e = [x for x in select(s.evs, "SIP", resp) if x["cseq"] == "INVITE"]
        check(e and mt in e[0]["isup"], "%s carries no %s: %s" % (resp, mt, e))
    s.expect_cdr(s.cdr()[0], cause=16, answer_utc="*")


def sipt_suspend_resume(s):
    """The PSTN suspends and resumes an answered call (pstn-sim rule 1555: SUS 0.5 s after the
    answer, RES 0.7 s later, Q.764 §2.5): the SIP-T caller gets each in an INFO with the ISUP body
    (RFC 3398 §9.1, RFC 3372 §5.4) and the call goes on to a normal release."""
    s.start()
    s.sipp("uac_sipt_info.xml", SIPP_UAC_T, IAM="iam_555.bin", CHECK_ISUP="true",
           CALLED="15551")
    s.finish()
    expect_order(s.evs, ["ISUP ANM", "SIP 200", "ISUP SUS", "SIP INFO", "ISUP RES", "SIP INFO",
                         "SIP BYE", "ISUP REL", "ISUP RLC"], "sus/res")
    infos = select(s.evs, "SIP", "INFO")
    check([i["isup"] for i in infos] == [["SUS"], ["RES"]],
          "INFO bodies %s" % [i["isup"] for i in infos])
    check(s.sim_count("calls.answered") == 1, "answered")
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="*")


def sipt_untrusted_ignored(s):
    """The same SIP-T INVITE from an untrusted peer: its ISUP body is not forwarded (RFC 3372
    §11 security): the IAM is built from the SIP headers, without the parameters only the body
    had (hop counter 31, redirection, generic number, access transport...)."""
    s.start()
    s.sipp("uac_sipt.xml", SIPP_UNTRUSTED, IAM="iam_rich.bin", CHECK_ISUP="false",
           CALLED="12345")
    s.finish()
    got = first_trace(s.lab.path("trace-a.jsonl"), "rx", "IAM")
    names = {p["name"] for p in got["message"]["parameters"]}
    for leak in ("access_transport", "generic_number", "redirection_information",
                 "propagation_delay_counter"):
        check(leak not in names, "untrusted body leaked %s into the PSTN" % leak)
    s.expect_cdr(s.cdr()[0], cause=16, answer_utc="*")


def pstn_to_sipt(s):
    s.pstn_call("2001", "uas_sipt.xml", hold=800, port=SIPP_UAS_T)
    inv = select(s.evs, "SIP", "INVITE")
    check(inv and inv[0]["isup"] == ["IAM"], "the INVITE to the SIP-T peer carries no IAM")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 180", "ISUP ACM", "SIP 200", "ISUP ANM",
                         "ISUP REL", "SIP BYE"], "pstn to sip-t")
    expect_order(s.evs, ["ISUP REL", "ISUP RLC"], "pstn to sip-t (RLC)")
    bye = select(s.evs, "SIP", "BYE")
    check(bye and bye[0]["isup"] == ["REL"], "the BYE to the SIP-T peer carries no REL")
    s.expect_cdr(s.cdr()[0], direction="pstn-to-sip", cause=16)


def two_gateways(s):
    """PSTN A -> mgcd A -> SIP-T -> mgcd B -> PSTN B (RFC 3372 §4? the SIP bridging case): the IAM
    pstn-sim A sent arrives at pstn-sim B with every parameter unchanged but the hop counter and
    the CIC, and the backward ACM/ANM/REL likewise."""
    s.start(originate=orig("6001", hold=1000), two=True)
    s.originate()
    time.sleep(4)
    s.finish(sides=("a", "b"))
    a_iam = first_trace(s.lab.path("trace-a.jsonl"), "tx", "IAM")
    b_iam = first_trace(s.lab.path("trace-b.jsonl"), "rx", "IAM")
    compare_iam(a_iam["message"], b_iam["message"], hop_delta=None)
    for mt in ("ACM", "ANM"):
        b_tx = first_trace(s.lab.path("trace-b.jsonl"), "tx", mt)
        a_rx = first_trace(s.lab.path("trace-a.jsonl"), "rx", mt)
        compare_params(b_tx["message"], a_rx["message"], mt)
    rel_a = first_trace(s.lab.path("trace-a.jsonl"), "tx", "REL")
    rel_b = first_trace(s.lab.path("trace-b.jsonl"), "rx", "REL")
    compare_params(rel_a["message"], rel_b["message"], "REL")
    inv = select(s.evs, "SIP", "INVITE", dst=SIP_B)
    check(inv and inv[0]["isup"] == ["IAM"], "mgcd A -> mgcd B INVITE without IAM")
    s.expect_cdr(s.cdr("a")[0], direction="pstn-to-sip", cause=16, answer_utc="*")
    s.expect_cdr(s.cdr("b")[0], direction="sip-to-pstn", cause=16, answer_utc="*")


def data_hex(name):
    with open(os.path.join(HERE, "data", name)) as f:
        return f.read().strip()


def isup_octets(lab):
    """Every ISUP message of the capture as (OPC, DPC, octets in hex without the CIC), in order,
    read by tshark from the M3UA DATA that carried it."""
    import json
    argv = ["tshark", "-r", lab.capture_file, "-n"] + lab.tshark_args() + [
        "-Y", "isup", "-T", "json", "-x", "--no-duplicate-keys"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
    found = []

    def labels(o, acc):
        if isinstance(o, dict):
            if "m3ua.protocol_data_opc" in o:
                acc.append((int(o["m3ua.protocol_data_opc"]), int(o["m3ua.protocol_data_dpc"])))
            for k, v in o.items():
                if k != "MTP3 equivalents":
                    labels(v, acc)
        elif isinstance(o, list):
            for v in o:
                labels(v, acc)
        return acc
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        raws = layers.get("isup_raw", [])
        if raws and not isinstance(raws[0], list):
            raws = [raws]
        pcs = labels(layers.get("m3ua", {}), [])
        check(len(pcs) == len(raws), "frame %s: %d M3UA DATA, %d ISUP messages" %
              (layers["frame"]["frame.number"], len(pcs), len(raws)))
        for (opc, dpc), raw in zip(pcs, raws):
            found.append((opc, dpc, raw[0][4:]))
    return found


# Point codes of the two-gateway lab (3-8-3): pstn-sim A 0.2.2, mgcd A 0.2.1, mgcd B 0.2.3,
# pstn-sim B 0.2.4.
PC_SIM_A, PC_MGCD_A, PC_MGCD_B, PC_SIM_B = 18, 17, 19, 20
HOP_COUNTER = "3d01"  # Q.763 §3.80: code 0x3d, one octet


def sipt_octets_two_gateways(s):
    """RFC 3372 PSTN -> SIP-T -> PSTN through two mgcd, octet for octet (issue 16 item 3):
    pstn-sim A sends the captured IAM of isup.cap (13 parameters, among them 0xf4, unknown to
    mgcd, whose compatibility information lets a transit exchange pass it on, Q.764 §2.9.5.3.2);
    pstn-sim B answers with ACM, CPG, ANM and releases with REL, each with an unknown parameter
    0xf6 of the same kind. On the wire (tshark's reading of the M3UA DATA): the IAM that reaches
    pstn-sim B is the one pstn-sim A sent but for the CIC and the hop counter the SIP-T network
    adds (Q.764 §2.15); each backward message reaches pstn-sim A as pstn-sim B sent it."""
    iam = data_hex("isup_cap_iam.hex")
    backward = {t: data_hex("%s_rich.hex" % t) for t in ("acm", "cpg", "anm", "rel")}
    originate = ("originate\n iam %s\n rate 1\n total 1\n hold 0\n expect-cause 16\n"
                 " start-delay 3600000\n" % iam)
    rules = ("rule 4891\n action answer\n cpg progress\n answer-after 400\n"
             " hangup-after 600\n" +
             "".join(" message %s %s\n" % (t, h) for t, h in backward.items()))
    s.start(originate=originate, two=True,
            extra="route 4891\n target sip-peer mgcd-b",
            extra_b="route 4891\n target trunk-group pstn-b", sim_b_rules=rules)
    s.originate()
    time.sleep(4)
    s.finish(sides=("a", "b"))
    msgs = isup_octets(s.lab)
    def one(opc, dpc, type_hex):
        got = [m for (o, d, m) in msgs if o == opc and d == dpc and m[:2] == type_hex]
        check(len(got) == 1, "%d messages of type %s from %d to %d" %
              (len(got), type_hex, opc, dpc))
        return got[0]
    sent = one(PC_SIM_A, PC_MGCD_A, "01")
    check(sent == iam, "pstn-sim A did not send the captured IAM:\n %s\n %s" % (sent, iam))
    got = one(PC_MGCD_B, PC_SIM_B, "01")
    # the one parameter added: the hop counter, last in the optional part (before its end octet)
    m = re.fullmatch(re.escape(iam[:-2]) + HOP_COUNTER + "([0-9a-f]{2})00", got)
    check(m and int(m.group(1), 16) < 32, "the IAM changed on its way:\n sent %s\n got  %s" %
          (iam, got))
    for t, h in backward.items():
        check(one(PC_SIM_B, PC_MGCD_B, h[:2]) == h, "pstn-sim B did not send its %s" % t)
        arrived = one(PC_MGCD_A, PC_SIM_A, h[:2])
        check(arrived == h, "the %s changed on its way:\n sent %s\n got  %s" % (t, h, arrived))
    s.expect_cdr(s.cdr("a")[0], direction="pstn-to-sip", cause=16, answer_utc="*")
    s.expect_cdr(s.cdr("b")[0], direction="sip-to-pstn", cause=16, answer_utc="*")


def kamailio_in_front(s):
    """mgcd's SIP-T INVITE goes through Kamailio (stateful proxy) to the SIP-T callee; Kamailio's
    sipt module reads the called number and the calling party's category from our ISUP body."""
    s.pstn_call("5001", "uas_sipt.xml", hold=800, port=SIPP_UAS_T, start={"kamailio": True})
    klog = s.lab.proc("kamailio").text()
    check("sipt INVITE called=5001 calling=4441000" in klog, "Kamailio's sipt did not read called 5001:\n" +
          klog[-2000:])
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP INVITE", "SIP 200", "ISUP ANM"], "kam")
    s.expect_cdr(s.cdr()[0], cause=16, answer_utc="*")


# ================================================================================================
# maintenance during calls
def block_unblock_mid_call(s):
    """BLO from mgcd's VTY on the circuit of an answered call: the call goes on (Q.764 §2.8.2.1:
    blocking does not release calls); after it ends the circuit stays blocked, the next call takes
    another circuit; UBL frees it."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=3000,
                  background=True)
    time.sleep(1.5)
    s.mgcd("block trunk-group pstn-a cic 1")
    s.sipp_done(call, 30)
    out = s.mgcd("show circuits pstn-a")
    check("block" in out.lower(), "cic 1 not shown blocked:\n" + out)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12346", CALLING="5551234", HOLD=300)
    s.mgcd("unblock trunk-group pstn-a cic 1")
    time.sleep(1)
    s.finish()
    expect_order(s.evs, ["ISUP IAM", "ISUP ANM", "ISUP BLO", "ISUP BLA", "ISUP REL", "ISUP RLC",
                         "ISUP IAM", "ISUP RLC", "ISUP UBL", "ISUP UBA"], "blocking")
    iams = s.isup("IAM")
    check(iams[0]["cic"] == 1 and iams[1]["cic"] != 1,
          "the second call took cic %d while cic 1 was blocked" % iams[1]["cic"])
    check(s.isup("BLO")[0]["cic"] == 1, "BLO on cic %d" % s.isup("BLO")[0]["cic"])
    for row in s.cdr(n=2):
        s.expect_cdr(row, cause=16, answer_utc="*")


def live_config_mid_call(s):
    """Issue 13: mgcd's configuration changed from the VTY while a call is up, none of it ending
    the call. Its circuit (CIC 1) is taken out of the trunk group: blocked at once (BLO; Q.764
    §2.8.2 leaves the call alone), the call finishes normally with its CDR, and the circuit stays
    blocked. A route added live takes the next call; a change that needs a restart (the M3UA
    port) says so and is marked as not in force; the circuit added back is unblocked (UBL)."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=4000,
                  background=True)
    time.sleep(1.5)
    out = s.mgcd("configure terminal", "trunk-group pstn-a", "no cic-range 1 31",
                 "cic-range 2 31", "exit", "route 777", "strip 3", "target trunk-group pstn-a",
                 "exit", "m3ua", "local-port 2999", "end")
    check("CICs 1-1 taken out: 1 draining" in out, "no drain of CIC 1 reported:\n" + out)
    check("routes: " in out, "the new route was not applied:\n" + out)
    check("m3ua changed: not applied, it needs a restart" in out, "no restart note:\n" + out)
    running = s.mgcd("show running-config")
    check(" cic-range 2 31" in running and "route 777" in running,
          "show running-config lacks what is in force:\n" + running)
    # kept as configured (so that `write` saves it), marked as not in force
    check("! m3ua: changed, in force once mgcd restarts" in running,
          "show running-config does not say the M3UA change is not in force:\n" + running)
    s.sipp_done(call, 30)
    circuits = s.mgcd("show circuits pstn-a")
    check(re.search(r"cic\s+1\s+idle\s.*local-maintenance removed", circuits),
          "CIC 1 not idle, blocked and removed after its call:\n" + circuits)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="77712346", CALLING="5551234", HOLD=300)
    out = s.mgcd("configure terminal", "trunk-group pstn-a", "cic-range 1 1", "end")
    check("CICs 1-1 in service" in out, "CIC 1 not back in service:\n" + out)
    time.sleep(1)
    s.finish()
    expect_order(s.evs, ["ISUP IAM", "ISUP ANM", "ISUP BLO", "ISUP BLA", "ISUP REL", "ISUP RLC",
                         "ISUP IAM", "ISUP RLC", "ISUP UBL", "ISUP UBA"], "live configuration")
    iams = s.isup("IAM")
    check(iams[0]["cic"] == 1 and iams[1]["cic"] != 1,
          "the second call took cic %d while cic 1 was out" % iams[1]["cic"])
    rows = s.cdr(n=2)
    for row in rows:
        s.expect_cdr(row, cause=16, answer_utc="*")
    # the second call exists only through route 777, added live (without it: 404, no IAM)
    check(rows[1]["called"] == "77712346", "second CDR called %s" % rows[1]["called"])


def far_blocks_mid_call(s):
    """The far exchange blocks the circuit of an answered call (BLO, then UBL): mgcd acknowledges
    and the call is not disturbed."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=3000,
                  background=True)
    time.sleep(1.5)
    s.sim("blo 1")
    s.sipp_done(call, 30)
    s.sim("ubl 1")
    time.sleep(1)
    s.finish()
    expect_order(s.evs, ["ISUP ANM", "ISUP BLO", "ISUP BLA", "ISUP REL", "ISUP RLC", "ISUP UBL",
                         "ISUP UBA"], "far blocking")
    s.expect_cdr(s.cdr()[0], cause=16, answer_utc="*")


def grs_during_calls(s):
    """The far exchange resets circuits 1..30 with two calls up (Q.764 §2.9.3.2): mgcd answers
    GRA, and clears both calls toward SIP with BYE."""
    s.start()
    calls = s.sipp("uac_far_bye.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", WAIT=15000,
                   calls=2, rate=10, background=True)
    time.sleep(2)
    s.sim("grs 1 29")
    s.sipp_done(calls, 30)
    s.finish()
    expect_order(s.evs, ["ISUP ANM", "ISUP ANM", "ISUP GRS", "SIP BYE", "SIP BYE"], "grs")
    expect_order(s.evs, ["ISUP ANM", "ISUP ANM", "ISUP GRS", "ISUP GRA"], "grs (GRA)")
    check(count(s.evs, "SIP", "BYE") == 2, "%d BYEs" % count(s.evs, "SIP", "BYE"))
    for row in s.cdr(n=2):
        # the reset ends the calls, not a party: temporary failure, cleared by the gateway
        s.expect_cdr(row, answer_utc="*", cause=41, released_by="gateway")


def dual_seizure(s):
    """Both exchanges seize circuit 1 at once (mgcd is frozen while SIP's INVITE and pstn-sim's
    IAM queue up, then thawed). Q.764 §2.9.1.4: the exchange with the higher point code (pstn-sim,
    0.2.2) controls the even circuits, mgcd the odd ones, so on cic 1 pstn-sim backs off and
    repeats its call on another circuit; both calls complete. Each side hunts the circuits it
    controls first (§2.9.1.4 b), so the group here has only odd circuits (1 and 3) for both to
    want cic 1."""
    for attempt in range(3):
        s.lab = Lab(s.args.bin, "%s-%d" % (s.name, attempt), s.args.keep and
                    "%s-%d" % (s.args.keep, attempt), os.path.join(HERE, "configs"))
        s.start(originate=orig("3007", hold=1000), cics=((1, 1), (3, 3)))
        uas = s.sipp("uas_answer.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=100,
                     WAIT=15000, name="sipp-uas")
        mg = s.lab.proc("mgcd-a")
        s.lab.send_signal(mg, signal.SIGSTOP)
        uac = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=1000,
                     background=True)
        s.originate()
        time.sleep(0.5)
        s.lab.send_signal(mg, signal.SIGCONT)
        s.sipp_done(uac, 30)
        s.sipp_done(uas, 30)
        s.finish()
        if s.sim_count("calls.dual-seizures") >= 1:
            break
        print("attempt %d: no dual seizure happened (mgcd read the IAM first); again" % attempt)
    check(s.sim_count("calls.dual-seizures") == 1, "dual seizure never provoked")
    check(s.sim_count("calls.reattempted") == 1, "pstn-sim did not repeat its call")
    iams_on_1 = [e for e in s.isup("IAM", cic=1)]
    check(len(iams_on_1) == 2, "expected two IAMs on cic 1 (the dual seizure): %d" %
          len(iams_on_1))
    for row in s.cdr(n=2):
        s.expect_cdr(row, cause=16, answer_utc="*")


def m3ua_peer_restart(s):
    """The far exchange restarts during an answered call (pstn-sim killed and started again): the
    SCTP association and the M3UA ASP come back, mgcd resets its circuits with GRS once the
    destination is available again (MTP-RESUME), the far end's own GRS clears the call on the
    SIP side (BYE), and every circuit ends idle."""
    s.start()
    call = s.sipp("uac_far_bye.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", WAIT=60000,
                  background=True, life=90)
    time.sleep(1.5)
    old = s.lab.proc("pstn-sim-a")
    s.lab.stop(old, signal.SIGKILL)
    s.lab.procs.remove(old)
    os.rename(old.log, old.log + ".1")
    restart = time.time()
    s.start_sim("a", "", 60000, T9_MS)
    s.lab.wait_log(s.lab.proc("pstn-sim-a"), r"rx cic \d+ GRS", 60)
    back = time.time() - restart
    s.sipp_done(call, 70)
    s.finish()
    grs_from_mgcd = [e for e in s.isup("GRS") if e["src"] == 9899]
    check(len(grs_from_mgcd) >= 2, "mgcd sent GRS %d times (start-up and after the restart)" %
          len(grs_from_mgcd))
    check(count(s.evs, "SIP", "BYE") == 1, "the call was not cleared toward SIP")
    s.expect_cdr(s.cdr()[0], answer_utc="*")
    print("M3UA back and GRS from mgcd %.1f s after the restart" % back)


def media_gateway_restart(s):
    """osmo-mgw dies during an answered call and comes back: the call ends cleanly (DLCX to a
    gateway that lost it), a call while it is away is refused (no media), and the next call after
    it is back completes; no circuit is left hung."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=2500,
                  background=True)
    time.sleep(1.2)
    mgw = s.lab.proc("osmo-mgw")
    s.lab.stop(mgw, signal.SIGKILL)
    s.sipp_done(call, 30)
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="12346", CALLING="5551234", CODE="503",
           WAIT=30000, life=60)
    s.lab.procs.remove(mgw)
    s.start_osmo_mgw()
    time.sleep(0.5)
    # Issue 13: the silent gateway's circuits were blocked (hardware CGB) once it was given up;
    # the next call waits until it answers again and they are unblocked.
    s.wait_media_gateway("in-service", 30)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12347", CALLING="5551234", HOLD=500)
    s.finish()
    check(count(s.evs, "ISUP", "IAM") == 2, "the call without media gateway must not seize a "
          "circuit (%d IAMs)" % count(s.evs, "ISUP", "IAM"))
    rows = s.cdr(n=3)
    s.expect_cdr(rows[0], answer_utc="*")
    s.expect_cdr(rows[1], answer_utc="", cause="*")
    s.expect_cdr(rows[2], cause=16, answer_utc="*")


def media_gateway_down_blocks_circuits(s):
    """Issue 13: osmo-mgw is killed during an answered call. Its keepalive (AUEP every second of
    silence, two unanswered) finds it gone: its trunk group's circuits are blocked toward
    pstn-sim for hardware failure (CGB, Q.764 §2.8.2.2), which releases the call at once (BYE
    with cause 41, no REL: hardware blocking idles the circuits at both ends), and a new call
    is refused with 503 (no circuit, cause 34). osmo-mgw back: it answers the probe, the
    circuits are unblocked (CGU, hardware) and a call completes."""
    s.start(keepalive=(1000, 2))
    call = s.sipp("uac_far_bye.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", WAIT=30000,
                  background=True, life=40)
    time.sleep(1.5)
    mgw = s.lab.proc("osmo-mgw")
    s.lab.stop(mgw, signal.SIGKILL)
    killed = time.time()
    s.lab.wait_log(s.lab.proc("pstn-sim-a"), r"rx cic 1 CGB range 30 hardware", 15)
    blocked = time.time() - killed
    s.sipp_done(call, 30)
    out = s.wait_media_gateway("out-of-service", 5)
    check("keepalive every 1000 ms" in out, "show media-gateways:\n" + out)
    check("media-gateway.mgw.down" in s.mgcd("show alarms"), "no media-gateway.mgw.down alarm")
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="12346", CALLING="5551234", CODE="503",
           WAIT=5000, life=20)
    s.lab.procs.remove(mgw)
    s.start_osmo_mgw()
    s.lab.wait_log(s.lab.proc("pstn-sim-a"), r"rx cic 1 CGU range 30 hardware", 20)
    s.wait_media_gateway("in-service", 5)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12347", CALLING="5551234", HOLD=500)
    counters = s.mgcd("show mgcp counters")
    s.finish()
    check(re.search(r"mgcp\.mgw\.service\.calls_released +1\b", counters),
          "service counters:\n" + counters)
    check(re.search(r"mgcp\.mgw\.call_agent\.keepalive_failures +[1-9]", counters),
          "keepalive counters:\n" + counters)
    # the call is released as the CGB is sent (the same instant on two interfaces)
    expect_order(s.evs, ["ISUP IAM", "ISUP ANM", "MGCP AUEP", "SIP BYE", "ISUP CGB", "ISUP CGBA",
                         "SIP 503", "ISUP CGU", "ISUP CGUA", "ISUP IAM", "ISUP ANM"],
                 "gateway down and back")
    check(count(s.evs, "ISUP", "IAM") == 2, "the call refused while the gateway was away seized a "
          "circuit (%d IAMs)" % count(s.evs, "ISUP", "IAM"))
    check(count(s.evs, "ISUP", "REL") == 1, "hardware blocking must release without REL "
          "(%d RELs)" % count(s.evs, "ISUP", "REL"))
    rows = s.cdr(n=3)
    s.expect_cdr(rows[0], answer_utc="*", cause=41)
    s.expect_cdr(rows[1], answer_utc="", cause=34)
    s.expect_cdr(rows[2], answer_utc="*", cause=16)
    print("circuits blocked %.1f s after osmo-mgw was killed" % blocked)


def media_gateway_added_live(s):
    """Issue 13: a media gateway and a trunk group on it added by `reload` while mgcd runs (the
    Erlang/OTP megaco MG over H.248, beside osmo-mgw): its circuits are reset (GRS) and a call
    routed to the new trunk group gets its TDM termination from the new MG (Add before the IAM)
    and completes. Taken out again by `reload`: the trunk group drains (BLO each circuit) and the
    MG's socket closes once idle."""
    s.start(cics=((1, 15),), sim_cics=" cic-range 1 31")
    if not shutil.which("erlc"):
        raise Skip("erlc is not installed (erlang-dev)")
    lab = s.lab
    src = os.path.join(HERE, "..", "h248", "integration", "mg_peer.erl")
    subprocess.run(["erlc", "-o", lab.work, src], check=True, timeout=120)
    cfg = lab.path("mgcd-a.cfg")
    with open(cfg) as f:
        base = f.read()
    added = base.replace("trunk-group pstn-a\n", "media-gateway mg2\n protocol h248\n"
                         " address 127.0.0.1 2945\n encoding text\n"
                         "trunk-group pstn-h\n dpc 0.2.2\n cic-range 16 31\n"
                         " media-gateway mg2\n endpoint-rule tdm/{cic}\n hunting sequential\n"
                         "route 8\n strip 1\n target trunk-group pstn-h\n"
                         "trunk-group pstn-a\n", 1)
    with open(cfg, "w") as f:
        f.write(added)
    out = s.mgcd("reload")
    check("media-gateway mg2: added" in out, "reload did not add mg2:\n" + out)
    check("trunk group pstn-h: added" in out, "reload did not add pstn-h:\n" + out)
    lab.wait_log(lab.proc("pstn-sim-a"), r"rx cic 16 GRS", 10)
    lab.start("megaco-mg", ["erl", "-noshell", "-pa", lab.work, "-run", "mg_peer", "start",
                            "2944", "2945", "1", "compact", "100", "udp"])
    end = time.time() + 20
    while time.time() < end and not re.search(r"media-gateway mg2: h248 in-service",
                                              s.mgcd("show media-gateways")):
        time.sleep(0.3)
    out = s.wait_media_gateway("in-service", 1, name="mg2")
    check("media-gateway mg2: h248 in-service" in out, "mg2 never registered:\n" + out)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="812345", CALLING="5551234", HOLD=500)
    with open(cfg, "w") as f:
        f.write(base)
    out = s.mgcd("reload")
    check("media-gateway mg2: removed" in out, "reload did not remove mg2:\n" + out)
    check("trunk group pstn-h: removed" in out, "reload did not drain pstn-h:\n" + out)
    end = time.time() + 10
    while time.time() < end and "mg2" in s.mgcd("show media-gateways"):
        time.sleep(0.3)
    check("mg2" not in s.mgcd("show media-gateways"), "mg2 still there after its calls ended")
    mlog = lab.proc("mgcd-a").text()
    check(re.search(r"MGC on UDP 127\.0\.0\.1:2944 closed", mlog) or "MGC on 127.0.0.1:2944 closed"
          in mlog, "the H.248 socket was not closed:\n" + mlog[-2000:])
    # pstn-h's circuits stay blocked (drained out of the configuration); pstn-a's are idle
    s.wait_calls_gone()
    s.circuits_idle(s.mgcd("show circuits pstn-a"), "a")
    out = s.mgcd("show circuits pstn-h")
    check(re.search(r"cic\s+16\s+idle\s.*local-maintenance removed", out),
          "pstn-h's CIC 16 not idle, blocked and removed:\n" + out)
    lab.stop_all()
    s.evs = lab.events()
    bad = lab.malformed()
    check(not bad, "malformed or suspicious packets:\n" + "\n".join(bad))
    expect_order(s.evs, ["ISUP GRS", "H248 ServiceChange", "SIP INVITE", "H248 Add", "ISUP IAM",
                         "ISUP ANM", "SIP BYE", "ISUP REL", "ISUP RLC", "H248 Subtract",
                         "ISUP BLO"], "mg added live")
    iam = s.isup("IAM")
    check(len(iam) == 1 and iam[0]["cic"] >= 16, "the call did not take a circuit of pstn-h: %s"
          % iam)
    rows = s.read_cdr("a")
    check(len(rows) == 1, "CDRs: %s" % rows)
    s.expect_cdr(rows[0], answer_utc="*", cause=16)


def h248_media_gateway(s, mg="h248"):
    """The trunk group's media gateway speaks H.248 (Erlang/OTP's megaco stack, a real MG): it
    registers (ServiceChange), a SIP -> PSTN and a PSTN -> SIP call each get their TDM
    termination and an RTP termination in a new context before the IAM / INVITE goes out, a
    Modify when the far SDP is known, and a Subtract of the context after the RLC."""
    s.start(originate=orig("3008", hold=800), mg=mg)
    deadline = time.time() + 10
    while time.time() < deadline and "ServiceChange" not in s.lab.proc("megaco-mg").text() and \
            "reachable" not in s.mgcd("show peers"):
        time.sleep(0.3)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=800)
    uas = s.sipp("uas_answer.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=100,
                 WAIT=15000)
    s.originate()
    s.sipp_done(uas, 30)
    s.finish()
    h = [e for e in s.evs if e["proto"] == "H248"]
    check(h, "no H.248 on the wire")
    check(any(e["what"] == "ServiceChange" for e in h), "the MG never registered")
    check(not [e for e in h if e["error"]], "H.248 errors: %s" % [e for e in h if e["error"]])
    expect_order(s.evs, ["SIP INVITE", "H248 Add", "ISUP IAM", "ISUP ANM", "SIP 200",
                         "SIP BYE", "ISUP REL", "ISUP RLC", "H248 Subtract"], "sip->pstn h248")
    expect_order(s.evs, ["ISUP IAM", "H248 Add", "SIP INVITE", "SIP 200", "ISUP ANM", "ISUP REL",
                         "ISUP RLC", "H248 Subtract"], "pstn->sip h248")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 200", "H248 Modify"], "h248 Modify")
    rows = s.cdr(n=2)
    for row in rows:
        s.expect_cdr(row, cause=16, answer_utc="*")


def h248_media_gateway_tcp(s):
    """The same calls with the megaco MG on TCP (H.248.1 Annex D.2: TPKT, RFC 1006, delimits
    the messages): it connects to mgcd's MGC port 2944 and registers with ServiceChange on
    ROOT over that connection, and every command and reply goes on it: no H.248 over UDP."""
    h248_media_gateway(s, mg="h248-tcp")
    h = [e for e in s.evs if e["proto"] == "H248"]
    check(h and all(e["tcp"] for e in h), "H.248 not all over TCP: %s" %
          [(e["what"], e["tcp"]) for e in h])
    check(h[0]["what"] == "ServiceChange", "the MG's first message on its connection was %s, not "
          "its registration" % h[0]["what"])


# ================================================================================================
# PSTN -> PSTN transit through mgcd (Q.764 §2.1-2.3 at a transit exchange)
TRANSIT_IN = range(1, 16)    # pstn-a: where pstn-sim's calls arrive
TRANSIT_OUT = range(16, 32)  # pstn-a2: where mgcd sends them on


def transit_call(s, called, cause, hold):
    """pstn-sim A calls CALLED (7...) on a circuit of mgcd's pstn-a; mgcd routes it to pstn-a2,
    back to pstn-sim A, whose rules answer the number without the 7 (or not). Returns the
    incoming and outgoing CICs after checking the wire both ways."""
    o = orig(called, hold=hold, cause=cause).replace(" start-delay", " hop-counter 20\n start-delay")
    s.start(originate=o, transit=True)
    s.originate()
    time.sleep(0.8)
    s.show_calls = s.mgcd("show calls")  # while it is up (answered calls last 1.2 s)
    time.sleep(3)
    s.finish()
    iams = s.isup("IAM")
    check(len(iams) == 2, "expected two IAMs (in and out), got %d" % len(iams))
    cin, cout = iams[0]["cic"], iams[1]["cic"]
    check(int(cin) in TRANSIT_IN and int(cout) in TRANSIT_OUT,
          "IAM in on CIC %s, out on CIC %s: not pstn-a then pstn-a2" % (cin, cout))
    tx = first_trace(s.lab.path("trace-a.jsonl"), "tx", "IAM")["message"]
    rx = first_trace(s.lab.path("trace-a.jsonl"), "rx", "IAM")["message"]
    # the IAM goes on as it came but for the CIC, the hop counter (Q.764 §2.1.12: one less) and
    # the called number (route 7: the first digit stripped)
    compare_params(tx, rx, "IAM", ignore=("hop_counter", "called_party_number"))
    check(params(rx)["hop_counter"]["hop_counter"] == 19,
          "hop counter %s -> %s" % (params(tx)["hop_counter"], params(rx)["hop_counter"]))
    sent_cdpn, got_cdpn = params(tx)["called_party_number"], params(rx)["called_party_number"]
    check(got_cdpn["address_signals"] == sent_cdpn["address_signals"][1:],
          "called %s -> %s" % (sent_cdpn["address_signals"], got_cdpn["address_signals"]))
    for k in set(sent_cdpn) | set(got_cdpn):  # nature of address, plan ... as they came
        if k not in ("address_signals", "odd_even_indicator", "part"):
            check(sent_cdpn.get(k) == got_cdpn.get(k), "called party number %s: %s -> %s" %
                  (k, sent_cdpn.get(k), got_cdpn.get(k)))
    # the media path: the incoming circuit's endpoint, the outgoing one toward it, the first
    # made two-way with the second's SDP, then the IAM out; both released after the RLCs
    expect_order(s.evs, ["ISUP IAM", "MGCP CRCX", "MGCP CRCX", "MGCP MDCX", "ISUP IAM"],
                 "transit setup")
    check(count(s.evs, "MGCP", "CRCX") == 2, "CRCX x%d" % count(s.evs, "MGCP", "CRCX"))
    check(count(s.evs, "MGCP", "DLCX") == 2, "DLCX x%d" % count(s.evs, "MGCP", "DLCX"))
    for cic in (cin, cout):
        check(len(s.isup("REL", cic)) == 1, "one REL on CIC %s" % cic)
        check(len(s.isup("RLC", cic)) == 1, "one RLC on CIC %s" % cic)
    rel_rlc_dlcx = [e for e in s.evs if (e["proto"] == "ISUP" and e["what"] in ("REL", "RLC"))
                    or (e["proto"] == "MGCP" and e["what"] == "DLCX")]
    check(rel_rlc_dlcx[-1]["what"] == "DLCX", "a DLCX before the last RLC: %s" %
          [(e["what"], e.get("cic")) for e in rel_rlc_dlcx])
    return cin, cout


def pstn_to_pstn_transit(s):
    """A PSTN call through mgcd to the PSTN (trunk group to trunk group): answered, the caller
    hangs up after a second; every backward message reaches the caller with its parameters as
    they came, the REL goes on with its cause, each side answers RLC for its own circuit."""
    cin, cout = transit_call(s, "71777", 16, hold=0)  # rule 1777: answer, callee hangs up 1 s later
    check(re.search(r"pstn-to-pstn pstn-a cic %d .* out pstn-a2 cic %d isup answered" % (cin, cout),
                    s.show_calls), "show calls during the call:\n" + s.show_calls)
    for mt in ("ACM", "ANM"):
        expect_order([e for e in s.evs if e["proto"] == "ISUP" and e["what"] == mt],
                     ["ISUP " + mt, "ISUP " + mt], mt)
        check([e["cic"] for e in s.isup(mt)] == [cout, cin], "%s out %s then in %s: %s" %
              (mt, cout, cin, [e["cic"] for e in s.isup(mt)]))
        compare_params(first_trace(s.lab.path("trace-a.jsonl"), "tx", mt)["message"],
                       first_trace(s.lab.path("trace-a.jsonl"), "rx", mt)["message"], mt)
    # the callee (pstn-sim on the outgoing circuit) releases first: REL out -> REL in, unchanged
    check([e["cic"] for e in s.isup("REL")] == [cout, cin], "REL order %s" % s.isup("REL"))
    compare_params(first_trace(s.lab.path("trace-a.jsonl"), "tx", "REL")["message"],
                   first_trace(s.lab.path("trace-a.jsonl"), "rx", "REL")["message"], "REL")
    check(s.rel_causes() == [16, 16], "REL causes %s" % s.rel_causes())
    row = s.cdr()[0]
    s.expect_cdr(row, direction="pstn-to-pstn", called="71777", calling="4441000",
                 trunk_group="pstn-a", cic=cin, trunk_group_out="pstn-a2", cic_out=cout, cause=16,
                 released_by="pstn", answer_utc="*", sip_call_id="")
    # pstn-sim is both ends: the call it placed and the one it received were answered
    check(s.sim_count("calls.originated") == 1 and s.sim_count("calls.offered") == 1 and
          s.sim_count("calls.answered") == 2 and s.sim_count("calls.failed") == 0,
          "pstn-sim summary: %s" % s.summaries["a"])


def pstn_to_pstn_transit_busy(s):
    """The called party is busy (rule 1486): its REL 17 goes back to the caller unchanged."""
    cin, cout = transit_call(s, "71486", 17, hold=1000)
    check(count(s.evs, "ISUP", "ANM") == 0, "an ANM?")
    check([e["cic"] for e in s.isup("REL")] == [cout, cin], "REL order %s" % s.isup("REL"))
    check(s.rel_causes() == [17, 17], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], direction="pstn-to-pstn", cause=17, released_by="pstn",
                 answer_utc="", trunk_group_out="pstn-a2", cic_out=cout)
    check(s.sim_count("calls.answered") == 0 and s.sim_count("calls.failed") == 0,
          "pstn-sim summary: %s" % s.summaries["a"])


# ================================================================================================
# Class-4 traffic management (issue 15): route advance, call admission
def route_advance_rel34(s):
    """Route 13 offers calls to trunk group pstn-a, then pstn-a2 (both toward pstn-sim A).
    pstn-sim answers calls to 134... on pstn-a's circuits (CICs 1-15) with REL 34 (no circuit
    available: rule 134, cics 1 15): mgcd answers RLC, frees the attempt's media (DLCX) and sends
    the IAM again on pstn-a2 (16-31), where the call is answered. The SIP caller sees one call:
    no 5xx, 180 and 200 from the second attempt; one CDR saying two attempts."""
    s.start(transit=True, extra="route 13\n target trunk-group pstn-a\n"
                                " target trunk-group pstn-a2")
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="13401", CALLING="5551234", HOLD=1000)
    counters = s.mgcd("show call-control counters")
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "MGCP CRCX", "ISUP IAM", "ISUP REL", "ISUP RLC",
                         "MGCP DLCX", "ISUP IAM", "ISUP ACM", "SIP 180", "ISUP ANM", "SIP 200",
                         "SIP ACK", "SIP BYE", "ISUP REL", "ISUP RLC"], "route advance")
    iams = s.isup("IAM")
    check(len(iams) == 2, "expected two IAMs, got %d" % len(iams))
    first, second = int(iams[0]["cic"]), int(iams[1]["cic"])
    check(first in TRANSIT_IN and second in TRANSIT_OUT,
          "IAM on CIC %d then %d: not pstn-a then pstn-a2" % (first, second))
    check(s.rel_causes() == [34, 16], "REL causes %s, expected [34, 16]" % s.rel_causes())
    rlc = [e["cic"] for e in s.isup("RLC")]
    check(rlc.count(first) == 1, "one RLC for the failed attempt's CIC %d: %s" % (first, rlc))
    check(not [e for e in select(s.evs, "SIP") if e["what"].startswith("5")],
          "a 5xx reached the caller")
    check(count(s.evs, "MGCP", "CRCX") == 2 and count(s.evs, "MGCP", "DLCX") == 2,
          "CRCX x%d DLCX x%d: one connection per attempt, each released" %
          (count(s.evs, "MGCP", "CRCX"), count(s.evs, "MGCP", "DLCX")))
    row = s.cdr()[0]
    s.expect_cdr(row, direction="sip-to-pstn", called="13401", trunk_group="pstn-a2",
                 cic=second, cause=16, released_by="sip", answer_utc="*", attempts=2)
    check(re.search(r"call-control\.route_advances\s+1\b", counters),
          "route_advances not 1:\n" + counters)


def admission_503_retry_after(s):
    """Trunk group pstn-a takes at most 2 calls (max-calls 2); SIPp offers 6 calls at 20/s, each
    held 3 s: 2 are answered, the 4 beyond the limit are refused with 503 and a Retry-After
    before any transaction exists (route 1 has no other trunk group), none reaches the PSTN;
    mgcd's `show admission` counts them."""
    s.start(extra="trunk-group pstn-a\n max-calls 2")
    s.sipp("uac_admission.xml", SIPP_UAC, calls=6, rate=20, life=40, CALLED="12345",
           CALLING="5551234", HOLD=3000)
    s.admission = s.mgcd("show admission")
    s.finish()
    invites = [e for e in select(s.evs, "SIP", "INVITE")]
    check(len(invites) == 6, "%d INVITEs" % len(invites))
    refused = select(s.evs, "SIP", "503")
    check(len(refused) == 4, "%d 503s, expected 4" % len(refused))
    check(count(s.evs, "ISUP", "IAM") == 2, "%d IAMs, expected 2" % count(s.evs, "ISUP", "IAM"))
    check(count(s.evs, "SIP", "200") >= 4, "the 2 answered calls: 200 to INVITE and BYE")
    out = subprocess.run(["tshark", "-r", s.lab.capture_file, "-n"] + s.lab.tshark_args() +
                         ["-Y", "sip.Status-Code == 503", "-T", "fields", "-e", "sip.Retry-After"],
                         capture_output=True, text=True, timeout=60).stdout.split()
    check(len(out) == 4 and all(int(v) >= 1 for v in out),
          "Retry-After of the 503s: %s" % out)
    check(re.search(r"trunk-group pstn-a: in service, calls 0/2", s.admission) or
          re.search(r"trunk-group pstn-a: in service, calls [0-2]/2", s.admission),
          "show admission:\n" + s.admission)
    check(re.search(r"refused_max_calls 4", s.admission), "show admission:\n" + s.admission)
    check(len(s.cdr(n=2)) == 2, "CDRs")


def gateway_shutdown_drains(s):
    """Issue 15 item 6, the whole gateway shut down (`gateway` / `shutdown`) while a call is up:
    a new INVITE is refused with 503 and Retry-After, the call up finishes normally with its
    CDR, then the trunk group dries up (CGB over its circuits, Q.764 §2.8.2) and, no call
    being left, the SIP listeners close; `no shutdown` unblocks (CGU), the listeners open again
    and the next call is answered."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=4000,
                  background=True)
    time.sleep(1.5)
    out = s.mgcd("configure terminal", "gateway", "shutdown", "end")
    check("gateway: shut down" in out, "shutdown not reported:\n" + out)
    draining = s.mgcd("show admission")
    check("gateway: shut down, draining (1 calls up)" in draining, "show admission:\n" + draining)
    # another port: the first SIPp still holds its own (any peer on the host is shut down)
    s.sipp("uac_admission.xml", SIPP_UAC + 10, calls=1, rate=1, life=20, CALLED="12346",
           CALLING="5551234", HOLD=300)
    s.sipp_done(call, 30)
    drained = ""
    for _ in range(30):  # the drain is noticed at the next load sample (100 ms)
        drained = s.mgcd("show admission")
        if "drained: SIP listeners closed" in drained:
            break
        time.sleep(0.2)
    check("gateway: shut down, drained: SIP listeners closed" in drained,
          "show admission:\n" + drained)
    check(re.search(r"trunk-group pstn-a: shut down, circuits blocked", drained),
          "trunk group not dried up:\n" + drained)
    running = s.mgcd("show running-config")
    check("gateway\r\n shutdown" in running or "gateway\n shutdown" in running,
          "show running-config lacks the shutdown:\n" + running)
    out = s.mgcd("configure terminal", "gateway", "no shutdown", "end")
    check("gateway: in service" in out, "no shutdown not reported:\n" + out)
    time.sleep(1)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12347", CALLING="5551234", HOLD=300)
    s.finish()
    refused = select(s.evs, "SIP", "503")
    check(len(refused) == 1, "%d 503s, expected 1" % len(refused))
    check(count(s.evs, "ISUP", "IAM") == 2, "%d IAMs, expected 2" % count(s.evs, "ISUP", "IAM"))
    expect_order(s.evs, ["ISUP IAM", "ISUP ANM", "ISUP REL", "ISUP RLC", "ISUP CGB", "ISUP CGBA",
                         "ISUP CGU", "ISUP CGUA", "ISUP IAM"], "gateway shutdown")
    check(count(s.evs, "ISUP", "CGB") == 1 and count(s.evs, "ISUP", "CGU") == 1,
          "CGB/CGU: %d/%d" % (count(s.evs, "ISUP", "CGB"), count(s.evs, "ISUP", "CGU")))
    for row in s.cdr(n=2):
        s.expect_cdr(row, cause=16, answer_utc="*")


# ================================================================================================
# baresip: plain SIP with real RTP
def baresip_rtp(s):
    """baresip calls through mgcd into the PSTN and sends G.711 RTP to the media gateway address
    mgcd put in its SDP answer; then pstn-sim calls baresip (auto-answer) and RTP flows again."""
    if not shutil.which("baresip"):
        raise Skip("baresip is not installed")
    s.start(originate=orig("4001", hold=3000))
    lab = s.lab
    for who in ("caller", "callee"):
        d = lab.path("baresip-" + who)
        os.makedirs(d, exist_ok=True)
        for f in ("config", "accounts"):
            shutil.copy(os.path.join(HERE, "..", "..", "config", "lab", "baresip", who, f), d)
    b = lab.start("baresip-caller", ["baresip", "-f", lab.path("baresip-caller"), "-e",
                                     "/dial sip:12345@127.0.0.1:5060", "-t", "6"], life=20)
    lab.wait_exit(b, 20)
    callee = lab.start("baresip-callee", ["baresip", "-f", lab.path("baresip-callee"), "-t",
                                          "12"], life=20)
    time.sleep(1.5)
    s.originate()
    time.sleep(5)
    lab.wait_exit(callee, 20)
    s.finish()
    rtp = lab.decode_rtp(16002, 16200)
    check(len(rtp) > 50, "only %d RTP packets to/from the media gateway" % len(rtp))
    rows = s.cdr(n=2)
    s.expect_cdr(rows[0], direction="sip-to-pstn", answer_utc="*")
    s.expect_cdr(rows[1], direction="pstn-to-sip", answer_utc="*")


# ================================================================================================
def decode(bin_dir, hexstr):
    out = subprocess.run([os.path.join(bin_dir, "mgc-tool"), "decode", "isup", "--no-cic", hexstr],
                         capture_output=True, text=True, check=True).stdout
    import json
    return json.loads(out)


def first_trace(path, direction, message):
    import json
    end = time.time() + 3
    while time.time() < end:
        try:
            with open(path) as f:
                for line in f:
                    j = json.loads(line)
                    if j["dir"] == direction and j["message"].get("message") == message:
                        return j
        except OSError:
            pass
        time.sleep(0.2)
    fail("%s: no %s %s" % (path, direction, message))


def params(msg):
    out = {}
    for p in msg.get("parameters", []):
        q = {k: v for k, v in p.items() if k not in ("part",)}
        out[p["name"]] = q
    return out


def compare_params(a, b, label, ignore=()):
    pa, pb = params(a), params(b)
    for n in sorted(set(pa) | set(pb)):
        if n in ignore:
            continue
        check(pa.get(n) == pb.get(n), "%s: parameter %s differs:\n sent %s\n got  %s" %
              (label, n, pa.get(n), pb.get(n)))


def compare_iam(sent, got, hop_delta):
    """Every parameter equal, except the hop counter which a tandem decrements (Q.764 §2.1.13?)."""
    compare_params(sent, got, "IAM", ignore=("hop_counter",))
    hs = params(sent).get("hop_counter")
    hg = params(got).get("hop_counter")
    if hs:
        check(hg is not None, "the hop counter was dropped")
        if hop_delta is not None:
            check(hg["hop_counter"] == hs["hop_counter"] - hop_delta, "hop counter %s -> %s" %
                  (hs["hop_counter"], hg["hop_counter"]))
        else:
            check(hg["hop_counter"] < hs["hop_counter"], "hop counter %s -> %s" % (hs["hop_counter"], hg["hop_counter"]))


# ================================================================================================
# Others' congestion (issue 15, callcontrol/destination_state.h)
SIM_A_PC = 18  # 0.2.2 in 3-8-3 (Q.708): the point code pstn-sim A's SSNM name as affected


def destination_line(s):
    out = s.mgcd("show destinations")
    m = re.search(r"dpc 0\.2\.2: .*", out)
    check(m, "show destinations has no line for 0.2.2:\n" + out)
    return m.group(0)


def isup_counter(s, name):
    out = s.mgcd("show isup counters")
    m = re.search(r"isup\.destinations\.%s\s+(\d+)" % name, out)
    check(m, "no counter isup.destinations.%s in:\n%s" % (name, out))
    return int(m.group(1))


def acl_received_withholds_calls(s):
    """pstn-sim refuses a call with REL cause 42 carrying automatic congestion level 1 (rule
    1420). mgcd withholds one new call in four toward it for T30 (10 s here, Q.764 §2.11): of
    the next four calls three reach the PSTN and the fourth is answered 503 at once (cause 42,
    RFC 3398) without an IAM; counted, and shown by `show destinations`."""
    s.start()
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="142001", CALLING="5551234", CODE=503, WAIT=10000)
    line = destination_line(s)
    check("acl level 1" in line and "T30 running" in line, "after the ACL: " + line)
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=200, calls=3,
           rate=10)
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="12346", CALLING="5551234", CODE=503, WAIT=10000)
    check(isup_counter(s, "withheld_congestion") == 1, "withheld counter")
    check(isup_counter(s, "acl_received") == 1, "acl_received counter")
    line = destination_line(s)
    # the first call (refused with the ACL) was an offer too
    check("new calls 5, withheld 1" in line, "after four calls: " + line)
    s.finish()
    iams = s.isup("IAM")
    check(len(iams) == 4, "%d IAMs, expected 4 (the withheld call sends none)" % len(iams))
    check(s.rel_causes()[0] == 42, "REL causes %s" % s.rel_causes())
    rows = s.cdr(n=5)
    check([r["cause"] for r in rows] == ["42", "16", "16", "16", "42"],
          "CDR causes %s" % [r["cause"] for r in rows])
    s.expect_cdr(rows[-1], called="12346", cic="", trunk_group="")


def scon_and_dupu_from_the_sg(s):
    """The SG (pstn-sim) reports congestion of the far exchange (SCON, level 3: every new call
    withheld, Q.764 §2.10 with levels), then its end (level 0); then its ISDN user part
    unavailable (DUPU, inaccessible: no new call, UPT at T4, Q.764 §2.13) until pstn-sim
    answers the UPT with UPA. Each state shows in `show destinations` and each call's fate
    follows it: 503 cause 42, then answered, then 503 cause 34, then answered."""
    s.start()
    s.sim("send scon %d 3" % SIM_A_PC)
    time.sleep(0.5)
    check("mtp congestion level 3" in destination_line(s), "after SCON: " + destination_line(s))
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", CODE=503, WAIT=10000)
    s.sim("send scon %d 0" % SIM_A_PC)
    time.sleep(0.5)
    check("mtp congestion level 0" in destination_line(s), "after SCON 0: " + destination_line(s))
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=200)
    s.sim("send dupu %d inaccessible" % SIM_A_PC)
    time.sleep(0.5)
    line = destination_line(s)
    check("user part inaccessible" in line and "T4 running" in line, "after DUPU: " + line)
    s.sipp("uac_fail.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", CODE=503, WAIT=10000)
    time.sleep(2.5)  # T4 (2 s): UPT, answered with UPA
    check("user part available" in destination_line(s), "after T4: " + destination_line(s))
    s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=200)
    check(isup_counter(s, "upt_sent") >= 1 and isup_counter(s, "user_part_available") == 1,
          "UPT / availability counters")
    s.finish()
    # the capture names UPT and UPA by their Q.763 codes, 52 and 53
    expect_order(s.evs, ["ISUP IAM", "ISUP RLC", "ISUP 52", "ISUP 53", "ISUP IAM"], "UPT")
    check(len(s.isup("IAM")) == 2, "%d IAMs, expected 2" % len(s.isup("IAM")))
    rows = s.cdr(n=4)
    check([r["cause"] for r in rows] == ["42", "16", "34", "16"],
          "CDR causes %s" % [r["cause"] for r in rows])


def unsolicited_dava_and_aspup_ack_reset_nothing(s):
    """During an answered call the SG sends a DAVA for a destination that is available and an
    ASP Up Ack nobody asked for (RFC 4666 §4.3.4.1: ERR, and the ASP returns to ASP-ACTIVE).
    Neither changed anything: mgcd sends no GRS or RSC and the call ends normally, by the
    caller's BYE (before, the ASP Up Ack made an MTP-PAUSE and MTP-RESUME and mgcd reset every
    circuit, the answered call's too)."""
    s.start()
    call = s.sipp("uac_call.xml", SIPP_UAC, CALLED="12345", CALLING="5551234", HOLD=4000,
                  background=True)
    time.sleep(1.5)
    s.sim("send dava %d" % SIM_A_PC)
    s.sim("send aspup-ack")
    time.sleep(1)
    calls = s.mgcd("show calls")
    check("12345" in calls, "the call is gone after DAVA and ASP Up Ack:\n" + calls)
    s.sipp_done(call, 30)
    s.finish()
    iam = s.isup("IAM")[0]["t"]
    resets = [e for e in s.evs if e["proto"] == "ISUP" and e["what"] in ("GRS", "RSC")
              and e["t"] > iam]
    check(not resets, "resets after the call began: %s" % resets)
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="*")


# The SIP trunk edge (issue 14): mid-call offers, malformed requests, TCP limits (sip_edge.py)
def sip_reinvite_hold_codec_update(s):
    """A SIP caller holds (sendonly, then inactive), changes codec and resumes with re-INVITEs,
    sends a re-INVITE without SDP (mgcd offers, the ACK answers) and an UPDATE with an offer:
    each answered 200 with the right answer (RFC 3264 §8, §8.4; RFC 3311 §5.2) after an MDCX,
    nothing toward the PSTN, and the call ends normally."""
    s.start()
    s.sipp("uac_reinvite.xml", SIPP_UAC, CALLED="12345", CALLING="5551234")
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "MGCP CRCX", "ISUP IAM", "ISUP ANM", "SIP 200",
                         "SIP ACK", "SIP INVITE", "MGCP MDCX", "SIP 200", "SIP ACK",
                         "SIP BYE", "ISUP REL", "ISUP RLC", "MGCP DLCX"], "re-INVITE")
    reinvites = [e for e in select(s.evs, "SIP", "INVITE")]
    check(len(reinvites) == 5, "%d INVITEs, expected 1 + 4 re-INVITEs" % len(reinvites))
    mdcx = select(s.evs, "MGCP", "MDCX")
    check(len(mdcx) >= 5, "%d MDCX for 4 offers and an answer in an ACK, one UPDATE" % len(mdcx))
    check(not s.isup("CPG") and not s.isup("SUS"), "the PSTN was told of the hold")
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="*")


def sipt_bad_parameter(s):
    """A trusted SIP-T peer's IAM with a hop counter of two octets (Q.763 §3.80 has one): mgcd,
    the end node of the encapsulated IAM (RFC 3372 §4.4, Q.764 §2.9.5.3.3), does not pass the bad
    parameter on as it came; the call goes through."""
    s.start()
    s.sipp("uac_sipt.xml", SIPP_UAC_T, IAM="iam_badparam.bin", CHECK_ISUP="true", CALLED="12345")
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "ISUP IAM", "ISUP ACM", "SIP 180", "ISUP ANM", "SIP 200",
                         "SIP BYE", "ISUP REL", "ISUP RLC"], "sip-t bad parameter")
    got = first_trace(s.lab.path("trace-a.jsonl"), "rx", "IAM")
    hop = params(got["message"]).get("hop_counter")
    # a well-formed hop counter (one octet: its count and spare bits) or none, not the two octets
    check(hop is None or set(hop) <= {"name", "code", "hop_counter", "spare"},
          "the IAM reached the PSTN with the bad hop counter: %s" % hop)
    # what was sent, as mgc-tool reads it (exit 1: it names the bad parameter, Q.764 §2.9.5)
    with open(os.path.join(HERE, "data", "iam_badparam.bin"), "rb") as f:
        out = subprocess.run([os.path.join(s.lab.bin, "mgc-tool"), "decode", "isup", "--no-cic",
                              f.read().hex()], capture_output=True, text=True).stdout
    import json
    sent = json.loads(out)
    check(sent["decode"]["reason"] == "isup.bad_optional_parameter", "mgc-tool: %s" % out)
    compare_params(sent, got["message"], "IAM", ignore=("hop_counter",))


def sip_session_timer_422_and_refreshes(s):
    """RFC 4028 with mgcd as UAS (issue 14): a caller asking for Session-Expires 60 gets 422
    with Min-SE 90 (§9), retries with 90 (§7.4) and is answered 200 with Session-Expires
    90;refresher=uac and Require: timer; its refreshes by UPDATE and by re-INVITE (§10) are
    answered 200 with the timer; `show sip peers` prints the setting in force; the call ends
    normally (REL 16, CDR)."""
    s.start(extra="sip\n session-timer interval 1800 min-se 90 refresher local")
    s.sipp("uac_session_timer.xml", SIPP_UAC, CALLED="12345", CALLING="5551234")
    peers = s.mgcd("show sip peers")
    check("session timer 1800 s, min-se 90 s, refresher local" in peers, "show sip peers:\n" +
          peers)
    counters = s.mgcd("show sip counters")
    for name in ("session_422_sent 1", "session_refreshes_received 2"):
        check(re.search(name.replace(" ", r"\D+"), counters), "no %s in:\n%s" % (name, counters))
    s.finish()
    expect_order(s.evs, ["SIP INVITE", "SIP 422", "SIP ACK", "SIP INVITE", "ISUP IAM",
                         "ISUP ANM", "SIP 200", "SIP ACK", "SIP UPDATE", "SIP 200", "SIP INVITE",
                         "SIP 200", "SIP ACK", "SIP BYE", "ISUP REL", "ISUP RLC"], "session timer")
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=16, released_by="sip", answer_utc="*")


# Issue 14 item 5: a SIP peer nobody answers (a socket that reads and never replies, so no ICMP
# either) with its OPTIONS keepalive; SIP T1 100 ms makes Timer F 6.4 s (RFC 3261 §17.1.2.2).
DEAD_PEER_PORT = 5079
DEAD_PEER = ("sip\n peer dead-peer\n  address 127.0.0.1 %d\n  transport udp\n  profile plain\n"
             "  no trusted\n  keepalive interval 1000 failures 1\n" % DEAD_PEER_PORT)
BLACK_HOLE = ("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "s.bind(('127.0.0.1', %d))\nwhile True:\n    s.recv(65535)\n" % DEAD_PEER_PORT)


def wait_mgcd(s, cmd, pattern, timeout):
    """Until `cmd`'s output matches `pattern`; returns it."""
    end = time.time() + timeout
    out = ""
    while time.time() < end:
        out = s.mgcd(cmd)
        if re.search(pattern, out):
            return out
        time.sleep(0.3)
    fail("%s never matched %r:\n%s" % (cmd, pattern, out))


def sip_peer_down_skipped_and_refresh_by_update(s):
    """The one long RFC 4028 scenario (the §4 minimum interval of 90 s makes refreshes slow; the
    rest is unit-tested on simulated time). Route 14 offers calls to SIP peer dead-peer, then to
    sipp-plain. dead-peer never answers its OPTIONS (RFC 3261 §11): after one probe unanswered
    it is down (alarm sip-peer.dead-peer.down, `show sip peers`), and trunk group pstn-a2, tied
    to it (busy-out-on-peer-down), is blocked toward pstn-sim with a maintenance CGB (Q.764
    §2.8.2.1). A call from the PSTN to 14... skips dead-peer (no INVITE to it) and goes to
    sipp-plain, with mgcd asking for session timers (Session-Expires 90, refresher local ->
    refresher=uac, RFC 4028 §7.1); the callee grants them and allows UPDATE, so mgcd refreshes by
    UPDATE at half the interval (§10, 45 s); the callee then hangs up (REL 16). Taking the tie
    off unblocks pstn-a2 (CGU)."""
    # the dead peer's socket before mgcd probes it: no ICMP port unreachable in the capture
    s.lab.start("black-hole", [sys.executable, "-c", BLACK_HOLE], life=150)
    s.start(originate=orig("1401", hold=0), transit=True, extra=(
        "timers\n sip t1 100\n" + DEAD_PEER +
        " peer sipp-plain\n  session-timer interval 90 min-se 90 refresher local\n"
        "trunk-group pstn-a2\n busy-out-on-peer-down dead-peer\n"
        "route 14\n target sip-peer dead-peer\n target sip-peer sipp-plain"))
    peers = wait_mgcd(s, "show sip peers", r"keepalive every 1000 ms: down", 20)
    check("trunk group pstn-a2: busied out (SIP peer dead-peer down), 16 circuits blocked" in peers,
          "show sip peers:\n" + peers)
    check("session timer 90 s, min-se 90 s, refresher local" in peers, "show sip peers:\n" + peers)
    alarms = s.mgcd("show alarms")
    check("sip-peer.dead-peer.down" in alarms and "trunk-group.pstn-a2.busied-out" in alarms,
          "show alarms:\n" + alarms)
    uas = s.sipp("uas_session_refresh.xml", SIPP_UAS_PLAIN, remote=None, background=True,
                 life=100, WAIT=60000)
    s.originate()
    s.sipp_done(uas, 95)
    counters = s.mgcd("show sip counters") + s.mgcd("show call-control counters")
    # the tie taken off live: CGU, and the circuits idle for finish()
    s.mgcd("configure terminal", "trunk-group pstn-a2", "no busy-out-on-peer-down", "end")
    wait_mgcd(s, "show trunk-groups", r"pstn-a2\s.*blocked\s+0\b", 5)
    s.finish()
    invites = select(s.evs, "SIP", "INVITE")
    check(len(invites) == 1 and invites[0]["dst"] == SIPP_UAS_PLAIN,
          "INVITEs: %s (none may go to the dead peer)" % invites)
    options = [e for e in select(s.evs, "SIP", "OPTIONS") if e["dst"] == DEAD_PEER_PORT]
    check(options, "no OPTIONS to the dead peer")
    # answered without ringing: CON, not ACM + ANM (Q.764 §2.1.7.2)
    expect_order(s.evs, ["ISUP CGB", "ISUP CGBA", "ISUP IAM", "SIP INVITE", "SIP 200", "SIP ACK",
                         "ISUP CON", "SIP UPDATE", "SIP 200", "SIP BYE", "ISUP REL", "ISUP RLC",
                         "ISUP CGU", "ISUP CGUA"], "busy-out, skip, refresh")
    cgb = s.isup("CGB")
    check(len(cgb) == 1 and cgb[0]["cic"] == 16, "CGB: %s (one, over pstn-a2's 16-31)" % cgb)
    ack = [e for e in select(s.evs, "SIP", "ACK") if e["dst"] == SIPP_UAS_PLAIN][0]
    upd = select(s.evs, "SIP", "UPDATE")
    check(len(upd) == 1 and 44.0 <= upd[0]["t"] - ack["t"] <= 47.0,
          "UPDATE %s s after the 200's ACK (RFC 4028 §10: half of 90 s)" %
          [round(e["t"] - ack["t"], 1) for e in upd])
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    for name in ("session_refreshes_sent 1", "targets_skipped 1", "busy_out.busy_outs 1"):
        check(re.search(name.replace(" ", r"\D+"), counters), "no %s in:\n%s" % (name, counters))
    s.expect_cdr(s.cdr()[0], direction="pstn-to-sip", called="1401", cause=16, released_by="sip",
                 answer_utc="*", attempts=1)


def sip_route_advance_on_503(s):
    """Route 15 offers calls to sipp-plain, then to sipp-plain2 (RFC 3261 §21.5.4, issue 14 item
    5): the first answers 503 without Retry-After, so the call advances to the second, which
    answers; the PSTN caller hears nothing of the first attempt (one ACM, one ANM) and the CDR
    counts two attempts."""
    s.start(originate=orig("1501", hold=1000), extra=(
        "sip\n peer sipp-plain2\n  address 127.0.0.1 %d\n  transport udp\n  profile plain\n"
        "  no trusted\nroute 15\n target sip-peer sipp-plain\n target sip-peer sipp-plain2" %
        SIPP_UAS_PLAIN2))
    first = s.sipp("uas_fail.xml", SIPP_UAS_PLAIN, remote=None, background=True, RING=100,
                   CODE=503, PHRASE="Service Unavailable")
    second = s.sipp("uas_answer.xml", SIPP_UAS_PLAIN2, remote=None, background=True, RING=100,
                    WAIT=15000)
    s.originate()
    s.sipp_done(first, 30)
    s.sipp_done(second, 30)
    s.finish()
    invites = select(s.evs, "SIP", "INVITE")
    check([e["dst"] for e in invites] == [SIPP_UAS_PLAIN, SIPP_UAS_PLAIN2],
          "INVITEs to %s, expected the first peer then the second" % [e["dst"] for e in invites])
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 503", "SIP ACK", "SIP INVITE", "SIP 200",
                         "ISUP ANM", "ISUP REL", "SIP BYE"], "advance on 503")
    expect_order(s.evs, ["ISUP REL", "ISUP RLC"], "advance on 503 (RLC)")
    check(count(s.evs, "ISUP", "ACM") <= 1 and count(s.evs, "ISUP", "ANM") == 1,
          "the caller heard the failed attempt")
    check(s.rel_causes() == [16], "REL causes %s" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], direction="pstn-to-sip", called="1501", cause=16,
                 released_by="pstn", answer_utc="*", attempts=2)


def sip_reinvite_leak(s):
    sip_edge.reinvite_leak(s)


def sip_malformed_answered(s):
    sip_edge.malformed_answered(s)


def sip_tcp_lockout(s):
    sip_edge.tcp_lockout(s)


# Digest authentication (tests/mgcd/sip_auth.py; RFC 3261 §22, RFC 7616)
def pstn_to_sip_401_answered(s):
    sip_auth.pstn_to_sip_401_answered(s, orig)


def pstn_to_sip_407_answered(s):
    sip_auth.pstn_to_sip_407_answered(s, orig)


def pstn_to_sip_401_refused(s):
    sip_auth.pstn_to_sip_401_refused(s, orig)


def sip_inbound_challenged(s):
    sip_auth.sip_inbound_challenged(s)


def pstn_to_sip_302_followed(s):
    sip_auth.pstn_to_sip_302_followed(s, orig)


def sip_register_refreshed(s):
    sip_auth.sip_register_refreshed(s)


# ---- CDRs in PostgreSQL (issue 18) -----------------------------------------------------------
class Postgres:
    """A throwaway PostgreSQL cluster in the lab's work directory (initdb + pg_ctl), listening
    on a Unix socket only; as root the server runs as the postgres user (initdb refuses root)."""

    def __init__(self, lab):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins or not shutil.which("psql"):
            raise Skip("postgresql is not installed (scripts/setup installs it)")
        self.bin = os.path.dirname(bins[-1])
        self.dir = lab.path("pg")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        os.makedirs(self.dir, exist_ok=True)
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(lab.work, 0o755)
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "mgcd", "--no-sync")

    def run(self, tool, *args, timeout=60):
        subprocess.run(self.as_user + [os.path.join(self.bin, tool)] + list(args), check=True,
                       timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "-o",
                 "-k %s -c listen_addresses='' -p 5432 -c fsync=off" % self.dir, "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")

    def sql(self, query, file=None):
        argv = ["psql", "-h", self.dir, "-p", "5432", "-U", "mgcd", "-d", "postgres", "-X",
                "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        argv += ["-f", file] if file else ["-c", query]
        return subprocess.run(argv, check=True, timeout=30, capture_output=True,
                              text=True).stdout.strip()

    def conninfo(self):
        return "host=%s port=5432 user=mgcd dbname=postgres" % self.dir


def cdr_postgresql_outage(s):
    """Calls through mgcd with its CDRs going to PostgreSQL, which is stopped in the middle of the
    run and started again: every call has exactly one stop record in the table (the records of
    the outage spooled and replayed), interim records of the long calls are there too."""
    pg = Postgres(s.lab)
    pg.start()
    pg.sql(None, file=os.path.join(HERE, "..", "..", "docs", "cdr.sql"))
    calls = 30
    extra = ("cdr\n interim-interval 1\n postgresql conninfo %s\n postgresql spool %s\n"
             " postgresql batch 5\n postgresql flush-interval 200" %
             (pg.conninfo(), s.lab.path("cdr-spool")))
    s.start(extra=extra)
    try:
        p = s.sipp("uac_call.xml", SIPP_UAC, calls=calls, rate=5, background=True,
                   CALLED="12345", CALLING="5551234", HOLD=2500)
        time.sleep(2.5)
        pg.stop()  # calls keep ending while the database is away
        time.sleep(3)
        down = s.mgcd("show cdr")
        check("down" in down, "mgcd did not see the database go:\n" + down)
        pg.start()
        s.sipp_done(p, 40)
        # Reconnection backs off (1, 2, 4 s): bounded wait for the replay to finish.
        end = time.time() + 20
        out = ""
        while time.time() < end:
            out = s.mgcd("show cdr")
            if "connected" in out and "to replay" not in out:
                n = int(pg.sql("SELECT count(*) FROM cdr WHERE record_type = 'stop'"))
                if n >= calls:
                    break
            time.sleep(0.5)
        print(out)
        spooled = re.search(r"spooled (\d+)", out)
        check(spooled and int(spooled.group(1)) > 0, "no record was spooled:\n" + out)
        check(all(v == "0" for v in re.findall(r"failed (\d+)", out)), "records lost:\n" + out)
        stops = int(pg.sql("SELECT count(*) FROM cdr WHERE record_type = 'stop'"))
        per_call = pg.sql("SELECT count(DISTINCT sip_call_id) FROM cdr WHERE record_type = 'stop'")
        multi = pg.sql("SELECT sip_call_id FROM cdr WHERE record_type = 'stop' GROUP BY 1 "
                       "HAVING count(*) <> 1")
        interim = int(pg.sql("SELECT count(*) FROM cdr WHERE record_type = 'interim'"))
        check(stops == calls, "%d stop records for %d calls" % (stops, calls))
        check(int(per_call) == calls and multi == "",
              "calls without exactly one stop record: %s distinct, %r" % (per_call, multi))
        check(interim >= calls, "%d interim records for %d calls of 2.5 s" % (interim, calls))
        asr = pg.sql("SELECT trunk_group, count(*), count(answer) FROM cdr "
                     "WHERE record_type = 'stop' GROUP BY 1")
        check(asr == "pstn-a|%d|%d" % (calls, calls), "ASR query: %r" % asr)
        s.finish()
        check(len(s.cdr(n=calls)) == calls, "CSV rows")
    finally:
        try:
            pg.stop()
        except Exception:  # noqa: B902 - stopped already, or never started
            pass
def prometheus_scrape(s):
    try:
        prometheus.prometheus_scrape(s, SIPP_UAC)
    except prometheus.Skip as e:
        raise Skip(str(e))


SCENARIOS = {f.__name__: f for f in [
    sip_to_pstn_answered, sip_to_pstn_busy, sip_to_pstn_unallocated, sip_to_pstn_no_answer,
    sip_caller_cancels, pstn_callee_releases_first, pstn_silent_t7,
    pstn_to_sip_answered, pstn_to_sip_busy, pstn_to_sip_unallocated, pstn_to_sip_no_answer,
    sip_callee_releases_first, sip_peer_silent_timer_b,
    sipt_transparency, sipt_suspend_resume, sipt_untrusted_ignored, pstn_to_sipt, two_gateways,
    sipt_octets_two_gateways, kamailio_in_front,
    block_unblock_mid_call, live_config_mid_call, far_blocks_mid_call, grs_during_calls, dual_seizure, m3ua_peer_restart,
    media_gateway_restart, h248_media_gateway, baresip_rtp, pstn_to_pstn_transit,
    pstn_to_pstn_transit_busy, acl_received_withholds_calls, scon_and_dupu_from_the_sg,
    unsolicited_dava_and_aspup_ack_reset_nothing, sip_reinvite_hold_codec_update,
    sipt_bad_parameter, sip_reinvite_leak, sip_malformed_answered, sip_tcp_lockout,
    route_advance_rel34, admission_503_retry_after, gateway_shutdown_drains,
    media_gateway_down_blocks_circuits, media_gateway_added_live, h248_media_gateway_tcp,
    pstn_to_sip_401_answered, pstn_to_sip_407_answered, pstn_to_sip_401_refused,
    sip_inbound_challenged, pstn_to_sip_302_followed, sip_register_refreshed, sip_session_timer_422_and_refreshes,
    sip_peer_down_skipped_and_refresh_by_update, sip_route_advance_on_503, cdr_postgresql_outage, prometheus_scrape]}

# written, not yet passing here: not registered with ctest
PENDING = {"sip_inbound_challenged", "pstn_to_sip_302_followed"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--keep")
    ap.add_argument("scenario", choices=sorted(SCENARIOS) + ["list"])
    args = ap.parse_args()
    if args.scenario == "list":
        print("\n".join(n for n in SCENARIOS if n not in PENDING))
        return 0
    for tool in ("sipp", "osmo-mgw", "tshark", "dumpcap"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed (scripts/setup installs it)" % tool)
            return 77
    s = Scenario(args, args.scenario)
    try:
        SCENARIOS[args.scenario](s)
        print("PASS %s" % args.scenario)
        print(show(s.evs))
        return 0
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    except (TestFailure, Exception) as e:  # noqa: B902 - every failure is reported the same way
        print("FAIL %s: %s" % (args.scenario, e))
        import traceback
        traceback.print_exc()
        s.lab.stop_all()
        try:
            print(show(s.lab.events()))
        except Exception:  # noqa: B902
            pass
        for p in s.lab.procs:
            if p.name != "dumpcap":
                print("==== %s (%s)" % (p.name, p.log))
                print(p.text()[-3000:])
        return 1
    finally:
        s.lab.stop_all()


if __name__ == "__main__":
    sys.exit(main())
