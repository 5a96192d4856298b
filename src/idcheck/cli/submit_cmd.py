"""``idcheck submit --domain D --profile P.json --doc KIND=PATH ...``: check a whole submission.

The profile, every document's picture, the document read back against the profile (OCR), and the
standard and suffix rules (``idcheck rules explain D`` lists them), in one report.  KIND is the
document's kind: the profile's document_type for the registrant's identity document (id_card,
business_license, ...) and the kinds the rules ask for (contact_id_card, registration_form,
trademark_certificate, ...).

Exit status: 0 pass or warn, 1 fail, 2 usage error (bad arguments, unreadable profile, broken rule files).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..config import CHANNELS
from ..dsl import RuleFileError
from ..errors import UsageError
from ..submission import check_submission
from .output import eprint, paint, use_colour
from .profile_cmd import read_profile

_MARKS = {"error": "x", "warning": "!", "info": "i"}
_OUTCOME = {"pass": "pass", "fail": "fail", "not_applicable": "n/a"}


def _doc_arg(text: str) -> tuple[str, str]:
    kind, sep, path = text.partition("=")
    kind = kind.strip()
    if not sep or not kind or not path:
        raise argparse.ArgumentTypeError(f"expected KIND=PATH (for example business_license=licence.jpg), not {text!r}")
    return kind, path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("submit", help="check a domain's whole submission: profile, documents and suffix rules",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--domain", required=True, metavar="D", help="the domain name, e.g. example.gov.cn")
    p.add_argument(
        "--profile", required=True, metavar="P.json", help="the registrant profile ('-' reads standard input)"
    )
    p.add_argument("--doc", action="append", type=_doc_arg, default=[], metavar="KIND=PATH",
                   help="a document picture and its kind; repeat for each document")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument(
        "--channel", choices=sorted(CHANNELS), default="console", help="upload channel rules (default: console)"
    )
    p.add_argument("--rules-dir", metavar="DIR", help="folder of *.rules files")
    p.add_argument("--no-ocr", dest="ocr", action="store_false", help="do not read the documents (faster)")
    p.add_argument("--trace", action="store_true", help="list every rule with its outcome and reason")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.set_defaults(func=run)


def _group(field: str | None) -> str:
    if not field:
        return "submission"
    if field.startswith("document:"):
        return field
    if field.startswith("profile"):
        return "profile"
    return field


def render_submission(data: dict[str, Any], *, sources: dict[str, str], trace: bool, colour: bool = False) -> str:
    extra = data["extra"]
    dom = extra.get("domain", {})
    sets = ", ".join(f"{rs['name']} v{rs['version']}" for rs in extra.get("rulesets", []))
    lines = [
        f"{paint(data['verdict'].upper().ljust(4), data['verdict'], colour)}  {dom.get('name') or dom.get('input')}"
        f"  (rule sets: {sets})"
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in data["findings"]:
        groups.setdefault(_group(f["field"]), []).append(f)
    order = ["submission", "domain", "profile"] + [f"document:{k}" for k in sources] + sorted(groups)
    done = set()
    for name in order:
        if name in done or name not in groups:
            continue
        done.add(name)
        title = name
        if name.startswith("document:") and name[9:] in sources:
            title = f"{name}  ({sources[name[9:]]})"
        lines.append(f"  {title}")
        for f in groups[name]:
            sev = f["severity"]
            mark = paint(f"{_MARKS[sev]} {sev:<7}", sev, colour)
            where = f" [{f['field']}]" if f["field"] and f["field"] != name else ""
            lines.append(f"      {mark} {f['code']}{where}: {f['message']}")
    for kind in sources:
        if f"document:{kind}" not in groups:
            lines.append(f"  document:{kind}  ({sources[kind]}): no findings")
    rules = extra.get("rules", [])
    counts = {o: sum(1 for r in rules if r["outcome"] == o) for o in _OUTCOME}
    lines.append(f"  rules: {counts['pass']} passed, {counts['fail']} failed, {counts['not_applicable']} not applicable"
                 + ("" if trace else " (--trace lists them)"))
    if trace:
        for r in rules:
            outcome = _OUTCOME[r["outcome"]]
            key = {"pass": "pass", "fail": "fail"}.get(r["outcome"], "info")
            lines.append(
                f"      {paint(outcome.ljust(4), key, colour)} "
                f"{r['ruleset']}/{r['rule']} v{r['version']}: {r['reason']}"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    profile = read_profile(args.profile)
    documents: dict[str, str] = {}
    for kind, path in args.doc:
        if kind in documents:
            eprint(
                f"idcheck: document kind {kind!r} is given twice "
                f"(--doc {kind}={documents[kind]} and --doc {kind}={path})"
            )
            return 2
        documents[kind] = path
    try:
        report = check_submission(args.domain, profile, documents, channel=args.channel, rules_dir=args.rules_dir,
                                  ocr=args.ocr)
    except RuleFileError as exc:
        eprint("idcheck: the rule files have errors (run 'idcheck rules check'):")
        eprint(str(exc))
        return 2
    except UsageError as exc:
        eprint(f"idcheck: {exc}")
        return 2
    data = report.to_dict(args.reveal)
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_submission(data, sources=documents, trace=args.trace, colour=use_colour(sys.stdout)))
    return 1 if report.verdict == "fail" else 0
