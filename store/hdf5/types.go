package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/darray-go/darray/nd"
)

// HDF5 datatype messages (format spec IV.A.2.d): a class, a version, 24 class bits, the
// element size, then properties whose layout depends on the class. Compound, enumeration,
// array and variable-length types nest further datatype messages.

// typeClasses names the datatype classes, for errors.
var typeClasses = [...]string{"fixed-point", "floating-point", "time", "string", "bitfield",
	"opaque", "compound", "reference", "enumeration", "variable-length", "array"}

// dtypeInfo is a parsed datatype message: the dtype darray gives and how its elements are
// stored.
type dtypeInfo struct {
	dt        nd.DType // what darray reads the elements as
	stored    nd.DType // how they are laid out: dt, or Uint16 for IEEE half precision read as float32
	bigEndian bool
	size      int
	// Integers with fewer significant bits than their size: the value is precision bits
	// from bitOffset (precision 0 for whole-byte integers).
	bitOffset, precision uint
	signed               bool
	str                  bool // fixed-length string
	vlenStr              bool // variable-length string (in the global heap)
}

// fromBytes makes an array of the stored elements, converting half precision to float32.
func (t dtypeInfo) fromBytes(raw []byte, shape ...int) (*nd.Array, error) {
	if t.precision != 0 {
		raw = t.unpackBits(raw)
	}
	a, err := nd.FromBytes(t.stored, raw, t.bigEndian, shape...)
	if err != nil || t.stored == t.dt {
		return a, err
	}
	return halfToFloat32(a)
}

// describe says how elements are stored, for errors.
func (t dtypeInfo) describe() string {
	order := "little-endian"
	if t.bigEndian {
		order = "big-endian"
	}
	switch {
	case t.stored != t.dt:
		return fmt.Sprintf("%s %d-byte %v (read as %v)", order, t.size, t.stored, t.dt)
	case t.precision != 0:
		return fmt.Sprintf("%s %d-bit integers in %d bytes", order, t.precision, t.size)
	}
	return fmt.Sprintf("%s %v", order, t.dt)
}

// plain reports whether the stored elements are the values as they are.
func (t dtypeInfo) plain() bool { return t.stored == t.dt && t.precision == 0 }

// finish turns an array read as the stored elements into the values.
func (t dtypeInfo) finish(a *nd.Array) (*nd.Array, error) {
	if t.plain() {
		return a, nil
	}
	return t.fromBytes(a.Bytes(t.bigEndian), a.Shape()...)
}

// halfToFloat32 converts IEEE 754 binary16 values held as uint16 bits.
func halfToFloat32(a *nd.Array) (*nd.Array, error) {
	bits := nd.Values[uint16](a)
	out := make([]float32, len(bits))
	for i, h := range bits {
		out[i] = halfBits(h)
	}
	return nd.FromSlice(out, a.Shape()...)
}

func halfBits(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN, payload kept
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: exactly mant * 2^-24, which float32 holds.
	v := float32(mant) / (1 << 24)
	if sign != 0 {
		v = -v
	}
	return v
}

// maxTypeDepth bounds nesting (compounds of arrays of compounds...) in hostile files.
const maxTypeDepth = 16

// h5type is the header of a datatype message.
type h5type struct {
	class, version uint8
	bits           uint32
	size           int
	props          []byte
}

func parseTypeHeader(data []byte) (h5type, bool) {
	if len(data) < 8 {
		return h5type{}, false
	}
	return h5type{
		class:   data[0] & 0x0f,
		version: data[0] >> 4,
		bits:    uint32(data[1]) | uint32(data[2])<<8 | uint32(data[3])<<16,
		size:    int(binary.LittleEndian.Uint32(data[4:])),
		props:   data[8:],
	}, true
}

func (t h5type) className() string {
	if int(t.class) < len(typeClasses) {
		return typeClasses[t.class]
	}
	return fmt.Sprintf("class %d", t.class)
}

