"""The channels' size windows, at their exact edges."""

import pytest

from idcheck.config import CHANNELS, KIB, MIB
from idcheck.intake.filechecks import check_size


@pytest.mark.parametrize(
    "channel, size, code",
    [
        ("console", 5 * MIB, "file.too_large"),  # at the limit is too large: "less than 5 MB"
        ("console", 5 * MIB - 1, None),
        ("console", 55 * KIB, None),
        ("console", 55 * KIB - 1, "file.too_small"),
        ("api", 1 * MIB, "file.too_large"),
        ("api", 1 * MIB - 1, None),
        ("api", 55 * KIB - 1, "file.too_small"),
    ],
)
def test_size_window_edges(channel, size, code):
    found = check_size(size, CHANNELS[channel])
    assert [f.code for f in found] == ([code] if code else [])
    if code:
        f = found[0]
        assert f.measured.value == size and f.measured.unit == "bytes"
        assert f.severity == ("error" if code == "file.too_large" else "warning")


def test_too_large_message_says_how_to_fix():
    (f,) = check_size(6 * MIB, CHANNELS["console"])
    assert "6.00 MB" in f.message and "5.00 MB" in f.message and "quality" in f.message
