package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalText prints and selects string datasets as NumPy prints and selects arrays of
// strings (tools/golden/text_golden.py): quoting, wrapping, summarising, indexing.
func TestEvalText(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cli")
	raw, err := os.ReadFile(filepath.Join(dir, "text.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]string
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected) < 20 {
		t.Fatalf("%d golden cases", len(expected))
	}
	for key, want := range expected {
		name, expr, _ := strings.Cut(key, " ")
		out, e, code := runCLI(t, "eval", "-i", "s="+filepath.Join(dir, "text.h5")+":/"+name, expr)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", key, code, e)
			continue
		}
		if strings.TrimSuffix(out, "\n") != want {
			t.Errorf("%s printed\n%s\nNumPy prints\n%s", key, out, want)
		}
	}
}

// TestTextIsNotNumbers: arithmetic, functions and storing refuse text with a clear error,
// naming the operation; a netCDF-3 character variable is text too.
func TestTextIsNotNumbers(t *testing.T) {
	h5 := "s=" + filepath.Join("..", "..", "testdata", "cli", "text.h5") + ":/grid"
	for expr, want := range map[string]string{
		"s + 1":         "+: the operand is text",
		"s.mean()":      ".mean: the operand is text",
		"sum(s)":        "got text (strings) of shape (5, 12)",
		"(-s)":          "unary -: the operand is text",
		"s[0] == s[1]":  "==: the operand is text",
		"s[s]":          "an index must be",
		"s[7]":          "out of bounds",
		"s.reshape(60)": ".reshape: the operand is text",
	} {
		_, e, code := runCLI(t, "eval", "-i", h5, expr)
		if code == 0 || !strings.Contains(e, want) {
			t.Errorf("%s: exit %d, %q; want an error with %q", expr, code, e, want)
		}
	}
	_, e, code := runCLI(t, "eval", "-i", h5, "-o", filepath.Join(t.TempDir(), "out.npy"), "s")
	if code == 0 || !strings.Contains(e, "not an array of numbers") {
		t.Errorf("storing text: exit %d, %q", code, e)
	}
	out, e, code := runCLI(t, "eval", "-i", "s="+filepath.Join("..", "..", "testdata", "netcdf", "classic.nc")+":label", "s[::-1]")
	if code != 0 || out != "['down' 'south' 'up' 'north']\n" {
		t.Errorf("a netCDF-3 character variable: %q %q", out, e)
	}
}
