"""mgcd's metrics read back through a real Prometheus server (issue 18 item 1; DESIGN.md
"Metrics"), in lab_test.py's lab.

  prometheus_scrape   Prometheus (Debian's, a temporary config scraping mgcd's /metrics every
                      second on 127.0.0.1, storage in the work directory, its own free port)
                      while SIPp places three answered calls into the PSTN; then through its
                      HTTP API (/api/v1/query): the calls answered, trunk group pstn-a's idle
                      circuits, the setup delay histogram's count, the ASR of the README's
                      recording rule; the endpoint moved and closed live from the VTY.
Bounded: Prometheus waits at most 15 s to come up, each query at most 20 s for its value.
"""
import json
import os
import re
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from lablib import check, fail

MGCD_VTY = 4260
CALLS = 3


class Skip(Exception):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=3.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def query(prom_port, expr):
    """The instant vector of EXPR: [(labels, value)]."""
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (prom_port, urllib.parse.urlencode(
        {"query": expr}))
    _, _, body = http_get(url)
    data = json.loads(body)
    check(data.get("status") == "success", "Prometheus query %s: %s" % (expr, body))
    return [(r["metric"], float(r["value"][1])) for r in data["data"]["result"]]


def wait_value(prom_port, expr, want, timeout=20.0, close=False):
    """Until EXPR's single value is WANT (within 1e-9 when CLOSE); fails with the last answer."""
    end = time.time() + timeout
    got = None
    while time.time() < end:
        got = query(prom_port, expr)
        if len(got) == 1 and (abs(got[0][1] - want) < 1e-9 if close else got[0][1] == want):
            return
        time.sleep(0.5)
    fail("Prometheus: %s is %s, expected %s" % (expr, got, want))


def prometheus_scrape(s, sip_uac_port):
    if not shutil.which("prometheus"):
        raise Skip("prometheus is not installed (scripts/setup installs it)")
    lab = s.lab
    metrics_port, prom_port = free_port(), free_port()
    s.start(extra="metrics\n bind 127.0.0.1 %d" % metrics_port)
    # what mgcd serves, as a scraper gets it: the exposition format's media type
    status, ctype, text = http_get("http://127.0.0.1:%d/metrics" % metrics_port)
    check(status == 200 and ctype.startswith("text/plain; version=0.0.4"),
          "GET /metrics: %s %s" % (status, ctype))
    check('mgc_circuits{trunk_group="pstn-a",state="idle"} 31' in text,
          "no idle circuits of pstn-a in /metrics:\n%s" % text[:2000])

    storage = lab.path("prometheus-data")
    os.makedirs(storage, exist_ok=True)
    cfg = lab.write("prometheus.yml",
                    "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: mgcd\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % metrics_port)
    prom = lab.start("prometheus", [
        "prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + storage,
        "--web.listen-address=127.0.0.1:%d" % prom_port, "--log.level=info"], life=90)
    lab.wait_log(prom, "Server is ready to receive web requests", 15)
    # the target is up once it has been scraped
    wait_value(prom_port, 'up{job="mgcd"}', 1, timeout=10)

    s.sipp("uac_call.xml", sip_uac_port, CALLED="12345", CALLING="5551234", HOLD=500,
           calls=CALLS, rate=10)
    s.wait_calls_gone()

    wait_value(prom_port, "mgc_call_control_answered_total", CALLS)
    wait_value(prom_port, 'mgc_circuits{trunk_group="pstn-a",state="idle"}', 31)
    wait_value(prom_port, 'mgc_setup_delay_seconds_count{direction="sip-to-pstn"}', CALLS)
    wait_value(prom_port, 'mgc_trunk_group_seizures_total{trunk_group="pstn-a",way="out"}', CALLS)
    wait_value(prom_port, 'mgc_sip_peer_network_effective_total{sip_peer="sipp-caller",way="in"}',
               CALLS)
    # the README's recording rule: ASR per trunk group over 5 min (every call answered)
    wait_value(prom_port, 'sum by (trunk_group) (increase(mgc_trunk_group_answered_total'
               '{trunk_group="pstn-a"}[5m])) / sum by (trunk_group) (increase('
               'mgc_trunk_group_seizures_total{trunk_group="pstn-a"}[5m]))', 1.0, close=True)
    wait_value(prom_port, 'mgc_m3ua_asp_state{state="ASP-ACTIVE"}', 1)
    wait_value(prom_port, 'mgc_media_gateway_service{media_gateway="mgw",service="in-service"}', 1)
    # the mean setup delay is a positive duration of less than the lab's 4 s T9
    got = query(prom_port, 'mgc_setup_delay_seconds_sum{direction="sip-to-pstn"} / '
                'mgc_setup_delay_seconds_count{direction="sip-to-pstn"}')
    check(len(got) == 1 and 0 < got[0][1] < 4, "mean setup delay %s" % got)

    # live: the endpoint moves to another port, the old one closes; then it closes altogether
    moved = free_port()
    s.mgcd("configure terminal", "metrics", "bind 127.0.0.1 %d" % moved, "end")
    status, _, text = http_get("http://127.0.0.1:%d/metrics" % moved)
    check(status == 200 and "mgc_calls_up 0" in text, "moved endpoint: %s" % status)
    try:
        http_get("http://127.0.0.1:%d/metrics" % metrics_port, timeout=1)
        fail("the old metrics port still answers")
    except (urllib.error.URLError, ConnectionError):
        pass
    running = s.mgcd("show running-config")
    check("metrics\n bind 127.0.0.1 %d" % moved in running.replace("\r", ""),
          "show running-config:\n%s" % running)
    # every scrape Prometheus made, and ours
    shown = s.mgcd("show metrics")
    m = re.search(r"on 127\.0\.0\.1:%d, \d+ connections\s+scrapes (\d+)," % moved, shown)
    check(m and int(m.group(1)) >= 3, "show metrics: %s" % shown)
    s.mgcd("configure terminal", "metrics", "no bind", "end")
    try:
        http_get("http://127.0.0.1:%d/metrics" % moved, timeout=1)
        fail("the endpoint still answers after no bind")
    except (urllib.error.URLError, ConnectionError):
        pass
    s.finish()
    check(len(s.cdr(n=CALLS)) == CALLS, "CDRs")
