package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
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

	maxShape []uint64 // per axis, undefAddr for unlimited; nil when the shape is fixed
	filters  []Filter // the pipeline each chunk goes through, in order
	base     uint64   // the file offset of address 0 (after a user block)
	edit     *editor
	at       editPath
	grow     *growth

	mu     sync.Mutex
	next   uint64 // where the next chunk goes
	chunks map[string]writtenChunk
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
				maxShape = append(maxShape, undefAddr)
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

// The HDF5 library's default B-tree parameters: symbol table nodes hold up to 2*leafK
// links, group B-tree nodes up to 2*internalK children, chunk B-tree nodes 2*chunkK.
const (
	defaultLeafK     = 4
	defaultInternalK = 16
	defaultChunkK    = 32
)

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
	var root uint64 = undefAddr
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
		addr := uint64(undefAddr)
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

func lessCoords(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
