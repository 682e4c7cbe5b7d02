//go:build !libdeflate || !cgo

package store

import (
	"bytes"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
)

// inflateZlib and inflateGzip decode whole zlib and gzip streams of a known decoded size.
// This pure-Go version is the default; building with -tags libdeflate uses libdeflate (C),
// about twice as fast.
func inflateZlib(src []byte, size int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return readLimited(r, size)
}

func inflateGzip(src []byte, size int) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return readLimited(r, size)
}
