#!/usr/bin/env python3
"""Hostile input against a release build of backcare on loopback.

Starts `target/release/backcare` (or --bin) several times on free loopback
ports with short timeouts, runs each class of hostile client against it,
prints what the server cost (peak and current resident memory from
/proc/PID/status, open descriptors from /proc/PID/fd, answer sizes) and
exits 1 if any bound is broken:

- slow heads and slow bodies: probes still answer within 1 s, bodies get
  408, everything is closed after the timeouts;
- many idle connections: memory stays bounded, connections over the cap
  are refused with a 503, new clients are served once there is room, and
  at the cap idle clients are closed within moments to make that room;
- made-up methods: the metrics stay small and name none of them;
- amplification: bounded answers to bodies full of unknown fields;
- content: a ConfigMap-style layout (`..data` links) loads, an oversized
  file is refused at start-up and on reload;
- CDS Hooks tokens: forgeries are the same 401, counted by reason, and
  nothing of a token reaches the log (the log runs at debug);
- markup in a FHIR Condition's text is escaped in the card.

Standard library only (Python 3.11). Every request goes to 127.0.0.1 and
each phase is bounded in count and time; the whole run takes well under
90 seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cds_token  # noqa: E402  (the signer shared with the schemathesis hooks)
from cds_token import b64  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KEYS = cds_token.KEYS
EHR = cds_token.ISSUER
FAILURES: list[str] = []

# Short timeouts keep the run fast; the slow-client phases wait them out.
QUICK = [
    "--header-timeout", "3", "--body-timeout", "3", "--idle-timeout", "5",
    "--request-timeout", "5", "--drain-delay", "0", "--shutdown-timeout", "2",
]


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        FAILURES.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One backcare process with its log in a temporary file."""

    def __init__(self, binary: str, name: str, args: list[str], env: dict[str, str] | None = None):
        self.name = name
        self.port = free_port()
        self.admin = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix=f"backcare-{name}-", suffix=".log")[1])
        self.base = f"http://127.0.0.1:{self.port}"
        # `{base}` in an argument is this server's own URL (for --public-url).
        args = [a.replace("{base}", self.base) for a in args]
        # A flag given here replaces its QUICK default (clap refuses repeats).
        quick = [x for pair in zip(QUICK[::2], QUICK[1::2]) if pair[0] not in args for x in pair]
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCARE_")}
        full_env.update(env or {})
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [binary, "serve", "--bind", f"127.0.0.1:{self.port}",
                 "--admin-bind", f"127.0.0.1:{self.admin}", *quick, *args],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name}: exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if self.request("GET", "/readyz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"{name}: not ready within 10 s:\n{self.log()}")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 5,
                admin: bool = False) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.admin if admin else self.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def metrics(self) -> str:
        return self.request("GET", "/metrics", admin=True)[2].decode()

    def figures(self) -> dict[str, int]:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        kb = lambda k: int(fields[k].split()[0])  # noqa: E731
        return {"hwm_kb": kb("VmHWM"), "rss_kb": kb("VmRSS"),
                "fds": len(os.listdir(f"/proc/{self.proc.pid}/fd"))}

    def show(self, label: str) -> dict[str, int]:
        f = self.figures()
        print(f"  [{self.name}] {label}: peak RSS {f['hwm_kb'] / 1024:.1f} MB, "
              f"RSS {f['rss_kb'] / 1024:.1f} MB, open fds {f['fds']}", flush=True)
        return f

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_path.unlink(missing_ok=True)


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return float("nan")


def probe_ms(server: Server) -> float:
    """One fresh-connection GET /readyz: its latency, or inf if not 200."""
    started = time.monotonic()
    try:
        status = server.request("GET", "/readyz", timeout=1)[0]
    except OSError:
        return float("inf")
    elapsed = (time.monotonic() - started) * 1000
    return elapsed if status == 200 else float("inf")


