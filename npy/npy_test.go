package npy_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// expected rebuilds the values tools/golden/nd_golden.py saved for dtype dt.
func expected(t *testing.T, dt nd.DType) *nd.Array {
	t.Helper()
	base, _ := nd.Arange(nd.Float64, 0, 24, 1)
	base, _ = base.Reshape(2, 3, 4)
	var v *nd.Array
	var err error
	switch {
	case dt == nd.Bool:
		m, _ := nd.Binary(nd.Mod, base, nd.Scalar(3.0))
		v, err = nd.Binary(nd.Equal, m, nd.Scalar(0.0))
	case dt.Kind() == 'u':
		v = base
	case dt.Kind() == 'i':
		v, err = nd.Binary(nd.Subtract, base, nd.Scalar(5.0))
	default:
		half, _ := nd.Binary(nd.Multiply, base, nd.Scalar(0.5))
		v, err = nd.Binary(nd.Subtract, half, nd.Scalar(3.0))
		if dt.IsComplex() {
			im, _ := nd.Binary(nd.Multiply, base, nd.Scalar(complex(0, 1)))
			v, err = nd.Binary(nd.Add, v, im)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	out, _ := v.AsType(dt)
	return out
}

func sameValues(a, b *nd.Array) bool {
	if a.DType() != b.DType() || nd.ShapeString(a.Shape()) != nd.ShapeString(b.Shape()) {
		return false
	}
	return bytes.Equal(a.Bytes(false), b.Bytes(false))
}

func TestReadsEveryDTypeByteOrderAndLayout(t *testing.T) {
	dir := filepath.Join("..", "nd", "testdata", "golden", "npy")
	for _, dt := range nd.DTypes {
		want := expected(t, dt)
		for _, variant := range []string{"le_C", "le_F", "be_C", "be_F"} {
			path := filepath.Join(dir, dt.String()+"_"+variant+".npy")
			got, err := npy.ReadFile(path)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if !sameValues(got, want) {
				t.Errorf("%s: read %v, want %v", path, got, want)
			}
		}
	}
	s, err := npy.ReadFile(filepath.Join(dir, "scalar.npy"))
	if err != nil || s.NDim() != 0 || nd.Values[float64](s)[0] != 2.5 {
		t.Errorf("scalar.npy: %v, %v", s, err)
	}
	e, err := npy.ReadFile(filepath.Join(dir, "empty.npy"))
	if err != nil || nd.ShapeString(e.Shape()) != "(0, 3)" || e.DType() != nd.Int32 {
		t.Errorf("empty.npy: %v, %v", e, err)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, dt := range nd.DTypes {
		want := expected(t, dt)
		for _, view := range []*nd.Array{want, want.T()} {
			path := filepath.Join(dir, dt.String()+".npy")
			if err := npy.WriteFile(path, view); err != nil {
				t.Fatal(err)
			}
			got, err := npy.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValues(got, view.Copy()) {
				t.Errorf("%v: round trip gave %v, want %v", dt, got, view)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestNumPyReadsWhatWeWrite runs NumPy on our files where it is installed (CI installs it).
func TestNumPyReadsWhatWeWrite(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skip("NumPy is not installed (apt-get install python3-numpy); skipping the NumPy read-back check")
	}
	dir := t.TempDir()
	for _, dt := range nd.DTypes {
		if err := npy.WriteFile(filepath.Join(dir, dt.String()+".npy"), expected(t, dt)); err != nil {
			t.Fatal(err)
		}
	}
	script := `
import sys, numpy as np, os
d = sys.argv[1]
base = np.arange(24).reshape(2, 3, 4)
for f in sorted(os.listdir(d)):
    t = f[:-4]; a = np.load(os.path.join(d, f)); dt = np.dtype(t)
    if dt == np.bool_: v = base % 3 == 0
    elif dt.kind == "u": v = base
    elif dt.kind == "i": v = base - 5
    elif dt.kind == "f": v = base * 0.5 - 3
    else: v = base * 0.5 - 3 + 1j * base
    assert a.dtype == dt and a.shape == (2, 3, 4), (f, a.dtype, a.shape)
    assert (a == v.astype(dt)).all(), f
    print(f)
`
	out, err := exec.Command(python, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("NumPy rejected our files: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), ".npy"); n != len(nd.DTypes) {
		t.Errorf("NumPy checked %d files, want %d:\n%s", n, len(nd.DTypes), out)
	}
}

func TestBadFilesGiveFormatErrors(t *testing.T) {
	good := new(bytes.Buffer)
	a, _ := nd.Arange(nd.Float64, 0, 6, 1)
	if err := npy.Write(good, a); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	h, err := npy.ReadHeader(bytes.NewReader(g))
	if err != nil {
		t.Fatal(err)
	}
	hdr := string(g[10:h.DataOffset])
	cases := map[string][]byte{
		"empty":          {},
		"wrong magic":    append([]byte("\x93NUMPX"), g[6:]...),
		"bad version":    append(append([]byte{}, g[:6]...), append([]byte{9, 0}, g[8:]...)...),
		"truncated data": g[:len(g)-3],
		"huge header":    append(append([]byte{}, g[:8]...), 0xff, 0xff, 0xff, 0x7f),
		"not a dict":     withHeader(g, strings.Replace(hdr, "{", "[", 1)),
		"unknown dtype":  withHeader(g, strings.Replace(hdr, "<f8", "<f2", 1)),
		"bad shape":      withHeader(g, strings.Replace(hdr, "(6,)", "(-6,)", 1)),
		"missing key":    withHeader(g, strings.Replace(hdr, "'fortran_order'", "'fortran_orde_'", 1)),
		// 2^62 elements is a count parseShape allows, but 2^65 bytes: the size once wrapped
		// to 0 and x[0, :6] printed numbers that are not in the file.
		"bytes overflow": withHeader(g, padded(hdr, strings.Replace(hdr, "(6,)", "(2147483648, 2147483648)", 1))),
	}
	for name, raw := range cases {
		_, err := npy.Read(bytes.NewReader(raw))
		if !errors.Is(err, npy.ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
	}
	if _, err := npy.ReadFile(filepath.Join(t.TempDir(), "missing.npy")); err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: error %v does not name the file", err)
	}
}

// padded fits changed into the length of orig by dropping spaces from its padding.
func padded(orig, changed string) string {
	extra := len(changed) - len(orig)
	return changed[:len(changed)-1-extra] + "\n"
}

// withHeader replaces the header text of a version 1 file, keeping its length.
func withHeader(file []byte, hdr string) []byte {
	out := append([]byte{}, file[:10]...)
	out = append(out, hdr...)
	return append(out, file[10+len(hdr):]...)
}

func FuzzRead(f *testing.F) {
	for _, dt := range []nd.DType{nd.Float64, nd.Int8, nd.Complex64, nd.Bool} {
		a, _ := nd.Zeros(dt, 2, 3)
		var b bytes.Buffer
		npy.Write(&b, a)
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := npy.Read(bytes.NewReader(raw))
		if err != nil {
			if !errors.Is(err, npy.ErrFormat) {
				t.Fatalf("error %v is not ErrFormat", err)
			}
			return
		}
		// Whatever parses must write back to a file that reads the same.
		var b bytes.Buffer
		if err := npy.Write(&b, a); err != nil {
			t.Fatal(err)
		}
		back, err := npy.Read(&b)
		if err != nil || !sameValues(back, a) && !hasNaN(a) {
			t.Fatalf("rewrite failed: %v", err)
		}
	})
}

func hasNaN(a *nd.Array) bool {
	if !a.DType().IsInexact() {
		return false
	}
	for _, v := range nd.Values[complex128](a) {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) {
			return true
		}
	}
	return false
}
