"""``idcheck rules list | explain DOMAIN | check [FILE...]``: the suffix and registrar rules.

    idcheck rules list                       the rule sets, their suffixes (Unicode and punycode) and files
    idcheck rules explain example.gov.cn     what a registration of this domain needs, in plain words
    idcheck rules check rules/gov.cn.rules   validate rule files: every error with file, line, column and caret
    idcheck rules check                      validate the whole rules folder (also across files)

Rule files come from --rules-dir, else $IDCHECK_RULES, else the rules/ folder of the source checkout.

Exit status: 0 fine, 1 a rule file has errors (check), 2 usage error (a missing file, a domain
that is not a domain name, a broken rules folder for list/explain).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..dsl import RuleFileError, load_rules, parse_domain, suffix_forms, to_source
from ..dsl import printer as P
from ..dsl import tree as T
from ..dsl.loader import RuleBook, parse_files, rules_dir
from ..errors import UsageError
from .output import eprint


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="list, explain and validate the suffix rules", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    rsub.required = True

    lst = rsub.add_parser("list", help="list the rule sets and the suffixes they cover")
    lst.add_argument("--format", choices=("text", "json"), default="text")
    lst.add_argument("--rules-dir", metavar="DIR", help="folder of *.rules files")
    lst.set_defaults(func=run_list)

    exp = rsub.add_parser("explain", help="what registering DOMAIN needs, in plain words")
    exp.add_argument("domain", metavar="DOMAIN", help="a domain name, e.g. example.gov.cn or 示例.商标")
    exp.add_argument("--format", choices=("text", "json"), default="text")
    exp.add_argument("--rules-dir", metavar="DIR", help="folder of *.rules files")
    exp.set_defaults(func=run_explain)

    chk = rsub.add_parser("check", help="validate rule files (all errors, with carets)")
    chk.add_argument("files", nargs="*", metavar="FILE", help="rule files (default: the whole rules folder)")
    chk.add_argument("--rules-dir", metavar="DIR", help="folder to check when no FILE is given")
    chk.add_argument("--print", dest="print_canonical", action="store_true",
                     help="print each valid file in canonical form (as the pretty-printer writes it)")
    chk.set_defaults(func=run_check)


def _book(args: argparse.Namespace) -> RuleBook | None:
    """The rule book, or None after saying on stderr why there is none."""
    try:
        return load_rules(args.rules_dir)
    except RuleFileError as exc:
        eprint("idcheck: the rule files have errors (run 'idcheck rules check'):")
        eprint(str(exc))
    except UsageError as exc:
        eprint(f"idcheck: {exc}")
    return None


def _suffix_text(rs: T.RuleSet) -> str:
    if rs.suffixes is None:
        return "every suffix"
    parts = []
    for s in rs.suffixes:
        uni, asc = suffix_forms(s)
        parts.append(uni if uni == asc else f"{uni} ({asc})")
    text = ", ".join(parts)
    if rs.aliases:
        text += "; alias " + ", ".join(rs.aliases)
    return text


# --- list ------------------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    book = _book(args)
    if book is None:
        return 2
    order = sorted(book.rulesets, key=lambda rs: (not rs.universal, rs.name))
    if args.format == "json":
        json.dump(
            [
                {
                    "name": rs.name,
                    "version": rs.version,
                    "path": rs.path,
                    "rules": len(rs.rules),
                    "suffixes": [dict(zip(("unicode", "ascii"), suffix_forms(s), strict=True)) for s in rs.suffixes]
                    if rs.suffixes is not None
                    else "all",
                    "aliases": list(rs.aliases),
                    "source": rs.source,
                    "description": rs.description,
                }
                for rs in order
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    print(f"Rule files in {book.folder}:")
    for rs in order:
        print(f"  {rs.name} v{rs.version}  ({len(rs.rules)} rules)  {Path(rs.path or '').name}")
        print(f"      applies to: {_suffix_text(rs)}")
        if rs.description:
            print(f"      {rs.description}")
    print("\nEvery domain gets the rule sets that apply to every suffix, plus the one whose suffix is the "
          "longest match.")
    return 0


# --- explain ---------------------------------------------------------------------------------------


def _rule_words(rule: T.Rule, rs: T.RuleSet) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id, "severity": rule.severity, "description": rule.description,
        "version": rule.version if rule.version is not None else rs.version,
        "source": rule.source or rs.source, "when": [], "requires": [], "documents": [], "registrants": None,
        "regions": None,
    }
    for stmt in rule.statements:
        if isinstance(stmt, T.When):
            out["when"].append(P.expr_words(stmt.expr))
        elif isinstance(stmt, T.Require):
            out["requires"].append(P.expr_words(stmt.expr))
        elif isinstance(stmt, T.RequireDocument):
            kinds = list(stmt.kinds.kinds) if stmt.kinds.path is None else [f"<{stmt.kinds.path.dotted}>"]
            out["documents"].append({"kinds": kinds, "any_of": stmt.kinds.any_of, "in_words": P.kinds_words(stmt.kinds),
                                     "description": stmt.description})
        elif isinstance(stmt, T.Registrants):
            out["registrants"] = list(stmt.values)
        elif isinstance(stmt, T.Regions):
            out["regions"] = list(stmt.values)
    return out


def explain_data(book: RuleBook, domain_text: str) -> dict[str, Any]:
    domain = parse_domain(domain_text)
    rulesets, suffix = book.select(domain)
    return {
        "domain": domain.facts(suffix),
        "matched_suffix": suffix,
        "rulesets": [{
            "name": rs.name, "version": rs.version, "path": rs.path, "applies_to": _suffix_text(rs),
            "description": rs.description, "source": rs.source,
            "rules": [_rule_words(r, rs) for r in rs.rules],
        } for rs in rulesets],
    }


def render_explain(data: dict[str, Any]) -> str:
    d = data["domain"]
    lines = [f"{d['name']}" + (f"  (ASCII: {d['ascii']})" if d["ascii"] != d["name"] else "")]
    names = [f"{rs['name']} v{rs['version']}" for rs in data["rulesets"]]
    if data["matched_suffix"]:
        lines.append(f"Suffix {data['matched_suffix']} has its own rules; rule sets applied: {', '.join(names)}.")
    else:
        lines.append(f"No rule file for {d['suffix']}: only the standard rules apply ({', '.join(names)}).")
    always = [doc for rs in data["rulesets"] for r in rs["rules"] if not r["when"] for doc in r["documents"]]
    if always:
        lines.append("")
        lines.append("Documents to upload for every registrant:")
        for doc in always:
            lines.append(f"  - {doc['in_words']}: {doc['description']}")
    for rs in data["rulesets"]:
        lines.append("")
        lines.append(f"{rs['name']} v{rs['version']}: {rs['applies_to']}  ({Path(rs['path'] or '').name})")
        if rs["description"]:
            lines.append(f"  {rs['description']}")
        if rs["source"]:
            lines.append(f"  Source: {rs['source']}")
        for r in rs["rules"]:
            lines.append(f"  * {r['id']} ({r['severity']}): {r['description']}")
            for when in r["when"]:
                lines.append(f"      applies when {when}")
            if r["registrants"]:
                lines.append(f"      who may register: registrant type {' or '.join(r['registrants'])}")
            if r["regions"]:
                lines.append(f"      who may register: region {' or '.join(r['regions'])}")
            for req in r["requires"]:
                lines.append(f"      requires that {req}")
            for doc in r["documents"]:
                lines.append(f"      upload {doc['in_words']}: {doc['description']}")
            if r["source"] and r["source"] != rs["source"]:
                lines.append(f"      source: {r['source']}")
    return "\n".join(lines)


def run_explain(args: argparse.Namespace) -> int:
    book = _book(args)
    if book is None:
        return 2
    try:
        data = explain_data(book, args.domain)
    except ValueError as exc:
        eprint(f"idcheck: {args.domain!r} is not a domain name: {exc}")
        return 2
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_explain(data))
    return 0


# --- check -----------------------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    if args.files:
        paths = [Path(f) for f in args.files]
        for path in paths:
            if not path.is_file():
                eprint(f"idcheck: {path} is not a file")
                return 2
        whole_folder = False
    else:
        try:
            folder = rules_dir(args.rules_dir)
        except UsageError as exc:
            eprint(f"idcheck: {exc}")
            return 2
        paths = sorted(folder.glob("*.rules"))
        whole_folder = True
    errors = []
    sets = []
    for path in paths:
        found, errs = parse_files([path])
        errors.extend(errs)
        sets.extend(found)
        if errs:
            print(f"{path}: {len(errs)} error{'s' if len(errs) != 1 else ''}")
        else:
            rs = found[0]
            print(
                f'{path}: ok, ruleset "{rs.name}" v{rs.version}, {len(rs.rules)} rules, applies to {_suffix_text(rs)}'
            )
            if args.print_canonical:
                print(to_source(rs))
    if whole_folder and not errors:
        try:
            RuleBook.build(sets)
        except RuleFileError as exc:
            errors.extend(exc.errors)
    for e in errors:
        print(e.format(), file=sys.stderr)
    if errors:
        print(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {len({e.path for e in errors})} file(s)",
              file=sys.stderr)
        return 1
    return 0

