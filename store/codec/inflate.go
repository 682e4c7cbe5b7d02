//go:build !libdeflate || !cgo

package codec

import (
	"bytes"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
)

// InflateZlib and InflateGzip decode whole zlib and gzip streams of a known decoded size.
// This pure-Go version decodes with the one-shot decoder of deflate.go, and hands streams
// it does not decode to klauspost/compress's streaming decoder; building with -tags
// libdeflate uses libdeflate (C) instead.
func InflateZlib(src []byte, size int) ([]byte, error) {
	if out, ok := inflateZlibFast(src, size); ok {
		return out, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return ReadLimited(r, size)
}

func InflateGzip(src []byte, size int) ([]byte, error) {
	if out, ok := inflateGzipFast(src, size); ok {
		return out, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return ReadLimited(r, size)
}
