package darray

import (
	"slices"

	"github.com/darray-go/darray/fft"
	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
)

// fftFunc is the block function of the Fourier transforms: one transform along an axis
// that the block holds whole.
const fftFunc = "darray.fft"

type fftParams struct {
	Kind fft.Kind
	N    int
	Axis int
	Norm string
}

func init() {
	registerBlockFuncOf(fftFunc, func(p fftParams, blocks []*nd.Array, _ graph.BlockInfo) (*nd.Array, error) {
		return fft.Transform(blocks[0], p.Kind, p.N, p.Axis, p.Norm)
	})
}

// FFTOptions are numpy.fft's optional arguments: N is the transform length (0: the
// axis's, or 2(m-1) for IRFFT), Norm is "backward" (the default), "ortho" or "forward".
type FFTOptions struct {
	N    int
	Norm string
}

// transform applies one transform along axis. The axis is re-cut into one block first
// (a transform needs all of it, as dask's fft does; the other axes keep their blocks).
func transform(k fft.Kind, a *Array, axis int, o FFTOptions) *Array {
	if a == nil {
		return failf(string(k), "nil Array")
	}
	if a.err != nil {
		return a
	}
	nd0 := a.NDim()
	if nd0 == 0 {
		return failf(string(k), "a 0-dimensional array has no axis to transform")
	}
	if axis < 0 {
		axis += nd0
	}
	if axis < 0 || axis >= nd0 {
		return failf(string(k), "axis %d out of range for shape %s", axis, nd.ShapeString(a.Shape()))
	}
	n := o.N
	if n == 0 {
		n = k.DefaultLen(a.Shape()[axis])
	}
	if n < 1 {
		return failf(string(k), "invalid number of points %d for axis %d of shape %s", n, axis, nd.ShapeString(a.Shape()))
	}
	if o.Norm != "" && o.Norm != "backward" && o.Norm != "ortho" && o.Norm != "forward" {
		return failf(string(k), "invalid norm %q (want backward, ortho or forward)", o.Norm)
	}
	if k == fft.RealForward && a.DType().IsComplex() {
		return failf(string(k), "input must be real, not %v", a.DType())
	}
	sizes := make([][]int, nd0)
	for d := range nd0 {
		sizes[d] = a.layer.Chunks[d]
	}
	sizes[axis] = []int{a.Shape()[axis]}
	whole := a.Rechunk(ChunkSizes(sizes...))
	out := slices.Clone(sizes)
	out[axis] = []int{k.OutLen(n)}
	dt := nd.Complex128
	if k == fft.RealInverse {
		dt = nd.Float64
	}
	r := MapBlocks(fftFunc, []*Array{whole}, Params(fftParams{Kind: k, N: n, Axis: axis, Norm: o.Norm}), OutDType(dt), OutChunks(out...))
	if a.DType() == nd.Float32 || a.DType() == nd.Complex64 {
		// Single precision in, single precision out, as NumPy 2 (computed in double here).
		if dt == nd.Float64 {
			return r.AsType(nd.Float32)
		}
		return r.AsType(nd.Complex64)
	}
	return r
}

// FFT is numpy.fft.fft: the discrete Fourier transform along axis.
func FFT(a *Array, axis int, o FFTOptions) *Array { return transform(fft.Forward, a, axis, o) }

// IFFT is numpy.fft.ifft: the inverse transform along axis.
func IFFT(a *Array, axis int, o FFTOptions) *Array { return transform(fft.Inverse, a, axis, o) }

// RFFT is numpy.fft.rfft: the transform of real input, its n/2+1 non-negative
// frequencies.
func RFFT(a *Array, axis int, o FFTOptions) *Array { return transform(fft.RealForward, a, axis, o) }

// IRFFT is numpy.fft.irfft: the real signal of length N (default 2(m-1)) whose RFFT is a.
func IRFFT(a *Array, axis int, o FFTOptions) *Array { return transform(fft.RealInverse, a, axis, o) }

// FFTN is numpy.fft.fftn: transforms along each of axes (all axes when none), with the
// lengths s (nil: the axes' own).
func FFTN(a *Array, s []int, axes []int, norm string) *Array {
	return transformN(fft.Forward, a, s, axes, norm)
}

// IFFTN is numpy.fft.ifftn.
func IFFTN(a *Array, s []int, axes []int, norm string) *Array {
	return transformN(fft.Inverse, a, s, axes, norm)
}

// RFFTN is numpy.fft.rfftn: a real transform along the last of axes, complex ones along
// the others.
func RFFTN(a *Array, s []int, axes []int, norm string) *Array {
	return transformN(fft.RealForward, a, s, axes, norm)
}

