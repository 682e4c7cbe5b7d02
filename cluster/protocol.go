package cluster

import (
	"fmt"
	"time"
)

// ProtocolVersion names the messages client and workers exchange. A worker and a client
// of different versions refuse each other with an error naming both.
const ProtocolVersion = "darray-cluster/2"

// Subjects and JetStream names. Everything sits under one prefix, so that several clusters
// can share a NATS deployment.
type names struct{ prefix string }

func (n names) taskStream() string          { return n.prefix + "_TASKS" }
func (n names) taskSubject(w string) string { return n.prefix + ".task." + w }
func (n names) heartbeats() string          { return n.prefix + ".hb.*" }
func (n names) heartbeat(w string) string   { return n.prefix + ".hb." + w }
func (n names) done(client string) string   { return n.prefix + ".done." + client }
func (n names) release(w string) string     { return n.prefix + ".release." + w }
func (n names) end() string                 { return n.prefix + ".end" }
func (n names) status(w string) string      { return n.prefix + ".status." + w }
func (n names) clientBeat(c string) string  { return n.prefix + ".client." + c }
func (n names) clientBeats() string         { return n.prefix + ".client.*" }
func (n names) graphBucket() string         { return n.prefix + "_GRAPHS" }
func (n names) consumer(w string) string    { return "w-" + w }

// DefaultPrefix is the subject prefix of a cluster when none is given.
const DefaultPrefix = "DARRAY"

// heartbeat is what a worker says of itself, every HeartbeatInterval.
type heartbeat struct {
	Version  string
	ID       string
	Addr     string // its data server, such as "http://127.0.0.1:40123"
	Threads  int
	Limit    int64 // memory limit in bytes
	Held     int64 // bytes of results in memory
	Spilled  int64 // bytes of results on disk
	PeakRSS  int64 // the process's peak resident memory
	Running  []taskRef
	Paused   bool // over its pause fraction: taking no tasks
	Leaving  bool // shutting down: send it nothing more
	Started  time.Time
	Computed int // tasks run since it started
}

// taskRef names one task of one computation.
type taskRef struct {
	C string // computation
	T int    // task index in its graph
}

func (r taskRef) String() string { return fmt.Sprintf("%s/%d", r.C, r.T) }

// taskBatch is one work-queue message: tasks for one worker, published together when
// several are ready at once (one lease, one acknowledgement).
type taskBatch struct {
	V     string // the client's ProtocolVersion
	Tasks []taskMsg
}

// taskMsg asks a worker to run a task.
type taskMsg struct {
	C      string  // computation
	Client string  // where the completion goes
	T      int     // task index
	In     []input // where each dep's result is, in the task's Deps order
}

// input is where a dep's result can be fetched.
type input struct {
	T    int
	From string // worker ID
	Addr string // its data server
}

// doneMsg reports a task's end.
type doneMsg struct {
	C       string
	T       int
	Worker  string
	Bytes   int64
	Start   int64  // when the task started and ended, in Unix nanoseconds (cheaper to
	End     int64  // encode than times)
	Err     string // the task failed
	Missing []int  // deps that could not be fetched (their holder is gone): the task did not run
	// ClientVersion is set on a refusal of a task message of another protocol version: the
	// version that message spoke.
	ClientVersion string `json:",omitempty"`
}

// Every message a client sends the workers (task batches, releases, ends, status
// questions, beats) and the graphs it stores are sealed: signed with the client's key
// (auth.go).

// releaseMsg tells a worker it may drop results.
type releaseMsg struct {
	C     string
	Tasks []int
}

// statusMsg asks a worker about tasks of a computation whose completion has not come:
// it answers with a doneMsg for each it has finished (a completion lost on the way, when
// a NATS server went down, say).
type statusMsg struct {
	C     string
	Tasks []int
}

// endMsg tells every worker a computation is over: drop all its results and its graph.
type endMsg struct{ C string }

// versionError reports a peer speaking another protocol.
func versionError(who, theirs string) error {
	return fmt.Errorf("cluster: %s speaks %q, this program %q: run the same darray version on both sides", who, theirs, ProtocolVersion)
}
