"""ZK-TX client-side cryptography: the hashing contract and local Groth16 verification.

    normalise(s)   = NFKC, trim (JavaScript's String.prototype.trim set), lower case
    field_of(s)    = int(sha256(utf8(normalise(s)))) mod 2^248
    pepper_field(h)= int(h, 16) mod 2^248
    leaf           = Poseidon([pepper_field, field_of(s)])  circomlib Poseidon over BN254, decimal string

Poseidon: circomlib's parameters (t=3, 8 full + 57 partial rounds, x^5), constants vendored from
circomlibjs in poseidon_t3.json; proven equal on sdk/spec/vectors/selectors.json.
Groth16: py_ecc's optimized BN254 (alt_bn128) pairing, one final exponentiation for the product.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from importlib import resources
from typing import Any, Dict, List, Mapping, Sequence

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
_MASK = (1 << 248) - 1

# JavaScript's trim(): WhiteSpace (TAB, VT, FF, ZWNBSP, every Zs) and LineTerminator (LF, CR, LS, PS).
# Python's str.strip() differs (it strips U+001C..U+001F and U+0085, keeps U+FEFF), so the set is explicit.
JS_WHITESPACE = "\u0009\u000a\u000b\u000c\u000d\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def normalise(selector: str) -> str:
    return unicodedata.normalize("NFKC", selector).strip(JS_WHITESPACE).lower()


def field_of(selector: str) -> int:
    return int.from_bytes(hashlib.sha256(normalise(selector).encode("utf-8")).digest(), "big") & _MASK


def pepper_field(pepper_hex: str) -> int:
    h = pepper_hex.strip()
    if h[:2].lower() == "0x":
        h = h[2:]
    if not re.fullmatch(r"[0-9a-fA-F]+", h):
        raise ValueError("pepper must be hex")
    return int(h, 16) & _MASK


_PARAMS: Dict[str, Any] = {}


def _params() -> Dict[str, Any]:
    if not _PARAMS:
        raw = json.loads(resources.files("trust_fabric").joinpath("poseidon_t3.json").read_text())
        _PARAMS.update(C=[int(c) for c in raw["C"]], M=[[int(x) for x in row] for row in raw["M"]], F=raw["nRoundsF"], P=raw["nRoundsP"])
    return _PARAMS


def poseidon2(a: int, b: int) -> int:
    """circomlib Poseidon of two field elements."""
    p = _params()
    C, M, nf, np_ = p["C"], p["M"], p["F"], p["P"]
    state = [0, a % R, b % R]
    for r in range(nf + np_):
        state = [(x + C[r * 3 + i]) % R for i, x in enumerate(state)]
        if r < nf // 2 or r >= nf // 2 + np_:
            state = [pow(x, 5, R) for x in state]
        else:
            state[0] = pow(state[0], 5, R)
        state = [sum(M[i][j] * state[j] for j in range(3)) % R for i in range(3)]
    return state[0]


def leaf_of(selector: str, pepper_hex: str) -> str:
    """The leaf of a selector under a pepper (decimal string). A query is a leaf computed the same way."""
    return str(poseidon2(pepper_field(pepper_hex), field_of(selector)))


def leaves_of(selectors: Sequence[str], pepper_hex: str) -> List[str]:
    pf = pepper_field(pepper_hex)
    return [str(poseidon2(pf, field_of(s))) for s in selectors]


def _g1(p: Sequence[str]):
    from py_ecc.optimized_bn128 import FQ, b, is_on_curve
    x, y, z = (int(v) for v in p)
    pt = (FQ(x), FQ(y), FQ(z))
    if not is_on_curve(pt, b):
        raise ValueError("G1 point not on the curve")
    return pt


def _g2(p: Sequence[Sequence[str]]):
    from py_ecc.optimized_bn128 import FQ2, b2, is_on_curve, curve_order, multiply, is_inf
    pt = tuple(FQ2([int(c[0]), int(c[1])]) for c in p)
    if not is_on_curve(pt, b2):
        raise ValueError("G2 point not on the curve")
    if not is_inf(multiply(pt, curve_order)):
        raise ValueError("G2 point not in the subgroup")
    return pt


def verify_groth16(verification_key: Mapping[str, Any], public_signals: Sequence[str], proof: Mapping[str, Any]) -> bool:
    """Groth16 verification of snarkjs JSON (verification_key.json, proof.json, public signals as decimal strings).

    False for a proof that does not verify or is malformed; never raises on bad input.
    """
    try:
        from py_ecc.optimized_bn128 import FQ12, add, multiply, neg, pairing, final_exponentiate
        ic = verification_key["IC"]
        if len(public_signals) != len(ic) - 1:
            return False
        signals = [int(s) for s in public_signals]
        if any(s < 0 or s >= R for s in signals):
            return False
        a, bb, c = _g1(proof["pi_a"]), _g2(proof["pi_b"]), _g1(proof["pi_c"])
        vk_x = _g1(ic[0])
        for s, point in zip(signals, ic[1:]):
            if s:
                vk_x = add(vk_x, multiply(_g1(point), s))
        alpha, beta = _g1(verification_key["vk_alpha_1"]), _g2(verification_key["vk_beta_2"])
        gamma, delta = _g2(verification_key["vk_gamma_2"]), _g2(verification_key["vk_delta_2"])
        # e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1, one final exponentiation.
        acc = FQ12.one()
        for g2, g1 in ((bb, neg(a)), (beta, alpha), (gamma, vk_x), (delta, c)):
            acc = acc * pairing(g2, g1, final_exponentiate=False)
        return final_exponentiate(acc) == FQ12.one()
    except Exception:  # malformed input of any kind is a failed verification
        return False
