package sched

import (
	"strings"
	"testing"
)

// Sizes parse with their units; NaN, infinities, negative and overflowing values are
// refused with a message naming the value (NaN once passed as "no limit").
func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"1GB": 1e9, "512MiB": 512 << 20, "1.5k": 1500, "0": 0, " 2 GiB ": 2 << 30, "17": 17} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"nan", "NaN GB", "inf", "+Inf", "-inf", "-1MB", "1e300", "9e18", "5000000TB", "", "GB", "1 XB", "0x10", "1e-300", "0.5B"} {
		got, err := ParseBytes(in)
		if err == nil || !strings.Contains(err.Error(), "invalid size") {
			t.Errorf("ParseBytes(%q) = %d, %v; want an error", in, got, err)
		}
	}
}
