package zarr

import (
	"encoding/json"
	"testing"
)

// FuzzZarrMeta feeds arbitrary .zarray documents to the metadata checks: errors, never
// panics, and a document that passes describes a usable array.
func FuzzZarrMeta(f *testing.F) {
	f.Add([]byte(`{"zarr_format":2,"shape":[13,17],"chunks":[5,6],"dtype":"<f8","compressor":{"id":"zlib","level":3},"fill_value":0.0,"order":"C","filters":null}`))
	f.Add([]byte(`{"zarr_format":2,"shape":[9],"chunks":[4],"dtype":">i4","compressor":null,"fill_value":"NaN","order":"F","filters":null,"dimension_separator":"/"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		z := &V2{}
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
