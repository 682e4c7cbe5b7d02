package darray

import (
	"fmt"
	"math"
	"slices"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// Quantiles over all elements of an array in many blocks are found by radix selection,
// exactly and in bounded memory, rather than by gathering the array into one block: each
// value has a 64-bit key that sorts as the value does, and five passes over the blocks
// each fix 13 more bits of the keys of the wanted order statistics. A pass counts, per
// block, the values whose keys agree with a target's bits found so far, by their next 13
// bits (8,192 counters, 64 KiB, per target); the counts are summed in a tree, and the
// bucket that holds the target's rank gives its next bits. After the fifth pass the keys,
// and so the values, are known; NumPy's interpolation between the two order statistics
// around each quantile follows. A task holds one block and the counters; the blocks are
// read (or computed) five times, as a rechunker plan reads its source twice.

const (
	radixHistogramFunc = "darray.radix-histogram" // block, state -> counts (1, ..., 1, targets, buckets)
	radixStepFunc      = "darray.radix-step"      // summed counts, state -> next state
	radixFinishFunc    = "darray.radix-finish"    // state -> the quantiles

	radixBits    = 13
	radixBuckets = 1 << radixBits
	radixPasses  = (64 + radixBits - 1) / radixBits
)

// radixPass numbers a counting pass (0 counts by the top 13 bits).
type radixPass struct{ Pass int }

// bits is how many bits of the keys pass p fixes, and shift where they start: the top
// 13 bits first, then the next 13, down to the 12 lowest in the last pass.
func (p radixPass) bits() (bits, shift int) {
	known := radixBits * p.Pass
	bits = min(radixBits, 64-known)
	return bits, 64 - known - bits
}

// radixResult says how the order statistics become quantiles: n values in all, the
// quantiles q (or the median), the result's dtype.
type radixResult struct {
	N      int
	Q      []float64
	Median bool
	Method nd.QuantileMethod
	DType  nd.DType
}

func init() {
	registerBlockFuncOf(radixHistogramFunc, radixHistogram)
	registerBlockFuncOf(radixStepFunc, radixStep)
	registerBlockFuncOf(radixFinishFunc, radixFinish)
	graph.RegisterType(radixPass{})
	graph.RegisterType(radixResult{})
}

// orderKey maps a float64 to a key that sorts as the value (NaN last); zeros of both
// signs share one key, as they compare equal.
func orderKey(v float64) uint64 {
	b := math.Float64bits(v + 0) // -0 + 0 is +0
	// Negative values have every bit flipped, others just the sign bit (no branch).
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// keyValue inverts orderKey.
func keyValue(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

// The state is targets x 2 int64: the key bits found so far, and the rank still to count
// among the values that share them.

func radixHistogram(pass radixPass, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
	f := blocks[0]
	if f.DType() != nd.Float64 {
		var err error
		if f, err = f.AsType(nd.Float64); err != nil {
			return nil, err
		}
	}
	values, err := nd.Data[float64](f.Contiguous()) // the block's own memory when it can be
	if err != nil {
		return nil, err
	}
	state := nd.Values[int64](blocks[1])
	targets := len(state) / 2
	bits, shift := pass.bits()
	// Targets whose bits found so far agree (all of them in the first pass, the two
	// around a median mostly) share one count: each prefix is counted once, in 32-bit
	// counters (32 KiB a prefix, within L1).
	prefixes := make([]uint64, 0, targets)
	first := make([]int, targets) // the target whose counts target t takes
	for t := range targets {
		p := uint64(state[2*t])
		if pass.Pass == 0 {
			p = 0
		}
		first[t] = t
		if i := slices.Index(prefixes, p); i >= 0 {
			first[t] = first[i]
		}
		prefixes = append(prefixes, p)
	}
	if len(values) > math.MaxUint32 {
		return nil, fmt.Errorf("quantile: a block of %d elements is too large to count in 32 bits", len(values))
	}
	local := make([]uint32, targets*radixBuckets)
	for t := range targets {
		if first[t] != t {
			continue
		}
		table := local[t*radixBuckets : (t+1)*radixBuckets]
		want := prefixes[t]
		for _, v := range values {
			k := orderKey(v)
			var above uint64 // 0 in the first pass, where shift+bits is 64
			if pass.Pass > 0 {
				above = k >> (shift + bits)
			}
			if above == want {
				table[int(k>>shift)&(1<<bits-1)]++
			}
		}
	}
	counts := make([]int64, targets*radixBuckets)
	for t, f := range first {
		for i, c := range local[f*radixBuckets : (f+1)*radixBuckets] {
			counts[t*radixBuckets+i] = int64(c)
		}
	}
	shape := make([]int, blocks[0].NDim(), blocks[0].NDim()+2)
	for d := range shape {
		shape[d] = 1
	}
	return nd.FromSlice(counts, append(shape, targets, radixBuckets)...)
}

func radixStep(pass radixPass, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
	bits, _ := pass.bits()
	counts := nd.Values[int64](blocks[0])
	state := nd.Values[int64](blocks[1])
	next := make([]int64, len(state))
	for t := range len(state) / 2 {
		rank := state[2*t+1]
		c := counts[t*radixBuckets : (t+1)*radixBuckets]
		b := 0
		for ; b < radixBuckets && rank >= c[b]; b++ {
			rank -= c[b]
		}
		if b == radixBuckets {
			return nil, fmt.Errorf("quantile: rank %d of target %d is beyond the values counted (did the blocks change between passes?)", state[2*t+1], t)
		}
		next[2*t] = int64(uint64(state[2*t])<<bits | uint64(b))
		next[2*t+1] = rank
	}
	return nd.FromSlice(next, len(state)/2, 2)
}

func radixFinish(p radixResult, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
	state := nd.Values[int64](blocks[0])
	out := make([]float64, len(state)/4)
	for i := range out {
		a, b := keyValue(uint64(state[4*i])), keyValue(uint64(state[4*i+2]))
		q := 0.5
		if !p.Median {
			q = p.Q[i]
		}
		out[i] = nd.QuantileBetween(a, b, p.N, q, p.Median, p.Method)
	}
	res, err := nd.FromSlice(out, len(out))
	if err != nil || p.DType == nd.Float64 {
		return res, err
	}
	return res.AsType(p.DType)
}

// radixQuantiles are the quantiles q (or the median) of all of x's elements, x being in
// several blocks (of any shape: the order of the elements does not matter, so nothing is
// re-cut): one value per quantile, in dtype dt.
func radixQuantiles(x *Array, q []float64, median bool, method nd.QuantileMethod, dt nd.DType) *Array {
	n := x.Size()
	if median {
		q = []float64{0.5}
	}
	state0 := make([]int64, 0, 4*len(q))
	for _, v := range q {
		lo, hi := nd.QuantileRanks(n, v, median)
		state0 = append(state0, 0, int64(lo), 0, int64(hi))
	}
	st, err := nd.FromSlice(state0, 2*len(q), 2)
	if err != nil {
		return failed("quantile", err)
	}
	state := FromArray(st, ChunkSize(-1, -1))
	targets := 2 * len(q)
	// The counts of each block sit at the block's place in the grid of blocks, followed
	// by the targets and the buckets; summing over the grid totals them.
	nd0 := x.NDim()
	gridAxes, shape, chunks := make([]int, nd0), []int{}, graph.Chunks{}
	for d, c := range x.layer.Chunks {
		gridAxes[d] = d
		shape, chunks = append(shape, len(c)), append(chunks, ones(len(c)))
	}
	shape, chunks = append(shape, targets, radixBuckets), append(chunks, []int{targets}, []int{radixBuckets})
	for pass := range radixPasses {
		counts := blockLayer(radixHistogramFunc, radixPass{Pass: pass}, []*Array{x, state}, [][]int{gridAxes, {-1, -1}},
			shape, chunks, nd.Int64)
		total := counts.Sum(Axis(gridAxes...)).Reshape(targets, radixBuckets)
		state = blockLayer(radixStepFunc, radixPass{Pass: pass}, []*Array{total, state}, [][]int{{-1, -1}, {-1, -1}},
			[]int{targets, 2}, graph.Chunks{{targets}, {2}}, nd.Int64)
	}
	out := blockLayer(radixFinishFunc, radixResult{N: n, Q: q, Median: median, Method: method, DType: dt}, []*Array{state}, [][]int{{-1, -1}},
		[]int{len(q)}, graph.Chunks{{len(q)}}, dt)
	if x.DType().IsInexact() { // a NaN anywhere makes every quantile NaN, as NumPy's
		nan := Unary(nd.IsNaN, x).Any()
		out = Where(nan, scalar(complex(math.NaN(), 0), dt), out)
	}
	return out
}
