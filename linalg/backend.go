//go:build !openblas

package linalg

// Backend names the BLAS in use: gonum's pure Go, unless built with -tags openblas.
const Backend = "gonum"
