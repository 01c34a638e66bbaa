#!/usr/bin/env python3
"""Runs every query of grafana-dashboard.json against a live Prometheus that scrapes pdm.

usage: monitoring/check-dashboard.py [PROMETHEUS_URL]   (default http://127.0.0.1:9090)

Grafana variables are filled in ($__rate_interval=1m, $job/$node=.*). Prints each query
with the number of series it returns; exits 1 if Prometheus rejects any query.
"""
import json
import os
import sys
import urllib.parse
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9090"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "grafana-dashboard.json")) as f:
    dash = json.load(f)

queries = []


def walk(n, title=None):
    if isinstance(n, dict):
        title = n.get("title", title)
        if isinstance(n.get("expr"), str):
            queries.append((title, n["expr"]))
        for v in n.values():
            walk(v, title)
    elif isinstance(n, list):
        for v in n:
            walk(v, title)


walk(dash.get("panels", []))
bad = 0
for title, q in queries:
    expr = q.replace("$__rate_interval", "1m").replace("$job", ".*").replace("$node", ".*")
    try:
        with urllib.request.urlopen(url + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})) as r:
            res = json.load(r)
        print(f"{len(res['data']['result']):4d} series  {title}: {expr}")
    except urllib.error.HTTPError as e:
        bad += 1
        print(f"ERROR {e.code} {title}: {expr}: {e.read().decode()}")
sys.exit(1 if bad else 0)
