//go:build !libdeflate || !cgo

package codec

import (
	"bytes"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
)

// InflateZlib and InflateGzip decode whole zlib and gzip streams of a known decoded size.
// This pure-Go version is the default; building with -tags libdeflate uses libdeflate (C),
// about twice as fast.
func InflateZlib(src []byte, size int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return ReadLimited(r, size)
}

func InflateGzip(src []byte, size int) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return ReadLimited(r, size)
}
