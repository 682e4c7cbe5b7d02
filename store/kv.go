package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/darray-go/darray/internal/outfile"
)

// KV is the small storage interface the chunked formats are written against, as
// zarr-python's store: keys are slash-separated names, values are bytes. A directory
// implements it here; object stores can implement it without touching the format code.
type KV interface {
	Get(key string) ([]byte, error)                    // ErrNotFound when absent
	GetRange(key string, off, n int64) ([]byte, error) // n bytes from off
	Set(key string, value []byte) error                // whole and atomic: readers see the old value or the new
	List(prefix string) ([]string, error)              // keys under prefix, sorted
	Delete(key string) error                           // absent keys are not an error
}

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("key not found")

// Dir is a KV over a directory tree. Symbolic links inside the tree are followed as long
// as they lead to somewhere inside it: a store cannot make darray read or write files
// elsewhere, unless FollowLinks allows it.
type Dir struct {
	Root        string
	FollowLinks bool // follow symbolic links out of Root too
}

func (d Dir) path(key string) (string, error) {
	clean := filepath.Clean("/" + key)
	if strings.Contains(key, "..") || clean == "/" {
		return "", fmt.Errorf("invalid key %q", key)
	}
	p := filepath.Join(d.Root, filepath.FromSlash(clean[1:]))
	if !d.FollowLinks {
		if err := d.within(p); err != nil {
			return "", err
		}
	}
	return p, nil
}

// within checks that p, with every symbolic link on its way resolved, is inside the
// store. Most stores have no links: the parts of p below the root are looked at, and
// only if one is a link is the whole path resolved.
func (d Dir) within(p string) error {
	rel, err := filepath.Rel(d.Root, p)
	if err != nil {
		return err
	}
	q := d.Root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		q = filepath.Join(q, part)
		st, err := os.Lstat(q)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing further exists to lead anywhere
		}
		if err != nil {
			return err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return d.resolvesInside(p)
		}
	}
	return nil
}

// resolvesInside resolves the deepest existing part of p and checks it is under the root.
func (d Dir) resolvesInside(p string) error {
	root, err := filepath.EvalSymlinks(d.Root)
	if err != nil {
		return err
	}
	for q := p; ; {
		real, err := filepath.EvalSymlinks(q)
		if err == nil {
			if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
				return fmt.Errorf("%s: a symbolic link leads out of the store %s (to %s)", p, d.Root, real)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		parent := filepath.Dir(q)
		if parent == q {
			return nil
		}
		q = parent
	}
}

func (d Dir) Get(key string) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p, ErrNotFound)
	}
	return b, err
}

// ReadRange fills buf with the bytes of key from off (readers use it to read straight
// into arrays).
func (d Dir) ReadRange(key string, off int64, buf []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", p, ErrNotFound)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.ReadAt(buf, off); err != nil && !(errors.Is(err, io.EOF) && len(buf) == 0) {
		return fmt.Errorf("%s: reading %d bytes at %d: %w", p, len(buf), off, err)
	}
	return nil
}

func (d Dir) GetRange(key string, off, n int64) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("%s: reading %d bytes at %d: %w", p, n, off, err)
	}
	return b, nil
}

// Set writes to a temporary file in the same directory and renames it over the key, so a
// reader sees either the old value or the new one, never a part.
func (d Dir) Set(key string, value []byte) (err error) {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := outfile.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(value); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return os.Rename(tmp.Name(), p)
}

func (d Dir) List(prefix string) ([]string, error) {
	var keys []string
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p != d.Root && isStaging(e.Name()) {
			return filepath.SkipDir // a write in progress (StagedArray) is not part of the store yet
		}
		if e.IsDir() || strings.Contains(e.Name(), ".tmp-") {
			return nil
		}
		rel, _ := filepath.Rel(d.Root, p)
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	sort.Strings(keys)
	return keys, err
}

func (d Dir) Delete(key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// JoinKey is the key of name under path ("" for the store's root).
func JoinKey(path, name string) string {
	if path == "" {
		return name
	}
	return strings.TrimSuffix(path, "/") + "/" + name
}
