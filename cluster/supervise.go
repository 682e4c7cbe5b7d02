package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Supervisor keeps a worker process running, as dask's nanny: it starts the process,
// starts it again when it exits, and kills it when its resident memory passes the limit
// (so that it is started again, fresh). A process that keeps dying soon after it starts
// is started again after longer and longer pauses (up to 10 s). Each start gets a spill
// directory of its own, removed when the process has exited, however it ended. When the
// context ends it asks the process to stop (SIGTERM: the worker finishes its running
// tasks) and kills it if it has not within StopWait.
type Supervisor struct {
	// Command makes the command to start (each start a new one), given its spill
	// directory.
	Command     func(spillDir string) *exec.Cmd
	SpillDir    string        // where the starts' spill directories go ("" is os.TempDir())
	MemoryLimit int64         // bytes of resident memory; 0: not watched
	StopWait    time.Duration // 0 is 5 s
	// Optional: called when a process starts and after it exits.
	Started func(*os.Process)
	Exited  func(*os.Process)
}

// Run supervises until ctx ends and the process has stopped.
func (s *Supervisor) Run(ctx context.Context) {
	if s.StopWait <= 0 {
		s.StopWait = 5 * time.Second
	}
	pause := minRestartPause
	for ctx.Err() == nil {
		spill, err := os.MkdirTemp(s.SpillDir, "darray-worker-*")
		if err != nil {
			fmt.Fprintln(os.Stderr, "darray supervisor: spill directory:", err)
			sleep(ctx, maxRestartPause)
			continue
		}
		cmd := s.Command(spill)
		if cmd.Stdout == nil {
			cmd.Stdout = os.Stderr
		}
		if cmd.Stderr == nil {
			cmd.Stderr = os.Stderr
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // it dies with us
		if err := cmd.Start(); err != nil {
			os.RemoveAll(spill)
			fmt.Fprintln(os.Stderr, "darray supervisor: start worker:", err)
			sleep(ctx, maxRestartPause)
			continue
		}
		started := time.Now()
		if s.Started != nil {
			s.Started(cmd.Process)
		}
		exited := make(chan struct{})
		go s.watch(ctx, cmd.Process, exited)
		cmd.Wait()
		close(exited)
		os.RemoveAll(spill)
		if s.Exited != nil {
			s.Exited(cmd.Process)
		}
		if time.Since(started) > healthyRun {
			pause = minRestartPause
		} else {
			pause = min(2*pause, maxRestartPause)
		}
		sleep(ctx, pause)
	}
}

// Restarts back off: a process that ran for less than healthyRun waits twice as long as
// the last before it is started again.
const (
	minRestartPause = 100 * time.Millisecond
	maxRestartPause = 10 * time.Second
	healthyRun      = 10 * time.Second
)

// watch kills the process when it passes the memory limit, and stops it when ctx ends.
func (s *Supervisor) watch(ctx context.Context, p *os.Process, exited chan struct{}) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-exited:
			return
		case <-ctx.Done():
			p.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(s.StopWait):
				p.Kill()
			}
			return
		case <-t.C:
			if rss, ok := residentBytes(p.Pid); ok && s.MemoryLimit > 0 && rss > s.MemoryLimit {
				fmt.Fprintf(os.Stderr, "darray supervisor: worker %d holds %d bytes, over its limit of %d: restarting it\n", p.Pid, rss, s.MemoryLimit)
				p.Kill()
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// residentBytes reads a process's resident set size from /proc.
func residentBytes(pid int) (int64, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(raw))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize()), err == nil
}
