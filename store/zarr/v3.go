package zarr

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"strconv"
	"strings"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/internal/lazy"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/codec"
)

// Zarr version 3 arrays: a zarr.json document and chunks under "c/" (default key
// encoding), each passed through a codec pipeline: optional array-to-array codecs
// (transpose), one array-to-bytes codec (bytes, or sharding_indexed, which packs a grid of
// inner chunks with their own pipeline into one object with an index of offsets and
// lengths), then bytes-to-bytes codecs (gzip, zstd, blosc, crc32c).

// Meta3 is a v3 array's zarr.json.
type Meta3 struct {
	ZarrFormat       int             `json:"zarr_format"`
	NodeType         string          `json:"node_type"`
	Shape            []int           `json:"shape"`
	DataType         string          `json:"data_type"`
	ChunkGrid        NamedConfig     `json:"chunk_grid"`
	ChunkKeyEncoding NamedConfig     `json:"chunk_key_encoding"`
	FillValue        any             `json:"fill_value"`
	Codecs           []NamedConfig   `json:"codecs"`
	Attributes       map[string]any  `json:"attributes,omitempty"`
	DimensionNames   json.RawMessage `json:"dimension_names,omitempty"`
}

// RegularGrid is the chunk_grid of chunks of the given shape.
func RegularGrid(chunks []int) NamedConfig {
	raw, _ := json.Marshal(map[string]any{"chunk_shape": chunks})
	return NamedConfig{Name: "regular", Configuration: raw}
}

// NamedConfig is a v3 extension point: a name and its configuration.
type NamedConfig struct {
	Name          string          `json:"name"`
	Configuration json.RawMessage `json:"configuration,omitempty"`
}

// pipeline is a parsed codec chain for chunks of one shape.
type pipeline struct {
	transpose []int // array-to-array: the stored chunk is the chunk transposed by this order
	bigEndian bool
	shard     *shardSpec    // array-to-bytes sharding, instead of bytes
	bytes     []codec.Codec // bytes-to-bytes, in encoding order
	crc       bool          // a crc32c checksum is the last bytes-to-bytes step
}

type shardSpec struct {
	inner      []int // inner chunk shape
	codecs     *pipeline
	indexCRC   bool
	indexAtEnd bool
}

// V3 is a Zarr v3 array in a KV store; a graph.ChunkedSource whose stored chunks are the
// shards when the array is sharded.
type V3 struct {
	KV   store.KV
	Path string
	Meta Meta3

	dtype  nd.DType
	chunks []int // stored chunk (shard) shape
	sep    string
	v2keys bool
	pipe   *pipeline
	fill   complex128
	reopen *lazy.Value[*V3] // a decoded array, opened on first use
}

var v3DataTypes = map[string]nd.DType{"bool": nd.Bool, "int8": nd.Int8, "int16": nd.Int16, "int32": nd.Int32, "int64": nd.Int64,
	"uint8": nd.Uint8, "uint16": nd.Uint16, "uint32": nd.Uint32, "uint64": nd.Uint64, "float32": nd.Float32,
	"float64": nd.Float64, "complex64": nd.Complex64, "complex128": nd.Complex128}

// OpenV3 reads a v3 array's metadata.
func OpenV3(kv store.KV, path string) (*V3, error) {
	z := &V3{KV: kv, Path: path}
	return z, z.load()
}

// load reads the metadata of the array at z.KV, z.Path.
func (z *V3) load() error {
	raw, err := z.KV.Get(store.JoinKey(z.Path, "zarr.json"))
	if err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	if err := json.Unmarshal(raw, &z.Meta); err != nil {
		return fmt.Errorf("zarr array %q: bad zarr.json: %w", z.Path, err)
	}
	if err := z.init(); err != nil {
		return fmt.Errorf("zarr array %q: %w", z.Path, err)
	}
	return nil
}

