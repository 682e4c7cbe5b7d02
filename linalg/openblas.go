//go:build openblas

package linalg

// Built with -tags openblas (Debian's libopenblas-dev), block products and the BLAS
// calls inside gonum's LAPACK run on OpenBLAS: five to ten times gonum's pure Go speed
// for large matrix products. OpenBLAS's own threads are kept to one per call, because
// darray already runs one task per core.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/blas/cblas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	C.openblas_set_num_threads(1)
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	cblas128.Use(netlib.Implementation{})
	cblas64.Use(netlib.Implementation{})
}

// Backend names the BLAS in use.
const Backend = "OpenBLAS"
