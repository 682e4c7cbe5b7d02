package sched

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// DefaultMemoryFraction is the share of the machine's memory a computation may use when
// no limit is given.
const DefaultMemoryFraction = 0.5

// PhysicalMemory is the machine's physical memory in bytes (0 when that cannot be read).
func PhysicalMemory() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0
	}
	return int64(uint64(info.Totalram) * uint64(info.Unit))
}

// DefaultMemoryLimit is DefaultMemoryFraction of the machine's physical memory (1 GiB when
// that cannot be read).
func DefaultMemoryLimit() int64 {
	total := PhysicalMemory()
	if total == 0 {
		return 1 << 30
	}
	return int64(float64(total) * DefaultMemoryFraction)
}

// ParseBytes reads sizes such as "1GB", "256MB", "512MiB", "1.5GiB" or "4096": decimal
// units are powers of 1000 (as dask's), binary ones powers of 1024.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	units := []struct {
		suffix string
		scale  float64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"B", 1}}
	scale := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, scale = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.scale
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	// (NaN fails every comparison: without its own test it would pass as a size.)
	if err != nil || math.IsNaN(v) || v < 0 || v*scale > 1<<62 || v > 0 && v*scale < 1 {
		return 0, fmt.Errorf("invalid size %q: want a number of bytes with an optional unit, such as 1GB or 512MiB", s)
	}
	return int64(v * scale), nil
}

// workingSet is the memory a task needs while it runs, beyond its inputs: its output and
// the intermediates of its fused expression.
func workingSet(t *graph.Task) int64 { return addSat(t.Bytes, t.Working) }

// addSat adds non-negative sizes, saturating at math.MaxInt64: a task that reads a
// stored chunk of absurd size must be refused by the plan, not wrap around to fit.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// PlanError reports a computation that cannot run within its memory limit at all: one task
// needs more at once than the limit allows.
type PlanError struct {
	Task  string
	Op    string
	Need  int64
	Limit int64
	// Machine says that Limit is the machine's physical memory, which no limit can raise.
	Machine bool
}

func (e *PlanError) Error() string {
	if e.Machine {
		return fmt.Sprintf("task %q (%s) needs about %s at once, more than this machine's memory of %s: the file's chunks are too large to decode here",
			e.Task, e.Op, FormatBytes(e.Need), FormatBytes(e.Limit))
	}
	return fmt.Sprintf("task %q (%s) needs about %s at once (its inputs, its output and its intermediates), more than the memory limit of %s: use smaller chunks (the block this task makes or reads is too large) or raise the memory limit",
		e.Task, e.Op, FormatBytes(e.Need), FormatBytes(e.Limit))
}

// Project returns the memory the graph's most demanding task needs at once (its inputs,
// output and intermediates), and that task: the lower bound of any limit the graph can run
// within, as Cubed's projected memory.
func Project(g *graph.Graph) (need int64, task int) {
	task = -1
	for i := range g.Tasks {
		t := &g.Tasks[i]
		n := workingSet(t)
		for _, d := range t.Deps {
			n = addSat(n, g.Tasks[d].Bytes)
		}
		if n > need {
			need, task = n, i
		}
	}
	return need, task
}

// FormatBytes prints a byte count with a binary unit, as 7.63 MiB.
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	f := float64(n)
	u := 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.2f %s", f, units[u])
}

// SizeOf is the memory a task's result holds: an array's elements, a partial reduction
// state's arrays; 0 for anything else.
func SizeOf(v any) int64 {
	switch x := v.(type) {
	case *nd.Array:
		return int64(x.NBytes())
	case *nd.Partial:
		var n int64
		for _, a := range []*nd.Array{x.Count, x.Value, x.M2, x.Index} {
			if a != nil {
				n += int64(a.NBytes())
			}
		}
		return n
	}
	return 0
}

// Spilled results are files of one or more .npy records: a kind byte ('a' for an array,
// 'p' for a partial state), three bytes of padding and a uint32 count of records, then
// for each record a uint64 length and the .npy bytes, padded to a multiple of 16 so that
// every record's data stays aligned in the buffer the file is read back into (which the
// arrays then share: no copies either way). A partial state keeps its fields in a fixed
// order with empty records for absent ones.

var errNotSpillable = errors.New("result cannot be spilled")

const spillAlign = 16

// spillArrays lists the arrays of a result that can be spilled.
func spillArrays(v any) (byte, []*nd.Array, error) {
	switch x := v.(type) {
	case *nd.Array:
		return 'a', []*nd.Array{x}, nil
	case *nd.Partial:
		return 'p', []*nd.Array{x.Count, x.Value, x.M2, x.Index}, nil
	}
	return 0, nil, errNotSpillable
}

