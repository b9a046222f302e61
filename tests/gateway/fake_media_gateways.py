#!/usr/bin/env python3
"""Fake media gateways for mgcd_addresses_test.sh: each listens on its own UDP address and
records, one line per datagram in LOG, "NAME FROM-HOST FROM-PORT FIRST-LINE".
  mgcp NAME HOST PORT answer|silent   answers every command with "200 <tid> OK" (or never)
  h248 NAME HOST PORT MGC-HOST MGC-PORT   registers (ServiceChange Restart on ROOT) with the MGC
                                          from its own address, then answers nothing
Runs until killed."""
import selectors
import socket
import sys


def main():
    log = open(sys.argv[1], "a", buffering=1)
    sel = selectors.DefaultSelector()
    args = sys.argv[2:]
    while args:
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
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            name, answer, kind = key.data
            data, src = s.recvfrom(65535)
            first = data.decode(errors="replace").splitlines()[0] if data else ""
            log.write("%s %s %d %s\n" % (name, src[0], src[1], first))
            if kind == "mgcp" and answer:
                words = first.split()
                if len(words) > 1 and words[1].isdigit():
                    s.sendto(("200 %s OK\r\n" % words[1]).encode(), src)
            if kind == "h248":
                # the MGC's reply to the registration: acknowledge nothing more
                pass


if __name__ == "__main__":
    main()
