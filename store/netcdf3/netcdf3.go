// Package netcdf3 reads netCDF-3 files: the classic format (CDF-1), its 64-bit-offset
// variant (CDF-2) and CDF-5. A variable is a store.Flat over the file's bytes (record
// variables a strided one), so a window reads just its bytes; character arrays are read
// whole as text. netCDF-4 files are HDF5 files: package hdf5 reads them.
package netcdf3

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

// netCDF-3: the classic format (CDF-1), its 64-bit-offset variant (CDF-2) and CDF-5 (64-bit
// sizes and the unsigned and 64-bit integer types). A header of dimensions, attributes and
// variables in big-endian XDR, then each fixed-size variable's values back to back, then the
// records: one slab of every record variable per index of the unlimited dimension.

// ErrFormat marks a damaged or unsupported netCDF-3 file.
var ErrFormat = errors.New("netcdf")

// File is a netCDF-3 file's header.
type File struct {
	Path    string
	Version int // 1 (classic), 2 (64-bit offset) or 5 (64-bit data)
	Dims    []Dim
	Attrs   map[string]any // text as string, numbers as []float64 (or []int64 for 64-bit integers)
	Vars    []*Var
	Records int // length of the unlimited dimension
}

// Dim is a named dimension; the unlimited one has Unlimited set.
type Dim struct {
	Name      string
	Len       int
	Unlimited bool
}

// Var is a variable: its dimensions by name, attributes and where its values are.
type Var struct {
	Name     string
	DimNames []string
	Shape    []int
	DType    nd.DType // 0 for text (NC_CHAR), which darray does not read as an array
	TypeName string
	Attrs    map[string]any
	Record   bool  // its first dimension is the unlimited one
	Begin    int64 // offset of its first value
	Stride   int64 // bytes between records (record variables)
}

// netcdfTypes are the external types: the dtype, and its name in errors and listings.
var netcdfTypes = map[uint32]struct {
	dt   nd.DType
	name string
	size int
}{
	1: {nd.Int8, "byte", 1}, 2: {0, "char", 1}, 3: {nd.Int16, "short", 2}, 4: {nd.Int32, "int", 4},
	5: {nd.Float32, "float", 4}, 6: {nd.Float64, "double", 8}, 7: {nd.Uint8, "ubyte", 1},
	8: {nd.Uint16, "ushort", 2}, 9: {nd.Uint32, "uint", 4}, 10: {nd.Int64, "int64", 8}, 11: {nd.Uint64, "uint64", 8},
}

// Is reports whether the file at path starts with a netCDF-3 magic number.
func Is(path string) bool {
	f, err := store.OpenFile(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil {
		return false
	}
	return string(magic[:3]) == "CDF" && (magic[3] == 1 || magic[3] == 2 || magic[3] == 5)
}

// maxNetCDFHeader bounds the header read: no real header is near it.
const maxNetCDFHeader = 64 << 20

// Open reads a netCDF-3 file's header, checking every size and offset against the
// file.
func Open(path string) (*File, error) {
	f, err := store.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, min(f.Size(), maxNetCDFHeader))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	nc := &File{Path: path}
	if err := nc.parse(head, f.Size()); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	return nc, nil
}

// xdr reads the header's big-endian fields, stopping (with bad set) at its end.
type xdr struct {
	b    []byte
	i    int
	bad  bool
	wide bool // CDF-5: counts and lengths are 8 bytes
}

func (r *xdr) take(n int) []byte {
	if n < 0 || r.i+n > len(r.b) || r.i+n < r.i {
		r.bad = true
		r.i = len(r.b)
		return nil
	}
	out := r.b[r.i : r.i+n]
	r.i += n
	return out
}

func (r *xdr) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *xdr) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// count reads a non-negative count or length (4 bytes, or 8 in CDF-5), bounded by what
// the rest of the header could hold so that a damaged count cannot drive an allocation.
func (r *xdr) count(limit int) int {
	var v uint64
	if r.wide {
		v = r.u64()
	} else {
		v = uint64(r.u32())
	}
	if v > uint64(limit) {
		r.bad = true
		return 0
	}
	return int(v)
}

