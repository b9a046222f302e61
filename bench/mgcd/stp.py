#!/usr/bin/env python3
"""bench/mgcd: a signalling transfer point for the 100,000-call hold of bench/mgcd/run.

ANSI CICs have 14 bits (T1.113), so one signalling relation (OPC, DPC) holds at most 16,384
circuits and 100,000 held calls need several far-end point codes. mgcd has one M3UA association
toward a signalling gateway and reaches point codes through it by `route PC` (RFC 4666 §1.4.3),
and pstn-sim has one point code and one association: this process is the signalling gateway
between them. It is an SGP on every association (M3UA over TCP, one listening port each): it
answers ASPUP / ASPAC / ASPIA / ASPDN / BEAT (§3.5, §3.7), and relays DATA by the DPC of its
Protocol Data (§3.3.1) to the association that serves that point code, with the Routing Context
the receiving ASP activated (§3.3.1: the RC identifies the AS at the receiver). Point codes whose
exchange is not active are reported DUNA to the other ASPs, DAVA when they come up (§4.5.1), and
DAUD is answered (§4.5.3).

usage: stp.py --link PORT=PC[,PC...] ... --link PORT=default
  PORT: a TCP port on 127.0.0.1; PC: the point codes reached through that association; the
  `default` association gets every DPC no other serves (the gateway's side). Prints "READY" once
  every listening socket is bound, then one line per association state change ("ACTIVE PORT" when
  the ASP on PORT became active, "DOWN PORT" when it left), and the relayed counts at exit.
"""

import argparse
import selectors
import signal
import socket
import struct
import sys

# RFC 4666 §3.1.2 message classes and types
MGMT, TRANSFER, SSNM, ASPSM, ASPTM = 0, 1, 2, 3, 4
ERR, NTFY = 0, 1
DATA = 1
DUNA, DAVA, DAUD = 1, 2, 3
ASPUP, ASPDN, BEAT, ASPUP_ACK, ASPDN_ACK, BEAT_ACK = 1, 2, 3, 4, 5, 6
ASPAC, ASPIA, ASPAC_ACK, ASPIA_ACK = 1, 2, 3, 4
# §3.2 parameter tags
TAG_RC, TAG_TRAFFIC_MODE, TAG_STATUS, TAG_HEARTBEAT = 0x0006, 0x000B, 0x000D, 0x0009
TAG_AFFECTED_PC, TAG_PROTOCOL_DATA, TAG_ERROR_CODE = 0x0012, 0x0210, 0x000C


def encode(cls, typ, params):
    """Common header (§3.1) and parameters (tag, length, value padded to 4 octets, §3.2)."""
    body = b""
    for tag, value in params:
        body += struct.pack("!HH", tag, 4 + len(value)) + value + b"\0" * (-len(value) % 4)
    return struct.pack("!BBBBI", 1, 0, cls, typ, 8 + len(body)) + body


def decode_params(body):
    params = []
    i = 0
    while i + 4 <= len(body):
        tag, length = struct.unpack_from("!HH", body, i)
        if length < 4:
            break
        params.append((tag, body[i + 4:i + length]))
        i += length + (-length % 4)
    return params


class Link:
    """One association: its port, the point codes behind it, its ASP's state and RC."""

    def __init__(self, port, pcs, default):
        self.port, self.pcs, self.default = port, pcs, default
        self.conn = None
        self.rx = b""
        self.tx = bytearray()
        self.active = False
        self.rc = None  # the Routing Context of the ASP's ASPAC, if it sent one
        self.relayed = 0


