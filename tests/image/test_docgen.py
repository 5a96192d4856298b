import numpy as np

from fixtures import docgen


def test_numbers_have_valid_check_characters():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n = docgen.make_id_number(rng, "110105", (1990, 1, 2), female=True)
        assert len(n) == 18 and n[-1] == docgen.id_check_digit(n[:17]) and int(n[16]) % 2 == 0
        u = docgen.make_uscc(rng, "440305")
        assert len(u) == 18 and u[-1] == docgen.uscc_check(u[:17]) and u[16] == docgen.org_check(u[8:16])
    # published examples (domain-rules.md §1.6 and GB 11643)
    assert docgen.uscc_check("91110000600037341") == "L"
    assert docgen.org_check("60003734") == "1"
    assert docgen.id_check_digit("11010519491231002") == "X"


def test_generation_is_deterministic_and_labelled():
    a, la = docgen.make_photo("id_card", np.random.default_rng(5), [("corner_cut", 0.08)], out_size=(800, 600))
    b, lb = docgen.make_photo("id_card", np.random.default_rng(5), [("corner_cut", 0.08)], out_size=(800, 600))
    assert np.array_equal(a, b) and la["quad"] == lb["quad"]
    assert la["defects"] == {"document.corner_missing": 0.08} and la["corners_cut"]
    assert a.shape == (600, 800, 3) and a.dtype == np.uint8


def test_every_defect_renders_for_both_kinds():
    for kind in docgen.KINDS:
        for name, (code, levels, _unit) in docgen.DEFECTS.items():
            if name in ("screenshot",):
                continue
            img, labels = docgen.make_photo(kind, np.random.default_rng(1), [(name, levels[-1])], out_size=(480, 360))
            assert img.ndim == 3 and (code is None or code in labels["defects"]), (kind, name)
