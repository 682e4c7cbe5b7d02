// Package fft is discrete Fourier transforms of in-memory arrays along one axis, with
// NumPy's conventions (numpy.fft): forward transforms unscaled, inverse ones scaled by
// 1/n, and the "ortho" and "forward" normalizations; inputs padded with zeros or cut to
// the requested length. The transforms are gonum's (dsp/fourier, any length). Results
// are complex128 (or float64 for IRFFT), as NumPy 1.x gives.
package fft

import (
	"fmt"
	"math"

	"github.com/darray-go/darray/nd"
	"gonum.org/v1/gonum/dsp/fourier"
)

// Kind is a transform.
type Kind string

const (
	Forward     Kind = "fft"   // complex -> complex
	Inverse     Kind = "ifft"  // complex -> complex, scaled by 1/n
	RealForward Kind = "rfft"  // real -> the n/2+1 non-negative frequencies
	RealInverse Kind = "irfft" // n/2+1 frequencies -> n real values
)

// OutLen is the length of the transformed axis for a transform of length n.
func (k Kind) OutLen(n int) int {
	if k == RealForward {
		return n/2 + 1
	}
	return n
}

// DefaultLen is the transform length NumPy uses when none is given, for an axis of
// length m.
func (k Kind) DefaultLen(m int) int {
	if k == RealInverse {
		return 2 * (m - 1)
	}
	return m
}

// Valid reports whether k names a transform.
func (k Kind) Valid() bool {
	return k == Forward || k == Inverse || k == RealForward || k == RealInverse
}

// scale is the factor applied after an unnormalized transform of length n: norm is
// "backward" (or ""), "ortho" or "forward".
func scale(k Kind, n int, norm string) (float64, error) {
	inverse := k == Inverse || k == RealInverse
	switch norm {
	case "", "backward":
		if inverse {
			return 1 / float64(n), nil
		}
		return 1, nil
	case "ortho":
		return 1 / math.Sqrt(float64(n)), nil
	case "forward":
		if inverse {
			return 1, nil
		}
		return 1 / float64(n), nil
	}
	return 0, fmt.Errorf("fft: invalid norm %q (want backward, ortho or forward)", norm)
}

// Transform applies the transform of length n along axis of a.
func Transform(a *nd.Array, k Kind, n, axis int, norm string) (*nd.Array, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("fft: unknown transform %q", k)
	}
	nd0 := a.NDim()
	if nd0 == 0 {
		return nil, fmt.Errorf("%s: a 0-dimensional array has no axis to transform", k)
	}
	if axis < 0 {
		axis += nd0
	}
	if axis < 0 || axis >= nd0 {
		return nil, fmt.Errorf("%s: axis %d out of range for shape %s", k, axis, nd.ShapeString(a.Shape()))
	}
	if n < 1 {
		return nil, fmt.Errorf("%s: invalid number of points %d (shape %s, axis %d)", k, n, nd.ShapeString(a.Shape()), axis)
	}
	if k == RealForward && a.DType().IsComplex() {
		return nil, fmt.Errorf("rfft: input must be real, not %v", a.DType())
	}
	f, err := scale(k, n, norm)
	if err != nil {
		return nil, err
	}
	// Lanes along the last axis, contiguous.
	moved, err := a.MoveAxis(axis, nd0-1)
	if err != nil {
		return nil, err
	}
	inType := nd.Complex128
	if k == RealForward {
		inType = nd.Float64
	}
	in, err := moved.AsType(inType)
	if err != nil {
		return nil, err
	}
	in = in.Contiguous()
	shape := moved.Shape()
	m := shape[nd0-1]
	lanes := 1
	for _, s := range shape[:nd0-1] {
		lanes *= s
	}
	outLen := k.OutLen(n)
	shape[nd0-1] = outLen
	var out *nd.Array
	switch k {
	case RealForward:
		src, _ := nd.Data[float64](in)
		dst := make([]complex128, lanes*outLen)
		t := fourier.NewFFT(n)
		seq := make([]float64, n)
		for l := range lanes {
			clear(seq)
			copy(seq, src[l*m:l*m+min(m, n)])
			c := t.Coefficients(dst[l*outLen:(l+1)*outLen], seq)
			scaleC(c, f)
		}
		out, err = nd.FromSlice(dst, shape...)
	case RealInverse:
		src, _ := nd.Data[complex128](in)
		dst := make([]float64, lanes*n)
		t := fourier.NewFFT(n)
		coeff := make([]complex128, n/2+1)
		for l := range lanes {
			clear(coeff)
			copy(coeff, src[l*m:l*m+min(m, len(coeff))])
			// The zero frequency (and the Nyquist one, for even n) of a real signal is
			// real: like NumPy, ignore imaginary parts there.
			coeff[0] = complex(real(coeff[0]), 0)
			if n%2 == 0 {
				coeff[n/2] = complex(real(coeff[n/2]), 0)
			}
			seq := t.Sequence(dst[l*n:(l+1)*n], coeff)
			for i := range seq {
				seq[i] *= f
			}
		}
		out, err = nd.FromSlice(dst, shape...)
	default:
		src, _ := nd.Data[complex128](in)
		dst := make([]complex128, lanes*n)
		t := fourier.NewCmplxFFT(n)
		seq := make([]complex128, n)
		for l := range lanes {
			clear(seq)
			copy(seq, src[l*m:l*m+min(m, n)])
			var c []complex128
			if k == Forward {
				c = t.Coefficients(dst[l*n:(l+1)*n], seq)
			} else {
				c = t.Sequence(dst[l*n:(l+1)*n], seq)
			}
			scaleC(c, f)
		}
		out, err = nd.FromSlice(dst, shape...)
	}
	if err != nil {
		return nil, err
	}
	back, err := out.MoveAxis(nd0-1, axis)
	if err != nil {
		return nil, err
	}
	return back.Contiguous(), nil
}

func scaleC(c []complex128, f float64) {
	if f == 1 {
		return
	}
	for i := range c {
		c[i] *= complex(f, 0)
	}
}
