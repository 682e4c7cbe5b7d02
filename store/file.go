// Package store reads and writes arrays in files, block by block. A reader is a
// graph.Source: the graph asks it for the elements of any window (a block, a slab, a
// strided slice), and it reads only those bytes, so a computation over part of a huge file
// reads only that part. Writers are registered task operations that put one block where it
// belongs; the files they write appear whole, atomically, only when every block is in.
//
// Formats: NumPy's .npy (NPY) and flat binary files (Raw).
package store

import (
	"fmt"
	"io"
	"os"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/darray-go/darray/npy"
)

// Flat is a file holding an array's elements back to back from Offset: the layout of .npy
// data and of raw binary dumps. It is a graph.Source.
type Flat struct {
	Path      string
	Offset    int64
	DType     nd.DType
	Shape     []int
	BigEndian bool
	Fortran   bool // the first axis varies fastest in the file
	// RecordStride, when set, is the bytes from one index of the first axis to the next
	// (netCDF-3 record variables, whose records interleave with other variables').
	RecordStride int64

	Segments []Segment // when set, the elements' bytes are these runs of other files, in order
}

// Segment is a run of an array's bytes in a file: HDF5's external storage keeps a
// dataset's elements in one or more such runs outside the HDF5 file.
type Segment struct {
	Path   string
	Offset int64
	Size   int64
}

// segmentsReader reads the concatenation of segments as one stream of bytes.
type segmentsReader struct {
	segs  []Segment
	files []*os.File
}

func openSegments(segs []Segment) (*segmentsReader, error) {
	r := &segmentsReader{segs: segs}
	for _, s := range segs {
		f, err := os.Open(s.Path)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.files = append(r.files, f)
	}
	return r, nil
}

// ReadAt reads len(p) bytes from off, across segment boundaries; a short segment file is
// an error naming it.
func (r *segmentsReader) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for i, s := range r.segs {
		if len(p) == done {
			break
		}
		if off >= s.Size {
			off -= s.Size
			continue
		}
		n := int(min(int64(len(p)-done), s.Size-off))
		if got, err := r.files[i].ReadAt(p[done:done+n], s.Offset+off); got < n {
			return done + got, fmt.Errorf("%s: external data: %d of %d bytes at offset %d: %v", s.Path, got, n, s.Offset+off, err)
		}
		done += n
		off = 0
	}
	if done < len(p) {
		return done, fmt.Errorf("external data ends after %d of %d bytes", done, len(p))
	}
	return done, nil
}

func (r *segmentsReader) Close() error {
	for _, f := range r.files {
		f.Close()
	}
	return nil
}

type readerAtCloser interface {
	io.ReaderAt
	io.Closer
}

func (f *Flat) open() (readerAtCloser, error) {
	if f.Segments != nil {
		return openSegments(f.Segments)
	}
	return OpenFile(f.Path)
}

// Raw describes a flat binary file of the given dtype and shape, starting at offset, in
// little-endian byte order unless bigEndian. The file must be large enough.
func Raw(path string, dt nd.DType, shape []int, offset int64, bigEndian bool) (*Flat, error) {
	f := &Flat{Path: path, Offset: offset, DType: dt, Shape: append([]int{}, shape...), BigEndian: bigEndian}
	if !dt.Valid() {
		return nil, fmt.Errorf("%s: invalid dtype %v", path, dt)
	}
	if offset < 0 {
		return nil, fmt.Errorf("%s: negative offset %d", path, offset)
	}
	return f, f.CheckSize()
}

