package store

import (
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
)

// HDF5 filters: the pipeline a chunk went through when written, undone in reverse order.
// Each stage knows the size it must produce, so a damaged or hostile chunk cannot make a
// decoder allocate more.

// filterNames are the filters darray undoes, by HDF5 filter ID.
var filterNames = map[uint16]string{1: "gzip", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
	32000: "lzf", 32001: "blosc", 307: "bzip2", 305: "lzo", 32004: "lz4", 32015: "zstd", 32008: "bitshuffle"}

// String names a filter by its ID (by the file's own name for it when darray does not
// know the ID).
func (f Filter) String() string {
	if n, ok := filterNames[f.ID]; ok {
		return n
	}
	if f.Name != "" {
		return f.Name
	}
	return "unregistered"
}

func undoFilter(f Filter, raw []byte, size, elem int) ([]byte, error) {
	switch f.ID {
	case 1: // deflate
		out, err := inflateZlib(raw, size)
		if err != nil {
			return nil, fmt.Errorf("deflate: %w", err)
		}
		return checkSize("deflate", out, size)
	case 2: // shuffle
		typesize := elem
		if len(f.Params) > 0 {
			typesize = int(f.Params[0])
		}
		out := make([]byte, len(raw))
		if typesize > 1 {
			unshuffleBytes(out, raw, typesize)
		} else {
			copy(out, raw)
		}
		return out, nil
	case 3: // fletcher32: a checksum of the data in the last four bytes
		if len(raw) != size+4 {
			return nil, fmt.Errorf("fletcher32: %d bytes where the data and checksum take %d", len(raw), size+4)
		}
		body := raw[:len(raw)-4]
		if fletcher32(body) != binary.LittleEndian.Uint32(raw[len(raw)-4:]) {
			return nil, errors.New("fletcher32 checksum mismatch: the chunk is corrupt")
		}
		return body, nil
	case 32000: // lzf
		out := make([]byte, size)
		n, err := lzfDecode(raw, out)
		if err != nil {
			return nil, err
		}
		if n != size && len(raw) == size { // stored uncompressed
			return raw, nil
		}
		return checkSize("lzf", out[:n], size)
	case 32001: // Blosc (PyTables, pandas, hdf5plugin): one Blosc frame per chunk
		out, err := bloscDecode(raw, size)
		if err != nil {
			return nil, fmt.Errorf("blosc: %w", err)
		}
		return out, nil
	case 307: // bzip2
		out, err := readLimited(bzip2.NewReader(bytes.NewReader(raw)), size)
		if err != nil {
			return nil, fmt.Errorf("bzip2: %w", err)
		}
		return checkSize("bzip2", out, size)
	}
	return nil, fmt.Errorf("filter %d (%s) is not supported", f.ID, f.String())
}

// stageSizes gives, for each filter of a pipeline, the size of the data it was given when
// the chunk was written (and so must give back when undone): the chunk's size, plus four
// bytes for each Fletcher-32 checksum added before it (netCDF puts the checksum first).
func stageSizes(filters []Filter, mask uint32, size int) []int {
	sizes := make([]int, len(filters))
	for i, f := range filters {
		sizes[i] = size
		if f.ID == 3 && mask&(1<<uint(i)) == 0 {
			size += 4
		}
	}
	return sizes
}

// fletcher32 is HDF5's checksum: Fletcher's algorithm over big-endian 16-bit words (an odd
// last byte counts as the high byte of a word), sums reduced modulo 65535.
func fletcher32(b []byte) uint32 {
	var s1, s2 uint32
	i := 0
	for i+1 < len(b) {
		s1 += uint32(b[i])<<8 | uint32(b[i+1])
		s2 += s1
		if i%720 == 718 { // reduce now and then, before the sums can overflow
			s1 = (s1 & 0xffff) + (s1 >> 16)
			s2 = (s2 & 0xffff) + (s2 >> 16)
		}
		i += 2
	}
	if i < len(b) {
		s1 += uint32(b[i]) << 8
		s2 += s1
	}
	s1 = (s1 & 0xffff) + (s1 >> 16)
	s1 = (s1 & 0xffff) + (s1 >> 16)
	s2 = (s2 & 0xffff) + (s2 >> 16)
	s2 = (s2 & 0xffff) + (s2 >> 16)
	return s2<<16 | s1
}

// lzfDecode decodes LibLZF's format: a control byte below 32 starts a literal run of that
// many plus one bytes; otherwise its top three bits (extended by the next byte when all
// set) are a length less two, and its low five bits with the next byte a distance less one.
func lzfDecode(src, dst []byte) (int, error) {
	ip, op := 0, 0
	for ip < len(src) {
		ctrl := int(src[ip])
		ip++
		if ctrl < 32 {
			n := ctrl + 1
			if op+n > len(dst) || ip+n > len(src) {
				return 0, errors.New("lzf: literal run outside the buffers")
			}
			copy(dst[op:], src[ip:ip+n])
			ip += n
			op += n
			continue
		}
		length := ctrl >> 5
		if length == 7 {
			if ip >= len(src) {
				return 0, errors.New("lzf: truncated length")
			}
			length += int(src[ip])
			ip++
		}
		if ip >= len(src) {
			return 0, errors.New("lzf: truncated distance")
		}
		ref := op - ((ctrl & 0x1f) << 8) - int(src[ip]) - 1
		ip++
		length += 2
		if ref < 0 || op+length > len(dst) {
			return 0, errors.New("lzf: reference outside the output")
		}
		for k := range length {
			dst[op+k] = dst[ref+k]
		}
		op += length
	}
	return op, nil
}
