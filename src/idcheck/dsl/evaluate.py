"""Evaluating rule sets over one submission: findings and an explanation trace.

Evaluation is total: every rule ends as ``pass``, ``fail`` or ``not_applicable`` and nothing here
raises for any data.  The defined behaviour:

* **Missing values.** A field that is absent, ``None`` or only spaces is *unknown*; so is a
  document field that was not read (no OCR, an illegible or unconfirmed reading), a field of a
  document that was not supplied, and ``document.identity`` when the profile names no document type.
* **Three-valued logic.** A test with an unknown operand is unknown; ``and``/``or``/``not`` follow
  Kleene's rules (``false and unknown`` is false, ``true or unknown`` is true).  ``exists`` is
  never unknown: it is true exactly when the value is present (for ``document.KIND``: when that
  document was supplied).
* **Types.** Text is compared exactly, case-sensitively, after stripping surrounding spaces.
  ``==``/``!=``/``in`` never equate text with a number.  An operand of the wrong type for its
  operator (``starts_with`` on a number, ``<`` on text) makes the test unknown.  ``matches`` is a
  full match (``re.fullmatch``); values longer than 256 characters are not matched (unknown).
* **Rules.** All ``when`` lines must be true for a rule to apply (false or unknown:
  ``not_applicable``).  Then every requirement is checked: any false -> ``fail`` (one finding per
  failed requirement); else any unknown -> ``not_applicable`` with a "could not verify" reason and
  an info finding ``rules.not_verified``; else ``pass``.

Findings (catalogue ``rules.toml``): ``rules.failed`` (a ``require`` line; the rule's severity and
message), ``rules.document_missing`` (a ``require document`` line), ``rules.not_eligible`` (a
``registrants``/``regions`` line), ``rules.not_verified`` (info).  Each names the rule in
``details`` (rule, ruleset, version, source) and the field or document in ``Finding.field``
(``profile.document_number``, ``document:contact_id_card``, ``domain``).  Personal values in
findings and in the trace are :class:`~idcheck.report.Private`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import codes
from ..profile import Profile
from ..report import Finding, Private
from . import printer as P
from . import tree as T
from .parser import MAX_MATCH_LENGTH

__all__ = ["Facts", "RuleResult", "Evaluation", "evaluate", "evaluate_rule", "TRUE", "FALSE", "UNKNOWN"]

TRUE, FALSE, UNKNOWN = "true", "false", "unknown"

PERSONAL_PROFILE = {"name_zh": "name", "name_en": "name", "document_number": "number", "address": "text",
                    "email": "text", "phone.number": "number", "phone.extension": "number"}


class _Missing:
    """An unknown value, with why it is unknown."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


@dataclass
class Facts:
    """What the rules can see: the profile's fields, the documents supplied, what was read from them, the domain.

    ``documents`` maps each supplied document kind to the fields read from it (``{}`` when nothing
    was read); ``domain`` holds name, ascii, label, suffix, tld (or is empty when the domain is invalid).
    """

    profile: Mapping[str, Any] = field(default_factory=dict)
    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    domain: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, profile: Any = None, documents: Mapping[str, Mapping[str, Any]] | Iterable[str] | None = None,
              domain: Mapping[str, Any] | None = None) -> Facts:
        """Facts from a Profile (or its dict), supplied documents (kinds, or kind -> read fields) and a domain
        mapping."""
        docs: dict[str, Mapping[str, Any]] = {}
        if isinstance(documents, Mapping):
            for k, v in documents.items():
                docs[str(k)] = v if isinstance(v, Mapping) else {}
        elif documents is not None:
            docs = {str(k): {} for k in documents}
        return cls(profile=_profile_dict(profile), documents=docs, domain=dict(domain or {}))

    def identity_kind(self) -> str | None:
        value = self.profile.get("document_type") if isinstance(self.profile, Mapping) else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    def lookup(self, path: T.Path) -> Any:
        """The value at ``path``, or a :class:`_Missing` saying why there is none."""
        try:
            return self._lookup(path)
        except Exception:  # defensive: odd mappings must not make evaluation raise
            return _Missing(f"{path.dotted} could not be read")

    def _lookup(self, path: T.Path) -> Any:
        parts = path.parts
        if path.root == "profile":
            value: Any = self.profile
            for i, part in enumerate(parts):
                if not isinstance(value, Mapping):
                    return _Missing(f"profile.{'.'.join(parts[:i])} is not an object")
                value = value.get(part)
            return _present(value, f"{path.dotted} is empty")
        if path.root == "domain":
            return _present(self.domain.get(parts[0]) if isinstance(self.domain, Mapping) else None,
                            "the domain name is not valid" if not self.domain else f"{path.dotted} is empty")
        kind = self.resolve_kind(parts[0])
        if kind is None:
            return _Missing("the profile names no document type, so the identity document is unknown")
        if kind not in self.documents:
            return _Missing(f"no {kind} document was supplied")
        if len(parts) == 1:
            return _Supplied(kind)
        fields = self.documents.get(kind) or {}
        value = fields.get(parts[1]) if isinstance(fields, Mapping) else None
        if isinstance(value, Private):
            value = value.value
        return _present(value, f"the {parts[1]} could not be read from the {kind} document "
                               "(no legible, confirmed document reading)")

    def resolve_kind(self, kind: str) -> str | None:
        return self.identity_kind() if kind == T.IDENTITY else kind


