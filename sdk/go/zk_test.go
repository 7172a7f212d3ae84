package trustfabric

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, name string, out any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "spec", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

func TestSelectorVectors(t *testing.T) {
	var cases []struct{ Selector, Normalised, Field, PepperHex, Leaf string }
	load(t, "selectors.json", &cases)
	if len(cases) < 5 {
		t.Fatal("too few vectors")
	}
	for _, c := range cases {
		if got := Normalise(c.Selector); got != c.Normalised {
			t.Errorf("Normalise(%q) = %q, want %q", c.Selector, got, c.Normalised)
		}
		if got := FieldOf(c.Selector).String(); got != c.Field {
			t.Errorf("FieldOf(%q) = %s", c.Selector, got)
		}
		leaf, err := LeafOf(c.Selector, c.PepperHex)
		if err != nil || leaf != c.Leaf {
			t.Errorf("LeafOf(%q) = %s, %v; want %s", c.Selector, leaf, err, c.Leaf)
		}
	}
}

func TestNormalisationEdgeCasesMatchJavaScript(t *testing.T) {
	var cases []struct{ Input, Normalised, Field string }
	load(t, "normalise.json", &cases)
	for _, c := range cases {
		if got := Normalise(c.Input); got != c.Normalised {
			t.Errorf("Normalise(%q) = %q, want %q", c.Input, got, c.Normalised)
		}
		if got := FieldOf(c.Input).String(); got != c.Field {
			t.Errorf("FieldOf(%q) = %s, want %s", c.Input, got, c.Field)
		}
	}
}

func TestPepperField(t *testing.T) {
	if v, err := PepperField(" 0xFF "); err != nil || v.Int64() != 255 {
		t.Fatal(v, err)
	}
	if _, err := PepperField("xyz"); err == nil {
		t.Fatal("xyz accepted")
	}
}

type groth16Case struct {
	Name, Note    string
	Vk            *VerificationKey `json:"vk"`
	Proof         Groth16Proof
	PublicSignals []string `json:"publicSignals"`
	Valid         bool
}

func TestGroth16Vectors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "spec", "vectors", "groth16*.json"))
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var cases []groth16Case
		if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
			if err := json.Unmarshal(b, &cases); err != nil {
				t.Fatal(err)
			}
		} else {
			var doc struct {
				VerificationKey VerificationKey `json:"verificationKey"`
				Cases           []groth16Case
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for _, c := range doc.Cases {
				vk := doc.VerificationKey
				c.Vk = &vk
				cases = append(cases, c)
			}
		}
		for _, c := range cases {
			n++
			if got := VerifyGroth16(*c.Vk, c.PublicSignals, c.Proof); got != c.Valid {
				t.Errorf("%s %s%s: verified %v, want %v", filepath.Base(f), c.Name, c.Note, got, c.Valid)
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d Groth16 vectors", n)
	}
	if VerifyGroth16(VerificationKey{}, nil, Groth16Proof{}) {
		t.Fatal("empty proof verified")
	}
}
