// Package zarr reads and writes Zarr arrays, versions 2 and 3 (with sharding), in any
// store.KV: a directory, object storage, or a web server (read-only). An array is a
// graph.Source whose windows read only the chunks they overlap (and only the Blosc blocks,
// or uncompressed rows, that hold them), decoding in the task that needs them; writes go
// chunk by chunk, each chunk whole and atomic, and a replaced array is published whole
// (store.StageArray). Groups, consolidated metadata (.zmetadata) and listing are here too;
// the codecs are package codec's.
package zarr

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
	"github.com/darray-go/darray/internal/lazy"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/codec"
)

// Meta is a Zarr version 2 array's metadata, the .zarray document.
type Meta struct {
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

// V2 is a Zarr v2 array in a KV store, at Path (a group path, "" for the root). It is a
// graph.Source: a window reads the chunks it overlaps, decompressing each in the task that
// needs it, so chunks decompress in parallel.
type V2 struct {
	KV   store.KV
	Path string
	Meta Meta

	dtype     nd.DType
	bigEndian bool
	codec     codec.Codec
	ranges    *codec.BloscRanges // partial reads of Blosc chunks, made on first use
	rangesMu  sync.Mutex
	fill      complex128
	reopen    *lazy.Value[*V2] // a decoded array, opened on first use
}

// OpenV2 reads an array's metadata.
func OpenV2(kv store.KV, path string) (*V2, error) {
	z := &V2{KV: kv, Path: path}
	return z, z.load()
}

// load reads the metadata of the array at z.KV, z.Path.
func (z *V2) load() error {
	raw, err := z.KV.Get(store.JoinKey(z.Path, ".zarray"))
	if err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	if err := json.Unmarshal(raw, &z.Meta); err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, metaError(store.JoinKey(z.Path, ".zarray"), raw, err))
	}
	if err := z.init(); err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	return nil
}

