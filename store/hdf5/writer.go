package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/darray-go/darray/internal/outfile"
	"github.com/darray-go/darray/store"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Writing HDF5: a new file in the classic layout every HDF5 reader accepts (superblock 0,
// version 1 object headers, symbol-table groups, chunked datasets with a version 1 B-tree
// index, optional shuffle and deflate), or a dataset added to or grown in an existing file
// (see edit.go). Chunks are compressed by the tasks that compute them, in parallel,
// and appended to the file as they come; the index, the groups and the superblock are
// written last. A new file is renamed into place only when complete; an existing file
// changes with its superblock, the last write.

// Writer writes one dataset, chunk by chunk, from tasks that may run in parallel.
type Writer struct {
	Path    string // the file's final path
	Tmp     string // where the chunk tasks write: a temporary file, or Path for an edit
	Dataset string // "/name" or "/group/name"
	Shape   []int  // the dataset's shape once written
	Chunks  []int
	DType   nd.DType
	// Overwrite lets Finish replace a file already at Path (which is otherwise edited:
	// the dataset is added to it).
	Overwrite bool

	maxShape []uint64 // per axis, undefinedAddr for unlimited; nil when the shape is fixed
	filters  []Filter // the pipeline each chunk goes through, in order
	base     uint64   // the file offset of address 0 (after a user block)
	edit     *editor
	at       editPath
	grow     *growth

	mu     sync.Mutex
	next   uint64 // where the next chunk goes
	chunks map[string]writtenChunk
}

// growth is what growing a dataset needs of it as it was.
type growth struct {
	ds   *Dataset
	axis int
	from int       // its length along axis before: where the new values start
	keep []message // its header's messages besides the shape and layout, copied as they are
}

type writtenChunk struct {
	coords []int // element offsets
	addr   uint64
	size   uint32
	mask   uint32 // filters skipped (chunks of the dataset as it was may have some)
}

// hdf5DataStart leaves room at the start of a new file for the superblock, written last.
const dataStart = 2048

var writers sync.Map // Tmp path -> *HDF5Writer, for the chunk tasks of a running write

// WriteOptions are the choices of an HDF5Writer.
type WriteOptions struct {
	Gzip      int  // deflate level 1-9, 0 for none
	Shuffle   bool // byte shuffle before deflate
	Overwrite bool // replace a file already at the path instead of adding to it
	// MaxShape is the largest shape the dataset may grow to (AppendHDF5), -1 for an axis
	// without limit, as h5py's maxshape with None; nil: the shape is fixed.
	MaxShape []int
}

// NewWriter prepares a dataset's write: into a new temporary file beside path, or,
// when a file is at path and opts.Overwrite is not set, into that file, adding the dataset
// (which must not exist). It registers the writer for the chunk tasks (HDF5ChunkWrite).
func NewWriter(path, dataset string, shape, chunks []int, dt nd.DType, opts WriteOptions) (*Writer, error) {
	w, err := newDatasetWriter(path, dataset, shape, chunks, dt, opts)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil && !opts.Overwrite {
		if w.edit, err = openEditor(path); err != nil {
			return nil, err
		}
		if w.at, err = w.edit.pathTo(w.Dataset); err != nil {
			w.edit.close()
			return nil, err
		}
		if w.at.current != nil {
			w.edit.close()
			return nil, fmt.Errorf("%s already holds %s: AppendHDF5 grows a dataset, and Overwrite replaces the whole file: %w", path, w.Dataset, fs.ErrExist)
		}
		w.Tmp, w.base, w.next = path, w.edit.h.base, w.edit.end
	} else {
		f, err := outfile.CreateTemp(dirOf(path), "."+baseOf(path)+".tmp-")
		if err != nil {
			return nil, err
		}
		f.Close()
		w.Tmp, w.next = f.Name(), dataStart
	}
	writers.Store(w.Tmp, w)
	return w, nil
}

// newDatasetWriter checks a new dataset's description.
func newDatasetWriter(path, dataset string, shape, chunks []int, dt nd.DType, opts WriteOptions) (*Writer, error) {
	if len(chunks) != len(shape) {
		return nil, fmt.Errorf("chunks %v do not match shape %v", chunks, shape)
	}
	var maxShape []uint64
	if opts.MaxShape != nil {
		if len(opts.MaxShape) != len(shape) || len(shape) == 0 {
			return nil, fmt.Errorf("maximum shape %v does not match shape %v", opts.MaxShape, shape)
		}
		for d, m := range opts.MaxShape {
			switch {
			case m == -1:
				maxShape = append(maxShape, undefinedAddr)
			case m >= shape[d]:
				maxShape = append(maxShape, uint64(m))
			default:
				return nil, fmt.Errorf("maximum shape %v is smaller than shape %v", opts.MaxShape, shape)
			}
		}
	}
	for d, c := range chunks {
		// Chunks may be larger than a dataset that can grow, not than one that cannot.
		fixed := maxShape == nil || maxShape[d] == uint64(shape[d])
		if c <= 0 || fixed && c > max(shape[d], 1) {
			return nil, fmt.Errorf("chunk shape %v does not fit shape %v", chunks, shape)
		}
	}
	if n, ok := store.ByteSize(dt.Size(), chunks); !ok || n >= 1<<32 {
		return nil, fmt.Errorf("chunks %v of %v hold 4 GiB or more, which HDF5 does not allow", chunks, dt)
	}
	if opts.Gzip < 0 || opts.Gzip > 9 {
		return nil, fmt.Errorf("gzip level %d is not in 0-9", opts.Gzip)
	}
	var filters []Filter
	if len(shape) > 0 { // a scalar is stored contiguous, where HDF5 allows no filters
		if opts.Shuffle {
			filters = append(filters, Filter{ID: 2, Params: []uint32{uint32(dt.Size())}})
		}
		if opts.Gzip > 0 {
			filters = append(filters, Filter{ID: 1, Params: []uint32{uint32(opts.Gzip)}})
		}
	}
	name := strings.Trim(dataset, "/")
	if name == "" {
		return nil, fmt.Errorf("dataset name %q is empty", dataset)
	}
	return &Writer{Path: path, Dataset: "/" + name, Shape: shape, Chunks: chunks, DType: dt,
		Overwrite: opts.Overwrite, maxShape: maxShape, filters: filters, chunks: map[string]writtenChunk{}}, nil
}

// NewAppender prepares growing dataset in the HDF5 file at path along axis by values of
// the given shape, as h5py's resize followed by an assignment to the new part: the
// dataset must be chunked, with a maximum shape that leaves room. The chunk tasks write
// the dataset's chunks from its old length on (the first of them merging the old values
// of a chunk the old end cuts through); the file changes when Finish commits.
func NewAppender(path, dataset string, axis int, shape []int) (*Writer, error) {
	e, err := openEditor(path)
	if err != nil {
		return nil, err
	}
	w, err := e.appender(dataset, axis, shape)
	if err != nil {
		e.close()
		return nil, err
	}
	writers.Store(w.Tmp, w)
	return w, nil
}

func (e *editor) appender(dataset string, axis int, shape []int) (*Writer, error) {
	at, err := e.pathTo(dataset)
	if err != nil {
		return nil, err
	}
	if at.current == nil || len(at.missing) > 0 {
		return nil, h5err(e.path, "no dataset %s to append to", dataset)
	}
	if !at.current.hard() {
		return nil, h5err(e.path, "%s is a soft or external link; append to the dataset it names", dataset)
	}
	msgs, err := e.h.messages(at.current.addr)
	if err != nil {
		return nil, err
	}
	if _, isGroup, _ := e.h.groupLinks(dataset, msgs); isGroup {
		return nil, h5err(e.path, "%s is a group; append to a dataset", dataset)
	}
	name := strings.Trim(dataset, "/")
	ds, err := e.h.dataset(name, msgs)
	if err != nil {
		return nil, err
	}
	if err := e.singlyLinked(at.current.addr, msgs, ds.Name); err != nil {
		return nil, err
	}
	if err := ds.growable(axis, shape); err != nil {
		return nil, h5err(e.path, "appending to %s: %v", ds.Name, err)
	}
	if axis < 0 {
		axis += len(ds.Shape)
	}
	ds.once.Do(ds.loadIndex)
	if ds.err != nil {
		return nil, ds.err
	}
	w := &Writer{Path: e.path, Tmp: e.path, Dataset: ds.Name, Shape: slices.Clone(ds.Shape), Chunks: ds.Chunks,
		DType: ds.DType, maxShape: ds.maxShape, filters: ds.Filters, base: e.h.base, edit: e, at: at,
		next: e.end, chunks: map[string]writtenChunk{}}
	w.Shape[axis] += shape[axis]
	for key, ref := range ds.index {
		coords := parseChunkKey(key)
		for d := range coords {
			coords[d] *= ds.Chunks[d]
		}
		w.chunks[key] = writtenChunk{coords, ref.addr, ref.size, ref.mask}
	}
	g := &growth{ds: ds, axis: axis, from: ds.Shape[axis]}
	for _, m := range msgs {
		switch m.kind {
		case 0x00, 0x01, 0x08, 0x10, 0x16: // nil, dataspace, layout, continuation, reference count
		default:
			g.keep = append(g.keep, m)
		}
	}
	w.grow = g
	return w, nil
}

// growable checks that the dataset can take values of shape appended along axis.
func (d *Dataset) growable(axis int, shape []int) error {
	rank := len(d.Shape)
	if axis < -rank || axis >= rank {
		return fmt.Errorf("axis %d is out of range for %d dimensions", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	if len(shape) != rank {
		return fmt.Errorf("values of shape %s do not match the dataset's shape %s", nd.ShapeString(shape), nd.ShapeString(d.Shape))
	}
	for k := range shape {
		if k != axis && shape[k] != d.Shape[k] {
			return fmt.Errorf("values of shape %s do not match the dataset's shape %s outside axis %d", nd.ShapeString(shape), nd.ShapeString(d.Shape), axis)
		}
	}
	switch {
	case d.Layout != "chunked":
		return fmt.Errorf("it is %s; only chunked datasets can grow (h5py: chunks= or maxshape=)", d.Layout)
	case d.edgeUnfiltered:
		return errors.New("it stores partial edge chunks unfiltered, which darray does not write")
	case !d.elem.plain() || d.BigEndian:
		return fmt.Errorf("its elements are stored as %s; darray appends to little-endian datasets of whole-byte numbers", d.elem.describe())
	case d.maxShape == nil:
		return errors.New("its maximum shape is its shape; it was not made to grow (h5py: maxshape=)")
	}
	if limit := d.maxShape[axis]; limit != undefinedAddr && uint64(d.Shape[axis])+uint64(shape[axis]) > limit {
		return fmt.Errorf("%d more along axis %d would pass its maximum shape %v", shape[axis], axis, d.maxShape)
	}
	for _, f := range d.Filters {
		if !encodable[f.ID] {
			return fmt.Errorf("its filter %s is one darray reads but does not write (gzip, shuffle and fletcher32 it writes)", f)
		}
	}
	return nil
}

func parseChunkKey(key string) []int {
	var out []int
	for part := range strings.SplitSeq(strings.TrimSuffix(key, ","), ",") {
		v, _ := strconv.Atoi(part)
		out = append(out, v)
	}
	return out
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "."
}

func baseOf(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// ChunkWrite is the task that encodes one block (exactly one chunk) and appends it.
type ChunkWrite struct {
	Tmp   string
	Chunk []int // grid index
}

// WritesTo is the temporary file being written.
func (p *ChunkWrite) WritesTo() string { return p.Tmp }

// WriteOp is the operation name of HDF5ChunkWrite tasks.
const WriteOp = "store.hdf5-write"

func init() {
	graph.Register(WriteOp, func(params any, inputs []any) (any, error) {
		p, ok := params.(*ChunkWrite)
		if !ok || len(inputs) != 1 {
			return nil, fmt.Errorf("%s: bad task", WriteOp)
		}
		v, ok := writers.Load(p.Tmp)
		if !ok {
			return nil, fmt.Errorf("%s: no HDF5 write in progress for %s", WriteOp, p.Tmp)
		}
		block, ok := inputs[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("%s: input is %T", WriteOp, inputs[0])
		}
		return int64(block.NBytes()), v.(*Writer).WriteChunk(p.Chunk, block)
	})
}

// WriteChunk encodes a block, the part of chunk c (a grid index) this write gives, and
// appends it to the file.
func (w *Writer) WriteChunk(c []int, block *nd.Array) error {
	full, err := w.chunkOf(c, block)
	if err != nil {
		return fmt.Errorf("chunk %v: %w", c, err)
	}
	raw, err := applyFilters(w.filters, full.Bytes(false), w.DType.Size())
	if err != nil {
		return fmt.Errorf("chunk %v: %w", c, err)
	}
	coords := make([]int, len(c))
	for d := range c {
		coords[d] = c[d] * w.Chunks[d]
	}
	w.mu.Lock()
	addr := w.next
	w.next += uint64(len(raw)+7) / 8 * 8
	w.chunks[chunkKey(c)] = writtenChunk{coords, addr, uint32(len(raw)), 0}
	w.mu.Unlock()
	f, err := os.OpenFile(w.Tmp, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(raw, int64(w.base+addr)); err != nil {
		return fmt.Errorf("writing %s: %w", w.Path, err)
	}
	return f.Close()
}

// chunkOf is chunk c whole: the block padded, or, for the chunk a growing dataset's old
// end cuts through, its old values with the block pasted after them.
func (w *Writer) chunkOf(c []int, block *nd.Array) (*nd.Array, error) {
	if block.DType() != w.DType {
		return nil, fmt.Errorf("block of %v for a dataset of %v", block.DType(), w.DType)
	}
	g := w.grow
	if g == nil || c[g.axis]*w.Chunks[g.axis] >= g.from {
		return store.PadChunk(block, w.Chunks, w.DType, 0)
	}
	old, err := g.ds.readChunk(w.edit.file, c)
	if err != nil {
		return nil, err
	}
	old, err = old.AsType(w.DType) // a copy: readChunk may share its result
	if err != nil {
		return nil, err
	}
	idx := make([]nd.Index, len(c))
	for d := range idx {
		idx[d] = nd.Slice(0, block.Shape()[d], 1)
	}
	start := g.from - c[g.axis]*w.Chunks[g.axis]
	idx[g.axis] = nd.Slice(start, start+block.Shape()[g.axis], 1)
	region, err := old.Index(idx...)
	if err != nil {
		return nil, err
	}
	if err := region.Assign(block); err != nil {
		return nil, fmt.Errorf("block of shape %s does not fit chunk %v from %d: %w", nd.ShapeString(block.Shape()), c, start, err)
	}
	return old, nil
}

// Abort gives up the write: a new file's temporary is removed, an edited file cut back to
// its old length (nothing in it points past that until Finish commits).
func (w *Writer) Abort() {
	writers.Delete(w.Tmp)
	if w.edit != nil {
		w.edit.abort()
		return
	}
	os.Remove(w.Tmp)
}

// Finish writes the chunk index, the dataset's header, the groups and the superblock. A
// new file is synced and renamed over Path; an edited one commits with its superblock.
func (w *Writer) Finish() error {
	writers.Delete(w.Tmp)
	e := &h5enc{buf: &bytes.Buffer{}, base: w.next}
	if w.edit != nil {
		defer w.edit.close()
		dset, err := w.datasetHeader(e, w.edit.sb.chunkK)
		if err != nil {
			w.edit.abort()
			return err
		}
		if err := w.edit.commit(e, w.at, dset); err != nil {
			if !w.edit.done && !errors.Is(err, errCrashed) {
				w.edit.file.Truncate(w.edit.size)
			}
			return err
		}
		return nil
	}
	dset, err := w.datasetHeader(e, defaultChunkK)
	if err != nil {
		return err
	}
	// Groups from the dataset up: each group holds one link, to the level below.
	parts := strings.Split(strings.Trim(w.Dataset, "/"), "/")
	child := dset
	var table []uint64
	for i := len(parts) - 1; i >= 0; i-- {
		btree, heap, err := e.symbolTable([]link{{name: parts[i], addr: child}}, defaultLeafK, defaultInternalK)
		if err != nil {
			return err
		}
		child, table = e.groupHeader(btree, heap, nil), []uint64{btree, heap}
	}
	f, err := os.OpenFile(w.Tmp, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(e.buf.Bytes(), int64(e.base)); err != nil {
		return err
	}
	eof := e.base + uint64(e.buf.Len())
	if _, err := f.WriteAt(superblock(eof, child, table[0], table[1]), 0); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return w.publish()
}

// publish moves the finished file to its path: atomically either way, and without
// Overwrite by a hard link that fails if a file appeared there meanwhile.
func (w *Writer) publish() error {
	if w.Overwrite {
		return os.Rename(w.Tmp, w.Path)
	}
	if err := os.Link(w.Tmp, w.Path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return errFileExists(w.Path)
		}
		return err
	}
	return os.Remove(w.Tmp)
}

// errFileExists is the error for a new file refused because one appeared at its path while
// it was written.
func errFileExists(path string) error {
	return fmt.Errorf("%s appeared while darray wrote a new file there; it is left as it is (write again to add to it): %w", path, fs.ErrExist)
}

// h5enc lays out metadata blocks after the chunks; addresses are absolute.
type h5enc struct {
	buf  *bytes.Buffer
	base uint64
}

// alloc appends b (padded to 8 bytes) and returns its address.
func (e *h5enc) alloc(b []byte) uint64 {
	addr := e.base + uint64(e.buf.Len())
	e.buf.Write(b)
	for e.buf.Len()%8 != 0 {
		e.buf.WriteByte(0)
	}
	return addr
}

type h5buf struct{ bytes.Buffer }

func (b *h5buf) u8(v uint8)   { b.WriteByte(v) }
func (b *h5buf) u16(v uint16) { binary.Write(b, binary.LittleEndian, v) }
func (b *h5buf) u32(v uint32) { binary.Write(b, binary.LittleEndian, v) }
func (b *h5buf) u64(v uint64) { binary.Write(b, binary.LittleEndian, v) }
func (b *h5buf) pad8() {
	for b.Len()%8 != 0 {
		b.WriteByte(0)
	}
}

const undefinedAddr = math.MaxUint64

func superblock(eof, rootHeader, rootBTree, rootHeap uint64) []byte {
	var b h5buf
	b.Write(signature)
	b.Write([]byte{0, 0, 0, 0, 0, 8, 8, 0}) // versions, sizes of offsets and lengths
	b.u16(4)                                // group leaf node K
	b.u16(16)                               // group internal node K
	b.u32(0)                                // consistency flags
	b.u64(0)                                // base address
	b.u64(undefinedAddr)                    // free-space info
	b.u64(eof)
	b.u64(undefinedAddr) // driver info
	// The root group's symbol table entry, with its B-tree and heap cached.
	b.u64(0)
	b.u64(rootHeader)
	b.u32(1)
	b.u32(0)
	b.u64(rootBTree)
	b.u64(rootHeap)
	return b.Bytes()
}

// objectHeader writes a version 1 object header holding the messages.
func (e *h5enc) objectHeader(msgs []message) uint64 {
	var body h5buf
	for _, m := range msgs {
		body.u16(m.kind)
		size := (len(m.data) + 7) / 8 * 8
		body.u16(uint16(size))
		body.u8(m.flags)
		body.Write([]byte{0, 0, 0})
		body.Write(m.data)
		for range size - len(m.data) {
			body.WriteByte(0)
		}
	}
	var h h5buf
	h.u8(1)
	h.u8(0)
	h.u16(uint16(len(msgs)))
	h.u32(1)
	h.u32(uint32(body.Len()))
	h.u32(0) // padding to 8
	h.Write(body.Bytes())
	return e.alloc(h.Bytes())
}

// groupHeader writes a group's object header: its symbol table and any other messages
// (attributes) it keeps.
func (e *h5enc) groupHeader(btree, heap uint64, others []message) uint64 {
	var st h5buf
	st.u64(btree)
	st.u64(heap)
	return e.objectHeader(append([]message{{kind: 0x11, data: st.Bytes()}}, others...))
}

// The HDF5 library's default B-tree parameters: symbol table nodes hold up to 2*leafK
// links, group B-tree nodes up to 2*internalK children, chunk B-tree nodes 2*chunkK.
const (
	defaultLeafK     = 4
	defaultInternalK = 16
	defaultChunkK    = 32
)

// symbolTable writes a group's links in the classic style: a local heap of their names
// (and soft links' paths), symbol table nodes of up to 2*leafK links in name order, and a
// group B-tree over the nodes. Every node is written at the full size the file's K values
// give, as the HDF5 library reads and later fills them.
func (e *h5enc) symbolTable(links []link, leafK, internalK int) (btree, heap uint64, err error) {
	links = slices.Clone(links)
	slices.SortFunc(links, func(a, b link) int { return strings.Compare(a.name, b.name) })
	var names h5buf
	names.WriteByte(0) // offset 0: the empty name, the B-tree's first key
	names.pad8()
	put := func(s string) uint64 {
		off := uint64(names.Len())
		names.WriteString(s)
		names.WriteByte(0)
		names.pad8()
		return off
	}
	nameOffs := make([]uint64, len(links))
	valueOffs := make([]uint64, len(links))
	for i, l := range links {
		if l.file != "" {
			return 0, 0, fmt.Errorf("external link %q cannot be kept in a group of the classic style", l.name)
		}
		nameOffs[i] = put(l.name)
		if l.soft != "" {
			valueOffs[i] = put(l.soft)
		}
	}
	dataAddr := e.alloc(names.Bytes())
	var hp h5buf
	hp.WriteString("HEAP")
	hp.Write([]byte{0, 0, 0, 0})
	hp.u64(uint64(names.Len()))
	hp.u64(1) // no free block: HDF5 marks the end of the free list with offset 1
	hp.u64(dataAddr)
	heap = e.alloc(hp.Bytes())
	per := 2 * leafK
	var nodes []btreeEntry
	for i := 0; i < len(links); i += per {
		part := links[i:min(i+per, len(links))]
		var sn h5buf
		sn.WriteString("SNOD")
		sn.Write([]byte{1, 0})
		sn.u16(uint16(len(part)))
		for k, l := range part {
			sn.u64(nameOffs[i+k])
			if l.soft != "" { // cache type 2: the link's path is in the heap
				sn.u64(undefinedAddr)
				sn.u32(2)
				sn.u32(0)
				sn.u32(uint32(valueOffs[i+k]))
				sn.Write(make([]byte, 12))
				continue
			}
			sn.u64(l.addr)
			sn.u32(0)
			sn.u32(0)
			sn.Write(make([]byte, 16))
		}
		sn.Write(make([]byte, (per-len(part))*40))
		left := uint64(0) // the node holds names after the previous node's last
		if len(nodes) > 0 {
			left = binary.LittleEndian.Uint64(nodes[len(nodes)-1].right)
		}
		nodes = append(nodes, btreeEntry{u64Key(left), u64Key(nameOffs[i+len(part)-1]), e.alloc(sn.Bytes())})
	}
	if len(nodes) == 0 { // an empty group still has a (leaf) B-tree node
		return e.emptyBTree(0, internalK, 8), heap, nil
	}
	return e.btree(0, internalK, 8, nodes), heap, nil
}

func u64Key(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// btreeEntry is a child of a version 1 B-tree node with the keys on either side of it: a
// chunk's coordinates and those of the next, or the last name of the previous group node
// and its own last name.
type btreeEntry struct {
	left, right []byte
	addr        uint64
}

// btree writes a version 1 B-tree (kind 0 for groups, 1 for chunks) over children in
// order, bottom-up, nodes of up to 2*k children each, with their sibling addresses (which
// older HDF5 libraries follow when they iterate) and returns the root's address.
func (e *h5enc) btree(kind uint8, k, keySize int, level []btreeEntry) uint64 {
	nodeSize := 24 + (2*k+1)*keySize + 2*k*8
	for depth := 0; ; depth++ {
		count := (len(level) + 2*k - 1) / (2 * k)
		first := e.base + uint64(e.buf.Len()) // nodeSize is a multiple of 8: nodes lie back to back
		var up []btreeEntry
		for j := range count {
			group := level[j*2*k : min((j+1)*2*k, len(level))]
			var n h5buf
			n.WriteString("TREE")
			n.u8(kind)
			n.u8(uint8(depth))
			n.u16(uint16(len(group)))
			sibling := func(i int) uint64 {
				if i < 0 || i >= count {
					return undefinedAddr
				}
				return first + uint64(i*nodeSize)
			}
			n.u64(sibling(j - 1))
			n.u64(sibling(j + 1))
			for _, g := range group {
				n.Write(g.left)
				n.u64(g.addr)
			}
			n.Write(group[len(group)-1].right)
			n.Write(make([]byte, nodeSize-n.Len()))
			up = append(up, btreeEntry{group[0].left, group[len(group)-1].right, e.alloc(n.Bytes())})
		}
		if len(up) == 1 {
			return up[0].addr
		}
		level = up
	}
}

// emptyBTree writes a B-tree leaf with no children.
func (e *h5enc) emptyBTree(kind uint8, k, keySize int) uint64 {
	var n h5buf
	n.WriteString("TREE")
	n.u8(kind)
	n.u8(0)
	n.u16(0)
	n.u64(undefinedAddr)
	n.u64(undefinedAddr)
	n.Write(make([]byte, (2*k+1)*keySize+2*k*8))
	return e.alloc(n.Bytes())
}

// datasetHeader writes the chunk index and the dataset's object header. A grown dataset
// keeps its old header's other messages (type, fill value, filters, attributes) as they
// were.
func (w *Writer) datasetHeader(e *h5enc, chunkK int) (uint64, error) {
	rank := len(w.Shape)
	keyOf := func(size, mask uint32, coords []int) []byte {
		var k h5buf
		k.u32(size)
		k.u32(mask)
		for _, c := range coords {
			k.u64(uint64(c))
		}
		k.u64(0)
		return k.Bytes()
	}
	all := make([]writtenChunk, 0, len(w.chunks))
	for _, c := range w.chunks {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return lessCoords(all[i].coords, all[j].coords) })
	// The key after the last child: past every chunk.
	end := make([]int, rank)
	for d := range end {
		end[d] = (w.Shape[d] + w.Chunks[d] - 1) / w.Chunks[d] * w.Chunks[d]
	}
	var level []btreeEntry
	if rank > 0 { // a scalar's one element is contiguous data, not a chunk
		for i, c := range all {
			right := keyOf(0, 0, end)
			if i+1 < len(all) {
				right = keyOf(all[i+1].size, all[i+1].mask, all[i+1].coords)
			}
			level = append(level, btreeEntry{keyOf(c.size, c.mask, c.coords), right, c.addr})
		}
	}
	var root uint64 = undefinedAddr
	if len(level) > 0 {
		root = e.btree(1, chunkK, 8*(rank+2), level)
	}
	msgs := []message{{kind: 0x01, data: w.dataspace()}}
	if w.grow == nil {
		dtype, err := h5datatype(w.DType)
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, message{kind: 0x03, data: dtype})
		// Fill value (version 2): allocated incrementally, written if set, value 0.
		var fv h5buf
		fv.u8(2) // version
		fv.u8(3) // space allocated incrementally
		fv.u8(2) // fill value written if set
		fv.u8(1) // defined
		fv.u32(uint32(w.DType.Size()))
		fv.Write(make([]byte, w.DType.Size()))
		msgs = append(msgs, message{kind: 0x05, data: fv.Bytes()})
	}
	var lay h5buf
	lay.u8(3)
	if rank == 0 {
		// Layout (version 3, contiguous): readers refuse a chunked scalar (h5py read one as
		// zeros), so its one element is the contiguous data.
		lay.u8(1)
		addr := uint64(undefinedAddr)
		if c, ok := w.chunks[chunkKey(nil)]; ok {
			addr = c.addr
		}
		lay.u64(addr)
		lay.u64(uint64(w.DType.Size()))
	} else { // Layout (version 3, chunked).
		lay.u8(2)
		lay.u8(uint8(rank + 1))
		lay.u64(root)
		for _, c := range w.Chunks {
			lay.u32(uint32(c))
		}
		lay.u32(uint32(w.DType.Size()))
	}
	msgs = append(msgs, message{kind: 0x08, data: lay.Bytes()})
	if w.grow != nil {
		return e.objectHeader(append(msgs, w.grow.keep...)), nil
	}
	if len(w.filters) > 0 {
		msgs = append(msgs, message{kind: 0x0B, data: filterPipeline(w.filters)})
	}
	return e.objectHeader(msgs), nil
}

// dataspace is the dataset's dataspace message (version 1), with its maximum shape when it
// can grow.
func (w *Writer) dataspace() []byte {
	var sp h5buf
	sp.u8(1)
	sp.u8(uint8(len(w.Shape)))
	flags := uint8(0)
	if w.maxShape != nil {
		flags = 1
	}
	sp.u8(flags)
	sp.Write(make([]byte, 5))
	for _, s := range w.Shape {
		sp.u64(uint64(s))
	}
	for _, m := range w.maxShape {
		sp.u64(m)
	}
	return sp.Bytes()
}

// filterPipeline encodes a filter pipeline message (version 1), each filter optional as
// h5py marks them.
func filterPipeline(filters []Filter) []byte {
	var fp h5buf
	fp.u8(1)
	fp.u8(uint8(len(filters)))
	fp.Write(make([]byte, 6))
	for _, f := range filters {
		fp.u16(f.ID)
		fp.u16(0) // no name
		fp.u16(1) // optional
		fp.u16(uint16(len(f.Params)))
		for _, p := range f.Params {
			fp.u32(p)
		}
		if len(f.Params)%2 == 1 {
			fp.u32(0) // pad to an even count of values
		}
	}
	return fp.Bytes()
}

// paddedName is a name, null-terminated, padded with zeros to a multiple of 8 bytes.
func paddedName(name string) []byte {
	b := make([]byte, (len(name)+8)/8*8)
	copy(b, name)
	return b
}

func lessCoords(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// h5datatype encodes a dtype as a version 1 datatype message, as the HDF5 library does for
// the native little-endian types (h5py's conventions for bool and complex).
func h5datatype(dt nd.DType) ([]byte, error) {
	var b h5buf
	switch {
	case dt.IsInteger():
		b.u8(0x10) // version 1, class 0
		flags := uint8(0)
		if dt.Kind() == 'i' {
			flags = 0x08
		}
		b.Write([]byte{flags, 0, 0})
		b.u32(uint32(dt.Size()))
		b.u16(0)
		b.u16(uint16(8 * dt.Size()))
	case dt.IsFloat():
		// IEEE 754 layout: sign bit at the top, then exponent, then mantissa.
		bits, expBits, bias := 64, 11, 1023
		if dt == nd.Float32 {
			bits, expBits, bias = 32, 8, 127
		}
		mantBits := bits - 1 - expBits
		b.u8(0x11)
		b.Write([]byte{0x20, byte(bits - 1), 0}) // flags (sign location), reserved
		b.u32(uint32(bits / 8))
		b.u16(0) // bit offset
		b.u16(uint16(bits))
		b.Write([]byte{byte(mantBits), byte(expBits), 0, byte(mantBits)}) // exponent location, size; mantissa location, size
		b.u32(uint32(bias))
	case dt.IsComplex():
		part := nd.Float32
		if dt == nd.Complex128 {
			part = nd.Float64
		}
		inner, _ := h5datatype(part)
		b.u8(0x16) // version 1, class 6 (compound)
		b.Write([]byte{2, 0, 0})
		b.u32(uint32(dt.Size()))
		for i, name := range []string{"r", "i"} {
			b.Write(paddedName(name)) // the name, null-terminated, padded to 8 bytes of its own
			b.u32(uint32(i * part.Size()))
			b.Write(make([]byte, 28))
			b.Write(inner)
		}
	case dt == nd.Bool:
		base, _ := h5datatype(nd.Int8)
		b.u8(0x18) // version 1, class 8 (enumeration)
		b.Write([]byte{2, 0, 0})
		b.u32(1)
		b.Write(base)
		for _, name := range []string{"FALSE", "TRUE"} {
			b.Write(paddedName(name))
		}
		b.Write([]byte{0, 1})
	default:
		return nil, fmt.Errorf("dtype %v cannot be written to HDF5", dt)
	}
	return b.Bytes(), nil
}
