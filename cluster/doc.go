// Package cluster runs darray's task graphs on many worker processes, on one machine or
// many, coordinated through NATS JetStream.
//
// A Client is a sched.Executor: it schedules one graph at a time onto the workers it hears
// from, publishing only ready tasks, each on the work queue of the worker it picks (the one
// already holding most of the task's inputs, else the least busy). Workers run tasks with
// leases (JetStream's ack wait, kept alive while a task runs), keep results in memory (or
// spilled to their own disk), and hand them to each other and to the client directly over
// HTTP; NATS carries only small messages. Delivery is at least once: results are keyed by
// task and completions counted once. A worker that stops answering costs only time: the
// client sends its queued tasks elsewhere and recomputes, from the graph, the results only
// it held. A LocalCluster starts an embedded NATS server and worker processes on this
// machine; `darray worker --nats URL` joins a cluster from anywhere.
package cluster
