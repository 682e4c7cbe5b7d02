package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/darray-go/darray/internal/outfile"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Writing HDF5: a new file in the classic layout every HDF5 reader accepts (superblock 0,
// version 1 object headers, symbol-table groups, chunked datasets with a version 1 B-tree
// index, optional shuffle and deflate). Chunks are compressed by the tasks that compute
// them, in parallel, and appended to the file as they come; the index, the groups and the
// superblock are written last, and the file is renamed into place only when complete.

// HDF5Writer builds one file holding one dataset.
type HDF5Writer struct {
	Path    string // the file's final path
	Tmp     string // where it is written
	Dataset string // "/name" or "/group/name"
	Shape   []int
	Chunks  []int
	DType   nd.DType
	Gzip    int  // deflate level 1-9, 0 for none
	Shuffle bool // byte shuffle before deflate
	// Overwrite lets Finish replace a file already at Path. Without it Finish refuses:
	// the writer makes whole files, so replacing one would lose whatever else it held.
	Overwrite bool

	mu     sync.Mutex
	next   uint64 // where the next chunk goes
	chunks map[string]writtenChunk
}

type writtenChunk struct {
	coords []int // element offsets
	addr   uint64
	size   uint32
}

// hdf5DataStart leaves room at the start of the file for the superblock, written last.
const hdf5DataStart = 2048

var writers sync.Map // Tmp path -> *HDF5Writer, for the chunk tasks of a running write

// NewHDF5Writer creates the temporary file beside path and registers the writer for the
// chunk tasks (HDF5ChunkWrite) to find.
// HDF5WriteOptions are the choices of an HDF5Writer.
type HDF5WriteOptions struct {
	Gzip      int  // deflate level 1-9, 0 for none
	Shuffle   bool // byte shuffle before deflate
	Overwrite bool // replace a file already at the path
}

func NewHDF5Writer(path, dataset string, shape, chunks []int, dt nd.DType, opts HDF5WriteOptions) (*HDF5Writer, error) {
	gzip := opts.Gzip
	if len(chunks) != len(shape) {
		return nil, fmt.Errorf("chunks %v do not match shape %v", chunks, shape)
	}
	for d, c := range chunks {
		if c <= 0 || c > max(shape[d], 1) {
			return nil, fmt.Errorf("chunk shape %v does not fit shape %v", chunks, shape)
		}
	}
	if gzip < 0 || gzip > 9 {
		return nil, fmt.Errorf("gzip level %d is not in 0-9", gzip)
	}
	shuffle := opts.Shuffle
	if len(shape) == 0 { // a scalar is stored contiguous, where HDF5 allows no filters
		gzip, shuffle = 0, false
	}
	name := strings.Trim(dataset, "/")
	if name == "" {
		return nil, fmt.Errorf("dataset name %q is empty", dataset)
	}
	if _, err := os.Stat(path); err == nil && !opts.Overwrite {
		return nil, errFileExists(path)
	}
	f, err := outfile.CreateTemp(dirOf(path), "."+baseOf(path)+".tmp-")
	if err != nil {
		return nil, err
	}
	f.Close()
	w := &HDF5Writer{Path: path, Tmp: f.Name(), Dataset: "/" + name, Shape: shape, Chunks: chunks, DType: dt,
		Gzip: gzip, Shuffle: shuffle, Overwrite: opts.Overwrite, next: hdf5DataStart, chunks: map[string]writtenChunk{}}
	writers.Store(w.Tmp, w)
	return w, nil
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "."
}

