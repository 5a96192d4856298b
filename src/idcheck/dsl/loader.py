"""Finding, loading and choosing rule files; reading domain names.

Where the rule files are (the first that applies)::

    1. rules_dir=...                 an explicit folder
    2. $IDCHECK_RULES                an operator's folder
    3. <checkout>/rules              the canonical files, next to src/ in a source checkout
    4. idcheck/rules (package data)  for an installed wheel, if the build copies rules/ there

Every ``*.rules`` file in the folder is parsed; all errors of all files are reported together
(:class:`~idcheck.dsl.parser.RuleFileError`).  A book is cached per folder and reloaded when a file
changes (name, size or modification time).

Choosing rules for a domain: every rule set that ``applies to all suffixes`` (the standard rules),
plus the one rule set whose suffix (or alias) is the *longest* match of the domain's labels.
Suffixes match in Unicode and punycode form alike (``.商标`` = ``.xn--czr694b``).
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import UsageError
from . import tree as T
from .lexer import RuleError
from .parser import RuleFileError, parse_source

__all__ = ["RuleBook", "Domain", "parse_domain", "load_rules", "rules_dir", "suffix_forms", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000
ENV = "IDCHECK_RULES"


# --- domain names ----------------------------------------------------------------------------------

_DOTS = ("\u3002", "\uff0e", "\uff61")


def _label_forms(label: str) -> tuple[str, str]:
    """(unicode, ascii) forms of one label; ValueError if it is not a valid label."""
    if not label:
        raise ValueError("it has an empty label (two dots in a row, or a dot at the start)")
    if label.isascii():
        low = label.lower()
        if low.startswith("xn--"):
            try:
                uni = low.encode("ascii").decode("idna")
            except UnicodeError:
                raise ValueError(f"{label!r} is not valid punycode") from None
            return uni, low
        _check_ascii(low, label)
        return low, low
    try:
        ascii_label = label.encode("idna").decode("ascii")
        uni = ascii_label.encode("ascii").decode("idna") if ascii_label.startswith("xn--") else ascii_label
    except UnicodeError:
        raise ValueError(f"{label!r} cannot be written in punycode") from None
    _check_ascii(ascii_label, label)
    return uni, ascii_label


def _check_ascii(ascii_label: str, shown: str) -> None:
    if len(ascii_label) > 63:
        raise ValueError(f"the label {shown!r} is longer than 63 characters")
    if not all(c.isalnum() or c == "-" for c in ascii_label) or not ascii_label.isascii():
        raise ValueError(f"the label {shown!r} may only hold letters, digits and hyphens")
    if ascii_label.startswith("-") or ascii_label.endswith("-"):
        raise ValueError(f"the label {shown!r} starts or ends with a hyphen")


def suffix_forms(suffix: str) -> tuple[str, str]:
    """".商标" -> (".商标", ".xn--czr694b"); ValueError if it is not a suffix."""
    labels = [_label_forms(x) for x in suffix.strip().lstrip(".").split(".")]
    return "." + ".".join(u for u, _ in labels), "." + ".".join(a for _, a in labels)


@dataclass(frozen=True)
class Domain:
    """A domain name in both forms: ``name`` (Unicode, lower case) and ``ascii`` (punycode)."""

    name: str
    ascii: str
    labels: tuple[str, ...]  # Unicode
    ascii_labels: tuple[str, ...]

    def facts(self, suffix: str | None) -> dict[str, str]:
        """The ``domain.*`` fields for the rules, given the matched suffix (None: the last label)."""
        if suffix is None:
            suffix = "." + self.labels[-1]
        n = suffix.count(".")
        label = self.labels[-n - 1] if len(self.labels) > n else ""
        return {"name": self.name, "ascii": self.ascii, "label": label, "suffix": suffix, "tld": "." + self.labels[-1]}


def parse_domain(text: str) -> Domain:
    """Read a domain name (Unicode or punycode, any case, trailing dot allowed); ValueError says why not."""
    if not isinstance(text, str):
        raise ValueError(f"a domain name is text, not {type(text).__name__}")
    value = unicodedata.normalize("NFKC", text.strip())
    for dot in _DOTS:
        value = value.replace(dot, ".")
    if value.endswith("."):
        value = value[:-1]
    if not value:
        raise ValueError("it is empty")
    if any(ch.isspace() for ch in value):
        raise ValueError("it contains spaces")
    if "://" in value or "/" in value or "@" in value:
        raise ValueError("give the domain name alone, without a scheme, path or e-mail address")
    parts = value.split(".")
    if len(parts) < 2:
        raise ValueError("it has no suffix (a domain name has at least two labels, such as example.com)")
    forms = [_label_forms(p) for p in parts]
    ascii_name = ".".join(a for _, a in forms)
    if len(ascii_name) > 253:
        raise ValueError("it is longer than 253 characters")
    return Domain(".".join(u for u, _ in forms), ascii_name, tuple(u for u, _ in forms), tuple(a for _, a in forms))


# --- the book ----------------------------------------------------------------------------------------


@dataclass
class RuleBook:
    """Every rule set of one folder, and the suffix index."""

    rulesets: tuple[T.RuleSet, ...]
    folder: str | None = None
    index: dict[str, T.RuleSet] = field(default_factory=dict)  # ascii suffix (no leading dot) -> rule set

    @classmethod
    def build(cls, rulesets: Iterable[T.RuleSet], folder: str | None = None) -> RuleBook:
        """Index the rule sets by suffix; RuleFileError on duplicate names or suffixes."""
        sets = tuple(rulesets)
        errors: list[RuleError] = []
        names: dict[str, T.RuleSet] = {}
        index: dict[str, T.RuleSet] = {}
        for rs in sets:
            where = rs.pos or T.Pos(1, 1)
            if rs.name in names:
                errors.append(RuleError(rs.path or "<rules>", where.line, where.col, where.length,
                                        f'ruleset "{rs.name}" is also defined in {names[rs.name].path}'))
            names.setdefault(rs.name, rs)
            for suffix in (rs.suffixes or ()) + rs.aliases:
                try:
                    key = suffix_forms(suffix)[1].lstrip(".")
                except ValueError as exc:  # the parser has checked; hand-made trees may not be
                    errors.append(RuleError(rs.path or "<rules>", where.line, where.col, where.length, str(exc)))
                    continue
                if key in index and index[key] is not rs:
                    errors.append(RuleError(rs.path or "<rules>", where.line, where.col, where.length,
                                            f'suffix {suffix} is claimed by ruleset "{rs.name}" and by ruleset '
                                            f'"{index[key].name}" ({index[key].path})'))
                    continue
                index[key] = rs
        if errors:
            raise RuleFileError(errors)
        return cls(sets, folder, index)

    @property
    def standard(self) -> list[T.RuleSet]:
        return [rs for rs in self.rulesets if rs.universal]

    def match(self, domain: Domain) -> tuple[T.RuleSet | None, str | None]:
        """The rule set of the longest matching suffix (or alias) and that suffix in Unicode form."""
        labels = domain.ascii_labels
        for n in range(len(labels) - 1, 0, -1):  # a suffix leaves at least one label before it
            key = ".".join(labels[-n:])
            rs = self.index.get(key)
            if rs is not None:
                return rs, "." + ".".join(domain.labels[-n:])
        return None, None

    def select(self, domain: Domain | None) -> tuple[list[T.RuleSet], str | None]:
        """The rule sets for ``domain`` (standard first, then the suffix's) and the matched suffix."""
        chosen = self.standard
        if domain is None:
            return chosen, None
        rs, suffix = self.match(domain)
        return (chosen + [rs] if rs is not None else chosen), suffix

    def get(self, name: str) -> T.RuleSet | None:
        for rs in self.rulesets:
            if rs.name == name:
                return rs
        return None


def rules_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder to load rules from (see the module docstring); UsageError if none exists."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_dir():
            raise UsageError(f"rules_dir {str(path)!r} is not a folder")
        return path
    env = os.environ.get(ENV)
    if env:
        path = Path(env)
        if not path.is_dir():
            raise UsageError(f"${ENV} names {env!r}, which is not a folder")
        return path
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if checkout.is_dir() and any(checkout.glob("*.rules")):
        return checkout
    try:
        packaged = Path(str(resources.files("idcheck") / "rules"))
        if packaged.is_dir():
            return packaged
    except (TypeError, ModuleNotFoundError):  # pragma: no cover
        pass
    raise UsageError(f"no rule files found: pass rules_dir=, set ${ENV}, or run from a source checkout with rules/")


def parse_files(paths: Iterable[Path]) -> tuple[list[T.RuleSet], list[RuleError]]:
    """Parse rule files: the rule sets that parsed cleanly and every error of every file."""
    sets: list[T.RuleSet] = []
    errors: list[RuleError] = []
    for path in paths:
        shown = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                errors.append(
                    RuleError(shown, 1, 1, 1, f"the file is too large ({size} bytes; at most {MAX_FILE_BYTES})")
                )
                continue
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            errors.append(RuleError(shown, 1, 1, 1, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        except OSError as exc:
            errors.append(RuleError(shown, 1, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
            continue
        ruleset, errs = parse_source(text, shown)
        errors.extend(errs)
        if ruleset is not None and not errs:
            sets.append(ruleset)
    return sets, errors


_CACHE: dict[str, tuple[tuple, RuleBook]] = {}
_LOCK = threading.Lock()


def _signature(files: list[Path]) -> tuple:
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((f.name, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((f.name, -1, -1))
    return tuple(out)


def load_rules(rules_dir_: str | os.PathLike[str] | None = None) -> RuleBook:
    """The rule book of a folder (see :func:`rules_dir`); RuleFileError lists every error of every file."""
    folder = rules_dir(rules_dir_)
    files = sorted(folder.glob("*.rules"))
    key = str(folder.resolve())
    sig = _signature(files)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == sig:
            return cached[1]
    sets, errors = parse_files(files)
    if errors:
        raise RuleFileError(errors)
    book = RuleBook.build(sets, key)
    with _LOCK:
        _CACHE[key] = (sig, book)
    return book
