package cluster

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// chunkStore holds a worker's results: in memory up to a target, beyond it on local disk
// (the results used longest ago go first), read back when asked for.
type chunkStore struct {
	mu      sync.Mutex
	dir     string // spill directory, made on first spill
	parent  string
	target  int64 // spill beyond this many bytes in memory
	held    int64
	spilled int64
	clock   int64
	chunks  map[taskRef]*chunk
}

type chunk struct {
	val   any    // nil when spilled
	path  string // spill file, when spilled
	bytes int64
	used  int64 // the store's clock at the last use
}

func newChunkStore(parent string, target int64) *chunkStore {
	return &chunkStore{parent: parent, target: target, chunks: map[taskRef]*chunk{}}
}

// put keeps a result, spilling older ones if memory is over the target.
func (s *chunkStore) put(r taskRef, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.chunks[r]; ok {
		s.dropLocked(old)
	}
	s.clock++
	c := &chunk{val: v, bytes: sizeOf(v), used: s.clock}
	s.chunks[r] = c
	s.held += c.bytes
	s.spillLocked()
}

// get returns a result, reading it back from disk if it was spilled.
func (s *chunkStore) get(r taskRef) (any, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chunks[r]
	if !ok {
		return nil, false, nil
	}
	s.clock++
	c.used = s.clock
	if c.val != nil {
		return c.val, true, nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, true, fmt.Errorf("spilled result %v: %w", r, err)
	}
	defer f.Close()
	v, err := readResult(bufio.NewReaderSize(f, 1<<20), c.bytes+1<<20, nil)
	if err != nil {
		return nil, true, fmt.Errorf("spilled result %v: %w", r, err)
	}
	return v, true, nil
}

func (s *chunkStore) has(r taskRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.chunks[r]
	return ok
}

// drop forgets results.
func (s *chunkStore) drop(refs ...taskRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range refs {
		if c, ok := s.chunks[r]; ok {
			s.dropLocked(c)
			delete(s.chunks, r)
		}
	}
}

// dropComputation forgets every result of a computation.
func (s *chunkStore) dropComputation(comp string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for r, c := range s.chunks {
		if r.C == comp {
			s.dropLocked(c)
			delete(s.chunks, r)
		}
	}
}

func (s *chunkStore) dropLocked(c *chunk) {
	if c.val != nil {
		s.held -= c.bytes
	} else {
		s.spilled -= c.bytes
		os.Remove(c.path)
	}
}

// spillLocked writes the least recently used results to disk until memory is under target.
func (s *chunkStore) spillLocked() {
	for s.held > s.target {
		var victim *chunk
		var key taskRef
		for r, c := range s.chunks {
			if c.val != nil && (victim == nil || c.used < victim.used) {
				victim, key = c, r
			}
		}
		if victim == nil || victim.used == s.clock {
			return // nothing but the newest result: keep it
		}
		if err := s.spillOne(key, victim); err != nil {
			return // a full disk: stay in memory, the supervisor guards the limit
		}
	}
}

func (s *chunkStore) spillOne(r taskRef, c *chunk) error {
	if !validID(r.C) || r.T < 0 {
		return fmt.Errorf("spill %v: not a valid task reference", r) // (never a path out of the directory)
	}
	if s.dir == "" {
		dir, err := os.MkdirTemp(s.parent, "darray-worker-spill-*")
		if err != nil {
			return err
		}
		s.dir = dir
	}
	path := filepath.Join(s.dir, fmt.Sprintf("%s-%d", r.C, r.T))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = writeResult(w, c.val)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	c.val, c.path = nil, path
	s.held -= c.bytes
	s.spilled += c.bytes
	return nil
}

func (s *chunkStore) usage() (held, spilled int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held, s.spilled
}

// close removes every spill file.
func (s *chunkStore) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	s.chunks = map[taskRef]*chunk{}
	s.held, s.spilled = 0, 0
}
