// Package proc gives the benchmark programs under bench/ their shared measurements: the
// process's peak resident memory and an optional CPU profile.
package proc

import (
	"os"
	"runtime/pprof"
	"strings"
)

// PeakRSS is the process's peak resident memory as /proc reports it ("123456 kB").
func PeakRSS() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "?"
}

// Profile starts a CPU profile into path (nothing when path is empty) and returns the
// function that stops it.
func Profile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