func (z *V3) init() error {
	m := &z.Meta
	if m.ZarrFormat != 3 || m.NodeType != "array" {
		return fmt.Errorf("not a Zarr v3 array (zarr_format %d, node_type %q)", m.ZarrFormat, m.NodeType)
	}
	dt, ok := v3DataTypes[m.DataType]
	if !ok {
		return fmt.Errorf("data_type %q is not supported", m.DataType)
	}
	z.dtype = dt
	if m.ChunkGrid.Name != "regular" {
		return fmt.Errorf("chunk_grid %q is not supported (regular is)", m.ChunkGrid.Name)
	}
	var grid struct {
		ChunkShape []int `json:"chunk_shape"`
	}
	if err := json.Unmarshal(m.ChunkGrid.Configuration, &grid); err != nil || len(grid.ChunkShape) != len(m.Shape) {
		return fmt.Errorf("chunk_grid configuration %s does not fit shape %v", m.ChunkGrid.Configuration, m.Shape)
	}
	for _, c := range grid.ChunkShape {
		if c <= 0 {
			return fmt.Errorf("chunk shape %v", grid.ChunkShape)
		}
	}
	z.chunks = grid.ChunkShape
	var enc struct {
		Separator string `json:"separator"`
	}
	if len(m.ChunkKeyEncoding.Configuration) > 0 {
		json.Unmarshal(m.ChunkKeyEncoding.Configuration, &enc)
	}
	switch m.ChunkKeyEncoding.Name {
	case "default", "":
		z.sep = "/"
	case "v2":
		z.sep, z.v2keys = ".", true
	default:
		return fmt.Errorf("chunk_key_encoding %q is not supported", m.ChunkKeyEncoding.Name)
	}
	if enc.Separator != "" {
		z.sep = enc.Separator
	}
	var err error
	if z.pipe, err = parsePipeline(m.Codecs, dt, len(m.Shape)); err != nil {
		return err
	}
	if z.pipe.shard != nil {
		for d, c := range z.pipe.shard.inner {
			if c <= 0 || z.chunks[d]%c != 0 {
				return fmt.Errorf("inner chunks %v do not divide shards %v", z.pipe.shard.inner, z.chunks)
			}
		}
	}
	z.fill, err = parseFill(m.FillValue)
	return err
}

func parseFill(v any) (complex128, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case float64:
		return complex(x, 0), nil
	case int:
		return complex(float64(x), 0), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		switch x {
		case "NaN":
			return complex(math.NaN(), 0), nil
		case "Infinity":
			return complex(math.Inf(1), 0), nil
		case "-Infinity":
			return complex(math.Inf(-1), 0), nil
		}
	case []any:
		if len(x) == 2 {
			re, err1 := parseFill(x[0])
			im, err2 := parseFill(x[1])
			if err1 == nil && err2 == nil {
				return complex(real(re), real(im)), nil
			}
		}
	}
	return 0, fmt.Errorf("fill_value %v is not supported", v)
}