func (z *V2) init() error {
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
	if z.codec, err = codec.New(m.Compressor, dt.Size()); err != nil {
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
func (z *V2) DType() nd.DType { return lazy.Or(z, z.reopen).dtype }

// StoredChunks is the chunk shape: Zarr decodes whole chunks (graph.ChunkedSource).
func (z *V2) StoredChunks() []int { return lazy.Or(z, z.reopen).Meta.Chunks }

// Describe names the array.
func (z *V2) Describe() string {
	if d, ok := z.KV.(store.Dir); ok {
		return store.JoinKey(d.Root, z.Path)
	}
	return "zarr array " + z.Path
}

// ChunkKey is the key of the chunk at grid index c.
func (z *V2) ChunkKey(c []int) string {
	z = lazy.Or(z, z.reopen)
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = strconv.Itoa(v)
	}
	if len(c) == 0 {
		parts = []string{"0"}
	}
	return store.JoinKey(z.Path, strings.Join(parts, z.Meta.DimensionSeparator))
}

// readChunk decodes the chunk at grid index c (its full chunk shape, as stored), or fills
// one with the fill value when it was never written.
func (z *V2) readChunk(c []int) (*nd.Array, error) {
	shape := z.Meta.Chunks
	key := z.ChunkKey(c)
	enc, err := z.KV.Get(key)
	if errors.Is(err, store.ErrNotFound) {
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
func (z *V2) Read(w graph.Window) (*nd.Array, error) {
	if z.reopen != nil {
		opened, err := z.reopen.Get()
		if err != nil {
			return nil, err
		}
		return opened.Read(w)
	}
	if z.ReadsPartialChunks() {
		return store.ReadChunkedRows(w, z.Meta.Shape, z.Meta.Chunks, z.dtype, z.readChunk, z.readChunkRows)
	}
	return store.ReadChunked(w, z.Meta.Shape, z.Meta.Chunks, z.dtype, z.readChunk)
}

// ReadsPartialChunks reports whether a window costs about its own bytes rather than its
// chunks' (C order, uncompressed, whose rows can be read on their own, or Blosc, whose
// blocks can be decoded on their own).
func (z *V2) ReadsPartialChunks() bool {
	z = lazy.Or(z, z.reopen)
	if z.Meta.Order != "C" {
		return false
	}
	switch z.codec.(type) {
	case codec.Raw, codec.Blosc:
		return true
	}
	return false
}

// blosc returns the array's reader of Blosc chunk ranges.
func (z *V2) blosc() *codec.BloscRanges {
	z.rangesMu.Lock()
	defer z.rangesMu.Unlock()
	if z.ranges == nil {
		z.ranges = codec.NewBloscRanges()
	}
	return z.ranges
}

// readChunkRows reads rows [r0, r1) along the first axis of chunk c of a C-order array:
// one contiguous range of the chunk's bytes, read directly when uncompressed, or from the
// Blosc blocks that hold it.
func (z *V2) readChunkRows(c []int, r0, r1 int) (*nd.Array, error) {
	shape := slices.Clone(z.Meta.Chunks)
	shape[0] = r1 - r0
	rowBytes := z.dtype.Size()
	for _, s := range shape[1:] {
		rowBytes *= s
	}
	key := z.ChunkKey(c)
	// Read into a borrowed buffer (no zeroing); readChunkedRows recycles it.
	a, err := nd.FromReader(z.dtype, z.bigEndian, shape, func(raw []byte) error {
		if _, ok := z.codec.(codec.Blosc); ok {
			return z.blosc().Read(z.KV, key, r0*rowBytes, raw)
		}
		return codec.ReadRangeInto(z.KV, key, int64(r0*rowBytes), raw)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nd.Full(z.dtype, z.fill, shape...)
	}
	if err != nil {
		return nil, fmt.Errorf("chunk %s: %w", key, err)
	}
	return a, nil
}

// ChunkWrite is the task that encodes one block, which is exactly one chunk of the
// array (edge chunks padded with the fill value, as Zarr v2 stores them), and stores it
// whole and atomically.
type ChunkWrite struct {
	Root  string // the store: a directory or a URL
	Array string // the array's path in it
	Chunk []int  // the chunk's grid index
}

// WritesTo is the array written: its directory store and path in it.
func (p *ChunkWrite) WritesTo() string {
	if p.Array == "" {
		return p.Root
	}
	return strings.TrimSuffix(p.Root, "/") + "/" + p.Array
}

// WriteOp is the operation name of ZarrChunkWrite tasks.
const WriteOp = "store.zarr-write"

func init() {
	graph.Register(WriteOp, func(params any, inputs []any) (any, error) {
		p, ok := params.(*ChunkWrite)
		if !ok || len(inputs) != 1 {
			return nil, fmt.Errorf("%s: bad task", WriteOp)
		}
		block, ok := inputs[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("%s: input is %T", WriteOp, inputs[0])
		}
		kv, err := store.Open(p.Root)
		if err != nil {
			return nil, err
		}
		z, err := Open(kv, p.Array)
		if err != nil {
			return nil, err
		}
		return int64(block.NBytes()), z.WriteChunk(p.Chunk, block)
	})
}

// WriteChunk stores block as the chunk at grid index c.
func (z *V2) WriteChunk(c []int, block *nd.Array) error {
	if z.reopen != nil {
		opened, err := z.reopen.Get()
		if err != nil {
			return err
		}
		return opened.WriteChunk(c, block)
	}
	full, err := store.PadChunk(block, z.Meta.Chunks, z.dtype, z.fill)
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

// CreateV2 writes the metadata of a new array (replacing any), and the .zgroup of the
// root when the store has none.
func CreateV2(kv store.KV, path string, meta Meta) (*V2, error) {
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
	z := &V2{KV: kv, Path: path, Meta: meta}
	if err := z.init(); err != nil {
		return nil, err
	}
	raw, err := json.MarshalIndent(z.Meta, "", "    ")
	if err != nil {
		return nil, err
	}
	if _, err := kv.Get(".zgroup"); errors.Is(err, store.ErrNotFound) && path != "" {
		if err := kv.Set(".zgroup", []byte("{\n    \"zarr_format\": 2\n}")); err != nil {
			return nil, err
		}
	}
	return z, kv.Set(store.JoinKey(path, ".zarray"), raw)
}

// DTypeCode is the Zarr v2 dtype string for dt in little-endian order, such as "<f8".
func DTypeCode(dt nd.DType) string {
	if dt.Size() == 1 {
		return "|" + dt.Code()
	}
	return "<" + dt.Code()
}

// Array is a Zarr array of either version.
type Array interface {
	graph.ChunkedSource
	DType() nd.DType
	ChunkKey(c []int) string
	WriteChunk(c []int, block *nd.Array) error
	ArrayShape() []int
}

// ArrayShape is the array's shape.
func (z *V2) ArrayShape() []int { return lazy.Or(z, z.reopen).Meta.Shape }

// ArrayShape is the array's shape.
func (z *V3) ArrayShape() []int { return lazy.Or(z, z.reopen).Meta.Shape }

// Open opens a v3 array (zarr.json) or else a v2 one (.zarray).
func Open(kv store.KV, path string) (Array, error) {
	if _, err := kv.Get(store.JoinKey(path, "zarr.json")); err == nil {
		return OpenV3(kv, path)
	}
	return OpenV2(kv, path)
}
