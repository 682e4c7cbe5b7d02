package hdf5

import (
	"bytes"
	"io"

	"github.com/darray-go/darray/store"
)

var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// signatureAt finds the HDF5 signature where the format allows it: at 0, or after a user
// block of 512, 1024, 2048... bytes. It is -1 when the file has none.
func signatureAt(f io.ReaderAt, size int64) int64 {
	var sig [8]byte
	for off := int64(0); off+8 <= size; off = max(512, 2*off) {
		if _, err := f.ReadAt(sig[:], off); err != nil {
			return -1
		}
		if bytes.Equal(sig[:], signature) {
			return off
		}
	}
	return -1
}

// Is reports whether the file at path is an HDF5 file (netCDF-4, MATLAB v7.3, AnnData
// and others are), by its signature, whatever its name.
func Is(path string) bool {
	f, err := store.OpenFile(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return signatureAt(f, f.Size()) >= 0
}

func (h *File) readSuperblock() error {
	at := signatureAt(h.f, int64(h.size))
	if at < 0 {
		return h5err(h.Path, "not an HDF5 file (no signature)")
	}
	var hdr [16]byte
	if _, err := h.f.ReadAt(hdr[:], at+8); err != nil {
		return h5err(h.Path, "truncated superblock")
	}
	version := hdr[0]
	switch version {
	case 0, 1:
		// version, free-space, root entry and shared-header versions, sizes, reserved,
		// then the B-tree K values and flags (and, in version 1, the chunk B-tree K).
		h.offsetSz, h.lengthSz = int(hdr[5]), int(hdr[6])
		if err := h.checkSizes(); err != nil {
			return err
		}
		skip := 8
		if version == 1 {
			skip = 12
		}
		rest := make([]byte, skip+6*h.offsetSz+24)
		if _, err := h.f.ReadAt(rest, at+16); err != nil {
			return h5err(h.Path, "truncated superblock")
		}
		r := reader{b: rest[skip:], off: h.offsetSz, len: h.lengthSz}
		r.addr()          // base address: see below
		r.addr()          // free-space info
		r.addr()          // end of file
		r.addr()          // driver info
		r.length()        // root entry: link name offset (a length, as in every symbol table entry)
		h.root = r.addr() // root entry: object header
	case 2, 3:
		h.offsetSz, h.lengthSz = int(hdr[1]), int(hdr[2])
		if err := h.checkSizes(); err != nil {
			return err
		}
		rest := make([]byte, 4*h.offsetSz)
		if _, err := h.f.ReadAt(rest, at+12); err != nil {
			return h5err(h.Path, "truncated superblock")
		}
		r := reader{b: rest, off: h.offsetSz, len: h.lengthSz}
		r.addr() // base address: see below
		r.addr() // superblock extension
		r.addr() // end of file
		h.root = r.addr()
	default:
		return h5err(h.Path, "superblock version %d is not supported", version)
	}
	// Addresses count from the superblock, after any user block (as MATLAB's v7.3 files
	// have); the HDF5 library itself uses the superblock's position when the base address
	// field says otherwise, as tools that prepend a user block leave it.
	h.base = uint64(at)
	return nil
}

func (h *File) checkSizes() error {
	if h.offsetSz != 8 && h.offsetSz != 4 || h.lengthSz != 8 && h.lengthSz != 4 {
		return h5err(h.Path, "sizes of offsets %d and lengths %d are not supported", h.offsetSz, h.lengthSz)
	}
	return nil
}
