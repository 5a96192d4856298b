"""The registrant profile: the registrar's form data as typed, frozen dataclasses.

A :class:`Profile` is read from and written to JSON::

    {
      "registrant_type": "individual" | "organization",
      "region": "mainland" | "hong_kong" | "macao" | "taiwan" | "foreign",
      "name_zh": "张三",                 # name exactly as printed on the document
      "name_en": "zhang san",            # English profile (pinyin for Chinese names)
      "document_type": "id_card" | ...,  # see DOCUMENT_TYPES
      "document_number": "11010519491231002X",
      "province": "浙江省", "city": "杭州市", "address": "...", "postal_code": "310024",
      "phone": {"country_code": "86", "number": "13800138000", "extension": ""},
      "email": "zhangsan@example.com"
    }

Loading is lenient on purpose: :meth:`Profile.from_dict` never raises for bad *content*.  Unknown
choices are kept as typed (``check_profile`` reports them), values of the wrong JSON type become
``None`` and numbers typed as JSON numbers are turned into strings; each such repair is recorded in
:attr:`Profile.issues` and reported by :func:`idcheck.profile.check_profile`.  Unknown keys are kept
in :attr:`Profile.extra` (reported, never written back by :meth:`Profile.to_dict`).  Only a top
level that is not a JSON object is an error: :class:`ProfileFormatError`, which is both a
:class:`idcheck.errors.UsageError` and a ``ValueError``.

Common spellings of the choices are accepted and written back in canonical form
("Organisation", "company" -> "organization"; "HK", "Hong Kong" -> "hong_kong"; "macau" -> "macao";
"overseas", "other" -> "foreign"; "cn", "china" -> "mainland").
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .. import doctypes
from ..errors import UsageError
from ..privacy import mask_name, mask_number, mask_text

__all__ = [
    "Profile",
    "Phone",
    "LoadIssue",
    "ProfileFormatError",
    "REGISTRANT_TYPES",
    "REGIONS",
    "DOCUMENT_TYPES",
    "FIELDS",
    "PHONE_FIELDS",
]


class ProfileFormatError(UsageError, ValueError):
    """The profile is not a JSON object (or not JSON at all): nothing can be checked."""


REGISTRANT_TYPES: tuple[str, ...] = ("individual", "organization")
REGIONS: tuple[str, ...] = ("mainland", "hong_kong", "macao", "taiwan", "foreign")

# Document types: our key -> (English title, Chinese title, Alibaba IdentityCredentialType [A12]), from
# idcheck/data/document_types.toml (idcheck.doctypes).  Which registrant type and region may use which
# document (§3.2) is there too (doctypes.ACCEPTED_DOCUMENTS), read by the profile check and the rule files.
DOCUMENT_TYPES: dict[str, tuple[str, str, str]] = doctypes.DOCUMENT_TYPES

FIELDS: tuple[str, ...] = (
    "registrant_type",
    "region",
    "name_zh",
    "name_en",
    "document_type",
    "document_number",
    "province",
    "city",
    "address",
    "postal_code",
    "phone",
    "email",
)
PHONE_FIELDS: tuple[str, ...] = ("country_code", "number", "extension")

_ALIASES: dict[str, dict[str, str]] = {
    "registrant_type": {
        "individual": "individual",
        "person": "individual",
        "personal": "individual",
        "1": "individual",
        "个人": "individual",
        "organization": "organization",
        "organisation": "organization",
        "org": "organization",
        "enterprise": "organization",
        "company": "organization",
        "2": "organization",
        "企业": "organization",
        "组织": "organization",
        "企业/组织": "organization",
    },
    "region": {
        "mainland": "mainland",
        "china": "mainland",
        "cn": "mainland",
        "chinese_mainland": "mainland",
        "china_mainland": "mainland",
        "中国内地": "mainland",
        "中国大陆": "mainland",
        "内地": "mainland",
        "hong_kong": "hong_kong",
        "hongkong": "hong_kong",
        "hk": "hong_kong",
        "中国香港": "hong_kong",
        "香港": "hong_kong",
        "macao": "macao",
        "macau": "macao",
        "mo": "macao",
        "中国澳门": "macao",
        "澳门": "macao",
        "taiwan": "taiwan",
        "tw": "taiwan",
        "中国台湾": "taiwan",
        "台湾": "taiwan",
        "foreign": "foreign",
        "overseas": "foreign",
        "other": "foreign",
        "abroad": "foreign",
        "海外": "foreign",
        "境外": "foreign",
        "其他": "foreign",
    },
}


def canonical_choice(key: str, value: str) -> str:
    """The canonical spelling of a choice (``"Hong Kong"`` -> ``"hong_kong"``); unknown values unchanged."""
    if key == "document_type":
        simple = _simplify(value)
        return simple if simple in DOCUMENT_TYPES else value
    simple = _simplify(value)
    return _ALIASES.get(key, {}).get(simple, value)


def _simplify(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").replace("_", " ").split())


#: longest text value read (the longest real field, an address, is a few hundred characters); a longer one
#: is dropped with a finding, so a 320 000-character name cannot cost seconds in the name checks
MAX_VALUE_CHARS = 1000
#: unknown keys kept (each becomes a finding); the rest are counted, so 500 000 keys cannot make a huge report
MAX_UNKNOWN_KEYS = 50


@dataclass(frozen=True)
class LoadIssue:
    """A repair made while loading: ``kind`` is "wrong_type" (value dropped), "json_number" (converted),
    "too_long" (value dropped, over :data:`MAX_VALUE_CHARS`) or "too_many_keys" (unknown keys past
    :data:`MAX_UNKNOWN_KEYS` dropped; ``got`` is how many)."""

    field: str
    kind: str
    got: str  # a short description of the raw value (its JSON type, or the number as text)
    expected: str = "a string"


@dataclass(frozen=True)
class Phone:
    country_code: str | None = None
    number: str | None = None
    extension: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"country_code": self.country_code, "number": self.number, "extension": self.extension}

    def __repr__(self) -> str:
        number = mask_number(self.number) if isinstance(self.number, str) else self.number
        return f"Phone(country_code={self.country_code!r}, number={number!r}, extension={self.extension!r})"


@dataclass(frozen=True)
class Profile:
    """One registrant profile (信息模板).  Strings are kept exactly as typed; ``None`` = absent."""

    registrant_type: str | None = None
    region: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    document_type: str | None = None
    document_number: str | None = None
    province: str | None = None
    city: str | None = None
    address: str | None = None
    postal_code: str | None = None
    phone: Phone | None = None
    email: str | None = None
    # what loading repaired or could not use; not part of the form, not written by to_dict()
    issues: tuple[LoadIssue, ...] = _field(default=(), compare=False)
    extra: Mapping[str, Any] = _field(default_factory=dict, compare=False)

    # --- reading -------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """A profile from a JSON-like mapping; lenient (see the module docstring)."""
        if not isinstance(data, Mapping):
            raise ProfileFormatError(
                f"a profile must be a JSON object (a dict), not {_json_type(data)}"
            )
        issues: list[LoadIssue] = []
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        dropped = 0
        for key, raw in data.items():
            if not isinstance(key, str) or key not in FIELDS:
                if len(extra) < MAX_UNKNOWN_KEYS:
                    extra[_key_text(key)] = raw
                else:
                    dropped += 1
                continue
            if key == "phone":
                values["phone"] = _read_phone(raw, issues)
                continue
            text = _read_text(key, raw, issues)
            if text is not None and key in ("registrant_type", "region", "document_type"):
                text = canonical_choice(key, text)
            values[key] = text
        if dropped:
            issues.append(LoadIssue("<unknown keys>", "too_many_keys", str(dropped)))
        return cls(**values, issues=tuple(issues), extra=extra)

    @classmethod
    def from_json(cls, text: str | bytes) -> Profile:
        """A profile from JSON text; :class:`ProfileFormatError` if it is not JSON or not an object."""
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ProfileFormatError(f"the profile is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        if not isinstance(text, str):
            raise ProfileFormatError(f"from_json expects JSON text, not {type(text).__name__}")
        try:
            data = json.loads(text.lstrip("\ufeff"), parse_int=_parse_int)
        except json.JSONDecodeError as exc:
            raise ProfileFormatError(
                f"the profile is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise ProfileFormatError("the profile is nested too deeply to be read") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Profile:
        """A profile from a JSON file (UTF-8, BOM allowed).  ``OSError`` if it cannot be read."""
        with open(path, "rb") as fh:
            data = fh.read()
        return cls.from_json(data)

    # --- writing -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The form fields as JSON-ready data (``issues`` and ``extra`` are not written)."""
        out: dict[str, Any] = {}
        for key in FIELDS:
            value = getattr(self, key)
            if key == "phone" and isinstance(value, Phone):
                value = value.to_dict()
            out[key] = value
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.to_json() + "\n")

    # --- privacy -------------------------------------------------------------------------------

    def __repr__(self) -> str:  # names, numbers and contact data masked: safe for logs
        def show(key: str, value: Any) -> str:
            if isinstance(value, str):
                if key in ("name_zh", "name_en"):
                    value = mask_name(value)
                elif key == "document_number":
                    value = mask_number(value)
                elif key in ("address", "email"):
                    value = mask_text(value)
            return f"{key}={value!r}"

        return "Profile(" + ", ".join(show(k, getattr(self, k)) for k in FIELDS) + ")"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