func parsePipeline(codecs []NamedConfig, dt nd.DType, ndim int) (*pipeline, error) {
	p := &pipeline{}
	sawArrayToBytes := false
	for i, c := range codecs {
		switch c.Name {
		case "transpose":
			var cfg struct {
				Order json.RawMessage `json:"order"`
			}
			json.Unmarshal(c.Configuration, &cfg)
			var order []int
			if err := json.Unmarshal(cfg.Order, &order); err != nil {
				var name string
				json.Unmarshal(cfg.Order, &name)
				switch name {
				case "C":
					order = nil
				case "F":
					order = make([]int, ndim)
					for k := range order {
						order[k] = ndim - 1 - k
					}
				default:
					return nil, fmt.Errorf("transpose order %s", cfg.Order)
				}
			}
			if order != nil && len(order) != ndim {
				return nil, fmt.Errorf("transpose order %v for %d dimensions", order, ndim)
			}
			p.transpose = order
		case "bytes":
			var cfg struct {
				Endian string `json:"endian"`
			}
			json.Unmarshal(c.Configuration, &cfg)
			p.bigEndian = cfg.Endian == "big" && dt.Size() > 1
			sawArrayToBytes = true
		case "sharding_indexed":
			var cfg struct {
				ChunkShape    []int         `json:"chunk_shape"`
				Codecs        []NamedConfig `json:"codecs"`
				IndexCodecs   []NamedConfig `json:"index_codecs"`
				IndexLocation string        `json:"index_location"`
			}
			if err := json.Unmarshal(c.Configuration, &cfg); err != nil || len(cfg.ChunkShape) != ndim {
				return nil, fmt.Errorf("sharding_indexed configuration %s", c.Configuration)
			}
			inner, err := parsePipeline(cfg.Codecs, dt, ndim)
			if err != nil {
				return nil, fmt.Errorf("inner codecs: %w", err)
			}
			s := &shardSpec{inner: cfg.ChunkShape, codecs: inner, indexAtEnd: cfg.IndexLocation != "start"}
			for _, ic := range cfg.IndexCodecs {
				switch ic.Name {
				case "bytes":
				case "crc32c":
					s.indexCRC = true
				default:
					return nil, fmt.Errorf("index codec %q is not supported", ic.Name)
				}
			}
			p.shard = s
			sawArrayToBytes = true
		case "crc32c":
			if i != len(codecs)-1 {
				return nil, errors.New("crc32c is supported as the last codec only")
			}
			p.crc = true
		case "gzip", "zstd", "blosc":
			var cfg map[string]any
			json.Unmarshal(c.Configuration, &cfg)
			v2 := map[string]any{"id": c.Name}
			for k, v := range cfg {
				v2[k] = v
			}
			if c.Name == "blosc" { // v3 spells the shuffle as a word
				switch cfg["shuffle"] {
				case "noshuffle":
					v2["shuffle"] = 0
				case "bitshuffle":
					v2["shuffle"] = 2
				default:
					v2["shuffle"] = 1
				}
			}
			raw, _ := json.Marshal(v2)
			codec, err := codec.New(raw, dt.Size())
			if err != nil {
				return nil, err
			}
			if len(p.bytes) > 0 {
				return nil, errors.New("more than one compressor in a pipeline is not supported")
			}
			p.bytes = append(p.bytes, codec)
		default:
			return nil, fmt.Errorf("codec %q is not supported", c.Name)
		}
	}
	if !sawArrayToBytes {
		return nil, errors.New("no array-to-bytes codec (bytes or sharding_indexed)")
	}
	return p, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// decode turns a stored object into a chunk of the given shape.
func (p *pipeline) decode(enc []byte, shape []int, dt nd.DType, fill complex128) (*nd.Array, error) {
	if p.crc {
		if len(enc) < 4 {
			return nil, errors.New("crc32c: object shorter than its checksum")
		}
		body := enc[:len(enc)-4]
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(enc[len(enc)-4:]) {
			return nil, errors.New("crc32c checksum mismatch: the chunk is corrupt")
		}
		enc = body
	}
	if p.shard != nil {
		return p.shard.decode(enc, shape, dt, fill)
	}
	stored := shape
	if p.transpose != nil {
		stored = make([]int, len(shape))
		for i, a := range p.transpose {
			stored[i] = shape[a]
		}
	}
	n := dt.Size()
	for _, s := range stored {
		n *= s
	}
	raw := enc
	var err error
	if len(p.bytes) == 1 {
		if raw, err = p.bytes[0].Decode(raw, n); err != nil {
			return nil, err
		}
	} else if len(raw) != n {
		return nil, fmt.Errorf("chunk of %d bytes, expected %d", len(raw), n)
	}
	a, err := nd.FromBytes(dt, raw, p.bigEndian, stored...)
	if err != nil {
		return nil, err
	}
	if p.transpose != nil {
		inv := make([]int, len(p.transpose))
		for i, ax := range p.transpose {
			inv[ax] = i
		}
		return a.Transpose(inv...)
	}
	return a, nil
}

func (p *pipeline) encode(a *nd.Array) ([]byte, error) {
	if p.shard != nil {
		return nil, errors.New("writing sharded arrays goes through shardSpec.encode")
	}
	if p.transpose != nil {
		a, _ = a.Transpose(p.transpose...)
	}
	raw := a.Bytes(p.bigEndian)
	var err error
	for _, c := range p.bytes {
		if raw, err = c.Encode(raw); err != nil {
			return nil, err
		}
	}
	if p.crc {
		raw = binary.LittleEndian.AppendUint32(raw, crc32.Checksum(raw, castagnoli))
	}
	return raw, nil
}

// decode unpacks a shard: the index (offset, length per inner chunk in C order, all ones
// for a missing chunk), then every inner chunk.
func (s *shardSpec) decode(obj []byte, shape []int, dt nd.DType, fill complex128) (*nd.Array, error) {
	grid := make([]int, len(shape))
	count := 1
	for d := range shape {
		grid[d] = shape[d] / s.inner[d]
		count *= grid[d]
	}
	indexLen := 16 * count
	if s.indexCRC {
		indexLen += 4
	}
	if len(obj) < indexLen {
		return nil, fmt.Errorf("shard of %d bytes is shorter than its index of %d", len(obj), indexLen)
	}
	var index []byte
	if s.indexAtEnd {
		index = obj[len(obj)-indexLen:]
	} else {
		index = obj[:indexLen]
	}
	if s.indexCRC {
		body := index[:len(index)-4]
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(index[len(index)-4:]) {
			return nil, errors.New("shard index crc32c checksum mismatch: the shard is corrupt")
		}
		index = body
	}
	out, err := nd.Full(dt, fill, shape...)
	if err != nil {
		return nil, err
	}
	k := 0
	var failure error
	graph.ForEachBlock(grid, func(c []int) {
		off := binary.LittleEndian.Uint64(index[16*k:])
		n := binary.LittleEndian.Uint64(index[16*k+8:])
		k++
		if failure != nil || off == math.MaxUint64 && n == math.MaxUint64 {
			return
		}
		if off > uint64(len(obj)) || n > uint64(len(obj))-off {
			failure = fmt.Errorf("inner chunk %v at %d+%d lies outside the shard of %d bytes", c, off, n, len(obj))
			return
		}
		chunk, err := s.codecs.decode(obj[off:off+n], s.inner, dt, fill)
		if err != nil {
			failure = fmt.Errorf("inner chunk %v: %w", c, err)
			return
		}
		idx := make([]nd.Index, len(c))
		for d := range c {
			idx[d] = nd.Slice(c[d]*s.inner[d], (c[d]+1)*s.inner[d], 1)
		}
		dst, _ := out.Index(idx...)
		failure = dst.Assign(chunk)
	})
	return out, failure
}

// encode packs a shard-shaped block: inner chunks that are all fill value are left out.
func (s *shardSpec) encode(a *nd.Array, fill complex128) ([]byte, error) {
	shape := a.Shape()
	grid := make([]int, len(shape))
	for d := range shape {
		grid[d] = shape[d] / s.inner[d]
	}
	var body []byte
	var index []byte
	var failure error
	graph.ForEachBlock(grid, func(c []int) {
		if failure != nil {
			return
		}
		idx := make([]nd.Index, len(c))
		for d := range c {
			idx[d] = nd.Slice(c[d]*s.inner[d], (c[d]+1)*s.inner[d], 1)
		}
		chunk, _ := a.Index(idx...)
		if allFill(chunk, fill) {
			index = binary.LittleEndian.AppendUint64(index, math.MaxUint64)
			index = binary.LittleEndian.AppendUint64(index, math.MaxUint64)
			return
		}
		enc, err := s.codecs.encode(chunk.Copy())
		if err != nil {
			failure = err
			return
		}
		index = binary.LittleEndian.AppendUint64(index, uint64(len(body)))
		index = binary.LittleEndian.AppendUint64(index, uint64(len(enc)))
		body = append(body, enc...)
	})
	if failure != nil {
		return nil, failure
	}
	if s.indexCRC {
		index = binary.LittleEndian.AppendUint32(index, crc32.Checksum(index, castagnoli))
	}
	if !s.indexAtEnd { // offsets count from the start of the object, after the index
		shifted := append([]byte{}, index...)
		n := (len(index) - map[bool]int{true: 4, false: 0}[s.indexCRC]) / 16
		for k := range n {
			off := binary.LittleEndian.Uint64(shifted[16*k:])
			if off != math.MaxUint64 {
				binary.LittleEndian.PutUint64(shifted[16*k:], off+uint64(len(index)))
			}
		}
		if s.indexCRC {
			shifted = binary.LittleEndian.AppendUint32(shifted[:len(shifted)-4], crc32.Checksum(shifted[:len(shifted)-4], castagnoli))
		}
		return append(shifted, body...), nil
	}
	return append(body, index...), nil
}

func allFill(a *nd.Array, fill complex128) bool {
	for _, v := range nd.Values[complex128](a) {
		//lint:ignore SA4000 v != v: v holds a NaN
		if v != fill && !(v != v && fill != fill) {
			return false
		}
	}
	return true
}

// DType is the array's element type.
func (z *V3) DType() nd.DType { return lazy.Or(z, z.reopen).dtype }

// StoredChunks is the shape of the stored objects (shards when sharded).
func (z *V3) StoredChunks() []int { return lazy.Or(z, z.reopen).chunks }

// Describe names the array.
func (z *V3) Describe() string {
	if d, ok := z.KV.(store.Dir); ok {
		return store.JoinKey(d.Root, z.Path)
	}
	return "zarr array " + z.Path
}

// ChunkKey is the key of the stored chunk (shard) at grid index c.
func (z *V3) ChunkKey(c []int) string {
	z = lazy.Or(z, z.reopen)
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = strconv.Itoa(v)
	}
	if z.v2keys {
		if len(c) == 0 {
			return store.JoinKey(z.Path, "0")
		}
		return store.JoinKey(z.Path, strings.Join(parts, z.sep))
	}
	return store.JoinKey(z.Path, strings.Join(append([]string{"c"}, parts...), z.sep))
}

