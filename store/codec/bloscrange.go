package codec

import (
	"container/list"
	"fmt"
	"sort"
	"sync"
)

// RangeReader reads n bytes at off of the value at key (a store.KV does).
type RangeReader interface {
	GetRange(key string, off, n int64) ([]byte, error)
}

// BloscRanges reads byte ranges of Blosc-compressed chunks by decoding only the Blosc
// blocks that hold them (a block is typically 256 KB of a chunk of many megabytes), and
// keeps the most recently decoded blocks for the reads that follow. Re-cutting column
// strips into row strips reads the same block of every chunk for several neighbouring
// row strips in turn: each block is then read and decoded about once, and nothing like a
// whole chunk is held.
type BloscRanges struct {
	mu     sync.Mutex
	limit  int // bytes of decoded blocks kept
	used   int
	order  *list.List // of *decodedBlock, most recent first
	blocks map[blockKey]*list.Element
	frames map[string]*frameIndex
}

// bloscCacheBytes bounds the decoded blocks a Zarr array keeps for partial reads.
const bloscCacheBytes = 128 << 20

type blockKey struct {
	chunk string
	block int
}

type decodedBlock struct {
	key  blockKey
	data []byte
}

// frameIndex is what a chunk's frame says before its blocks: the header and where each
// block's bytes start and end.
type frameIndex struct {
	bloscFrame
	start, end []int
}

func NewBloscRanges() *BloscRanges {
	return &BloscRanges{limit: bloscCacheBytes, order: list.New(), blocks: map[blockKey]*list.Element{}, frames: map[string]*frameIndex{}}
}

// read fills out with the decoded bytes from offset lo of the chunk stored under key.
func (r *BloscRanges) Read(kv RangeReader, key string, lo int, out []byte) error {
	n := len(out)
	f, err := r.frame(kv, key)
	if err != nil {
		return err
	}
	if lo < 0 || lo+n > f.nbytes {
		return fmt.Errorf("bytes [%d, %d) outside the %d a chunk decodes to", lo, lo+n, f.nbytes)
	}
	if f.memcpyed() {
		return ReadRangeInto(kv, key, int64(bloscHeader+lo), out)
	}
	if n == 0 {
		return nil
	}
	b0, b1 := lo/f.blocksize, (lo+n-1)/f.blocksize
	blocks, err := r.blocksOf(kv, key, f, b0, b1)
	if err != nil {
		return err
	}
	for b := b0; b <= b1; b++ {
		from := max(lo, b*f.blocksize)
		to := min(lo+n, b*f.blocksize+f.blockSize(b))
		copy(out[from-lo:to-lo], blocks[b-b0][from-b*f.blocksize:])
	}
	return nil
}

// ReadRangeInto fills buf with the bytes from off of key: straight into it when the store
// reads ranges into buffers (a directory does), else through GetRange.
func ReadRangeInto(kv RangeReader, key string, off int64, buf []byte) error {
	if rr, ok := kv.(interface {
		ReadRange(key string, off int64, buf []byte) error
	}); ok {
		return rr.ReadRange(key, off, buf)
	}
	b, err := kv.GetRange(key, off, int64(len(buf)))
	if err != nil {
		return err
	}
	copy(buf, b)
	return nil
}

// frame reads (once) a chunk's header and block offsets.
func (r *BloscRanges) frame(kv RangeReader, key string) (*frameIndex, error) {
	r.mu.Lock()
	f := r.frames[key]
	r.mu.Unlock()
	if f != nil {
		return f, nil
	}
	head, err := kv.GetRange(key, 0, bloscHeader)
	if err != nil {
		return nil, err
	}
	h, err := parseBloscHeader(head)
	if err != nil {
		return nil, fmt.Errorf("blosc: chunk %s: %w", key, err)
	}
	f = &frameIndex{bloscFrame: h}
	if nb := h.nblocks(); nb > 0 {
		raw, err := kv.GetRange(key, 0, int64(bloscHeader+4*nb))
		if err != nil {
			return nil, err
		}
		f.start = make([]int, nb)
		for b := range nb {
			if f.start[b], err = h.blockStart(raw, b); err != nil {
				return nil, fmt.Errorf("blosc: chunk %s: %w", key, err)
			}
		}
		// A block ends where the next stored block starts (blocks need not be in order).
		sorted := append([]int{}, f.start...)
		sort.Ints(sorted)
		f.end = make([]int, nb)
		for b, s := range f.start {
			i := sort.SearchInts(sorted, s+1)
			f.end[b] = h.cbytes
			if i < len(sorted) {
				f.end[b] = sorted[i]
			}
		}
	}
	r.mu.Lock()
	if len(r.frames) > 1<<16 { // headers are small, but not unboundedly many
		clear(r.frames)
	}
	r.frames[key] = f
	r.mu.Unlock()
	return f, nil
}

// blocksOf returns decoded blocks b0..b1 of a chunk, from the cache or decoded now (the
// missing ones read with one range request).
func (r *BloscRanges) blocksOf(kv RangeReader, key string, f *frameIndex, b0, b1 int) ([][]byte, error) {
	out := make([][]byte, b1-b0+1)
	var missing []int
	r.mu.Lock()
	for b := b0; b <= b1; b++ {
		if e, ok := r.blocks[blockKey{key, b}]; ok {
			r.order.MoveToFront(e)
			out[b-b0] = e.Value.(*decodedBlock).data
		} else {
			missing = append(missing, b)
		}
	}
	r.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	lo, hi := f.cbytes, 0
	for _, b := range missing {
		lo, hi = min(lo, f.start[b]), max(hi, f.end[b])
	}
	sb := storedPool.get(hi - lo)
	defer storedPool.put(sb)
	stored := (*sb)[:hi-lo]
	if err := ReadRangeInto(kv, key, int64(lo), stored); err != nil {
		return nil, err
	}
	tmp := scratchPool.get(f.blocksize)
	defer scratchPool.put(tmp)
	for _, b := range missing {
		data := make([]byte, f.blockSize(b))
		if err := f.decodeBlock(b, stored[f.start[b]-lo:f.end[b]-lo], data, (*tmp)[:f.blocksize]); err != nil {
			return nil, fmt.Errorf("blosc: chunk %s: %w", key, err)
		}
		out[b-b0] = data
		r.keep(blockKey{key, b}, data)
	}
	return out, nil
}

// keep caches a decoded block, dropping the least recently used beyond the limit.
func (r *BloscRanges) keep(k blockKey, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.blocks[k]; ok || len(data) > r.limit {
		return
	}
	r.blocks[k] = r.order.PushFront(&decodedBlock{k, data})
	r.used += len(data)
	for r.used > r.limit {
		last := r.order.Back()
		d := last.Value.(*decodedBlock)
		r.order.Remove(last)
		delete(r.blocks, d.key)
		r.used -= len(d.data)
	}
}

// Buffers used only within one read are recycled rather than allocated (and zeroed) for
// every block: the stored bytes of the blocks read, and the blocks' shuffled bytes before
// unshuffling.
var scratchPool, storedPool bufferPool

type bufferPool struct{ sync.Pool }

func (p *bufferPool) get(n int) *[]byte {
	if b, ok := p.Get().(*[]byte); ok && cap(*b) >= n {
		return b
	}
	b := make([]byte, n)
	return &b
}

func (p *bufferPool) put(b *[]byte) { p.Put(b) }
