package darray

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"

	"github.com/darray-go/darray/store"
	"github.com/darray-go/darray/store/zarr"
)

// FromZarr opens the Zarr array (v3, or v2) at arrayPath ("" for the root) of the store at
// location, lazily: a directory, an http:// or https:// URL of a published store (read
// with timeouts and retries, see store.HTTP), or a URL of object storage whose scheme the
// program registered (s3:// with package store/s3). With the zero ChunkSpec the blocks are the
// file's chunks, so every task reads and decompresses the chunks it needs itself, in
// parallel with the others.
func FromZarr(location, arrayPath string, chunks ChunkSpec) *Array {
	kv, err := store.Open(location)
	if err != nil {
		return failed("from zarr", err)
	}
	z, err := zarr.Open(kv, arrayPath)
	if err != nil {
		return failed("from zarr", err)
	}
	if chunks.IsDefault() {
		chunks = ChunkSize(z.StoredChunks()...)
	}
	return fromSource("from zarr", z, z.ArrayShape(), z.DType(), chunks)
}

// ZarrOptions describe a Zarr array to write.
type ZarrOptions struct {
	Chunks     []int  // chunk shape; nil: the array's own largest block
	Compressor string // "blosc", "zlib", "gzip", "zstd", "lz4" or "" for none
	BloscCName string // blosc's inner codec: "lz4" (default), "zstd", "zlib"
	Level      int    // compression level (0: the codec's default)
	Order      string // "C" (default) or "F"; v2 only
	Resume     bool   // continue an interrupted write of the same array, keeping the chunks it wrote
	Version    int    // 2 (default) or 3
	Shards     []int  // v3: group Chunks into shards of this shape (a multiple of Chunks)
	// DimensionNames name the axes for xarray and other readers that label them
	// (_ARRAY_DIMENSIONS in v2, dimension_names in v3); nil writes dim_0, dim_1, ...
	DimensionNames []string
}

