"""Redirects and digest authentication at the SIP trunk edge (issue 14 item 4; RFC 3261
§8.1.3.4 and §22, RFC 7616)
against a live mgcd (lab_test.py's lab), with SIPp as the peer that challenges or is challenged.

Scenarios (registered in lab_test.py):
  pstn_to_sip_401_answered   a PSTN call toward a SIPp callee that answers the INVITE with 401
                             (MD5, qop=auth): mgcd sends it again with CSeq 2, the same Call-ID
                             and From tag and an Authorization whose response is recomputed here
                             (RFC 7616 §3.4.1); the call is answered
  pstn_to_sip_407_answered   the same with 407 and SHA-256: Proxy-Authorization, its response
                             recomputed here from the capture (RFC 7616 §3.4.1)
  pstn_to_sip_401_refused    the callee challenges the answer again: mgcd answers once per realm,
                             then releases with the RFC 3398 §8.2.6.1 cause (401 -> 21)
  pstn_to_sip_302_followed   a 302 with three Contacts: a loop skipped, a non-peer refused, the
                             third tried (q order) and answered; the CDR names it (§8.1.3.4)
  sip_register_refreshed     REGISTER turned on live toward a SIPp registrar that challenges and
                             grants 10 s: answered, refreshed before expiry with the next nonce
                             count, shown, removed with Expires: 0 by `no register`
  sip_inbound_challenged     a SIPp caller of a peer with credentials (`auth challenge md5`: SIPp
                             3.6 has no SHA-256): its INVITE gets 401 with a stateless nonce;
                             SIPp answers and the call goes through; a wrong password is refused
                             (401 again)
"""
import hashlib
import re
import subprocess
import time

from lablib import check, count, expect_order, select

CALLER_PORT = 5074   # peer sipp-caller of mgcd-a.cfg
CALLEE_PORT = 5072   # peer sipp-plain (route 3)
USER, PASSWORD = "mgc-lab", "s3cret-lab"


def peer_auth(peer, realm=None, md5_only=False):
    """The EXTRA config block that gives PEER credentials (mgcd-a.cfg names the peer again in its
    own `sip` block, which keeps them)."""
    return "sip\n peer %s\n  auth username %s password %s%s%s" % (
        peer, USER, PASSWORD, " realm " + realm if realm else "",
        "\n  auth challenge md5" if md5_only else "")


def sip_fields(s, flt, *fields):
    argv = ["tshark", "-r", s.lab.capture_file, "-n"] + s.lab.tshark_args() + [
        "-Y", flt, "-T", "fields", "-E", "separator=\t"]
    for f in fields:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def digest_params(value):
    """auth-params of a Digest credentials value, unquoted (RFC 3261 §25.1)."""
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in re.finditer(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))', value)}


def expected_response(p, method, password):
    """RFC 7616 §3.4.1 with qop=auth (MD5 or SHA-256), computed independently of mgcd."""
    h = (lambda x: hashlib.sha256(x.encode()).hexdigest()) \
        if p.get("algorithm", "MD5").upper().startswith("SHA-256") else \
        (lambda x: hashlib.md5(x.encode()).hexdigest())
    ha1 = h("%s:%s:%s" % (p["username"], p["realm"], password))
    if p.get("algorithm", "").lower().endswith("-sess"):
        ha1 = h("%s:%s:%s" % (ha1, p["nonce"], p["cnonce"]))
    ha2 = h("%s:%s" % (method, p["uri"]))
    return h(":".join([ha1, p["nonce"], p["nc"], p["cnonce"], "auth", ha2]))