// typeLen is the length in bytes of the datatype message at the start of data, for
// stepping over the types nested in compounds, enumerations and arrays.
func typeLen(data []byte, depth int) (int, bool) {
	t, ok := parseTypeHeader(data)
	if !ok || depth > maxTypeDepth {
		return 0, false
	}
	n := 0 // length of the properties
	switch t.class {
	case 0, 4: // fixed-point, bitfield: bit offset and precision
		n = 4
	case 1: // floating-point: offset, precision, exponent and mantissa fields, bias
		n = 12
	case 2: // time: precision
		n = 2
	case 3, 7: // string, reference: none
	case 5: // opaque: an ASCII tag, its length (padded) in the class bits
		n = int(t.bits & 0xff)
	case 6:
		members, ok := compoundMembers(t, depth)
		if !ok {
			return 0, false
		}
		n = members.length
	case 8:
		e, ok := enumMembers(t, depth)
		if !ok {
			return 0, false
		}
		n = e.length
	case 9: // variable-length: the base type
		m, ok := typeLen(t.props, depth+1)
		if !ok {
			return 0, false
		}
		n = m
	case 10: // array: rank, dimensions (and, in version 2, a permutation), base type
		_, head, ok := arrayDims(t)
		if !ok {
			return 0, false
		}
		m, ok := typeLen(t.props[head:], depth+1)
		if !ok {
			return 0, false
		}
		n = head + m
	default:
		return 0, false
	}
	if n > len(t.props) {
		return 0, false
	}
	return 8 + n, true
}

// arrayDims reads an array type's rank and the length of its properties before the base
// type.
func arrayDims(t h5type) (rank, head int, ok bool) {
	if len(t.props) < 1 {
		return 0, 0, false
	}
	rank = int(t.props[0])
	switch t.version {
	case 1, 2:
		head = 4 + 8*rank
	default:
		head = 1 + 4*rank
	}
	return rank, head, head <= len(t.props)
}

// compound is a compound type's members.
type compound struct {
	names   []string
	offsets []int
	types   [][]byte // each member's datatype message
	length  int      // bytes of all member descriptions
}

func compoundMembers(t h5type, depth int) (compound, bool) {
	var c compound
	count := int(t.bits & 0xffff)
	p, at := t.props, 0
	for range count {
		end := bytes.IndexByte(p[min(at, len(p)):], 0)
		if end < 0 {
			return c, false
		}
		name := string(p[at : at+end])
		var offset int
		if t.version < 3 {
			at += (end + 8) / 8 * 8 // the name and its terminator, padded to 8 bytes
			if at+4 > len(p) {
				return c, false
			}
			offset = int(binary.LittleEndian.Uint32(p[at:]))
			at += 4
			if t.version == 1 {
				at += 28 // rank, reserved, permutation, reserved, four dimension sizes
			}
		} else {
			at += end + 1
			width := 1 // the offset takes as few bytes as the compound's size needs
			for lim := 256; t.size >= lim && width < 4; lim <<= 8 {
				width++
			}
			if at+width > len(p) {
				return c, false
			}
			for i := range width {
				offset |= int(p[at+i]) << (8 * i)
			}
			at += width
		}
		if at > len(p) {
			return c, false
		}
		n, ok := typeLen(p[at:], depth+1)
		if !ok {
			return c, false
		}
		c.names = append(c.names, name)
		c.offsets = append(c.offsets, offset)
		c.types = append(c.types, p[at:at+n])
		at += n
	}
	c.length = at
	return c, true
}

// enumeration is an enumeration type's base type and members.
type enumeration struct {
	base   []byte
	names  []string
	values [][]byte
	length int
}

func enumMembers(t h5type, depth int) (enumeration, bool) {
	var e enumeration
	n, ok := typeLen(t.props, depth+1)
	if !ok {
		return e, false
	}
	e.base = t.props[:n]
	baseSize := int(binary.LittleEndian.Uint32(e.base[4:]))
	count := int(t.bits & 0xffff)
	p, at := t.props, n
	for range count {
		end := bytes.IndexByte(p[min(at, len(p)):], 0)
		if end < 0 {
			return e, false
		}
		e.names = append(e.names, string(p[at:at+end]))
		if t.version < 3 {
			at += (end + 8) / 8 * 8
		} else {
			at += end + 1
		}
	}
	if baseSize <= 0 || baseSize > 8 || at+count*baseSize > len(p) {
		return e, false
	}
	for range count {
		e.values = append(e.values, p[at:at+baseSize])
		at += baseSize
	}
	e.length = at
	return e, true
}

// datatype parses a datatype message into the dtype darray reads, or an error naming
// what the type is and why it is not read.
func (h *File) datatype(data []byte) (dtypeInfo, error) {
	return h.datatypeAt(data, 0)
}

