"""Domain status codes (EPP): what each means, the usual cause for a domain registered in China, what to do.

The explanations are data, in ``idcheck/data/epp_status.toml`` (domain-rules.md §5)::

    lookup("serverhold")          -> StatusInfo(code="serverHold", set_by="registry", ...)
    lookup("https://icann.org/epp#clientHold")   the WHOIS form works too
    suggest("clientHld")          -> ["clientHold"]
    statuses()                    -> every status, in the data file's order

Lookup ignores case, spaces, hyphens and underscores ("Client Hold", "CLIENT_HOLD").
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["StatusInfo", "statuses", "lookup", "suggest"]


@dataclass(frozen=True)
class StatusInfo:
    code: str
    set_by: str
    group: str
    meaning: str
    cause: str
    action: str
    sources: tuple[str, ...] = ()
    title_zh: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "set_by": self.set_by, "group": self.group, "title_zh": self.title_zh,
            "meaning": self.meaning, "cause": self.cause, "action": self.action, "sources": list(self.sources),
            "note": self.note,
        }


@lru_cache(maxsize=1)
def statuses() -> dict[str, StatusInfo]:
    """Every status of the data file, keyed by its EPP spelling."""
    text = (resources.files("idcheck") / "data" / "epp_status.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    out: dict[str, StatusInfo] = {}
    for code, entry in data.items():
        out[code] = StatusInfo(
            code=code, set_by=entry["set_by"], group=entry["group"], meaning=entry["meaning"], cause=entry["cause"],
            action=entry["action"], sources=tuple(entry.get("sources", ())), title_zh=entry.get("title_zh"),
            note=entry.get("note"),
        )
    return out


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    return {_key(code): code for code in statuses()}


def _candidates(text: str) -> list[str]:
    text = text.strip()
    out = [text]
    if "#" in text:
        out.append(text.rsplit("#", 1)[1])
    out.extend(text.split())
    return out


def lookup(text: str) -> StatusInfo | None:
    """The status ``text`` names (any case; the WHOIS form 'clientHold https://icann.org/epp#clientHold' too)."""
    if not isinstance(text, str):
        return None
    index = _index()
    for candidate in _candidates(text):
        code = index.get(_key(candidate))
        if code is not None:
            return statuses()[code]
    return None


def suggest(text: str, n: int = 3) -> list[str]:
    """Statuses spelled like ``text`` (for "did you mean")."""
    if not isinstance(text, str):
        return []
    index = _index()
    key = _key(text)
    near = difflib.get_close_matches(key, list(index), n=n, cutoff=0.6)
    if not near and key:
        near = [k for k in index if key in k or k in key][:n]
    return [index[k] for k in near]
