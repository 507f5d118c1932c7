#!/usr/bin/env python3
"""The requests bench/web measures against a running `termaudit serve` (see bench/web).

Latency: each request a person makes, one after another (p50 / p95 / max). Load: the case list and a case page
under 16 concurrent connections for a few seconds (wrk when installed, else threads here). Every answer's status
is checked; --smoke makes fewer requests and fails on any unexpected answer.
"""
import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse


class Client:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.cookie = ""
        self.csrf = ""
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method, path, body=None, headers=None):
        h = {"Cookie": self.cookie} if self.cookie else {}
        if method != "GET":
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        if data is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.conn.request(method, path, body=data, headers=h)
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, payload, (time.perf_counter() - started) * 1000, r

    def sign_in(self, user, password):
        status, body, _, r = self.request("POST", "/api/v1/session", {"username": user, "password": password})
        if status != 200:
            raise SystemExit(f"bench/web: sign-in as {user} refused: {status} {body[:200]!r}")
        self.cookie = r.getheader("Set-Cookie").split(";")[0]
        self.csrf = json.loads(body)["csrf_token"]


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--accounts", required=True)
    ap.add_argument("--cases", type=int, required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    accounts = {}
    for line in open(args.accounts, encoding="utf-8").read().splitlines()[1:]:
        user, password, _ = line.split("\t")
        accounts[user] = password
    repeat = 5 if args.smoke else 60
    rnd = random.Random(1)
    admin = Client(args.base)
    admin.sign_in("admin", accounts["admin"])
    reader = Client(args.base)
    reader.sign_in("reader", accounts["reader"])
    problems = []

    # Every case id, a page of 500 at a time (also a check that keyset paging reaches the end).
    ids, after = [], None
    while True:
        status, body, _, _ = admin.request("GET", "/api/v1/cases?limit=500" + (f"&after={after}" if after else ""))
        page = json.loads(body)
        ids += [c["id"] for c in page["cases"]]
        after = page.get("next")
        if not after:
            break
    if len(ids) != page["total"] or len(ids) < args.cases:
        problems.append(f"the list pages through {len(ids)} cases, total says {page['total']}, generated {args.cases}")
    published = [c["id"] for c in json.loads(admin.request("GET", "/api/v1/cases?state=ready_for_signoff&limit=50")[1])["cases"]]
    last_page_after = ids[-51] if len(ids) > 51 else ids[0]
    mid_cursor = None
    status, body, _, _ = admin.request("GET", "/api/v1/cases?sort=term_end&limit=" + str(max(1, min(500, len(ids) // 2))))
    mid_cursor = json.loads(body).get("next")

    def enc(s):
        return urllib.parse.quote(s, safe="")

    measured = []

    def measure(what, client, make, expect=(200,)):
        times = []
        for i in range(repeat):
            method, path, body = make(i)
            status, payload, ms, _ = client.request(method, path, body)
            if status not in expect:
                problems.append(f"{what}: {method} {path} answered {status}: {payload[:160]!r}")
            times.append(ms)
        measured.append({"what": what, "p50": statistics.median(times), "p95": percentile(times, 95), "max": max(times)})
        print(f"bench: {args.cases:>7,} cases  {what:<58} p50 {measured[-1]['p50']:7.1f} ms  p95 {measured[-1]['p95']:7.1f} ms", file=sys.stderr)

    pick = lambda i: ids[rnd.randrange(len(ids))]
    measure("工作台 desk `/`", admin, lambda i: ("GET", "/", None))
    measure("案卷列表 first page `/cases`", admin, lambda i: ("GET", "/cases", None))
    measure("案卷列表 last page `/cases?after=…`", admin, lambda i: ("GET", f"/cases?after={enc(last_page_after)}", None))
    measure("案卷列表 search `/cases?q=局`", admin, lambda i: ("GET", "/cases?q=" + enc("局"), None))
    measure("案卷列表 filtered `?department=audit&overdue=1`", admin, lambda i: ("GET", "/cases?department=audit&overdue=1", None))
    measure("案卷列表 sorted, mid-list `?sort=term_end&after=…`", admin,
            lambda i: ("GET", "/cases?sort=term_end" + (f"&after={enc(mid_cursor)}" if mid_cursor else ""), None))
    measure("案卷 case page `/cases/{id}`", admin, lambda i: ("GET", f"/cases/{pick(i)}", None))
    measure("历史 history `/cases/{id}/history`", admin, lambda i: ("GET", f"/cases/{pick(i)}/history", None))
    measure("编辑 form `/cases/{id}/edit/indicators`", admin, lambda i: ("GET", f"/cases/{pick(i)}/edit/indicators", None))
    measure("API case `GET /api/v1/cases/{id}`", admin, lambda i: ("GET", f"/api/v1/cases/{pick(i)}", None))
    measure("工作交接 form `/cases/{id}/edit/handover`", admin, lambda i: ("GET", f"/cases/{pick(i)}/edit/handover", None))
    measure("基本情况 form `/cases/{id}/edit/basic`", admin, lambda i: ("GET", f"/cases/{pick(i)}/edit/basic", None))
    measure("新建案卷 form `/cases/new` (next id suggested)", admin, lambda i: ("GET", "/cases/new", None))
    if published:
        measure("签字 page `/cases/{id}/sign`", admin, lambda i: ("GET", f"/cases/{published[i % len(published)]}/sign", None))
        measure("核验 page `/cases/{id}/verify`", admin, lambda i: ("GET", f"/cases/{published[i % len(published)]}/verify", None))
    measure("工作簿 page `/workbooks`", admin, lambda i: ("GET", "/workbooks", None))

    # A save: the post's title changed back and forth on one case, each a new revision.
    target = ids[len(ids) // 3]
    status, body, _, r = admin.request("GET", f"/api/v1/cases/{target}/sections/post")
    post = json.loads(body, object_pairs_hook=lambda pairs: pairs)
    state = {"revision": int(r.getheader("ETag").strip('"')), "flip": False}

    def save(i):
        state["flip"] = not state["flip"]
        changed = [(k, (v + "（代）" if state["flip"] else v)) if k == "title" else (k, v) for k, v in post]
        return "PUT", f"/api/v1/cases/{target}/sections/post", json.dumps(dict(changed), ensure_ascii=False).encode()

    times = []
    for i in range(repeat):
        method, path, body = save(i)
        status, payload, ms, _ = admin.request(method, path, body, {"If-Match": f'"{state["revision"]}"'})
        if status != 200:
            problems.append(f"save: {status} {payload[:160]!r}")
        else:
            state["revision"] = json.loads(payload)["revision"]
        times.append(ms)
    measured.append({"what": "保存 a section `PUT …/sections/post` (a revision)", "p50": statistics.median(times),
                     "p95": percentile(times, 95), "max": max(times)})
    print(f"bench: {args.cases:>7,} cases  {'save':<58} p50 {measured[-1]['p50']:7.1f} ms", file=sys.stderr)
    measure("公开 published list `/public` (reader)", reader, lambda i: ("GET", "/public", None))
    if published:
        measure("公开 published case `/public/{id}` (reader)", reader, lambda i: ("GET", f"/public/{published[i % len(published)]}", None))

    # Load: 16 connections for a few seconds on the list and on case pages.
    load = []
    seconds = 2 if args.smoke else 10
    for what, path in [("案卷列表 `/cases`", "/cases"), ("案卷 `/cases/{id}`", f"/cases/{ids[len(ids) // 2]}")]:
        if shutil.which("wrk") and not args.smoke:
            out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"Cookie: {admin.cookie}", args.base + path],
                                 capture_output=True, text=True, timeout=seconds + 60).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

            def lat(p):
                m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
                v, unit = float(m.group(1)), m.group(2)
                return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            if non2xx:
                problems.append(f"load {what}: {non2xx.group(1)} answers not 2xx")
            load.append({"what": what, "rps": rps, "p50": lat(50), "p99": lat(99), "tool": "wrk -t2 -c16"})
        else:
            times, lock, stop, errors = [], threading.Lock(), time.time() + seconds, []

            def worker():
                c = Client(args.base)
                c.cookie = admin.cookie
                while time.time() < stop:
                    status, _, ms, _ = c.request("GET", path)
                    with lock:
                        times.append(ms)
                        if status != 200:
                            errors.append(status)
            threads = [threading.Thread(target=worker) for _ in range(16)]
            started = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                problems.append(f"load {what}: {len(errors)} answers not 200")
            load.append({"what": what, "rps": len(times) / (time.time() - started), "p50": statistics.median(times),
                         "p99": percentile(times, 99), "tool": "16 Python threads"})
        print(f"bench: {args.cases:>7,} cases  load {what:<53} {load[-1]['rps']:7.0f} req/s  p99 {load[-1]['p99']:.1f} ms", file=sys.stderr)

    results = json.load(open(args.results))
    results.append({"cases": args.cases, "ready": args.ready, "latency": measured, "load": load})
    json.dump(results, open(args.results, "w"), ensure_ascii=False, indent=1)
    if problems:
        print("bench/web: " + "\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
