//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package hdf5

import (
	"os"
	"syscall"
)

// lockFile takes the exclusive advisory lock the HDF5 library (1.10 and later) takes on a
// file it opens for writing, and a shared one for reading: an edit fails at once, rather
// than tear the file, while h5py or another darray has the file open.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func unlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
