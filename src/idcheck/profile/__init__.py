"""The registrant profile (the registrar's form data) and its field rules.

::

    Profile.from_dict(d) / Profile.from_json(text) / Profile.load(path)   lenient loading
    profile.to_dict() / profile.to_json()
    check_profile(profile_or_dict) -> Report(kind="profile")
    compare_names(typed, printed) -> NameComparison                        §6.3, reused by the OCR cross-check

Field rules and policies: :mod:`idcheck.profile.checks`; name handling: :mod:`idcheck.profile.names`.
"""

from .checks import check_profile
from .model import DOCUMENT_TYPES, REGIONS, REGISTRANT_TYPES, Phone, Profile, ProfileFormatError
from .names import NameComparison, compare_names

__all__ = [
    "check_profile",
    "compare_names",
    "NameComparison",
    "Phone",
    "Profile",
    "ProfileFormatError",
    "DOCUMENT_TYPES",
    "REGIONS",
    "REGISTRANT_TYPES",
]