class _Supplied:
    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind


def _present(value: Any, why: str) -> Any:
    if value is None:
        return _Missing(why)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return _Missing(why)
    return value


def _profile_dict(profile: Any) -> dict[str, Any]:
    if profile is None:
        return {}
    try:
        if isinstance(profile, Profile):
            return profile.to_dict()
        if isinstance(profile, Mapping):
            return Profile.from_dict(profile).to_dict()
    except Exception:
        pass
    return {}


# --- expressions ---------------------------------------------------------------------------------


@dataclass
class Value:
    """The result of a test: true/false/unknown, why unknown, and the field values it read."""

    result: str
    why: list[str] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    except (re.error, TypeError, ValueError, RecursionError, OverflowError):
        return None


def _shown_value(path: T.Path, value: Any) -> Any:
    """A value for the trace: personal data wrapped in Private."""
    if isinstance(value, _Supplied):
        return "supplied"
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return type(value).__name__
    if path.root == "profile":
        kind = PERSONAL_PROFILE.get(".".join(path.parts))
        return Private(str(value), kind) if kind else value
    if path.root == "document":
        return Private(str(value), "name" if "name" in path.parts[-1] else "number")
    return value


class _Eval:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.why: list[str] = []
        self.seen: dict[str, Any] = {}

    def operand(self, node: T.Operand) -> Any:
        if isinstance(node, T.Str):
            return node.value
        if isinstance(node, T.Int):
            return node.value
        if isinstance(node, T.ListLit):
            return [self.operand(i) for i in node.items]
        if isinstance(node, T.Length):
            value = self.operand(node.path)
            if isinstance(value, str):
                return len(value)
            if isinstance(value, _Missing):
                return value
            return _Missing(f"{node.path.dotted} is not text")
        value = self.facts.lookup(node)
        if isinstance(value, _Missing):
            self.why.append(value.why)
        else:
            self.seen[node.dotted] = _shown_value(node, value)
        return value

    def test(self, node: T.Expr) -> str:
        if isinstance(node, T.And):
            a = self.test(node.left)
            if a == FALSE:
                return FALSE
            b = self.test(node.right)
            if b == FALSE:
                return FALSE
            return TRUE if a == TRUE and b == TRUE else UNKNOWN
        if isinstance(node, T.Or):
            a = self.test(node.left)
            if a == TRUE:
                return TRUE
            b = self.test(node.right)
            if b == TRUE:
                return TRUE
            return FALSE if a == FALSE and b == FALSE else UNKNOWN
        if isinstance(node, T.Not):
            r = self.test(node.operand)
            return {TRUE: FALSE, FALSE: TRUE}.get(r, UNKNOWN)
        if isinstance(node, T.Exists):
            value = self.facts.lookup(node.path)
            if not isinstance(value, _Missing):
                self.seen[node.path.dotted] = _shown_value(node.path, value)
            return FALSE if isinstance(value, _Missing) else TRUE
        if isinstance(node, T.Matches):
            value = self.operand(node.left)
            if isinstance(value, _Missing):
                return UNKNOWN
            if not isinstance(value, str):
                self.why.append(f"{_name(node.left)} is not text")
                return UNKNOWN
            if len(value) > MAX_MATCH_LENGTH:
                self.why.append(f"{_name(node.left)} is longer than {MAX_MATCH_LENGTH} characters")
                return UNKNOWN
            rx = _compiled(node.pattern, node.flags)
            if rx is None:
                self.why.append(f"the pattern /{node.pattern}/ is not valid")
                return UNKNOWN
            return TRUE if rx.fullmatch(value) else FALSE
        if isinstance(node, T.Compare):
            return self.compare(node)
        self.why.append(f"{type(node).__name__} is not a test")
        return UNKNOWN

    def compare(self, node: T.Compare) -> str:
        left = self.operand(node.left)
        right = self.operand(node.right)
        if isinstance(left, _Missing) or isinstance(right, _Missing):
            if isinstance(left, _Missing) and not isinstance(node.left, T.Path):
                self.why.append(left.why)
            if isinstance(right, _Missing) and not isinstance(node.right, T.Path):
                self.why.append(right.why)
            return UNKNOWN
        op = node.op
        if op in ("==", "!="):
            if not _scalar(left) or not _scalar(right):
                self.why.append(f"{op} compares text or numbers")
                return UNKNOWN
            equal = type(left) is type(right) and left == right
            return TRUE if equal == (op == "==") else FALSE
        if op in ("in", "not in"):
            if not _scalar(left) or not isinstance(right, list):
                self.why.append(f"{op} needs a value and a list")
                return UNKNOWN
            found = any(type(left) is type(item) and left == item for item in right)
            return TRUE if found == (op == "in") else FALSE
        if op in T.ORDER_OPS:
            if not (_number(left) and _number(right)):
                self.why.append(f"{op} compares numbers")
                return UNKNOWN
            ok = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
            return TRUE if ok else FALSE
        if op in T.STRING_OPS:
            if not (isinstance(left, str) and isinstance(right, str)):
                self.why.append(f"{op} compares text")
                return UNKNOWN
            ok = {"starts_with": left.startswith, "ends_with": left.endswith, "contains": left.__contains__}[op](right)
            return TRUE if ok else FALSE
        self.why.append(f"unknown operator {op}")
        return UNKNOWN


