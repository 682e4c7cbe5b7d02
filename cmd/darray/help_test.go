package main

import (
	"strings"
	"testing"
)

// Help says what each command takes: graph computes nothing (no cluster or memory flags);
// eval's inputs and info name every format read.
func TestHelpSaysWhatApplies(t *testing.T) {
	_, e, _ := runCLI(t, "graph", "-h")
	if !strings.Contains(e, "-chunks") || strings.Contains(e, "-local-cluster") || strings.Contains(e, "-tls-ca") || strings.Contains(e, "-memory-limit") {
		t.Errorf("graph -h:\n%s", e)
	}
	_, e, _ = runCLI(t, "eval", "-h")
	for _, want := range []string{"FILE.h5:/dataset", "FILE.nc:variable", "s3://"} {
		if !strings.Contains(e, want) {
			t.Errorf("eval -h does not mention %s:\n%s", want, e)
		}
	}
	out, _, _ := runCLI(t, "help")
	if !strings.Contains(out, "HDF5 or netCDF") {
		t.Errorf("help does not say info reads HDF5 and netCDF:\n%s", out)
	}
}