def challenged_call(s, orig, code, algorithm, refuse=False):
    called = "3011" if not refuse else "3012"
    header = "WWW-Authenticate" if code == 401 else "Proxy-Authenticate"
    s.start(originate=orig(called, hold=1000, cause=21 if refuse else 16),
            extra=peer_auth("sipp-plain", "lab"))
    p = s.sipp("uas_challenge.xml", CALLEE_PORT, remote=None, background=True,
               CODE=code, PHRASE="Unauthorized" if code == 401 else "Proxy Authentication Required",
               CHALLENGE_HDR=header, ALGORITHM=algorithm, WAIT=15000,
               AFTER_CREDENTIALS="" if refuse else '<nop next="ok"/>')
    s.originate()
    s.sipp_done(p, 30)
    s.finish()
    cred_field = "sip.Authorization" if code == 401 else "sip.Proxy-Authorization"
    invites = sip_fields(s, "sip.Method == \"INVITE\"", "sip.CSeq.seq", "sip.Call-ID",
                         "sip.from.tag", cred_field)
    return invites


def pstn_to_sip_401_answered(s, orig):
    invites = challenged_call(s, orig, 401, "MD5")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 401", "SIP ACK", "SIP INVITE", "SIP 180",
                         "ISUP ACM", "SIP 200", "ISUP ANM", "ISUP REL", "SIP BYE", "SIP 200"],
                 "401 answered")
    check(len(invites) == 2, "%d INVITEs, expected 2: %s" % (len(invites), invites))
    (seq1, cid1, tag1, cred1), (seq2, cid2, tag2, cred2) = invites
    check((seq1, seq2) == ("1", "2"), "CSeq %s then %s (RFC 3261 §22.2: one higher)" % (seq1, seq2))
    check(cid1 == cid2 and tag1 == tag2, "the INVITE again changed Call-ID or From tag")
    check(not cred1 and cred2, "Authorization only in the second INVITE: %r / %r" % (cred1, cred2))
    prm = digest_params(cred2)
    check(prm.get("username") == USER and prm.get("realm") == "lab" and prm.get("qop") == "auth"
          and prm.get("opaque") == "op4q" and prm.get("nc") == "00000001",
          "Authorization %s" % cred2)
    check(prm["response"] == expected_response(prm, "INVITE", PASSWORD), "wrong digest response")
    # §13.2.2.4: the 2xx's ACK carries the same credentials
    acks = sip_fields(s, "sip.Method == \"ACK\" && sip.CSeq.seq == 2", "sip.Authorization")
    check(acks and acks[0][0] == cred2, "the ACK of the 200: %s" % acks)
    row = s.cdr()[0]
    s.expect_cdr(row, direction="pstn-to-sip", called="3011", cause=16, answer_utc="*")


def pstn_to_sip_407_answered(s, orig):
    invites = challenged_call(s, orig, 407, "SHA-256")
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 407", "SIP ACK", "SIP INVITE", "SIP 180",
                         "SIP 200", "ISUP ANM"], "407 answered")
    check(len(invites) == 2 and invites[1][3] and not invites[0][3],
          "INVITEs and their Proxy-Authorization: %s" % invites)
    prm = digest_params(invites[1][3])
    check(prm.get("algorithm") == "SHA-256", "algorithm %s" % prm.get("algorithm"))
    check(prm["response"] == expected_response(prm, "INVITE", PASSWORD),
          "Proxy-Authorization response is not RFC 7616's: %s" % invites[1][3])
    s.expect_cdr(s.cdr()[0], cause=16, answer_utc="*")


def pstn_to_sip_401_refused(s, orig):
    challenged_call(s, orig, 401, "MD5", refuse=True)
    # SIPp challenges our answer again for the same realm: mgcd does not
    # send the refused credentials a second time (RFC 3261 §22.2) and releases
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 401", "SIP ACK", "SIP INVITE", "SIP 401",
                         "SIP ACK", "ISUP REL", "ISUP RLC"], "credentials refused")
    check(count(s.evs, "SIP", "INVITE") == 2, "INVITEs: %d" % count(s.evs, "SIP", "INVITE"))
    check(s.rel_causes() == [21], "REL causes %s (RFC 3398 §8.2.6.1: 401 -> 21)" % s.rel_causes())
    s.expect_cdr(s.cdr()[0], cause=21, answer_utc="")


