"""idcheck: pre-check identity-verification documents before they go to a domain registrar.

Public names::

    check(source, *, profile=None, kind="auto", channel="console", config=None, ocr=False) -> Report
    check_profile(profile) -> Report
    check_submission(domain, profile, documents, ...) -> Report
    Profile, Report, Finding, Measure, Config
    explain(code) -> CodeInfo

See ``idcheck.errors`` for the exception tree.
"""

from .api import check
from .codes import CodeInfo
from .codes import get as explain
from .config import Config
from .profile import Profile, check_profile
from .report import Finding, Measure, Report
from .submission import check_submission

__version__ = "0.1.0"

__all__ = [
    "check",
    "check_profile",
    "check_submission",
    "CodeInfo",
    "Config",
    "Finding",
    "Measure",
    "Profile",
    "Report",
    "explain",
    "__version__",
]
