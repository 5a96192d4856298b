"""The rules language's regular expressions: a subset that cannot backtrack catastrophically.

:func:`regex_problem` says why a pattern is refused (the parser reports it at the pattern);
:data:`MAX_MATCH_LENGTH` bounds the values the evaluator matches.
"""

from __future__ import annotations

import re
from typing import NotRequired, TypedDict

#: values longer than this are not matched (the result is "unknown")
MAX_MATCH_LENGTH = 256
MAX_PATTERN_LENGTH = 200
#: bound on the ways a pattern can split a value: product over repetitions of their spans
MAX_REGEX_WORK = 1_000_000
_SIMPLE_ESCAPES = set("dDwWsSbBAZnrtf")


class _Frame(TypedDict):
    """One open group while scanning a pattern (the outermost frame has no saved ``work``)."""

    quant: bool
    alt: bool
    branches: int
    work: NotRequired[int]


def regex_problem(pattern: str, flags: str = "") -> str | None:
    """Why ``pattern`` is not allowed, or None.

    Allowed: literals, ``.``, classes ``[...]``, escapes (``\\d \\w \\s`` ... and escaped punctuation),
    groups ``(...)`` and ``(?:...)``, ``|``, anchors, and the quantifiers ``* + ? {n} {n,} {n,m}``.
    Not allowed: back-references, look-arounds and other ``(?...)`` forms, a repeated group that
    contains a repetition or an alternative (``(a+)+``, ``(a|ab)*``: the shapes of catastrophic
    backtracking), more than ``MAX_REGEX_WORK`` ways to split a value of ``MAX_MATCH_LENGTH`` characters
    (``.*.*.*``), and patterns over ``MAX_PATTERN_LENGTH`` characters.  Flag: ``i`` (ignore case).
    """
    if any(f != "i" for f in flags) or len(flags) > 1:
        return f"unknown pattern flag {flags!r} (the only flag is i, ignore case)"
    if not pattern:
        return "empty pattern"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"pattern too long ({len(pattern)} characters; at most {MAX_PATTERN_LENGTH})"
    frames: list[_Frame] = [{"quant": False, "alt": False, "branches": 1}]
    work = 1
    last_atom: str | None = None  # "atom" | "group" | None (nothing to repeat)
    last_group: _Frame | None = None
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return "the pattern ends with a lone backslash"
            nxt = pattern[i + 1]
            if nxt.isdigit():
                return f"back-references (\\{nxt}) are not allowed"
            if nxt.isalnum() and nxt not in _SIMPLE_ESCAPES:
                if nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", pattern[i + 2 : i + 4] or ""):
                    i += 4
                    last_atom = "atom"
                    continue
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", pattern[i + 2 : i + 6] or ""):
                    i += 6
                    last_atom = "atom"
                    continue
                return f"the escape \\{nxt} is not allowed"
            i += 2
            last_atom = None if nxt in "bBAZ" else "atom"
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\":
                    if j + 1 < n and pattern[j + 1].isdigit():
                        return f"back-references (\\{pattern[j + 1]}) are not allowed"
                    j += 1
                elif pattern[j] == "[" and j + 1 < n and pattern[j + 1] in ":=.":
                    return "POSIX classes ([:alpha:]) are not allowed"
                j += 1
            if j >= n:
                return "unterminated character class ["
            i = j + 1
            last_atom = "atom"
            continue
        if ch == "(":
            if pattern.startswith("(?", i):
                if not pattern.startswith("(?:", i):
                    return "(?...) groups (look-arounds, flags, named groups) are not allowed; use (...) or (?:...)"
                i += 3
            else:
                i += 1
            frames.append({"quant": False, "alt": False, "branches": 1, "work": work})
            work = 1
            last_atom = None
            continue
        if ch == ")":
            if len(frames) == 1:
                return "unbalanced ) in the pattern"
            frame = frames.pop()
            inner_work = work * int(frame["branches"])
            work = int(frame["work"])
            work *= inner_work
            parent = frames[-1]
            parent["quant"] = bool(parent["quant"]) or bool(frame["quant"])
            parent["alt"] = bool(parent["alt"]) or bool(frame["alt"])
            last_atom = "group"
            last_group = frame
            i += 1
            continue
        if ch == "|":
            frames[-1]["alt"] = True
            frames[-1]["branches"] = int(frames[-1]["branches"]) + 1
            last_atom = None
            i += 1
            continue
        if ch in "*+?{":
            low, high, length = _quantifier(pattern, i)
            if length == 0:  # a "{" that is not a quantifier is a literal
                i += 1
                last_atom = "atom"
                continue
            if last_atom is None:
                return f"nothing to repeat before {pattern[i:i + length]!r}"
            if pattern.startswith("{,", i):  # Python reads {,} as {0,} and {,N} as {0,N}: not in the language
                return (f"the repetition {pattern[i:i + length]!r} is not allowed; write it with a lower count, "
                        "such as {0,20}")
            if high is not None and high > 1000 or low > 1000:
                return "repetition counts above 1000 are not allowed"
            repeating = high is None or high > 1
            if (
                last_atom == "group"
                and repeating
                and last_group is not None
                and (last_group["quant"] or last_group["alt"])
            ):
                return ("a repeated group may not contain a repetition or an alternative "
                        "(such patterns can take exponential time)")
            span = (MAX_MATCH_LENGTH if high is None else high) - low + 1
            work *= max(span, 1)
            if repeating or high != low:
                frames[-1]["quant"] = True
            i += length
            if i < n and pattern[i] == "?":  # lazy
                i += 1
            if i < n and pattern[i] in "*+{" and _quantifier(pattern, i)[2]:
                return "a repetition may not be repeated directly"
            last_atom = None
            continue
        i += 1
        last_atom = "atom"
        if work > MAX_REGEX_WORK:
            break
    if len(frames) > 1:
        return "unbalanced ( in the pattern"
    work *= int(frames[0]["branches"])
    if work > MAX_REGEX_WORK:
        return ("the pattern has too many repetitions and alternatives (it could take too long to match); "
                "bound or remove some, for example {1,20} instead of *")
    try:
        re.compile(pattern, re.IGNORECASE if flags == "i" else 0)
    except re.error as exc:
        return f"invalid pattern: {exc.msg}"
    return None


def _quantifier(pattern: str, i: int) -> tuple[int, int | None, int]:
    """(min, max or None, length) of the quantifier at ``i``; length 0 if there is none."""
    ch = pattern[i]
    if ch == "*":
        return 0, None, 1
    if ch == "+":
        return 1, None, 1
    if ch == "?":
        return 0, 1, 1
    # the grammar of Python's own parser (sre): "{" digits? ("," digits?)? "}", where "{}" is a literal, "{,}"
    # is {0,} (unbounded), "{,N}" is {0,N}, and counts have any number of digits
    m = re.match(r"\{(\d*)(,(\d*))?\}", pattern[i:])
    if not m or m.group(0) == "{}":
        return 0, None, 0
    low = _count(m.group(1)) if m.group(1) else 0
    if m.group(2) is None:
        return low, low, m.end()
    high = _count(m.group(3)) if m.group(3) else None
    return low, high, m.end()


def _count(digits: str) -> int:
    return int(digits) if len(digits) <= 9 else 10 ** 9  # above every limit, without converting 5000 digits
