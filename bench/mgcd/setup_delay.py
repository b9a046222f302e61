#!/usr/bin/env python3
"""bench/mgcd: setup delays (INVITE -> 200) of the calls whose INVITE was captured before
WINDOW_END, from a classic pcap of SIP over UDP on the loopback (dumpcap -P). One line per
answered call (µs), then "missing" for each INVITE that got neither a 200 nor a 503 within the
capture. Written for the overload runs: tshark's SIP dissector takes minutes on the captures of a
proxy in collapse; this reads only what the figure needs (Call-ID, first line, CSeq method).

usage: setup_delay.py CAPTURE.pcap WINDOW_END_EPOCH_SECONDS
"""
import re
import struct
import sys

CALL_ID = re.compile(rb"^(?:Call-ID|i)\s*:\s*(\S+)", re.M | re.I)
CSEQ = re.compile(rb"^CSeq\s*:\s*\d+\s+(\w+)", re.M | re.I)


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            end = "<"
        else:
            end = ">"
            magic = struct.unpack(">I", head[:4])[0]
        nano = magic == 0xA1B23C4D
        link = struct.unpack(end + "I", head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(end + "IIII", rec)
            data = f.read(incl)
            yield sec + frac / (1e9 if nano else 1e6), link, data


def udp_payload(link, data):
    # DLT_EN10MB (dumpcap on lo) or DLT_NULL / DLT_LINUX_SLL
    if link == 1:
        off, ethertype = 14, struct.unpack(">H", data[12:14])[0]
    elif link == 113:
        off, ethertype = 16, struct.unpack(">H", data[14:16])[0]
    elif link == 0:
        off, ethertype = 4, 0x0800
    else:
        return None
    if ethertype == 0x0800:
        ihl = (data[off] & 0x0F) * 4
        if data[off + 9] != 17:
            return None
        off += ihl
    elif ethertype == 0x86DD:
        if data[off + 6] != 17:
            return None
        off += 40
    else:
        return None
    return data[off + 8:]


def main():
    path, window_end = sys.argv[1], float(sys.argv[2])
    inv, done, refused = {}, set(), set()
    for t, link, data in packets(path):
        p = udp_payload(link, data)
        if not p:
            continue
        m = CALL_ID.search(p)
        if not m:
            continue
        cid = m.group(1)
        if p.startswith(b"INVITE "):
            if cid not in inv and t < window_end:
                inv[cid] = t
        elif p.startswith(b"SIP/2.0 200") and cid in inv and cid not in done:
            c = CSEQ.search(p)
            if c and c.group(1).upper() == b"INVITE":
                done.add(cid)
                print("%.0f" % ((t - inv[cid]) * 1e6))
        elif p.startswith(b"SIP/2.0 503") and cid in inv:
            refused.add(cid)
    for cid in inv:
        if cid not in done and cid not in refused:
            print("missing")


if __name__ == "__main__":
    main()
