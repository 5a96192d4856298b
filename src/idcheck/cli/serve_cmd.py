"""``idcheck serve [--host H] [--port P] [--workers N] [--queue N] [--max-bytes B]``: the checks over HTTP.

POST /check, POST /submit, GET /codes, GET /healthz, GET /openapi.json (see idcheck.serve).  Needs the
``serve`` extra: pip install 'idcheck[serve]'.
"""

from __future__ import annotations

import argparse

from ..config import CHANNELS
from .check_cmd import load_config
from .output import eprint


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the checks as an HTTP service", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=int, default=0, help="checks run at once (default: the machine's cores)")
    p.add_argument("--queue", type=int, default=64,
                   help="requests that may wait for a worker; beyond: 503 (default: 64)")
    p.add_argument("--max-bytes", type=int, default=12 * 1024 * 1024, help="largest request body (default: 12 MiB)")
    p.add_argument("--deadline", type=float, default=30.0, help="seconds per check, when check() takes a timeout")
    p.add_argument("--channel", choices=sorted(CHANNELS), default=None,
                   help="default upload channel (default: the config file's, else console)")
    p.add_argument("--config", metavar="FILE", help="settings from idcheck.toml, or [tool.idcheck] of a pyproject.toml")
    p.add_argument("--switch-interval", type=float, default=0.001, metavar="S",
                   help="seconds a check thread may hold the GIL while the event loop waits (default: 0.001; "
                        "0: Python's 0.005)")
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from .. import serve  # lazy: the optional serve extra (starlette); its absence is reported below
    except ImportError as exc:
        eprint(f"idcheck: serve needs the 'serve' extra (pip install 'idcheck[serve]'): {exc}")
        return 2
    if (args.workers < 0 or args.queue < 0 or args.max_bytes <= 0 or not 0 < args.port < 65536
            or not 0 <= args.switch_interval <= 1):
        eprint("idcheck: --workers and --queue must be >= 0, --max-bytes > 0, --port 1-65535, "
               "--switch-interval 0-1")
        return 2

    file_settings = load_config(args.config)
    settings = serve.Settings(workers=args.workers, queue=args.queue, max_bytes=args.max_bytes,
                              deadline=args.deadline, switch_interval=args.switch_interval,
                              channel=args.channel or (file_settings and file_settings.channel) or "console",
                              config=file_settings.config if file_settings else None)
    serve.run(args.host, args.port, settings, log_level=args.log_level)
    return 0