// writeSpill writes v's arrays to w straight from their memory.
func writeSpill(w io.Writer, kind byte, arrays []*nd.Array) error {
	head := make([]byte, 8)
	head[0] = kind
	binary.LittleEndian.PutUint32(head[4:], uint32(len(arrays)))
	if _, err := w.Write(head); err != nil {
		return err
	}
	var pad [spillAlign]byte
	for _, a := range arrays {
		var size [8]byte
		if a == nil {
			if _, err := w.Write(size[:]); err != nil {
				return err
			}
			continue
		}
		header := npy.EncodeHeader(a.DType(), a.Shape())
		data := a.ByteView(false)
		n := len(header) + len(data)
		binary.LittleEndian.PutUint64(size[:], uint64(n))
		for _, part := range [][]byte{size[:], header, data, pad[:(spillAlign-n%spillAlign)%spillAlign]} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeSpill turns a spill file read into raw back into the result, sharing raw.
func decodeSpill(raw []byte, like *spillMeta) (any, error) {
	if len(raw) < 8 {
		return nil, errors.New("spill file truncated")
	}
	kind := raw[0]
	n := binary.LittleEndian.Uint32(raw[4:8])
	raw = raw[8:]
	arrays := make([]*nd.Array, n)
	for i := range arrays {
		if len(raw) < 8 {
			return nil, errors.New("spill file truncated")
		}
		size := binary.LittleEndian.Uint64(raw)
		raw = raw[8:]
		if size == 0 {
			continue
		}
		if uint64(len(raw)) < size {
			return nil, errors.New("spill file truncated")
		}
		rec := bytes.NewReader(raw[:size])
		h, err := npy.ReadHeader(rec)
		if err != nil {
			return nil, err
		}
		data := raw[int(size)-rec.Len() : size]
		if arrays[i], err = nd.WrapBytes(h.DType, data, h.BigEndian, h.Shape...); err != nil {
			return nil, err
		}
		raw = raw[min(uint64(len(raw)), size+uint64((spillAlign-size%spillAlign)%spillAlign)):]
	}
	if kind == 'a' && n == 1 {
		return arrays[0], nil
	}
	if kind == 'p' && n == 4 && like.partial != nil {
		p := *like.partial // a copy keeps what the file does not hold, unexported fields too
		p.Count, p.Value, p.M2, p.Index = arrays[0], arrays[1], arrays[2], arrays[3]
		return &p, nil
	}
	return nil, errors.New("spill file of unknown kind")
}

// spillMeta keeps what a spilled partial state's file does not hold.
type spillMeta struct {
	path    string
	size    int64
	partial *nd.Partial // a partial state without its arrays
}

// spillStore writes results to a private directory, created on first use and removed,
// with everything in it, by close.
type spillStore struct {
	mu     sync.Mutex // workers write spill files at the same time
	parent string
	dir    string
	files  int
	bytes  int64
}

func (s *spillStore) write(key string, v any) (*spillMeta, error) {
	kind, arrays, err := spillArrays(v)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.dir == "" {
		parent := s.parent
		if parent == "" {
			parent = os.TempDir()
		}
		if s.dir, err = os.MkdirTemp(parent, "darray-spill-*"); err != nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("cannot create a spill directory in %s: %w", parent, err)
		}
	}
	s.files++
	path := filepath.Join(s.dir, strconv.Itoa(s.files)+".spill")
	s.mu.Unlock()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		err = writeSpill(f, kind, arrays)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	size := SizeOf(v)
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("spilling %s (%s) to %s: %w", key, FormatBytes(size), path, err)
	}
	s.mu.Lock()
	s.bytes += size
	s.mu.Unlock()
	m := &spillMeta{path: path, size: size}
	if p, ok := v.(*nd.Partial); ok {
		shell := *p
		shell.Count, shell.Value, shell.M2, shell.Index = nil, nil, nil, nil
		m.partial = &shell
	}
	return m, nil
}

func (s *spillStore) read(m *spillMeta) (any, error) {
	raw, err := os.ReadFile(m.path)
	if err != nil {
		return nil, fmt.Errorf("reading spilled result back from %s: %w", m.path, err)
	}
	os.Remove(m.path)
	v, err := decodeSpill(raw, m)
	if err != nil {
		return nil, fmt.Errorf("spill file %s: %w", m.path, err)
	}
	return v, nil
}

// discard removes a spill file that turned out not to be needed.
func (s *spillStore) discard(m *spillMeta) { os.Remove(m.path) }

func (s *spillStore) close() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// The garbage collector is told about running computations' memory limits: by default it
// lets the heap grow to twice what is live before collecting, so a computation holding
// 3 GB of blocks would reach 6 GB resident, with every new block in memory the kernel
// has to hand over page by page. With a soft limit a little above the computation's own,
// freed blocks are collected and their memory reused before the heap grows past it.
// (Collecting more often all the time, GOGC=25, costs a quarter more time on I/O-heavy
// runs: the limit is the better tool.) Concurrent computations share the process: the
// tightest of their limits applies, and the program's own setting comes back when the
// last one ends.
var gcLimits struct {
	sync.Mutex
	active   map[*int64]struct{}
	original int64
}

// holdGCLimit applies a soft memory limit for a computation limited to limit bytes of
// held results and returns the function that lifts it.
func holdGCLimit(limit int64) (release func()) {
	want := new(int64)
	*want = limit + limit/4 + 64<<20 // room for what the accounting does not see
	gcLimits.Lock()
	defer gcLimits.Unlock()
	if len(gcLimits.active) == 0 {
		gcLimits.active = map[*int64]struct{}{}
		gcLimits.original = debug.SetMemoryLimit(-1)
	}
	gcLimits.active[want] = struct{}{}
	applyGCLimit()
	return func() {
		gcLimits.Lock()
		defer gcLimits.Unlock()
		delete(gcLimits.active, want)
		applyGCLimit()
	}
}

func applyGCLimit() {
	limit := gcLimits.original
	for w := range gcLimits.active {
		limit = min(limit, *w)
	}
	debug.SetMemoryLimit(limit)
}
