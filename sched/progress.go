package sched

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/darray-go/darray/graph"
)

// Bar is a terminal progress bar for a computation, redrawn in place (carriage return) at
// most every Interval:
//
//	[##############----------------]  47%  470/1000 tasks  1.2 GiB  3.1s, about 3.5s left
//
// Finish draws the final state and ends the line.
type Bar struct {
	Interval time.Duration
	// Delay holds the bar back until the computation has run this long, so that quick
	// ones print nothing.
	Delay time.Duration

	w           io.Writer
	start, last time.Time
	total, done int
	bytes, made int64
	drawn       bool
}

// NewBar returns a bar drawing on w (usually os.Stderr).
func NewBar(w io.Writer) *Bar { return &Bar{w: w, Interval: 100 * time.Millisecond} }

func (b *Bar) Start(tasks int, bytes int64) {
	b.start, b.total, b.bytes = time.Now(), tasks, bytes
	if b.Delay == 0 {
		b.draw(b.start)
	}
}

func (b *Bar) TaskDone(t *graph.Task, _ time.Duration) {
	b.done++
	b.made += t.Bytes
	if now := time.Now(); now.Sub(b.last) >= b.Interval && now.Sub(b.start) >= b.Delay {
		b.draw(now)
	}
}

func (b *Bar) Finish(err error) {
	if !b.drawn {
		return // the computation ended before the bar was due
	}
	b.draw(time.Now())
	if err != nil {
		fmt.Fprintf(b.w, "  failed\n")
		return
	}
	fmt.Fprintln(b.w)
}

func (b *Bar) draw(now time.Time) {
	b.last, b.drawn = now, true
	const width = 30
	frac := 1.0
	if b.total > 0 {
		frac = float64(b.done) / float64(b.total)
	}
	full := int(frac * width)
	elapsed := now.Sub(b.start)
	eta := ""
	if b.done > 0 && b.done < b.total {
		left := time.Duration(float64(elapsed) * float64(b.total-b.done) / float64(b.done))
		eta = ", about " + round(left).String() + " left"
	}
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %d/%d tasks  %s  %s%s", strings.Repeat("#", full), strings.Repeat("-", width-full),
		100*frac, b.done, b.total, FormatBytes(b.made), round(elapsed), eta)
}

func round(d time.Duration) time.Duration {
	if d > 10*time.Second {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// ProgressFunc adapts a function to Progress for programs that want the counts: it is
// called after every task with the tasks done, the total and the time since the start.
type ProgressFunc func(done, total int, elapsed time.Duration)

type progressFunc struct {
	f           ProgressFunc
	start       time.Time
	done, total int
}

// Callback returns a Progress that calls f.
func Callback(f ProgressFunc) Progress { return &progressFunc{f: f} }

func (p *progressFunc) Start(tasks int, _ int64) { p.start, p.total = time.Now(), tasks }
func (p *progressFunc) TaskDone(*graph.Task, time.Duration) {
	p.done++
	p.f(p.done, p.total, time.Since(p.start))
}
func (p *progressFunc) Finish(error) {}
