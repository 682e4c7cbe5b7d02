package gemm

import "unsafe"

// kernelGo is the portable 4 x 4 kernel: the same contract as the assembly ones.
func kernelGo[T float](k int, a, b, c *T, ldc int) {
	ap := unsafe.Slice(a, 4*k)
	bp := unsafe.Slice(b, 4*k)
	var t [4][4]T
	for p := range k {
		av := ap[p*4 : p*4+4 : p*4+4]
		bv := bp[p*4 : p*4+4 : p*4+4]
		for r, x := range av {
			t[r][0] += x * bv[0]
			t[r][1] += x * bv[1]
			t[r][2] += x * bv[2]
			t[r][3] += x * bv[3]
		}
	}
	for r := range 4 {
		row := unsafe.Slice((*T)(unsafe.Add(unsafe.Pointer(c), uintptr(r*ldc)*unsafe.Sizeof(*c))), 4)
		for j := range 4 {
			row[j] += t[r][j]
		}
	}
}
