#!/usr/bin/env python3
"""schemathesis against the served OpenAPI document: no server error, and every answer as the document says.

Starts `termaudit serve --demo` on the samples, signs in as the organization administrator (every operation is
open to that account; the session and its CSRF token go with every request) and runs schemathesis's examples,
coverage and fuzzing phases with a fixed seed and a bounded number of examples per operation, checking
`not_a_server_error` and `response_schema_conformance`. Signing out (DELETE /api/v1/session) is left out so the
session lasts the run.

    python3 Tests/Security/api_fuzz.py --termaudit .build/debug/termaudit [--examples 25]
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Browser"))
from journeys import Server  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--termaudit", required=True)
    ap.add_argument("--examples", type=int, default=25)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    server = Server(os.path.abspath(args.termaudit), REPO)
    try:
        req = urllib.request.Request(server.base + "/api/v1/session", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"username": "admin", "password": server.accounts["admin"]}).encode())
        with urllib.request.urlopen(req, timeout=30) as r:
            cookie = r.headers["Set-Cookie"].split(";")[0]
            csrf = json.loads(r.read())["csrf_token"]
        # Real case ids and sections for the path parameters (random ones only reach the 404s); the rest generated.
        config = os.path.join(server.dir, "schemathesis.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write('[parameters]\n"path.id" = "2024-010"\n"path.section" = "indicators"\n')
        cmd = ["schemathesis", "--config-file", config, "run", server.base + "/openapi.yaml", "--url", server.base,
               "-H", f"Cookie: {cookie}", "-H", f"X-CSRF-Token: {csrf}",
               "--checks", "not_a_server_error,response_schema_conformance",
               "--phases", "examples,coverage,fuzzing", "--max-examples", str(args.examples), "--seed", str(args.seed),
               "--exclude-method", "DELETE",
               # A workbook upload's body (xlsx) is nothing schemathesis can make; ImportTests send real ones.
               "--exclude-path", "/api/v1/imports", "--request-timeout", "30", "--workers", "1", "--no-color",
               "--suppress-health-check", "all"]
        print("api fuzz: " + " ".join(c if "Cookie" not in c and "CSRF" not in c else c.split(":")[0] + ": …" for c in cmd), flush=True)
        result = subprocess.run(cmd, timeout=1200, env=dict(os.environ, SCHEMATHESIS_HOOKS=""))
        log = open(server.log.name, encoding="utf-8").read()
        if "Fatal error" in log or "fatal" in log.lower():
            print("api fuzz: the server reported a fatal error:\n" + log[-2000:], file=sys.stderr)
            sys.exit(1)
        sys.exit(result.returncode)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