class Stp:
    def __init__(self, links):
        self.links = links
        self.sel = selectors.DefaultSelector()
        self.by_pc = {pc: l for l in links for pc in l.pcs}
        self.default = next((l for l in links if l.default), None)
        self.no_route = 0
        for l in links:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", l.port))
            s.listen(4)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, ("listen", l))

    def say(self, text):
        print(text, flush=True)

    def send(self, link, msg):
        if link.conn is None:
            return
        link.tx += msg
        self.flush(link)

    def flush(self, link):
        try:
            while link.tx:
                n = link.conn.send(link.tx)
                del link.tx[:n]
        except BlockingIOError:
            pass
        except OSError:
            self.drop(link)
            return
        if link.conn is not None:
            want = selectors.EVENT_READ | (selectors.EVENT_WRITE if link.tx else 0)
            self.sel.modify(link.conn, want, ("conn", link))

    def drop(self, link):
        if link.conn is not None:
            self.sel.unregister(link.conn)
            link.conn.close()
        link.conn, link.rx, link.tx = None, b"", bytearray()
        if link.active:
            link.active = False
            self.say(f"DOWN {link.port}")
            self.availability(link.pcs, False)

    def availability(self, pcs, up, only=None):
        """DAVA / DUNA (§3.4.1, §4.5.1) for PCS to the active ASPs that route through us."""
        if not pcs:
            return
        apc = b"".join(struct.pack("!I", pc & 0xFFFFFF) for pc in pcs)
        for l in [only] if only else self.links:
            if l.active and not set(pcs) & set(l.pcs):
                params = ([(TAG_RC, struct.pack("!I", l.rc))] if l.rc is not None else []) + [
                    (TAG_AFFECTED_PC, apc)]
                self.send(l, encode(SSNM, DAVA if up else DUNA, params))

    def handle(self, link, cls, typ, raw):
        params = decode_params(raw[8:])
        get = lambda tag: next((v for t, v in params if t == tag), None)
        rc = get(TAG_RC)
        rc_param = [(TAG_RC, rc)] if rc is not None else []
        if cls == TRANSFER and typ == DATA:
            pd = get(TAG_PROTOCOL_DATA)
            if pd is None or len(pd) < 12:
                return
            dpc = struct.unpack_from("!I", pd, 4)[0]
            out = self.by_pc.get(dpc, self.default)
            if out is None or not out.active or out is link:
                self.no_route += 1
                return
            params = ([(TAG_RC, struct.pack("!I", out.rc))] if out.rc is not None else []) + [
                (TAG_PROTOCOL_DATA, pd)]
            self.send(out, encode(TRANSFER, DATA, params))
            link.relayed += 1
        elif cls == ASPSM and typ == ASPUP:
            self.send(link, encode(ASPSM, ASPUP_ACK, []))
        elif cls == ASPSM and typ == ASPDN:
            self.send(link, encode(ASPSM, ASPDN_ACK, []))
            self.inactive(link)
        elif cls == ASPSM and typ == BEAT:
            hb = get(TAG_HEARTBEAT)
            self.send(link, encode(ASPSM, BEAT_ACK, [(TAG_HEARTBEAT, hb)] if hb is not None else []))
        elif cls == ASPTM and typ == ASPAC:
            tm = get(TAG_TRAFFIC_MODE)
            link.rc = struct.unpack("!I", rc[:4])[0] if rc is not None and len(rc) >= 4 else None
            self.send(link, encode(ASPTM, ASPAC_ACK,
                                   ([(TAG_TRAFFIC_MODE, tm)] if tm is not None else []) + rc_param))
            # NTFY AS-ACTIVE (§3.8.2: status type 1, AS state change; information 3)
            self.send(link, encode(MGMT, NTFY, rc_param + [(TAG_STATUS, struct.pack("!HH", 1, 3))]))
            if not link.active:
                link.active = True
                # what this ASP cannot reach yet, and its own point codes to the others
                down = [pc for l in self.links if l is not link and not l.active for pc in l.pcs]
                self.availability(down, False, only=link)
                self.availability(link.pcs, True)
                self.say(f"ACTIVE {link.port}")
        elif cls == ASPTM and typ == ASPIA:
            self.send(link, encode(ASPTM, ASPIA_ACK, rc_param))
            self.inactive(link)
        elif cls == SSNM and typ == DAUD:
            apc = get(TAG_AFFECTED_PC) or b""
            pcs = [struct.unpack_from("!I", apc, i)[0] & 0xFFFFFF for i in range(0, len(apc) - 3, 4)]
            up = [pc for pc in pcs if self.by_pc.get(pc, self.default) and self.by_pc.get(pc, self.default).active]
            down = [pc for pc in pcs if pc not in up]
            for lst, t in ((up, DAVA), (down, DUNA)):
                if lst:
                    self.send(link, encode(SSNM, t, rc_param + [
                        (TAG_AFFECTED_PC, b"".join(struct.pack("!I", pc) for pc in lst))]))
        # ERR, NTFY and the rest from an ASP: nothing to answer (§3.8)

    def inactive(self, link):
        if link.active:
            link.active = False
            self.say(f"DOWN {link.port}")
            self.availability(link.pcs, False)

    def run(self):
        self.say("READY")
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        while not stop:
            for key, events in self.sel.select(timeout=0.5):
                kind, link = key.data
                if kind == "listen":
                    conn, _ = key.fileobj.accept()
                    if link.conn is not None:  # one ASP per association: the newest wins
                        self.drop(link)
                    conn.setblocking(False)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    link.conn = conn
                    self.sel.register(conn, selectors.EVENT_READ, ("conn", link))
                    continue
                if events & selectors.EVENT_WRITE:
                    self.flush(link)
                    if link.conn is None:
                        continue
                if events & selectors.EVENT_READ:
                    try:
                        data = link.conn.recv(1 << 20)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        self.drop(link)
                        continue
                    buf = link.rx + data
                    i = 0
                    while len(buf) - i >= 8:
                        length = struct.unpack_from("!I", buf, i + 4)[0]
                        if length < 8:
                            self.drop(link)
                            buf, i = b"", 0
                            break
                        if len(buf) - i < length:
                            break
                        raw = buf[i:i + length]
                        i += length
                        self.handle(link, raw[2], raw[3], raw)
                        if link.conn is None:
                            buf, i = b"", 0
                            break
                    link.rx = buf[i:]
        for l in self.links:
            self.say(f"RELAYED {l.port} {l.relayed}")
        self.say(f"NO-ROUTE {self.no_route}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--link", action="append", required=True, metavar="PORT=PC[,PC...]|PORT=default")
    a = ap.parse_args()
    links = []
    for spec in a.link:
        port, _, pcs = spec.partition("=")
        if pcs == "default":
            links.append(Link(int(port), [], True))
        else:
            links.append(Link(int(port), [int(x) for x in pcs.split(",") if x], False))
    Stp(links).run()


if __name__ == "__main__":
    sys.exit(main())
