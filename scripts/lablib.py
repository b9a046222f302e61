"""The lab: mgcd with real peers on 127.0.0.1, and what the wire saw. Used by scripts/lab (the
ladders of the main job, scripts/ladder.py) and by the integration tests (tests/mgcd).

A Lab owns a work directory, the processes it starts (dumpcap, osmo-mgw, pstn-sim, mgcd, SIPp,
Kamailio, baresip) and stops them all at the end, whatever happened. Every process runs with a
bounded life (timeout) and is killed by PID. After the run, the capture is read back with tshark
(the oracle for every wire format, PLATFORM.md) into a list of events: SIP requests/responses,
ISUP messages (on M3UA and inside SIP-T bodies), MGCP commands/responses and RTP packets.

Python standard library only (Debian's python3); the peers are Debian packages (scripts/setup).
"""
import json
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import time


# Q.763 Table 4: the message type codes tshark prints as numbers.
ISUP_NAMES = {
    0x01: "IAM", 0x02: "SAM", 0x03: "INR", 0x04: "INF", 0x05: "COT", 0x06: "ACM", 0x07: "CON",
    0x08: "FOT", 0x09: "ANM", 0x0C: "REL", 0x0D: "SUS", 0x0E: "RES", 0x10: "RLC", 0x11: "CCR",
    0x12: "RSC", 0x13: "BLO", 0x14: "UBL", 0x15: "BLA", 0x16: "UBA", 0x17: "GRS", 0x18: "CGB",
    0x19: "CGU", 0x1A: "CGBA", 0x1B: "CGUA", 0x1F: "FAC", 0x24: "LPA", 0x28: "PAM", 0x29: "GRA",
    0x2A: "CQM", 0x2B: "CQR", 0x2C: "CPG", 0x2D: "USR", 0x2E: "UCIC", 0x2F: "CFN", 0x30: "OLM",
}

# Ports of the lab (tests/mgcd/configs): SIP of each party, M3UA's RFC 6951 UDP ports, MGCP.
SIP_PORTS = [5060, 5062, 5064, 5066, 5070, 5071, 5072, 5073, 5074, 5080]
SCTP_UDP_PORTS = [9899, 9900, 9901, 9902]
MGCP_PORT = 2427
H248_PORTS = [2944, 2945]  # mgcd's H.248 port, the Erlang/OTP media gateway's
RTP_RANGE = (16002, 16200)


class TestFailure(Exception):
    pass


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