func baseOf(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// HDF5ChunkWrite is the task that encodes one block (exactly one chunk) and appends it.
type HDF5ChunkWrite struct {
	Tmp   string
	Chunk []int // grid index
}

// WritesTo is the temporary file being written.
func (p *HDF5ChunkWrite) WritesTo() string { return p.Tmp }

// HDF5WriteOp is the operation name of HDF5ChunkWrite tasks.
const HDF5WriteOp = "store.hdf5-write"

func init() {
	graph.Register(HDF5WriteOp, func(params any, inputs []any) (any, error) {
		p, ok := params.(*HDF5ChunkWrite)
		if !ok || len(inputs) != 1 {
			return nil, fmt.Errorf("%s: bad task", HDF5WriteOp)
		}
		v, ok := writers.Load(p.Tmp)
		if !ok {
			return nil, fmt.Errorf("%s: no HDF5 write in progress for %s", HDF5WriteOp, p.Tmp)
		}
		block, ok := inputs[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("%s: input is %T", HDF5WriteOp, inputs[0])
		}
		return int64(block.NBytes()), v.(*HDF5Writer).WriteChunk(p.Chunk, block)
	})
}

// WriteChunk encodes a block and appends it to the file.
func (w *HDF5Writer) WriteChunk(c []int, block *nd.Array) error {
	full, err := padChunk(block, w.Chunks, w.DType, 0)
	if err != nil {
		return fmt.Errorf("chunk %v: %w", c, err)
	}
	raw := full.Bytes(false)
	if w.Shuffle && w.DType.Size() > 1 {
		shuffled := make([]byte, len(raw))
		shuffleBytes(shuffled, raw, w.DType.Size())
		raw = shuffled
	}
	if w.Gzip > 0 {
		if raw, err = (zlibCodec{w.Gzip}).Encode(raw); err != nil {
			return err
		}
	}
	coords := make([]int, len(c))
	for d := range c {
		coords[d] = c[d] * w.Chunks[d]
	}
	w.mu.Lock()
	addr := w.next
	w.next += uint64(len(raw))
	w.chunks[chunkKey(c)] = writtenChunk{coords, addr, uint32(len(raw))}
	w.mu.Unlock()
	f, err := os.OpenFile(w.Tmp, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(raw, int64(addr)); err != nil {
		return fmt.Errorf("writing %s: %w", w.Path, err)
	}
	return nil
}

// Abort removes the temporary file.
func (w *HDF5Writer) Abort() {
	writers.Delete(w.Tmp)
	os.Remove(w.Tmp)
}

// Finish writes the chunk index, the dataset's header, the groups and the superblock,
// syncs the file and renames it over Path.
func (w *HDF5Writer) Finish() error {
	writers.Delete(w.Tmp)
	e := &h5enc{buf: &bytes.Buffer{}, base: w.next}
	dset, err := w.datasetHeader(e)
	if err != nil {
		return err
	}
	// Groups from the dataset up: each group holds one link, to the level below.
	parts := strings.Split(strings.Trim(w.Dataset, "/"), "/")
	child := dset
	var rootBTree, rootHeap uint64
	for i := len(parts) - 1; i >= 0; i-- {
		btree, heap := e.symbolTable(parts[i], child)
		if i == 0 {
			rootBTree, rootHeap = btree, heap
			child = e.groupHeader(btree, heap)
			break
		}
		child = e.groupHeader(btree, heap)
	}
	if len(parts) == 0 {
		return fmt.Errorf("empty dataset path")
	}
	rootHeader := child
	f, err := os.OpenFile(w.Tmp, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(e.buf.Bytes(), int64(e.base)); err != nil {
		return err
	}
	eof := e.base + uint64(e.buf.Len())
	if _, err := f.WriteAt(superblock(eof, rootHeader, rootBTree, rootHeap), 0); err != nil {
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
func (w *HDF5Writer) publish() error {
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

// errFileExists is the error for a whole-file write refused because a file is in the way.
func errFileExists(path string) error {
	return fmt.Errorf("%s already exists and darray writes HDF5 files whole: writing would replace it and lose what it holds (overwrite it explicitly, or write to a new file): %w", path, fs.ErrExist)
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
	b.Write(hdf5Signature)
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
		body.u8(0)
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

func (e *h5enc) groupHeader(btree, heap uint64) uint64 {
	var st h5buf
	st.u64(btree)
	st.u64(heap)
	return e.objectHeader([]message{{kind: 0x11, data: st.Bytes()}})
}

// symbolTable writes a group holding one link: its local heap, symbol table node and B-tree.
func (e *h5enc) symbolTable(name string, target uint64) (btree, heap uint64) {
	var names h5buf
	names.WriteByte(0) // offset 0: the empty name
	names.pad8()
	nameOff := uint64(names.Len())
	names.WriteString(name)
	names.WriteByte(0)
	names.pad8()
	dataAddr := e.alloc(names.Bytes())
	var hp h5buf
	hp.WriteString("HEAP")
	hp.Write([]byte{0, 0, 0, 0})
	hp.u64(uint64(names.Len()))
	hp.u64(1) // no free block: HDF5 marks the end of the free list with offset 1
	hp.u64(dataAddr)
	heap = e.alloc(hp.Bytes())
	// A symbol table node with room for 2 x leaf K = 8 entries, one used.
	var sn h5buf
	sn.WriteString("SNOD")
	sn.Write([]byte{1, 0})
	sn.u16(1)
	sn.u64(nameOff)
	sn.u64(target)
	sn.u32(0)
	sn.u32(0)
	sn.Write(make([]byte, 16))
	sn.Write(make([]byte, 7*40))
	snod := e.alloc(sn.Bytes())
	// The group B-tree: one leaf pointing at the node, keys "" and the name. Node size
	// is that of 2 x internal K = 32 entries.
	var bt h5buf
	bt.WriteString("TREE")
	bt.u8(0)
	bt.u8(0)
	bt.u16(1)
	bt.u64(undefinedAddr)
	bt.u64(undefinedAddr)
	bt.u64(0)
	bt.u64(snod)
	bt.u64(nameOff)
	bt.Write(make([]byte, 31*16))
	btree = e.alloc(bt.Bytes())
	return btree, heap
}

// chunkBTreeK is HDF5's default K for chunk B-trees: nodes hold up to 64 children, and are
// always stored at that full size.
const chunkBTreeK = 32

func (w *HDF5Writer) datasetHeader(e *h5enc) (uint64, error) {
	rank := len(w.Shape)
	// Chunk B-tree, built bottom-up from the chunks in order of their coordinates.
	type entry struct {
		key  []byte
		addr uint64
	}
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
	var level []entry
	all := make([]writtenChunk, 0, len(w.chunks))
	for _, c := range w.chunks {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return lessCoords(all[i].coords, all[j].coords) })
	for _, c := range all {
		if rank > 0 { // a scalar's one element is contiguous data, not a chunk
			level = append(level, entry{keyOf(c.size, 0, c.coords), c.addr})
		}
	}
	// The key after the last child: past every chunk.
	end := make([]int, rank)
	for d := range end {
		end[d] = (w.Shape[d] + w.Chunks[d] - 1) / w.Chunks[d] * w.Chunks[d]
	}
	lastKey := keyOf(0, 0, end)
	keySize := 8 + 8*(rank+1)
	nodeSize := 8 + 16 + (2*chunkBTreeK+1)*keySize + 2*chunkBTreeK*8
	var root uint64 = undefinedAddr
	for depth := 0; len(level) > 0; depth++ {
		var up []entry
		for i := 0; i < len(level); i += 2 * chunkBTreeK {
			group := level[i:min(i+2*chunkBTreeK, len(level))]
			var n h5buf
			n.WriteString("TREE")
			n.u8(1)
			n.u8(uint8(depth))
			n.u16(uint16(len(group)))
			n.u64(undefinedAddr)
			n.u64(undefinedAddr)
			for _, g := range group {
				n.Write(g.key)
				n.u64(g.addr)
			}
			if i+len(group) < len(level) {
				n.Write(level[i+len(group)].key)
			} else {
				n.Write(lastKey)
			}
			n.Write(make([]byte, nodeSize-n.Len()))
			up = append(up, entry{group[0].key, e.alloc(n.Bytes())})
		}
		if len(up) == 1 {
			root = up[0].addr
			break
		}
		level = up
	}
	var msgs []message
	// Dataspace (version 1).
	var sp h5buf
	sp.u8(1)
	sp.u8(uint8(rank))
	sp.u8(0)
	sp.Write(make([]byte, 5))
	for _, s := range w.Shape {
		sp.u64(uint64(s))
	}
	msgs = append(msgs, message{kind: 0x01, data: sp.Bytes()})
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
	if w.Shuffle || w.Gzip > 0 {
		var fp h5buf
		n := 0
		var filters h5buf
		if w.Shuffle {
			n++
			filters.u16(2)
			filters.u16(0)
			filters.u16(1) // optional
			filters.u16(1)
			filters.u32(uint32(w.DType.Size()))
			filters.u32(0) // pad to an even count of values
		}
		if w.Gzip > 0 {
			n++
			filters.u16(1)
			filters.u16(0)
			filters.u16(1)
			filters.u16(1)
			filters.u32(uint32(w.Gzip))
			filters.u32(0)
		}
		fp.u8(1)
		fp.u8(uint8(n))
		fp.Write(make([]byte, 6))
		fp.Write(filters.Bytes())
		msgs = append(msgs, message{kind: 0x0B, data: fp.Bytes()})
	}
	return e.objectHeader(msgs), nil
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