// ToZarr computes a and writes it as a Zarr array (v2 unless zo.Version is 3) in the
// store at dir: a directory, or a URL of object storage (s3:// with package store/s3). The array is first re-cut to the Zarr chunks, so that every task
// writes exactly one whole chunk: never two tasks into one chunk, never a torn chunk (each
// is written to a temporary file and renamed).
//
// The array is written beside its path and swapped in when complete (store.StagedArray):
// an array already there stays readable, whole, until then, and is left as it was if the
// write fails or the process dies. The chunks a failed write made are kept aside; the same
// write with Resume (same shape, chunks, dtype and codecs) continues from them, computing
// only the chunks still missing. Resume never adopts chunks of a finished array.
func ToZarr(ctx context.Context, a *Array, dir, arrayPath string, zo ZarrOptions, opts ...ComputeOption) error {
	if a == nil || a.err != nil {
		return a.Err()
	}
	root, err := store.Open(dir)
	if err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	if _, ok := root.(store.HTTP); ok {
		return fmt.Errorf("darray: to zarr %s: %w (darray writes Zarr to directories and object storage)", dir, store.ErrReadOnly)
	}
	l := a.layer
	chunks := zo.Chunks
	if chunks == nil {
		chunks = a.chunkSize()
	}
	if len(chunks) != l.NDim() {
		return fmt.Errorf("darray: to zarr: chunks %v do not match shape %v", chunks, l.Shape)
	}
	chunks = append([]int{}, chunks...)
	for d, c := range chunks {
		if c == 0 && l.Shape[d] == 0 {
			chunks[d] = 1 // an empty axis still has chunks of a positive length in Zarr
		}
	}
	names := zo.DimensionNames
	if names == nil {
		for d := range l.NDim() {
			names = append(names, fmt.Sprintf("dim_%d", d))
		}
	}
	if len(names) != l.NDim() {
		return fmt.Errorf("darray: to zarr: %d dimension names for %d axes", len(names), l.NDim())
	}
	meta := zarr.Meta{Shape: l.Shape, Chunks: chunks, DType: zarr.DTypeCode(l.DType), Order: zo.Order, FillValue: 0}
	switch {
	case l.DType.IsFloat():
		meta.FillValue = "NaN"
	case l.DType.IsComplex(): // zarr-python wants [real, imaginary]
		meta.FillValue = []any{0.0, 0.0}
	}
	switch zo.Compressor {
	case "":
	case "blosc":
		cname := zo.BloscCName
		if cname == "" {
			cname = "lz4"
		}
		meta.Compressor, _ = json.Marshal(map[string]any{"id": "blosc", "cname": cname, "clevel": max(zo.Level, 5), "shuffle": 1, "blocksize": 0})
	default:
		c := map[string]any{"id": zo.Compressor}
		if zo.Level != 0 {
			c["level"] = zo.Level
		}
		meta.Compressor, _ = json.Marshal(c)
	}
	stored := chunks // what one task writes: a chunk, or a shard
	if zo.Shards != nil {
		if zo.Version != 3 || len(zo.Shards) != len(chunks) {
			return fmt.Errorf("darray: to zarr: shards %v need Version 3 and one length per axis", zo.Shards)
		}
		for d := range chunks {
			if zo.Shards[d] <= 0 || zo.Shards[d]%chunks[d] != 0 {
				return fmt.Errorf("darray: to zarr: shard shape %v is not a multiple of the chunk shape %v", zo.Shards, chunks)
			}
		}
		stored = zo.Shards
	}
	var m3 zarr.Meta3
	var marker []byte
	switch zo.Version {
	case 3:
		var inner []int
		if zo.Shards != nil {
			inner = chunks
		}
		m3 = zarr.Meta3{Shape: l.Shape, DataType: l.DType.String(), FillValue: meta.FillValue,
			ChunkGrid: zarr.RegularGrid(stored), Codecs: zarr.Config3(zo.Compressor, zo.Level, inner)}
		m3.DimensionNames, _ = json.Marshal(names)
		marker, _ = json.Marshal(m3)
	case 0, 2:
		marker, _ = json.Marshal(meta)
	default:
		return fmt.Errorf("darray: to zarr: Zarr version %d (2 and 3 are written)", zo.Version)
	}
	// The new array is written aside and swapped in whole (store.StagedArray): readers of
	// the path never see old and new chunks mixed, and a failed write leaves the old array.
	staged, err := store.StageArray(dir, arrayPath, marker, zo.Resume)
	if err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	skv, err := store.Open(staged.Staging)
	if err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	var z zarr.Array
	if zo.Version == 3 {
		z, err = zarr.CreateV3(skv, "", m3)
	} else {
		z, err = zarr.CreateV2(skv, "", meta)
		if err == nil { // xarray finds the axes' names here
			attrs, _ := json.MarshalIndent(map[string]any{"_ARRAY_DIMENSIONS": names}, "", "    ")
			err = skv.Set(".zattrs", attrs)
		}
	}
	if err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	aligned := a.Rechunk(ChunkSize(stored...))
	if aligned.err != nil {
		return aligned.err
	}
	blocks := slices.DeleteFunc(allBlocks(aligned), func(b []int) bool {
		return zo.Resume && staged.Has(z.ChunkKey(b)) // written whole by the interrupted write this one continues
	})
	err = storeBlocks(ctx, aligned, blocks, blockWriter{op: zarr.WriteOp, writes: staged.Staging,
		task: func(b []int) (string, any) {
			return "write " + path.Join(arrayPath, z.ChunkKey(b)), &zarr.ChunkWrite{Root: staged.Staging, Chunk: b}
		}}, opts)
	if err != nil {
		return fmt.Errorf("darray: to zarr %s: %w (the chunks written are kept in %s: the same write with Resume continues from them)",
			path.Join(dir, arrayPath), err, staged.Staging)
	}
	if arrayPath != "" {
		if err := store.EnsureGroups(root, arrayPath, zo.Version); err != nil {
			return fmt.Errorf("darray: to zarr: %w", err)
		}
	}
	if err := staged.Publish(); err != nil {
		return fmt.Errorf("darray: to zarr %s: publishing the new array: %w", path.Join(dir, arrayPath), err)
	}
	return nil
}
