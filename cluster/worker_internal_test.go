package cluster

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/darray-go/darray/nd"
)

// A worker forgets the results of a client it has not heard from for OrphanAfter (a
// client that died never says its computations ended), and keeps those of live clients.
func TestOrphanedResultsDropped(t *testing.T) {
	w := &worker{store: newChunkStore(t.TempDir(), 1<<30), owners: map[string]string{}, seen: map[string]time.Time{},
		ended: map[string]bool{}, cache: map[string]*graphEntry{}}
	a, _ := nd.Arange(nd.Float64, 0, 10, 1)
	w.store.put(taskRef{"gone-1", 0}, a)
	w.store.put(taskRef{"live-1", 0}, a)
	w.owners["gone-1"], w.owners["live-1"] = "gone", "live"
	w.seen["gone"], w.seen["live"] = time.Now().Add(-OrphanAfter-time.Second), time.Now()
	w.dropOrphans()
	if w.store.has(taskRef{"gone-1", 0}) {
		t.Error("a silent client's result is still held")
	}
	if !w.store.has(taskRef{"live-1", 0}) {
		t.Error("a live client's result was dropped")
	}
	if !w.ended["gone-1"] {
		t.Error("late tasks of the orphaned computation would still run")
	}
}

// Results beyond the spill target go to disk, least recently used first, and come back
// the same.
func TestChunkStoreSpills(t *testing.T) {
	s := newChunkStore(t.TempDir(), 1000)
	defer s.close()
	var want []*nd.Array
	for i := range 5 {
		a, _ := nd.Arange(nd.Float64, float64(i), float64(i)+100, 1) // 800 bytes each
		want = append(want, a)
		s.put(taskRef{"c", i}, a)
	}
	held, spilled := s.usage()
	if held > 1000 || spilled != 4*800 {
		t.Errorf("held %d, spilled %d; want at most 1000 in memory and 3200 on disk", held, spilled)
	}
	for i, a := range want {
		v, ok, err := s.get(taskRef{"c", i})
		if !ok || err != nil {
			t.Fatalf("result %d: %v %v", i, ok, err)
		}
		if got := v.(*nd.Array); string(got.Bytes(false)) != string(a.Bytes(false)) {
			t.Errorf("result %d changed on the way to disk and back", i)
		}
	}
	s.dropComputation("c")
	if held, spilled := s.usage(); held != 0 || spilled != 0 {
		t.Errorf("after dropping: held %d, spilled %d", held, spilled)
	}
}

// Results that are not arrays (the byte counts storage writers return) travel too.
func TestOtherResultsTravel(t *testing.T) {
	var buf bytes.Buffer
	if err := writeResult(&buf, int64(4096)); err != nil {
		t.Fatal(err)
	}
	v, err := readResult(&buf, 1<<20, nil)
	if err != nil || v != any(int64(4096)) {
		t.Errorf("read back %v (%T), %v", v, v, err)
	}
}

// A task that comes in while the worker waits for its running tasks (the consumer hands
// over a message as it stops) is refused, never added to the Wait in progress: that was a
// "WaitGroup is reused before previous Wait has returned" panic.
func TestTaskGroupRefusesTasksOnceClosing(t *testing.T) {
	for range 200 {
		var g taskGroup
		var started atomic.Int32
		stop := make(chan struct{})
		var feeders sync.WaitGroup
		for range 4 {
			feeders.Add(1)
			go func() {
				defer feeders.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if g.start() {
						started.Add(1)
						go g.done()
					}
				}
			}()
		}
		time.Sleep(100 * time.Microsecond)
		g.closeAndWait()
		if g.start() {
			t.Fatal("a task started after closeAndWait")
		}
		close(stop)
		feeders.Wait()
	}
}
