"""Decoding odd but legitimate pictures, and refusing dangerous or broken ones."""

import io

import numpy as np
import pytest
from PIL import Image

import idcheck
from fixtures.formats import encode, giant_png
from idcheck.config import Config, DecodeConfig, IntakeConfig


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_zero_bytes_is_empty(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    report = idcheck.check(path)
    assert report.codes == ["file.empty"] and report.verdict == "fail"


def test_truncated_jpeg_is_unreadable_and_says_truncated(photo):
    data = encode(photo, "jpeg")
    report = idcheck.check(data[: len(data) // 2])
    (f,) = [f for f in report.findings if f.code == "file.unreadable"]
    assert "truncated" in f.message


def test_giant_png_is_refused_before_decoding():
    data = giant_png(20000, 20000)
    report = idcheck.check(data)
    (f,) = [f for f in report.findings if f.code == "file.unreadable"]
    assert "400 MP" in f.message and "64 MP" in f.message
    assert report.timings["decode"] < 500  # refused from the header: no 400 MP allocation


def test_pixel_limit_is_configurable(photo):
    data = encode(photo, "png")
    tight = Config(intake=IntakeConfig(max_pixels=1000 * 1000))
    assert idcheck.check(data, config=tight).has("file.unreadable")
    assert not idcheck.check(data).has("file.unreadable")


def test_cmyk_jpeg_decodes_to_the_right_colours():
    red = np.zeros((400, 600, 3), np.uint8)
    red[..., 0] = 220
    data = _save(Image.fromarray(red).convert("CMYK"), "JPEG", quality=95)
    report = idcheck.check(data)
    assert report.file["mode"] == "CMYK"
    assert not report.has("file.unreadable")


def test_sixteen_bit_grey_png_keeps_its_range():
    ramp = np.tile(np.linspace(0, 65535, 512).astype(np.uint16), (256, 1))
    data = _save(Image.fromarray(ramp), "PNG")
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import by_name

    result = decode(data, by_name("png"), Config())
    assert result.image is not None
    rgb = result.image.rgb
    assert rgb.dtype == np.uint8 and rgb[..., 0].min() == 0 and rgb[..., 0].max() == 255  # not clipped to white


@pytest.mark.parametrize("mode", ["P", "P+transparency", "LA", "RGBA", "1", "L"])
def test_palette_alpha_and_bilevel_modes_decode(mode, photo):
    im = Image.fromarray(photo)
    kw = {}
    if mode == "P+transparency":
        im = im.convert("P", palette=Image.Palette.ADAPTIVE)
        kw["transparency"] = 0
    else:
        im = im.convert(mode)
    data = _save(im, "PNG", **kw)
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import by_name

    result = decode(data, by_name("png"), Config())
    assert result.error is None and result.image.rgb.shape == (900, 1200, 3)


def test_transparent_pixels_become_white():
    rgba = np.zeros((50, 80, 4), np.uint8)  # fully transparent black
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import by_name

    result = decode(_save(Image.fromarray(rgba, "RGBA"), "PNG"), by_name("png"), Config())
    assert result.image.rgb.min() == 255


def test_exif_orientation_is_applied_and_reported(photo):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    data = _save(Image.fromarray(photo), "JPEG", quality=90, exif=exif.tobytes())
    report = idcheck.check(data)
    assert report.file["orientation"] == 6
    assert (report.file["width"], report.file["height"]) == (900, 1200)  # upright: portrait


def test_heic_orientation_is_reported_and_not_applied_twice(photo):
    exif = Image.Exif()
    exif[0x0112] = 6
    import pillow_heif

    pillow_heif.register_heif_opener()
    data = _save(Image.fromarray(photo), "HEIF", quality=70, exif=exif.tobytes())
    report = idcheck.check(data)
    assert (report.file["width"], report.file["height"]) == (900, 1200)


def test_animated_webp_checks_first_frame_and_says_so(photo):
    frames = [Image.fromarray(photo), Image.fromarray(255 - photo)]
    buf = io.BytesIO()
    frames[0].save(buf, format="WEBP", save_all=True, append_images=frames[1:], duration=100)
    report = idcheck.check(buf.getvalue())
    (f,) = [f for f in report.findings if f.code == "file.animated"]
    assert f.severity == "info" and f.measured.value == 2


def test_large_jpeg_is_decoded_reduced_in_the_dct_domain():
    from fixtures.formats import textured

    data = encode(textured(3000, 4000, seed=1), "jpeg", quality=85)
    report = idcheck.check(data)
    assert report.file["reduced_by"] == "draft+resize"
    assert tuple(report.file["draft_size"]) == (2000, 1500)
    assert max(report.file["working_size"]) == DecodeConfig().work_long_side
    assert (report.file["width"], report.file["height"]) == (4000, 3000)


def test_a_file_far_above_any_limit_is_not_read_whole(tmp_path, photo):
    big = tmp_path / "huge.jpg"
    data = encode(photo, "jpeg")
    with open(big, "wb") as fh:
        fh.write(data)
        fh.truncate(300 * 1024 * 1024)  # sparse: 300 MB on paper
    report = idcheck.check(big)
    assert report.has("file.too_large") and report.has("file.not_analysed")


def _scan_bounds(data: bytes) -> tuple[int, int]:
    """Offsets of the first start-of-scan marker and of the end-of-image marker."""
    return data.index(b"\xff\xda"), data.rindex(b"\xff\xd9")


def test_a_jpeg_whose_data_runs_into_a_marker_is_unreadable_as_corrupt(photo):
    """A marker in the middle of the entropy-coded data (what a flipped byte often makes): libjpeg fills the rest
    of the picture in and warns; OpenCV and Pillow hand the picture on without a word.  It must not pass."""
    data = encode(photo, "jpeg")
    sos, eoi = _scan_bounds(data)
    mid = (sos + eoi) // 2
    report = idcheck.check(data[:mid] + b"\xff\xd0" + data[mid:])
    assert report.verdict == "fail"
    (f,) = [f for f in report.findings if f.code == "file.unreadable"]
    assert f.severity == "error" and "corrupt" in f.message and "premature end of data segment" in f.message
    assert "premature end of data segment" in report.file["corrupt"]
    assert not [f for f in report.findings if f.code.startswith(("image.", "document."))]  # no check on noise


def test_a_long_unread_tail_before_the_end_marker_is_corrupt_and_header_junk_is_a_fact(photo):
    data = encode(photo, "jpeg")
    sos, eoi = _scan_bounds(data)
    # the decoder finished every block 36 bytes before the end marker: its data was out of step
    tail = idcheck.check(data[:eoi] + bytes(range(1, 41)) + data[eoi:])
    assert "file.unreadable" in tail.codes and "extraneous bytes before marker 0xd9" in tail.file["corrupt"]
    # ... but an encoder's padding there (one byte value repeated) follows intact data: a fact, not a finding
    zeros = idcheck.check(data[:eoi] + b"\x00" * 40 + data[eoi:])
    assert "file.unreadable" not in zeros.codes and zeros.verdict == idcheck.check(data).verdict
    assert "extraneous bytes before marker 0xd9" in zeros.file["decoder_warning"]
    fill = idcheck.check(data[:eoi] + b"\xff" * 40 + data[eoi:])  # 0xFF fill before a marker is legal JPEG
    assert "file.unreadable" not in fill.codes and "corrupt" not in fill.file
    # two stray bytes between header segments (an encoder's slip; the picture is intact): said in the file's
    # facts, not as a finding
    dqt = data.index(b"\xff\xdb")
    junk = idcheck.check(data[:dqt] + b"\x00\x00" + data[dqt:])
    assert "file.unreadable" not in junk.codes
    assert "extraneous bytes before marker 0xdb" in junk.file["decoder_warning"]
    assert junk.verdict == idcheck.check(data).verdict


def test_the_strict_decode_is_opencvs_reduced_decode_bit_for_bit():
    """simplejpeg's strict decode replaces OpenCV's for plain YCbCr JPEGs: the pictures must be identical."""
    import cv2

    from fixtures.formats import textured
    from idcheck.intake.decode import _strict_jpeg

    data = encode(textured(3000, 4000, seed=2), "jpeg", quality=85)
    for scale, flag in ((2, cv2.IMREAD_REDUCED_COLOR_2), (4, cv2.IMREAD_REDUCED_COLOR_4)):
        facts: dict = {}
        ours = _strict_jpeg(data, (4000 // scale, 3000 // scale), scale, facts)
        theirs = cv2.imdecode(np.frombuffer(data, np.uint8), flag)[:, :, ::-1]
        assert ours is not None and facts == {}
        assert np.array_equal(ours, theirs)


def test_the_full_resolution_luminance_is_opencvs_grey_decode_with_or_without_simplejpeg(monkeypatch):
    import cv2

    from fixtures.formats import textured
    from idcheck.intake import decode as decode_module

    data = encode(textured(1200, 1600, seed=5), "jpeg", quality=88)
    theirs = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    ours = decode_module.jpeg_luma(data)
    assert ours is not None and ours.shape == (1200, 1600) and np.array_equal(ours, theirs)
    monkeypatch.setattr(decode_module, "simplejpeg", None)  # the OpenCV fallback gives the same plane
    assert np.array_equal(decode_module.jpeg_luma(data), theirs)
    assert decode_module.jpeg_luma(b"\xff\xd8\xff not a jpeg") is None


def test_an_odd_sized_jpeg_takes_the_same_reduced_decode_as_an_even_sized_one(monkeypatch):
    """libjpeg rounds a scaled size up (4115 px at 1/2: 2058): the draft's scale must be read as 2, not 4115 // 2058,
    or an odd-sized picture is decoded and resampled another way than its even-sized neighbour."""
    import cv2

    from fixtures.formats import textured
    from idcheck.intake import decode as decode_module

    data = encode(textured(2515, 4115, seed=6), "jpeg", quality=88)
    scales = []
    real = decode_module._jpeg_rgb

    def spy(im, data, scale, facts):
        scales.append(scale)
        return real(im, data, scale, facts)

    monkeypatch.setattr(decode_module, "_jpeg_rgb", spy)
    report = idcheck.check(data)
    assert scales == [2] and tuple(report.file["draft_size"]) == (2058, 1258)
    reduced = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_COLOR_2)[:, :, ::-1]
    assert np.array_equal(decode_module._strict_jpeg(data, (2058, 1258), 2, {}), reduced)


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"subsampling": 0}, {"restart_marker_rows": 1},
                                     {"progressive": True, "restart_marker_rows": 2}],
                         ids=["baseline", "progressive", "4:4:4", "restart markers", "progressive, restart markers"])
def test_intact_encodings_draw_no_decoder_warning(options):
    """The strict decode must not call an intact file corrupt, whatever legitimate encoding it uses."""
    from fixtures.formats import textured

    buf = io.BytesIO()
    Image.fromarray(textured(3000, 4000, seed=8)).save(buf, "JPEG", quality=85, **options)
    report = idcheck.check(buf.getvalue())
    assert "file.unreadable" not in report.codes
    assert "decoder_warning" not in report.file and "corrupt" not in report.file
    assert report.file["reduced_by"] == "draft+resize"  # decoded reduced in the DCT domain


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_jpegs_with_corrupt_data_are_unreadable(mode, photo):
    """A scanner's grey JPEG or a print shop's CMYK one is decoded by the same strict decoder: Pillow alone filled the
    damaged blocks in without a word."""
    data = _save(Image.fromarray(photo).convert(mode), "JPEG", quality=90)
    sos, eoi = _scan_bounds(data)
    mid = (sos + eoi) // 2
    report = idcheck.check(data[:mid] + b"\xff\xd0" + data[mid:])
    (f,) = [f for f in report.findings if f.code == "file.unreadable"]
    assert f.severity == "error" and "premature end of data segment" in report.file["corrupt"]
    intact = idcheck.check(data)
    assert "file.unreadable" not in intact.codes and "decoder_warning" not in intact.file


@pytest.mark.parametrize("mode", ["L", "CMYK"])
@pytest.mark.parametrize("orientation", [1, 2, 5, 6, 8])
def test_grey_and_cmyk_jpegs_decode_to_pillows_own_pixels(mode, orientation, monkeypatch):
    """The strict decode of a grey or CMYK JPEG gives the working copy Pillow's draft gave, turned by EXIF and
    resampled the same way (so no finding moves)."""
    from fixtures.formats import textured
    from idcheck.intake import decode as decode_module
    from idcheck.intake.sniff import sniff

    exif = Image.Exif()
    exif[0x0112] = orientation
    data = _save(Image.fromarray(textured(3000, 4001, seed=9)).convert(mode), "JPEG", quality=90, exif=exif.tobytes())
    spec = sniff(data[:65536]).spec
    taken = []
    real = decode_module._jpeg_other
    monkeypatch.setattr(decode_module, "_jpeg_other", lambda *a: taken.append(1) or real(*a))
    ours = decode_module.decode(data, spec, Config())
    monkeypatch.setattr(decode_module, "_jpeg_other", lambda *a: None)  # Pillow's own decode
    pillows = decode_module.decode(data, spec, Config())
    assert taken and ours.facts["reduced_by"] == pillows.facts["reduced_by"] == "draft+resize"
    assert ours.image.original_size == pillows.image.original_size
    assert np.array_equal(ours.image.rgb, pillows.image.rgb)
    # without simplejpeg installed, Pillow decodes as before
    monkeypatch.setattr(decode_module, "_jpeg_other", real)
    monkeypatch.setattr(decode_module, "simplejpeg", None)
    assert np.array_equal(decode_module.decode(data, spec, Config()).image.rgb, pillows.image.rgb)