def _scalar(v: Any) -> bool:
    return isinstance(v, str) or _number(v)


def _number(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _name(node: T.Operand) -> str:
    if isinstance(node, T.Path):
        return node.dotted
    if isinstance(node, T.Length):
        return f"length({node.path.dotted})"
    return "the value"


def test(expr: T.Expr, facts: Facts) -> Value:
    """Evaluate one expression (never raises)."""
    ev = _Eval(facts)
    try:
        result = ev.test(expr)
    except Exception as exc:  # pragma: no cover - a bug; the rule becomes "could not verify"
        ev.why.append(f"internal error ({type(exc).__name__})")
        result = UNKNOWN
    why = list(dict.fromkeys(ev.why)) if result == UNKNOWN else []
    return Value(result, why, ev.seen)


# --- rules ---------------------------------------------------------------------------------------


@dataclass
class RuleResult:
    ruleset: T.RuleSet
    rule: T.Rule
    outcome: str  # pass | fail | not_applicable
    reason: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # document kinds this rule asked for (when it applied)
    applied: bool = True  # False: a when line was false or unknown

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset.name,
            "rule": self.rule.id,
            "version": self.rule.version if self.rule.version is not None else self.ruleset.version,
            "severity": self.rule.severity,
            "outcome": self.outcome,
            "reason": self.reason,
            "steps": self.steps,
        }


