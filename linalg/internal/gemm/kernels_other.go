//go:build !amd64

package gemm

// available lists the kernels this machine can run, for tests: the portable Go one first.
func available() ([]*kernelSpec[float64], []*kernelSpec[float32]) {
	return []*kernelSpec[float64]{kernel64}, []*kernelSpec[float32]{kernel32}
}