// NPY opens the header of a .npy file and describes its data.
func NPY(path string) (*Flat, error) {
	file, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer file.Close()
	h, err := npy.ReadHeader(io.NewSectionReader(file, 0, file.Size()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f := &Flat{Path: path, Offset: h.DataOffset, DType: h.DType, Shape: h.Shape, BigEndian: h.BigEndian, Fortran: h.FortranOrder}
	return f, f.CheckSize()
}

// size is the extent of the data in the file: from the first element's first byte to the
// last element's last.
func (f *Flat) size() int64 {
	n := int64(f.DType.Size())
	for _, s := range f.Shape {
		if s == 0 {
			return 0
		}
	}
	for d, st := range f.byteStrides() {
		n += int64(f.Shape[d]-1) * st
	}
	return n
}

func (f *Flat) CheckSize() error {
	file, err := OpenFile(f.Path)
	if err != nil {
		return err
	}
	file.Close()
	if need := f.Offset + f.size(); file.Size() < need {
		return fmt.Errorf("%s: file has %d bytes, but %v data of shape %s from offset %d needs %d: truncated or described wrongly",
			f.Path, file.Size(), f.DType, nd.ShapeString(f.Shape), f.Offset, need)
	}
	return nil
}

// EmptyWindow is the result of reading a window with no elements: shaped as the window's
// output (its axes permuted, integer-indexed ones dropped), not as the region it reads.
func EmptyWindow(dt nd.DType, w graph.Window, err error) (*nd.Array, error) {
	if err != nil {
		return nil, err
	}
	return nd.New(dt, w.Shape()...)
}

// contiguous reports whether the window is one run of the file's bytes in the window's
// own order (every step 1, no axes permuted, whole along all axes but the first, C order,
// no interleaved records), and where it starts.
func (f *Flat) contiguous(w graph.Window) (int64, bool) {
	n := len(f.Shape)
	if f.Fortran || f.RecordStride != 0 || len(w.Perm) != n || n == 0 {
		return 0, false
	}
	for d := range n {
		if w.Perm[d] != d || (w.Step[d] != 1 && w.Count[d] > 1) || d > 0 && (w.Start[d] != 0 || w.Count[d] != f.Shape[d]) {
			return 0, false
		}
	}
	return f.Offset + int64(w.Start[0])*f.byteStrides()[0], true
}

// readRun reads a contiguous window with one ReadAt straight into the array's memory.
func (f *Flat) readRun(file readerAtCloser, at int64, w graph.Window) (*nd.Array, error) {
	return nd.FromReader(f.DType, f.BigEndian, w.Count, func(raw []byte) error {
		if got, err := file.ReadAt(raw, at); got < len(raw) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("%s: reading %d bytes at offset %d: got %d: %w (the file is shorter than its header says)", f.Path, len(raw), at, got, err)
		}
		return nil
	})
}

// Describe names the file.
func (f *Flat) Describe() string { return f.Path }

// fileStrides are the element strides of the file's layout.
func (f *Flat) fileStrides() []int {
	n := len(f.Shape)
	st := make([]int, n)
	s := 1
	if f.Fortran {
		for d := 0; d < n; d++ {
			st[d] = s
			s *= max(f.Shape[d], 1)
		}
		return st
	}
	for d := n - 1; d >= 0; d-- {
		st[d] = s
		s *= max(f.Shape[d], 1)
	}
	return st
}

// byteStrides are the byte strides of the file's layout.
func (f *Flat) byteStrides() []int64 {
	size := int64(f.DType.Size())
	st := make([]int64, len(f.Shape))
	for d, s := range f.fileStrides() {
		st[d] = int64(s) * size
	}
	if f.RecordStride > 0 && len(st) > 0 {
		st[0] = f.RecordStride
	}
	return st
}

// maxGap is the largest step along the file's contiguous axis for which reading the whole
// span and skipping beats one read per element.
const maxGap = 16

// Read reads the window's elements: one ReadAt per run along the file's contiguous axis.
func (f *Flat) Read(w graph.Window) (*nd.Array, error) {
	shape := append([]int{}, w.Count...)
	for _, c := range shape {
		if c == 0 { // nothing to read: the window's own shape, permuted
			return EmptyWindow(f.DType, w, nil)
		}
	}
	for d := range shape {
		if w.Start[d] < 0 || w.Start[d] >= f.Shape[d] || w.Start[d]+w.Step[d]*(w.Count[d]-1) < 0 || w.Start[d]+w.Step[d]*(w.Count[d]-1) >= f.Shape[d] {
			return nil, fmt.Errorf("window %v+%v*%v is outside the array of shape %s", w.Start, w.Step, w.Count, nd.ShapeString(f.Shape))
		}
	}
	file, err := f.open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if at, ok := f.contiguous(w); ok {
		return f.readRun(file, at, w)
	}
	out, err := nd.New(f.DType, shape...)
	if err != nil {
		return nil, err
	}
	n := len(shape)
	if n == 0 {
		raw := make([]byte, f.DType.Size())
		if _, err := file.ReadAt(raw, f.Offset); err != nil {
			return nil, fmt.Errorf("%s: reading %d bytes at offset %d: %w", f.Path, len(raw), f.Offset, err)
		}
		a, err := nd.FromBytes(f.DType, raw, f.BigEndian)
		if err != nil {
			return nil, err
		}
		return a.Transpose(w.Perm...)
	}
	bst := f.byteStrides()
	run := n - 1 // the axis whose elements are adjacent in the file
	if f.Fortran {
		run = 0
	}
	size := int64(f.DType.Size())
	adjacent := bst[run] == size // not so along a record axis
	// Visit every combination of the other axes' window positions.
	others := make([]int, 0, n-1)
	for d := range n {
		if d != run {
			others = append(others, d)
		}
	}
	idx := make([]int, n)
	rowIdx := make([]nd.Index, n)
	count, step := w.Count[run], w.Step[run]
	var raw []byte
	for {
		// File position of the run's first (lowest) element.
		pos := int64(0)
		for _, d := range others {
			pos += int64(w.Start[d]+w.Step[d]*idx[d]) * bst[d]
		}
		first := w.Start[run]
		lowest := min(first, first+step*(count-1))
		var row *nd.Array
		if adjacent && abs(step) <= maxGap {
			span := (count-1)*abs(step) + 1
			raw = grow(raw, span*int(size))
			at := f.Offset + pos + int64(lowest)*size
			// (ReadAt may say io.EOF with every byte read, at the very end of the file; a
			// short read is an error: raw still holds the previous row's bytes.)
			if got, err := file.ReadAt(raw, at); got < len(raw) {
				if err == nil || err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, fmt.Errorf("%s: reading %d bytes at offset %d: got %d: %w (the file is shorter than its header says)", f.Path, len(raw), at, got, err)
			}
			whole, err := nd.FromBytes(f.DType, raw, f.BigEndian, span)
			if err != nil {
				return nil, err
			}
			stop := first + step*(count-1) - lowest
			if step < 0 {
				stop = nd.Omit
				if first+step*count-lowest >= 0 {
					stop = first + step*count - lowest
				}
			} else {
				stop++
			}
			if row, err = whole.Index(nd.Slice(first-lowest, stop, step)); err != nil {
				return nil, err
			}
		} else {
			raw = grow(raw, count*int(size))
			for j := range count {
				at := f.Offset + pos + int64(first+step*j)*bst[run]
				if _, err := file.ReadAt(raw[j*int(size):(j+1)*int(size)], at); err != nil {
					return nil, fmt.Errorf("%s: reading %d bytes at offset %d: %w", f.Path, size, at, err)
				}
			}
			if row, err = nd.FromBytes(f.DType, raw, f.BigEndian, count); err != nil {
				return nil, err
			}
		}
		for d := range n {
			if d == run {
				rowIdx[d] = nd.Whole()
			} else {
				rowIdx[d] = nd.Int(idx[d])
			}
		}
		dst, err := out.Index(rowIdx...)
		if err != nil {
			return nil, err
		}
		if err := dst.Assign(row); err != nil {
			return nil, err
		}
		// Next combination.
		k := len(others) - 1
		for ; k >= 0; k-- {
			d := others[k]
			idx[d]++
			if idx[d] < w.Count[d] {
				break
			}
			idx[d] = 0
		}
		if k < 0 {
			break
		}
	}
	return out.Transpose(w.Perm...)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
