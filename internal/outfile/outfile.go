// Package outfile creates the temporary files that darray's outputs are written into
// before a rename publishes them. Unlike os.CreateTemp, whose files are 0600 whatever the
// user's umask, it creates them 0666 minus the umask, as any program writing an output
// does: a group that shares a directory can read what darray wrote there.
package outfile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// CreateTemp creates a new file in dir named prefix followed by random characters, open
// for reading and writing, with mode 0666 less the umask.
func CreateTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf("%s%016x", prefix, rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: os.ErrExist}
}
