"""Pretty-printer: a syntax tree back to canonical rule-language text, and expressions in plain words.

``parse(to_source(tree)) == tree`` for every valid tree (comments are not part of the tree and are
not kept).  :func:`expr_source` prints one expression with the fewest parentheses that keep its
shape; :func:`expr_words` says it in English for ``idcheck rules explain`` and the rule trace.
"""

from __future__ import annotations

from . import tree as T

__all__ = ["to_source", "expr_source", "expr_words", "quote", "kinds_source", "kinds_words", "FIELD_WORDS"]

_ESCAPE = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def quote(text: str) -> str:
    """A string literal that reads back as ``text``."""
    out = []
    for ch in text:
        if ch in _ESCAPE:
            out.append(_ESCAPE[ch])
        elif ord(ch) < 0x20 or ch in "\x7f\u2028\u2029" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _regex(pattern: str, flags: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append("\\/" if ch == "/" else ch)
        i += 1
    return "/" + "".join(out) + "/" + flags


def _operand(node: T.Operand) -> str:
    if isinstance(node, T.Path):
        return node.dotted
    if isinstance(node, T.Str):
        return quote(node.value)
    if isinstance(node, T.Int):
        return str(node.value)
    if isinstance(node, T.Length):
        return f"length({node.path.dotted})"
    return "[" + ", ".join(_operand(i) for i in node.items) + "]"


_PREC = {T.Or: 1, T.And: 2, T.Not: 3}


def _prec(node: T.Expr) -> int:
    return _PREC.get(type(node), 4)


def expr_source(node: T.Expr) -> str:
    """One expression as source text."""
    if isinstance(node, (T.Or, T.And)):
        word = "or" if isinstance(node, T.Or) else "and"
        mine = _prec(node)
        left = expr_source(node.left)
        if _prec(node.left) < mine:
            left = f"({left})"
        right = expr_source(node.right)
        if _prec(node.right) <= mine:  # left-associative: a same-level right side keeps its parentheses
            right = f"({right})"
        return f"{left} {word} {right}"
    if isinstance(node, T.Not):
        inner = expr_source(node.operand)
        if _prec(node.operand) < _prec(node):
            inner = f"({inner})"
        return f"not {inner}"
    if isinstance(node, T.Compare):
        return f"{_operand(node.left)} {node.op} {_operand(node.right)}"
    if isinstance(node, T.Matches):
        return f"{_operand(node.left)} matches {_regex(node.pattern, node.flags)}"
    if isinstance(node, T.Exists):
        return f"{node.path.dotted} exists"
    raise TypeError(f"not an expression: {node!r}")  # pragma: no cover


def kinds_source(kinds: T.DocKinds) -> str:
    if kinds.path is not None:
        return kinds.path.dotted
    if kinds.any_of:
        return "any of [" + ", ".join(quote(k) for k in kinds.kinds) + "]"
    return quote(kinds.kinds[0])


def _statement(stmt: T.Statement) -> str:
    if isinstance(stmt, T.When):
        return f"when {expr_source(stmt.expr)}"
    if isinstance(stmt, T.Require):
        return f"require {expr_source(stmt.expr)}"
    if isinstance(stmt, T.RequireDocument):
        return f"require document {kinds_source(stmt.kinds)} {quote(stmt.description)}"
    if isinstance(stmt, T.Registrants):
        return "registrants " + ", ".join(stmt.values)
    return "regions " + ", ".join(stmt.values)


def rule_source(rule: T.Rule) -> str:
    lines = [f"rule {rule.id} {{", f"  severity {rule.severity}", f"  description {quote(rule.description)}"]
    if rule.source is not None:
        lines.append(f"  source {quote(rule.source)}")
    if rule.version is not None:
        lines.append(f"  version {rule.version}")
    for stmt in rule.statements:
        lines.append("  " + _statement(stmt))
    if rule.message is not None:
        lines.append(f"  message {quote(rule.message)}")
    if rule.message_zh is not None:
        lines.append(f"  message_zh {quote(rule.message_zh)}")
    lines.append("}")
    return "\n".join(lines)


def to_source(ruleset: T.RuleSet) -> str:
    """The whole rule set as canonical source text (header, then one block per rule)."""
    lines = [f"ruleset {quote(ruleset.name)} version {ruleset.version}"]
    if ruleset.suffixes is None:
        lines.append("applies to all suffixes")
    else:
        lines.append("applies to suffix " + ", ".join(quote(s) for s in ruleset.suffixes))
    if ruleset.aliases:
        lines.append("alias " + ", ".join(quote(s) for s in ruleset.aliases))
    if ruleset.source is not None:
        lines.append(f"source {quote(ruleset.source)}")
    if ruleset.description is not None:
        lines.append(f"description {quote(ruleset.description)}")
    out = "\n".join(lines) + "\n"
    for rule in ruleset.rules:
        out += "\n" + rule_source(rule) + "\n"
    return out


# --- plain words -----------------------------------------------------------------------------------

FIELD_WORDS = {
    "registrant_type": "the registrant type",
    "region": "the region",
    "name_zh": "the Chinese name",
    "name_en": "the English name",
    "document_type": "the document type",
    "document_number": "the document number",
    "province": "the province",
    "city": "the city",
    "address": "the mailing address",
    "postal_code": "the postal code",
    "phone": "the phone",
    "email": "the email address",
    "country_code": "the phone country code",
    "number": "the phone number",
    "extension": "the phone extension",
}
_DOMAIN_WORDS = {
    "name": "the domain name",
    "ascii": "the domain name in ASCII (punycode)",
    "label": "the domain's label (the part before the suffix)",
    "suffix": "the domain suffix",
    "tld": "the top-level domain",
}


def path_words(path: T.Path) -> str:
    if path.root == "profile":
        key = path.parts[-1] if path.parts[0] == "phone" and len(path.parts) == 2 else path.parts[0]
        return f"{FIELD_WORDS.get(key, path.dotted)} (profile.{'.'.join(path.parts)})"
    if path.root == "domain":
        return _DOMAIN_WORDS.get(path.parts[0], path.dotted)
    kind = "the registrant's identity document" if path.parts[0] == T.IDENTITY else f"the {path.parts[0]} document"
    if len(path.parts) == 1:
        return kind
    return f"the {path.parts[1]} read from {kind}"


def _operand_words(node: T.Operand) -> str:
    if isinstance(node, T.Path):
        return path_words(node)
    if isinstance(node, T.Length):
        return f"the length of {path_words(node.path)}"
    if isinstance(node, T.ListLit):
        items = [_operand_words(i) for i in node.items]
        if not items:
            return "(nothing)"
        if len(items) > 6:
            return ", ".join(items[:4]) + f" or one of {len(items) - 4} more"
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return _operand(node)


_OP_WORDS = {
    "==": "is", "!=": "is not", "<": "is less than", "<=": "is at most", ">": "is more than", ">=": "is at least",
    "in": "is one of", "not in": "is none of", "starts_with": "starts with", "ends_with": "ends with",
    "contains": "contains",
}


def expr_words(node: T.Expr) -> str:
    """An expression in plain English."""
    if isinstance(node, T.Or):
        return f"{_wrap(node.left, T.Or)} or {_wrap(node.right, T.Or)}"
    if isinstance(node, T.And):
        return f"{_wrap(node.left, T.And)} and {_wrap(node.right, T.And)}"
    if isinstance(node, T.Not):
        inner = node.operand
        if isinstance(inner, T.Exists):
            return _exists_words(inner.path, negated=True)
        if isinstance(inner, T.Compare) and inner.op in ("==", "in"):
            return expr_words(T.Compare("!=" if inner.op == "==" else "not in", inner.left, inner.right))
        return f"not ({expr_words(inner)})"
    if isinstance(node, T.Compare):
        return f"{_operand_words(node.left)} {_OP_WORDS[node.op]} {_operand_words(node.right)}"
    if isinstance(node, T.Matches):
        how = " (ignoring case)" if node.flags == "i" else ""
        return f"{_operand_words(node.left)} matches the pattern {_regex(node.pattern, '')}{how}"
    if isinstance(node, T.Exists):
        return _exists_words(node.path, negated=False)
    raise TypeError(f"not an expression: {node!r}")  # pragma: no cover


def _exists_words(path: T.Path, negated: bool) -> str:
    if path.root == "document" and len(path.parts) == 1:
        return f"{path_words(path)} {'has not been' if negated else 'has been'} supplied"
    if path.root == "document":
        return f"{path_words(path)} {'is not' if negated else 'is'} available"
    return f"{path_words(path)} {'is empty' if negated else 'is filled in'}"


def _wrap(node: T.Expr, parent: type) -> str:
    text = expr_words(node)
    if isinstance(node, (T.And, T.Or)) and not isinstance(node, parent):
        return f"({text})"
    return text


def kinds_words(kinds: T.DocKinds) -> str:
    if kinds.path is not None:
        return f"the document named by {path_words(kinds.path)}"
    if kinds.any_of:
        return "one of: " + ", ".join(kinds.kinds)
    return kinds.kinds[0]