def sip_inbound_challenged(s):
    # SIPp 3.6 answers the first challenge it reads and knows no SHA-256: MD5 alone for it
    s.start(extra=peer_auth("sipp-caller", md5_only=True))
    s.sipp("uac_auth.xml", CALLER_PORT, CALLED="12345", CALLING="5551234", HOLD=500,
           USER=USER, PASSWORD=PASSWORD)
    # a wrong password: the second INVITE is challenged again (RFC 3261 §22.4) and SIPp, which
    # expects a 1xx/200, fails
    bad = s.sipp("uac_auth.xml", CALLER_PORT, CALLED="12345", CALLING="5551234", HOLD=500,
                 USER=USER, PASSWORD="wrong", background=True, name="sipp-wrong", life=15)
    rc = s.lab.wait_exit(bad, 20)
    check(rc != 0, "SIPp with a wrong password got through")
    counters = s.mgcd("show sip counters")
    s.finish()
    challenges = sip_fields(s, "sip.Status-Code == 401", "sip.WWW-Authenticate")
    check(len(challenges) == 3, "%d 401s, expected 3 (two calls, one refused answer): %s" %
          (len(challenges), challenges))
    first = challenges[0][0]
    check("algorithm=MD5" in first and "SHA-256" not in first and 'qop="auth"' in first,
          "WWW-Authenticate of the 401: %s" % first)
    # the good answer's digest, recomputed (SIPp's MD5 with qop=auth)
    creds = sip_fields(s, "sip.Method == \"INVITE\" && sip.CSeq.seq == 2", "sip.Authorization")
    check(creds and creds[0][0], "no credentials in the second INVITE")
    prm = digest_params(creds[0][0])
    check(prm["response"] == expected_response(prm, "INVITE", PASSWORD),
          "SIPp's response does not verify here either: %s" % creds[0][0])
    check(len(select(s.evs, "ISUP", "IAM")) == 1, "IAMs: %d, expected 1" %
          len(select(s.evs, "ISUP", "IAM")))
    for name, want in (("authenticated", 1), ("challenged", 2), ("credentials_refused", 1)):
        m = re.search(r"sip\.auth\.%s\s+(\d+)" % name, counters)
        check(m and int(m.group(1)) == want, "counter sip.auth.%s: %s" % (name, counters))
    s.expect_cdr(s.cdr()[0], direction="sip-to-pstn", cause=16, answer_utc="*")


def pstn_to_sip_302_followed(s, orig):
    """A PSTN call toward SIPp on 5072 (peer sipp-plain, `redirect follow`), which answers 302
    with three Contacts: the original target again (q=1: a loop, skipped), an address that is no
    peer (q=0.9: refused, RFC 3261 §26.1), and SIPp on 5070 (q=0.5, peer sipp-t), which answers.
    The INVITE goes there with CSeq 2 and the same Call-ID (§8.1.3.4); the CDR names the target."""
    s.start(originate=orig("3021", hold=1000, cause=16),
            extra="sip\n peer sipp-plain\n  redirect follow max-redirects 2")
    answer = s.sipp("uas_answer.xml", 5070, remote=None, background=True, name="sipp-target",
                    RING=100, WAIT=15000)
    redirect = s.sipp("uas_redirect.xml", CALLEE_PORT, remote=None, background=True,
                      CONTACTS="<sip:3021@127.0.0.1:5072>;q=1, <sip:3021@127.0.0.1:5999>;q=0.9, "
                               "<sip:3021@127.0.0.1:5070>;q=0.5")
    s.originate()
    s.sipp_done(redirect, 20)
    s.sipp_done(answer, 30)
    counters = s.mgcd("show sip counters")
    s.finish()
    expect_order(s.evs, ["ISUP IAM", "SIP INVITE", "SIP 302", "SIP ACK", "SIP INVITE", "SIP 180",
                         "ISUP ACM", "SIP 200", "ISUP ANM", "ISUP REL", "SIP BYE"], "302 followed")
    invites = sip_fields(s, "sip.Method == \"INVITE\"", "udp.dstport", "sip.CSeq.seq",
                         "sip.Call-ID", "sip.r-uri")
    check([(i[0], i[1]) for i in invites] == [("5072", "1"), ("5070", "2")],
          "INVITEs (port, CSeq): %s" % invites)
    check(invites[0][2] == invites[1][2], "the redirected INVITE has another Call-ID")
    check(invites[1][3] == "sip:3021@127.0.0.1:5070", "Request-URI %s" % invites[1][3])
    for name, want in (("redirects_followed", 1), ("redirect_targets_tried", 1),
                       ("redirect_loops_skipped", 1), ("redirect_targets_refused", 1)):
        m = re.search(r"sip\.ua\.%s\s+(\d+)" % name, counters)
        check(m and int(m.group(1)) == want, "counter sip.ua.%s: %s" % (name, counters))
    s.expect_cdr(s.cdr()[0], direction="pstn-to-sip", cause=16, answer_utc="*",
                 redirected_to="sip:3021@127.0.0.1:5070")
    log = s.lab.proc("mgcd-a").text()
    check("redirected by 302 to sip:3021@127.0.0.1:5070" in log, "no call-control redirect line")


