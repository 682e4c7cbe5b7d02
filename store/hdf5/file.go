package hdf5

import (
	"errors"
	"fmt"

	"github.com/darray-go/darray/store"
)

// ErrFormat is wrapped by every error about a malformed or unsupported HDF5 file.
var ErrFormat = errors.New("hdf5")

// File is an open HDF5 file.
type File struct {
	Path string

	f        store.File
	size     uint64 // of the file, which every address and length must lie within
	base     uint64
	offsetSz int
	lengthSz int
	root     uint64 // the root group's object header
	depth    int    // how many external links led to this file
	opened   *int   // files opened for external links, shared along a chain of them
}

// Node is a group or dataset.
type Node struct {
	Path     string
	Group    bool
	Dataset  *Dataset // datasets darray can read
	Datatype bool     // a committed (named) datatype, which datasets may share
	Err      error    // why an object is not readable (an unsupported layout, say)
	Attrs    map[string]any
}

func h5err(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
}

// Open opens a file and reads its superblock. Close it when done.
func Open(path string) (*File, error) {
	f, err := store.OpenFile(path)
	if err != nil {
		return nil, err
	}
	h := &File{Path: path, f: f, size: uint64(f.Size())}
	if err := h.readSuperblock(); err != nil {
		f.Close()
		return nil, err
	}
	return h, nil
}

// Close closes the file.
func (h *File) Close() error { return h.f.Close() }

func (h *File) read(addr uint64, n int) ([]byte, error) {
	if n < 0 || n > 64<<20 { // metadata reads: no structure we read is this large
		return nil, h5err(h.Path, "implausible read of %d bytes at %d", n, addr)
	}
	if n > 1<<30 {
		return nil, h5err(h.Path, "implausible read of %d bytes at %d", n, addr)
	}
	b := make([]byte, n)
	if _, err := h.f.ReadAt(b, int64(h.base+addr)); err != nil {
		return nil, h5err(h.Path, "reading %d bytes at %d: %v", n, addr, err)
	}
	return b, nil
}
