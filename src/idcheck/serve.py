"""``idcheck serve``: the checks as a small HTTP service (an ASGI app on Starlette, run by uvicorn).

Endpoints (JSON responses; a report is exactly ``Report.to_dict()``, masked)::

    POST /check     multipart: file (the picture), profile (JSON text, optional), channel, kind, ocr
    POST /submit    multipart: domain, profile (JSON text), one file field per document kind, channel, ocr
    GET  /codes     every finding code: severity, title, meaning, fix
    GET  /healthz   {"status": "ok", "version", "workers", "queue", "running", "waiting"}
    GET  /openapi.json, GET /schema/report.json

Load: at most ``workers`` checks run at once (default: the machine's cores), on a fixed pool of that many
worker threads, so the event loop keeps answering; at most ``queue`` more wait for a worker.  Beyond that a
request is refused at once with 503 and ``Retry-After`` (its body is read and dropped, never kept, so the
client sees the answer).  A body above ``max_bytes`` is refused with 413 (from its Content-Length, or while
it streams in).  When :func:`idcheck.check` takes ``timeout=`` (the per-file
deadline), ``deadline`` seconds are passed to it.

Embedding in your own async code: never call ``check`` on the event loop (it blocks it for the whole
check); run it on a fixed pool of ``cores`` threads (``loop.run_in_executor(pool, ...)``, as here), or
``await anyio.to_thread.run_sync(idcheck.check, data, limiter=limiter)`` with one ``CapacityLimiter(cores)``
shared by all requests (OCR engines are shared by the threads of a process, so anyio retiring idle threads
costs nothing), and admit a bounded number of requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import inspect
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import __version__, codes, schema
from .api import KINDS, check
from .config import CHANNELS
from .errors import UsageError
from .ocr.engines import pool as engine_pool
from .submission import check_submission

MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    workers: int = 0  # 0: the machine's cores
    queue: int = 64  # requests that may wait for a worker (uploads over 1 MB wait in temporary files); beyond: 503
    max_bytes: int = 12 * MIB  # a whole request body (the largest accepted upload is 5 MB; a submission has several)
    deadline: float = 30.0  # seconds per check, passed to check(timeout=) when it takes one
    channel: str = "console"
    config: Any = None  # an idcheck.Config for every check (None: the defaults)
    # seconds a thread may hold the GIL while another waits (sys.setswitchinterval), set by run() for the whole
    # process: the event loop waits up to this long for a check thread at each turn of the loop (Python's 5 ms
    # made /healthz's p99 43-70 ms at load 8 on 2 cores, 1 ms 30-45 ms: docs/service.md); 0: Python's own
    switch_interval: float = 0.001

    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


class Busy(Exception):
    """More requests than workers + queue."""


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Gate:
    """Admission and concurrency: ``workers`` checks run, ``queue`` wait, the rest are refused.

    The checks run on a fixed pool of ``workers`` threads that lives as long as the app: per-thread state
    (an initialised Tesseract engine is about 54 MB) is made once per worker, not once per short-lived thread.
    Admission is counted on the event loop (one loop: no lock); ``running`` by the workers.
    """

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.queue = queue
        self.admitted = 0
        self._running = 0
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="idcheck-check")

    def admit(self) -> None:
        if self.admitted >= self.workers + self.queue:
            raise Busy
        self.admitted += 1

    def leave(self) -> None:
        self.admitted -= 1

    def _counted(self, fn: Any, *args: Any) -> Any:
        with self._lock:
            self._running += 1
        try:
            return _trimmed(fn, *args)
        finally:
            with self._lock:
                self._running -= 1

    async def run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._counted, fn, *args)

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return max(0, self.admitted - self.running)


def _load_malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _load_malloc_trim()


def _trimmed(fn: Any, *args: Any) -> Any:
    """Run ``fn``, then hand the freed decode buffers back to the system: glibc keeps them in per-thread
    arenas otherwise, and the server's RSS creeps up burst after burst."""
    try:
        return fn(*args)
    finally:
        if _MALLOC_TRIM is not None:
            _MALLOC_TRIM(0)


