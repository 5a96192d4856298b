"""idcheck serve end to end over 127.0.0.1: a real uvicorn server on a free port, stopped after the tests
(every request and the server itself have timeouts, so nothing can hang the suite)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import uvicorn  # noqa: E402

from fixtures.formats import encode, textured  # noqa: E402
from idcheck import schema, serve  # noqa: E402
from tests.rules.conftest import GOV_ORG, PERSON  # noqa: E402

TIMEOUT = 60


@contextmanager
def running(settings: serve.Settings):
    """A uvicorn server with the app in a thread on 127.0.0.1:<free port>; stopped (and joined) on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(serve.create_app(settings), log_level="warning", access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"


def multipart(fields: dict) -> tuple[bytes, str]:
    """fields: name -> str, or (filename, bytes) for a file."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            filename, data = value
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n").encode()
            out += data
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def request(url: str, fields: dict | None = None, *, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, parsed JSON body) of a GET (no fields) or a multipart POST."""
    headers = dict(headers or {})
    if fields is not None:
        body, ctype = multipart(fields)
        headers["Content-Type"] = ctype
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.loads(exc.read() or b"null")


@pytest.fixture(scope="module")
def pictures():
    return {"png": encode(textured(700, 900, seed=5), "png"),
            "jpeg": encode(textured(900, 1200, seed=3), "jpeg", quality=90)}


@pytest.fixture(scope="module")
def base():
    with running(serve.Settings(workers=2, queue=8, max_bytes=4 * 1024 * 1024)) as url:
        yield url


def test_check_returns_the_masked_report(base, pictures):
    status, _, report = request(base + "/check", {"file": ("张三-身份证.jpg", pictures["png"])})
    assert status == 200
    assert schema.errors(report) == []
    assert report["kind"] == "image" and report["verdict"] == "fail"
    assert report["file"]["name"] == "张****证.jpg" and "张三" not in json.dumps(report, ensure_ascii=False)
    assert "file.extension_mismatch" in [f["code"] for f in report["findings"]]
    status, _, report = request(base + "/check", {"file": ("scan.png", pictures["png"]), "channel": "api"})
    assert status == 200 and "file.unsupported_type" in [f["code"] for f in report["findings"]]  # api: JPG/BMP only


def test_check_with_a_profile_reads_the_form_too(base, pictures):
    bad = dict(PERSON, document_number="11010519491231002Y")  # wrong check digit
    status, _, report = request(base + "/check", {"file": ("id.jpg", pictures["jpeg"]),
                                                  "profile": json.dumps(bad, ensure_ascii=False)})
    assert status == 200 and schema.errors(report) == []
    codes = [f["code"] for f in report["findings"]]
    assert any(c.startswith("number.") or c.startswith("profile.") for c in codes), codes
    assert "11010519491231002Y" not in json.dumps(report) and "ocr" in report["extra"]


def test_submit(base, pictures):
    fields = {"domain": "haidian.gov.cn", "profile": json.dumps(GOV_ORG, ensure_ascii=False),
              "uscc_certificate": ("a.jpg", pictures["jpeg"]), "registration_form": ("b.jpg", pictures["jpeg"])}
    status, _, report = request(base + "/submit", fields)
    assert status == 200 and schema.errors(report) == []
    assert report["kind"] == "submission" and report["verdict"] == "fail"
    assert [r["name"] for r in report["extra"]["rulesets"]] == ["standard", "gov.cn"]
    missing = [f for f in report["findings"] if f["code"] == "rules.document_missing"]
    assert [f["field"] for f in missing] == ["document:contact_id_card"]


@pytest.mark.parametrize("fields, status, words", [
    ({"nofile": "x"}, 400, "file"),
    ({"file": ("a.jpg", b"xx"), "profile": "{not json"}, 400, "not JSON"),
    ({"file": ("a.jpg", b"xx"), "profile": "[1]"}, 400, "JSON object"),
    ({"file": ("a.jpg", b"xx"), "channel": "fax"}, 400, "channel"),
    ({"file": ("a.jpg", b"xx"), "kind": "banknote"}, 400, "kind"),
])
def test_bad_requests(base, fields, status, words):
    got, _, body = request(base + "/check", fields)
    assert got == status and words in body["error"]


def test_submit_needs_domain_and_profile(base):
    assert request(base + "/submit", {"profile": "{}"})[0] == 400
    assert request(base + "/submit", {"domain": "a.cn"})[0] == 400


def _raw(base: str, head: str, chunks: list[bytes]) -> bytes:
    """Send a request head and body chunks over a socket, stopping when the server answers; the response."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as conn:
        conn.sendall(head.encode())
        for chunk in chunks:
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        conn.settimeout(TIMEOUT)
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
                top, sep, body = answer.partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in top.lower().split(b"\r\n")
                          if line.startswith(b"content-length:")]
                if sep and length and len(body) >= length[0]:
                    break
        except ConnectionResetError:
            pass
        return answer


def test_size_limit(base):
    data, ctype = multipart({"file": ("big.jpg", b"\xff" * (5 * 1024 * 1024))})
    # declared too big: refused from the Content-Length, before the body is sent
    answer = _raw(base, f"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
                        f"Content-Length: {len(data)}\r\n\r\n", [])
    assert answer.startswith(b"HTTP/1.1 413") and b"limit is" in answer
    # no length (chunked): cut off while it streams in
    pieces = [data[i:i + 256 * 1024] for i in range(0, len(data), 256 * 1024)]
    chunked = [b"%x\r\n%s\r\n" % (len(p), p) for p in pieces] + [b"0\r\n\r\n"]
    answer = _raw(base, f"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n", chunked)
    assert answer.startswith(b"HTTP/1.1 413") and b"over the limit" in answer
    # under the limit it is fine
    status, _, _ = request(base + "/check", {"file": ("small.jpg", b"\xff" * 1000)})
    assert status == 200


def test_codes_healthz_openapi(base):
    status, _, codes = request(base + "/codes")
    assert status == 200 and {"file.extension_mismatch", "image.blurry"} <= {c["code"] for c in codes}
    assert all(c["meaning"] and c["fix"] for c in codes)
    status, _, health = request(base + "/healthz")
    assert status == 200 and health["status"] == "ok" and health["workers"] == 2 and health["queue"] == 8
    status, _, doc = request(base + "/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.1")
    assert {"/check", "/submit", "/codes", "/healthz"} <= set(doc["paths"])
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(doc["components"]["schemas"]["Report"])
    status, _, report_schema = request(base + "/schema/report.json")
    assert report_schema == schema.load()


def test_busy_beyond_workers_and_queue(monkeypatch, pictures):
    """1 worker + 1 waiting: the third concurrent request is refused with 503 at once; the others finish."""
    release = threading.Event()
    started = threading.Semaphore(0)
    real = serve.check

    def slow_check(*args, **kwargs):
        started.release()
        assert release.wait(TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(serve, "check", slow_check)
    with running(serve.Settings(workers=1, queue=1)) as url, ThreadPoolExecutor(4) as pool:
        try:
            _busy(url, pool, pictures, started, release)
        finally:
            release.set()


def _busy(url, pool, pictures, started, release):
    fields = {"file": ("a.png", pictures["png"])}
    first = pool.submit(request, url + "/check", fields)
    assert started.acquire(timeout=TIMEOUT)  # the first is running
    second = pool.submit(request, url + "/check", fields)
    deadline = time.monotonic() + TIMEOUT
    while request(url + "/healthz")[2]["waiting"] < 1:  # the second waits for the worker
        assert time.monotonic() < deadline
        time.sleep(0.02)
    t0 = time.monotonic()
    status, headers, body = request(url + "/check", fields)
    assert status == 503 and headers["Retry-After"] == "1" and body["error"] == "busy"
    assert time.monotonic() - t0 < 5
    health = request(url + "/healthz")[2]  # the event loop still answers while the worker is busy
    assert health["running"] == 1 and health["waiting"] == 1
    release.set()
    assert first.result(TIMEOUT)[0] == 200 and second.result(TIMEOUT)[0] == 200
    assert request(url + "/healthz")[2]["running"] == 0


def test_cli_serve_starts_and_stops(tmp_path):
    """`idcheck serve` as a separate process: answers /healthz, stops on SIGTERM."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "idcheck", "serve", "--port", str(port), "--workers", "1",
                             "--log-level", "warning"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, health = request(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "idcheck serve did not answer within 30 s"
                time.sleep(0.1)
        assert status == 200 and health["workers"] == 1
    finally:
        proc.terminate()
        try:
            # uvicorn shuts down gracefully, then re-raises the signal it caught (exit -15 since uvicorn 0.29)
            assert proc.wait(timeout=20) in (0, -15)
            assert b"Traceback" not in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def test_the_report_lists_what_ran_and_what_does_not_apply_in_the_asked_language(base, pictures):
    status, _, report = request(base + "/check", {"file": ("a.jpg", pictures["jpeg"]), "lang": "zh"})
    assert status == 200 and schema.errors(report) == []
    runs = {c["name"]: c for c in report["checks"]}
    assert runs["seal"]["status"] == "skipped" and runs["seal"]["applicable"] is False
    assert runs["seal"]["reason_zh"].startswith("不适用")
    assert report["findings"] == [] or all(f["message"] == f["message_zh"] for f in report["findings"])


def test_run_sets_the_switch_interval_of_its_own_process_only(monkeypatch):
    import uvicorn as _uvicorn

    calls = []
    monkeypatch.setattr(_uvicorn, "run", lambda app, **kw: calls.append(("run", kw["port"])))
    monkeypatch.setattr(sys, "setswitchinterval", lambda s: calls.append(("switch", s)))
    serve.run(port=1234, settings=serve.Settings(workers=1))
    assert calls == [("switch", 0.001), ("run", 1234)]
    calls.clear()
    serve.run(port=1234, settings=serve.Settings(workers=1, switch_interval=0))  # 0: Python's own
    assert calls == [("run", 1234)]
    serve.create_app(serve.Settings(workers=1, switch_interval=0.5))  # an embedding app: never touched
    assert calls == [("run", 1234)]
    from idcheck.cli import main

    assert main(["serve", "--switch-interval", "-1"]) == 2
