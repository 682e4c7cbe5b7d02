package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

//go:noescape
func kernelAVX512(k int, a, b, c *float64, ldc int)

//go:noescape
func kernelAVX2(k int, a, b, c *float64, ldc int)

//go:noescape
func kernelAVX512S(k int, a, b, c *float32, ldc int)

//go:noescape
func kernelAVX2S(k int, a, b, c *float32, ldc int)

var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA

	avx512  = newKernelSpec("avx512", 14, 16, kernelAVX512)
	avx2    = newKernelSpec("avx2", 6, 8, kernelAVX2)
	avx512S = newKernelSpec("avx512", 14, 32, kernelAVX512S)
	avx2S   = newKernelSpec("avx2", 6, 16, kernelAVX2S)
)

func init() {
	switch {
	case hasAVX512:
		kernel64, kernel32 = avx512, avx512S
	case hasAVX2:
		kernel64, kernel32 = avx2, avx2S
	}
}

// available lists the kernels this machine can run, for tests: the portable Go one first.
func available() ([]*kernelSpec[float64], []*kernelSpec[float32]) {
	k64 := []*kernelSpec[float64]{newKernelSpec("go", 4, 4, kernelGo[float64])}
	k32 := []*kernelSpec[float32]{newKernelSpec("go", 4, 4, kernelGo[float32])}
	if hasAVX2 {
		k64, k32 = append(k64, avx2), append(k32, avx2S)
	}
	if hasAVX512 {
		k64, k32 = append(k64, avx512), append(k32, avx512S)
	}
	return k64, k32
}
