package codec

import (
	"os"
	"testing"
)

// FuzzCodecs decodes arbitrary bytes with every codec: an error or exactly the size asked.
func FuzzCodecs(f *testing.F) {
	for _, c := range []Codec{Zlib{1}, gzipCodec{1}, zstdCodec{1}, lz4Codec{}, Blosc{cname: "lz4", shuffle: 1, typesize: 4}} {
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
		for _, c := range []Codec{Raw{}, Zlib{1}, gzipCodec{1}, zstdCodec{1}, lz4Codec{}, Blosc{}} {
			raw, err := c.Decode(enc, size)
			if err == nil && len(raw) != size {
				t.Fatalf("%T decoded %d bytes, asked for %d", c, len(raw), size)
			}
		}
	})
}
