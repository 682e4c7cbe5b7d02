package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// ZarrMeta is a Zarr version 2 array's metadata, the .zarray document.
type ZarrMeta struct {
	ZarrFormat         int             `json:"zarr_format"`
	Shape              []int           `json:"shape"`
	Chunks             []int           `json:"chunks"`
	DType              string          `json:"dtype"`
	Compressor         json.RawMessage `json:"compressor"`
	FillValue          any             `json:"fill_value"`
	Order              string          `json:"order"`
	Filters            json.RawMessage `json:"filters"`
	DimensionSeparator string          `json:"dimension_separator,omitempty"`
}

// Zarr is a Zarr v2 array in a KV store, at Path (a group path, "" for the root). It is a
// graph.Source: a window reads the chunks it overlaps, decompressing each in the task that
// needs it, so chunks decompress in parallel.
type Zarr struct {
	KV   KV
	Path string
	Meta ZarrMeta

	dtype     nd.DType
	bigEndian bool
	codec     Codec
	ranges    *bloscRanges // partial reads of Blosc chunks, made on first use
	rangesMu  sync.Mutex
	fill      complex128
	fillNaN   bool
	reopen    *reopen[*Zarr] // a decoded array, opened on first use
}

// OpenZarr reads an array's metadata.
func OpenZarr(kv KV, path string) (*Zarr, error) {
	z := &Zarr{KV: kv, Path: path}
	return z, z.load()
}

// load reads the metadata of the array at z.KV, z.Path.
func (z *Zarr) load() error {
	raw, err := z.KV.Get(joinKey(z.Path, ".zarray"))
	if err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	if err := json.Unmarshal(raw, &z.Meta); err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, zarrMetaError(joinKey(z.Path, ".zarray"), raw, err))
	}
	if err := z.init(); err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	return nil
}

func joinKey(path, name string) string {
	if path == "" {
		return name
	}
	return strings.TrimSuffix(path, "/") + "/" + name
}

func (z *Zarr) init() error {
	m := &z.Meta
	if m.ZarrFormat != 2 {
		return fmt.Errorf("zarr_format %d is not supported here (2 is)", m.ZarrFormat)
	}
	if len(m.Chunks) != len(m.Shape) {
		return fmt.Errorf("chunks %v do not match shape %v", m.Chunks, m.Shape)
	}
	for d, c := range m.Chunks {
		if c <= 0 || m.Shape[d] < 0 {
			return fmt.Errorf("bad shape %v or chunks %v", m.Shape, m.Chunks)
		}
	}
	dt, err := nd.ParseDType(m.DType)
	if err != nil {
		return err
	}
	z.dtype, z.bigEndian = dt, strings.HasPrefix(m.DType, ">") && dt.Size() > 1
	if m.Order != "C" && m.Order != "F" {
		return fmt.Errorf("order %q is not C or F", m.Order)
	}
	if len(m.Filters) > 0 && string(m.Filters) != "null" && string(m.Filters) != "[]" {
		return fmt.Errorf("filters %s are not supported", m.Filters)
	}
	if z.codec, err = NewCodec(m.Compressor, dt.Size()); err != nil {
		return err
	}
	switch v := m.FillValue.(type) {
	case nil:
	case float64:
		z.fill = complex(v, 0)
	case int:
		z.fill = complex(float64(v), 0)
	case bool:
		if v {
			z.fill = 1
		}
	case string:
		switch v {
		case "NaN":
			z.fill = complex(math.NaN(), 0)
		case "Infinity":
			z.fill = complex(math.Inf(1), 0)
		case "-Infinity":
			z.fill = complex(math.Inf(-1), 0)
		default:
			return fmt.Errorf("fill_value %q is not supported", v)
		}
	case []any:
		if len(v) == 2 {
			re, _ := v[0].(float64)
			im, _ := v[1].(float64)
			z.fill = complex(re, im)
		}
	default:
		return fmt.Errorf("fill_value %v is not supported", v)
	}
	if m.DimensionSeparator == "" {
		m.DimensionSeparator = "."
	}
	if m.DimensionSeparator != "." && m.DimensionSeparator != "/" {
		return fmt.Errorf("dimension_separator %q is not . or /", m.DimensionSeparator)
	}
	return nil
}

// DType is the array's element type.
func (z *Zarr) DType() nd.DType { return use(z, z.reopen).dtype }

// StoredChunks is the chunk shape: Zarr decodes whole chunks (graph.ChunkedSource).
func (z *Zarr) StoredChunks() []int { return use(z, z.reopen).Meta.Chunks }

// Describe names the array.
func (z *Zarr) Describe() string {
	if d, ok := z.KV.(Dir); ok {
		return joinKey(d.Root, z.Path)
	}
	return "zarr array " + z.Path
}

