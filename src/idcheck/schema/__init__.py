"""The JSON Schema of the report (:meth:`idcheck.report.Report.to_dict`), versioned with ``SCHEMA_VERSION``.

``report-<version>.json`` ships in the wheel; ``idcheck schema`` prints it.  Other services can validate
what they parse with any JSON Schema (draft 2020-12) validator::

    import jsonschema, idcheck.schema
    jsonschema.validate(report_dict, idcheck.schema.load())

``validate()`` does that here (it needs the ``jsonschema`` package, a test dependency of idcheck).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..report import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "load", "text", "validate", "errors"]


def text(version: int = SCHEMA_VERSION) -> str:
    """The schema document as JSON text."""
    try:
        return (resources.files(__name__) / f"report-{version}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(
            f"no report schema version {version!r} (this idcheck writes version {SCHEMA_VERSION})"
        ) from None


@cache
def _loaded(version: int) -> str:
    return text(version)


def load(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The schema as a dict (a fresh copy each call)."""
    return json.loads(_loaded(version))


@cache
def _validator(version: int) -> Any:
    import jsonschema  # lazy: a test dependency only, not installed with idcheck

    schema = load(version)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(report: dict[str, Any]) -> list[str]:
    """Every way ``report`` (a ``Report.to_dict()``) breaks its schema, as readable lines; [] when valid."""
    version = report.get("schema", SCHEMA_VERSION) if isinstance(report, dict) else SCHEMA_VERSION
    if not isinstance(version, int) or not (resources.files(__name__) / f"report-{version}.json").is_file():
        version = SCHEMA_VERSION  # an unknown version is judged by the current schema (and fails its "schema")
    found = sorted(_validator(version).iter_errors(report), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in found]


def validate(report: dict[str, Any]) -> None:
    """Raise ``ValueError`` listing every schema violation of ``report``."""
    problems = errors(report)
    if problems:
        raise ValueError("report does not match its schema:\n  " + "\n  ".join(problems))
