package dashboard_test

import (
	"context"
	"testing"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/dashboard"
	"github.com/darray-go/darray/sched"
)

// BenchmarkObserved100kTasks runs a computation of about 100,000 tasks (a 6400 x 6400
// random array in 20 x 20 blocks, summed) without and with a dashboard watching, whose
// cost must stay within 5% (docs/benchmarks.md).
func BenchmarkObserved100kTasks(b *testing.B) {
	run := func(b *testing.B, opts ...darray.ComputeOption) {
		var st sched.Stats
		for b.Loop() {
			x := darray.NewRNG(1).Random([]int{6400, 6400}, darray.ChunkSize(20, 20))
			if _, err := x.Mul(2).Sum().Compute(context.Background(), append(opts, darray.WithStats(&st))...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(st.Tasks), "tasks")
	}
	b.Run("plain", func(b *testing.B) { run(b) })
	b.Run("dashboard", func(b *testing.B) { run(b, darray.WithObserver(dashboard.New())) })
}
