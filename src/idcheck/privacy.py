"""Masking of personal data (names, identity numbers) for output and logs.

Names keep their first and last character (张*明, 张*, J**n S***h), numbers keep
the first four and last four characters (1101**********002X): enough for a person
to recognise their own record, too little to identify anyone else.
"""

from __future__ import annotations

MASK = "*"


def mask_name(name: str) -> str:
    """``张三明`` -> ``张*明``; ``张三`` -> ``张*``; ``John Smith`` -> ``J**n S***h``."""
    if not name:
        return name
    if any(ch.isspace() for ch in name.strip()):
        return " ".join(mask_name(part) for part in name.split())
    if len(name) <= 2:
        return name[0] + MASK * (len(name) - 1)
    return name[0] + MASK * (len(name) - 2) + name[-1]


def mask_number(number: str) -> str:
    """``11010519491231002X`` -> ``1101**********002X``; shorter values keep less."""
    n = len(number)
    if n <= 4:
        return MASK * n
    keep_head, keep_tail = (4, 4) if n >= 15 else (2, 2) if n >= 8 else (1, 1)
    return number[:keep_head] + MASK * (n - keep_head - keep_tail) + number[-keep_tail:]


def mask_text(text: str) -> str:
    """Free text that may hold personal data: keep only its length."""
    return MASK * min(len(text), 12) if text else text


def mask_filename(name: str) -> str:
    """An uploaded file's name: the stem masked like a name, the extension kept (``张三-身份证.png`` ->
    ``张****证.png``), since the extension is what the checks talk about."""
    if not name:
        return name
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    if len(ext) > 8 or any(ch.isspace() for ch in ext):  # not an extension: mask it all
        stem, ext = name, ""
    return (mask_name(stem.replace(" ", "_")) if stem else stem) + ext


def mask(value: str, kind: str = "text") -> str:
    if kind == "filename":
        return mask_filename(value)
    if kind == "name":
        return mask_name(value)
    if kind == "number":
        return mask_number(value)
    return mask_text(value)
