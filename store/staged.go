package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A StagedArray is a Zarr array being written beside the one it will replace: readers of
// the array's path see the old array, whole, until Publish swaps the new one in, whole.
// A write that fails or is killed leaves the old array as it was and the new one's chunks
// in the staging directory, which a later write of the same array (same metadata) with
// resume continues; nothing else does.
//
// The staging directory is a hidden sibling of the array (".name.darray-partial") holding
// a marker file with the new array's metadata: the proof that the chunks in it were
// written by a darray write of exactly this array, and not left by something else.
type StagedArray struct {
	Target  string // the array's directory
	Staging string // where the new array is written
}

const stagingMarker = ".darray-partial"

// isStaging reports whether a directory name is that of a staged array or of an old one
// being removed.
func isStaging(name string) bool {
	return strings.HasPrefix(name, ".") && (strings.HasSuffix(name, ".darray-partial") || strings.HasSuffix(name, ".darray-old"))
}

// StageArray prepares the staging directory of the array at arrayPath of the directory
// store root, for an array whose metadata document (.zarray or zarr.json, as written) is
// meta. With resume, a staging directory left by an interrupted write of the same metadata
// is kept, chunks and all; any other (different metadata, no marker, or resume not asked
// for) is removed and started afresh. The caller writes the array's metadata and chunks
// into Staging as into a new store, with path "".
func StageArray(root, arrayPath string, meta []byte, resume bool) (*StagedArray, error) {
	target := root
	if arrayPath != "" {
		var err error
		if target, err = (Dir{Root: root}).path(arrayPath); err != nil {
			return nil, err
		}
	}
	target, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	s := &StagedArray{Target: target, Staging: filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".darray-partial")}
	if resume {
		if marker, err := os.ReadFile(filepath.Join(s.Staging, stagingMarker)); err == nil && bytes.Equal(marker, meta) {
			return s, nil
		}
	}
	if err := os.RemoveAll(s.Staging); err != nil {
		return nil, fmt.Errorf("removing an earlier partial write: %w", err)
	}
	if err := os.MkdirAll(s.Staging, 0o777); err != nil {
		return nil, err
	}
	if err := (Dir{Root: s.Staging}).Set(stagingMarker, meta); err != nil {
		return nil, err
	}
	return s, nil
}

// Has reports whether the staged array already holds the chunk (or shard) at key.
func (s *StagedArray) Has(key string) bool {
	p, err := Dir{Root: s.Staging}.path(key)
	if err != nil {
		return false
	}
	_, err = os.Lstat(p)
	return err == nil
}

// Publish makes the staged array the array at Target: every file and directory of it is
// synced, the marker removed, and the staging directory swapped with the old array in one
// rename (renameat2 with RENAME_EXCHANGE) before the old one is removed. Where the file
// system cannot exchange, the old array is renamed aside first, so a crash between the
// two renames leaves no array at Target (and the old one beside it) rather than a mix.
func (s *StagedArray) Publish() error {
	if err := os.Remove(filepath.Join(s.Staging, stagingMarker)); err != nil {
		return err
	}
	if err := syncTree(s.Staging); err != nil {
		return fmt.Errorf("syncing %s: %w", s.Staging, err)
	}
	parent := filepath.Dir(s.Target)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return err
	}
	old := filepath.Join(parent, "."+filepath.Base(s.Target)+".darray-old")
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	switch _, err := os.Lstat(s.Target); {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(s.Staging, s.Target); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		err := unix.Renameat2(unix.AT_FDCWD, s.Staging, unix.AT_FDCWD, s.Target, unix.RENAME_EXCHANGE)
		if err == nil {
			old = s.Staging // the old array is where the new one was
		} else {
			if err := os.Rename(s.Target, old); err != nil {
				return err
			}
			if err := os.Rename(s.Staging, s.Target); err != nil {
				return err
			}
		}
	}
	if err := syncDir(parent); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// syncTree fsyncs every regular file and directory under dir, directories after what
// they hold.
func syncTree(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncDir(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// EnsureGroups writes the group metadata (.zgroup for version 2, zarr.json for version
// 3) of the root and of every group on the way to arrayPath that lacks it: zarr-python and
// xarray open only groups that say they are groups.
func EnsureGroups(kv KV, arrayPath string, version int) error {
	key, doc := ".zgroup", "{\n    \"zarr_format\": 2\n}"
	if version == 3 {
		key, doc = "zarr.json", `{"zarr_format": 3, "node_type": "group", "attributes": {}}`
	}
	parts := strings.Split(strings.Trim(arrayPath, "/"), "/")
	for i := range parts { // the root, then each parent group of the array
		groupKey := joinKey(strings.Join(parts[:i], "/"), key)
		if _, err := kv.Get(groupKey); !errors.Is(err, ErrNotFound) {
			if err != nil {
				return err
			}
			continue
		}
		if err := kv.Set(groupKey, []byte(doc)); err != nil {
			return err
		}
	}
	return nil
}
