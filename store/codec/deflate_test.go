package codec

import (
	"bytes"
	stdflate "compress/flate"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"encoding/binary"
	stdadler32 "hash/adler32"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// samples are chunks of the kinds stored: random bytes (stored blocks), text-like runs
// (long matches, overlapping copies), shuffled floats (literal-heavy), zeros.
func samples() map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	out := map[string][]byte{"empty": {}, "one": {7}, "zeros": make([]byte, 300_000)}
	random := make([]byte, 100_000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	out["random"] = random
	var text bytes.Buffer
	words := []string{"chunk ", "array ", "dask ", "a", "zarr ", "the ", "\n"}
	for text.Len() < 200_000 {
		text.WriteString(words[rng.IntN(len(words))])
	}
	out["text"] = text.Bytes()
	floats := make([]byte, 4*250_000)
	for i := range 250_000 {
		binary.LittleEndian.PutUint32(floats[4*i:], math.Float32bits(float32(273+10*math.Sin(float64(i)/500)+rng.NormFloat64())))
	}
	shuffled := make([]byte, len(floats))
	Shuffle(shuffled, floats, 4)
	out["floats"], out["shuffled floats"] = floats, shuffled
	return out
}

// compressed encodes raw as zlib and gzip streams every way the libraries make them:
// stored, Huffman only, fixed and dynamic blocks, small and large windows.
func compressed(t testing.TB, raw []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, level := range []int{stdflate.HuffmanOnly, stdflate.NoCompression, 1, 5, 9} {
		var b bytes.Buffer
		w, _ := stdzlib.NewWriterLevel(&b, level)
		w.Write(raw)
		w.Close()
		out["std zlib "+string(rune('0'+level+2))] = bytes.Clone(b.Bytes())
		b.Reset()
		g, _ := stdgzip.NewWriterLevel(&b, level)
		g.Name = "chunk"
		g.Write(raw)
		g.Close()
		out["std gzip "+string(rune('0'+level+2))] = bytes.Clone(b.Bytes())
		b.Reset()
		k, _ := zlib.NewWriterLevel(&b, level)
		k.Write(raw)
		k.Close()
		out["klauspost zlib "+string(rune('0'+level+2))] = bytes.Clone(b.Bytes())
	}
	return out
}

// TestFastInflateMatchesTheStreamingDecoder: every stream the libraries write decodes on
// the fast path (not handed over) to the bytes written.
func TestFastInflateMatchesTheStreamingDecoder(t *testing.T) {
	for name, raw := range samples() {
		for how, enc := range compressed(t, raw) {
			var got []byte
			var ok bool
			if bytes.HasPrefix([]byte(how), []byte("std gzip")) {
				got, ok = inflateGzipFast(enc, len(raw))
			} else {
				got, ok = inflateZlibFast(enc, len(raw))
			}
			if !ok || !bytes.Equal(got, raw) {
				t.Fatalf("%s, %s: fast path ok=%v, equal=%v", name, how, ok, bytes.Equal(got, raw))
			}
			// The wrong size is refused by the fast path (and left to the streaming one).
			if _, ok := inflateZlibFast(enc, len(raw)+1); ok {
				t.Fatalf("%s, %s: decoded into one byte more than it holds", name, how)
			}
		}
	}
}

// FuzzInflate: on any bytes, the fast path either declines or gives exactly what the
// streaming decoder gives; InflateZlib never panics and never returns more than asked.
func FuzzInflate(f *testing.F) {
	for _, raw := range samples() {
		if len(raw) > 20_000 {
			raw = raw[:20_000]
		}
		for _, enc := range compressed(f, raw) {
			f.Add(enc, len(raw))
		}
	}
	f.Fuzz(func(t *testing.T, enc []byte, size int) {
		if size < 0 || size > 1<<20 {
			return
		}
		want, werr := zlibStreaming(enc, size)
		got, ok := inflateZlibFast(enc, size)
		if ok && (werr != nil || !bytes.Equal(got, want)) {
			t.Fatalf("fast path gave %d bytes, the streaming decoder %d (%v)", len(got), len(want), werr)
		}
		out, err := InflateZlib(enc, size)
		if err == nil && len(out) > size+1 {
			t.Fatalf("%d bytes for %d", len(out), size)
		}
		if g, ok := inflateGzipFast(enc, size); ok && len(g) != size {
			t.Fatalf("gzip fast path: %d bytes for %d", len(g), size)
		}
	})
}

// zlibStreaming is the streaming decoder alone, checked for size as chunks are.
func zlibStreaming(enc []byte, size int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(enc))
	if err != nil {
		return nil, err
	}
	raw, err := ReadLimited(r, size)
	if err != nil {
		return nil, err
	}
	return CheckSize("zlib", raw, size)
}

// BenchmarkInflate decodes a 4 MB chunk of shuffled float32 (as netCDF-4 stores them,
// zlib level 1) with the fast path and with the streaming decoder.
func BenchmarkInflate(b *testing.B) {
	raw := samples()["shuffled floats"]
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, 1)
	for range 4 {
		w.Write(raw)
	}
	w.Close()
	full := bytes.Repeat(raw, 4)
	enc := buf.Bytes()
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(full)))
		for b.Loop() {
			if out, ok := inflateZlibFast(enc, len(full)); !ok || len(out) != len(full) {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("streaming", func(b *testing.B) {
		b.SetBytes(int64(len(full)))
		for b.Loop() {
			if _, err := zlibStreaming(enc, len(full)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestAdler32MatchesTheStandardLibrary on every length to a few blocks, and on bytes that
// make the sums largest.
func TestAdler32MatchesTheStandardLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 3*5552+17)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	ones := bytes.Repeat([]byte{0xff}, 20000)
	for n := range len(data) + 1 {
		if got, want := adler32(data[:n]), stdadler32.Checksum(data[:n]); got != want {
			t.Fatalf("%d bytes: %08x, want %08x", n, got, want)
		}
	}
	if got, want := adler32(ones), stdadler32.Checksum(ones); got != want {
		t.Fatalf("0xff bytes: %08x, want %08x", got, want)
	}
}
