"""``idcheck explain [CODE]``: what a finding code means and how to fix it (all codes when none is given)."""

from __future__ import annotations

import argparse
import difflib
import json
import sys

from .. import codes
from .output import eprint


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="explain a finding code", description=__doc__)
    p.add_argument("code", nargs="?", help="a finding code such as file.extension_mismatch")
    p.add_argument("--lang", choices=("en", "zh"), default=None,
                   help="language of the explanation (default: $IDCHECK_LANG, else en)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..i18n import resolve_lang, t

    try:
        lang = resolve_lang(args.lang)
    except UsageError as exc:
        eprint(f"idcheck: {exc} (IDCHECK_LANG)")
        return 2
    catalogue = codes.catalogue()
    if args.format == "json" and (not args.code or args.code in catalogue):
        chosen = [catalogue[args.code]] if args.code else [catalogue[c] for c in sorted(catalogue)]
        items = [{"code": i.code, "severity": i.severity, "title": i.title, "meaning": i.meaning, "fix": i.fix,
                  "message": i.message, "message_zh": i.message_zh, "title_zh": i.title_zh,
                  "meaning_zh": i.meaning_zh, "fix_zh": i.fix_zh, "evidence": i.evidence,
                  "evidence_zh": i.evidence_zh} for i in chosen]
        json.dump(items[0] if args.code else items, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not args.code:
        for code, info in sorted(catalogue.items()):
            sev = info.severity if lang == "en" else t(f"severity.{info.severity}", lang)
            print(f"{code:<32} {sev:<8} {info.text('title', lang)}")
        return 0
    if args.code not in catalogue:
        near = difflib.get_close_matches(args.code, list(catalogue), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(near)}?" if near else " Run 'idcheck explain' to list all codes."
        eprint(f"idcheck: unknown code {args.code!r}.{hint}")
        return 2
    info = catalogue[args.code]
    if lang == "zh":
        print(f"{info.code}  （{t(f'severity.{info.severity}', lang)}）{info.text('title', lang)}")
        print()
        print(f"含义：{info.text('meaning', lang)}")
        if info.text("fix", lang):
            print(f"修改建议：{info.text('fix', lang)}")
        if info.evidence:
            print(f"级别依据：{info.text('evidence', lang)}")
        print(f"提示模板：{info.text('message', lang)}")
        return 0
    print(f"{info.code}  ({info.severity}) {info.title}")
    print()
    print(f"What it means: {info.meaning}")
    if info.fix:
        print(f"How to fix it: {info.fix}")
    if info.evidence:
        print(f"Why this severity: {info.evidence}")
    return 0