def _takes_timeout() -> bool:
    return "timeout" in inspect.signature(check).parameters


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    if settings.channel not in CHANNELS:
        raise UsageError(f"channel must be one of {sorted(CHANNELS)}, not {settings.channel!r}")
    gate = Gate(settings.resolved_workers(), max(0, settings.queue))
    if settings.config is not None:  # [ocr_pool]: the process's OCR engines, set before the first read
        engine_pool.configure_from(settings.config)
    deadline = {"timeout": settings.deadline} if settings.deadline and _takes_timeout() else {}

    async def read_form(request: Request, max_files: int) -> Any:
        """The multipart form, parsed as the body streams in (file parts over 1 MB spill to temporary files,
        so a waiting request holds little memory); 413 beyond max_bytes."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_bytes:
            raise HTTPProblem(413, f"the request is {int(declared)} bytes; the limit is {settings.max_bytes}")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise HTTPProblem(415, "send multipart/form-data")
        seen = 0
        receive = request.receive

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > settings.max_bytes:
                raise HTTPProblem(413, f"the request is over the limit of {settings.max_bytes} bytes")
            return message

        limited = Request(request.scope, counted)
        try:
            return await limited.form(max_files=max_files, max_fields=64, max_part_size=MIB)
        except HTTPProblem:
            raise
        except Exception as exc:  # malformed multipart, too many parts
            raise HTTPProblem(400, f"could not read the form: {exc}") from None

    async def drain(request: Request) -> None:
        """Read and drop the body (up to max_bytes), keeping nothing."""
        seen = 0
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > settings.max_bytes:
                break

    def options(form: Any) -> dict[str, Any]:
        channel = _text(form, "channel") or settings.channel
        if channel not in CHANNELS:
            raise HTTPProblem(400, f"channel must be one of {sorted(CHANNELS)}")
        ocr = (_text(form, "ocr") or "").lower()
        if ocr not in ("", "0", "1", "true", "false", "yes", "no"):
            raise HTTPProblem(400, "ocr must be true or false")
        from .i18n import resolve_lang

        try:  # the messages' language: a form field "lang" (en, zh), else the server's $IDCHECK_LANG
            lang = resolve_lang(_text(form, "lang") or None)
        except UsageError:
            raise HTTPProblem(400, "lang must be en or zh") from None
        return {"channel": channel, "ocr": ocr in ("1", "true", "yes"), "lang": lang}

    async def guarded(request: Request, handler: Any) -> Response:
        try:
            gate.admit()
        except Busy:
            await drain(request)  # a client still sending its body would see a broken pipe, not the 503
            return JSONResponse({"error": "busy", "detail": f"{gate.workers} checks running and {gate.queue} waiting; "
                                 "try again shortly"}, status_code=503, headers={"Retry-After": "1"})
        try:
            return await handler(request)
        except HTTPProblem as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except UsageError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        finally:
            gate.leave()

    async def check_endpoint(request: Request) -> Response:
        async def handle(request: Request) -> Response:
            form = await read_form(request, max_files=2)
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise HTTPProblem(400, "the form needs a file field 'file'")
            opts = options(form)
            kind = _text(form, "kind") or "auto"
            if kind not in KINDS:
                raise HTTPProblem(400, f"kind must be one of {list(KINDS)}")
            profile = _profile(form, required=False)
            name = upload.filename or None

            def work() -> dict[str, Any]:  # in the worker thread: the bytes are read only when a worker is free
                upload.file.seek(0)
                report = check(upload.file.read(), profile=profile, kind=kind, channel=opts["channel"],
                               ocr=opts["ocr"], filename=name, config=settings.config, **deadline)
                return report.to_dict(lang=opts["lang"])

            try:
                return JSONResponse(await gate.run(work))
            finally:
                await form.close()

        return await guarded(request, handle)

    async def submit_endpoint(request: Request) -> Response:
        async def handle(request: Request) -> Response:
            form = await read_form(request, max_files=16)
            domain = _text(form, "domain")
            if not domain:
                raise HTTPProblem(400, "the form needs a field 'domain'")
            profile = _profile(form, required=True)
            opts = options(form)
            uploads = {}
            for key, value in form.multi_items():
                if isinstance(value, UploadFile) and key != "profile":
                    if key in uploads:
                        raise HTTPProblem(400, f"document kind {key!r} is given twice")
                    uploads[key] = value

            def work() -> dict[str, Any]:
                documents = {}
                for key, upload in uploads.items():
                    upload.file.seek(0)
                    documents[key] = upload.file.read()
                return check_submission(domain, profile, documents, channel=opts["channel"], ocr=opts["ocr"],
                                        config=settings.config).to_dict(lang=opts["lang"])

            try:
                return JSONResponse(await gate.run(work))
            finally:
                await form.close()

        return await guarded(request, handle)

    async def codes_endpoint(request: Request) -> Response:
        return JSONResponse([
            {"code": i.code, "severity": i.severity, "title": i.title, "meaning": i.meaning, "fix": i.fix}
            for i in sorted(codes.catalogue().values(), key=lambda i: i.code)
        ])

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "workers": gate.workers, "queue": gate.queue,
                             "running": gate.running, "waiting": gate.waiting})

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(settings))

    async def report_schema(request: Request) -> Response:
        return Response(schema.text(), media_type="application/schema+json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        gate.pool.shutdown(wait=False, cancel_futures=True)

    app = Starlette(lifespan=lifespan, routes=[
        Route("/check", check_endpoint, methods=["POST"]),
        Route("/submit", submit_endpoint, methods=["POST"]),
        Route("/codes", codes_endpoint, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/schema/report.json", report_schema, methods=["GET"]),
    ])
    app.state.gate = gate
    app.state.settings = settings
    return app


def _text(form: Any, key: str) -> str | None:
    value = form.get(key)
    if value is None:
        return None
    if isinstance(value, UploadFile):
        raise HTTPProblem(400, f"field {key!r} must be text, not a file")
    return str(value).strip()


def _profile(form: Any, *, required: bool) -> dict[str, Any] | None:
    raw = form.get("profile")
    if raw is None or raw == "":
        if required:
            raise HTTPProblem(400, "the form needs a field 'profile' (the registrant profile as JSON)")
        return None
    if isinstance(raw, UploadFile):
        raw = raw.file.read(MIB + 1)
        if len(raw) > MIB:
            raise HTTPProblem(413, "the profile is over 1 MB")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPProblem(400, f"the profile is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise HTTPProblem(400, "the profile must be a JSON object")
    return value


def openapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the service; the report's schema is the shipped JSON Schema."""
    settings = settings or Settings()
    report_schema = schema.load()
    report_schema.pop("$schema", None)
    report_ref = {"$ref": "#/components/schemas/Report"}
    error = {"type": "object", "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
             "required": ["error"]}
    common_errors = {
        "400": {"description": "a malformed request", "content": {"application/json": {"schema": error}}},
        "413": {"description": f"the request is over {settings.max_bytes} bytes",
                "content": {"application/json": {"schema": error}}},
        "503": {"description": "every worker busy and the queue full; retry after Retry-After seconds",
                "content": {"application/json": {"schema": error}}},
    }
    channel = {"type": "string", "enum": sorted(CHANNELS), "default": settings.channel}
    ocr = {"type": "string", "enum": ["true", "false"], "default": "false"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "idcheck", "version": __version__,
                 "description": "Pre-check identity-verification documents before a domain registrar's review. "
                                "Reports are masked (names, ID numbers, file names)."},
        "paths": {
            "/check": {"post": {
                "summary": "Check one picture (and the form data, when a profile is given)",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"},
                                   "profile": {"type": "string", "description": "the registrant profile, JSON"},
                                   "channel": channel, "kind": {"type": "string", "enum": list(KINDS)}, "ocr": ocr}}}}},
                "responses": {"200": {"description": "the report",
                                      "content": {"application/json": {"schema": report_ref}}},
                              **common_errors}}},
            "/submit": {"post": {
                "summary": "Check a whole submission by the domain's rule files",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["domain", "profile"],
                    "properties": {"domain": {"type": "string"}, "profile": {"type": "string"}, "channel": channel,
                                   "ocr": ocr},
                    "additionalProperties": {"type": "string", "format": "binary",
                                             "description": "a document: the field name is its kind "
                                                            "(contact_id_card, business_license, ...)"}}}}},
                "responses": {"200": {"description": "the submission report",
                                      "content": {"application/json": {"schema": report_ref}}}, **common_errors}}},
            "/codes": {"get": {"summary": "Every finding code",
                               "responses": {"200": {"description": "the catalogue"}}}},
            "/healthz": {"get": {"summary": "Liveness and load", "responses": {"200": {"description": "ok"}}}},
            "/schema/report.json": {"get": {"summary": "The report's JSON Schema",
                                            "responses": {"200": {"description": "JSON Schema draft 2020-12"}}}},
        },
        "components": {"schemas": {"Report": report_schema}},
    }


def run(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None, *,
        log_level: str = "info") -> None:
    import uvicorn  # lazy: the optional serve extra

    settings = settings or Settings()
    if settings.switch_interval > 0:  # this process is the server's own: the GIL hand-over is ours to set
        sys.setswitchinterval(settings.switch_interval)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=False)
