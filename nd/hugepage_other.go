//go:build !linux

package nd

import "unsafe"

func adviseHugePages(p unsafe.Pointer, n int) {}
