// Package graph is darray's computation as data: a high-level graph of layers that stays
// symbolic while an expression is built, and the low-level task graph Lower makes from
// it, which any process can run.
//
// # Layers
//
// A Layer is an array produced by one operation (its LayerOp: Elementwise, Reduce,
// Transpose, Select, Take, Rechunk, Concat, Read from a Source, Gen for random numbers
// and ranges, Blockwise for a user's block function...) from the layers it reads, cut
// into blocks by Chunks (the block lengths along each axis, as dask's chunks). A layer is
// a handful of fields however many blocks it has: an expression over a million blocks is
// built in microseconds, as dask's HighLevelGraph layers are.
//
// # Lowering
//
// Lower turns the layers a result needs into a Graph of Tasks, made on demand from the
// result's blocks backwards (nothing unused is built), fusing chains of element-wise,
// view and generator layers into the task that consumes them, and pushing slices and
// transposes down to the sources as Windows, so that a generator or a file reader makes
// only the elements used. Reductions, sorts, takes and rechunks are task boundaries:
// their blocks are tasks of their own, shared by every consumer. PlanRechunk plans a
// rechunk as stages whose tasks each hold at most a memory budget, as cubed's plans do.
//
// # Tasks are plain data
//
// A Task names its operation by a registered string (Register, or RegisterBlockFunc for a
// function over blocks) and holds its parameters as plain values, registered with
// RegisterType; no closure is in a graph. EncodeGraph and DecodeGraph carry a graph to
// another process or machine, where Execute runs its tasks with the same registered
// operations; a Source travels as the way to open it again (a file and a dataset, a store
// and a path), not as what one process read. Graph.Writes lists where a graph may store
// results, and CheckWrite refuses a task that would write anywhere else.
//
// Package sched runs a Graph in this process, bounded in memory; package cluster runs it
// on workers in other processes and machines.
package graph
