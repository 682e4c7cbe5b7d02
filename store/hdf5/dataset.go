package hdf5

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"path/filepath"
	"strings"
	"sync"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/lazy"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

// Dataset finds a dataset by its path ("group/name"; a leading slash is allowed).
func (h *File) Dataset(path string) (*Dataset, error) {
	want := strings.Trim(path, "/")
	nodes, err := h.Walk()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range nodes {
		if n.Path == want && n.Err != nil {
			return nil, n.Err
		}
		if n.Path == want && n.Dataset != nil {
			return n.Dataset, nil
		}
		if n.Dataset != nil {
			names = append(names, "/"+n.Path)
		}
	}
	return nil, h5err(h.Path, "no dataset %q (datasets: %s)", path, strings.Join(names, ", "))
}

func (h *File) dataspace(data []byte) ([]int, error) {
	shape, _, err := h.dataspaceMax(data)
	return shape, err
}

// dataspaceMax reads a dataspace message: the shape and, when the file gives them, the
// maximum dimensions (math.MaxUint64 for an unlimited one).
func (h *File) dataspaceMax(data []byte) ([]int, []uint64, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	rank := int(r.u8())
	flags := r.u8()
	switch version {
	case 1:
		r.take(5)
	case 2:
		if t := r.u8(); t == 2 { // null dataspace
			return nil, nil, h5err(h.Path, "null dataspace")
		}
	default:
		return nil, nil, h5err(h.Path, "dataspace version %d", version)
	}
	shape := make([]int, rank)
	for d := range shape {
		n := r.length()
		if n > 1<<48 {
			return nil, nil, h5err(h.Path, "implausible dimension %d", n)
		}
		shape[d] = int(n)
	}
	var maxShape []uint64
	if flags&1 != 0 {
		maxShape = make([]uint64, rank)
		for d := range maxShape {
			if maxShape[d] = r.length(); h.lengthSz == 4 && maxShape[d] == math.MaxUint32 {
				maxShape[d] = math.MaxUint64
			}
		}
	}
	if r.bad {
		return nil, nil, h5err(h.Path, "truncated dataspace")
	}
	return shape, maxShape, nil
}

// Dataset is a dataset of an HDF5 file; a graph.Source (a ChunkedSource when chunked).
type Dataset struct {
	File      string // the file's path (each read opens it: safe in parallel and in other processes)
	Name      string
	Shape     []int
	DType     nd.DType
	BigEndian bool
	Chunks    []int      // nil unless chunked
	Filters   []Filter   // in the order they were applied when writing
	Fill      complex128 // for display: see fill
	Layout    string     // "contiguous", "chunked" or "compact"

	addr    uint64 // contiguous data, or the chunk index
	compact []byte
	// Version 4 layouts: the chunk index type (0 for the version 3 B-tree), and the
	// size and filter mask of a single filtered chunk.
	index4     uint8
	maxShape   []uint64 // nil when the file gives none; math.MaxUint64 for unlimited
	eaParams   [5]uint8 // extensible array creation parameters (index type 4)
	singleSize uint64
	singleMask uint32
	// edgeUnfiltered: partial edge chunks are stored without the filters (a version 4
	// layout option h5py does not use).
	edgeUnfiltered bool
	offSz          int
	lenSz          int
	elem           dtypeInfo       // how elements are stored
	fill           *nd.Array       // the fill value exactly (a complex128 cannot hold every int64 and uint64), or nil for zero
	base           uint64          // where the file's addresses start (after a user block)
	external       []store.Segment // contiguous data kept in other files
	text           *dtypeInfo      // for a dataset of strings: their type (Shape and Chunks then end in each element's bytes)

	once  *sync.Once // shared by copies: see UnmarshalBinary
	index map[string]chunkRef
	err   error

	reopen *lazy.Value[*Dataset] // a decoded dataset, opened on first use
}

