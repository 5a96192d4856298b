"""check(data, filename=...): the uploaded file's name is checked against the content and masked like a name."""

import json

import pytest

import idcheck
from fixtures.formats import encode, textured
from idcheck.errors import UsageError
from idcheck.privacy import mask_filename


@pytest.fixture(scope="module")
def png():
    return encode(textured(700, 900, seed=5), "png")


def test_bytes_alone_skip_the_extension_check(png):
    report = idcheck.check(png)
    assert not report.has("file.extension_mismatch")
    assert report.to_dict()["file"]["name"] is None and report.path is None


def test_filename_is_checked_and_masked(png):
    report = idcheck.check(png, filename="张三-身份证.jpg")
    assert report.has("file.extension_mismatch") and report.verdict == "fail"
    masked = report.to_json()
    assert "张三" not in masked and "身份证" not in masked
    data = json.loads(masked)
    assert data["file"]["name"] == "张****证.jpg" and data["file"]["extension"] == "jpg"
    assert data["path"] is None
    finding = next(f for f in data["findings"] if f["code"] == "file.extension_mismatch")
    assert "'张****证.jpg'" in finding["message"]
    revealed = report.to_dict(reveal=True)
    assert revealed["file"]["name"] == "张三-身份证.jpg"
    assert (
        "张三-身份证.jpg" in next(f for f in revealed["findings"] if f["code"] == "file.extension_mismatch")["message"]
    )


def test_matching_name_client_path_and_no_extension(png):
    assert not idcheck.check(png, filename="scan.PNG").has("file.extension_mismatch")
    report = idcheck.check(png, filename=r"C:\Users\李四\Desktop\李四.png")  # browsers of old sent the path
    assert not report.has("file.extension_mismatch")
    assert report.to_dict(reveal=True)["file"]["name"] == "李四.png"
    assert idcheck.check(png, filename="upload").has("file.extension_mismatch")  # no extension: a mismatch


def test_filename_must_be_text(png):
    with pytest.raises(UsageError):
        idcheck.check(png, filename=b"a.png")


@pytest.mark.parametrize("name, shown", [
    ("张三-身份证.png", "张****证.png"),
    ("id.jpeg", "i*.jpeg"),
    ("John Smith.heic", "J********h.heic"),
    ("noext", "n***t"),
    (".hidden", ".*****n"),  # a dot file has no extension: its name is masked
    ("a.b c d", "a*****d"),  # not an extension: masked whole
    ("", ""),
])
def test_mask_filename(name, shown):
    assert mask_filename(name) == shown