// ChunkKey is the key of the chunk at grid index c.
func (z *Zarr) ChunkKey(c []int) string {
	z = use(z, z.reopen)
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = strconv.Itoa(v)
	}
	if len(c) == 0 {
		parts = []string{"0"}
	}
	return joinKey(z.Path, strings.Join(parts, z.Meta.DimensionSeparator))
}

// readChunk decodes the chunk at grid index c (its full chunk shape, as stored), or fills
// one with the fill value when it was never written.
func (z *Zarr) readChunk(c []int) (*nd.Array, error) {
	shape := z.Meta.Chunks
	key := z.ChunkKey(c)
	enc, err := z.KV.Get(key)
	if errors.Is(err, ErrNotFound) {
		return nd.Full(z.dtype, z.fill, shape...)
	}
	if err != nil {
		return nil, err
	}
	n := z.dtype.Size()
	for _, s := range shape {
		n *= s
	}
	raw, err := z.codec.Decode(enc, n)
	if err != nil {
		return nil, fmt.Errorf("chunk %s: %w", key, err)
	}
	if z.Meta.Order == "F" {
		rev := make([]int, len(shape))
		for i, s := range shape {
			rev[len(shape)-1-i] = s
		}
		a, err := nd.WrapBytes(z.dtype, raw, z.bigEndian, rev...)
		if err != nil {
			return nil, fmt.Errorf("chunk %s: %w", key, err)
		}
		return a.T(), nil
	}
	a, err := nd.WrapBytes(z.dtype, raw, z.bigEndian, shape...) // raw is ours: no copy
	if err != nil {
		return nil, fmt.Errorf("chunk %s: %w", key, err)
	}
	return a, nil
}

// Read reads the window's elements from the chunks it overlaps.
func (z *Zarr) Read(w graph.Window) (*nd.Array, error) {
	if z.reopen != nil {
		opened, err := z.reopen.get()
		if err != nil {
			return nil, err
		}
		return opened.Read(w)
	}
	if z.ReadsPartialChunks() {
		return readChunkedRows(w, z.Meta.Shape, z.Meta.Chunks, z.dtype, z.readChunk, z.readChunkRows)
	}
	return readChunked(w, z.Meta.Shape, z.Meta.Chunks, z.dtype, z.readChunk)
}

// ReadsPartialChunks reports whether a window costs about its own bytes rather than its
// chunks' (C order, uncompressed, whose rows can be read on their own, or Blosc, whose
// blocks can be decoded on their own).
func (z *Zarr) ReadsPartialChunks() bool {
	z = use(z, z.reopen)
	if z.Meta.Order != "C" {
		return false
	}
	switch z.codec.(type) {
	case rawCodec, bloscCodec:
		return true
	}
	return false
}

// blosc returns the array's reader of Blosc chunk ranges.
func (z *Zarr) blosc() *bloscRanges {
	z.rangesMu.Lock()
	defer z.rangesMu.Unlock()
	if z.ranges == nil {
		z.ranges = newBloscRanges()
	}
	return z.ranges
}

// readChunkRows reads rows [r0, r1) along the first axis of chunk c of a C-order array:
// one contiguous range of the chunk's bytes, read directly when uncompressed, or from the
// Blosc blocks that hold it.
func (z *Zarr) readChunkRows(c []int, r0, r1 int) (*nd.Array, error) {
	shape := slices.Clone(z.Meta.Chunks)
	shape[0] = r1 - r0
	rowBytes := z.dtype.Size()
	for _, s := range shape[1:] {
		rowBytes *= s
	}
	key := z.ChunkKey(c)
	// Read into a borrowed buffer (no zeroing); readChunkedRows recycles it.
	a, err := nd.FromReader(z.dtype, z.bigEndian, shape, func(raw []byte) error {
		if _, ok := z.codec.(bloscCodec); ok {
			return z.blosc().read(z.KV, key, r0*rowBytes, raw)
		}
		return readRangeInto(z.KV, key, int64(r0*rowBytes), raw)
	})
	if errors.Is(err, ErrNotFound) {
		return nd.Full(z.dtype, z.fill, shape...)
	}
	if err != nil {
		return nil, fmt.Errorf("chunk %s: %w", key, err)
	}
	return a, nil
}

// readChunked assembles a window of an array stored in chunks of the given shape: each
// chunk the window touches is decoded once by readChunk and the window's part copied out.
func readChunked(w graph.Window, shape, chunks []int, dt nd.DType, readChunk func(c []int) (*nd.Array, error)) (*nd.Array, error) {
	return readChunkedRows(w, shape, chunks, dt, readChunk, nil)
}

