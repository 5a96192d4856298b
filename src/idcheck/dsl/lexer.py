"""The lexer of the rule language: source text -> tokens, collecting every error.

Tokens::

    IDENT    letters, digits, "_" and "-", starting with a letter or "_"   (keywords are IDENTs too:
             the parser gives words their meaning by position, so a field may be called "document")
    STRING   "..." on one line; escapes \\" \\\\ \\n \\t \\uXXXX
    INT      decimal digits (at most 9)
    REGEX    /pattern/flags   (a "/" always starts a pattern: the language has no division)
    OP       == != < <= > >=
    PUNCT    { } [ ] ( ) , .
    EOF
    ERROR    a lexeme the lexer reported (the parser does not report it again)

``#`` starts a comment that runs to the end of the line.  The lexer never stops at an error: it
records it (:class:`RuleError`) and goes on, so the parser can report the errors after it too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["Token", "RuleError", "tokenize", "caret_excerpt"]

MAX_INT_DIGITS = 9


@dataclass(frozen=True)
class Token:
    kind: str  # IDENT STRING INT REGEX OP PUNCT EOF, or ERROR (a bad lexeme, already reported)
    value: object  # str for most; int for INT; (pattern, flags) for REGEX
    line: int
    col: int
    length: int
    first_on_line: bool = False

    @property
    def text(self) -> str:
        """How the token is shown in messages."""
        if self.kind == "EOF":
            return "the end of the file"
        if self.kind == "STRING":
            return f'"{self.value}"' if len(str(self.value)) <= 40 else f'"{str(self.value)[:37]}..."'
        if self.kind == "REGEX":
            return f"/{self.value[0]}/{self.value[1]}"  # type: ignore[index]  # REGEX: (pattern, flags)
        return str(self.value)

    def is_word(self, *words: str) -> bool:
        return self.kind == "IDENT" and self.value in words

    def is_punct(self, *chars: str) -> bool:
        return self.kind in ("PUNCT", "OP") and self.value in chars


@dataclass(frozen=True)
class RuleError:
    """One problem in a rule file, with where it is and the line it is on."""

    path: str
    line: int
    col: int
    length: int
    message: str
    line_text: str | None = None  # None: no excerpt (errors about a whole file)

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: error: {self.message}"
        if self.line_text is None:
            return head
        return head + "\n" + caret_excerpt(self.line_text, self.col, self.length)

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.col, "message": self.message}


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def caret_excerpt(line_text: str, col: int, length: int = 1) -> str:
    """The line, and carets under columns ``col`` .. ``col+length-1`` (wide CJK characters count twice)."""
    shown = line_text.replace("\t", " ").rstrip("\n")
    pad = sum(_width(ch) for ch in shown[: max(col - 1, 0)])
    if col - 1 > len(shown):
        pad += col - 1 - len(shown)
    under = shown[col - 1 : col - 1 + max(length, 1)]
    width = max(sum(_width(ch) for ch in under), 1) if under else 1
    return f"    {shown}\n    {' ' * pad}{'^' * width}"


_PUNCT = set("{}[](),.")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_QUOTE_LOOKALIKES = {"\u201c", "\u201d", "\u201e", "\uff02", "\u300c", "\u300d"}
# typographic quotes opening a string -> the quote that closes it
_QUOTE_OPEN = {"\u201c": "\u201d", "\u201e": "\u201d", "\uff02": "\uff02", "\u300c": "\u300d", "'": "'"}


def _ident_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _ident_char(ch: str) -> bool:
    return _ident_start(ch) or ch.isdigit() and ch.isascii() or ch == "-"


class _Lexer:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = text.split("\n")
        self.tokens: list[Token] = []
        self.errors: list[RuleError] = []
        self.i = 0
        self.line = 1
        self.col = 1
        self.line_has_token = False

    def error(self, line: int, col: int, length: int, message: str) -> None:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.errors.append(RuleError(self.path, line, col, length, message, text))

    def add(self, kind: str, value: object, line: int, col: int, length: int) -> None:
        self.tokens.append(Token(kind, value, line, col, length, not self.line_has_token))
        self.line_has_token = True

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i >= len(self.text):
                return
            if self.text[self.i] == "\n":
                self.line += 1
                self.col = 1
                self.line_has_token = False
            else:
                self.col += 1
            self.i += 1

    def run(self) -> None:
        while self.i < len(self.text):
            ch = self.peek()
            if ch == "#":
                while self.i < len(self.text) and self.peek() != "\n":
                    self.advance()
            elif ch in " \t\r\n\ufeff":
                self.advance()
            elif _ident_start(ch):
                self.ident()
            elif ch.isdigit() and ch.isascii():
                self.number()
            elif ch == '"':
                self.string()
            elif ch in _QUOTE_OPEN or ch == "'":
                self.curly_string(ch)
            elif ch in "&|":
                self.logic_operator(ch)
            elif ch == "/":
                self.regex()
            elif ch in "=!<>":
                self.operator()
            elif ch in _PUNCT:
                self.add("PUNCT", ch, self.line, self.col, 1)
                self.advance()
            else:
                hint = ""
                if ch in _QUOTE_LOOKALIKES:
                    hint = ' (strings use straight double quotes ")'
                elif unicodedata.east_asian_width(ch) == "F" or ch in "\u3000\uff0c\uff1a":
                    hint = " (a full-width character: type its half-width form)"
                self.error(self.line, self.col, 1, f"unexpected character {ch!r}{hint}")
                self.add("ERROR", ch, self.line, self.col, 1)
                self.advance()
        self.add("EOF", "", self.line, self.col, 1)

    def ident(self) -> None:
        start, line, col = self.i, self.line, self.col
        while self.i < len(self.text) and _ident_char(self.peek()):
            self.advance()
        self.add("IDENT", self.text[start : self.i], line, col, self.i - start)

    def number(self) -> None:
        start, line, col = self.i, self.line, self.col
        while self.i < len(self.text) and self.peek().isdigit() and self.peek().isascii():
            self.advance()
        digits = self.text[start : self.i]
        if _ident_start(self.peek()):
            while self.i < len(self.text) and _ident_char(self.peek()):
                self.advance()
            self.error(line, col, self.i - start, f"{self.text[start:self.i]!r} is neither a number nor a name "
                                                  "(names start with a letter)")
            self.add("ERROR", self.text[start : self.i], line, col, self.i - start)
            return
        if len(digits.lstrip("0")) > MAX_INT_DIGITS:
            self.error(line, col, len(digits), f"number {digits} is too large (at most {MAX_INT_DIGITS} digits)")
            self.add("INT", 0, line, col, len(digits))
            return
        self.add("INT", int(digits), line, col, len(digits))

    def string(self) -> None:
        line, col = self.line, self.col
        start = self.i
        self.advance()  # opening quote
        out: list[str] = []
        while True:
            ch = self.peek()
            if ch == "" or ch == "\n":
                self.error(line, col, self.i - start, 'unterminated string (a string must end with " on the same line)')
                break
            if ch == '"':
                self.advance()
                break
            if ch == "\\":
                esc_col = self.col
                nxt = self.peek(1)
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    self.advance(2)
                    continue
                if nxt == "u":
                    hexpart = self.text[self.i + 2 : self.i + 6]
                    if len(hexpart) == 4 and all(c in "0123456789abcdefABCDEF" for c in hexpart):
                        out.append(chr(int(hexpart, 16)))
                        self.advance(6)
                        continue
                    self.error(line, esc_col, 2, "\\u must be followed by four hexadecimal digits")
                    self.advance(2)
                    continue
                shown = nxt if nxt not in ("", "\n") else "at the end of the line"
                self.error(line, esc_col, 2, f'unknown escape \\{shown} in a string (use \\" \\\\ \\n \\t or \\uXXXX)')
                self.advance(2 if nxt not in ("", "\n") else 1)
                continue
            out.append(ch)
            self.advance()
        self.add("STRING", "".join(out), line, col, max(self.i - start, 1))

    def curly_string(self, opening: str) -> None:
        """A string in typographic quotes: one error, and the text kept as a STRING so parsing goes on."""
        line, col, start = self.line, self.col, self.i
        closing = _QUOTE_OPEN[opening]
        self.advance()
        out: list[str] = []
        while self.peek() not in ("", "\n", closing, '"'):
            out.append(self.peek())
            self.advance()
        if self.peek() in (closing, '"'):
            self.advance()
        if opening == "'":
            message = 'strings use double quotes ", not single quotes'
        else:
            message = f'the string uses typographic quotes {opening}{closing}; use straight double quotes "'
        self.error(line, col, self.i - start, message)
        self.add("STRING", "".join(out), line, col, max(self.i - start, 1))

    def logic_operator(self, ch: str) -> None:
        """``&&`` / ``||`` (or one of them): one error, read as ``and`` / ``or`` so parsing goes on."""
        line, col = self.line, self.col
        n = 2 if self.peek(1) == ch else 1
        word = "and" if ch == "&" else "or"
        self.error(line, col, n, f"write {word} instead of {ch * n}")
        self.add("IDENT", word, line, col, n)
        self.advance(n)

    def regex(self) -> None:
        line, col = self.line, self.col
        start = self.i
        self.advance()  # opening slash
        out: list[str] = []
        closed = False
        while True:
            ch = self.peek()
            if ch == "" or ch == "\n":
                break
            if ch == "\\":
                nxt = self.peek(1)
                if nxt in ("", "\n"):
                    out.append("\\")
                    self.advance()
                    continue
                out.append("/" if nxt == "/" else "\\" + nxt)
                self.advance(2)
                continue
            if ch == "/":
                self.advance()
                closed = True
                break
            out.append(ch)
            self.advance()
        if not closed:
            self.error(
                line, col, self.i - start, "unterminated regular expression (it must end with / on the same line)"
            )
            self.add("REGEX", ("".join(out), ""), line, col, max(self.i - start, 1))
            return
        flag_start = self.i
        while self.i < len(self.text) and _ident_char(self.peek()):
            self.advance()
        flags = self.text[flag_start : self.i]
        self.add("REGEX", ("".join(out), flags), line, col, self.i - start)

    def operator(self) -> None:
        line, col = self.line, self.col
        two = self.text[self.i : self.i + 2]
        if two in ("==", "!=", "<=", ">="):
            self.add("OP", two, line, col, 2)
            self.advance(2)
            return
        ch = self.peek()
        if ch in "<>":
            self.add("OP", ch, line, col, 1)
            self.advance()
            return
        if ch == "=":
            self.error(line, col, 1, "unexpected '=' (compare with ==)")
            self.add("OP", "==", line, col, 1)  # recover as if == was meant
        else:
            self.error(line, col, 1, "write not instead of !")
            self.add("IDENT", "not", line, col, 1)
        self.advance()


def tokenize(text: str, path: str = "<rules>") -> tuple[list[Token], list[RuleError]]:
    """All tokens of ``text`` (ending with EOF) and the lexical errors, in order."""
    lexer = _Lexer(text, path)
    lexer.run()
    return lexer.tokens, lexer.errors
