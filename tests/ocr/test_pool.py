"""The OCR engine pool (issue 21 item 2): bounded, shared by threads, released when idle, same readings."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from idcheck.ocr import engines
from idcheck.ocr.engines import LineCrop
from idcheck.ocr.engines.pool import EnginePool

from .test_engines import _line


class _Counting:
    def __init__(self):
        self.lock = threading.Lock()
        self.made = 0
        self.ended = 0
        self.busy = 0
        self.max_busy = 0

    def make(self, key):
        with self.lock:
            self.made += 1
        return object()

    def destroy(self, obj):
        with self.lock:
            self.ended += 1


def test_n_threads_m_reads_make_at_most_size_objects_and_idle_ones_end():
    c = _Counting()
    pool = EnginePool(c.make, c.destroy, size=3, idle=0.3)

    def work(i):
        for _ in range(20):
            with pool.borrow("zh" if i % 2 else "eng") as obj:
                assert obj is not None
                with c.lock:
                    c.busy += 1
                    c.max_busy = max(c.max_busy, c.busy)
                time.sleep(0.001)
                with c.lock:
                    c.busy -= 1

    with ThreadPoolExecutor(16) as ex:
        list(ex.map(work, range(16)))
    assert c.made <= 6 and pool.alive("zh") <= 3 and pool.alive("eng") <= 3  # 3 per language
    assert c.max_busy <= 6
    deadline = time.monotonic() + 5
    while pool.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.alive() == 0 and c.ended == c.made  # all released after the idle time
    with pool.borrow("zh") as obj:  # and made again when needed
        assert obj is not None
    assert c.made <= 7
    pool.close()
    assert c.ended == c.made


def test_a_full_pool_waits_at_most_the_timeout_and_a_failing_key_is_remembered():
    c = _Counting()
    pool = EnginePool(c.make, c.destroy, size=1, idle=10)
    with pool.borrow("zh") as held:
        assert held is not None
        t0 = time.monotonic()
        with pool.borrow("zh", timeout=0.1) as other:
            assert other is None
        assert 0.08 <= time.monotonic() - t0 < 2
    calls = []
    bad = EnginePool(lambda k: calls.append(k), c.destroy, size=2, idle=10)
    for _ in range(3):
        with bad.borrow("klingon") as obj:
            assert obj is None
    assert calls == ["klingon"]
    pool.close()


def test_tesseract_pool_bounds_engines_and_reads_like_serial():
    from idcheck.ocr.engines import tesseract

    lib = tesseract._library()
    if lib is None or not lib.probe():
        pytest.skip("libtesseract not loadable here")
    eng = engines.get_engine("tesseract")
    crops = [LineCrop(_line("张建国"), "zh"), LineCrop(_line("11010519491231002X"), "digits")]
    serial = [(r.text, r.char_confidences) for r in eng.read_lines(crops)]
    made_before = lib.pool.created
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda _: [(r.text, r.char_confidences) for r in eng.read_lines(crops)], range(24)))
    assert all(r == serial for r in results)
    assert lib.pool.alive("chi_sim") <= lib.pool.size and lib.pool.alive("eng") <= lib.pool.size
    assert lib.pool.created - made_before <= 2 * lib.pool.size


def test_rapidocr_reads_concurrently_with_the_same_results():
    eng = engines.get_engine("rapidocr")
    crops = [LineCrop(_line("张建国"), "zh"), LineCrop(_line("11010519491231002X"), "digits")]
    serial = [(r.text, r.char_confidences) for r in eng.read_lines(crops)]
    with ThreadPoolExecutor(6) as ex:
        results = list(ex.map(lambda _: [(r.text, r.char_confidences) for r in eng.read_lines(crops)], range(18)))
    assert all(r == serial for r in results)
    assert eng._slots._initial_value >= 1  # a semaphore sized to the cores, not a process-wide lock
    blank = eng.read_lines([LineCrop(np.full((48, 200), 255, np.uint8), "digits")])
    assert len(blank) == 1
