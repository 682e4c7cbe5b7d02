package nd

// copyInto copies src into dst; both have the same dtype and shape.
func copyInto(dst, src *Array) {
	switch d := dst.data.(type) {
	case []bool:
		copyTyped(d, dst, src.data.([]bool), src)
	case []int8:
		copyTyped(d, dst, src.data.([]int8), src)
	case []int16:
		copyTyped(d, dst, src.data.([]int16), src)
	case []int32:
		copyTyped(d, dst, src.data.([]int32), src)
	case []int64:
		copyTyped(d, dst, src.data.([]int64), src)
	case []uint8:
		copyTyped(d, dst, src.data.([]uint8), src)
	case []uint16:
		copyTyped(d, dst, src.data.([]uint16), src)
	case []uint32:
		copyTyped(d, dst, src.data.([]uint32), src)
	case []uint64:
		copyTyped(d, dst, src.data.([]uint64), src)
	case []float32:
		copyTyped(d, dst, src.data.([]float32), src)
	case []float64:
		copyTyped(d, dst, src.data.([]float64), src)
	case []complex64:
		copyTyped(d, dst, src.data.([]complex64), src)
	case []complex128:
		copyTyped(d, dst, src.data.([]complex128), src)
	}
}

// transposeTile is the side of the square tiles a transposing copy moves at a time, so
// that the source lines a tile touches stay in L1 cache while the tile is written.
const transposeTile = 32

func copyTyped[T Element](d []T, dst *Array, s []T, src *Array) {
	w := newWalker(dst.shape, dst.strides, src.strides)
	if n := len(w.shape); n >= 2 && w.runStride(1) != 1 && w.strides[1][n-2] == 1 {
		copyTransposed(d, s, w, dst.offset, src.offset)
		return
	}
	n, ds, ss := w.runLen(), w.runStride(0), w.runStride(1)
	w.each([]int{dst.offset, src.offset}, func(o []int) {
		if ds == 1 && ss == 1 {
			copy(d[o[0]:o[0]+n], s[o[1]:o[1]+n])
			return
		}
		di, si := o[0], o[1]
		for range n {
			d[di] = s[si]
			di += ds
			si += ss
		}
	})
}

// copyTransposed handles a copy whose two innermost dimensions are swapped between source
// and destination, tile by tile.
func copyTransposed[T Element](d, s []T, w walker, dOff, sOff int) {
	n := len(w.shape)
	rows, cols := w.shape[n-2], w.shape[n-1]
	drs, dcs := w.strides[0][n-2], w.strides[0][n-1]
	srs, scs := w.strides[1][n-2], w.strides[1][n-1]
	outer := walker{shape: append(append([]int{}, w.shape[:n-2]...), 1), strides: [][]int{append(append([]int{}, w.strides[0][:n-2]...), 0), append(append([]int{}, w.strides[1][:n-2]...), 0)}, size: w.size}
	outer.each([]int{dOff, sOff}, func(o []int) {
		for r0 := 0; r0 < rows; r0 += transposeTile {
			r1 := min(r0+transposeTile, rows)
			for c0 := 0; c0 < cols; c0 += transposeTile {
				c1 := min(c0+transposeTile, cols)
				for r := r0; r < r1; r++ {
					di, si := o[0]+r*drs+c0*dcs, o[1]+r*srs+c0*scs
					for c := c0; c < c1; c++ {
						d[di] = s[si]
						di += dcs
						si += scs
					}
				}
			}
		}
	})
}

// fillValue sets every element of a to v converted to a's dtype.
func fillValue(a *Array, v complex128) {
	src := Scalar(v).convert(a.dtype)
	b, _ := src.BroadcastTo(a.shape...)
	copyInto(a, b)
}