@dataclass
class Evaluation:
    results: list[RuleResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def trace(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]

    @property
    def documents_asked(self) -> set[str]:
        return {k for r in self.results for k in r.documents}

    def outcome_of(self, rule_id: str) -> str | None:
        for r in self.results:
            if r.rule.id == rule_id:
                return r.outcome
        return None


def _attribution(path: T.Path | None, facts: Facts) -> str | None:
    if path is None:
        return None
    if path.root == "profile":
        return path.dotted
    if path.root == "domain":
        return "domain"
    kind = facts.resolve_kind(path.parts[0]) or path.parts[0]
    return f"document:{kind}"


def _meta(rule: T.Rule, ruleset: T.RuleSet) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "ruleset": ruleset.name,
        "version": rule.version if rule.version is not None else ruleset.version,
        "source": rule.source if rule.source is not None else (ruleset.source or ""),
    }


def evaluate_rule(rule: T.Rule, ruleset: T.RuleSet, facts: Facts) -> RuleResult:
    """One rule over the facts: pass, fail or not_applicable, with steps and findings (never raises)."""
    try:
        return _evaluate_rule(rule, ruleset, facts)
    except Exception as exc:  # pragma: no cover - a bug must not stop the other rules
        meta = _meta(rule, ruleset)
        finding = codes.finding("internal.check_failed", check=f"rule {ruleset.name}/{rule.id}",
                                error=type(exc).__name__, details={"exception": type(exc).__name__, **meta})
        return RuleResult(ruleset, rule, "not_applicable", f"internal error ({type(exc).__name__})", [], [finding])


def _evaluate_rule(rule: T.Rule, ruleset: T.RuleSet, facts: Facts) -> RuleResult:
    meta = _meta(rule, ruleset)
    steps: list[dict[str, Any]] = []
    for stmt in rule.statements:
        if not isinstance(stmt, T.When):
            continue
        v = test(stmt.expr, facts)
        steps.append(_step("when", P.expr_source(stmt.expr), v))
        if v.result == FALSE:
            return RuleResult(ruleset, rule, "not_applicable",
                              f"it applies only when {P.expr_words(stmt.expr)}, which is not the case", steps,
                              applied=False)
        if v.result == UNKNOWN:
            return RuleResult(ruleset, rule, "not_applicable",
                              "could not tell whether it applies: " + "; ".join(v.why), steps, applied=False)
    findings: list[Finding] = []
    unknown: list[tuple[str, T.Path | None]] = []
    failed: list[str] = []
    documents: list[str] = []
    message = rule.message or rule.description
    message_zh = rule.message_zh or message
    for stmt in rule.statements:
        if isinstance(stmt, T.When):
            continue
        if isinstance(stmt, T.Require):
            v = test(stmt.expr, facts)
            source = P.expr_source(stmt.expr)
            steps.append(_step("require", source, v))
            paths = T.paths_of(stmt.expr)
            if v.result == FALSE:
                failed.append(f"{P.expr_words(stmt.expr)} does not hold")
                findings.append(codes.finding(
                    "rules.failed", severity=rule.severity, message=message, message_zh=message_zh,
                    field=_attribution(paths[0] if paths else None, facts),
                    details={**meta, "requirement": source, "values": dict(v.seen)}, **meta,
                ))
            elif v.result == UNKNOWN:
                unknown.append(("; ".join(v.why) or "a value is missing", _first_missing(paths, facts)))
        elif isinstance(stmt, T.RequireDocument):
            step, finding, why, kinds = _document(stmt, rule, facts, meta)
            steps.append(step)
            documents.extend(kinds)
            if finding is not None:
                failed.append(f"the document ({P.kinds_words(stmt.kinds)}) is missing")
                findings.append(finding)
            elif why:
                unknown.append((why, stmt.kinds.path))
        else:
            step, finding, why = _eligible(stmt, rule, facts, meta, message, message_zh)
            steps.append(step)
            if finding is not None:
                failed.append(step["why"])
                findings.append(finding)
            elif why:
                unknown.append(
                    (why, T.Path("profile", ("registrant_type" if isinstance(stmt, T.Registrants) else "region",)))
                )
    if findings:
        return RuleResult(ruleset, rule, "fail", "; ".join(failed), steps, findings, documents)
    if unknown:
        reason = "; ".join(dict.fromkeys(w for w, _ in unknown))
        findings.append(codes.finding(
            "rules.not_verified", reason=reason, field=_attribution(unknown[0][1], facts),
            details={**meta, "reason": reason}, **meta,
        ))
        return RuleResult(ruleset, rule, "not_applicable", "could not verify: " + reason, steps, findings, documents)
    return RuleResult(ruleset, rule, "pass", "every requirement holds", steps, [], documents)


