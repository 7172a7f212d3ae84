package trustfabric

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/iden3/go-iden3-crypto/poseidon"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// The hashing contract (the same steps as the TypeScript and Python SDKs, proven on sdk/spec/vectors):
//
//	Normalise(s)   = NFKC, trim (JavaScript's String.prototype.trim set), full Unicode lower case
//	FieldOf(s)     = int(sha256(utf8(Normalise(s)))) mod 2^248
//	PepperField(h) = int(h, 16) mod 2^248
//	leaf           = Poseidon([PepperField, FieldOf(s)])  circomlib Poseidon over BN254 (go-iden3-crypto), decimal

var fieldMask = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 248), big.NewInt(1))

// jsWhitespace is what JavaScript's trim() removes: WhiteSpace (TAB, VT, FF, ZWNBSP, every Zs) and
// LineTerminator (LF, CR, LS, PS). strings.TrimSpace differs (it strips U+0085, keeps U+FEFF).
const jsWhitespace = "\u0009\u000a\u000b\u000c\u000d\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

// Normalise is NFKC, trim, lower case (full case mapping with final sigma, like JavaScript's toLowerCase).
func Normalise(selector string) string {
	s := strings.Trim(norm.NFKC.String(selector), jsWhitespace)
	return cases.Lower(language.Und).String(s)
}

// FieldOf maps a selector to its field element.
func FieldOf(selector string) *big.Int {
	sum := sha256.Sum256([]byte(Normalise(selector)))
	return new(big.Int).And(new(big.Int).SetBytes(sum[:]), fieldMask)
}

var hexRe = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// PepperField parses a pepper (hex, optional 0x, surrounding whitespace allowed) into its field element.
func PepperField(pepperHex string) (*big.Int, error) {
	h := strings.TrimSpace(pepperHex)
	if len(h) >= 2 && (h[:2] == "0x" || h[:2] == "0X") {
		h = h[2:]
	}
	if !hexRe.MatchString(h) {
		return nil, errors.New("pepper must be hex")
	}
	v, _ := new(big.Int).SetString(h, 16)
	return v.And(v, fieldMask), nil
}

// LeafOf is the leaf of a selector under a pepper (decimal string). A query is a leaf computed the same way.
func LeafOf(selector, pepperHex string) (string, error) {
	leaves, err := LeavesOf([]string{selector}, pepperHex)
	if err != nil {
		return "", err
	}
	return leaves[0], nil
}

// LeavesOf computes the leaves of many selectors.
func LeavesOf(selectors []string, pepperHex string) ([]string, error) {
	pf, err := PepperField(pepperHex)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(selectors))
	for i, s := range selectors {
		h, err := poseidon.Hash([]*big.Int{pf, FieldOf(s)})
		if err != nil {
			return nil, err
		}
		out[i] = h.String()
	}
	return out, nil
}

// Groth16Proof is snarkjs's proof.json.
type Groth16Proof struct {
	PiA      []string   `json:"pi_a"`
	PiB      [][]string `json:"pi_b"`
	PiC      []string   `json:"pi_c"`
	Protocol string     `json:"protocol,omitempty"`
	Curve    string     `json:"curve,omitempty"`
}

// VerificationKey is snarkjs's verification_key.json (Groth16, bn128).
type VerificationKey struct {
	Protocol string     `json:"protocol"`
	Curve    string     `json:"curve"`
	NPublic  int        `json:"nPublic"`
	Alpha1   []string   `json:"vk_alpha_1"`
	Beta2    [][]string `json:"vk_beta_2"`
	Gamma2   [][]string `json:"vk_gamma_2"`
	Delta2   [][]string `json:"vk_delta_2"`
	IC       [][]string `json:"IC"`
}

var scalarOrder, _ = new(big.Int).SetString("21888242871839275222246405745257275088548364400416034343698204186575808495617", 10)