class Vty:
    """A libosmocore telnet VTY client: one command at a time, each answered up to the prompt."""

    PROMPT = re.compile(rb"\n?[\w.-]+(\([\w-]+\))?[>#] $")

    def __init__(self, port, timeout=5.0, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self._read_prompt(timeout)

    def _read_prompt(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            data = self._clean(self.buf)
            if self.PROMPT.search(data):
                self.buf = b""
                return data.decode(errors="replace")
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            self.buf += chunk
        raise TestFailure("VTY: no prompt; got %r" % self._clean(self.buf)[-300:])

    @staticmethod
    def _clean(b):
        # telnet option negotiation: IAC (255) + command + option
        return re.sub(rb"\xff[\xfb-\xfe].|\xff[\xf0-\xfa]", b"", b)

    def cmd(self, line, timeout=5.0):
        self.sock.sendall(line.encode() + b"\r\n")
        out = self._read_prompt(timeout)
        # drop the echoed command and the prompt
        lines = out.replace("\r", "").split("\n")
        if lines and lines[0].strip() == line.strip():
            lines = lines[1:]
        return "\n".join(lines[:-1])

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def vty(port, *cmds, enable=True, host="127.0.0.1"):
    """Runs commands on a VTY (at HOST: the multi-host lab reaches mgcd over its network);
    returns their outputs joined."""
    v = Vty(port, host=host)
    try:
        out = []
        if enable:
            v.cmd("enable")
        for c in cmds:
            out.append(v.cmd(c))
        return "\n".join(out)
    finally:
        v.close()


class Proc:
    def __init__(self, name, popen, log):
        self.name, self.popen, self.log = name, popen, log

    def alive(self):
        return self.popen.poll() is None

    def text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


class Lab:
    def __init__(self, bin_dir, name, keep=None, templates="."):
        self.bin = bin_dir
        self.name = name
        self.work = keep or os.path.join("/tmp", "mgcd-lab-%s-%d" % (name, os.getpid()))
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.procs = []
        self.capture = None
        self.vars = {"WORK": self.work}
        self.templates = templates

    # ---- files ------------------------------------------------------------------------------
    def path(self, name):
        return os.path.join(self.work, name)

    def render(self, template, out_name, **extra):
        """Writes TEMPLATE (in the templates folder) with $VARS substituted into the work
        directory."""
        with open(os.path.join(self.templates, template)) as f:
            text = string.Template(f.read()).substitute({**self.vars, **extra})
        with open(self.path(out_name), "w") as f:
            f.write(text)
        return self.path(out_name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    # ---- processes --------------------------------------------------------------------------
    def start(self, name, argv, life=120, cwd=None, env=None):
        log = self.path(name + ".log")
        f = open(log, "w")
        p = subprocess.Popen(["timeout", "-s", "KILL", str(life)] + argv, stdout=f,
                             stderr=subprocess.STDOUT, cwd=cwd or self.work, env=env,
                             start_new_session=True)
        proc = Proc(name, p, log)
        self.procs.append(proc)
        return proc

    def proc(self, name):
        for p in self.procs:
            if p.name == name:
                return p
        raise KeyError(name)

    def wait_log(self, proc, pattern, timeout=15.0):
        rx = re.compile(pattern)
        end = time.time() + timeout
        while time.time() < end:
            if rx.search(proc.text()):
                return
            if not proc.alive():
                break
            time.sleep(0.1)
        fail("%s: %r not seen in its log within %.0f s" % (proc.name, pattern, timeout))

    def wait_exit(self, proc, timeout):
        try:
            return proc.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("%s did not end within %.0f s" % (proc.name, timeout))

    def send_signal(self, proc, sig):
        # the process group: timeout and the program under it
        try:
            os.killpg(proc.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, proc, sig=signal.SIGTERM, timeout=5.0):
        if proc.alive():
            self.send_signal(proc, sig)
            try:
                proc.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.send_signal(proc, signal.SIGKILL)
                proc.popen.wait(5)
        return proc.popen.returncode

    def stop_all(self):
        for p in reversed(self.procs):
            if p is not self.capture:
                self.stop(p, timeout=3.0)
        self.stop_capture()

    # ---- the capture ------------------------------------------------------------------------
    def start_capture(self):
        ports = " or ".join("port %d" % p for p in SIP_PORTS + SCTP_UDP_PORTS + [MGCP_PORT] +
                            H248_PORTS)
        flt = "(%s) or (udp portrange %d-%d)" % (ports, RTP_RANGE[0], RTP_RANGE[1])
        self.capture_file = self.path("capture.pcapng")
        self.capture = self.start("dumpcap", ["dumpcap", "-q", "-i", "lo", "-f", flt, "-w",
                                              self.capture_file], life=600)
        end = time.time() + 10
        while time.time() < end and not os.path.exists(self.capture_file):
            time.sleep(0.1)
        check(os.path.exists(self.capture_file), "dumpcap did not start: " + self.capture.text())
        time.sleep(0.5)

    def stop_capture(self):
        if self.capture and self.capture.alive():
            # libpcap hands packets over in blocks: give the last ones time to reach the file
            time.sleep(1.5)
            self.stop(self.capture, signal.SIGINT, timeout=10.0)

    def tshark_args(self):
        return tshark_args()

    def events(self):
        return events(self.capture_file)

    def decode_rtp(self, port_lo, port_hi):
        return decode_rtp(self.capture_file, port_lo, port_hi)

    def malformed(self):
        return malformed(self.capture_file)


# ---- reading a capture back (tshark) ---------------------------------------------------------
def tshark_args():
    a = []
    for p in SIP_PORTS:
        a += ["-d", "udp.port==%d,sip" % p, "-d", "tcp.port==%d,sip" % p]
    for p in SCTP_UDP_PORTS:
        a += ["-d", "udp.port==%d,sctp" % p]
    a += ["-d", "udp.port==%d,mgcp" % MGCP_PORT]
    for p in H248_PORTS:
        a += ["-d", "udp.port==%d,megaco" % p]
    return a

def events(capture_file):
    """The capture as a list of events, in order: dicts with t, src, dst, proto, what and
    the fields of interest. One packet can carry several ISUP messages (SCTP bundling)."""
    fields = ["frame.number", "frame.time_relative", "frame.time_epoch", "udp.srcport",
              "udp.dstport", "tcp.srcport",
              "sip.Method", "sip.Status-Code", "sip.CSeq.method", "sip.Call-ID",
              "isup.message_type", "isup.cic", "isup.cause_indicator", "mgcp.req.verb",
              "mgcp.rsp.rspcode", "mgcp.req.endpoint", "rtp.ssrc", "m3ua.message_class",
              "megaco.command", "megaco.termid", "megaco.transid", "megaco.error_code"]
    argv = ["tshark", "-r", capture_file, "-n"] + tshark_args() + [
        "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
    evs = []
    for line in out.splitlines():
        v = dict(zip(fields, line.split("\t")))
        t = float(v["frame.time_relative"] or 0)
        base = {"t": t, "epoch": float(v["frame.time_epoch"] or 0), "frame": int(v["frame.number"]),
                "src": int((v["udp.srcport"] or "0").split(",")[0]),
                "dst": int((v["udp.dstport"] or "0").split(",")[0]),
                "tcp": bool(v["tcp.srcport"])}
        if v["sip.Method"] or v["sip.Status-Code"]:
            what = v["sip.Method"] or v["sip.Status-Code"]
            e = dict(base, proto="SIP", what=what, cseq=v["sip.CSeq.method"],
                     callid=v["sip.Call-ID"])
            # ISUP inside the SIP-T body (no CIC)
            e["isup"] = [ISUP_NAMES.get(int(x, 0), x) for x in v["isup.message_type"].split(",")
                         if x]
            evs.append(e)
        elif v["isup.message_type"]:
            types = v["isup.message_type"].split(",")
            cics = v["isup.cic"].split(",")
            for i, mt in enumerate(types):
                name = ISUP_NAMES.get(int(mt, 0), mt)
                cic = int(cics[i]) if i < len(cics) and cics[i] else -1
                evs.append(dict(base, proto="ISUP", what=name, cic=cic))
        elif v["mgcp.req.verb"] or v["mgcp.rsp.rspcode"]:
            evs.append(dict(base, proto="MGCP", what=v["mgcp.req.verb"] or v["mgcp.rsp.rspcode"],
                            endpoint=v["mgcp.req.endpoint"]))
        elif v["megaco.command"] or v["megaco.transid"]:
            # one event per command; a reply without commands is "Reply"
            cmds = list(dict.fromkeys(c for c in v["megaco.command"].split(",") if c)) or \
                ["Reply"]
            for c in cmds:
                evs.append(dict(base, proto="H248", what=c, termid=v["megaco.termid"],
                                error=v["megaco.error_code"]))
        elif v["rtp.ssrc"]:
            evs.append(dict(base, proto="RTP", what="RTP", ssrc=v["rtp.ssrc"]))
    return evs

def decode_rtp(capture_file, port_lo, port_hi):
    """RTP is not found by port: tshark is told which UDP ports carry it."""
    argv = ["tshark", "-r", capture_file, "-n"]
    for p in range(port_lo, port_hi + 1):
        argv += ["-d", "udp.port==%d,rtp" % p]
    argv += ["-Y", "rtp", "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport",
             "-e", "rtp.p_type"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
    return [tuple(l.split("\t")) for l in out.splitlines() if l]

def malformed(capture_file):
    """Packets tshark finds malformed or warns about (the one spurious SIP warning about
    binary ISUP bodies excepted, PLATFORM.md)."""
    argv = ["tshark", "-r", capture_file, "-n"] + tshark_args() + [
        "-Y", '_ws.malformed || _ws.expert.severity >= "Warning"', "-T", "fields",
        "-e", "frame.number", "-e", "_ws.expert.message", "-e", "_ws.col.Protocol",
        "-e", "_ws.col.Info"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
    bad = []
    for line in out.splitlines():
        msgs = [m for m in line.split("\t")[1].split(",") if m]
        msgs = [m for m in msgs if "Trailing stray characters" not in m]
        if msgs or "Malformed" in line:
            bad.append(line)
    return bad


# ---- event helpers ----------------------------------------------------------------------------
def show(evs, protos=("SIP", "ISUP", "MGCP", "H248")):
    lines = []
    for e in evs:
        if e["proto"] not in protos:
            continue
        extra = ""
        if e["proto"] == "ISUP":
            extra = " cic %d" % e["cic"]
        elif e["proto"] == "SIP" and e.get("isup"):
            extra = " [ISUP %s]" % ",".join(e["isup"])
        elif e["proto"] == "MGCP" and e.get("endpoint"):
            extra = " " + e["endpoint"]
        elif e["proto"] == "H248" and e.get("termid"):
            extra = " " + e["termid"] + (" error " + e["error"] if e.get("error") else "")
        lines.append("%8.3f %5d -> %-5d %-4s %s%s" % (e["t"], e["src"], e["dst"], e["proto"],
                                                      e["what"], extra))
    return "\n".join(lines)


def select(evs, proto=None, what=None, src=None, dst=None, cic=None, port=None):
    out = []
    for e in evs:
        if proto and e["proto"] != proto:
            continue
        if what and e["what"] != what:
            continue
        if src and e["src"] != src:
            continue
        if dst and e["dst"] != dst:
            continue
        if port and port not in (e["src"], e["dst"]):
            continue
        if cic is not None and e.get("cic") != cic:
            continue
        out.append(e)
    return out


def expect_order(evs, steps, label=""):
    """Each step ("SIP INVITE", "ISUP IAM", "SIP 486", "MGCP CRCX", ...) is found after the
    previous one; other events may come in between."""
    i = 0
    for step in steps:
        proto, what = step.split(" ", 1)
        while i < len(evs) and not (evs[i]["proto"] == proto and evs[i]["what"] == what):
            i += 1
        if i == len(evs):
            fail("%s: %r not found in order %s\n%s" % (label, step, steps, show(evs)))
        i += 1


def count(evs, proto, what, **kw):
    return len(select(evs, proto, what, **kw))
