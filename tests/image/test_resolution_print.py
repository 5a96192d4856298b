"""image.low_resolution read from the print's own height where the outline cannot measure the document."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from idcheck.config import DEFAULT
from idcheck.image.checks import resolution
from idcheck.image.checks.resolution import GLYPH_PER_BOX, check_resolution, print_char_height
from tests.strategies import examples

from .conftest import context

NEED = 16  # resolution.min_print_char_px's default


def _lines(height, n=8, x0=20, length=300):
    return [np.array([[x0, y], [x0 + length, y], [x0 + length, y + height], [x0, y + height]], np.float32)
            for y in range(20, 20 + n * 3 * int(height + 1), 3 * int(height + 1))]


def _page_without_outline(box_height, n=8):
    """A context whose document stage found print but no outline (the page fills the picture)."""
    ctx = context(np.full((600, 800, 3), 235, np.uint8), original=(1600, 1200))  # working px x 2 = original px
    ctx.__dict__["document"] = None
    ctx.__dict__["text_lines"] = _lines(box_height, n)
    return ctx


def test_character_height_is_the_lower_quartile_of_the_boxes_in_original_pixels():
    ctx = _page_without_outline(10)
    height, n = print_char_height(ctx, ctx.text_lines)
    assert n == 8
    assert abs(height - 10 * 2 * GLYPH_PER_BOX) < 1e-3  # 10 working px, x 2 to original, box to glyph
    assert print_char_height(ctx, _lines(10, n=resolution.MIN_PRINT_LINES - 1)) is None
    assert print_char_height(ctx, None) is None


def test_small_print_without_an_outline_is_low_resolution_and_tall_print_is_not():
    small = list(check_resolution(_page_without_outline(8)))  # 8 x 2 x 0.72 = 11.5 px per character
    assert [f.code for f in small] == ["image.low_resolution"]
    assert small[0].details["measured_on"] == "print" and small[0].details["char_px"] < NEED
    assert small[0].render().startswith("The document is only ") and "per character" in small[0].render()
    assert small[0].render(lang="zh").startswith("分辨率不足：")
    tall = _page_without_outline(20)  # 28.8 px per character
    assert list(check_resolution(tall)) == []
    assert "resolution" not in tall.extra.get("not_applicable", {})  # judged, not skipped


def test_too_few_lines_say_nothing_about_the_print():
    assert list(check_resolution(_page_without_outline(6, n=3))) == []


@settings(max_examples=examples(30), deadline=None)
@given(st.floats(4, 40), st.floats(0.3, 0.95))
def test_smaller_print_is_never_judged_sharper_than_larger_print(height, shrink):
    """Metamorphic: the same page with every line shrunk never loses a low-resolution finding the larger had."""
    fired = bool(list(check_resolution(_page_without_outline(height))))
    fired_smaller = bool(list(check_resolution(_page_without_outline(height * shrink))))
    assert fired_smaller or not fired


def test_a_picture_smaller_than_any_document_needs_is_low_resolution_whatever_its_print():
    """The document fills the picture (print, no outline): the picture's size bounds the document's.  Print too
    sparse to measure, or tall in a tiny picture, still cannot make a 400 px picture legible."""
    need = DEFAULT.resolution.min_long_side_card
    for original, fires in (((400, 300), True), ((need - 1, 300), True), ((need, 300), False), ((1600, 1200), False)):
        ctx = context(np.full((300, 400, 3), 235, np.uint8), original=original)
        ctx.__dict__["document"] = None
        ctx.__dict__["text_lines"] = _lines(30, n=resolution.MIN_PRINT_LINES)  # print tall enough on its own
        found = list(check_resolution(ctx))
        assert bool(found) == fires, original
        if fires:
            assert "picture" in found[0].measured.unit
            assert found[0].measured.value == max(original)
            # the message names what was measured: the picture, not a document nobody outlined
            assert found[0].details["measured_on"] == "picture"
            assert found[0].render().startswith("The picture is only ")
