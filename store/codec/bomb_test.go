package codec

import (
	"encoding/binary"
	"os"
	"runtime"
	"strings"
	"testing"
)

// allocated runs f and reports the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Decompression bombs are refused with an error, allocating about what the chunk should
// decode to, not what the frame claims or inflates to.
func TestDecoderBombs(t *testing.T) {
	zst, err := os.ReadFile("testdata/bombs/zeros-1GiB.zst") // 32 KB: zstd level 19 of 1 GiB of zeros
	if err != nil {
		t.Fatal(err)
	}
	// A Blosc header claiming 2^31-1 bytes in 4 KiB blocks, in a 28-byte frame.
	blosc := make([]byte, 28)
	blosc[0], blosc[1], blosc[2], blosc[3] = 2, 1, 0x01, 8
	binary.LittleEndian.PutUint32(blosc[4:], 1<<31-1)
	binary.LittleEndian.PutUint32(blosc[8:], 4096)
	binary.LittleEndian.PutUint32(blosc[12:], 28)
	// The same claim, stored uncompressed (memcpyed).
	stored := append([]byte{}, blosc...)
	stored[2] = 0x02
	zstBlosc := append([]byte{}, blosc...) // and one claiming 1 MiB in zstd blocks
	zstBlosc[2] = 0x00 | 4<<5
	binary.LittleEndian.PutUint32(zstBlosc[4:], 1<<20)
	binary.LittleEndian.PutUint32(zstBlosc[8:], 1<<20)

	const size = 64 << 10 // what the chunk should decode to
	for _, c := range []struct {
		name  string
		codec Codec
		enc   []byte
		want  string
	}{
		{"zstd inflating to 1 GiB", zstdCodec{}, zst, "more than"},
		{"blosc header claiming 2 GiB", Blosc{}, blosc, "cannot hold the offsets"},
		{"blosc stored frame claiming 2 GiB", Blosc{}, stored, "expected"},
		{"blosc frame claiming more than the chunk", Blosc{}, zstBlosc, "expected"},
	} {
		var err error
		n := allocated(func() { _, err = c.codec.Decode(c.enc, size) })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
		if n > 32<<20 {
			t.Errorf("%s: allocated %d MB to refuse it", c.name, n>>20)
		}
	}
	// Asked for the size it claims, the zstd bomb's first bytes decode (a bounded buffer
	// and the cap turn the rest into an error, not memory).
	var zerr error
	if n := allocated(func() { _, zerr = (zstdCodec{}).Decode(zst, 1<<20) }); n > 64<<20 || zerr == nil {
		t.Errorf("zstd bomb with 1 MiB expected: %v, allocated %d MB", zerr, n>>20)
	}
}