def sip_register_refreshed(s):
    """REGISTER toward a trunk peer that requires it (RFC 3261 §10.2), turned on live: SIPp on
    5072 (peer sipp-plain) is a registrar that challenges (§22.2) and grants 10 s; mgcd answers
    the challenge, refreshes 5 s later (§10.2.4) reusing the nonce with nc 2 (RFC 7616 §3.4), shows
    the binding in `show peers`, and `no register` removes it (Expires: 0, §10.2.2). One Call-ID,
    CSeq one higher each time (§10.2)."""
    s.start()
    reg = s.sipp("uas_registrar.xml", CALLEE_PORT, remote=None, background=True, life=40,
                 GRANT=10, WAIT=20000)
    s.mgcd("configure terminal", "sip", "peer sipp-plain",
           "auth username %s password %s" % (USER, PASSWORD), "register expires 10", "end")
    deadline = time.time() + 12
    shown = ""
    while time.time() < deadline:  # registered, then the refresh's 200 again (8 s is past it)
        time.sleep(0.5)
        shown = s.mgcd("show peers")
        if re.search(r"registration sip:%s@127\.0\.0\.1: registered .*registered 2 times" % USER,
                     shown):
            break
    check(re.search(r"registration sip:%s@127\.0\.0\.1: registered for 10 s, refresh in \d+ s; "
                    r"registered 2 times, failed 0" % USER, shown),
          "show peers after the refresh:\n" + shown)
    check("password set" in shown and PASSWORD not in shown, "show peers and the password:\n" +
          shown)
    running = s.mgcd("show running-config")
    check("register expires 10" in running and PASSWORD not in running,
          "show running-config:\n" + running)
    s.mgcd("configure terminal", "sip", "peer sipp-plain", "no register", "end")
    s.sipp_done(reg, 15)
    s.finish()
    regs = sip_fields(s, "sip.Method == \"REGISTER\"", "sip.CSeq.seq", "sip.Call-ID",
                      "sip.Expires", "sip.Authorization", "frame.time_relative")
    check(len(regs) == 4, "%d REGISTERs, expected 4: %s" % (len(regs), regs))
    check([r[0] for r in regs] == ["1", "2", "3", "4"], "CSeqs %s" % [r[0] for r in regs])
    check(len({r[1] for r in regs}) == 1, "REGISTERs with several Call-IDs")
    check([r[2] for r in regs] == ["10", "10", "10", "0"], "Expires %s" % [r[2] for r in regs])
    check(not regs[0][3], "credentials before any challenge")
    ncs = [digest_params(r[3]).get("nc") for r in regs[1:]]
    check(ncs == ["00000001", "00000002", "00000003"], "nonce counts %s" % ncs)
    for r in regs[1:]:
        prm = digest_params(r[3])
        check(prm["response"] == expected_response(prm, "REGISTER", PASSWORD),
              "REGISTER credentials do not verify: %s" % r[3])
    refresh = float(regs[2][4]) - float(regs[1][4])
    check(4.0 <= refresh <= 6.5, "refresh %.1f s after the registration; 10 s granted" % refresh)
