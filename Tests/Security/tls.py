#!/usr/bin/env python3
"""HTTPS served by termaudit itself (`serve --tls-cert --tls-key`), and behind nginx-style proxies (`--behind-proxy`).

Makes a certificate for 127.0.0.1 with openssl, serves the samples over HTTPS with it and checks, verifying the
certificate: the sign-in page answers with Strict-Transport-Security; the session cookie is Secure, HttpOnly and
SameSite=Strict; a plain-HTTP request to the same port gets no page; TLS older than 1.2 is refused. Then, without
TLS and with --behind-proxy, a sign-in coming through loopback with X-Real-IP is logged (and throttled) under that
address — and an X-Real-IP that is no address is ignored.

    python3 Tests/Security/tls.py --termaudit .build/debug/termaudit
"""
import argparse
import warnings
import http.client
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Browser"))
from journeys import Server  # noqa: E402  (the same server harness as the browser journeys)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def expect(cond, what, problems):
    if not cond:
        problems.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--termaudit", required=True)
    args = ap.parse_args()
    termaudit = os.path.abspath(args.termaudit)
    work = tempfile.mkdtemp(prefix="termaudit-tls-")
    problems = []
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    server = Server(termaudit, REPO, extra=("--tls-cert", cert, "--tls-key", key))
    port, accounts = server.port, server.accounts
    try:
        context = ssl.create_default_context(cafile=cert)   # the certificate is verified, not waved through
        c = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
        c.request("GET", "/login")
        r = c.getresponse()
        r.read()
        expect(r.status == 200, f"https GET /login: {r.status}", problems)
        expect(r.getheader("Strict-Transport-Security") == "max-age=31536000", f"HSTS: {r.getheader('Strict-Transport-Security')!r}", problems)
        c.request("POST", "/api/v1/session", body=json.dumps({"username": "admin", "password": accounts["admin"]}),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie") or ""
        expect(r.status == 200, f"https sign-in: {r.status}", problems)
        for attribute in ["Secure", "HttpOnly", "SameSite=Strict"]:
            expect(attribute in cookie, f"the session cookie lacks {attribute}: {cookie.split(';', 1)[-1]}", problems)
        c.close()
        # Plain HTTP to the HTTPS port: no page.
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as plain:
                problems.append(f"plain HTTP got an answer: {plain.status}")
        except Exception:
            pass
        # TLS 1.1 is refused.
        warnings.simplefilter("ignore", DeprecationWarning)   # asking for TLS 1.1 on purpose
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.load_verify_locations(cert)
        try:
            old.minimum_version = ssl.TLSVersion.TLSv1_1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, old.wrap_socket(raw, server_hostname="127.0.0.1"):
                problems.append("a TLS 1.1 handshake succeeded")
        except (ssl.SSLError, OSError, ValueError):
            pass
    finally:
        server.stop()

    # Behind a proxy: the client's address from X-Real-IP, on loopback requests only.
    server = Server(termaudit, REPO, extra=("--behind-proxy",))
    port, accounts = server.port, server.accounts
    try:
        def sign_in(password, real_ip):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("POST", "/api/v1/session", body=json.dumps({"username": "reader", "password": password}),
                      headers={"Content-Type": "application/json", "X-Real-IP": real_ip})
            r = c.getresponse()
            r.read()
            c.close()
            return r.status
        expect(sign_in(accounts["reader"], "203.0.113.7") == 200, "sign-in behind the proxy failed", problems)
        expect(sign_in("wrong", "203.0.113.8") == 401, "a wrong password behind the proxy was not refused", problems)
        expect(sign_in("wrong", "not an address; DROP") == 401, "a bad X-Real-IP broke the sign-in", problems)
        db = sqlite3.connect(os.path.join(server.dir, "data", "termaudit.db"))
        rows = db.execute("SELECT action, address FROM audit_log WHERE action LIKE 'sign-in%' ORDER BY seq").fetchall()
        db.close()
    finally:
        server.stop()
    expect(rows == [("sign-in", "203.0.113.7"), ("sign-in-failed", "203.0.113.8"), ("sign-in-failed", "127.0.0.1")],
           f"the audit log's addresses behind the proxy: {rows}", problems)
    shutil.rmtree(work, ignore_errors=True)
    if problems:
        print("\n".join("✗ " + p for p in problems), file=sys.stderr)
        sys.exit(1)
    print("tls: ✔ HTTPS with a verified certificate, HSTS, Secure cookies, no plain HTTP, no TLS 1.1; X-Real-IP honoured behind a proxy")


if __name__ == "__main__":
    main()
