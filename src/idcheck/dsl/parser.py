"""The recursive-descent parser of the rule language, with error recovery.

Grammar (EBNF; words in quotes are written as is, a statement starts on a new line)::

    file        = { header | rule } ;
    header      = "ruleset" STRING "version" INT
                | "applies" "to" ( "all" "suffixes" | "suffix" STRING { "," STRING } )
                | "alias" STRING { "," STRING }
                | "source" STRING
                | "description" STRING ;
    rule        = "rule" IDENT "{" { item } "}" ;
    item        = "severity" ( "error" | "warning" | "info" )
                | "description" STRING | "source" STRING | "version" INT
                | "message" STRING | "message_zh" STRING
                | "when" expr
                | "require" ( "document" kinds STRING | expr )
                | "registrants" IDENT { "," IDENT }
                | "regions" IDENT { "," IDENT } ;
    kinds       = STRING | "any" "of" ( "[" STRING { "," STRING } "]" | accepted ) | path ;
    expr        = conj { "or" conj } ;
    conj        = neg { "and" neg } ;
    neg         = "not" neg | "(" expr ")" | test ;
    test        = operand ( ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) operand
                          | [ "not" ] "in" ( list | accepted )
                          | ( "starts_with" | "ends_with" | "contains" ) operand
                          | "matches" REGEX
                          | [ "not" ] "exists" ) ;
    operand     = path | STRING | INT | "length" "(" path ")" ;
    list        = "[" [ literal { "," literal } ] "]" ;
    accepted    = "accepted_documents" "(" STRING "," ( STRING | "[" STRING { "," STRING } "]" ) ")" ;
    path        = ( "profile" | "document" | "domain" ) "." IDENT { "." IDENT } ;

``and`` binds tighter than ``or``; both associate to the left; ``not`` applies to one test (or a
parenthesised expression).  ``x not exists`` is ``not x exists``.

``accepted_documents("individual", "mainland")`` is the list of documents that registrant type from that region
may use (§3.2, the preferred one first), read from the one table of document types
(``idcheck/data/document_types.toml``, :data:`idcheck.doctypes.ACCEPTED_DOCUMENTS`); with a list of regions,
``accepted_documents("individual", ["hong_kong", "macao"])``, they must all accept the same documents.  The
parser writes the list out in its place: the tree holds the documents themselves, as if the list had been typed
(a row of one document as that document: ``in`` becomes ``==``, ``not in`` ``!=``, ``any of`` the one kind).

Beyond the grammar the parser checks what can be known before any data is seen: field paths exist
(``profile.nmae_zh`` is an error, with a suggestion), operand types fit the operator (text vs numbers,
a document is not a value), severities, registrant types and regions are known words, suffixes are
valid domain names, rule ids are unique, and regular expressions stay in a subset that cannot
backtrack catastrophically (see :func:`regex_problem`).

Errors never stop the parse: after one, the parser skips to the next statement (a known word at
the start of a line) or the next rule, so a file's errors are all reported at once, each with
file, line, column and a caret excerpt (:class:`~idcheck.dsl.lexer.RuleError`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import cast

from .. import doctypes
from ..errors import IdcheckError
from ..profile.model import REGIONS, REGISTRANT_TYPES
from . import tree as T
from .lexer import RuleError, Token, tokenize
from .regexcheck import MAX_MATCH_LENGTH, MAX_PATTERN_LENGTH, MAX_REGEX_WORK, regex_problem  # noqa: F401
from .typecheck import _FIELD, DOMAIN_FIELDS, PROFILE_FIELDS, TypeChecks, _did_you_mean, _shown  # noqa: F401

__all__ = ["parse", "parse_source", "RuleFileError", "regex_problem", "PROFILE_FIELDS", "DOMAIN_FIELDS"]


class RuleFileError(IdcheckError, ValueError):
    """One or more rule files have errors; :attr:`errors` lists every one (file, line, column, message)."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.format() for e in self.errors) or "rule file error")



