#!/usr/bin/env python3
"""The reader (查阅) never receives an internal-only value, through any route.

Plants a canary string in every internal-only field of a copy of the samples — identity numbers, staff ids, team
members' names, notes of indicators, handover items, findings and audit items, the incoming and supervising
parties, sanction notes, the titles and amounts of findings the public edition withholds, and the officials' names
of the cases it does not publish (the kinds of internal-only.json, shared with the public edition's own test,
PublicationTests) — serves it
with `termaudit serve --demo`, and asks every route of the application as the reader: every page, every published
case, every API operation of the OpenAPI document for every case id, and the public workbook (unzipped). No
canary may appear in any answer. As a control, the administrator's internal answers must hold the canaries
(so the test can fail).

    python3 Tests/Security/reader_canary.py --termaudit .build/debug/termaudit
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Browser"))
from journeys import Server  # noqa: E402  (the same server harness as the browser journeys)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The internal-only fields, listed once for this script and the public edition's own test (PublicationTests).
INTERNAL_ONLY = json.load(open(os.path.join(os.path.dirname(__file__), "internal-only.json"), encoding="utf-8"))["fields"]


def plant(samples, out, termaudit):
    """A copy of the samples with canaries in every internal-only field; returns the canaries."""
    shutil.copytree(samples, out)
    settings = os.path.join(out, "termaudit.yaml")
    text = open(settings, encoding="utf-8").read().replace("library: ../checklists", "library: " + os.path.join(REPO, "checklists"))
    open(settings, "w", encoding="utf-8").write(text)
    states = {c["id"]: c["state"] for c in json.loads(subprocess.run([termaudit, "status", out, "--format", "json"], check=True,
                                                                         capture_output=True).stdout)["cases"]}
    published = {i for i, s in states.items() if s in ("ready_for_signoff", "signed_off")}
    canaries = []
    kinds = {}   # each canary's kind (internal-only.json)

    def canary(kind):
        s = f"CANARY{kind}{len(canaries):04d}"
        canaries.append(s)
        kinds[s] = kind
        return s

    for root, _, files in os.walk(os.path.join(out, "cases")):
        for name in files:
            if not name.endswith(".yaml"):
                continue
            path = os.path.join(root, name)
            c = yaml.safe_load(open(path, encoding="utf-8"))
            o = c["official"]
            nid = "110101199001%06d" % len(canaries)   # an identity number's shape, found nowhere else
            canaries.append(nid)
            kinds[nid] = "nid"
            o["national_id"] = nid
            o["staff_id"] = canary("staff")
            for s in o.get("sanctions") or []:
                s["note"] = canary("sanction")
            renamed = {}
            for m in c.get("team") or []:
                renamed[m["name"]] = canary("member")
                m["name"] = renamed[m["name"]]
            audit = c.get("audit") or {}
            for k, item in list((audit.get("items") or {}).items()):
                if not isinstance(item, dict):
                    item = {"status": item}
                if item.get("examiner") in renamed:
                    item["examiner"] = renamed[item["examiner"]]
                item["note"] = canary("auditnote")
                audit["items"][k] = item
            for k, conclusion in (audit.get("conclusions") or {}).items():
                if conclusion.get("by") in renamed:
                    conclusion["by"] = renamed[conclusion["by"]]
            for i in c.get("indicators") or []:
                i["note"] = canary("indnote")
            h = c.get("handover")
            if h:
                for k, item in list((h.get("items") or {}).items()):
                    if not isinstance(item, dict):
                        item = {"status": item}
                    item["note"] = canary("itemnote")
                    h["items"][k] = item
                parties = h.get("parties") or {}
                for role in ("incoming", "supervisor"):
                    if role in parties:
                        parties[role] = canary(role)
            for f in c.get("findings") or []:
                f["note"] = canary("fnote")
                if f.get("status") in ("open", "unverified", "transferred"):
                    f["title"] = canary("ftitle")
                    f["amount"] = 98765.4321
            if c["id"] not in published:
                o["name"] = canary("unpublished")
                if (h or {}).get("parties", {}).get("outgoing"):
                    h["parties"]["outgoing"] = o["name"]   # the outgoing party is the official
                c.setdefault("findings", []).append({"id": "FX9", "title": canary("open"), "category": "other", "status": "open",
                                                     "amount": 12345.678, "department": "audit"})
                c["findings"].append({"id": "FY9", "title": canary("unverified"), "category": "other", "status": "unverified",
                                      "department": "audit"})
                c["findings"].append({"id": "FZ9", "title": canary("transferred"), "category": "other", "status": "transferred",
                                      "department": "audit"})
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(c, f, allow_unicode=True, sort_keys=False)
    check = subprocess.run([termaudit, "validate", out], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError("the planted samples do not validate:\n" + check.stdout[-2000:] + check.stderr[-2000:])
    listed = {f["kind"] for f in INTERNAL_ONLY}
    if set(kinds.values()) != listed:
        raise RuntimeError(f"plant every kind of internal-only.json, and only those: missing {sorted(listed - set(kinds.values()))}, "
                           f"not listed {sorted(set(kinds.values()) - listed)}")
    return canaries + ["98765.4321", "12345.678"], kinds, sorted(states), published


class Client:
    def __init__(self, base):
        self.base = base
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def sign_in(self, user, password):
        status, body, headers = self.request("POST", "/api/v1/session", {"username": user, "password": password})
        assert status == 200, f"sign-in as {user}: {status} {body[:200]}"
        self.cookie = headers["Set-Cookie"].split(";")[0]
        self.csrf = json.loads(body)["csrf_token"]


def xlsx_text(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def export(client, edition):
    status, body, _ = client.request("POST", "/api/v1/exports", {"edition": edition})
    if status != 202 and status != 200:
        return status, b""
    job = json.loads(body)["id"]
    for _ in range(600):
        status, body, _ = client.request("GET", f"/api/v1/exports/{job}")
        if json.loads(body).get("state") == "done":
            break
        time.sleep(0.2)
    status, data, _ = client.request("GET", f"/api/v1/exports/{job}/file")
    return status, data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--termaudit", required=True)
    args = ap.parse_args()
    termaudit = os.path.abspath(args.termaudit)
    work = tempfile.mkdtemp(prefix="termaudit-canary-")
    planted = os.path.join(work, "青山县")
    canaries, kinds, ids, published = plant(os.path.join(REPO, "samples"), planted, termaudit)
    server = Server(termaudit, REPO, samples=planted)
    problems = []
    answers = 0
    try:
        reader, admin = Client(server.base), Client(server.base)
        reader.sign_in("reader", server.accounts["reader"])
        admin.sign_in("admin", server.accounts["admin"])
        status, body, _ = reader.request("GET", "/openapi.yaml")
        api = yaml.safe_load(body)
        paths = ["/", "/public", "/public?limit=500", "/cases", "/workbooks", "/account", "/openapi.yaml", "/admin/accounts"]
        for i in ids:
            paths += [f"/public/{i}", f"/cases/{i}", f"/cases/{i}/history", f"/cases/{i}/sign", f"/cases/{i}/verify",
                      f"/cases/{i}/edit/audit", f"/cases/{i}/edit/findings", f"/cases/{i}/edit/basic"]
        for p, ops in api["paths"].items():
            if "get" not in ops or "{job}" in p:
                continue
            for i in (ids if "{id}" in p else [None]):
                for section in (["official", "team", "indicators", "handover", "findings", "audit", "assessment"] if "{section}" in p else [None]):
                    q = p.replace("{id}", i or "").replace("{section}", section or "")
                    paths.append(q)
        seen = set()
        for p in paths:
            if p in seen:
                continue
            seen.add(p)
            status, body, _ = reader.request("GET", p)
            answers += 1
            text = body.decode("utf-8", "replace")
            if status >= 500:
                problems.append(f"GET {p}: server error {status}")
            for c in canaries:
                if c in text:
                    problems.append(f"GET {p} as reader: {c} in the answer ({status})")
                    break
        status, data = export(reader, "public")
        answers += 1
        if status != 200:
            problems.append(f"the reader could not export the public workbook: {status}")
        else:
            text = xlsx_text(data)
            leaked = [c for c in canaries if c in text]
            if leaked:
                problems.append(f"the public workbook holds {leaked[:5]}")
        status, _ = export(reader, "internal")
        if status != 403:
            problems.append(f"the reader's internal export answered {status}, not 403")
        # The control: the internal record holds the canaries (so a leak would be seen).
        status, data = export(admin, "internal")
        text = xlsx_text(data) if status == 200 else ""
        for field in INTERNAL_ONLY:
            if field["internal_workbook"] and not any(k == field["kind"] and c in text for c, k in kinds.items()):
                problems.append(f"control: the internal workbook holds no {field['kind']} canary")
        status, body, _ = admin.request("GET", f"/api/v1/cases/{ids[0]}/sections/official")
        if not any(c in body.decode("utf-8", "replace") for c in canaries):
            problems.append("control: the administrator's section API holds no canary")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"reader canary: {answers} answers to the reader, {len(canaries)} canaries, {len(published)} published cases")
    if problems:
        print("\n".join("✗ " + p for p in problems[:50]), file=sys.stderr)
        sys.exit(1)
    print("reader canary: ✔ no internal-only value reached the reader")


if __name__ == "__main__":
    main()
