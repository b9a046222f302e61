#!/usr/bin/env python3
"""Prints the ladder of what a capture of the lab carried: SIP (with the ISUP each body holds),
ISUP on M3UA (with the CIC), MGCP and H.248, read back by tshark (scripts/lablib.py).

  ladder.py CAPTURE [FROM_EPOCH TO_EPOCH]     the packets between two times (seconds since 1970)
  ladder.py CAPTURE --malformed               the packets tshark finds malformed (none: exit 0)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lablib  # noqa: E402

NAMES = {2427: "osmo-mgw", 2944: "mgcd", 2945: "H.248 MG", 5060: "mgcd", 5064: "baresip",
         5066: "baresip", 5070: "SIPp", 5071: "SIPp", 5072: "SIPp", 5074: "SIPp",
         9899: "mgcd", 9900: "pstn-sim"}


def who(port):
    return NAMES.get(port, "mgcd" if port > 30000 else str(port))


def main():
    cap = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--malformed":
        bad = lablib.malformed(cap)
        print("\n".join(bad) if bad else "   no malformed packet (tshark)")
        return 1 if bad else 0
    lo = float(sys.argv[2]) if len(sys.argv) > 3 else 0.0
    hi = float(sys.argv[3]) if len(sys.argv) > 3 else 1e12
    for e in lablib.events(cap):
        if not lo <= e["epoch"] <= hi or e["proto"] == "RTP":
            continue
        if e["proto"] == "ISUP":
            extra = " cic %d" % e["cic"]
        elif e["proto"] == "SIP":
            extra = (" [ISUP %s]" % ",".join(e["isup"])) if e.get("isup") else ""
            if e["what"].isdigit():
                extra = " (%s)%s" % (e["cseq"], extra)
        else:
            extra = " " + (e.get("endpoint") or e.get("termid") or "")
        print("   %-8s -> %-8s %-4s %s%s" % (who(e["src"]), who(e["dst"]), e["proto"], e["what"],
                                              extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
