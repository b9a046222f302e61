#!/usr/bin/env python3
"""Fake media gateways for mgcd_addresses_test.sh: each listens on its own UDP address and
records, one line per datagram in LOG, "NAME FROM-HOST FROM-PORT FIRST-LINE".
  mgcp NAME HOST PORT answer|silent   answers every command with "200 <tid> OK" (or never)
  rsip NAME AFTER ENDPOINT METHOD     the MGCP gateway NAME (given before) sends, AFTER seconds
                                      after its first command from the call agent, RSIP for
                                      ENDPOINT with restart method METHOD to where it came from
  h248 NAME HOST PORT MGC-HOST MGC-PORT   registers (ServiceChange Restart on ROOT) with the MGC
                                          from its own address, then answers nothing
Runs until killed."""
import selectors
import socket
import sys
import time


def main():
    log = open(sys.argv[1], "a", buffering=1)
    sel = selectors.DefaultSelector()
    args = sys.argv[2:]
    rsips = {}  # name -> [after, endpoint, method, due time or None]
    while args:
        if args[0] == "rsip":
            rsips[args[1]] = [float(args[2]), args[3], args[4], None]
            args = args[5:]
            continue
        kind, name, host, port = args[0], args[1], args[2], int(args[3])
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((host, port))
        if kind == "mgcp":
            sel.register(s, selectors.EVENT_READ, (name, args[4] == "answer", "mgcp"))
            args = args[5:]
        else:
            mgc = (args[4], int(args[5]))
            sel.register(s, selectors.EVENT_READ, (name, False, "h248"))
            msg = ("MEGACO/1 [%s]:%d\nTransaction = 1 { Context = - { ServiceChange = ROOT { "
                   "Services { Method = Restart, Reason = 901 } } } }\n" % (host, port))
            s.sendto(msg.encode(), mgc)
            args = args[6:]
    sockets = {key.data[0]: key.fileobj for key in sel.get_map().values()}
    call_agent = {}
    while True:
        now = time.monotonic()
        for name, r in rsips.items():
            if r[3] is not None and now >= r[3] and name in call_agent:
                msg = "RSIP 9%03d %s MGCP 1.0\r\nRM: %s\r\n" % (len(name), r[1], r[2])
                sockets[name].sendto(msg.encode(), call_agent[name])
                log.write("%s sent RSIP %s %s\n" % (name, r[1], r[2]))
                r[3] = float("inf")
        for key, _ in sel.select(0.1):
            s = key.fileobj
            name, answer, kind = key.data
            data, src = s.recvfrom(65535)
            if kind == "mgcp" and name not in call_agent:
                call_agent[name] = src
                if name in rsips:
                    rsips[name][3] = time.monotonic() + rsips[name][0]
            first = data.decode(errors="replace").splitlines()[0] if data else ""
            log.write("%s %s %d %s\n" % (name, src[0], src[1], first))
            if kind == "mgcp" and answer:
                words = first.split()
                if len(words) > 1 and words[0].isalpha() and words[1].isdigit():
                    s.sendto(("200 %s OK\r\n" % words[1]).encode(), src)
            if kind == "h248":
                # the MGC's reply to the registration: acknowledge nothing more
                pass


if __name__ == "__main__":
    main()
