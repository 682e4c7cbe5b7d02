package darray

import (
	"fmt"
	"math"
	"strings"

	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/store/hdf5"
	"github.com/darray-go/darray/store/netcdf3"
)

// NetCDFOption changes how FromNetCDF reads a variable.
type NetCDFOption func(*netcdfOptions)

type netcdfOptions struct{ decodeCF bool }

// DecodeCF applies the CF conventions' decoding as xarray does by default: values equal to
// _FillValue or missing_value become NaN, then scale_factor and add_offset unpack the
// rest. The result is float32 for variables of float32 or of integers of one or two bytes
// without add_offset, float64 otherwise (xarray's choice); variables without those
// attributes keep their dtype.
func DecodeCF() NetCDFOption { return func(o *netcdfOptions) { o.decodeCF = true } }

// FromNetCDF opens a variable of a netCDF file lazily: netCDF-3 (classic, 64-bit offset and
// CDF-5, read by darray directly) or netCDF-4 (an HDF5 file, read as FromHDF5 does). The
// format is known from the file's first bytes, whatever its name. With DecodeCF the
// variable's CF attributes are applied.
func FromNetCDF(path, variable string, chunks ChunkSpec, opts ...NetCDFOption) *Array {
	var o netcdfOptions
	for _, opt := range opts {
		opt(&o)
	}
	var a *Array
	var attrs map[string]any
	switch {
	case netcdf3.Is(path):
		nc, err := netcdf3.Open(path)
		if err != nil {
			return failed("from netcdf", err)
		}
		v, err := nc.Var(variable)
		if err != nil {
			return failed("from netcdf", err)
		}
		src, err := nc.Source(v)
		if err != nil {
			return failed("from netcdf", err)
		}
		a, attrs = fromSource("from netcdf", src, src.Shape, src.DType, chunks), v.Attrs
	case hdf5.Is(path):
		a = FromHDF5(path, "/"+strings.TrimPrefix(variable, "/"), chunks)
		if a.err != nil || !o.decodeCF {
			return a
		}
		var err error
		if attrs, err = hdf5Attrs(path, variable); err != nil {
			return failed("from netcdf", err)
		}
	default:
		return failed("from netcdf", fmt.Errorf("%s is neither a netCDF-3 nor a netCDF-4 (HDF5) file", path))
	}
	if !o.decodeCF {
		return a
	}
	return decodeCF(a, attrs)
}

func hdf5Attrs(path, variable string) (map[string]any, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	nodes, err := f.Walk()
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n.Path == strings.Trim(variable, "/") {
			return n.Attrs, nil
		}
	}
	return nil, fmt.Errorf("%s: no variable %q", path, variable)
}

// decodeCF masks fill and missing values and applies scale_factor and add_offset, in the
// order and precision xarray's CFMaskCoder and CFScaleOffsetCoder use.
func decodeCF(raw *Array, attrs map[string]any) *Array {
	var fills []float64
	for _, name := range []string{"missing_value", "_FillValue"} {
		if v, ok := attrs[name]; ok {
			fills = append(fills, attrNumbers(v)...)
		}
	}
	scale, hasScale := attrNumber(attrs["scale_factor"])
	offset, hasOffset := attrNumber(attrs["add_offset"])
	if len(fills) == 0 && !hasScale && !hasOffset {
		return raw
	}
	dt := raw.DType()
	out := raw
	if len(fills) > 0 { // to a float that holds every value, NaN where a fill value was
		dt = maskedDType(dt)
		var isFill *Array
		for _, f := range fills {
			if math.IsNaN(f) {
				continue // NaN never compares equal: already NaN
			}
			eq := raw.Equal(f)
			if isFill == nil {
				isFill = eq
			} else {
				isFill = Binary(nd.LogicalOr, isFill, eq)
			}
		}
		out = raw.AsType(dt)
		if isFill != nil {
			out = Where(isFill, quietNaN, out).AsType(dt)
		}
	}
	if hasScale || hasOffset {
		dt = scaledDType(dt, hasOffset)
		out = out.AsType(dt)
		if hasScale {
			out = out.Mul(roundTo(dt, scale))
		}
		if hasOffset {
			out = out.Add(roundTo(dt, offset))
		}
	}
	return out
}

// quietNaN is NumPy's NaN (Go's math.NaN sets a payload bit, which would make the masked
// values differ from xarray's in their bits).
var quietNaN = math.Float64frombits(0x7ff8000000000000)

// maskedDType is the float dtype that can hold a variable's values and NaN.
func maskedDType(dt nd.DType) nd.DType {
	switch {
	case dt.IsFloat():
		return dt
	case dt.IsInteger() && dt.Size() <= 2:
		return nd.Float32
	}
	return nd.Float64
}

// scaledDType is the dtype unpacked values get: float32 keeps float32, small integers go
// to float32 unless an offset could cost precision, everything else to float64.
func scaledDType(dt nd.DType, hasOffset bool) nd.DType {
	switch {
	case dt.IsFloat() && dt.Size() <= 4:
		return nd.Float32
	case dt.IsInteger() && dt.Size() <= 2 && !hasOffset:
		return nd.Float32
	}
	return nd.Float64
}

// roundTo gives a scale or offset in the precision the arithmetic happens in (NumPy
// multiplies a float32 array by a scalar in float32).
func roundTo(dt nd.DType, v float64) float64 {
	if dt == nd.Float32 {
		return float64(float32(v))
	}
	return v
}

// attrNumbers reads an attribute's numbers, whatever form the file's reader gave them.
func attrNumbers(v any) []float64 {
	switch v := v.(type) {
	case float64:
		return []float64{v}
	case complex128:
		return []float64{real(v)}
	case []float64:
		return v
	case []int64:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case *nd.Array:
		return nd.Values[float64](v)
	}
	return nil
}

func attrNumber(v any) (float64, bool) {
	if xs := attrNumbers(v); len(xs) > 0 {
		return xs[0], true
	}
	return 0, false
}
