//go:build libdeflate && cgo

package codec

// #cgo LDFLAGS: -ldeflate
// #include <libdeflate.h>
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

// Decompressors are not safe for concurrent use and cost an allocation to make: a pool.
var decompressors = sync.Pool{New: func() any { return C.libdeflate_alloc_decompressor() }}

func inflateWith(src []byte, size int, gzip bool) ([]byte, error) {
	d := decompressors.Get().(*C.struct_libdeflate_decompressor)
	if d == nil {
		return nil, errors.New("libdeflate: out of memory")
	}
	defer decompressors.Put(d)
	out := make([]byte, size)
	var actual C.size_t
	var in, outp unsafe.Pointer
	if len(src) > 0 {
		in = unsafe.Pointer(&src[0])
	}
	if size > 0 {
		outp = unsafe.Pointer(&out[0])
	}
	var r C.enum_libdeflate_result
	if gzip {
		r = C.libdeflate_gzip_decompress(d, in, C.size_t(len(src)), outp, C.size_t(size), &actual)
	} else {
		r = C.libdeflate_zlib_decompress(d, in, C.size_t(len(src)), outp, C.size_t(size), &actual)
	}
	switch r {
	case C.LIBDEFLATE_SUCCESS:
		return out[:actual], nil
	case C.LIBDEFLATE_INSUFFICIENT_SPACE:
		return nil, fmt.Errorf("stream decodes to more than %d bytes", size)
	}
	return nil, fmt.Errorf("corrupt stream (libdeflate result %d)", int(r))
}

func InflateZlib(src []byte, size int) ([]byte, error) { return inflateWith(src, size, false) }

func InflateGzip(src []byte, size int) ([]byte, error) { return inflateWith(src, size, true) }
