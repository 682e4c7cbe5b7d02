package darray

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/darray-go/darray/internal/outfile"
	"github.com/darray-go/darray/sched"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
	"github.com/darray-go/darray/store"
)

// FromNPY opens a .npy file lazily: blocks are read from the file only when a computation
// needs them, and only the elements it uses (a slice reads only its part of the file).
func FromNPY(path string, chunks ChunkSpec) *Array {
	src, err := store.NPY(path)
	if err != nil {
		return failed("from npy", err)
	}
	return fromSource("from npy", src, src.Shape, src.DType, chunks)
}

// FromRaw opens a flat binary file of the given dtype and shape, starting at offset bytes,
// little-endian unless bigEndian, lazily as FromNPY.
func FromRaw(path string, dt nd.DType, shape []int, offset int64, bigEndian bool, chunks ChunkSpec) *Array {
	if err := checkShape("from raw", shape); err != nil {
		return failed("from raw", err)
	}
	src, err := store.Raw(path, dt, shape, offset, bigEndian)
	if err != nil {
		return failed("from raw", err)
	}
	return fromSource("from raw", src, shape, dt, chunks)
}

func fromSource(op string, src graph.Source, shape []int, dt nd.DType, chunks ChunkSpec) *Array {
	ch, err := chunks.resolve(shape, dt)
	if err != nil {
		return failed(op, err)
	}
	l := graph.NewLayer(graph.Read{Src: src}, nil, append([]int{}, shape...), dt, ch)
	// A stored chunk bigger than this machine could never be decoded here: refuse it now,
	// as the scheduler's plan would (it also refuses chunks past a smaller memory limit).
	if need, total := graph.ChunkReadBytes(l), sched.PhysicalMemory(); total > 0 && need > total {
		return failed(op, &sched.PlanError{Task: "read " + src.Describe(), Op: "read", Need: need, Limit: total, Machine: true})
	}
	return fromLayer(l)
}

// ToNPY computes a and writes it to a .npy file, block by block in parallel, in the memory
// the computation's options allow. The file appears at path only when complete (it is
// written beside it and renamed), so no reader ever sees a partial file and a failure
// leaves any older file at path untouched.
func ToNPY(ctx context.Context, a *Array, path string, opts ...ComputeOption) (err error) {
	if a == nil || a.err != nil {
		return a.Err()
	}
	l := a.layer
	header := npy.EncodeHeader(l.DType, l.Shape)
	size := int64(l.DType.Size())
	for _, s := range l.Shape {
		size *= int64(s)
	}
	tmp, err := outfile.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("darray: to npy: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(header); err == nil {
		err = tmp.Truncate(int64(len(header)) + size)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("darray: to npy %s: %w", path, err)
	}
	err = storeBlocks(ctx, a, allBlocks(a), blockWriter{op: store.FlatWriteOp, writes: tmp.Name(),
		task: func(b []int) (string, any) {
			return fmt.Sprintf("write %s block %v", filepath.Base(path), b),
				&store.FlatWrite{Path: tmp.Name(), Offset: int64(len(header)), Shape: l.Shape, Origin: l.Origin(b)}
		}}, opts)
	if err != nil {
		return fmt.Errorf("darray: to npy %s: %w", path, err)
	}
	if err = syncFile(tmp.Name()); err != nil {
		return fmt.Errorf("darray: to npy %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("darray: to npy: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// blockWriter says how each block of an array is stored: the registered operation of the
// write tasks, where they write (the graph's only place to write), and each block's task
// name and parameters.
type blockWriter struct {
	op     string
	writes string
	task   func(b []int) (key string, params any)
}

// storeBlocks computes blocks of a and stores each with a task of w's that depends on the
// task computing it: the one write graph of every format, as dask's store() is. The
// graph's output is the array's layer, so that a dashboard draws what is computed.
func storeBlocks(ctx context.Context, a *Array, blocks [][]int, w blockWriter, opts []ComputeOption) error {
	g, err := graph.LowerBlocks(a.layer, blocks)
	if err != nil {
		return err
	}
	writes := make([]int, len(blocks))
	for i, b := range blocks {
		key, params := w.task(b)
		g.Tasks = append(g.Tasks, graph.Task{Key: key, Op: w.op, Params: params, Deps: []int{g.Outputs[0].Tasks[i]}})
		writes[i] = len(g.Tasks) - 1
	}
	g.Outputs, g.Writes = []graph.Output{{Layer: a.layer, Tasks: writes}}, []string{w.writes}
	_, err = executeGraph(ctx, g, opts)
	return err
}

// allBlocks lists every block of a, in C order.
func allBlocks(a *Array) [][]int {
	var blocks [][]int
	graph.ForEachBlock(a.layer.Chunks.NumBlocks(), func(b []int) { blocks = append(blocks, slices.Clone(b)) })
	return blocks
}
