"""``idcheck status [CODE...] [--format text|json]``: what a domain status (EPP) means and what to do.

``CODE`` is a status as WHOIS or the registrar shows it (clientHold, serverHold, ...; any case; the
WHOIS form "clientHold https://icann.org/epp#clientHold" works too).  Without a code, every status
is listed.

Exit status: 0 every code is known, 2 a code is unknown (with suggestions).
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import status as S
from .output import eprint


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="explain a domain status such as clientHold or serverHold", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("codes", nargs="*", metavar="CODE", help="a domain status, for example serverHold")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=run)


def render(info: S.StatusInfo) -> str:
    title = f"{info.code}" + (f"  ({info.title_zh})" if info.title_zh else "")
    lines = [
        title,
        f"  Set by:      {info.set_by}",
        f"  Means:       {info.meaning}",
        f"  Usual cause: {info.cause}",
        f"  What to do:  {info.action}",
    ]
    if info.note:
        lines.append(f"  Note:        {info.note}")
    if info.sources:
        lines.append(f"  Sources:     domain-rules.md §5 [{']['.join(info.sources)}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if not args.codes:
        every = S.statuses()
        if args.format == "json":
            json.dump([i.to_dict() for i in every.values()], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 0
        width = max(len(c) for c in every)
        for code, each in every.items():
            print(f"{code:<{width}}  {each.set_by:<22} {each.meaning}")
        print("\nServer (registry) statuses take precedence over client (registrar) ones. "
              "'idcheck status CODE' explains one.")
        return 0
    found = []
    status = 0
    for code in args.codes:
        info = S.lookup(code)
        if info is None:
            near = S.suggest(code)
            hint = f" Did you mean {', '.join(near)}?" if near else ""
            eprint(f"idcheck: unknown domain status {code!r}.{hint} Run 'idcheck status' to list them all.")
            status = 2
            continue
        found.append(info)
    if args.format == "json":
        json.dump([i.to_dict() for i in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif found:
        print("\n\n".join(render(i) for i in found))
    return status
