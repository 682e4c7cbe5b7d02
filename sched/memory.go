package sched

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// DefaultMemoryFraction is the share of the machine's memory a computation may use when
// no limit is given.
const DefaultMemoryFraction = 0.5

// DefaultMemoryLimit is DefaultMemoryFraction of the machine's physical memory (1 GiB when
// that cannot be read).
func DefaultMemoryLimit() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil || info.Totalram == 0 {
		return 1 << 30
	}
	return int64(float64(uint64(info.Totalram)*uint64(info.Unit)) * DefaultMemoryFraction)
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
	if err != nil || v < 0 || v*scale > 1<<62 {
		return 0, fmt.Errorf("invalid size %q: want a number of bytes with an optional unit, such as 1GB or 512MiB", s)
	}
	return int64(v * scale), nil
}

// workingSet is the memory a task needs while it runs, beyond its inputs: its output and
// the intermediates of its fused expression.
func workingSet(t *graph.Task) int64 { return t.Bytes + t.Working }

// PlanError reports a computation that cannot run within its memory limit at all: one task
// needs more at once than the limit allows.
type PlanError struct {
	Task  string
	Op    string
	Need  int64
	Limit int64
}

func (e *PlanError) Error() string {
	return fmt.Sprintf("task %q (%s) needs about %s at once (its inputs, its output and its intermediates), more than the memory limit of %s: use smaller chunks (the block this task makes or reads is too large) or raise the memory limit",
		e.Task, e.Op, formatBytes(e.Need), formatBytes(e.Limit))
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
			n += g.Tasks[d].Bytes
		}
		if n > need {
			need, task = n, i
		}
	}
	return need, task
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// sizeOf is the memory a result holds.
func sizeOf(v any) int64 {
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

// Spilled results are files of one or more .npy records: a uint32 count of arrays, then
// for each a uint64 length and the .npy bytes. A partial state keeps its fields in a fixed
// order with empty records for absent ones.

var errNotSpillable = errors.New("result cannot be spilled")

func encodeSpill(v any) ([]byte, error) {
	var arrays []*nd.Array
	var kind byte
	switch x := v.(type) {
	case *nd.Array:
		kind, arrays = 'a', []*nd.Array{x}
	case *nd.Partial:
		kind, arrays = 'p', []*nd.Array{x.Count, x.Value, x.M2, x.Index}
	default:
		return nil, errNotSpillable
	}
	var b bytes.Buffer
	b.WriteByte(kind)
	binary.Write(&b, binary.LittleEndian, uint32(len(arrays)))
	for _, a := range arrays {
		if a == nil {
			binary.Write(&b, binary.LittleEndian, uint64(0))
			continue
		}
		var rec bytes.Buffer
		if err := npy.Write(&rec, a); err != nil {
			return nil, err
		}
		binary.Write(&b, binary.LittleEndian, uint64(rec.Len()))
		b.Write(rec.Bytes())
	}
	return b.Bytes(), nil
}

func decodeSpill(raw []byte, like *spillMeta) (any, error) {
	if len(raw) < 5 {
		return nil, errors.New("spill file truncated")
	}
	kind := raw[0]
	n := binary.LittleEndian.Uint32(raw[1:5])
	raw = raw[5:]
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
		a, err := npy.Read(bytes.NewReader(raw[:size]))
		if err != nil {
			return nil, err
		}
		arrays[i], raw = a, raw[size:]
	}
	if kind == 'a' && n == 1 {
		return arrays[0], nil
	}
	if kind == 'p' && n == 4 {
		return &nd.Partial{Op: like.op, Axes: like.axes, Count: arrays[0], Value: arrays[1], M2: arrays[2], Index: arrays[3]}, nil
	}
	return nil, errors.New("spill file of unknown kind")
}

// spillMeta keeps what a spilled partial state's file does not hold.
type spillMeta struct {
	path string
	size int64
	op   nd.ReduceOp
	axes []int
}

// spillStore writes results to a private directory, created on first use and removed,
// with everything in it, by close.
type spillStore struct {
	parent string
	dir    string
	files  int
	bytes  int64
}

func (s *spillStore) write(key string, v any) (*spillMeta, error) {
	raw, err := encodeSpill(v)
	if err != nil {
		return nil, err
	}
	if s.dir == "" {
		parent := s.parent
		if parent == "" {
			parent = os.TempDir()
		}
		if s.dir, err = os.MkdirTemp(parent, "darray-spill-*"); err != nil {
			return nil, fmt.Errorf("cannot create a spill directory in %s: %w", parent, err)
		}
	}
	s.files++
	path := filepath.Join(s.dir, strconv.Itoa(s.files)+".spill")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("spilling %s (%s) to %s: %w", key, formatBytes(int64(len(raw))), path, err)
	}
	s.bytes += int64(len(raw))
	m := &spillMeta{path: path, size: sizeOf(v)}
	if p, ok := v.(*nd.Partial); ok {
		m.op, m.axes = p.Op, p.Axes
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

func (s *spillStore) close() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}