// IRFFTN is numpy.fft.irfftn: complex inverse transforms along all but the last of axes,
// then a real inverse along the last.
func IRFFTN(a *Array, s []int, axes []int, norm string) *Array {
	return transformN(fft.RealInverse, a, s, axes, norm)
}

// FFT2, IFFT2, RFFT2 and IRFFT2 are the n-dimensional transforms over the last two axes.
func FFT2(a *Array, s []int, norm string) *Array { return FFTN(a, s, []int{-2, -1}, norm) }

// IFFT2 is numpy.fft.ifft2.
func IFFT2(a *Array, s []int, norm string) *Array { return IFFTN(a, s, []int{-2, -1}, norm) }

// RFFT2 is numpy.fft.rfft2.
func RFFT2(a *Array, s []int, norm string) *Array { return RFFTN(a, s, []int{-2, -1}, norm) }

// IRFFT2 is numpy.fft.irfft2.
func IRFFT2(a *Array, s []int, norm string) *Array { return IRFFTN(a, s, []int{-2, -1}, norm) }

func transformN(k fft.Kind, a *Array, s []int, axes []int, norm string) *Array {
	if a == nil || a.err != nil {
		return transform(k, a, 0, FFTOptions{})
	}
	if axes == nil {
		n := a.NDim()
		if s != nil {
			n = len(s)
		}
		for d := a.NDim() - n; d < a.NDim(); d++ {
			axes = append(axes, d)
		}
	}
	if s != nil && len(s) != len(axes) {
		return failf(string(k)+"n", "%d lengths for %d axes", len(s), len(axes))
	}
	length := func(i int) int {
		if s == nil {
			return 0
		}
		return s[i]
	}
	last := len(axes) - 1
	if last < 0 {
		return a
	}
	out := a
	switch k {
	case fft.RealForward: // real along the last axis first, then complex along the others
		out = transform(fft.RealForward, out, axes[last], FFTOptions{N: length(last), Norm: norm})
		for i := last - 1; i >= 0; i-- {
			out = transform(fft.Forward, out, axes[i], FFTOptions{N: length(i), Norm: norm})
		}
	case fft.RealInverse: // complex inverses first, the real one along the last axis
		for i := range last {
			out = transform(fft.Inverse, out, axes[i], FFTOptions{N: length(i), Norm: norm})
		}
		out = transform(fft.RealInverse, out, axes[last], FFTOptions{N: length(last), Norm: norm})
	default:
		for i := last; i >= 0; i-- {
			out = transform(k, out, axes[i], FFTOptions{N: length(i), Norm: norm})
		}
	}
	return out
}

// FFTFreq is numpy.fft.fftfreq: the sample frequencies of an n-point transform with
// sample spacing d, in chunks.
func FFTFreq(n int, d float64, chunks ChunkSpec) *Array {
	if n < 1 || d == 0 {
		return failf("fftfreq", "invalid length %d or spacing %v", n, d)
	}
	// [0, 1, ..., (n-1)/2, -(n/2), ..., -1] / (d n)
	k := Arange(0, float64(n), 1, nd.Float64, chunks)
	half := float64((n - 1) / 2)
	return Where(k.Greater(half), k.Sub(float64(n)), k).Div(d * float64(n))
}

// RFFTFreq is numpy.fft.rfftfreq: the n/2+1 non-negative frequencies.
func RFFTFreq(n int, d float64, chunks ChunkSpec) *Array {
	if n < 1 || d == 0 {
		return failf("rfftfreq", "invalid length %d or spacing %v", n, d)
	}
	return Arange(0, float64(n/2+1), 1, nd.Float64, chunks).Div(d * float64(n))
}

// FFTShift is numpy.fft.fftshift: rolls the zero frequency to the middle of each of axes
// (all when none).
func FFTShift(a *Array, axes ...int) *Array { return shiftHalf(a, axes, false) }

// IFFTShift is numpy.fft.ifftshift, FFTShift's inverse.
func IFFTShift(a *Array, axes ...int) *Array { return shiftHalf(a, axes, true) }

func shiftHalf(a *Array, axes []int, inverse bool) *Array {
	if a == nil || a.err != nil {
		return a
	}
	if len(axes) == 0 {
		for d := range a.NDim() {
			axes = append(axes, d)
		}
	}
	out := a
	for _, ax := range axes {
		d := ax
		if d < 0 {
			d += a.NDim()
		}
		if d < 0 || d >= a.NDim() {
			return failf("fftshift", "axis %d out of range for shape %s", ax, nd.ShapeString(a.Shape()))
		}
		shift := a.Shape()[d] / 2
		if inverse {
			shift = -shift
		}
		out = out.Roll(shift, d)
	}
	return out
}
