import io
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from idcheck.tamper import editors, metadata
from tests.strategies import examples


def _rgb(h=48, w=64):
    return (np.random.default_rng(0).random((h, w, 3)) * 255).astype(np.uint8)


def _jpeg(**kw):
    buf = io.BytesIO()
    Image.fromarray(_rgb()).save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def _exif(**tags):
    ex = Image.Exif()
    for k, v in tags.items():
        ex[{"make": 0x010F, "model": 0x0110, "software": 0x0131, "processing": 0x000B}[k]] = v
    return ex


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _insert(jpeg: bytes, *segments: bytes) -> bytes:
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


# ------------------------------------------------------------------ editor list ---
def test_firmware_strings_are_no_editor():
    for s in editors.FIRMWARE_EXAMPLES:
        assert editors.identify(s) is None, s


@pytest.mark.parametrize("text,tool", [
    ("Adobe Photoshop 24.0 (Windows)", "Adobe Photoshop"),
    ("Adobe Photoshop CC 2019 (Macintosh)", "Adobe Photoshop"),
    ("Adobe Photoshop Lightroom Classic 12.0 (Windows)", "Adobe Photoshop Lightroom"),
    ("GIMP 2.10.34", "GIMP"), ("Pixelmator Pro 3.3", "Pixelmator"), ("Affinity Photo 2.1", "Affinity Photo"),
    ("Snapseed 2.0", "Snapseed"), ("PicsArt", "PicsArt"), ("MTXX", "Meitu (美图秀秀)"),
    ("美图秀秀", "Meitu (美图秀秀)"),
    ("醒图", "Xingtu (醒图)"), ("PhotoScape", "PhotoScape"), ("paint.net 4.3.12", "Paint.NET"),
    ("MIUI Gallery editor", "MIUI Gallery editor"), ("Photo Editor", "Samsung Photo Editor"), ("Canva", "Canva"),
    ("Fotor", "Fotor"), ("WPS 图片", "WPS Photos"),
])
def test_editors_are_named(text, tool):
    found = editors.identify(text)
    assert found is not None and found.name == tool and found.kind == "editor"


def test_converters_are_not_editors():
    assert editors.identify("ImageMagick 7.1.0").kind == "converter"
    assert editors.identify("libvips 8.14").kind == "converter"


# ------------------------------------------------------------------ formats ---
def test_jpeg_exif_software_and_processing_software():
    data = _jpeg(exif=_exif(make="Apple", model="iPhone 13", software="17.1", processing="GIMP 2.10"))
    meta = metadata.read(data)
    assert meta.camera == "Apple iPhone 13"
    assert [(e.where, e.tool) for e in meta.editors] == [("EXIF ProcessingSoftware", "GIMP")]


def test_camera_firmware_software_is_no_evidence():
    for sw in ("17.1", "HDR+ 1.0.540104767zd", "MediaTek Camera Application", "G998BXXU5CVDD"):
        meta = metadata.read(_jpeg(exif=_exif(make="x", software=sw)))
        assert meta.evidence == [], sw


XMP = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmp:CreatorTool="Adobe Photoshop 25.1 '
       '(Windows)"><xmpMM:History><rdf:Seq><rdf:li stEvt:action="converted" stEvt:parameters="from image/png to '
       'image/jpeg"/><rdf:li><rdf:Description stEvt:action="saved" stEvt:softwareAgent="Adobe Photoshop 25.1"/>'
       '</rdf:li></rdf:Seq></xmpMM:History></rdf:Description></rdf:RDF></x:xmpmeta>')


def test_jpeg_xmp_creator_and_history():
    meta = metadata.read(_jpeg(xmp=XMP.encode()))
    wheres = {e.where for e in meta.editors}
    assert "XMP CreatorTool" in wheres and "XMP history (saved) softwareAgent" in wheres
    assert [a["action"] for a in meta.xmp_actions] == ["converted", "saved"]


def _irb(rid: int, data: bytes) -> bytes:
    pad = b"\x00" if len(data) % 2 else b""
    return b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(data)) + data + pad


def _ps_unicode(s: str) -> bytes:
    return struct.pack(">I", len(s)) + s.encode("utf-16-be")


