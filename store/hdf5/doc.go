// Package hdf5 reads HDF5 files (netCDF-4 files among them) in pure Go, without the HDF5
// library, and writes them: new files with one chunked dataset, datasets added to an
// existing file, and datasets grown along an axis (as h5py's resize), crash-safely (see
// edit.go). A Dataset is a graph.Source whose windows read only the chunks they overlap,
// each decompressed by the task that needs it. Every address and size a file gives is
// checked against the file before it is used, and every decoder stops at the size its
// chunk should have: a damaged or hostile file is an error naming the object and the
// reason, never a panic or an allocation the file chose.
package hdf5

// HDF5 files, read in pure Go. Supported: the file layouts HDF5 1.8-1.10 write by default
// and with libver="latest" (h5py's too): superblock versions 0-3, version 1 and 2 object
// headers with continuations, groups as symbol tables (B-tree and local heap), as link
// messages or densely (fractal heap, see btree2.go, fractalheap.go), attributes compact or dense,
// datasets stored contiguous, compact or chunked (version 3 layouts with a B-tree chunk
// index; version 4 with single-chunk, implicit, fixed-array, extensible-array and
// version 2 B-tree indexes), the deflate,
// shuffle, fletcher32 and LZF filters, integers, floats, complex numbers (h5py's {r, i}
// compounds), booleans (h5py's enum), fixed-length strings for attributes. Chunk indexes
// are read once; the chunks themselves are read and decompressed by each task that needs
// them, so decompression runs on every core.

// The structures HDF5 1.10 writes under libver="latest" for things that grow: extensible
// arrays (the chunk index of datasets with one unlimited dimension, extensible.go), version
// 2 B-trees (the chunk index of datasets with several, and the name index of dense groups
// and attribute lists, btree2.go) and fractal heaps (where dense groups keep their link
// messages and dense attribute lists their attribute messages, fractalheap.go). All of
// them are read once, when an index or a group is opened; none is on the path of reading
// chunk data.
