"""Property tests: metadata never adds evidence when stripped, editors are always named, one re-save is no edit."""

import struct
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fixtures import forgery
from idcheck.tamper import editors, metadata
from tests.strategies import examples

from .conftest import check, tamper_findings

SETTINGS: dict[str, Any] = dict(max_examples=examples(6), deadline=None,
                                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

EDITOR_STRINGS = ["Adobe Photoshop {v} (Windows)", "Adobe Photoshop Lightroom Classic {v}", "GIMP {v}",
                  "Pixelmator Pro {v}", "Affinity Photo {v}", "Snapseed {v}", "PicsArt {v}", "MTXX", "Meitu {v}",
                  "PhotoScape {v}", "paint.net {v}", "Canva", "Fotor {v}", "MIUI Gallery editor", "Photo Editor"]


def strip_metadata(jpeg: bytes) -> bytes:
    """Drop every APPn and COM segment before the scan, without touching the compressed pixels."""
    out = [jpeg[:2]]
    for marker, payload in metadata.jpeg_segments(jpeg):
        if marker == 0xDA:
            break
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            continue
        out.append(bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload)
    sos = jpeg.find(b"\xff\xda")
    return b"".join(out) + jpeg[sos:]


@settings(**SETTINGS)
@given(case=st.sampled_from(["camera", "editor_resave", "camera_resaved", "splice_jpeg"]), seed=st.integers(0, 50))
def test_stripping_metadata_never_adds_a_tamper_finding(base, case, seed):
    data, _ = forgery.make_case(case, np.random.default_rng(seed), base)
    before = {f.code for f in tamper_findings(check(data), ("error", "warning", "info"))}
    stripped = strip_metadata(data)
    assert metadata.read(stripped).evidence == []
    after = {f.code for f in tamper_findings(check(stripped), ("error", "warning", "info"))}
    assert after <= before, (after - before)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(EDITOR_STRINGS), version=st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,2}\Z"),
       field=st.sampled_from([0x0131, 0x000B]))
def test_adding_a_known_editor_tag_always_names_it(camera_jpeg, template, version, field):
    text = template.format(v=version)
    assert editors.identify(text) is not None and editors.identify(text).kind == "editor"
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[field] = text
    raw = exif.tobytes()
    payload = b"Exif\x00\x00" + (raw[6:] if raw.startswith(b"Exif") else raw)
    stripped = strip_metadata(camera_jpeg)
    data = stripped[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + stripped[2:]
    meta = metadata.read(data)
    assert meta.editors, text
    report = check(data)
    found = [f for f in report.findings if f.code == "tamper.editing_software"]
    assert found and found[0].severity == "warning"


@settings(**SETTINGS)
@given(q_camera=st.integers(85, 98), q_final=st.integers(85, 95), seed=st.integers(0, 10_000))
def test_one_resave_is_never_a_local_edit_error(base, q_camera, q_final, seed):
    rng = np.random.default_rng(seed)
    photo = base["photo_a"]
    # vary the content a little: a random crop keeps the document but moves the 8x8 grid
    dy, dx = int(rng.integers(0, 24)), int(rng.integers(0, 24))
    photo = np.ascontiguousarray(photo[dy:, dx:])
    camera = forgery.jpeg(photo, q_camera, forgery.camera_exif(rng))
    resaved = forgery.jpeg(forgery.decode(camera), q_final)
    errors = [f for f in check(resaved).findings if f.code == "tamper.local_edit" and f.severity == "error"]
    assert errors == []
