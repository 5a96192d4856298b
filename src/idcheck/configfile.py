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

# The loader lives in idcheck.config (Config.load uses it; one module, no import circle); this module keeps its names.
from .config import OPTIONS, ConfigFile, load_file

__all__ = ["OPTIONS", "ConfigFile", "load_file"]
