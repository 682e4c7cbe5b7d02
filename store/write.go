package store

import (
	"fmt"
	"os"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// FlatWrite is the task that writes one block into a flat C-ordered file (the data of an
// .npy file being written): each run along the block's last axis with one WriteAt.
type FlatWrite struct {
	Path   string
	Offset int64 // where element 0 of the whole array goes
	Shape  []int // the whole array's shape
	Origin []int // the block's position in it
}

// WritesTo is the file written.
func (p *FlatWrite) WritesTo() string { return p.Path }

// FlatWriteOp is the operation name of FlatWrite tasks.
const FlatWriteOp = "store.flat-write"

func init() {
	graph.Register(FlatWriteOp, func(params any, inputs []any) (any, error) {
		p, ok := params.(*FlatWrite)
		if !ok || len(inputs) != 1 {
			return nil, fmt.Errorf("%s: bad task", FlatWriteOp)
		}
		block, ok := inputs[0].(*nd.Array)
		if !ok {
			return nil, fmt.Errorf("%s: input is %T, not an array", FlatWriteOp, inputs[0])
		}
		return int64(block.NBytes()), p.write(block)
	})
}

func (p *FlatWrite) write(block *nd.Array) error {
	file, err := os.OpenFile(p.Path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer file.Close()
	n := len(p.Shape)
	size := int64(block.DType().Size())
	if n == 0 {
		_, err := file.WriteAt(block.Bytes(false), p.Offset)
		return err
	}
	strides := make([]int64, n)
	s := int64(1)
	for d := n - 1; d >= 0; d-- {
		strides[d] = s
		s *= int64(max(p.Shape[d], 1))
	}
	shape := block.Shape()
	if block.Size() == 0 {
		return nil
	}
	rows := block.Size() / shape[n-1]
	flat, err := block.Reshape(rows, shape[n-1])
	if err != nil {
		return err
	}
	idx := make([]int, n-1)
	for r := range rows {
		pos := int64(p.Origin[n-1])
		for d := 0; d < n-1; d++ {
			pos += int64(p.Origin[d]+idx[d]) * strides[d]
		}
		row, _ := flat.Index(nd.Int(r))
		if _, err := file.WriteAt(row.Bytes(false), p.Offset+pos*size); err != nil {
			return fmt.Errorf("writing %s: %w", p.Path, err)
		}
		for d := n - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return nil
}