def _first_missing(paths: list[T.Path], facts: Facts) -> T.Path | None:
    for p in paths:
        if isinstance(facts.lookup(p), _Missing):
            return p
    return paths[0] if paths else None


def _step(kind: str, source: str, v: Value) -> dict[str, Any]:
    step: dict[str, Any] = {"statement": kind, "test": source, "result": v.result}
    if v.seen:
        step["values"] = dict(v.seen)
    if v.why:
        step["why"] = "; ".join(v.why)
    return step


def _document(stmt: T.RequireDocument, rule: T.Rule, facts: Facts, meta: dict[str, Any]):
    source = f"document {P.kinds_source(stmt.kinds)}"
    if stmt.kinds.path is not None:
        value = facts.lookup(stmt.kinds.path)
        if isinstance(value, _Missing) or not isinstance(value, str):
            why = value.why if isinstance(value, _Missing) else f"{stmt.kinds.path.dotted} is not text"
            return {"statement": "require", "test": source, "result": UNKNOWN, "why": why}, None, why, []
        kinds = [value]
    else:
        kinds = list(stmt.kinds.kinds)
    supplied = [k for k in kinds if k in facts.documents]
    step: dict[str, Any] = {"statement": "require", "test": source, "result": TRUE if supplied else FALSE,
                            "values": {"kinds": kinds, "supplied": supplied}}
    if supplied:
        return step, None, "", kinds
    step["why"] = "not supplied"
    shown = kinds[0] if len(kinds) == 1 else " or ".join(kinds)
    finding = codes.finding(
        "rules.document_missing", severity=rule.severity, kind=shown, description=stmt.description,
        field=f"document:{kinds[0]}", details={**meta, "kinds": kinds, "description": stmt.description}, **meta,
    )
    return step, finding, "", kinds


def _eligible(stmt: T.Registrants | T.Regions, rule: T.Rule, facts: Facts, meta: dict[str, Any], message: str,
              message_zh: str):
    key = "registrant_type" if isinstance(stmt, T.Registrants) else "region"
    path = T.Path("profile", (key,))
    value = facts.lookup(path)
    source = ("registrants " if key == "registrant_type" else "regions ") + ", ".join(stmt.values)
    if isinstance(value, _Missing) or not isinstance(value, str):
        why = value.why if isinstance(value, _Missing) else f"profile.{key} is not text"
        return {"statement": source.split()[0], "test": source, "result": UNKNOWN, "why": why}, None, why
    ok = value in stmt.values
    step: dict[str, Any] = {"statement": source.split()[0], "test": source, "result": TRUE if ok else FALSE,
                            "values": {f"profile.{key}": value}}
    if ok:
        return step, None, ""
    what = "registrant type" if key == "registrant_type" else "region"
    step["why"] = f"the {what} {value} is not one of {', '.join(stmt.values)}"
    finding = codes.finding(
        "rules.not_eligible", severity=rule.severity, what=what, value=value, allowed=", ".join(stmt.values),
        message=message, message_zh=message_zh, field=f"profile.{key}",
        details={**meta, "field": key, "value": value, "allowed": list(stmt.values)}, **meta,
    )
    return step, finding, ""


def evaluate(rulesets: Iterable[T.RuleSet], facts: Facts) -> Evaluation:
    """Every rule of every rule set, in order (never raises)."""
    results: list[RuleResult] = []
    for ruleset in rulesets:
        for rule in ruleset.rules:
            results.append(evaluate_rule(rule, ruleset, facts))
    return Evaluation(results)
