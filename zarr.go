package darray

import (
	"context"
	"encoding/json"
	"fmt"
	"path"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store"
)

// FromZarr opens the Zarr v2 array at arrayPath ("" for the root) of the directory store
// dir, lazily. With the zero ChunkSpec the blocks are the file's chunks, so every task
// decompresses the chunks it reads itself, in parallel with the others.
func FromZarr(dir, arrayPath string, chunks ChunkSpec) *Array {
	z, err := store.OpenZarr(store.Dir{Root: dir}, arrayPath)
	if err != nil {
		return failed("from zarr", err)
	}
	if chunks.size == nil && chunks.explicit == nil && chunks.bytes == 0 {
		chunks = ChunkSize(z.Meta.Chunks...)
	}
	return fromSource("from zarr", z, z.Meta.Shape, z.DType(), chunks)
}

// ZarrOptions describe a Zarr array to write.
type ZarrOptions struct {
	Chunks     []int  // chunk shape; nil: the array's own largest block
	Compressor string // "blosc", "zlib", "gzip", "zstd", "lz4" or "" for none
	BloscCName string // blosc's inner codec: "lz4" (default), "zstd", "zlib"
	Level      int    // compression level (0: the codec's default)
	Order      string // "C" (default) or "F"
	Resume     bool   // keep chunks already written (an interrupted write continues)
}

// ToZarr computes a and writes it as a Zarr v2 array in the directory store dir. The array
// is first re-cut to the Zarr chunks, so that every task writes exactly one whole chunk:
// never two tasks into one chunk, never a torn chunk (each is written to a temporary file
// and renamed). With Resume, chunks already present are kept and neither computed nor
// written again.
func ToZarr(ctx context.Context, a *Array, dir, arrayPath string, zo ZarrOptions, opts ...ComputeOption) error {
	if a == nil || a.err != nil {
		return a.Err()
	}
	l := a.layer
	chunks := zo.Chunks
	if chunks == nil {
		chunks = a.chunkSize()
	}
	if len(chunks) != l.NDim() {
		return fmt.Errorf("darray: to zarr: chunks %v do not match shape %v", chunks, l.Shape)
	}
	meta := store.ZarrMeta{Shape: l.Shape, Chunks: chunks, DType: store.ZarrDTypeCode(l.DType), Order: zo.Order, FillValue: 0}
	if l.DType.IsFloat() {
		meta.FillValue = "NaN"
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
	kv := store.Dir{Root: dir}
	var z *store.Zarr
	var err error
	if zo.Resume {
		if z, err = store.OpenZarr(kv, arrayPath); err != nil {
			return fmt.Errorf("darray: to zarr: resume: %w", err)
		}
		if !nd.EqualShapes(z.Meta.Shape, l.Shape) || !nd.EqualShapes(z.Meta.Chunks, chunks) || z.DType() != l.DType {
			return fmt.Errorf("darray: to zarr: resume: the array at %s has shape %v, chunks %v and dtype %v, not %v, %v and %v",
				path.Join(dir, arrayPath), z.Meta.Shape, z.Meta.Chunks, z.DType(), l.Shape, chunks, l.DType)
		}
	} else if z, err = store.CreateZarr(kv, arrayPath, meta); err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	aligned := a.Rechunk(ChunkSize(chunks...))
	if aligned.err != nil {
		return aligned.err
	}
	var blocks [][]int
	graph.ForEachBlock(aligned.layer.Chunks.NumBlocks(), func(b []int) {
		if zo.Resume {
			if _, err := kv.Get(z.ChunkKey(b)); err == nil {
				return // already written whole
			}
		}
		blocks = append(blocks, append([]int{}, b...))
	})
	g, err := graph.LowerBlocks(aligned.layer, blocks)
	if err != nil {
		return fmt.Errorf("darray: to zarr: %w", err)
	}
	var writes []int
	for i, b := range blocks {
		g.Tasks = append(g.Tasks, graph.Task{
			Key:    "write " + z.ChunkKey(b),
			Op:     store.ZarrWriteOp,
			Params: &store.ZarrChunkWrite{Root: dir, Array: arrayPath, Chunk: b},
			Deps:   []int{g.Outputs[0].Tasks[i]},
		})
		writes = append(writes, len(g.Tasks)-1)
	}
	g.Outputs = []graph.Output{{Tasks: writes}}
	if _, err := executeGraph(ctx, g, opts); err != nil {
		return fmt.Errorf("darray: to zarr %s: %w", path.Join(dir, arrayPath), err)
	}
	return nil
}
