package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

//go:noescape
func kernelAVX512(k int, a, b, c *float64, ldc int)

//go:noescape
func kernelAVX2(k int, a, b, c *float64, ldc int)

var (
	avx512 = newKernelSpec("avx512", 14, 16, kernelAVX512)
	avx2   = newKernelSpec("avx2", 6, 8, kernelAVX2)
)

func init() {
	switch {
	case cpu.X86.HasAVX512F:
		kernel = avx512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		kernel = avx2
	}
}

// available lists the kernels this machine can run, for tests.
func available() []*kernelSpec {
	ks := []*kernelSpec{newKernelSpec("go", 4, 4, kernelGo)}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2)
	}
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512)
	}
	return ks
}
