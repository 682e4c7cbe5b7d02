package graph

import "slices"

// RechunkBudget bounds what one task of a rechunk plan reads or writes: the size up to
// which PlanRechunk groups source blocks into one read and target blocks into one write.
const RechunkBudget = 64 << 20

// PlanRechunk returns the chunkings an array of the given shape and item size passes
// through on its way from chunks `from` to chunks `to`, not counting either: nil when a
// direct re-cut is cheap, or one intermediate chunking when it is not.
//
// A direct re-cut is cheap when every target block is made of few source blocks, or every
// source block feeds few target blocks. It is not when both fan out, as from (n, 100)
// column strips to (100, n) row strips: every target block then needs a piece of every
// source block, so a direct plan keeps the whole array alive (or re-reads every source
// block once per target block). The plan follows the rechunker algorithm: group source
// blocks into reads and target blocks into writes of at most budget bytes each, and cut
// the intermediate at the smaller of the two along each axis. Each source block is then
// split into intermediate blocks as soon as it is read, and each intermediate block is
// read whole by the few target blocks that need it; what the intermediate holds in all
// goes to disk under a memory limit, as the intermediate store of rechunker does.
func PlanRechunk(shape []int, itemsize int, from, to Chunks, budget int64) []Chunks {
	if from.Equal(to) || len(shape) == 0 || slices.Contains(shape, 0) {
		return nil
	}
	src, dst := typicalBlock(from), typicalBlock(to)
	budget = max(budget, blockElems(src)*int64(itemsize), blockElems(dst)*int64(itemsize))
	read := growToward(src, dst, shape, budget/int64(itemsize))
	write := growToward(dst, src, shape, budget/int64(itemsize))
	mid := make([]int, len(shape))
	finerThanSource, finerThanTarget := false, false
	for d := range shape {
		mid[d] = min(read[d], write[d])
		finerThanSource = finerThanSource || mid[d] < src[d]
		finerThanTarget = finerThanTarget || mid[d] < dst[d]
	}
	if !finerThanSource || !finerThanTarget {
		// Either the intermediate blocks are groups of source blocks (every target block
		// needs few source blocks) or groups of target blocks (every source block feeds few
		// target blocks): the direct re-cut is as good.
		return nil
	}
	c, err := RegularChunks(shape, mid)
	if err != nil || c.Equal(from) || c.Equal(to) {
		return nil
	}
	return []Chunks{c}
}

// typicalBlock is the largest block length along each axis.
func typicalBlock(c Chunks) []int {
	b := make([]int, len(c))
	for d, axis := range c {
		b[d] = max(slices.Max(axis), 1)
	}
	return b
}

func blockElems(b []int) int64 {
	n := int64(1)
	for _, v := range b {
		n *= int64(v)
	}
	return n
}

// growToward enlarges block b, by whole multiples along each axis and starting from the
// last (the contiguous one), toward the block other wherever other is longer, while it
// holds at most limit elements.
func growToward(b, other, shape []int, limit int64) []int {
	out := slices.Clone(b)
	for d := len(b) - 1; d >= 0; d-- {
		if other[d] <= b[d] {
			continue
		}
		room := limit / blockElems(out)
		want := int64(min(other[d], shape[d]) / b[d])
		if k := min(room, want); k > 1 {
			out[d] = b[d] * int(k)
		}
	}
	return out
}
