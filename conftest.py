"""Doctest collection over the package (``--doctest-modules``; ``testpaths`` in pyproject.toml names src/idcheck).

Collecting doctests imports every module of src/idcheck.  Two kinds are left out here:

* ``__main__.py`` files: importing one runs the command line and exits (pytest skips them too; say it here);
* modules whose top-level imports need an optional extra (``idcheck[serve]``), when that extra is absent, so a
  checkout without it still collects the rest (with the extra, as in CI, they are collected).
"""

from __future__ import annotations

import importlib.util

# module (relative to this file) -> the optional package its top level imports
_NEEDS_EXTRA = {
    "src/idcheck/serve.py": "starlette",
}

collect_ignore = ["src/idcheck/__main__.py", "src/idcheck/cli/__main__.py"]
collect_ignore += [path for path, package in _NEEDS_EXTRA.items() if importlib.util.find_spec(package) is None]
