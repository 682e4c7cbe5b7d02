package cluster_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/cluster"
)

// interruptedProgram makes the test binary the program of docs/cluster.md: a LocalCluster
// and a long computation on it, until a Ctrl-C.
const interruptedProgram = "DARRAY_TEST_INTERRUPTED_PROGRAM"

func runInterruptedProgram() {
	ctx := context.Background()
	lc, err := cluster.NewLocalCluster(ctx, cluster.LocalOptions{Workers: 2, Dashboard: "off"})
	if err != nil {
		fmt.Println("cluster:", err)
		os.Exit(3)
	}
	defer lc.Close()
	fmt.Println("READY")
	x := darray.NewRNG(42).Random([]int{100000, 100000}, darray.ChunkSize(1000, 1000))
	z := x.Add(x.T()).Index("::2, 50000:").Mean(darray.Axis(1))
	_, err = z.Compute(ctx, darray.WithExecutor(lc.Client()))
	fmt.Println("computed:", err)
	os.Exit(0)
}

// A program using a LocalCluster, interrupted by a Ctrl-C to its process group (as a
// terminal sends it: the workers get it too) at a random point of its computation, ends
// within seconds, every worker with it; several rounds, seeds logged.
func TestCtrlCEndsALocalClusterProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("starts clusters")
	}
	for round := range 3 {
		seed := uint64(time.Now().UnixNano())
		rng := rand.New(rand.NewPCG(seed, uint64(round)))
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), interruptedProgram+"=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		out := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pgid := cmd.Process.Pid
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), "READY") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		delay := time.Duration(rng.Int64N(int64(2 * time.Second)))
		t.Logf("round %d: seed %d, Ctrl-C %v into the computation", round, seed, delay)
		time.Sleep(delay)
		syscall.Kill(-pgid, syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Signal(syscall.SIGQUIT)
			time.Sleep(time.Second)
			syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("round %d: the program still runs 30 s after Ctrl-C:\n%s", round, out.String())
		}
		if strings.Contains(out.String(), "panic") {
			t.Fatalf("round %d: a panic:\n%s", round, out.String())
		}
		// Nothing of the process group is left.
		time.Sleep(200 * time.Millisecond)
		if err := syscall.Kill(-pgid, 0); err == nil {
			syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("round %d: processes of the program's group outlive it:\n%s", round, out.String())
		}
	}
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A computation whose workers all go away, none coming back, fails within WorkerWait
// with an error that says so, instead of waiting forever; a client closed during a
// computation ends it at once.
func TestComputationWithoutWorkersFails(t *testing.T) {
	srv, err := cluster.StartServer(cluster.ServerOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx := context.Background()
	c, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: insecure(srv.URL()), DeadAfter: time.Second, WorkerWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stop := startWorkers(ctx, t, 1, cluster.WorkerOptions{ConnectOptions: insecure(srv.URL()), Threads: 1})
	x := darray.NewRNG(3).Random([]int{100000, 20000}, darray.ChunkSize(1000, 1000))
	long := x.Add(x.T().T()).Mean()
	time.AfterFunc(300*time.Millisecond, stop)
	start := time.Now()
	_, err = long.Compute(ctx, darray.WithExecutor(c))
	if err == nil || !strings.Contains(err.Error(), "no worker") {
		t.Fatalf("a computation whose workers left: %v", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("it took %v to give up", took)
	}

	c2, err := cluster.Connect(ctx, cluster.ClientOptions{ConnectOptions: insecure(srv.URL())})
	if err != nil {
		t.Fatal(err)
	}
	stop = startWorkers(ctx, t, 1, cluster.WorkerOptions{ConnectOptions: insecure(srv.URL()), Threads: 1})
	defer stop()
	time.AfterFunc(500*time.Millisecond, c2.Close)
	done := make(chan error, 1)
	go func() { _, err := long.Compute(ctx, darray.WithExecutor(c2)); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("a computation whose client was closed: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a computation whose client was closed goes on")
	}
}
