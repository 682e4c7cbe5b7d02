package nd

import (
	"errors"
	"testing"
)

func TestFloat64OfOneElement(t *testing.T) {
	one, _ := FromSlice([]int32{-7}, 1, 1)
	if v, err := one.Float64(); err != nil || v != -7 {
		t.Errorf("Float64 of [[-7]]: %v, %v", v, err)
	}
	two, _ := FromSlice([]float64{1, 2})
	if _, err := two.Float64(); !errors.Is(err, ErrShape) {
		t.Errorf("Float64 of two elements: %v", err)
	}
	if _, err := Scalar(complex(1, 2)).Float64(); !errors.Is(err, ErrDType) {
		t.Errorf("Float64 of 1+2j: %v", err)
	}
}

// FormatEdges of the edges of a long array prints what the whole array prints.
func TestFormatEdges(t *testing.T) {
	big, _ := Arange(Int64, 0, 24000, 1)
	big, _ = big.Reshape(20, 30, 40)
	pos, _ := FromSlice([]int64{0, 1, 2, 17, 18, 19})
	edges, _ := big.Index(Take(pos))
	pos, _ = FromSlice([]int64{0, 1, 2, 27, 28, 29})
	edges, _ = edges.Index(Whole(), Take(pos))
	pos, _ = FromSlice([]int64{0, 1, 2, 37, 38, 39})
	edges, _ = edges.Index(Whole(), Whole(), Take(pos))
	got, err := FormatEdges(edges, []bool{true, true, true})
	if err != nil || got != big.String() {
		t.Errorf("FormatEdges gave\n%s (%v)\nthe whole array prints\n%s", got, err, big.String())
	}
	if _, err := FormatEdges(edges, []bool{true}); err == nil {
		t.Error("FormatEdges took marks for one axis of three")
	}
	if _, err := FormatEdges(big, []bool{true, false, false}); err == nil {
		t.Error("FormatEdges took an axis of 20 marked as edges")
	}
}
