"""The format table: every accepted and refused format, with the right and a wrong extension."""

import pytest

import idcheck
from fixtures.formats import ACCEPTED, EXTENSION, REFUSED, encode

WRONG_EXTENSION = {"jpeg": "png", "png": "jpg", "bmp": "jpg", "webp": "jpg", "heic": "jpg"}
EQUIVALENT = {
    "jpeg": ["jpeg", "JPG", "jpe", "jfif"],
    "heic": ["heif", "HEIC"],
    "bmp": ["dib"],
    "png": ["PNG"],
    "webp": ["WebP"],
}


@pytest.fixture(scope="module")
def encoded(photo):
    return {fmt: encode(photo, fmt) for fmt in ACCEPTED + REFUSED}


@pytest.mark.parametrize("fmt", ACCEPTED)
def test_accepted_format_with_right_extension_has_no_file_error(fmt, encoded, tmp_path):
    path = tmp_path / f"doc.{EXTENSION[fmt]}"
    path.write_bytes(encoded[fmt])
    report = idcheck.check(path)
    file_codes = [c for c in report.codes if c.startswith("file.") and c != "file.too_large"]
    assert file_codes == [], report.to_json(indent=1)
    assert report.file["format"] == fmt
    assert (report.file["width"], report.file["height"]) == (1200, 900)


@pytest.mark.parametrize("fmt", ACCEPTED)
@pytest.mark.parametrize("variant", range(4))
def test_equivalent_extensions_are_fine(fmt, variant, encoded, tmp_path):
    choices = EQUIVALENT[fmt]
    ext = choices[variant % len(choices)]
    path = tmp_path / f"doc.{ext}"
    path.write_bytes(encoded[fmt])
    assert not idcheck.check(path).has("file.extension_mismatch")


@pytest.mark.parametrize("fmt", ACCEPTED)
def test_accepted_format_with_wrong_extension_is_a_mismatch(fmt, encoded, tmp_path):
    path = tmp_path / f"doc.{WRONG_EXTENSION[fmt]}"
    path.write_bytes(encoded[fmt])
    report = idcheck.check(path)
    mismatch = [f for f in report.findings if f.code == "file.extension_mismatch"]
    assert len(mismatch) == 1 and mismatch[0].severity == "error"
    assert "renaming the file is not enough" in mismatch[0].message
    assert report.verdict == "fail"


def test_missing_extension_is_a_mismatch(encoded, tmp_path):
    path = tmp_path / "scan"
    path.write_bytes(encoded["jpeg"])
    assert idcheck.check(path).has("file.extension_mismatch")


def test_bytes_have_no_name_so_no_extension_finding(encoded):
    report = idcheck.check(encoded["png"])
    assert not report.has("file.extension_mismatch")
    assert report.path is None


@pytest.mark.parametrize("fmt", REFUSED)
@pytest.mark.parametrize("named_as", ["own", "jpg"])
def test_refused_formats_are_unsupported_and_named(fmt, named_as, encoded, tmp_path):
    ext = EXTENSION[fmt] if named_as == "own" else "jpg"
    path = tmp_path / f"doc.{ext}"
    path.write_bytes(encoded[fmt])
    report = idcheck.check(path)
    unsupported = [f for f in report.findings if f.code == "file.unsupported_type"]
    assert len(unsupported) == 1, report.to_json(indent=1)
    assert report.verdict == "fail"
    # The message names what the file really is, not what its name says.
    expected_word = {"gif": "GIF", "tiff": "TIFF", "pdf": "PDF", "avif": "AVIF", "ico": "icon", "jp2": "JPEG 2000",
                     "psd": "Photoshop", "svg": "SVG", "zip": "ZIP", "text": "text"}[fmt]
    assert expected_word in unsupported[0].message
    assert not report.has("file.extension_mismatch")  # one clear finding, not two


def test_api_channel_accepts_only_jpeg_and_bmp(encoded):
    assert idcheck.check(encoded["png"], channel="api").has("file.unsupported_type")
    assert idcheck.check(encoded["heic"], channel="api").has("file.unsupported_type")
    assert not idcheck.check(encoded["jpeg"], channel="api").has("file.unsupported_type")
    assert not idcheck.check(encoded["bmp"], channel="api").has("file.unsupported_type")


def test_heif_codec_is_read_from_the_meta_box(encoded):
    from idcheck.intake.sniff import heif_codec

    assert heif_codec(encoded["heic"]) == "hvc1"
    assert heif_codec(encoded["avif"]) == "av01"
