// Package codec compresses and decompresses the chunks of Zarr arrays and HDF5 datasets:
// zlib, gzip, zstd, LZ4 and Blosc (with its byte and bit shuffles, and reads of byte ranges
// that decode only the Blosc blocks they need), configured as numcodecs configures them.
// Every decoder is told the size its chunk must decode to and stops there: a damaged or
// hostile chunk is an error, never a larger allocation (a decompression bomb). It imports
// nothing of darray's storage, which builds on it.
package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Codec compresses and decompresses chunk bytes.
type Codec interface {
	Encode(raw []byte) ([]byte, error)
	// Decode returns the raw bytes of a chunk whose decoded size must be size.
	Decode(enc []byte, size int) ([]byte, error)
}

// codecConfig is a numcodecs-style codec description: {"id": "zlib", "level": 1}.
type codecConfig struct {
	ID        string `json:"id"`
	Level     *int   `json:"level,omitempty"`
	CName     string `json:"cname,omitempty"` // blosc
	CLevel    int    `json:"clevel,omitempty"`
	Shuffle   int    `json:"shuffle,omitempty"`
	BlockSize int    `json:"blocksize,omitempty"`
}

// New returns the codec a numcodecs configuration describes (nil config means none)
// for elements of typesize bytes.
func New(config json.RawMessage, typesize int) (Codec, error) {
	if len(config) == 0 || string(config) == "null" {
		return Raw{}, nil
	}
	var c codecConfig
	if err := json.Unmarshal(config, &c); err != nil {
		return nil, fmt.Errorf("bad compressor %s: %w", config, err)
	}
	level := func(def int) int {
		if c.Level != nil {
			return *c.Level
		}
		return def
	}
	switch c.ID {
	case "zlib":
		return Zlib{level(1)}, nil
	case "gzip":
		return gzipCodec{level(1)}, nil
	case "zstd":
		return zstdCodec{level(1)}, nil
	case "lz4":
		return lz4Codec{}, nil
	case "blosc":
		if _, ok := bloscCodecs[c.CName]; !ok {
			return nil, fmt.Errorf("blosc cname %q is not supported (blosclz, lz4, lz4hc, zlib, zstd are)", c.CName)
		}
		return Blosc{cname: c.CName, clevel: c.CLevel, shuffle: c.Shuffle, typesize: typesize, blocksize: c.BlockSize}, nil
	}
	return nil, fmt.Errorf("unsupported compressor %q (supported: blosc, zlib, gzip, zstd, lz4, none)", c.ID)
}

// CheckSize turns a wrong decoded size into an error naming both sizes.
func CheckSize(name string, raw []byte, size int) ([]byte, error) {
	if len(raw) != size {
		return nil, fmt.Errorf("%s chunk decodes to %d bytes, expected %d", name, len(raw), size)
	}
	return raw, nil
}

// ReadLimited reads the size bytes a stream should decode to, straight into a buffer of
// that size, and one more byte to tell a stream that is too long; a short or corrupt
// stream gives what it has (and its error), never more than size bytes.
func ReadLimited(r io.Reader, size int) ([]byte, error) {
	buf := make([]byte, size)
	n, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return buf[:n], nil
	}
	if err != nil {
		return buf[:n], err
	}
	// Read on to the end of the stream: zlib's Adler-32 and gzip's CRC-32 are checked only
	// there, and a damaged chunk must be an error, not numbers.
	var extra [1]byte
	m, err := r.Read(extra[:])
	if m > 0 {
		return append(buf, extra[0]), nil // too long: CheckSize reports it
	}
	if err != nil && err != io.EOF {
		return buf, err
	}
	return buf, nil
}

// Raw stores bytes as they are.
type Raw struct{}

func (Raw) Encode(raw []byte) ([]byte, error) { return raw, nil }
func (Raw) Decode(enc []byte, size int) ([]byte, error) {
	return CheckSize("uncompressed", enc, size)
}

// Zlib is zlib (deflate with an Adler-32 checksum), as numcodecs' zlib and HDF5's gzip
// filter store it, at a compression level of 1-9.
type Zlib struct{ Level int }

func (c Zlib) Encode(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, c.Level)
	if err != nil {
		return nil, err
	}
	w.Write(raw)
	err = w.Close()
	return b.Bytes(), err
}

func (Zlib) Decode(enc []byte, size int) ([]byte, error) {
	raw, err := InflateZlib(enc, size)
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	return CheckSize("zlib", raw, size)
}

type gzipCodec struct{ level int }

func (c gzipCodec) Encode(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, c.level)
	if err != nil {
		return nil, err
	}
	w.Write(raw)
	err = w.Close()
	return b.Bytes(), err
}

func (gzipCodec) Decode(enc []byte, size int) ([]byte, error) {
	raw, err := InflateGzip(enc, size)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return CheckSize("gzip", raw, size)
}

type zstdCodec struct{ level int }

// The zstd decoder is safe for concurrent use and costly to make: one for all. DecodeAll
// stops at the capacity of the buffer it is given (the size a chunk should decode to), so
// a small frame that claims or inflates to gigabytes is an error, not an allocation.
var zstdDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecodeAllCapLimit(true))

func (c zstdCodec) Encode(raw []byte) ([]byte, error) {
	// A single-segment frame always records its content size, which numcodecs' decoder
	// requires (without the flag, frames of under 256 bytes omit it).
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(c.level)), zstd.WithEncoderConcurrency(1), zstd.WithSingleSegment(true))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	return enc.EncodeAll(raw, nil), nil
}

func (zstdCodec) Decode(enc []byte, size int) ([]byte, error) {
	raw, err := zstdDecoder.DecodeAll(enc, make([]byte, 0, size))
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return nil, fmt.Errorf("zstd chunk decodes to more than the %d bytes expected", size)
	}
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return CheckSize("zstd", raw, size)
}

// lz4Codec is numcodecs' LZ4: a little-endian uint32 of the decoded size, then one LZ4 block.
type lz4Codec struct{}

func (lz4Codec) Encode(raw []byte) ([]byte, error) {
	out := make([]byte, 4+lz4.CompressBlockBound(len(raw)))
	binary.LittleEndian.PutUint32(out, uint32(len(raw)))
	n, err := lz4.CompressBlock(raw, out[4:], nil)
	if err != nil {
		return nil, err
	}
	if n == 0 && len(raw) > 0 { // incompressible: LZ4 wants a literal block
		return nil, fmt.Errorf("lz4: incompressible chunk of %d bytes", len(raw))
	}
	return out[:4+n], nil
}

func (lz4Codec) Decode(enc []byte, size int) ([]byte, error) {
	if len(enc) < 4 {
		return nil, fmt.Errorf("lz4: chunk of %d bytes is too short", len(enc))
	}
	n := int(binary.LittleEndian.Uint32(enc))
	if n != size {
		return nil, fmt.Errorf("lz4 chunk says %d bytes, expected %d", n, size)
	}
	raw := make([]byte, size)
	got, err := lz4.UncompressBlock(enc[4:], raw)
	if err != nil {
		return nil, fmt.Errorf("lz4: %w", err)
	}
	return CheckSize("lz4", raw[:got], size)
}
