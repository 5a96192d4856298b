"""idcheck fix: mechanical fixes only, into new files, re-checked, evidence kept."""

import io
import os

import pytest
from PIL import Image

from fixtures.formats import encode, textured
from idcheck.cli import main
from idcheck.fix import fix


@pytest.fixture(scope="module")
def pic():
    return textured(900, 1200, seed=21)


def _exif(**tags):
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[{"orientation": 0x0112, "software": 0x0131, "make": 0x010F}[tag]] = value
    return exif.tobytes()


def test_wrong_extension_gets_the_same_bytes_under_the_right_name(pic, tmp_path):
    src = tmp_path / "in" / "scan.jpg"
    src.parent.mkdir()
    data = encode(pic, "png")
    src.write_bytes(data)
    result = fix(str(src), str(tmp_path / "out"))
    assert result.output.endswith("scan.png")
    assert open(result.output, "rb").read() == data  # nothing re-encoded
    assert not result.after.has("file.extension_mismatch")
    assert src.read_bytes() == data  # input untouched


def test_heic_for_the_api_channel_becomes_jpeg_and_passes_the_type_check(pic, tmp_path):
    src = tmp_path / "photo.heic"
    src.write_bytes(encode(pic, "heic", exif=_exif(make="Apple")))
    result = fix(str(src), str(tmp_path / "out"), channel="api")
    assert result.output.endswith(".jpg")
    assert result.before.has("file.unsupported_type") and not result.after.has("file.unsupported_type")
    assert Image.open(result.output).getexif().get(0x010F) == "Apple"  # metadata carried over


def test_too_large_is_re_encoded_just_under_the_limit(tmp_path):
    src = tmp_path / "big.jpg"
    src.write_bytes(encode(textured(3000, 4000, seed=2), "jpeg", quality=98))
    assert os.path.getsize(src) >= 5 * 1024 * 1024
    result = fix(str(src), str(tmp_path / "out"))
    size = os.path.getsize(result.output)
    assert size < 5 * 1024 * 1024 and size > 2 * 1024 * 1024  # just under, not crushed
    assert not result.after.has("file.too_large")
    assert Image.open(result.output).size == (4000, 3000)  # quality alone was enough: no resampling


def test_api_limit_takes_the_highest_quality_that_fits(tmp_path):
    src = tmp_path / "big.jpg"
    src.write_bytes(encode(textured(3000, 4000, seed=3), "jpeg", quality=95))
    result = fix(str(src), str(tmp_path / "out"), channel="api")
    size = os.path.getsize(result.output)
    assert 0.6 * 1024 * 1024 < size < 1024 * 1024  # just under the limit, not crushed
    assert max(Image.open(result.output).size) >= 1600


def test_resampling_when_quality_alone_cannot_fit():
    from idcheck.fix import _encode_to_fit

    noisy = Image.fromarray(__import__("numpy").random.default_rng(0).integers(0, 255, (2400, 3200, 3), dtype="uint8"))
    data, note = _encode_to_fit(noisy, "jpeg", 1024 * 1024, {})
    assert len(data) < 1024 * 1024 or "still too large" in note
    assert "resampled" in note and max(Image.open(io.BytesIO(data)).size) >= 1600


def test_orientation_is_baked_in_and_editing_evidence_kept(pic, tmp_path):
    src = tmp_path / "side.jpg"
    src.write_bytes(encode(pic, "jpeg", exif=_exif(orientation=6, software="Adobe Photoshop 25.0")))
    result = fix(str(src), str(tmp_path / "out"))
    out = Image.open(result.output)
    assert out.size == (900, 1200)  # upright pixels
    exif = out.getexif()
    assert exif.get(0x0112) == 1
    assert exif.get(0x0131) == "Adobe Photoshop 25.0"  # never strips evidence of editing


def test_never_overwrites_anything(pic, tmp_path):
    src = tmp_path / "scan.jpg"
    src.write_bytes(encode(pic, "png"))
    (tmp_path / "scan.png").write_bytes(b"someone else's file")
    result = fix(str(src), str(tmp_path))  # out dir = input dir, name taken
    assert result.output.endswith("scan-fixed.png")
    assert (tmp_path / "scan.png").read_bytes() == b"someone else's file"


def test_unreadable_and_quality_problems_are_not_touched(tmp_path):
    src = tmp_path / "broken.jpg"
    src.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    result = fix(str(src), str(tmp_path / "out"))
    assert result.output is None and not os.path.exists(tmp_path / "out" / "broken.jpg")


def test_cli_fix(pic, tmp_path, capsys):
    src = tmp_path / "scan.jpg"
    src.write_bytes(encode(pic, "png"))
    assert main(["fix", str(src), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "scan.png" in out and "nothing re-encoded" in out
