#!/usr/bin/env python3
"""Hostile clients of the metrics endpoint, for tests/lab/prometheus-lab.sh.

hostile-http.py HOST PORT SOURCE... (7 addresses: 5 for the flood, one
for the slowloris, one for the rest) -- runs, all at once and each bounded
in time, then prints one JSON object of what each saw:
  idle:      40 connections from the SOURCE addresses (8 each), sending
             nothing for 3 s: how many the server kept open / closed
  per_ip:    8 connections from the first SOURCE only, idle: kept / closed
  big:       a request head of 100 KiB: the status line answered
  garbage:   4 KiB of random bytes: the status line answered (or "closed")
  slowloris: a request whose head trickles a line a second, never ending:
             the seconds until the server closed it (or null after 20 s)
  scrapes:   3000 GETs of /metrics, 100 per kept-alive connection: how
             many were answered 200 with a body (a leak per request shows
             in the RSS the caller reads after)
Nothing but the endpoint is contacted; every socket is closed on exit.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time

HOST, PORT = sys.argv[1], int(sys.argv[2])
SOURCES = sys.argv[3:]
out = {}


def connect(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)     # a full listen queue drops SYNs: bounded retries
    s.bind((src, 0))
    s.connect((HOST, PORT))
    return s


def closed_by_server(s, wait):
    """True when the server closed (or reset) s within wait seconds."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def hold(name, sources, per_source):
    socks = []
    for src in sources:
        for _ in range(per_source):
            try:
                socks.append(connect(src))
            except OSError:
                pass
    time.sleep(0.5)
    results = [None] * len(socks)

    def probe(i):
        results[i] = closed_by_server(socks[i], 2.5)
    threads = [threading.Thread(target=probe, args=(i,)) for i in range(len(socks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    closed = sum(1 for r in results if r)
    out[name] = {"opened": len(socks), "closed": closed, "kept": len(socks) - closed}
    for s in socks:
        s.close()


def status_line(name, payload):
    try:
        s = connect(SOURCES[-1])
        try:
            s.sendall(payload)
        except OSError:
            pass
        s.settimeout(5)
        data = b""
        try:
            while b"\r\n" not in data and len(data) < 4096:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        s.close()
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        out[name] = line if line else "closed"
    except OSError as e:
        out[name] = "error: %s" % e


def slowloris():
    s = connect(SOURCES[-2])
    start = time.monotonic()
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(1)
    i = 0
    while time.monotonic() - start < 20:
        try:
            s.sendall(b"X-%d: y\r\n" % i)
            i += 1
            if s.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    else:
        out["slowloris"] = None
        s.close()
        return
    out["slowloris"] = round(time.monotonic() - start, 1)
    s.close()


def scrapes():
    ok = 0
    for _ in range(30):
        c = http.client.HTTPConnection(HOST, PORT, timeout=5,
                                       source_address=(SOURCES[-1], 0))
        try:
            for _ in range(100):
                c.request("GET", "/metrics")
                r = c.getresponse()
                body = r.read()
                if r.status == 200 and body.startswith(b"# HELP"):
                    ok += 1
        except (OSError, http.client.HTTPException):
            pass
        c.close()
    out["scrapes"] = ok


jobs = [
    threading.Thread(target=slowloris),
    threading.Thread(target=hold, args=("idle", SOURCES[:5], 8)),
]
for j in jobs:
    j.start()
    time.sleep(0.3)     # the slowloris holds its slot before the flood
for j in jobs:
    j.join()
# after the flood has gone: one address over its limit, then the bad requests
hold("per_ip", SOURCES[:1], 8)
status_line("big", b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 102400 + b"\r\n\r\n")
status_line("garbage", os.urandom(4096) + b"\r\n\r\n")
scrapes()
print(json.dumps(out, sort_keys=True))