def read_status(sock: socket.socket, timeout: float) -> str:
    """`408`, `503`... when a response arrives, `closed`, or `open`."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(4096)
    except (socket.timeout, BlockingIOError):
        return "open"
    except OSError:
        return "closed"
    if not data:
        return "closed"
    return data[9:12].decode(errors="replace") if data.startswith(b"HTTP/1.1 ") else "junk"


def connect_many(server: Server, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=2)
        socks.append(s)
    return socks


# ---------------------------------------------------------------- phases


def slow_clients(binary: str) -> None:
    print("\n== slow heads and slow bodies: 300 of each, 3 s timeouts", flush=True)
    server = Server(binary, "slow", ["--cds-auth", "off"])
    try:
        base = server.show("before")
        heads = connect_many(server, 300)
        bodies = connect_many(server, 300)
        for s in heads:
            s.sendall(b"POST /recommendation HTTP/1.1\r\nhost: t\r\ncontent-type: applic")
        for s in bodies:
            s.sendall(b"POST /recommendation HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n"
                      b"content-length: 100\r\n\r\n{")
        time.sleep(0.3)
        during = server.show("600 slow clients connected")
        probes = []
        for _ in range(10):
            probes.append(probe_ms(server))
            time.sleep(0.15)
        worst = max(probes)
        print(f"  /readyz during: worst {worst:.1f} ms of {len(probes)} probes")
        check(worst < 1000, "every /readyz probe answered 200 within 1 s during the slow clients")
        check(during["fds"] >= base["fds"] + 550, "the slow connections were really open")
        time.sleep(3.5)
        body_status = [read_status(s, 2) for s in bodies]
        head_status = [read_status(s, 2) for s in heads]
        print(f"  slow bodies: {body_status.count('408')} x 408; "
              f"slow heads: {head_status.count('closed')} closed, {head_status.count('open')} open")
        check(body_status.count("408") == 300, "every slow body was answered 408 after the body timeout")
        check(head_status.count("open") == 0, "every slow head was cut off after the header timeout")
        for s in heads + bodies:
            s.close()
        time.sleep(0.3)
        after = server.show("after the timeouts")
        check(after["fds"] <= base["fds"] + 5, "descriptors back to where they were")
        check(after["hwm_kb"] < 100 * 1024, "peak RSS under 100 MB")
    finally:
        server.stop()


def idle_connections(binary: str) -> None:
    print("\n== 2000 idle connections against a cap of 1500 (default CDS auth)", flush=True)
    # Idle connections are kept while full here, to measure the cap held;
    # idle_connections_make_room checks the default, which evicts them.
    server = Server(binary, "idle", ["--max-connections", "1500", "--header-timeout", "30",
                                     "--idle-timeout", "30", "--idle-timeout-when-full", "30"])
    try:
        base = server.show("before")
        socks = connect_many(server, 2000)
        time.sleep(1.0)
        status = [read_status(s, 0.01) for s in socks]
        held = [s for s, st in zip(socks, status) if st == "open"]
        refused = status.count("503")
        during = server.show(f"{len(held)} held, {refused} refused with 503")
        check(len(held) == 1500 and refused == 500,
              "exactly the cap is held; every connection over it is refused with a 503")
        check(during["hwm_kb"] < 100 * 1024, "peak RSS under 100 MB with the cap held")
        try:
            new = server.request("GET", "/readyz", timeout=2)
            check(new[0] == 503 and b"overloaded" in new[2],
                  f"a new client while full is refused cleanly (503 problem, {len(new[2])} bytes)")
        except OSError as err:
            check(False, f"a new client while full is refused cleanly, not {err!r}")
        for s in held[:500] + [s for s, st in zip(socks, status) if st != "open"]:
            s.close()
        deadline = time.monotonic() + 3
        served = False
        while time.monotonic() < deadline and not served:
            try:
                served = server.request("GET", "/readyz", timeout=1)[0] == 200
            except OSError:
                pass
            time.sleep(0.05)
        check(served, "with room again, a new client is served")
        secure = server.request("GET", "/cds-services")
        check(secure[0] == 401, "with no issuer configured, CDS Hooks discovery is a 401")
        for s in held[500:]:
            s.close()
        time.sleep(0.3)
        after = server.show("after closing")
        check(after["fds"] <= base["fds"] + 5, "descriptors back to where they were")
        opened = metric(server.metrics(), "backcare_http_connections_refused_total")
        print(f"  backcare_http_connections_refused_total {opened:.0f}")
    finally:
        server.stop()


def idle_connections_make_room(binary: str) -> None:
    print("\n== 300 kept-alive idle clients at a cap of 300, then newcomers", flush=True)
    server = Server(binary, "room", ["--max-connections", "300", "--idle-timeout", "30"])
    try:
        socks = connect_many(server, 300)
        for s in socks:
            s.sendall(b"GET /healthz HTTP/1.1\r\nhost: t\r\n\r\n")
        answered = [read_status(s, 2) for s in socks]
        check(answered.count("200") == 300, "300 clients served, then left idle")
        started = time.monotonic()
        refused = server.request("GET", "/readyz", timeout=2)
        check(refused[0] == 503, "a newcomer at the cap is refused with a 503")
        served = None
        while time.monotonic() - started < 5 and served is None:
            try:
                if server.request("GET", "/readyz", timeout=1)[0] == 200:
                    served = time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        check(served is not None and served < 3,
              f"a newcomer is served within 3 s, not after the 30 s idle timeout ({served})")
        # The listener stops closing idle clients once a tenth of the cap
        # is free, so how many go depends on timing; at least 30 must.
        time.sleep(0.5)
        closed = sum(1 for s in socks if read_status(s, 0.01) == "closed")
        check(closed >= 30, f"at least a tenth of the idle clients were closed to make room ({closed} of 300)")
        for s in socks:
            s.close()
    finally:
        server.stop()


def methods_and_amplification(binary: str) -> None:
    print("\n== made-up methods, amplification, markup (CDS auth off)", flush=True)
    server = Server(binary, "input", ["--cds-auth", "off"])
    try:
        check("CDS Hooks authentication is off" in server.log() and "WARN" in server.log(),
              "--cds-auth off is a WARN at start-up")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        statuses: dict[int, int] = {}
        for i in range(500):
            conn.request(f"MADEUP{i:03d}X", "/exercises" if i % 2 else f"/nowhere/{i}")
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.close()
        print(f"  500 made-up methods answered: {dict(sorted(statuses.items()))}")
        text = server.metrics()
        print(f"  admin /metrics: {len(text)} bytes")
        check(len(text) < 64 * 1024, "/metrics stays under 64 KB")
        check("MADEUP" not in text, "no made-up method is a metric label")
        check(sum(statuses.values()) == 500 and all(400 <= s < 500 for s in statuses),
              "every made-up method got a 4xx")

        fields = {f"f{i:05d}": 1 for i in range(5000)}
        body = json.dumps({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, **fields},
                          separators=(",", ":"))
        body = body.encode()
        body += b" " * (60 * 1024 - len(body))
        status, headers, answer = server.request(
            "POST", "/recommendation", body, {"content-type": "application/json"})
        print(f"  60 KiB, 5,000 unknown fields -> {status}, {len(answer)} bytes")
        check(status == 422 and len(answer) < 16 * 1024, "a 422 under 16 KB")

        call = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "context": {"patientId": "1"}}
        for i in range(5000):
            call[f"{'x' * 180}{i}"] = "y" * 10
        payload = json.dumps(call, separators=(",", ":")).encode()
        status, _, answer = server.request(
            "POST", "/cds-services/back-pain-relief", payload, {"content-type": "application/json"})
        print(f"  {len(payload) / 1024:.0f} KiB CDS call, 5,000 unknown fields -> {status}, {len(answer)} bytes")
        check(status == 400 and len(answer) < 16 * 1024, "a 400 under 16 KB")

        entries = [condition("279039007", "Low back pain")]
        while len(json.dumps(entries)) < 1000 * 1024:
            entries.append({"resource": {
                "resourceType": "Condition", "subject": {"reference": "Patient/1"},
                "code": {"text": "uncoded " + "t" * 200}}})
        call = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "context": {"patientId": "1"},
                "prefetch": {"conditions": {"resourceType": "Bundle", "entry": entries}}}
        payload = json.dumps(call).encode()
        status, _, answer = server.request(
            "POST", "/cds-services/back-pain-relief", payload, {"content-type": "application/json"})
        print(f"  {len(payload) / 1024:.0f} KiB CDS call, {len(entries)} conditions -> {status}, {len(answer)} bytes")
        check(status == 200 and len(answer) < 16 * 1024, "a card under 16 KB")
        # Declared over 1 MiB and waiting on `Expect: 100-continue`: refused
        # before a byte of the body is asked for.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(b"POST /cds-services/back-pain-relief HTTP/1.1\r\nhost: t\r\n"
                      b"content-type: application/json\r\nexpect: 100-continue\r\n"
                      b"content-length: 2097152\r\n\r\n")
            answer = s.recv(65536)
        check(answer.startswith(b"HTTP/1.1 413"),
              f"a CDS call declared at 2 MiB is a 413 before its body is read ({len(answer)} bytes)")

        nasty = ["<script>alert(1)</script>", "[click](javascript:alert(1))",
                 "![pixel](https://evil.example/p.png)", "# Heading\n---\n> quote",
                 "<img src=x onerror=alert(1)> &amp; **bold** `code`"]
        entries = [condition("279039007", "Low back pain")]
        for text in nasty:
            entries.append({"resource": {"resourceType": "Condition",
                                         "subject": {"reference": "Patient/1"},
                                         "code": {"text": text}}})
        call = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "context": {"patientId": "1"},
                "prefetch": {"conditions": {"resourceType": "Bundle", "entry": entries}}}
        status, _, answer = server.request(
            "POST", "/cds-services/back-pain-relief", json.dumps(call).encode(),
            {"content-type": "application/json"})
        detail = json.loads(answer)["cards"][0]["detail"] if status == 200 else ""
        check(status == 200, "a card for a record with markup in Condition.code.text")
        for raw in ["<script>", "<img", "](javascript:", "![", "# Heading", "> quote", "**bold**", "`code`"]:
            # Live means its first character is not backslash-escaped.
            live = re.search(r"(?<!\\)" + re.escape(raw), detail)
            check(not live, f"`{raw}` is not live markdown in the card")
        check("\\<script\\>" in detail, "the text is shown, escaped")
        server.show("after the input phases")
    finally:
        server.stop()


def condition(code: str, display: str) -> dict:
    return {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/1"},
                         "code": {"coding": [{"system": "http://snomed.info/sct",
                                              "code": code, "display": display}]}}}


def configmap_layout(target: Path) -> None:
    """The repository's content as Kubernetes mounts ConfigMap volumes."""
    stamp = "..2026_01_02_03_04_05.123456789"
    for kind in sorted((ROOT / "content").iterdir()):
        if not kind.is_dir():
            continue
        mount = target / kind.name
        (mount / stamp).mkdir(parents=True)
        for f in kind.iterdir():
            shutil.copy(f, mount / stamp / f.name)
            (mount / f.name).symlink_to(Path("..data") / f.name)
        (mount / "..data").symlink_to(stamp)