func (h *File) datatypeAt(data []byte, depth int) (dtypeInfo, error) {
	t, ok := parseTypeHeader(data)
	if !ok || depth > maxTypeDepth {
		return dtypeInfo{}, h5err(h.Path, "datatype message damaged or nested too deeply")
	}
	unsupported := func(why string, args ...any) (dtypeInfo, error) {
		return dtypeInfo{}, h5err(h.Path, "%s datatype of %d bytes is not supported: %s", t.className(), t.size, fmt.Sprintf(why, args...))
	}
	switch t.class {
	case 0: // fixed-point
		return h.integer(t)
	case 1: // floating-point
		return h.float(t)
	case 3: // string
		return dtypeInfo{size: t.size, str: true}, nil
	case 9: // variable-length: h5py's Python strings, or sequences
		if t.bits&0x0f == 1 {
			return dtypeInfo{size: t.size, vlenStr: true}, nil
		}
		return unsupported("variable-length sequences (ragged arrays) have no n-d array form")
	case 6:
		return h.compoundType(t, depth)
	case 8:
		return h.enumType(t, depth)
	case 10:
		rank, _, ok := arrayDims(t)
		if !ok {
			return dtypeInfo{}, h5err(h.Path, "damaged array datatype")
		}
		return unsupported("elements that are arrays of rank %d (h5py reads them as extra axes) are not read", rank)
	case 5:
		return unsupported("opaque bytes have no numeric meaning")
	case 7:
		return unsupported("object and region references are not followed")
	case 2, 4:
		return unsupported("read it as integers with h5py or h5repack")
	}
	return unsupported("unknown class")
}

func (h *File) integer(t h5type) (dtypeInfo, error) {
	if len(t.props) < 4 {
		return dtypeInfo{}, h5err(h.Path, "damaged fixed-point datatype")
	}
	offset, precision := binary.LittleEndian.Uint16(t.props), binary.LittleEndian.Uint16(t.props[2:])
	signed := t.bits&0x08 != 0
	types := map[int]nd.DType{1: nd.Uint8, 2: nd.Uint16, 4: nd.Uint32, 8: nd.Uint64}
	if signed {
		types = map[int]nd.DType{1: nd.Int8, 2: nd.Int16, 4: nd.Int32, 8: nd.Int64}
	}
	dt, ok := types[t.size]
	if !ok {
		return dtypeInfo{}, h5err(h.Path, "fixed-point datatype of %d bytes is not supported (1, 2, 4 and 8 are)", t.size)
	}
	if precision == 0 || int(offset)+int(precision) > 8*t.size {
		return dtypeInfo{}, h5err(h.Path, "fixed-point datatype of %d bits at bit %d does not fit %d bytes", precision, offset, t.size)
	}
	info := dtypeInfo{dt: dt, stored: dt, bigEndian: t.bits&1 != 0, size: t.size}
	if int(precision) != 8*t.size { // fewer significant bits (as the N-bit filter stores them)
		info.bitOffset, info.precision, info.signed = uint(offset), uint(precision), signed
	}
	return info, nil
}

// unpackBits turns elements whose value is precision bits from bitOffset (the rest
// padding) into plain integers, sign-extended when signed, as the HDF5 library converts
// them.
func (t dtypeInfo) unpackBits(raw []byte) []byte {
	out := make([]byte, len(raw))
	for at := 0; at+t.size <= len(raw); at += t.size {
		v := getUint(raw[at:at+t.size], t.bigEndian) >> t.bitOffset & (1<<t.precision - 1)
		if t.signed && v>>(t.precision-1)&1 == 1 {
			v |= ^uint64(0) << t.precision
		}
		putUint(out[at:at+t.size], v, t.bigEndian)
	}
	return out
}

// ieee lists the floating-point layouts read: precision, exponent location and size,
// mantissa location and size, exponent bias.
var ieee = map[int][6]uint32{
	2: {16, 10, 5, 0, 10, 15},
	4: {32, 23, 8, 0, 23, 127},
	8: {64, 52, 11, 0, 52, 1023},
}

func (h *File) float(t h5type) (dtypeInfo, error) {
	if len(t.props) < 12 {
		return dtypeInfo{}, h5err(h.Path, "damaged floating-point datatype")
	}
	p := t.props
	got := [6]uint32{uint32(binary.LittleEndian.Uint16(p[2:])), uint32(p[4]), uint32(p[5]), uint32(p[6]), uint32(p[7]), binary.LittleEndian.Uint32(p[8:])}
	want, known := ieee[t.size]
	if !known || got != want || binary.LittleEndian.Uint16(p) != 0 {
		return dtypeInfo{}, h5err(h.Path, "floating-point datatype of %d bytes with layout %v is not supported (IEEE 754 half, single and double are)", t.size, got)
	}
	if t.bits&0x40 != 0 {
		return dtypeInfo{}, h5err(h.Path, "floating-point datatype in VAX byte order is not supported")
	}
	info := dtypeInfo{bigEndian: t.bits&1 != 0, size: t.size}
	switch t.size {
	case 2:
		info.dt, info.stored = nd.Float32, nd.Uint16 // no float16 in darray: widened exactly
	case 4:
		info.dt, info.stored = nd.Float32, nd.Float32
	default:
		info.dt, info.stored = nd.Float64, nd.Float64
	}
	return info, nil
}

