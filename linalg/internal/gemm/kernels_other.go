//go:build !amd64

package gemm

// available lists the kernels this machine can run, for tests.
func available() []*kernelSpec { return []*kernelSpec{kernel} }