def content(binary: str) -> None:
    print("\n== content: ConfigMap layout, oversized files", flush=True)
    with tempfile.TemporaryDirectory(prefix="backcare-hostile-") as tmp:
        layout = Path(tmp) / "content"
        configmap_layout(layout)
        embedded = Server(binary, "embedded", [])
        try:
            counts = [l for l in embedded.metrics().splitlines()
                      if l.startswith("backcare_catalog_entities{")]
        finally:
            embedded.stop()
        server = Server(binary, "configmap", [], {"BACKCARE_CONTENT": str(layout)})
        try:
            loaded = [l for l in server.metrics().splitlines()
                      if l.startswith("backcare_catalog_entities{")]
            check(loaded == counts and counts, f"the ConfigMap layout loads as the embedded content ({len(counts)} kinds)")
            version = json.loads(server.request("GET", "/readyz")[2])["catalog_version"]
            big = layout / "exercises" / "..data" / "huge.json"
            with open(big, "wb") as f:
                f.write(b'{"id": "huge", "padding": "' + b"x" * (2 * 1024 * 1024) + b'"}')
            (layout / "exercises" / "huge.json").symlink_to(Path("..data") / "huge.json")
            server.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if metric(server.metrics(), "backcare_catalog_reload_failures_total") >= 1:
                    break
                time.sleep(0.05)
            now = json.loads(server.request("GET", "/readyz")[2])["catalog_version"]
            check(metric(server.metrics(), "backcare_catalog_reload_failures_total") == 1
                  and now == version, "a reload with a 2 MiB file is refused; the old catalog is served")
            check("over the limit" in server.log(), "the log names the oversized file")
            server.show("after the refused reload")
        finally:
            server.stop()
        started = time.monotonic()
        proc = subprocess.run(
            [binary, "serve", "--bind", "127.0.0.1:0", "--admin-bind", "127.0.0.1:0"],
            env={**os.environ, "BACKCARE_CONTENT": str(layout)},
            capture_output=True, timeout=20)
        took = time.monotonic() - started
        out = (proc.stdout + proc.stderr).decode(errors="replace")
        check(proc.returncode != 0 and "huge.json" in out and took < 10,
              f"starting with a 2 MiB content file is refused in {took:.2f} s, naming it")