func (r *xdr) name() string {
	n := r.count(len(r.b) - r.i)
	s := string(r.take(n))
	r.take((4 - n%4) % 4)
	return s
}

func (nc *File) parse(b []byte, fileSize int64) error {
	if len(b) < 8 || string(b[:3]) != "CDF" {
		return errors.New("not a netCDF-3 file (no CDF magic number)")
	}
	nc.Version = int(b[3])
	if nc.Version != 1 && nc.Version != 2 && nc.Version != 5 {
		return fmt.Errorf("netCDF-3 version %d is not known", nc.Version)
	}
	r := &xdr{b: b, i: 4, wide: nc.Version == 5}
	var numrecs uint64
	if r.wide {
		numrecs = r.u64()
	} else {
		numrecs = uint64(r.u32())
	}
	streaming := numrecs == math.MaxUint32 || numrecs == math.MaxUint64
	// Dimensions.
	dimTag, n := r.u32(), r.count(len(b))
	if dimTag != 0x0A && !(dimTag == 0 && n == 0) {
		return fmt.Errorf("bad dimension list tag %#x", dimTag)
	}
	unlimited := -1
	for d := range n {
		name := r.name()
		size := r.count(math.MaxInt32 * 4)
		if size == 0 {
			if unlimited >= 0 {
				return errors.New("two unlimited dimensions")
			}
			unlimited = d
		}
		nc.Dims = append(nc.Dims, Dim{Name: name, Len: size, Unlimited: size == 0})
		if r.bad {
			return errors.New("truncated dimension list")
		}
	}
	var err error
	if nc.Attrs, err = r.attributes(); err != nil {
		return err
	}
	// Variables.
	varTag, n := r.u32(), r.count(len(b))
	if varTag != 0x0B && !(varTag == 0 && n == 0) {
		return fmt.Errorf("bad variable list tag %#x", varTag)
	}
	var recordSize int64
	var recordVars []*Var
	for range n {
		v := &Var{Name: r.name()}
		ndims := r.count(1024)
		for k := range ndims {
			id := r.count(len(nc.Dims) - 1)
			if r.bad {
				return fmt.Errorf("variable %q: bad dimension id", v.Name)
			}
			dim := nc.Dims[id]
			if dim.Unlimited && k != 0 {
				return fmt.Errorf("variable %q: the unlimited dimension is not its first", v.Name)
			}
			v.Record = v.Record || dim.Unlimited
			v.DimNames = append(v.DimNames, dim.Name)
			v.Shape = append(v.Shape, dim.Len)
		}
		if v.Attrs, err = r.attributes(); err != nil {
			return fmt.Errorf("variable %q: %v", v.Name, err)
		}
		code := r.u32()
		typ, ok := netcdfTypes[code]
		if !ok || nc.Version != 5 && code > 6 { // the unsigned and 64-bit integers are CDF-5's
			return fmt.Errorf("variable %q: bad type %d", v.Name, code)
		}
		v.DType, v.TypeName = typ.dt, typ.name
		r.count(math.MaxInt64 / 2) // vsize: recomputed from the shape, as it saturates for huge variables
		if nc.Version == 1 {
			v.Begin = int64(r.u32())
		} else {
			v.Begin = int64(r.u64() & math.MaxInt64)
		}
		if r.bad {
			return fmt.Errorf("variable %q: truncated", v.Name)
		}
		slab := int64(typ.size) // bytes of one record's slab, or of the whole variable
		for k, s := range v.Shape {
			if v.Record && k == 0 {
				continue
			}
			hi, lo := bits.Mul64(uint64(slab), uint64(s))
			if hi != 0 || lo > math.MaxInt64/4 {
				return fmt.Errorf("variable %q: shape %v overflows", v.Name, v.Shape)
			}
			slab = int64(lo)
		}
		if v.Record {
			recordVars = append(recordVars, v)
			recordSize += (slab + 3) / 4 * 4
		} else if v.Begin < 0 || v.Begin+slab > fileSize {
			return fmt.Errorf("variable %q: %d bytes at offset %d lie past the end of the file (%d bytes)", v.Name, slab, v.Begin, fileSize)
		}
		nc.Vars = append(nc.Vars, v)
	}
	if r.bad {
		return errors.New("truncated header")
	}
	if len(recordVars) == 1 { // a lone record variable's records are not padded
		slab := int64(netcdfSize(recordVars[0].DType))
		for _, s := range recordVars[0].Shape[1:] {
			slab *= int64(s)
		}
		recordSize = slab
	}
	if len(recordVars) > 0 {
		first := recordVars[0].Begin
		available := int64(0)
		if recordSize > 0 && fileSize > first {
			available = (fileSize - first) / recordSize
		}
		if streaming || uint64(available) < numrecs && numrecs != 0 {
			// A file still being written, or cut short: the records that are whole.
			numrecs = uint64(available)
		}
		nc.Records = int(min(numrecs, math.MaxInt32))
		nc.Dims[unlimited].Len = nc.Records
		for _, v := range recordVars {
			v.Shape[0], v.Stride = nc.Records, recordSize
			if v.Begin < first || v.Begin-first >= max(recordSize, 1) {
				return fmt.Errorf("record variable %q at offset %d is outside the record", v.Name, v.Begin)
			}
		}
	}
	return nil
}