func (z *V3) readChunk(c []int) (*nd.Array, error) {
	key := z.ChunkKey(c)
	enc, err := z.KV.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return nd.Full(z.dtype, z.fill, z.chunks...)
	}
	if err != nil {
		return nil, err
	}
	a, err := z.pipe.decode(enc, z.chunks, z.dtype, z.fill)
	if err != nil {
		return nil, fmt.Errorf("chunk %s: %w", key, err)
	}
	return a, nil
}

// Read reads the window's elements from the stored chunks it overlaps.
func (z *V3) Read(w graph.Window) (*nd.Array, error) {
	if z.reopen != nil {
		opened, err := z.reopen.Get()
		if err != nil {
			return nil, err
		}
		return opened.Read(w)
	}
	return store.ReadChunked(w, z.Meta.Shape, z.chunks, z.dtype, z.readChunk)
}

// WriteChunk stores block as the stored chunk (shard) at grid index c.
func (z *V3) WriteChunk(c []int, block *nd.Array) error {
	if z.reopen != nil {
		opened, err := z.reopen.Get()
		if err != nil {
			return err
		}
		return opened.WriteChunk(c, block)
	}
	full, err := store.PadChunk(block, z.chunks, z.dtype, z.fill)
	if err != nil {
		return fmt.Errorf("chunk %v: %w", c, err)
	}
	var enc []byte
	if z.pipe.shard != nil {
		enc, err = z.pipe.shard.encode(full, z.fill)
		if err == nil && z.pipe.crc {
			enc = binary.LittleEndian.AppendUint32(enc, crc32.Checksum(enc, castagnoli))
		}
	} else {
		enc, err = z.pipe.encode(full)
	}
	if err != nil {
		return err
	}
	return z.KV.Set(z.ChunkKey(c), enc)
}

