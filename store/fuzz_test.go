package store

import (
	"encoding/json"
	"os"
	"testing"
)

// FuzzZarrMeta feeds arbitrary .zarray documents to the metadata checks: errors, never
// panics, and a document that passes describes a usable array.
func FuzzZarrMeta(f *testing.F) {
	f.Add([]byte(`{"zarr_format":2,"shape":[13,17],"chunks":[5,6],"dtype":"<f8","compressor":{"id":"zlib","level":3},"fill_value":0.0,"order":"C","filters":null}`))
	f.Add([]byte(`{"zarr_format":2,"shape":[9],"chunks":[4],"dtype":">i4","compressor":null,"fill_value":"NaN","order":"F","filters":null,"dimension_separator":"/"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		z := &Zarr{}
		if json.Unmarshal(raw, &z.Meta) != nil {
			return
		}
		if z.init() != nil {
			return
		}
		if len(z.Meta.Chunks) != len(z.Meta.Shape) || !z.dtype.Valid() || z.codec == nil {
			t.Fatalf("accepted a bad description: %+v", z.Meta)
		}
		_ = z.ChunkKey(make([]int, len(z.Meta.Shape)))
	})
}

// FuzzCodecs decodes arbitrary bytes with every codec: an error or exactly the size asked.
func FuzzCodecs(f *testing.F) {
	for _, c := range []Codec{zlibCodec{1}, gzipCodec{1}, zstdCodec{1}, lz4Codec{}, bloscCodec{cname: "lz4", shuffle: 1, typesize: 4}} {
		enc, _ := c.Encode([]byte("some chunk bytes, some chunk bytes, some chunk bytes"))
		f.Add(enc, 52)
	}
	if bomb, err := os.ReadFile("testdata/bombs/zeros-1GiB.zst"); err == nil {
		f.Add(bomb, 4096)
	}
	f.Add([]byte{2, 1, 1, 8, 0xff, 0xff, 0xff, 0x7f, 0, 16, 0, 0, 28, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4096)
	f.Fuzz(func(t *testing.T, enc []byte, size int) {
		if size < 0 || size > 1<<20 {
			return
		}
		for _, c := range []Codec{rawCodec{}, zlibCodec{1}, gzipCodec{1}, zstdCodec{1}, lz4Codec{}, bloscCodec{}} {
			raw, err := c.Decode(enc, size)
			if err == nil && len(raw) != size {
				t.Fatalf("%T decoded %d bytes, asked for %d", c, len(raw), size)
			}
		}
	})
}
