"""Configuration files: ``idcheck.toml``, or ``[tool.idcheck]`` in a ``pyproject.toml``.

::

    # idcheck.toml (in pyproject.toml the same under [tool.idcheck], [tool.idcheck.blur], ...)
    channel = "api"            # the default upload channel of check and serve
    read_documents = true      # OCR even without a profile (like --ocr); "ocr" is the [ocr] section

    [blur]                     # any section of idcheck.Config (`idcheck config` lists every setting)
    max_edge_blur = 3.0

    [ocr]
    engines = ["tesseract"]

Every name is checked: an unknown section, setting or option, or a value of the wrong type, is a
:class:`~idcheck.errors.UsageError` naming the file, never silently ignored.  From the library:
``Config.load(path)`` (the thresholds) or :func:`load_file` (thresholds and options).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from typing import Any

from .config import CHANNELS, Config
from .errors import UsageError

OPTIONS = {"channel": str, "read_documents": bool}


@dataclass(frozen=True)
class ConfigFile:
    path: str
    config: Config
    channel: str | None = None  # None: not set in the file
    read_documents: bool | None = None


def load_file(path: str | os.PathLike[str]) -> ConfigFile:
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("idcheck")
        if data is None:
            raise UsageError(f"{path} has no [tool.idcheck] table")
    options: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in OPTIONS:
            if type(value) is not OPTIONS[key]:
                raise UsageError(f"{path}: {key} must be a {OPTIONS[key].__name__}, not {value!r}")
            options[key] = value
        elif isinstance(value, dict):
            sections[key] = value
        else:
            raise UsageError(f"{path}: unknown option {key!r}; options: {sorted(OPTIONS)}, or a [section] of settings")
    if "channel" in options and options["channel"] not in CHANNELS:
        raise UsageError(f"{path}: channel must be one of {sorted(CHANNELS)}, not {options['channel']!r}")
    try:
        config = Config.from_dict({name: _typed(name, values, path) for name, values in sections.items()})
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return ConfigFile(path, config, **options)


def _typed(section_name: str, values: dict[str, Any], path: str) -> dict[str, Any]:
    """Values checked against the defaults' types (TOML arrays become tuples)."""
    known = {f.name: f for f in dataclasses.fields(Config)}
    if section_name not in known:
        return values  # from_dict names the known sections
    section = getattr(Config(), section_name)
    out = {}
    for name, value in values.items():
        if not hasattr(section, name):
            out[name] = value  # from_dict names the known settings
            continue
        default = getattr(section, name)
        out[name] = _coerce(default, value, f"[{section_name}] {name}")
    return out


def _coerce(default: Any, value: Any, where: str) -> Any:
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, tuple):
        ok = isinstance(value, list)
        if ok:
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    else:
        ok = True
    if not ok:
        raise UsageError(f"{where} must be like {default!r}, not {value!r}")
    return value