class _Digits(str):
    """A JSON integer literal too long for ``int()`` (Python refuses above 4300 digits): kept as its digits."""


def _parse_int(digits: str) -> int | str:
    return int(digits) if len(digits) <= 4000 else _Digits(digits)


def _int_text(raw: int) -> str:
    try:
        return str(raw)
    except ValueError:  # above sys.get_int_max_str_digits(): too long to be any form value
        return f"a number of about {int(raw.bit_length() * 0.30103) + 1} digits"


def _key_text(key: Any) -> str:
    text = key if isinstance(key, str) else repr(key)
    return text if len(text) <= 200 else text[:197] + "..."


def _read_text(key: str, raw: Any, issues: list[LoadIssue]) -> str | None:
    if isinstance(raw, str) and len(raw) > MAX_VALUE_CHARS:
        issues.append(
            LoadIssue(key, "too_long", f"{len(raw)} characters", expected=f"at most {MAX_VALUE_CHARS} characters")
        )
        return None
    if isinstance(raw, _Digits):
        issues.append(LoadIssue(key, "json_number", raw[:37] + "..."))
        return str.__str__(raw)
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = _int_text(raw)
        issues.append(LoadIssue(key, "json_number", text if len(text) <= 40 else text[:37] + "..."))
        return text
    issues.append(LoadIssue(key, "wrong_type", _json_type(raw)))
    return None


def _read_phone(raw: Any, issues: list[LoadIssue]) -> Phone | None:
    if raw is None:
        return None
    if isinstance(raw, Phone):
        raw = raw.to_dict()
    if not isinstance(raw, Mapping):
        issues.append(
            LoadIssue(
                "phone", "wrong_type", _json_type(raw), expected="an object with country_code, number and extension"
            )
        )
        return None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in PHONE_FIELDS:
            values[key] = _read_text(f"phone.{key}", value, issues)
        else:
            issues.append(LoadIssue(f"phone.{key}", "unknown_key", _json_type(value)))
    return Phone(**values)
