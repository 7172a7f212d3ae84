import pytest

from trust_fabric import field_of, leaf_of, leaves_of, normalise, pepper_field, verify_groth16
from conftest import VECTORS, load


def test_selectors_vectors():
    cases = load("selectors.json")
    assert len(cases) > 5
    for c in cases:
        assert normalise(c["selector"]) == c["normalised"], c["selector"]
        assert str(field_of(c["selector"])) == c["field"]
        assert leaf_of(c["selector"], c["pepperHex"]) == c["leaf"], c["selector"]
    same = [c for c in cases if c["pepperHex"] == cases[0]["pepperHex"]]
    assert leaves_of([c["selector"] for c in same], cases[0]["pepperHex"]) == [c["leaf"] for c in same]


@pytest.mark.parametrize("case", load("normalise.json"), ids=lambda c: repr(c["input"]))
def test_normalisation_edge_cases_match_javascript(case):
    assert normalise(case["input"]) == case["normalised"]
    assert str(field_of(case["input"])) == case["field"]


def test_pepper_parsing():
    assert pepper_field(" 0xFF ") == 255
    assert pepper_field("ff" * 40) == int("ff" * 40, 16) % (1 << 248)
    with pytest.raises(ValueError):
        pepper_field("xyz")


def _groth16_cases():
    out = []
    for f in sorted(VECTORS.glob("groth16*.json")):
        v = load(f.name)
        for c in (v if isinstance(v, list) else v["cases"]):
            out.append((f.name, c.get("name") or c.get("note"), c.get("vk") or v["verificationKey"], c))
    return out


@pytest.mark.parametrize("name,label,vk,case", _groth16_cases(), ids=lambda x: x if isinstance(x, str) else "")
def test_groth16_vectors(name, label, vk, case):
    assert verify_groth16(vk, case["publicSignals"], case["proof"]) is case["valid"]


def test_groth16_malformed_input_is_false():
    vk = _groth16_cases()[0][2]
    assert verify_groth16(vk, [], {"pi_a": [], "pi_b": [], "pi_c": []}) is False
    assert verify_groth16({}, ["1"], {}) is False