// compoundType reads h5py's complex numbers, a compound of two equal floats named {r, i}
// (or {real, imag}) at offsets 0 and half the size; other compounds are refused with their
// fields named.
func (h *File) compoundType(t h5type, depth int) (dtypeInfo, error) {
	c, ok := compoundMembers(t, depth)
	if !ok {
		return dtypeInfo{}, h5err(h.Path, "damaged compound datatype")
	}
	var fields []string
	var members []dtypeInfo
	for i, name := range c.names {
		m, err := h.datatypeAt(c.types[i], depth+1)
		desc := name
		if err == nil && m.dt != 0 {
			desc += " " + m.dt.String()
		} else if mt, ok := parseTypeHeader(c.types[i]); ok {
			desc += " " + mt.className()
		}
		fields = append(fields, desc)
		members = append(members, m)
	}
	complexNames := len(c.names) == 2 && (c.names[0] == "r" && c.names[1] == "i" || c.names[0] == "real" && c.names[1] == "imag")
	if complexNames && members[0].dt.IsFloat() && members[0] == members[1] && members[0].stored == members[0].dt &&
		c.offsets[0] == 0 && c.offsets[1] == members[0].size && t.size == 2*members[0].size {
		dt := nd.Complex64
		if members[0].dt == nd.Float64 {
			dt = nd.Complex128
		}
		return dtypeInfo{dt: dt, stored: dt, bigEndian: members[0].bigEndian, size: t.size}, nil
	}
	return dtypeInfo{}, h5err(h.Path, "compound datatype {%s} of %d bytes is not supported: only complex numbers, {r, i} or {real, imag} of two equal floats, are read",
		strings.Join(fields, ", "), t.size)
}

// enumType reads an enumeration as its base integers, as h5py does, except h5py's own
// booleans: a one-byte enumeration of exactly FALSE=0 and TRUE=1.
func (h *File) enumType(t h5type, depth int) (dtypeInfo, error) {
	e, ok := enumMembers(t, depth)
	if !ok {
		return dtypeInfo{}, h5err(h.Path, "damaged enumeration datatype")
	}
	base, err := h.datatypeAt(e.base, depth+1)
	if err != nil {
		return dtypeInfo{}, err
	}
	if !base.dt.IsInteger() {
		return dtypeInfo{}, h5err(h.Path, "enumeration of %s is not supported", base.dt)
	}
	if base.size == 1 && len(e.names) == 2 && e.names[0] == "FALSE" && e.names[1] == "TRUE" && e.values[0][0] == 0 && e.values[1][0] == 1 {
		return dtypeInfo{dt: nd.Bool, stored: nd.Bool, size: 1}, nil
	}
	return base, nil
}

// isCommittedType reports whether an object header holds a committed (named) datatype: a
// datatype message and no dataspace or layout.
func isCommittedType(msgs []message) bool {
	hasType := false
	for _, m := range msgs {
		switch m.kind {
		case 0x03:
			hasType = true
		case 0x01, 0x08, 0x11, 0x02, 0x06:
			return false
		}
	}
	return hasType
}

// messageType parses a dataset's datatype message, following it to the committed datatype
// it names when it is shared.
func (h *File) messageType(m message) (dtypeInfo, error) {
	if m.flags&0x02 == 0 {
		return h.datatype(m.data)
	}
	data, err := h.sharedType(m.data)
	if err != nil {
		return dtypeInfo{}, err
	}
	return h.datatype(data)
}

// sharedType reads a shared message reference (format spec IV.A.2.a) to a committed
// datatype and returns that datatype's message.
func (h *File) sharedType(ref []byte) ([]byte, error) {
	r := reader{b: ref, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	kind := r.u8()
	switch {
	case version == 1:
		r.take(6) // reserved
	case version == 2:
	case version == 3 && kind == 2: // in an object header
	case version == 3:
		return nil, h5err(h.Path, "datatype shared in the file's shared-message heap is not supported")
	default:
		return nil, h5err(h.Path, "shared message of version %d", version)
	}
	addr := r.addr()
	if r.bad {
		return nil, h5err(h.Path, "truncated shared datatype reference")
	}
	msgs, err := h.messages(addr)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if m.kind == 0x03 {
			if m.flags&0x02 != 0 {
				return nil, h5err(h.Path, "committed datatype at %d is itself shared", addr)
			}
			return m.data, nil
		}
	}
	return nil, h5err(h.Path, "no committed datatype at %d", addr)
}
