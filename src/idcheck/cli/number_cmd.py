"""``idcheck number VALUE [--type T] [--format text|json] [--reveal]``: check one identity number.

Prints the detected (or given) type, whether the number is valid, its normalised form, what
normalisation had to change (the registrar wants it typed exactly as printed), its parts, and the
problem when it is invalid.  The number and the personal parts (birth date, names, document
numbers) are masked unless ``--reveal`` is given.  ``VALUE`` ``-`` reads standard input (use it for
a multi-line MRZ).

Exit status: 0 valid, 1 invalid or not recognised, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from types import ModuleType
from typing import Any

from .. import numbers
from ..errors import UsageError
from ..numbers import ValidationError
from ..privacy import mask_name, mask_number

# info() keys that carry (part of) the number or other personal data, and how to mask them.
_MASK_AS_NUMBER = {
    "number", "region_code", "sequence", "org_code", "org_code_formatted", "holder_number", "document_number",
    "personal_number", "optional_data", "optional_data_2", "place_code",
}
_MASK_AS_NAME = {"surname", "given_names"}
_MASK_AS_DATE = {"birth_date"}


def _format_name(text: str) -> str:
    try:
        return numbers.get(text).NAME
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("number", help="check one identity number (USCC, resident ID, permits, passport, MRZ)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("value", metavar="VALUE", help="the number; '-' reads it from standard input")
    p.add_argument("--type", dest="number_type", metavar="T", type=_format_name,
                   help=f"the format ({', '.join(numbers.FORMATS)}, or a registrar code such as SFZ); "
                        "detected when omitted")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--reveal", action="store_true", help="show the number and personal parts unmasked")
    p.set_defaults(func=run)


def _notes(module: ModuleType, value: str, valid: bool, parts: dict[str, Any] | None) -> list[str]:
    """Warnings worth a human look even when the number is valid (reference §1.5, §2.1, §2.4)."""
    notes = []
    name = module.NAME
    if name == "uscc":
        if numbers.uscc.is_pilot_era_exception(value):
            notes.append("early Fujian pilot-era code: real codes of this kind fail the position-18 check; "
                         "check the certificate")
        if parts is not None and not parts["category_known"]:
            notes.append("unknown authority/category prefix (positions 1-2): check it against the certificate")
    if name == "ric" and parts is not None and parts["born_before_1900"]:
        notes.append("birth date before 1900: check it against the card")
    if name == "tw_permit" and numbers.tw_permit.is_one_time_permit(value):
        notes.append("looks like a one-time short-term permit: may not be accepted for verification")
    if name == "passport" and not valid:
        notes.append("passport patterns are community-sourced: a mismatch deserves a look, not a rejection")
    return notes


def examine(value: str, number_type: str | None = None) -> dict[str, Any]:
    """Everything the command prints, unmasked, as plain data (dates as ``datetime.date``)."""
    also: list[str] = []
    readings: list[tuple[str, ValidationError | None]] = []
    if number_type:
        module: ModuleType | None = numbers.get(number_type)
    else:
        detected = numbers.detect(value)
        readings = numbers.candidates(value) if not detected else []
        if detected:
            module, also = numbers.get(detected[0]), detected[1:]
        elif readings:
            module, also = numbers.get(readings[0][0]), [name for name, _ in readings[1:]]
        else:
            module = None
    if module is None:
        norm = numbers.normalize(value)
        return {
            "type": None, "title": None, "valid": False, "value": norm.value, "changes": list(norm.changes),
            "parts": None, "notes": [],
            "problem": {"code": "unrecognised", "message": "does not look like any supported number ("
                        + ", ".join(numbers.FORMATS) + ")"},
            "also": [],
        }
    norm = module.normalize(value)
    problem = None
    try:
        module.validate(value)
        valid = True
    except ValidationError as exc:
        valid = False
        problem = exc.to_dict()
    try:
        parts = module.info(value)
    except ValidationError:
        parts = None  # info() of an invalid number raises (USCC pilot-era codes excepted)
    notes = _notes(module, norm.value, valid, parts)
    if norm.changes:
        notes.insert(0, "normalisation changed the input (" + ", ".join(norm.changes)
                     + "): type the number exactly as printed")
    return {
        "type": module.NAME, "title": module.TITLE, "valid": valid, "value": norm.value,
        "changes": list(norm.changes), "parts": parts, "notes": notes, "problem": problem, "also": also,
    }


def _mask_value(value: str) -> str:
    return "\n".join(mask_number(line) for line in value.split("\n"))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _mask_parts(parts: dict[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, val in parts.items():
        if val is None or val == "":
            masked[key] = val
        elif key in _MASK_AS_NUMBER:
            masked[key] = mask_number(str(val))
        elif key in _MASK_AS_NAME:
            masked[key] = mask_name(str(val))
        elif key in _MASK_AS_DATE:
            masked[key] = "****-**-**"
        else:
            masked[key] = val
    return masked


def present(result: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    """The result as JSON-ready data, masked unless ``reveal``."""
    out = dict(result)
    if not reveal:
        out["value"] = _mask_value(result["value"])
        if result["parts"] is not None:
            out["parts"] = _mask_parts(result["parts"])
        if result["problem"] is not None:
            problem = dict(result["problem"])
            found = problem.get("found")
            if isinstance(found, str) and len(found) > 2:
                problem["found"] = None  # e.g. a birth date: personal data
            out["problem"] = problem
    return _plain(out)


def render_text(data: dict[str, Any]) -> str:
    lines = []
    kind = f"{data['type']} ({data['title']})" if data["type"] else "unknown"
    lines.append(f"type:     {kind}")
    lines.append(f"valid:    {'yes' if data['valid'] else 'no'}")
    value = data["value"].replace("\n", "\n          ")
    lines.append(f"number:   {value}")
    lines.append(f"changed:  {', '.join(data['changes']) if data['changes'] else 'nothing'}")
    if data["problem"]:
        lines.append(f"problem:  {data['problem']['message']}")
    for note in data["notes"]:
        lines.append(f"note:     {note}")
    if data["also"]:
        lines.append(f"also:     {', '.join(data['also'])}")
    if data["parts"]:
        lines.append("parts:")
        width = max(len(k) for k in data["parts"])
        for key, val in data["parts"].items():
            if isinstance(val, dict):
                val = ", ".join(f"{k}={v}" for k, v in val.items())
            lines.append(f"  {key:<{width}}  {'' if val is None else val}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    value = sys.stdin.read() if args.value == "-" else args.value
    data = present(examine(value, args.number_type), reveal=args.reveal)
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_text(data))
    return 0 if data["valid"] else 1
