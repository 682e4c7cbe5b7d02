package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/nd"
)

// TestKilledZarrOverwriteLeavesOneArray kills `darray convert` with SIGKILL at random
// points while it replaces a Zarr array (v2 and v3) with one of other values and chunks,
// and requires the array to read back, every time, as entirely the old one or entirely
// the new one. The seeds and delays are logged, so a failure can be replayed.
func TestKilledZarrOverwriteLeavesOneArray(t *testing.T) {
	dir := t.TempDir()
	sources := map[float64]string{}
	for _, v := range []float64{1, 2} {
		src := filepath.Join(dir, map[float64]string{1: "ones.npy", 2: "twos.npy"}[v])
		if _, stderr, code := runCLI(t, "eval", "-o", src, "zeros((1500, 1200)) + "+map[float64]string{1: "1", 2: "2"}[v]); code != 0 {
			t.Fatal(stderr)
		}
		sources[v] = src
	}
	for _, version := range []string{"2", "3"} {
		dst := filepath.Join(dir, "v"+version+".zarr")
		convert := func(v float64, chunks string) *exec.Cmd {
			return exec.Command(binary, "convert", "--zarr-version", version, "--compressor", "gzip", "--chunks", chunks, "--workers", "1", sources[v], dst)
		}
		start := time.Now()
		if out, err := convert(1, "100,100").CombinedOutput(); err != nil {
			t.Fatalf("%s", out)
		}
		full := time.Since(start)
		current := 1.0
		for seed := uint64(1); seed <= 12; seed++ {
			rng := rand.New(rand.NewPCG(seed, 7))
			next := 3 - current
			delay := time.Duration(rng.Int64N(int64(full * 3 / 2)))
			cmd := convert(next, []string{"100,100", "150,80", "64,300"}[rng.IntN(3)])
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Kill()
			cmd.Wait()
			got, err := darray.FromZarr(dst, "data", darray.ChunkSpec{}).Compute(context.Background())
			if err != nil {
				t.Fatalf("v%s seed %d (killed after %v of a %v write): %v", version, seed, delay, full, err)
			}
			lo, hi := minMax(got)
			if lo != hi || (lo != current && lo != next) || !nd.EqualShapes(got.Shape(), []int{1500, 1200}) {
				t.Fatalf("v%s seed %d (killed after %v of a %v write): values from %v to %v, want all %v or all %v",
					version, seed, delay, full, lo, hi, current, next)
			}
			t.Logf("v%s seed %d: killed after %v of %v: the array reads as all %v", version, seed, delay, full, lo)
			current = lo
		}
	}
}

func minMax(a *nd.Array) (lo, hi float64) {
	v := nd.Values[float64](a)
	lo, hi = v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// TestKilledHDF5AppendLeavesTheFileWhole kills `darray eval --append` with SIGKILL at
// random points while it grows an HDF5 dataset (in a file that holds another), and
// requires the file to read back every time with the dataset grown by the whole append or
// not at all, and the other dataset as it was. Seeds and delays are logged.
func TestKilledHDF5AppendLeavesTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "grow.h5")
	for _, args := range [][]string{
		{"eval", "-o", file + ":/other", "arange(1000.0)"},
		{"eval", "--growable", "--chunks", "64,200", "-o", file + ":/d", "zeros((100, 1200))"},
	} {
		if _, stderr, code := runCLI(t, args...); code != 0 {
			t.Fatal(stderr)
		}
	}
	appendRows := func(v int) *exec.Cmd {
		return exec.Command(binary, "eval", "--workers", "1", "--chunks", "50,300", "--append", "0", "-o", file+":/d", fmt.Sprintf("zeros((300, 1200)) + %d", v))
	}
	start := time.Now()
	if out, err := appendRows(1).CombinedOutput(); err != nil {
		t.Fatalf("%s", out)
	}
	full := time.Since(start)
	blocks := []float64{0, 1} // the value of each block of rows: 100 rows, then 300 each
	for seed := uint64(1); seed <= 12; seed++ {
		rng := rand.New(rand.NewPCG(seed, 18))
		delay := time.Duration(rng.Int64N(int64(full * 3 / 2)))
		cmd := appendRows(int(seed) + 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		got, err := darray.FromHDF5(file, "/d", darray.ChunkSpec{}).Compute(context.Background())
		if err != nil {
			t.Fatalf("seed %d (killed after %v of a %v append): %v", seed, delay, full, err)
		}
		rows := got.Shape()[0]
		grew := rows == 100+300*len(blocks)
		if !grew && rows != 100+300*(len(blocks)-1) {
			t.Fatalf("seed %d (killed after %v of a %v append): %d rows, want %d or %d", seed, delay, full, rows, 100+300*(len(blocks)-1), 100+300*len(blocks))
		}
		if grew {
			blocks = append(blocks, float64(seed)+1)
		}
		for b, v := range blocks {
			lo, hi := 0, 100
			if b > 0 {
				lo, hi = 100+300*(b-1), 100+300*b
			}
			part, _ := got.Index(nd.Slice(lo, hi, 1), nd.Slice(0, 1200, 1))
			if l, h := minMax(part); l != v || h != v {
				t.Fatalf("seed %d (killed after %v of a %v append): rows %d-%d hold %v to %v, want %v", seed, delay, full, lo, hi, l, h, v)
			}
		}
		other, err := darray.FromHDF5(file, "/other", darray.ChunkSpec{}).Compute(context.Background())
		if err != nil || nd.Values[float64](other)[999] != 999 {
			t.Fatalf("seed %d: the other dataset: %v", seed, err)
		}
		t.Logf("seed %d: killed after %v of %v: %d rows", seed, delay, full, rows)
	}
}