HEADER_WORDS = ("ruleset", "applies", "alias", "source", "description")
TOP_WORDS = HEADER_WORDS + ("rule",)
ITEM_WORDS = ("severity", "description", "source", "version", "message", "message_zh", "when", "require",
              "registrants", "regions")
SINGLE_ITEMS = ("severity", "description", "source", "version", "message", "message_zh")
TEST_WORDS = ("in", "not", "starts_with", "ends_with", "contains", "matches", "exists")
TEST_LIST = "==, !=, <, <=, >, >=, in, not in, starts_with, ends_with, contains, matches or exists"
MAX_DEPTH = 64
MAX_TREE_DEPTH = 200  # and/or/not levels of one condition, chains included (evaluation recurses per level)
_KIND = re.compile(r"[a-z][a-z0-9_]*\Z")
#: the built-in list of §3.2: accepted_documents("individual", "mainland")
ACCEPTED = "accepted_documents"


class _Abort(Exception):
    """Raised after an error has been recorded: unwinds to the statement being parsed."""


def _pos(tok: Token) -> T.Pos:
    return T.Pos(tok.line, tok.col, tok.length)


def tree_depth(node: T.Expr) -> int:
    """Levels of and/or/not in ``node`` (iterative: safe for any depth)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, (T.And, T.Or)):
            stack.append((n.left, d + 1))
            stack.append((n.right, d + 1))
        elif isinstance(n, T.Not):
            stack.append((n.operand, d + 1))
    return deepest


# --- suffixes ------------------------------------------------------------------------------------


def suffix_problem(suffix: str) -> str | None:
    """Why a suffix string is not a valid ".label[.label...]", or None."""
    if not suffix.startswith("."):
        return f'a suffix starts with a dot: ".{suffix}"'
    labels = suffix[1:].split(".")
    if not suffix[1:] or any(not label for label in labels):
        return f"{suffix!r} is not a domain suffix (empty label)"
    for label in labels:
        if label != label.strip() or any(ch.isspace() for ch in label):
            return f"{suffix!r} is not a domain suffix (it contains spaces)"
        try:
            ascii_label = label.encode("idna").decode("ascii") if not label.isascii() else label.lower()
        except UnicodeError:
            return f"{suffix!r} is not a domain suffix ({label!r} cannot be written in punycode)"
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", ascii_label):
            return f"{suffix!r} is not a domain suffix ({label!r} is not a valid label)"
    return None


# --- the parser ----------------------------------------------------------------------------------


class _Parser(TypeChecks):
    def __init__(self, tokens: list[Token], path: str, lines: list[str]) -> None:
        self.toks = tokens
        self.i = 0
        self.path = path
        self.lines = lines
        self.errors: list[RuleError] = []
        self.depth = 0
        self.saw_ruleset = False
        self.attempted: set[str] = set()  # header words seen, even on lines with errors

    # tokens
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def advance(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != "EOF":
            self.i += 1
        return tok

    # errors
    def error_at(self, line: int, col: int, length: int, message: str) -> None:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.errors.append(RuleError(self.path, line, col, length, message, text))

    def error(self, tok: Token, message: str) -> None:
        if tok.kind == "ERROR":  # the lexer has reported this token already
            return
        self.error_at(tok.line, tok.col, tok.length, message)

    def fail(self, tok: Token, message: str) -> _Abort:
        self.error(tok, message)
        return _Abort()

    def expect_string(self, what: str) -> Token:
        tok = self.tok
        if tok.kind != "STRING":
            raise self.fail(tok, f"expected {what} in double quotes, found {_shown(tok)}")
        return self.advance()

    def expect_int(self, what: str) -> Token:
        tok = self.tok
        if tok.kind != "INT":
            raise self.fail(tok, f"expected {what} (a whole number), found {_shown(tok)}")
        return self.advance()

    def expect_word(self, word: str, context: str) -> Token:
        tok = self.tok
        if not tok.is_word(word):
            raise self.fail(tok, f"expected {word} {context}, found {_shown(tok)}")
        return self.advance()

    def expect_punct(self, char: str, context: str) -> Token:
        tok = self.tok
        if not tok.is_punct(char):
            raise self.fail(tok, f"expected '{char}' {context}, found {_shown(tok)}")
        return self.advance()

    def end_of_statement(self, what: str) -> None:
        tok = self.tok
        if tok.kind == "EOF" or tok.first_on_line or tok.is_punct("}"):
            return
        raise self.fail(
            tok, f"unexpected {_shown(tok)} after the {what} statement (each statement starts on a new line)"
        )

    def sync(self, words: tuple[str, ...], stop_at_brace: bool, start: int) -> None:
        """Skip to the next line that starts with one of ``words`` (or a '}' / the end).

        ``start`` is where the failed statement began: at least one token is skipped, so the
        parser always moves on, but a statement word that ended the failed one is kept.
        """
        if self.i == start:
            self.advance()
        while self.tok.kind != "EOF":
            tok = self.tok
            if stop_at_brace and tok.is_punct("}"):
                return
            if tok.first_on_line and tok.kind == "IDENT" and tok.value in words:
                return
            self.advance()

    # --- file ------------------------------------------------------------------------------------

    def parse_file(self) -> T.RuleSet | None:
        header: dict[str, object] = {}
        rules: list[T.Rule] = []
        first = self.tok
        while self.tok.kind != "EOF":
            tok = self.tok
            start = self.i
            try:
                if tok.is_word("rule"):
                    rule = self.parse_rule()
                    if rule is not None:
                        rules.append(rule)
                elif tok.kind == "IDENT" and tok.value in HEADER_WORDS:
                    self.parse_header(header)
                else:
                    hint = ""
                    if tok.kind == "IDENT" and tok.value in ITEM_WORDS:
                        hint = " (rule statements belong inside rule NAME { ... })"
                    elif tok.kind == "IDENT":
                        hint = _did_you_mean(str(tok.value), TOP_WORDS)
                    raise self.fail(tok, f"expected ruleset, applies, alias, source, description or rule, "
                                         f"found {_shown(tok)}{hint}")
            except _Abort:
                self.sync(TOP_WORDS, stop_at_brace=False, start=start)
        return self.finish_file(header, rules, first)

    def finish_file(self, header: dict[str, object], rules: list[T.Rule], first: Token) -> T.RuleSet | None:
        if "ruleset" not in header:
            if not self.saw_ruleset:  # else the ruleset line had an error, already reported
                self.error_at(1, 1, 1, 'missing the line: ruleset "NAME" version N')
            return None
        # parse_header stores (name, version, the ruleset token) under "ruleset"
        name, version, where = cast("tuple[str, int, Token]", header["ruleset"])
        if "applies" not in self.attempted:
            self.error(where, f'ruleset "{name}" has no applies line (write: applies to suffix ".example", '
                              "or: applies to all suffixes)")
        if not rules:
            self.error(where, f'ruleset "{name}" has no rules')
        seen: dict[str, T.Rule] = {}
        for rule in rules:
            first_pos = seen[rule.id].pos if rule.id in seen else None
            if first_pos is not None and rule.pos is not None:
                self.error_at(rule.pos.line, rule.pos.col, rule.pos.length,
                              f"rule {rule.id} is defined twice (first on line {first_pos.line})")
            seen.setdefault(rule.id, rule)
        applies = header.get("applies")
        # header maps each word to what parse_header stored for it (typed object): the ignores below say so
        return T.RuleSet(
            name=str(name), version=int(version), suffixes=applies if applies != "all" else None,  # type: ignore[arg-type]
            rules=tuple(rules), aliases=tuple(header.get("alias", ())),  # type: ignore[arg-type]
            source=header.get("source"), description=header.get("description"),  # type: ignore[arg-type]
            path=self.path, pos=_pos(where),
        )

    def parse_header(self, header: dict[str, object]) -> None:
        tok = self.advance()
        word = str(tok.value)
        key = word
        self.attempted.add(word)
        if word == "ruleset":
            self.saw_ruleset = True
            name = self.expect_string("the rule set's name")
            if not str(name.value).strip():
                self.error(name, "the rule set's name is empty")
            self.expect_word("version", f'after ruleset "{name.value}"')
            version = self.expect_int("the version")
            value: object = (name.value, version.value, tok)
        elif word == "applies":
            self.expect_word("to", "after applies")
            if self.tok.is_word("all"):
                self.advance()
                self.expect_word("suffixes", "after applies to all")
                value = "all"
            elif self.tok.is_word("suffix", "suffixes"):
                self.advance()
                value = tuple(self.suffix_list())
            else:
                raise self.fail(self.tok, f"expected suffix or all suffixes after applies to, found {_shown(self.tok)}")
        elif word == "alias":
            value = tuple(self.suffix_list())
        else:  # source, description
            text = self.expect_string(f"the {word} text")
            if not str(text.value).strip():
                self.error(text, f"the {word} text is empty")
            value = text.value
        if key in header and key != "alias":
            self.error(tok, f"the header has two {word} lines")
        elif key == "alias" and key in header:
            # both are tuples of suffixes (alias lines); header's values are typed object
            value = tuple(header[key]) + tuple(value)  # type: ignore[arg-type]
        if key not in header or key == "alias":
            header[key] = value
        self.end_of_statement(word)

    def suffix_list(self) -> list[str]:
        out: list[str] = []
        while True:
            tok = self.expect_string("a suffix such as \".gov.cn\"")
            problem = suffix_problem(str(tok.value))
            if problem:
                self.error(tok, problem)
            elif str(tok.value) in out:
                self.error(tok, f"suffix {tok.value!r} is listed twice")
            else:
                out.append(str(tok.value))
            if not self.tok.is_punct(","):
                return out
            self.advance()

    # --- rules -----------------------------------------------------------------------------------

    def parse_rule(self) -> T.Rule | None:
        start = self.advance()  # "rule"
        id_tok = self.tok
        rule_id = "<missing>"
        if id_tok.kind == "IDENT" and not id_tok.is_punct("{"):
            rule_id = str(self.advance().value)
        else:
            self.error(id_tok, f"expected a rule id after rule (letters, digits, - and _), found {_shown(id_tok)}")
            if id_tok.kind in ("STRING", "INT"):
                self.advance()
        if self.tok.is_punct("{"):
            self.advance()
        else:
            self.error(self.tok, f"expected '{{' after rule {rule_id}, found {_shown(self.tok)}")
        items: dict[str, Token] = {}
        meta: dict[str, object] = {}
        statements: list[T.Statement] = []
        unknown_item = False
        while True:
            tok = self.tok
            if tok.is_punct("}"):
                self.advance()
                self.end_of_statement(f"rule {rule_id}")
                break
            if tok.kind == "EOF" or (tok.is_word("rule") and tok.first_on_line):
                self.error(tok, f"missing '}}' to close rule {rule_id} (opened on line {start.line})")
                break
            start_i = self.i
            try:
                self.parse_item(rule_id, items, meta, statements)
            except _Abort:
                if self.i == start_i:  # not even a statement word: it may have been the severity, a require...
                    unknown_item = True
                self.sync(ITEM_WORDS + ("rule",), stop_at_brace=True, start=start_i)
        where = id_tok if id_tok.kind == "IDENT" else start
        if not unknown_item:  # after an unknown statement word these checks could only repeat that error
            if "severity" not in items:
                self.error(where, f"rule {rule_id} has no severity line (severity error, warning or info)")
            if "description" not in items:
                self.error(where, f"rule {rule_id} has no description line")
            if not any(k in items for k in ("require", "registrants", "regions")):
                self.error(where, f"rule {rule_id} requires nothing: add a require, registrants or regions line")
        return T.Rule(
            # parse_item accepts only error, warning or info after severity
            id=rule_id, severity=cast(T.Severity, str(meta.get("severity", "error"))),
            description=str(meta.get("description", "")),
            # meta maps each item word to what parse_item stored (typed object): strings, and an int for version
            statements=tuple(statements), source=meta.get("source"), version=meta.get("version"),  # type: ignore[arg-type]
            message=meta.get("message"), message_zh=meta.get("message_zh"), pos=_pos(where),  # type: ignore[arg-type]
        )

    def parse_item(
        self, rule_id: str, items: dict[str, Token], meta: dict[str, object], out: list[T.Statement]
    ) -> None:
        tok = self.tok
        if tok.kind != "IDENT" or tok.value not in ITEM_WORDS:
            hint = _did_you_mean(str(tok.value), ITEM_WORDS) if tok.kind == "IDENT" else ""
            raise self.fail(tok, f"expected severity, description, source, version, message, message_zh, when, "
                                 f"require, registrants or regions, found {_shown(tok)}{hint}")
        word = str(tok.value)
        self.advance()
        if word in SINGLE_ITEMS and word in items:
            self.error(tok, f"rule {rule_id} has two {word} lines")
        items.setdefault(word, tok)
        if word == "severity":
            sev = self.tok
            if sev.kind != "IDENT":
                raise self.fail(sev, f"expected error, warning or info after severity, found {_shown(sev)}")
            self.advance()
            if sev.value not in T.SEVERITIES:
                self.error(sev, f"unknown severity {sev.value}: use error, warning or info"
                                f"{_did_you_mean(str(sev.value), T.SEVERITIES)}")
            else:
                meta.setdefault("severity", sev.value)
        elif word in ("description", "source", "message", "message_zh"):
            text = self.expect_string(f"the {word} text")
            if not str(text.value).strip():
                self.error(text, f"the {word} text is empty")
            meta.setdefault(word, text.value)
        elif word == "version":
            meta.setdefault("version", self.expect_int("the rule's version").value)
        elif word == "when":
            out.append(T.When(self.parse_expr(), pos=_pos(tok)))
        elif word == "require":
            if self.tok.is_word("document") and not self.peek().is_punct("."):
                self.advance()
                kinds = self.parse_kinds()
                text = self.expect_string("a description of the document (shown to the user)")
                if not str(text.value).strip():
                    self.error(text, "the document description is empty")
                out.append(T.RequireDocument(kinds, str(text.value), pos=_pos(tok)))
            else:
                out.append(T.Require(self.parse_expr(), pos=_pos(tok)))
        elif word in ("registrants", "regions"):
            allowed = REGISTRANT_TYPES if word == "registrants" else REGIONS
            what = "registrant type" if word == "registrants" else "region"
            values: list[str] = []
            while True:
                v = self.tok
                if v.kind != "IDENT":
                    raise self.fail(v, f"expected a {what} ({', '.join(allowed)}), found {_shown(v)}")
                self.advance()
                if v.value not in allowed:
                    self.error(v, f"unknown {what} {v.value}{_did_you_mean(str(v.value), allowed)}; "
                                  f"use {', '.join(allowed)}")
                elif v.value in values:
                    self.error(v, f"{what} {v.value} is listed twice")
                else:
                    values.append(str(v.value))
                if not self.tok.is_punct(","):
                    break
                self.advance()
            node = (
                T.Registrants(tuple(values), pos=_pos(tok))
                if word == "registrants"
                else T.Regions(tuple(values), pos=_pos(tok))
            )
            out.append(node)
        self.end_of_statement(word)

    def parse_kinds(self) -> T.DocKinds:
        tok = self.tok
        if tok.kind == "STRING":
            self.advance()
            self.check_kind(tok)
            return T.DocKinds((str(tok.value),), pos=_pos(tok))
        if tok.is_word("any"):
            self.advance()
            self.expect_word("of", "after any")
            if self.at_accepted():
                table = tuple(str(item.value) for item in self.parse_accepted().items)
                return T.DocKinds(table, any_of=len(table) > 1, pos=_pos(tok))
            self.expect_punct("[", "after any of")
            kinds: list[str] = []
            count = 0
            while True:
                k = self.expect_string("a document kind")
                count += 1
                self.check_kind(k)
                if str(k.value) in kinds:
                    self.error(k, f"document kind {k.value!r} is listed twice")
                else:
                    kinds.append(str(k.value))
                if self.tok.is_punct(","):
                    self.advance()
                    continue
                self.expect_punct("]", "to close the list of document kinds")
                break
            if count < 2:
                self.error(tok, "any of needs at least two document kinds")
            return T.DocKinds(tuple(kinds), any_of=True, pos=_pos(tok))
        if tok.kind == "IDENT" and tok.value in T.ROOTS:
            path = self.parse_path()
            if path.root != "profile" or self.type_of(path) != "text":
                self.error(tok, f"the document kind can only come from a profile text field such as "
                                f"profile.document_type, not {path.dotted}")
            return T.DocKinds(path=path, pos=_pos(tok))
        raise self.fail(tok, f'expected a document kind after require document ("kind", any of ["a", "b"], '
                             f"or profile.document_type), found {_shown(tok)}")

    def check_kind(self, tok: Token) -> None:
        kind = str(tok.value)
        if kind == T.IDENTITY:
            self.error(tok, f'"{T.IDENTITY}" is not a document kind here: write require document profile.document_type')
        elif not _KIND.match(kind):
            self.error(
                tok, f'document kind {kind!r} must be lower-case letters, digits and _ (such as "business_license")'
            )

    # --- expressions -----------------------------------------------------------------------------

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(self.tok, f"expression nested too deeply (at most {MAX_DEPTH} levels)")

    def parse_expr(self) -> T.Expr:
        self.enter()
        start = self.tok
        try:
            left = self.parse_conj()
            while self.tok.is_word("or"):
                op = self.advance()
                right = self.parse_conj()
                left = T.Or(left, right, pos=_pos(op))
            if self.depth == 1:  # the whole condition: a flat chain of and/or nests as deeply as brackets do
                depth = tree_depth(left)
                if depth > MAX_TREE_DEPTH:
                    raise self.fail(start, f"condition too long: {depth} levels of and/or/not (at most "
                                           f"{MAX_TREE_DEPTH}); split it into several rules or use 'in [...]'")
            return left
        finally:
            self.depth -= 1

    def parse_conj(self) -> T.Expr:
        left = self.parse_neg()
        while self.tok.is_word("and"):
            op = self.advance()
            right = self.parse_neg()
            left = T.And(left, right, pos=_pos(op))
        return left

    def parse_neg(self) -> T.Expr:
        tok = self.tok
        if tok.is_word("not"):
            self.advance()
            self.enter()
            try:
                return T.Not(self.parse_neg(), pos=_pos(tok))
            finally:
                self.depth -= 1
        if tok.is_punct("("):
            self.advance()
            inner = self.parse_expr()
            self.expect_punct(")", "to close the parenthesis")
            return inner
        return self.parse_test()

    def parse_test(self) -> T.Expr:
        start = self.tok
        left = self.parse_operand()
        tok = self.tok
        shown = self.describe_operand(left, start)
        if tok.kind == "OP":
            op = str(self.advance().value)
            right_tok = self.tok
            right = self.parse_operand()
            if isinstance(right, T.ListLit):
                raise self.fail(right_tok, f"a list can only follow in or not in (not {op})")
            node = T.Compare(op, left, right, pos=_pos(tok))
            self.check_compare(node, start, right_tok)
            return node
        if tok.is_word("not") and self.peek().is_word("in", "exists"):
            self.advance()
            if self.tok.is_word("exists"):
                ex = self.advance()
                return T.Not(self.make_exists(left, start, ex), pos=_pos(tok))
            self.advance()
            return self.finish_in("not in", left, start, tok)
        if tok.is_word("in"):
            self.advance()
            return self.finish_in("in", left, start, tok)
        if tok.is_word("starts_with", "ends_with", "contains"):
            op = str(self.advance().value)
            right_tok = self.tok
            right = self.parse_operand()
            if isinstance(right, T.ListLit):
                raise self.fail(right_tok, f"a list can only follow in or not in (not {op})")
            node = T.Compare(op, left, right, pos=_pos(tok))
            self.check_compare(node, start, right_tok)
            return node
        if tok.is_word("matches"):
            self.advance()
            rx = self.tok
            if rx.kind != "REGEX":
                raise self.fail(rx, f"expected a pattern such as /[0-9]{{18}}/ after matches, found {_shown(rx)}")
            self.advance()
            pattern, flags = cast("tuple[str, str]", rx.value)  # the lexer's REGEX value: (pattern, flags)
            problem = regex_problem(pattern, flags)
            if problem:
                self.error(rx, problem)
            self.need_type(left, start, ("text",), "matches")
            return T.Matches(left, pattern, flags, pos=_pos(tok))
        if tok.is_word("exists"):
            self.advance()
            return self.make_exists(left, start, tok)
        hint = _did_you_mean(str(tok.value), TEST_WORDS) if tok.kind == "IDENT" else ""
        raise self.fail(tok, f"expected a test after {shown} ({TEST_LIST}), found {_shown(tok)}{hint}")

    def finish_in(self, op: str, left: T.Operand, start: Token, op_tok: Token) -> T.Expr:
        lst_tok = self.tok
        accepted = self.at_accepted()
        if not lst_tok.is_punct("[") and not accepted:
            raise self.fail(lst_tok, f"expected a list in square brackets after {op}, found {_shown(lst_tok)}")
        right: T.Operand = self.parse_operand()
        if accepted and isinstance(right, T.ListLit) and len(right.items) == 1:
            # a row of one document is written out as one would type it: == / != that document
            op, right = ("==" if op == "in" else "!="), right.items[0]
        node = T.Compare(op, left, right, pos=_pos(op_tok))
        self.check_compare(node, start, lst_tok)
        return node

    def make_exists(self, left: T.Operand, start: Token, tok: Token) -> T.Exists:
        if not isinstance(left, T.Path):
            raise self.fail(start, "exists applies to a field path, such as profile.email exists")
        return T.Exists(left, pos=_pos(tok))

    def parse_operand(self) -> T.Operand:
        tok = self.tok
        if tok.kind == "STRING":
            self.advance()
            return T.Str(str(tok.value), pos=_pos(tok))
        if tok.kind == "INT":
            self.advance()
            return T.Int(int(tok.value), pos=_pos(tok))  # type: ignore[call-overload]  # INT tokens hold an int
        if tok.is_punct("["):
            self.advance()
            items: list[T.Str | T.Int] = []
            if not self.tok.is_punct("]"):
                while True:
                    item = self.tok
                    if item.kind == "STRING":
                        items.append(T.Str(str(item.value), pos=_pos(item)))
                    elif item.kind == "INT":
                        # INT tokens hold an int (Token.value is typed object)
                        items.append(T.Int(int(item.value), pos=_pos(item)))  # type: ignore[call-overload]
                    else:
                        raise self.fail(item, f"expected a string or a number in the list, found {_shown(item)}")
                    self.advance()
                    if self.tok.is_punct(","):
                        self.advance()
                        continue
                    break
            self.expect_punct("]", "to close the list")
            kinds = {type(x) for x in items}
            if len(kinds) > 1:
                self.error(tok, "a list mixes strings and numbers")
            return T.ListLit(tuple(items), pos=_pos(tok))
        if self.at_accepted():
            return self.parse_accepted()
        if tok.is_word("length") and self.peek().is_punct("("):
            self.advance()
            self.advance()
            path_tok = self.tok
            path = self.parse_path()
            self.expect_punct(")", "to close length(")
            if self.type_of(path) != "text":
                self.error(path_tok, f"length applies to a text field, and {path.dotted} is {self.type_name(path)}")
            return T.Length(path, pos=_pos(tok))
        if tok.kind == "IDENT":
            return self.parse_path()
        raise self.fail(tok, f"expected a field (profile.…, document.…, domain.…), a string, a number or a list, "
                             f"found {_shown(tok)}")

    def at_accepted(self) -> bool:
        return self.tok.is_word(ACCEPTED) and self.peek().is_punct("(")

    def parse_accepted(self) -> T.ListLit:
        """``accepted_documents("individual", "mainland")`` (or a list of regions): §3.2's documents for them,
        written out as a list."""
        tok = self.advance()
        self.advance()
        rtype = self.expect_string("a registrant type")
        self.expect_punct(",", f"between the registrant type and the region of {ACCEPTED}(")
        regions: list[Token] = []
        if self.tok.is_punct("["):
            self.advance()
            while True:
                regions.append(self.expect_string("a region"))
                if not self.tok.is_punct(","):
                    break
                self.advance()
            self.expect_punct("]", "to close the list of regions")
        else:
            regions.append(self.expect_string("a region"))
        self.expect_punct(")", f"to close {ACCEPTED}(")
        known = True
        for value, allowed, what in [(rtype, REGISTRANT_TYPES, "registrant type")] + [
                (r, REGIONS, "region") for r in regions]:
            if value.value not in allowed:
                self.error(value, f'unknown {what} "{value.value}"{_did_you_mean(str(value.value), allowed)}; '
                                  f"use {', '.join(allowed)}")
                known = False
        if not known:
            return T.ListLit((), pos=_pos(tok))
        rows = {str(r.value): doctypes.ACCEPTED_DOCUMENTS.get((str(rtype.value), str(r.value)), ()) for r in regions}
        documents = rows[str(regions[0].value)]
        for r in regions[1:]:
            if rows[str(r.value)] != documents:
                self.error(r, f"{rtype.value} registrants from {regions[0].value} and from {r.value} may use "
                              f"different documents (§3.2): write one rule for each")
                return T.ListLit((), pos=_pos(tok))
        return T.ListLit(tuple(T.Str(d, pos=_pos(tok)) for d in documents), pos=_pos(tok))

    def parse_path(self) -> T.Path:
        tok = self.tok
        root = str(tok.value)
        if tok.kind != "IDENT" or root not in T.ROOTS:
            hint = _did_you_mean(root, T.ROOTS) if tok.kind == "IDENT" else ""
            raise self.fail(tok, f"unknown name {root}{hint}: field paths start with profile., document. or domain.")
        self.advance()
        parts: list[str] = []
        end = tok
        if not self.tok.is_punct("."):
            raise self.fail(self.tok, f"expected '.' and a field name after {root}, found {_shown(self.tok)}")
        while self.tok.is_punct("."):
            dot = self.advance()
            part = self.tok
            if part.kind != "IDENT" or part.line != dot.line or part.col != dot.col + 1:
                raise self.fail(part, f"expected a field name right after '{root}.{'.'.join(parts + [''])}', "
                                      f"found {_shown(part)}")
            parts.append(str(part.value))
            end = self.advance()
        length = (end.col + end.length - tok.col) if end.line == tok.line else tok.length
        path = T.Path(root, tuple(parts), pos=T.Pos(tok.line, tok.col, length))
        self.check_path(path)
        return path


def parse_source(text: str, path: str = "<rules>") -> tuple[T.RuleSet | None, list[RuleError]]:
    """Parse one rule file's text: (the rule set or None, every error sorted by position)."""
    tokens, errors = tokenize(text, path)
    parser = _Parser(tokens, path, text.split("\n"))
    try:
        ruleset = parser.parse_file()
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the recursion far below the limit
        parser.error_at(1, 1, 1, "the file is nested too deeply to be read")
        ruleset = None
    seen = set()
    merged: list[RuleError] = []
    for e in sorted(errors + parser.errors, key=lambda e: (e.line, e.col)):
        key = (e.line, e.col, e.message)
        if key not in seen:
            seen.add(key)
            merged.append(e)
    if ruleset is not None and ruleset.path != path:
        ruleset = replace(ruleset, path=path)
    return ruleset, merged


def parse(text: str, path: str = "<rules>") -> T.RuleSet:
    """Parse one rule file's text; :class:`RuleFileError` with every error if there is any."""
    ruleset, errors = parse_source(text, path)
    if errors or ruleset is None:
        raise RuleFileError(errors or [RuleError(path, 1, 1, 1, "empty rule file")])
    return ruleset