# ------------------------------------------------------------------ tokens


def token(header: dict, claims: dict, sign=None, signature: bytes | None = None) -> str:
    return cds_token.encode(header, claims, sign, signature)


rs384 = cds_token.rs384


def tokens(binary: str) -> None:
    print("\n== CDS Hooks bearer tokens: forgeries against a trusting server", flush=True)
    server = Server(binary, "tokens", [
        "--cds-issuer", f"{EHR}={KEYS / 'ehr-jwks.json'}", "--public-url", "{base}",
    ], {"RUST_LOG": "debug"})
    try:
        jwks = (KEYS / "ehr-jwks.json").read_bytes()
        x = json.loads(jwks)["keys"][0]["x"].encode()
        canary = "CANARY" + uuid.uuid4().hex

        def claims(path: str, **change) -> dict:
            now = int(time.time())
            c = {"iss": EHR, "sub": canary, "aud": server.base + path, "iat": now,
                 "exp": now + 120, "jti": canary + uuid.uuid4().hex}
            c.update(change)
            return {k: v for k, v in c.items() if v is not None}

        rs = {"alg": "RS384", "typ": "JWT", "kid": "ehr-rs384", "x-canary": canary}
        es = {"alg": "ES384", "typ": "JWT", "kid": "ehr-es384", "x-canary": canary}
        svc, disc, fb = "/cds-services/back-pain-relief", "/cds-services", "/cds-services/back-pain-relief/feedback"
        now = int(time.time())
        good = token(rs, claims(svc), rs384)
        forgeries = [
            ("no header", None, svc, "missing"),
            ("Basic scheme", "Basic " + token(rs, claims(svc), rs384), svc, "malformed"),
            ("not a JWT", "Bearer " + canary, svc, "malformed"),
            ("alg none", "Bearer " + token({**rs, "alg": "none"}, claims(svc)), svc, "malformed"),
            ("HS256 keyed with the JWK Set", "Bearer " + token(
                {**es, "alg": "HS256"}, claims(svc),
                lambda m: hmac.new(jwks, m, hashlib.sha256).digest()), svc, "malformed"),
            ("HS384 keyed with the key's x", "Bearer " + token(
                {**es, "alg": "HS384"}, claims(svc),
                lambda m: hmac.new(x, m, hashlib.sha384).digest()), svc, "malformed"),
            ("20 KB token", "Bearer " + token(rs, claims(svc, pad="p" * 20000), rs384), svc, "malformed"),
            ("ES384 with a made-up signature", "Bearer " + token(es, claims(svc), signature=os.urandom(96)), svc, "signature"),
            ("unknown kid", "Bearer " + token({**rs, "kid": "nope"}, claims(svc), rs384), svc, "signature"),
            ("tampered payload", "Bearer " + tamper(token(rs, claims(svc), rs384), claims(svc, sub="other")), svc, "signature"),
            ("unknown issuer", "Bearer " + token(rs, claims(svc, iss="https://evil.test"), rs384), svc, "issuer"),
            ("wrong aud", "Bearer " + token(rs, claims(svc, aud="https://evil.test" + svc), rs384), svc, "claims"),
            ("discovery's token on the service", "Bearer " + token(rs, claims(disc), rs384), svc, "claims"),
            ("the service's token on feedback", "Bearer " + token(rs, claims(svc), rs384), fb, "claims"),
            ("expired", "Bearer " + token(rs, claims(svc, iat=now - 400, exp=now - 100), rs384), svc, "claims"),
            ("iat in the future", "Bearer " + token(rs, claims(svc, iat=now + 200, exp=now + 300), rs384), svc, "claims"),
            ("an hour's lifetime", "Bearer " + token(rs, claims(svc, exp=now + 3600), rs384), svc, "claims"),
            ("no jti", "Bearer " + token(rs, claims(svc, jti=None), rs384), svc, "claims"),
            ("replayed", "Bearer " + good, svc, "replay"),
        ]
        body = json.dumps({"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                           "context": {"patientId": "1"}}).encode()
        ok = server.request("POST", svc, body, {"content-type": "application/json",
                                                "authorization": "Bearer " + good})
        check(ok[0] == 200, f"a valid RS384 token (signed here in plain integers) is accepted: {ok[0]}")
        discovery = server.request("GET", disc, headers={
            "authorization": "Bearer " + token(rs, claims(disc), rs384)})
        check(discovery[0] == 200, "a valid token for discovery is accepted there")
        bodies = set()
        expected: dict[str, int] = {}
        for what, authorization, path, reason in forgeries:
            headers = {"content-type": "application/json"}
            if authorization:
                headers["authorization"] = authorization
            status, answer_headers, answer = server.request(
                "GET" if path == disc else "POST", path, None if path == disc else body, headers)
            check(status == 401 and answer_headers.get("www-authenticate") == "Bearer",
                  f"{what}: 401 with WWW-Authenticate: Bearer ({len(answer)} bytes)")
            bodies.add(answer)
            expected[reason] = expected.get(reason, 0) + 1
        check(len(bodies) == 1, "every refusal is the same body, naming no check")
        text = server.metrics()
        for reason, n in sorted(expected.items()):
            got = metric(text, f'backcare_cds_auth_failures_total{{reason="{reason}"}}')
            check(got == n, f"backcare_cds_auth_failures_total{{reason=\"{reason}\"}} {got:.0f} == {n}")
        log = server.log()
        check("CDS Hooks call refused" in log, "the log ran at debug and saw the refusals")
        leaked = [what for what, authorization, _, _ in forgeries if authorization
                  and any(len(p) >= 8 and p[:24] in log for p in authorization.split(" ")[-1].split("."))]
        check(canary not in log and not leaked,
              f"nothing of a token reaches the log ({len(log.splitlines())} lines, debug level)")
        server.show("after the tokens")
    finally:
        server.stop()


def tamper(signed: str, claims: dict) -> str:
    head, _, signature = signed.split(".")
    return f"{head}.{b64(json.dumps(claims).encode())}.{signature}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "backcare"))
    args = parser.parse_args()
    if not Path(args.bin).is_file():
        print(f"{args.bin}: no such binary; build it with `cargo build --release --bin backcare`")
        return 1
    # 2,000 sockets here and as many in the server, which inherits this.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))
    started = time.monotonic()
    for phase in (slow_clients, idle_connections, idle_connections_make_room,
                  methods_and_amplification, content, tokens):
        phase(args.bin)
    took = time.monotonic() - started
    print(f"\nhostile: {took:.1f} s, {len(FAILURES)} bound(s) broken")
    for failure in FAILURES:
        print(f"  FAIL {failure}")
    check(took < 90, "the whole run took under 90 s")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
