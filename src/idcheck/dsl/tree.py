"""The syntax tree of a rule file: plain, frozen dataclasses.

Positions (:class:`Pos`) are kept for messages but never take part in equality, so a tree parsed
from a file equals the tree parsed from its pretty-printed text (the round-trip property the tests
check).  Nothing here evaluates anything: see :mod:`idcheck.dsl.evaluate`.

::

    RuleSet(name, version, suffixes | None (= all suffixes), aliases, source, description, rules)
      Rule(id, severity, description, statements, source, version, message, message_zh)
        When(expr)                      the rule applies only when expr holds
        Require(expr)                   the rule passes only when expr holds
        RequireDocument(kinds, text)    a document must be supplied (kinds: DocKinds)
        Registrants(values)             which registrant types may register
        Regions(values)                 which regions may register

    expressions: Or, And, Not, Compare(op, left, right), Matches(left, pattern, flags),
                 Exists(path), Path(root, parts), Str, Int, ListLit, Length(path)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SEVERITIES = ("error", "warning", "info")
Severity = Literal["error", "warning", "info"]  # the same as idcheck.report.Severity
ROOTS = ("profile", "document", "domain")
#: comparison operators, in the spelling of the language
COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "starts_with", "ends_with", "contains")
ORDER_OPS = ("<", "<=", ">", ">=")
STRING_OPS = ("starts_with", "ends_with", "contains")
#: the document kind that stands for "the document named in the profile's document_type"
IDENTITY = "identity"


@dataclass(frozen=True)
class Pos:
    """1-based line and column of a node's first character, and the length to underline."""

    line: int
    col: int
    length: int = 1


def _pos() -> Pos | None:
    return field(default=None, compare=False, repr=False)


# --- expressions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """``profile.name_zh``, ``profile.phone.country_code``, ``document.identity.number``, ``domain.label``."""

    root: str
    parts: tuple[str, ...]
    pos: Pos | None = _pos()

    @property
    def dotted(self) -> str:
        return ".".join((self.root, *self.parts))


@dataclass(frozen=True)
class Str:
    value: str
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Int:
    value: int
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class ListLit:
    items: tuple[Str | Int, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Length:
    """``length(path)``: the number of characters of a text value."""

    path: Path
    pos: Pos | None = _pos()


Operand = Path | Str | Int | ListLit | Length


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Matches:
    """``left matches /pattern/flags``: the *whole* value must match (``re.fullmatch``)."""

    left: Operand
    pattern: str
    flags: str = ""
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Exists:
    """``path exists``: the value is present (non-empty text; for ``document.KIND``: the document was supplied)."""

    path: Path
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Not:
    operand: Expr
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class And:
    left: Expr
    right: Expr
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Or:
    left: Expr
    right: Expr
    pos: Pos | None = _pos()


Expr = Compare | Matches | Exists | Not | And | Or


# --- statements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocKinds:
    """Which document satisfies a requirement: one kind, any of several, or the kind a path names."""

    kinds: tuple[str, ...] = ()  # one kind, or several for "any of"
    any_of: bool = False
    path: Path | None = None  # e.g. profile.document_type
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class When:
    expr: Expr
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Require:
    expr: Expr
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class RequireDocument:
    kinds: DocKinds
    description: str
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Registrants:
    values: tuple[str, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Regions:
    values: tuple[str, ...]
    pos: Pos | None = _pos()


Statement = When | Require | RequireDocument | Registrants | Regions


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    description: str
    statements: tuple[Statement, ...]
    source: str | None = None  # None: the rule set's
    version: int | None = None  # None: the rule set's
    message: str | None = None  # None: the description
    message_zh: str | None = None
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: int
    suffixes: tuple[str, ...] | None  # None: every suffix ("applies to all suffixes")
    rules: tuple[Rule, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str | None = None
    description: str | None = None
    path: str | None = field(default=None, compare=False)
    pos: Pos | None = _pos()

    @property
    def universal(self) -> bool:
        return self.suffixes is None


def walk(node: object):
    """Every expression node under ``node`` (depth first, left to right), ``node`` included."""
    yield node
    if isinstance(node, (And, Or)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Not):
        yield from walk(node.operand)
    elif isinstance(node, Compare):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Matches):
        yield from walk(node.left)
    elif isinstance(node, (Exists, Length)):
        yield from walk(node.path)
    elif isinstance(node, ListLit):
        for item in node.items:
            yield from walk(item)


def paths_of(node: object) -> list[Path]:
    """The field paths an expression reads, in order, without repeats."""
    out: list[Path] = []
    for n in walk(node):
        if isinstance(n, Path) and n not in out:
            out.append(n)
    return out