// readChunkedRows is readChunked for formats that can also read a run of rows (along the
// first axis) of a chunk on its own: a window that needs only some of a chunk's rows reads
// only those.
func readChunkedRows(w graph.Window, shape, chunks []int, dt nd.DType, readChunk func(c []int) (*nd.Array, error), readRows func(c []int, r0, r1 int) (*nd.Array, error)) (*nd.Array, error) {
	n := len(shape)
	if c, ok := wholeChunk(w, shape, chunks); ok { // the usual case: a block is a chunk
		a, err := readChunk(c)
		if err != nil {
			return nil, err
		}
		return a.Transpose(w.Perm...)
	}
	out, err := nd.New(dt, w.Count...)
	if err != nil || out.Size() == 0 {
		return emptyWindow(dt, w, err)
	}
	// Per axis: the chunks the window touches and, for each, the window positions in it.
	type part struct{ chunk, j0, j1 int }
	parts := make([][]part, n)
	for d := range n {
		c := chunks[d]
		for j := 0; j < w.Count[d]; {
			p := w.Start[d] + w.Step[d]*j
			if p < 0 || p >= shape[d] {
				return nil, fmt.Errorf("window position %d is outside axis %d of length %d", p, d, shape[d])
			}
			k := p / c
			j1 := j + 1
			for j1 < w.Count[d] && (w.Start[d]+w.Step[d]*j1)/c == k {
				j1++
			}
			parts[d] = append(parts[d], part{k, j, j1})
			j = j1
		}
	}
	grid := make([]int, n)
	for d := range n {
		grid[d] = len(parts[d])
	}
	graph.ForEachBlock(grid, func(g []int) {
		if err != nil {
			return
		}
		c := make([]int, n)
		src := make([]nd.Index, n)
		dst := make([]nd.Index, n)
		var first0, stop0 int
		var rows [2]int // the chunk rows (first axis) the part touches
		for d := range n {
			pt := parts[d][g[d]]
			c[d] = pt.chunk
			first := w.Start[d] + w.Step[d]*pt.j0 - pt.chunk*chunks[d]
			last := first + w.Step[d]*(pt.j1-pt.j0-1)
			stop := last + 1
			if w.Step[d] < 0 {
				stop = last - 1
				if stop < 0 {
					stop = nd.Omit
				}
			}
			src[d] = nd.Slice(first, stop, w.Step[d])
			dst[d] = nd.Slice(pt.j0, pt.j1, 1)
			if d == 0 {
				first0, stop0 = first, stop
				rows = [2]int{min(first, last), max(first, last) + 1}
			}
		}
		var chunk, s, t *nd.Array
		if readRows != nil && n > 0 && rows[1]-rows[0] < chunks[0] {
			// Only these rows: read them, and index them from the first one read; the
			// rows' buffer is ours alone, and goes back to the pool once copied out.
			if chunk, err = readRows(c, rows[0], rows[1]); err != nil {
				return
			}
			defer chunk.Recycle()
			start, stop, step := first0-rows[0], stop0-rows[0], w.Step[0]
			if stop0 == nd.Omit || stop < 0 {
				stop = nd.Omit
			}
			src[0] = nd.Slice(start, stop, step)
		} else if chunk, err = readChunk(c); err != nil {
			return
		}
		if s, err = chunk.Index(src...); err != nil {
			return
		}
		if t, err = out.Index(dst...); err != nil {
			return
		}
		err = t.Assign(s)
	})
	if err != nil {
		return nil, err
	}
	return out.Transpose(w.Perm...)
}

// wholeChunk reports whether the window is exactly one whole chunk (not an edge chunk,
// which is stored padded), and which.
func wholeChunk(w graph.Window, shape, chunks []int) ([]int, bool) {
	c := make([]int, len(shape))
	for d := range shape {
		if w.Step[d] != 1 || w.Count[d] != chunks[d] || w.Start[d]%chunks[d] != 0 || w.Start[d]+chunks[d] > shape[d] {
			return nil, false
		}
		c[d] = w.Start[d] / chunks[d]
	}
	return c, true
}

// padChunk returns block in a chunk-shaped array, the rest filled with fill (Zarr stores
// edge chunks whole).
func padChunk(block *nd.Array, chunks []int, dt nd.DType, fill complex128) (*nd.Array, error) {
	if slices.Equal(block.Shape(), chunks) {
		return block, nil
	}
	full, err := nd.Full(dt, fill, chunks...)
	if err != nil {
		return nil, err
	}
	idx := make([]nd.Index, len(chunks))
	for d := range chunks {
		idx[d] = nd.Slice(0, block.Shape()[d], 1)
	}
	region, err := full.Index(idx...)
	if err != nil {
		return nil, err
	}
	if err := region.Assign(block); err != nil {
		return nil, fmt.Errorf("block of shape %s does not fit chunks %v: %w", nd.ShapeString(block.Shape()), chunks, err)
	}
	return full, nil
}