func netcdfSize(dt nd.DType) int {
	if dt == 0 {
		return 1
	}
	return dt.Size()
}

// attributes reads an attribute list: text as a string, numbers as []float64 (64-bit
// integers as []int64, which a float64 cannot hold exactly).
func (r *xdr) attributes() (map[string]any, error) {
	tag, n := r.u32(), r.count(len(r.b))
	if tag != 0x0C && !(tag == 0 && n == 0) {
		return nil, fmt.Errorf("bad attribute list tag %#x", tag)
	}
	attrs := map[string]any{}
	for range n {
		name := r.name()
		typ, ok := netcdfTypes[r.u32()]
		if !ok {
			return nil, fmt.Errorf("attribute %q: bad type", name)
		}
		count := r.count((len(r.b) - r.i) / typ.size)
		raw := r.take(count * typ.size)
		r.take((4 - count*typ.size%4) % 4)
		if r.bad {
			return nil, fmt.Errorf("attribute %q: truncated", name)
		}
		if typ.dt == 0 {
			attrs[name] = string(raw)
			continue
		}
		a, err := nd.FromBytes(typ.dt, raw, true, count)
		if err != nil {
			return nil, err
		}
		if typ.dt == nd.Int64 || typ.dt == nd.Uint64 {
			attrs[name] = nd.Values[int64](a)
		} else {
			attrs[name] = nd.Values[float64](a)
		}
	}
	return attrs, nil
}

// Var finds a variable by name.
func (nc *File) Var(name string) (*Var, error) {
	for _, v := range nc.Vars {
		if v.Name == name {
			return v, nil
		}
	}
	names := make([]string, len(nc.Vars))
	for i, v := range nc.Vars {
		names[i] = v.Name
	}
	return nil, fmt.Errorf("%w: %s: no variable %q (variables: %v)", ErrFormat, nc.Path, name, names)
}

// Source is the variable's values as a graph.Source: a flat big-endian layout, whose first
// axis steps a whole record for record variables.
func (nc *File) Source(v *Var) (*store.Flat, error) {
	if v.DType == 0 {
		return nil, fmt.Errorf("%w: %s: variable %q holds text (char), which darray does not read as an array", ErrFormat, nc.Path, v.Name)
	}
	f := nc.flat(v, v.DType)
	return f, f.CheckSize()
}

// flat lays a variable's values out as elements of dt: big-endian, back to back, with
// a whole record between indexes of a record variable's first axis.
func (nc *File) flat(v *Var, dt nd.DType) *store.Flat {
	f := &store.Flat{Path: nc.Path, Offset: v.Begin, DType: dt, Shape: append([]int{}, v.Shape...), BigEndian: true}
	if v.Record {
		f.RecordStride = v.Stride
	}
	return f
}
