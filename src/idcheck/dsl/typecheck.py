"""The rules language's static checks: field paths exist, and operand types fit the operator.

:class:`TypeChecks` is a part of the parser (``dsl.parser._Parser`` derives from it and supplies
``error``/``error_at``); it runs as each path and comparison is parsed, before any data is seen.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from ..profile.model import FIELDS, PHONE_FIELDS
from . import tree as T
from .lexer import Token

PROFILE_FIELDS = FIELDS  # with PHONE_FIELDS, REGISTRANT_TYPES and REGIONS: the profile model's vocabulary
DOMAIN_FIELDS = ("name", "ascii", "label", "suffix", "tld")
_FIELD = re.compile(r"[a-z][a-z0-9_]*\Z")


def _shown(tok: Token) -> str:
    if tok.kind == "EOF":
        return "the end of the file"
    if tok.kind == "STRING":
        return f"the string {tok.text}"
    if tok.kind == "INT":
        return f"the number {tok.value}"
    if tok.kind == "REGEX":
        return f"the pattern {tok.text}"
    return repr(str(tok.value))


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {near[0]}?)" if near else ""


class TypeChecks:
    """Static checks of the paths and comparisons the parser reads (mixed into the parser)."""

    def error(self, tok: Token, msg: str) -> None:  # supplied by the parser
        raise NotImplementedError

    def error_at(self, line: int, col: int, length: int, msg: str) -> None:  # supplied by the parser
        raise NotImplementedError

    def check_path(self, path: T.Path) -> None:
        p = path.pos or T.Pos(1, 1)
        bad: Callable[[str], None] = lambda msg: self.error_at(p.line, p.col, p.length, msg)  # noqa: E731
        parts = path.parts
        if path.root == "profile":
            field = parts[0]
            if field not in PROFILE_FIELDS:
                bad(f"unknown field profile.{field}{_did_you_mean(field, PROFILE_FIELDS)}; the profile fields are "
                    f"{', '.join(PROFILE_FIELDS)}")
            elif field == "phone" and len(parts) == 2 and parts[1] not in PHONE_FIELDS:
                bad(f"unknown field profile.phone.{parts[1]}{_did_you_mean(parts[1], PHONE_FIELDS)}; the phone fields "
                    f"are {', '.join(PHONE_FIELDS)}")
            elif len(parts) > (2 if field == "phone" else 1):
                bad(f"{path.dotted} goes too deep: profile.{field} has no fields")
        elif path.root == "document":
            if not _FIELD.match(parts[0]):
                bad(f"document kind {parts[0]!r} must be lower-case letters, digits and _")
            elif len(parts) > 2:
                bad(f"{path.dotted} goes too deep: use document.KIND or document.KIND.FIELD")
            elif len(parts) == 2 and not _FIELD.match(parts[1]):
                bad(f"document field {parts[1]!r} must be lower-case letters, digits and _")
        else:
            if parts[0] not in DOMAIN_FIELDS or len(parts) > 1:
                bad(f"unknown field {path.dotted}{_did_you_mean(parts[0], DOMAIN_FIELDS)}; the domain fields are "
                    f"{', '.join(DOMAIN_FIELDS)}")

    def type_of(self, node: T.Operand) -> str:
        """text, number, list or record (a document, the phone object): the static type."""
        if isinstance(node, T.Str):
            return "text"
        if isinstance(node, (T.Int, T.Length)):
            return "number"
        if isinstance(node, T.ListLit):
            return "list"
        if node.root == "document" and len(node.parts) == 1:
            return "record"
        if node.root == "profile" and node.parts == ("phone",):
            return "record"
        return "text"

    def type_name(self, node: T.Operand) -> str:
        t = self.type_of(node)
        if t == "record" and isinstance(node, T.Path):
            return "a document" if node.root == "document" else "an object"
        return {"text": "text", "number": "a number", "list": "a list"}[t]

    def describe_operand(self, node: T.Operand, start: Token) -> str:
        if isinstance(node, T.Path):
            return node.dotted
        if isinstance(node, T.Length):
            return f"length({node.path.dotted})"
        return _shown(start)

    def need_type(self, node: T.Operand, tok: Token, types: tuple[str, ...], op: str) -> bool:
        t = self.type_of(node)
        if t in types:
            return True
        shown = self.describe_operand(node, tok)
        if t == "record" and isinstance(node, T.Path):
            if node.root == "document":
                msg = (f"{shown} is a document, not a value: test {shown} exists, or compare one of its fields "
                       f"such as {shown}.number")
            else:
                msg = f"{shown} is an object: compare one of its fields, such as {shown}.number"
        elif "text" in types:
            msg = f"{op} needs text, and {shown} is {self.type_name(node)}"
        else:
            msg = (
                f"{op} compares numbers, and {shown} is {self.type_name(node)} "
                "(use length(...) for the length of a text)"
            )
        if isinstance(node, T.Path) and node.pos is not None:
            self.error_at(node.pos.line, node.pos.col, node.pos.length, msg)
        else:
            self.error(tok, msg)
        return False

    def check_compare(self, node: T.Compare, left_tok: Token, right_tok: Token) -> None:
        op = node.op
        if op in ("in", "not in"):
            if self.need_type(node.left, left_tok, ("text", "number"), op) and isinstance(node.right, T.ListLit):
                left_t = self.type_of(node.left)
                items = node.right.items
                if items and self.type_of(items[0]) != left_t:
                    held = "strings" if isinstance(items[0], T.Str) else "numbers"
                    self.error(right_tok, f"the list holds {held} but {self.describe_operand(node.left, left_tok)} "
                                          f"is {self.type_name(node.left)}")
            return
        if op in T.ORDER_OPS:
            self.need_type(node.left, left_tok, ("number",), op) and self.need_type(
                node.right, right_tok, ("number",), op
            )
            return
        if op in T.STRING_OPS:
            self.need_type(node.left, left_tok, ("text",), op) and self.need_type(node.right, right_tok, ("text",), op)
            return
        # == and !=
        if self.need_type(node.left, left_tok, ("text", "number"), op) and \
                self.need_type(node.right, right_tok, ("text", "number"), op):
            lt, rt = self.type_of(node.left), self.type_of(node.right)
            if lt != rt:
                self.error(right_tok, f"{op} compares {self.type_name(node.left)} with {self.type_name(node.right)}; "
                                      "they are never equal")