func g1(p []string) (bn254.G1Affine, error) {
	var pt bn254.G1Affine
	if len(p) < 2 {
		return pt, errors.New("G1 point needs x and y")
	}
	if _, err := pt.X.SetString(p[0]); err != nil {
		return pt, err
	}
	if _, err := pt.Y.SetString(p[1]); err != nil {
		return pt, err
	}
	if len(p) > 2 && p[2] != "1" {
		return pt, fmt.Errorf("G1 point not affine (z=%s)", p[2])
	}
	if !pt.IsOnCurve() || !pt.IsInSubGroup() {
		return pt, errors.New("G1 point not on the curve")
	}
	return pt, nil
}

func g2(p [][]string) (bn254.G2Affine, error) {
	var pt bn254.G2Affine
	if len(p) < 2 || len(p[0]) != 2 || len(p[1]) != 2 {
		return pt, errors.New("G2 point needs x and y in Fp2")
	}
	if _, err := pt.X.A0.SetString(p[0][0]); err != nil {
		return pt, err
	}
	if _, err := pt.X.A1.SetString(p[0][1]); err != nil {
		return pt, err
	}
	if _, err := pt.Y.A0.SetString(p[1][0]); err != nil {
		return pt, err
	}
	if _, err := pt.Y.A1.SetString(p[1][1]); err != nil {
		return pt, err
	}
	if len(p) > 2 && (len(p[2]) != 2 || p[2][0] != "1" || p[2][1] != "0") {
		return pt, errors.New("G2 point not affine")
	}
	if !pt.IsOnCurve() || !pt.IsInSubGroup() {
		return pt, errors.New("G2 point not on the curve or not in the subgroup")
	}
	return pt, nil
}

// VerifyGroth16 verifies a snarkjs Groth16 proof (public signals as decimal strings) with gnark-crypto's
// BN254 pairing. False for a proof that does not verify or is malformed.
func VerifyGroth16(vk VerificationKey, publicSignals []string, proof Groth16Proof) bool {
	ok, err := verifyGroth16(vk, publicSignals, proof)
	return ok && err == nil
}

func verifyGroth16(vk VerificationKey, publicSignals []string, proof Groth16Proof) (bool, error) {
	if len(vk.IC) != len(publicSignals)+1 {
		return false, errors.New("wrong number of public signals")
	}
	a, err := g1(proof.PiA)
	if err != nil {
		return false, err
	}
	b, err := g2(proof.PiB)
	if err != nil {
		return false, err
	}
	c, err := g1(proof.PiC)
	if err != nil {
		return false, err
	}
	alpha, err := g1(vk.Alpha1)
	if err != nil {
		return false, err
	}
	beta, err := g2(vk.Beta2)
	if err != nil {
		return false, err
	}
	gamma, err := g2(vk.Gamma2)
	if err != nil {
		return false, err
	}
	delta, err := g2(vk.Delta2)
	if err != nil {
		return false, err
	}
	ic0, err := g1(vk.IC[0])
	if err != nil {
		return false, err
	}
	var acc bn254.G1Jac
	acc.FromAffine(&ic0)
	for i, s := range publicSignals {
		v, ok := new(big.Int).SetString(s, 10)
		if !ok || v.Sign() < 0 || v.Cmp(scalarOrder) >= 0 {
			return false, fmt.Errorf("public signal %d is not a field element", i)
		}
		ic, err := g1(vk.IC[i+1])
		if err != nil {
			return false, err
		}
		var term bn254.G1Jac
		term.FromAffine(&ic)
		term.ScalarMultiplication(&term, v)
		acc.AddAssign(&term)
	}
	var vkX, negA bn254.G1Affine
	vkX.FromJacobian(&acc)
	negA.Neg(&a)
	// e(-A, B) · e(alpha, beta) · e(vk_x, gamma) · e(C, delta) == 1
	return bn254.PairingCheck([]bn254.G1Affine{negA, alpha, vkX, c}, []bn254.G2Affine{b, beta, gamma, delta})
}
