package cluster

import (
	"encoding/gob"
	"fmt"
	"io"
	"sync"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/sched"
)

// A task's result travels (and is spilled) as one kind byte, then: 'a' an array in nd's
// binary form, 'p' a partial reduction state, 'g' anything else in encoding/gob (the
// byte counts storage writers return).

func writeResult(w io.Writer, v any) error {
	switch x := v.(type) {
	case *nd.Array:
		if _, err := w.Write([]byte{'a'}); err != nil {
			return err
		}
		return nd.WriteArray(w, x)
	case *nd.Partial:
		if _, err := w.Write([]byte{'p'}); err != nil {
			return err
		}
		return nd.WritePartial(w, x)
	}
	if _, err := w.Write([]byte{'g'}); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(&v)
}

// resultSize is the number of bytes writeResult writes, or -1 when it cannot tell.
func resultSize(v any) int64 {
	if a, ok := v.(*nd.Array); ok {
		return 1 + nd.EncodedSize(a)
	}
	return -1
}

// readResult reads a result writeResult wrote; an array's elements go into a buffer from
// buf when it is not nil.
func readResult(r io.Reader, maxBytes int64, buf func(int) []byte) (any, error) {
	var kind [1]byte
	if _, err := io.ReadFull(r, kind[:]); err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	switch kind[0] {
	case 'a':
		return nd.ReadArrayInto(r, maxBytes, buf)
	case 'p':
		return nd.ReadPartial(r, maxBytes)
	case 'g':
		var v any
		err := gob.NewDecoder(io.LimitReader(r, maxBytes)).Decode(&v)
		return v, err
	}
	return nil, fmt.Errorf("result of unknown kind %q", kind[0])
}

// sizeOf is the memory a result holds, as the local scheduler counts it (a small
// amount for results that are not arrays, so that they are counted at all).
func sizeOf(v any) int64 { return max(sched.SizeOf(v), 64) }

// bufferPool keeps the buffers of blocks received from other workers for the next ones:
// a block received into fresh memory costs a page fault every 4 KB, which made half of
// dask.distributed's time in the tutorial workload.
type bufferPool struct {
	mu    sync.Mutex
	free  map[int][][]byte
	bytes int64
	limit int64 // bytes kept at most
}

func newBufferPool(limit int64) *bufferPool {
	return &bufferPool{free: map[int][][]byte{}, limit: limit}
}

// get returns a buffer of n bytes, recycled when one of that size is free.
func (p *bufferPool) get(n int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if list := p.free[n]; len(list) > 0 {
		b := list[len(list)-1]
		p.free[n] = list[:len(list)-1]
		p.bytes -= int64(n)
		return b
	}
	return make([]byte, n)
}

// put gives a buffer back, for a block nothing refers to any more.
func (p *bufferPool) put(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(b) == 0 || p.bytes+int64(len(b)) > p.limit {
		return
	}
	p.free[len(b)] = append(p.free[len(b)], b)
	p.bytes += int64(len(b))
}

// recycle gives back the buffers of received blocks that the task's result does not share.
func (p *bufferPool) recycle(received []*nd.Array, result any) {
	var outs []*nd.Array
	switch x := result.(type) {
	case *nd.Array:
		outs = []*nd.Array{x}
	case *nd.Partial:
		outs = []*nd.Array{x.Count, x.Value, x.M2, x.Index}
	}
	for _, in := range received {
		shared := false
		for _, o := range outs {
			if o != nil && nd.SharesMemory(o, in) {
				shared = true
			}
		}
		if !shared {
			p.put(in.BufferBytes())
		}
	}
}