func (h *File) dataset(path string, msgs []message) (*Dataset, error) {
	ds := &Dataset{File: h.Path, Name: "/" + path, offSz: h.offsetSz, lenSz: h.lengthSz, base: h.base, once: new(sync.Once)}
	var haveType, haveSpace, haveLayout bool
	var fillRaw []byte
	for _, m := range msgs {
		switch m.kind {
		case 0x01:
			shape, maxShape, err := h.dataspaceMax(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.Shape, ds.maxShape, haveSpace = shape, maxShape, true
		case 0x03:
			dt, err := h.messageType(m)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			if dt.str || dt.vlenStr { // read as bytes, an axis of each element's, by ReadText
				text := dt
				ds.text = &text
				dt = dtypeInfo{dt: nd.Uint8, stored: nd.Uint8, size: 1}
			}
			ds.DType, ds.BigEndian, ds.elem, haveType = dt.dt, dt.bigEndian, dt, true
		case 0x05:
			fillRaw = h.fillValue(m.data)
		case 0x08:
			if err := h.layout(ds, m.data); err != nil {
				return nil, err
			}
			haveLayout = true
		case 0x07:
			segs, err := h.externalFiles(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.external = segs
		case 0x0B:
			filters, err := h.filters(m.data)
			if err != nil {
				return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
			}
			ds.Filters = filters
		}
	}
	if !haveType || !haveSpace || !haveLayout {
		return nil, h5err(h.Path, "object %s is neither a group nor a complete dataset", ds.Name)
	}
	if ds.text != nil {
		ds.Shape = append(append([]int{}, ds.Shape...), ds.text.size)
	}
	if len(fillRaw) == ds.elem.size && ds.text == nil {
		if a, err := ds.elem.fromBytes(fillRaw); err == nil {
			ds.Fill, ds.fill = nd.Values[complex128](a)[0], a
		}
	}
	if ds.Chunks != nil {
		if len(ds.Chunks) == len(ds.Shape)+1 {
			ds.Chunks = ds.Chunks[:len(ds.Shape)] // the last "dimension" is the element size
		}
		if ds.text != nil && len(ds.Chunks) == len(ds.Shape) { // text: that axis is the element's bytes
			ds.Chunks[len(ds.Chunks)-1] = ds.text.size
		}
		if len(ds.Chunks) != len(ds.Shape) {
			return nil, h5err(h.Path, "dataset %s: chunk rank %d for shape %v", ds.Name, len(ds.Chunks), ds.Shape)
		}
	}
	if err := h.checkExtent(ds); err != nil {
		return nil, err
	}
	for _, f := range ds.Filters {
		if !undoable[f.ID] {
			return nil, h5err(h.Path, "dataset %s uses filter %d (%s), which is not supported (gzip, shuffle, fletcher32, nbit, scaleoffset, lzf, blosc and bzip2 are)", ds.Name, f.ID, f)
		}
	}
	if ds.text != nil { // listed, and readable by ReadText, but not an array of numbers
		return ds, h5err(h.Path, "dataset %s holds text (strings), which darray reads whole as text (hdf5.File.ReadText; darray info and eval print and select it), not as an array of numbers", ds.Name)
	}
	return ds, nil
}

// inFile reports whether n bytes at addr lie within the file.
func (h *File) inFile(addr, n uint64) bool {
	end, carry := bits.Add64(h.base, addr, 0)
	end, carry2 := bits.Add64(end, n, 0)
	return carry == 0 && carry2 == 0 && end <= h.size
}

// checkExtent checks that the dataset's sizes do not overflow and that its contiguous data
// lies within the file: a damaged address must be an error, not a read of other bytes.
func (h *File) checkExtent(ds *Dataset) error {
	total, ok := store.ByteSize(ds.elem.size, ds.Shape)
	if !ok {
		return h5err(h.Path, "dataset %s: shape %v of %d-byte elements overflows", ds.Name, ds.Shape, ds.elem.size)
	}
	if ds.Chunks != nil {
		if _, ok := store.ByteSize(ds.elem.size, ds.Chunks); !ok {
			return h5err(h.Path, "dataset %s: chunks %v of %d-byte elements overflow", ds.Name, ds.Chunks, ds.elem.size)
		}
	}
	switch ds.Layout {
	case "contiguous":
		if ds.external != nil {
			var held uint64
			for _, s := range ds.external {
				held = min(held+uint64(s.Size), math.MaxInt64) // each size is at most MaxInt64
			}
			if held < total {
				return h5err(h.Path, "dataset %s: its external files hold %d bytes of its %d", ds.Name, held, total)
			}
			break
		}
		if ds.addr != math.MaxUint64 && total > 0 && !h.inFile(ds.addr, total) {
			return h5err(h.Path, "dataset %s: its %d bytes of data at address %d lie past the end of the file (%d bytes)", ds.Name, total, ds.addr, h.size)
		}
	case "compact":
		if uint64(len(ds.compact)) != total {
			return h5err(h.Path, "dataset %s: %d bytes of compact data for %d", ds.Name, len(ds.compact), total)
		}
	}
	return nil
}

func (h *File) fillValue(data []byte) []byte {
	if len(data) < 2 {
		return nil
	}
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	// Versions 1 and 2 spend three bytes (allocation time, write time,
	// defined flag) before the size; version 3 packs them in one flag byte.
	switch r.u8() {
	case 1, 2:
		r.u8()
		r.u8()
		if defined := r.u8(); defined == 0 {
			return nil
		}
	case 3:
		if flags := r.u8(); flags&0x20 == 0 {
			return nil
		}
	default:
		return nil
	}
	v := r.take(int(r.u32()))
	if r.bad {
		return nil
	}
	return v
}

func (h *File) layout(ds *Dataset, data []byte) error {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	if version != 3 && version != 4 {
		return h5err(h.Path, "dataset %s: data layout version %d is not supported (3 and 4 are)", ds.Name, version)
	}
	// Compact and contiguous layouts read alike in both versions; chunked
	// ones differ in how they encode chunk sizes and which index they use.
	switch r.u8() {
	case 0:
		n := int(r.u16())
		ds.compact, ds.Layout = r.take(n), "compact"
	case 1:
		ds.addr, ds.Layout = r.addr(), "contiguous"
		r.length()
	case 2:
		ds.Layout = "chunked"
		var err error
		if version == 3 {
			rank := int(r.u8())
			ds.addr = r.addr()
			err = h.chunkDims(ds, &r, rank, 4)
		} else {
			err = h.chunkedV4(ds, &r)
		}
		if err != nil {
			return err
		}
	default:
		return h5err(h.Path, "dataset %s: unknown layout class", ds.Name)
	}
	if r.bad {
		return h5err(h.Path, "dataset %s: truncated layout message", ds.Name)
	}
	return nil
}

// chunkDims reads rank chunk sizes of width bytes each.
func (h *File) chunkDims(ds *Dataset, r *reader, rank, width int) error {
	ds.Chunks = make([]int, rank)
	for d := range ds.Chunks {
		ds.Chunks[d] = int(r.uint(width))
		if ds.Chunks[d] <= 0 {
			return h5err(h.Path, "dataset %s: chunk dimension %d", ds.Name, ds.Chunks[d])
		}
	}
	return nil
}

// chunkedV4 reads the chunked part of HDF5 1.10's layout message (libver "latest"),
// which comes with a choice of chunk index. Supported: a single chunk, implicit
// (unfiltered, all chunks allocated in order) and fixed arrays (fixed-size datasets);
// extensible arrays and version 2 B-trees (datasets that can grow) are not.
func (h *File) chunkedV4(ds *Dataset, r *reader) error {
	flags := r.u8()
	ds.edgeUnfiltered = flags&0x01 != 0
	rank := int(r.u8())
	encLen := int(r.u8())
	if err := h.chunkDims(ds, r, rank, encLen); err != nil {
		return err
	}
	ds.index4 = r.u8()
	switch ds.index4 {
	case 1: // single chunk
		if flags&0x02 != 0 {
			ds.singleSize = r.length()
			ds.singleMask = r.u32()
		}
		ds.addr = r.addr()
	case 2: // implicit
		ds.addr = r.addr()
	case 3: // fixed array
		r.u8() // page bits (the header repeats them)
		ds.addr = r.addr()
	case 4: // extensible array: its creation parameters, repeated in its header
		copy(ds.eaParams[:], r.take(5))
		ds.addr = r.addr()
	case 5: // version 2 B-tree: node size, split and merge percentages, repeated in its header
		r.take(6)
		ds.addr = r.addr()
	default:
		return h5err(h.Path, "dataset %s: unknown chunk index type %d", ds.Name, ds.index4)
	}
	return nil
}

// Describe names the dataset.
func (d *Dataset) Describe() string { return d.File + ":" + d.Name }

// StoredChunks is the chunk shape (the whole shape when not chunked).
func (d *Dataset) StoredChunks() []int {
	d = lazy.Or(d, d.reopen)
	if d.Chunks != nil {
		return d.Chunks
	}
	return d.Shape
}

// Read reads the window's elements.
func (d *Dataset) Read(w graph.Window) (*nd.Array, error) {
	if d.reopen != nil {
		opened, err := d.reopen.Get()
		if err != nil {
			return nil, err
		}
		return opened.Read(w)
	}
	switch d.Layout {
	case "contiguous":
		if d.addr == math.MaxUint64 && d.external == nil { // never written: all fill value
			out, err := d.filled(w.Count)
			if err != nil {
				return nil, err
			}
			return out.Transpose(w.Perm...)
		}
		flat := &store.Flat{Path: d.File, Offset: int64(d.base + d.addr), DType: d.elem.stored, Shape: d.Shape, BigEndian: d.BigEndian}
		if d.external != nil {
			flat.Offset, flat.Segments = 0, d.external
		}
		a, err := flat.Read(w)
		if err != nil {
			return nil, err
		}
		return d.elem.finish(a)
	case "compact":
		a, err := d.elem.fromBytes(d.compact, d.Shape...)
		if err != nil {
			return nil, h5err(d.File, "dataset %s: %v", d.Name, err)
		}
		return w.Apply(a)
	}
	d.once.Do(d.loadIndex)
	if d.err != nil {
		return nil, d.err
	}
	f, err := store.OpenFile(d.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return store.ReadChunked(w, d.Shape, d.Chunks, d.DType, func(c []int) (*nd.Array, error) { return d.readChunk(f, c) })
}

// filled makes an array of the fill value, for data never written.
func (d *Dataset) filled(shape []int) (*nd.Array, error) {
	out, err := nd.New(d.DType, shape...)
	if err != nil || d.fill == nil {
		return out, err
	}
	return out, out.Assign(d.fill)
}

// externalFiles reads an external data files message (format spec IV.A.2.h): the runs of
// other files that hold a contiguous dataset's bytes. Names are taken relative to the HDF5
// file's directory (as the HDF5 library's "${ORIGIN}" prefix does); a name that is absolute
// or climbs out of that directory is refused, so a file cannot make darray read elsewhere.
func (h *File) externalFiles(data []byte) ([]store.Segment, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	if version := r.u8(); version != 1 {
		return nil, h5err(h.Path, "external data files message of version %d", version)
	}
	r.take(3)
	r.u16() // slots allocated
	used := int(r.u16())
	names, err := h.localHeap(r.addr())
	if err != nil {
		return nil, err
	}
	unlimited := uint64(1)<<(8*h.lengthSz) - 1
	var segs []store.Segment
	for range used {
		nameOff, offset, size := r.length(), r.length(), r.length()
		if r.bad {
			return nil, h5err(h.Path, "truncated external data files message")
		}
		end := bytes.IndexByte(names[min(nameOff, uint64(len(names))):], 0)
		if nameOff >= uint64(len(names)) || end < 0 {
			return nil, h5err(h.Path, "bad external file name offset %d", nameOff)
		}
		name := string(names[nameOff : nameOff+uint64(end)])
		if store.IsURL(h.Path) {
			return nil, h5err(h.Path, "dataset's elements are in an external data file (%q) beside a file in remote storage, which darray does not read", name)
		}
		if name == "" || filepath.IsAbs(name) || !filepath.IsLocal(name) {
			return nil, h5err(h.Path, "external data file %q is outside the HDF5 file's directory, which darray does not read", name)
		}
		if size == unlimited || size > math.MaxInt64 {
			size = math.MaxInt64 // the rest of the file
		}
		if offset > math.MaxInt64 {
			return nil, h5err(h.Path, "external data file %q: offset %d", name, offset)
		}
		segs = append(segs, store.Segment{Path: filepath.Join(filepath.Dir(h.Path), name), Offset: int64(offset), Size: int64(size)})
	}
	if len(segs) == 0 {
		return nil, h5err(h.Path, "external data files message lists no file")
	}
	return segs, nil
}