// ZarrChunkWrite is the task that encodes one block, which is exactly one chunk of the
// array (edge chunks padded with the fill value, as Zarr v2 stores them), and stores it
// whole and atomically.
type ZarrChunkWrite struct {
	Root  string // the store: a directory or a URL
	Array string // the array's path in it
	Chunk []int  // the chunk's grid index
}

// WritesTo is the array written: its directory store and path in it.
func (p *ZarrChunkWrite) WritesTo() string {
	if p.Array == "" {
		return p.Root
	}
	return strings.TrimSuffix(p.Root, "/") + "/" + p.Array
}

// ZarrWriteOp is the operation name of ZarrChunkWrite tasks.
const ZarrWriteOp = "store.zarr-write"

func init() {
	graph.Register(ZarrWriteOp, func(params any, inputs []any) (any, error) {
		p, ok := params.(*ZarrChunkWrite)
		if !ok || len(inputs) != 1 {
			return nil, fmt.Errorf("%s: bad task", ZarrWriteOp)
		}
		block, ok := inputs[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("%s: input is %T", ZarrWriteOp, inputs[0])
		}
		kv, err := Open(p.Root)
		if err != nil {
			return nil, err
		}
		z, err := OpenAnyZarr(kv, p.Array)
		if err != nil {
			return nil, err
		}
		return int64(block.NBytes()), z.WriteChunk(p.Chunk, block)
	})
}

// WriteChunk stores block as the chunk at grid index c.
func (z *Zarr) WriteChunk(c []int, block *nd.Array) error {
	if z.reopen != nil {
		opened, err := z.reopen.get()
		if err != nil {
			return err
		}
		return opened.WriteChunk(c, block)
	}
	full, err := padChunk(block, z.Meta.Chunks, z.dtype, z.fill)
	if err != nil {
		return fmt.Errorf("chunk %v: %w", c, err)
	}
	src := full
	if z.Meta.Order == "F" {
		src = full.T()
	}
	enc, err := z.codec.Encode(src.ByteView(z.bigEndian))
	if err != nil {
		return err
	}
	return z.KV.Set(z.ChunkKey(c), enc)
}

// CreateZarr writes the metadata of a new array (replacing any), and the .zgroup of the
// root when the store has none.
func CreateZarr(kv KV, path string, meta ZarrMeta) (*Zarr, error) {
	meta.ZarrFormat = 2
	if meta.Order == "" {
		meta.Order = "C"
	}
	if len(meta.Filters) == 0 {
		meta.Filters = json.RawMessage("null")
	}
	if len(meta.Compressor) == 0 {
		meta.Compressor = json.RawMessage("null")
	}
	z := &Zarr{KV: kv, Path: path, Meta: meta}
	if err := z.init(); err != nil {
		return nil, err
	}
	raw, err := json.MarshalIndent(z.Meta, "", "    ")
	if err != nil {
		return nil, err
	}
	if _, err := kv.Get(".zgroup"); errors.Is(err, ErrNotFound) && path != "" {
		if err := kv.Set(".zgroup", []byte("{\n    \"zarr_format\": 2\n}")); err != nil {
			return nil, err
		}
	}
	return z, kv.Set(joinKey(path, ".zarray"), raw)
}

// ZarrDTypeCode is the Zarr v2 dtype string for dt in little-endian order, such as "<f8".
func ZarrDTypeCode(dt nd.DType) string {
	if dt.Size() == 1 {
		return "|" + dt.Code()
	}
	return "<" + dt.Code()
}

// ZarrArray is a Zarr array of either version.
type ZarrArray interface {
	graph.ChunkedSource
	DType() nd.DType
	ChunkKey(c []int) string
	WriteChunk(c []int, block *nd.Array) error
	ArrayShape() []int
}

// ArrayShape is the array's shape.
func (z *Zarr) ArrayShape() []int { return use(z, z.reopen).Meta.Shape }

// ArrayShape is the array's shape.
func (z *Zarr3) ArrayShape() []int { return use(z, z.reopen).Meta.Shape }

// OpenAnyZarr opens a v3 array (zarr.json) or else a v2 one (.zarray).
func OpenAnyZarr(kv KV, path string) (ZarrArray, error) {
	if _, err := kv.Get(joinKey(path, "zarr.json")); err == nil {
		return OpenZarr3(kv, path)
	}
	return OpenZarr(kv, path)
}
