package hdf5

import (
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/darray-go/darray/store/codec"
)

// HDF5 filters: the pipeline a chunk went through when written, undone in reverse order.
// Each stage knows the size it must produce, so a damaged or hostile chunk cannot make a
// decoder allocate more.

// undoable are the filters undoFilter reverses.
var undoable = map[uint16]bool{1: true, 2: true, 3: true, 5: true, 6: true, 32000: true, 32001: true, 307: true}

// filterNames name HDF5 filters by ID, those darray undoes and the common others.
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

// shuffleTypesize is the element size a shuffle filter shuffled by: its parameter, or the
// dataset's element size.
func shuffleTypesize(f Filter, elem int) int {
	if len(f.Params) > 0 {
		return int(f.Params[0])
	}
	return elem
}

func undoFilter(f Filter, raw []byte, size, elem int) ([]byte, error) {
	switch f.ID {
	case 1: // deflate
		out, err := codec.InflateZlib(raw, size)
		if err != nil {
			return nil, fmt.Errorf("deflate: %w", err)
		}
		return codec.CheckSize("deflate", out, size)
	case 2: // shuffle
		typesize := shuffleTypesize(f, elem)
		out := make([]byte, len(raw))
		if typesize > 1 {
			codec.Unshuffle(out, raw, typesize)
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
		return codec.CheckSize("lzf", out[:n], size)
	case 32001: // Blosc (PyTables, pandas, hdf5plugin): one Blosc frame per chunk
		out, err := codec.BloscDecode(raw, size)
		if err != nil {
			return nil, fmt.Errorf("blosc: %w", err)
		}
		return out, nil
	case 5:
		return undoNbit(f.Params, raw, size)
	case 6:
		return undoScaleOffset(f.Params, raw, size)
	case 307: // bzip2
		out, err := codec.ReadLimited(bzip2.NewReader(bytes.NewReader(raw)), size)
		if err != nil {
			return nil, fmt.Errorf("bzip2: %w", err)
		}
		return codec.CheckSize("bzip2", out, size)
	}
	return nil, fmt.Errorf("filter %d (%s) is not supported", f.ID, f.String())
}

// encodable are the filters applyFilters applies: those a dataset written elsewhere may have
// for darray to grow it.
var encodable = map[uint16]bool{1: true, 2: true, 3: true}

// applyFilters runs a chunk's bytes through a pipeline, in order, as the HDF5 library does
// when it writes the chunk.
func applyFilters(filters []Filter, raw []byte, elem int) ([]byte, error) {
	for _, f := range filters {
		switch f.ID {
		case 1:
			level := 6 // the HDF5 library's default when the filter gives none
			if len(f.Params) > 0 {
				level = min(int(f.Params[0]), 9)
			}
			var err error
			if raw, err = (codec.Zlib{Level: level}).Encode(raw); err != nil {
				return nil, err
			}
		case 2:
			if typesize := shuffleTypesize(f, elem); typesize > 1 {
				shuffled := make([]byte, len(raw))
				codec.Shuffle(shuffled, raw, typesize)
				raw = shuffled
			}
		case 3:
			raw = binary.LittleEndian.AppendUint32(raw, fletcher32(raw))
		default:
			return nil, fmt.Errorf("filter %d (%s) is not one darray writes", f.ID, f)
		}
	}
	return raw, nil
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

// bitReader reads values packed most significant bit first, as HDF5's N-bit and
// scale-offset filters write them.
type bitReader struct {
	b   []byte
	pos uint64 // in bits
}

func (r *bitReader) read(n uint) (uint64, bool) {
	if n > 64 || r.pos+uint64(n) > 8*uint64(len(r.b)) {
		return 0, false
	}
	var v uint64
	for n > 0 {
		byteAt, used := r.pos/8, uint(r.pos%8)
		take := min(8-used, n)
		bits := uint64(r.b[byteAt]>>(8-used-take)) & (1<<take - 1)
		v = v<<take | bits
		r.pos += uint64(take)
		n -= take
	}
	return v, true
}

// getUint reads an element of len(b) bytes in the given byte order.
func getUint(b []byte, bigEndian bool) uint64 {
	var v uint64
	for i := range b {
		shift := 8 * uint(i)
		if bigEndian {
			shift = 8 * uint(len(b)-1-i)
		}
		v |= uint64(b[i]) << shift
	}
	return v
}

// putUint writes v as an element of size bytes in the given byte order.
func putUint(dst []byte, v uint64, bigEndian bool) {
	for i := range dst {
		shift := 8 * uint(i)
		if bigEndian {
			shift = 8 * uint(len(dst)-1-i)
		}
		dst[i] = byte(v >> shift)
	}
}

// undoNbit unpacks the N-bit filter (ID 5) for elements of one integer or floating-point
// type: each element's significant bits, precision of them from bit offset, follow one
// another in the stream; the other bits of the element are zero.
func undoNbit(params []uint32, raw []byte, size int) ([]byte, error) {
	if len(params) < 2 {
		return nil, errors.New("nbit: missing parameters")
	}
	if params[1] != 0 { // the library found nothing to pack: stored as is
		return codec.CheckSize("nbit", raw, size)
	}
	if len(params) < 8 || params[3] != 1 {
		return nil, errors.New("nbit: only atomic (integer and floating-point) element types are unpacked, not arrays or compounds")
	}
	elem, order, precision, offset := int(params[4]), params[5], uint(params[6]), uint(params[7])
	if elem < 1 || elem > 8 || size%elem != 0 || precision == 0 || precision+offset > uint(8*elem) || int(params[2]) != size/elem {
		return nil, fmt.Errorf("nbit: parameters %v do not fit %d-byte chunks", params, size)
	}
	out := make([]byte, size)
	r := bitReader{b: raw}
	for at := 0; at < size; at += elem {
		v, ok := r.read(precision)
		if !ok {
			return nil, fmt.Errorf("nbit: %d bytes hold too few bits for %d elements", len(raw), size/elem)
		}
		putUint(out[at:at+elem], v<<offset, order == 1)
	}
	return out, nil
}

// scaleOffsetHeader is the size of what the scale-offset filter puts before its packed
// values: minbits (4 bytes), the size of minval (1), minval (up to 16).
const scaleOffsetHeader = 21

// undoScaleOffset reverses the scale-offset filter (ID 6): values packed in minbits bits
// each, offsets from a minimum (integers) or, for floats (D-scaling), integers of
// value*10^D less the minimum. An all-ones field is the fill value when one is defined.
func undoScaleOffset(params []uint32, raw []byte, size int) ([]byte, error) {
	if len(params) < 8 {
		return nil, errors.New("scaleoffset: missing parameters")
	}
	// (params[5], the sign, does not matter: offsets wrap in two's complement either way.)
	scaleType, factor, class, elem, bigEndian, fillSet := params[0], int32(params[1]), params[3], int(params[4]), params[6] == 1, params[7] == 1
	if elem < 1 || elem > 8 || size%elem != 0 || int(params[2]) != size/elem || class > 1 || class == 1 && elem != 4 && elem != 8 {
		return nil, fmt.Errorf("scaleoffset: parameters %v do not fit %d-byte chunks", params, size)
	}
	if class == 1 && scaleType != 0 {
		return nil, fmt.Errorf("scaleoffset: scale type %d for floats is not supported (D-scaling is)", scaleType)
	}
	if len(raw) < scaleOffsetHeader {
		return nil, errors.New("scaleoffset: chunk shorter than its header")
	}
	minbits := uint(binary.LittleEndian.Uint32(raw))
	var minval uint64
	for i := range min(int(raw[4]), 8) {
		minval |= uint64(raw[5+i]) << (8 * i)
	}
	if minbits > uint(8*elem) {
		return nil, fmt.Errorf("scaleoffset: %d bits per %d-byte value", minbits, elem)
	}
	out := make([]byte, size)
	body := raw[scaleOffsetHeader:]
	if minbits == uint(8*elem) { // stored whole, in little-endian order
		if len(body) < size {
			return nil, errors.New("scaleoffset: chunk shorter than its values")
		}
		for at := 0; at < size; at += elem {
			putUint(out[at:at+elem], getUint(body[at:at+elem], false), bigEndian)
		}
		return out, nil
	}
	var fill uint64 // the fill value's bits, little-endian in the parameters from the ninth on
	for i := range elem {
		if k := 8 + i/4; k < len(params) {
			fill |= uint64(params[k]>>(8*(i%4))&0xff) << (8 * i)
		}
	}
	allOnes := uint64(1)<<minbits - 1
	width := uint(8 * elem)
	r := bitReader{b: body}
	for at := 0; at < size; at += elem {
		var v uint64
		if minbits > 0 {
			var ok bool
			if v, ok = r.read(minbits); !ok {
				return nil, fmt.Errorf("scaleoffset: %d bytes hold too few bits for %d elements", len(body), size/elem)
			}
		}
		var bits uint64
		switch {
		case fillSet && minbits > 0 && v == allOnes:
			bits = fill
		case class == 0: // integers: offsets from the minimum, wrapping as C's do
			bits = v + minval
		default: // floats: v/10^D + min, in the element's own precision
			bits = scaledFloat(v, minval, factor, elem)
		}
		if width < 64 {
			bits &= 1<<width - 1
		}
		putUint(out[at:at+elem], bits, bigEndian)
	}
	return out, nil
}

// scaledFloat decodes one D-scaled float: the packed value read as a signed integer of the
// float's width, divided by 10^D, plus the minimum (stored as the float's bits).
func scaledFloat(v, minval uint64, d int32, elem int) uint64 {
	if elem == 4 {
		scale := float32(math.Pow(10, float64(d)))
		x := float32(int32(uint32(v)))/scale + math.Float32frombits(uint32(minval))
		return uint64(math.Float32bits(x))
	}
	x := float64(int64(v))/math.Pow(10, float64(d)) + math.Float64frombits(minval)
	return math.Float64bits(x)
}

// Filter is one filter of a dataset's pipeline.
type Filter struct {
	ID     uint16
	Name   string
	Params []uint32
}

func (h *File) filters(data []byte) ([]Filter, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	n := int(r.u8())
	if version == 1 {
		r.take(6)
	}
	var out []Filter
	for range n {
		f := Filter{ID: r.u16()}
		nameLen := 0
		if version == 1 || f.ID >= 256 {
			nameLen = int(r.u16())
		}
		r.u16() // flags
		nvals := int(r.u16())
		if nameLen > 0 {
			if version == 1 {
				nameLen = (nameLen + 7) / 8 * 8
			}
			f.Name = string(bytes.TrimRight(r.take(nameLen), "\x00"))
		}
		for range nvals {
			f.Params = append(f.Params, r.u32())
		}
		if version == 1 && nvals%2 == 1 {
			r.u32()
		}
		if r.bad {
			return nil, errors.New("truncated filter pipeline")
		}
		out = append(out, f)
	}
	return out, nil
}