def test_photoshop_resources_and_app14():
    version = (struct.pack(">I", 1) + b"\x01" + _ps_unicode("Adobe Photoshop") + _ps_unicode("Adobe Photoshop 2023")
               + struct.pack(">I", 1))
    app13 = b"Photoshop 3.0\x00" + _irb(0x0421, version) + _irb(0x0406, struct.pack(">hhh", 8, 0, 3))
    app14 = b"Adobe\x00\x64\x00\x00\x00\x00\x01"
    meta = metadata.read(_insert(_jpeg(), _segment(0xED, app13), _segment(0xEE, app14)))
    assert any(e.where.startswith("Photoshop resource 0x0421") and e.tool == "Adobe Photoshop" for e in meta.editors)
    assert meta.photoshop_quality == 12
    assert meta.adobe_app14
    assert {h.where for h in meta.hints} >= {"Adobe APP14 marker", "Photoshop resource 0x0406 (JPEG save quality)"}


def _icc_profile(desc: str) -> bytes:
    text = desc.encode("ascii") + b"\x00"
    tag = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(text)) + text + b"\x00" * 80
    header = bytearray(128)
    header[36:40] = b"acsp"
    table = struct.pack(">I", 1) + struct.pack(">4sII", b"desc", 144, len(tag))
    body = bytes(header) + table
    body += b"\x00" * (144 - len(body)) + tag
    return struct.pack(">I", len(body)) + body[4:]


def test_icc_description_names_gimp():
    icc = _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + _icc_profile("GIMP built-in sRGB"))
    meta = metadata.read(_insert(_jpeg(), icc))
    assert meta.icc_description == "GIMP built-in sRGB"
    assert [e.tool for e in meta.editors] == ["GIMP"]


def test_png_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "paint.net 4.3.12")
    info.add_itxt("XML:com.adobe.xmp", XMP, zip=True)
    info.add_text("Comment", "made with Snapseed", zip=True)
    buf = io.BytesIO()
    Image.fromarray(_rgb()).save(buf, "PNG", pnginfo=info)
    tools = {e.tool for e in metadata.read(buf.getvalue()).editors}
    assert tools == {"Paint.NET", "Adobe Photoshop", "Snapseed"}


def test_webp_and_heic_exif_xmp():
    import pillow_heif

    pillow_heif.register_heif_opener()
    for fmt in ("WEBP", "HEIF"):
        buf = io.BytesIO()
        Image.fromarray(_rgb(64, 64)).save(buf, fmt, exif=_exif(make="HUAWEI", software="Meitu"), xmp=XMP.encode())
        meta = metadata.read(buf.getvalue())
        assert meta.camera == "HUAWEI", fmt
        assert {"Meitu (美图秀秀)", "Adobe Photoshop"} <= {e.tool for e in meta.editors}, fmt


def test_no_metadata_no_evidence():
    for fmt in ("JPEG", "PNG", "WEBP", "BMP"):
        buf = io.BytesIO()
        Image.fromarray(_rgb()).save(buf, fmt)
        assert metadata.read(buf.getvalue()).evidence == [], fmt


# ------------------------------------------------------------------ robustness ---
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from([0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xFE, 0xDB, 0xC0]),
       st.sampled_from([b"", b"Exif\x00\x00II*\x00", b"Exif\x00\x00MM\x00*", b"Photoshop 3.0\x008BIM",
                        b"ICC_PROFILE\x00\x01\x01", b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta", b"Adobe"]))
def test_junk_app_segments_never_raise(junk, marker, prefix):
    payload = (prefix + junk)[:65000]
    data = _insert(_jpeg(), _segment(marker, payload))
    metadata.read(data)
    metadata.read(data[: len(data) // 2])
    from idcheck.tamper import jpegq

    jpegq.read(data)


@settings(max_examples=examples(120), deadline=None)
@given(st.data())
def test_truncated_and_mutated_headers_never_raise(data):
    import pillow_heif

    pillow_heif.register_heif_opener()
    fmt = data.draw(st.sampled_from(["JPEG", "PNG", "WEBP", "HEIF"]))
    buf = io.BytesIO()
    kw = {"exif": _exif(make="x", software="GIMP"), "xmp": XMP.encode()} if fmt != "PNG" else {}
    Image.fromarray(_rgb(32, 32)).save(buf, fmt, **kw)
    raw = bytearray(buf.getvalue())
    cut = data.draw(st.integers(0, len(raw)))
    for _ in range(data.draw(st.integers(0, 6))):
        i = data.draw(st.integers(0, max(0, cut - 1)))
        if cut:
            raw[i] = data.draw(st.integers(0, 255))
    result = metadata.read(bytes(raw[:cut]))  # must not raise on any damage
    assert isinstance(result, metadata.Metadata)
