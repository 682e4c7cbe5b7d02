package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

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
//
// In object storage (a URL store) nothing can be renamed: the staging prefix is written the
// same way, and Publish removes the old array, metadata first, copies the new one in
// server-side, metadata last, and then removes the staging objects. Readers see the old
// array, then no array, then the new one, never a mix; a write that dies while publishing
// leaves the staging prefix whole, and the same write with resume publishes it.
type StagedArray struct {
	Target  string // the array's directory, or its URL
	Staging string // where the new array is written

	object *objectStage // set in object storage
}

// objectStage is a staged array in a store without rename.
type objectStage struct {
	kv              KV
	target, staging string // the keys' prefixes in kv
	has             map[string]bool
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
	if IsURL(root) {
		return stageObjects(root, arrayPath, meta, resume)
	}
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
	if s.object != nil {
		return s.object.has[key]
	}
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
	if s.object != nil {
		return s.object.publish()
	}
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
		groupKey := JoinKey(strings.Join(parts[:i], "/"), key)
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

// stageObjects prepares the staging prefix of an array in object storage: a hidden
// sibling of the array, as on disk.
func stageObjects(root, arrayPath string, meta []byte, resume bool) (*StagedArray, error) {
	target := strings.TrimSuffix(root, "/")
	if arrayPath != "" {
		target += "/" + strings.Trim(arrayPath, "/")
	}
	parent, name := splitObject(target)
	if name == "" || !IsURL(parent) || strings.HasSuffix(parent, "://") {
		return nil, fmt.Errorf("%s: an array in object storage needs a path below the bucket", target)
	}
	kv, err := Open(parent)
	if err != nil {
		return nil, err
	}
	o := &objectStage{kv: kv, target: name, staging: "." + name + ".darray-partial", has: map[string]bool{}}
	s := &StagedArray{Target: target, Staging: parent + "/" + o.staging, object: o}
	keys, err := kv.List(o.staging + "/")
	if err != nil {
		return nil, err
	}
	if resume {
		if marker, err := kv.Get(o.staging + "/" + stagingMarker); err == nil && bytes.Equal(marker, meta) {
			for _, k := range keys {
				o.has[strings.TrimPrefix(k, o.staging+"/")] = true
			}
			return s, nil
		}
	}
	if err := eachKey(keys, kv.Delete); err != nil {
		return nil, fmt.Errorf("removing an earlier partial write: %w", err)
	}
	if err := kv.Set(o.staging+"/"+stagingMarker, meta); err != nil {
		return nil, err
	}
	return s, nil
}

// isMetadata reports whether a key of an array is one of its metadata documents.
func isMetadata(key string) bool {
	switch path.Base(key) {
	case ".zarray", ".zattrs", "zarr.json", ".zgroup":
		return true
	}
	return false
}

// publish moves the staged array to the target: old metadata out first, new metadata in
// last, so that no reader ever opens a mix.
func (o *objectStage) publish() error {
	old, err := o.kv.List(o.target + "/")
	if err != nil {
		return err
	}
	var oldMeta, oldData []string
	for _, k := range old {
		if isMetadata(k) {
			oldMeta = append(oldMeta, k)
		} else {
			oldData = append(oldData, k)
		}
	}
	if err := eachKey(oldMeta, o.kv.Delete); err != nil {
		return fmt.Errorf("removing the old array: %w", err)
	}
	if err := eachKey(oldData, o.kv.Delete); err != nil {
		return fmt.Errorf("removing the old array: %w", err)
	}
	staged, err := o.kv.List(o.staging + "/")
	if err != nil {
		return err
	}
	marker := o.staging + "/" + stagingMarker
	var meta, data []string
	for _, k := range staged {
		switch {
		case k == marker:
		case isMetadata(k):
			meta = append(meta, k)
		default:
			data = append(data, k)
		}
	}
	// .zattrs before .zarray, zarr.json alone: the document that makes the array is last.
	sort.Slice(meta, func(i, j int) bool { return meta[i] > meta[j] })
	moveIn := func(k string) error { return copyKey(o.kv, k, o.target+strings.TrimPrefix(k, o.staging)) }
	if err := eachKey(data, moveIn); err != nil {
		return err
	}
	for _, k := range meta {
		if err := moveIn(k); err != nil {
			return err
		}
	}
	if err := eachKey(append(data, meta...), o.kv.Delete); err != nil {
		return err
	}
	return o.kv.Delete(marker)
}

// eachKey runs do on every key, several at once (object stores answer each request
// slowly, many in parallel quickly), and returns the first error.
func eachKey(keys []string, do func(string) error) error {
	const inFlight = 16
	var wg sync.WaitGroup
	var first error
	var mu sync.Mutex
	next := make(chan string)
	for range min(inFlight, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if err := do(k); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, k := range keys {
		next <- k
	}
	close(next)
	wg.Wait()
	return first
}