// CreateV3 writes a v3 array's zarr.json (and a root group's when missing).
func CreateV3(kv store.KV, path string, meta Meta3) (*V3, error) {
	meta.ZarrFormat, meta.NodeType = 3, "array"
	if meta.ChunkKeyEncoding.Name == "" {
		meta.ChunkKeyEncoding = NamedConfig{Name: "default", Configuration: json.RawMessage(`{"separator":"/"}`)}
	}
	if meta.Attributes == nil {
		meta.Attributes = map[string]any{}
	}
	z := &V3{KV: kv, Path: path, Meta: meta}
	if err := z.init(); err != nil {
		return nil, err
	}
	raw, err := json.MarshalIndent(z.Meta, "", "    ")
	if err != nil {
		return nil, err
	}
	if path != "" {
		if _, err := kv.Get("zarr.json"); errors.Is(err, store.ErrNotFound) {
			if err := kv.Set("zarr.json", []byte(`{"zarr_format": 3, "node_type": "group", "attributes": {}}`)); err != nil {
				return nil, err
			}
		}
	}
	return z, kv.Set(store.JoinKey(path, "zarr.json"), raw)
}

// Config3 builds the codec list of a new v3 array: bytes (little-endian), then the
// compressor ("gzip", "zstd", "blosc" or ""), wrapped in sharding_indexed with inner chunks
// of shape inner when inner is not nil.
func Config3(compressor string, level int, inner []int) []NamedConfig {
	chain := []NamedConfig{{Name: "bytes", Configuration: json.RawMessage(`{"endian":"little"}`)}}
	switch compressor {
	case "gzip":
		chain = append(chain, NamedConfig{Name: "gzip", Configuration: json.RawMessage(fmt.Sprintf(`{"level":%d}`, max(level, 1)))})
	case "zstd":
		chain = append(chain, NamedConfig{Name: "zstd", Configuration: json.RawMessage(fmt.Sprintf(`{"level":%d,"checksum":false}`, max(level, 1)))})
	case "blosc":
		chain = append(chain, NamedConfig{Name: "blosc", Configuration: json.RawMessage(fmt.Sprintf(`{"cname":"lz4","clevel":%d,"shuffle":"shuffle","typesize":8,"blocksize":0}`, max(level, 5)))})
	}
	if inner == nil {
		return chain
	}
	cfg, _ := json.Marshal(map[string]any{
		"chunk_shape":    inner,
		"codecs":         chain,
		"index_codecs":   []NamedConfig{{Name: "bytes", Configuration: json.RawMessage(`{"endian":"little"}`)}, {Name: "crc32c"}},
		"index_location": "end",
	})
	return []NamedConfig{{Name: "sharding_indexed", Configuration: cfg}}
}
