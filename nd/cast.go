package nd

// AsType returns a C-contiguous copy converted to dt with NumPy's unsafe casting: floats
// to integers truncate toward zero, complex to real keeps the real part, anything to bool
// tests for non-zero. Out-of-range float to integer conversions give what the hardware
// gives, as in NumPy.
func (a *Array) AsType(dt DType) (*Array, error) {
	if !dt.Valid() {
		return nil, newError("astype", ErrDType, "invalid dtype %v", dt)
	}
	return a.convert(dt), nil
}

// convert is AsType for a dtype already known to be valid.
func (a *Array) convert(dt DType) *Array {
	out, _ := New(dt, a.shape...)
	castInto(out, a)
	return out
}

// castInto converts src into dst, which has the same shape (dst may be any view).
func castInto(dst, src *Array) {
	if dst.dtype == src.dtype {
		copyInto(dst, src)
		return
	}
	w := newWalker(dst.shape, dst.strides, src.strides)
	switch d := dst.data.(type) {
	case []bool:
		castToBool(d, src, w, dst.offset)
	case []int8:
		castToReal(d, src, w, dst.offset)
	case []int16:
		castToReal(d, src, w, dst.offset)
	case []int32:
		castToReal(d, src, w, dst.offset)
	case []int64:
		castToReal(d, src, w, dst.offset)
	case []uint8:
		castToReal(d, src, w, dst.offset)
	case []uint16:
		castToReal(d, src, w, dst.offset)
	case []uint32:
		castToReal(d, src, w, dst.offset)
	case []uint64:
		castToReal(d, src, w, dst.offset)
	case []float32:
		castToReal(d, src, w, dst.offset)
	case []float64:
		castToReal(d, src, w, dst.offset)
	case []complex64:
		castToComplex(d, src, w, dst.offset)
	case []complex128:
		castToComplex(d, src, w, dst.offset)
	}
}

func castToReal[D realNumber](d []D, src *Array, w walker, off int) {
	switch s := src.data.(type) {
	case []bool:
		convertRuns(d, s, w, off, src.offset, func(v bool) D {
			if v {
				return 1
			}
			return 0
		})
	case []int8:
		convertRuns(d, s, w, off, src.offset, func(v int8) D { return D(v) })
	case []int16:
		convertRuns(d, s, w, off, src.offset, func(v int16) D { return D(v) })
	case []int32:
		convertRuns(d, s, w, off, src.offset, func(v int32) D { return D(v) })
	case []int64:
		convertRuns(d, s, w, off, src.offset, func(v int64) D { return D(v) })
	case []uint8:
		convertRuns(d, s, w, off, src.offset, func(v uint8) D { return D(v) })
	case []uint16:
		convertRuns(d, s, w, off, src.offset, func(v uint16) D { return D(v) })
	case []uint32:
		convertRuns(d, s, w, off, src.offset, func(v uint32) D { return D(v) })
	case []uint64:
		convertRuns(d, s, w, off, src.offset, func(v uint64) D { return D(v) })
	case []float32:
		convertRuns(d, s, w, off, src.offset, func(v float32) D { return D(v) })
	case []float64:
		convertRuns(d, s, w, off, src.offset, func(v float64) D { return D(v) })
	case []complex64:
		convertRuns(d, s, w, off, src.offset, func(v complex64) D { return D(real(v)) })
	case []complex128:
		convertRuns(d, s, w, off, src.offset, func(v complex128) D { return D(real(v)) })
	}
}

func castToComplex[D complexNumber](d []D, src *Array, w walker, off int) {
	switch s := src.data.(type) {
	case []bool:
		convertRuns(d, s, w, off, src.offset, func(v bool) D {
			if v {
				return 1
			}
			return 0
		})
	case []int8:
		convertRuns(d, s, w, off, src.offset, func(v int8) D { return D(complex(float64(v), 0)) })
	case []int16:
		convertRuns(d, s, w, off, src.offset, func(v int16) D { return D(complex(float64(v), 0)) })
	case []int32:
		convertRuns(d, s, w, off, src.offset, func(v int32) D { return D(complex(float64(v), 0)) })
	case []int64:
		convertRuns(d, s, w, off, src.offset, func(v int64) D { return D(complex(float64(v), 0)) })
	case []uint8:
		convertRuns(d, s, w, off, src.offset, func(v uint8) D { return D(complex(float64(v), 0)) })
	case []uint16:
		convertRuns(d, s, w, off, src.offset, func(v uint16) D { return D(complex(float64(v), 0)) })
	case []uint32:
		convertRuns(d, s, w, off, src.offset, func(v uint32) D { return D(complex(float64(v), 0)) })
	case []uint64:
		convertRuns(d, s, w, off, src.offset, func(v uint64) D { return D(complex(float64(v), 0)) })
	case []float32:
		convertRuns(d, s, w, off, src.offset, func(v float32) D { return D(complex(float64(v), 0)) })
	case []float64:
		convertRuns(d, s, w, off, src.offset, func(v float64) D { return D(complex(v, 0)) })
	case []complex64:
		convertRuns(d, s, w, off, src.offset, func(v complex64) D { return D(v) })
	case []complex128:
		convertRuns(d, s, w, off, src.offset, func(v complex128) D { return D(v) })
	}
}

func castToBool(d []bool, src *Array, w walker, off int) {
	switch s := src.data.(type) {
	case []int8:
		convertRuns(d, s, w, off, src.offset, func(v int8) bool { return v != 0 })
	case []int16:
		convertRuns(d, s, w, off, src.offset, func(v int16) bool { return v != 0 })
	case []int32:
		convertRuns(d, s, w, off, src.offset, func(v int32) bool { return v != 0 })
	case []int64:
		convertRuns(d, s, w, off, src.offset, func(v int64) bool { return v != 0 })
	case []uint8:
		convertRuns(d, s, w, off, src.offset, func(v uint8) bool { return v != 0 })
	case []uint16:
		convertRuns(d, s, w, off, src.offset, func(v uint16) bool { return v != 0 })
	case []uint32:
		convertRuns(d, s, w, off, src.offset, func(v uint32) bool { return v != 0 })
	case []uint64:
		convertRuns(d, s, w, off, src.offset, func(v uint64) bool { return v != 0 })
	case []float32:
		convertRuns(d, s, w, off, src.offset, func(v float32) bool { return v != 0 })
	case []float64:
		convertRuns(d, s, w, off, src.offset, func(v float64) bool { return v != 0 })
	case []complex64:
		convertRuns(d, s, w, off, src.offset, func(v complex64) bool { return v != 0 })
	case []complex128:
		convertRuns(d, s, w, off, src.offset, func(v complex128) bool { return v != 0 })
	}
}

// convertRuns applies conv element by element along the walker's runs. Casts are rare
// enough on hot paths that the per-element call is acceptable here; arithmetic kernels
// never go through it.
func convertRuns[S, D Element](d []D, s []S, w walker, dOff, sOff int, conv func(S) D) {
	n, ds, ss := w.runLen(), w.runStride(0), w.runStride(1)
	w.each([]int{dOff, sOff}, func(o []int) {
		di, si := o[0], o[1]
		if ds == 1 && ss == 1 {
			dd, sd := d[di:di+n], s[si:si+n]
			for i := range dd {
				dd[i] = conv(sd[i])
			}
			return
		}
		for range n {
			d[di] = conv(s[si])
			di += ds
			si += ss
		}
	})
}
