package store

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
)

// A location names where data is: a path on this machine, or a URL. http:// and https://
// URLs are read with HTTP; other schemes (s3://, ...) are opened by the Opener registered
// for them, as image formats register with package image: package store/s3 registers
// s3:// when a program imports it, so that the cloud client's dependencies weigh only on
// programs that use them.

// Opener opens the key-value store at a URL of its scheme.
type Opener func(u *url.URL) (KV, error)

var schemes = struct {
	sync.RWMutex
	m map[string]Opener
}{m: map[string]Opener{}}

// RegisterScheme makes Open answer URLs of scheme (lower case, without "://") with open.
// Registering a scheme twice, or http and https, panics.
func RegisterScheme(scheme string, open Opener) {
	schemes.Lock()
	defer schemes.Unlock()
	if scheme == "http" || scheme == "https" || schemes.m[scheme] != nil {
		panic("store: scheme " + scheme + " registered twice")
	}
	schemes.m[scheme] = open
}

// Schemes lists the URL schemes this program opens.
func Schemes() []string {
	schemes.RLock()
	defer schemes.RUnlock()
	out := []string{"http", "https"}
	for s := range schemes.m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// IsURL reports whether location is a URL ("scheme://..."), not a path.
func IsURL(location string) bool {
	i := strings.Index(location, "://")
	if i <= 0 {
		return false
	}
	for j, r := range location[:i] {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// Open is the key-value store at location: a directory (Dir), an http(s) URL (HTTP,
// read-only) or a URL of a registered scheme.
func Open(location string) (KV, error) {
	if !IsURL(location) {
		return Dir{Root: location}, nil
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil, fmt.Errorf("store location %q: %w", location, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "http" || scheme == "https" {
		return HTTP{Base: location}, nil
	}
	schemes.RLock()
	open := schemes.m[scheme]
	schemes.RUnlock()
	if open == nil {
		hint := ""
		if scheme == "s3" {
			hint = " (a Go program adds it with import _ \"github.com/darray-go/darray/store/s3\")"
		}
		return nil, fmt.Errorf("store location %s: this program opens no %s:// URLs, only %s%s", location, scheme, strings.Join(Schemes(), ", "), hint)
	}
	return open(u)
}

// Sizer is a KV that can tell an object's size without reading it.
type Sizer interface {
	Size(key string) (int64, error)
}

// Copier is a KV that can copy an object within itself without moving its bytes through
// this process (object stores copy server-side).
type Copier interface {
	Copy(src, dst string) error
}

// copyKey copies one value, server-side when the store can.
func copyKey(kv KV, src, dst string) error {
	if c, ok := kv.(Copier); ok {
		return c.Copy(src, dst)
	}
	b, err := kv.Get(src)
	if err != nil {
		return err
	}
	return kv.Set(dst, b)
}

// File is an opened file: a local one, or an object read by ranges.
type File interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// OpenFile opens the file at location for reading: a path, or the URL of an object, read
// by ranged requests (HDF5 and netCDF files and .npy in object storage or on a web server).
func OpenFile(location string) (File, error) {
	if !IsURL(location) {
		f, err := os.Open(location)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if !st.Mode().IsRegular() {
			f.Close()
			return nil, fmt.Errorf("%s: not a regular file", location)
		}
		return localFile{f, st.Size()}, nil
	}
	dir, key := splitObject(location)
	kv, err := Open(dir)
	if err != nil {
		return nil, err
	}
	sizer, ok := kv.(Sizer)
	if !ok {
		return nil, fmt.Errorf("%s: this store cannot read files by ranges", location)
	}
	size, err := sizer.Size(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", location, err)
	}
	return &objectFile{kv: kv, key: key, size: size, name: location}, nil
}

// splitObject separates the URL of an object into its directory and its name.
func splitObject(location string) (string, string) {
	u, err := url.Parse(location)
	if err != nil {
		return location, ""
	}
	dir, name := path.Split(u.Path)
	u.Path = strings.TrimSuffix(dir, "/")
	u.RawPath = ""
	return u.String(), name
}

type localFile struct {
	*os.File
	size int64
}

func (f localFile) Size() int64 { return f.size }

// objectFile reads an object by ranges. Small reads (an HDF5 file's headers and B-tree
// nodes, a netCDF header) are served from a few cached blocks of objectBlock bytes, so
// walking a file's metadata costs few requests; large ones (chunks) go straight through.
type objectFile struct {
	kv   KV
	key  string
	name string
	size int64

	mu     sync.Mutex
	blocks map[int64][]byte // by block index
	order  []int64          // oldest first
}

const (
	objectBlock       = 256 << 10
	objectCacheBlocks = 16
)

func (f *objectFile) Size() int64  { return f.size }
func (f *objectFile) Close() error { return nil }

func (f *objectFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: negative offset %d", f.name, off)
	}
	if off >= f.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), f.size-off))
	if n >= objectBlock {
		b, err := f.kv.GetRange(f.key, off, int64(n))
		if err != nil {
			return 0, err
		}
		copy(p, b)
	} else {
		for done := 0; done < n; {
			at := off + int64(done)
			blk, err := f.block(at / objectBlock)
			if err != nil {
				return done, err
			}
			done += copy(p[done:n], blk[at%objectBlock:])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *objectFile) block(i int64) ([]byte, error) {
	f.mu.Lock()
	b, ok := f.blocks[i]
	f.mu.Unlock()
	if ok {
		return b, nil
	}
	start := i * objectBlock
	b, err := f.kv.GetRange(f.key, start, min(objectBlock, f.size-start))
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.blocks == nil {
		f.blocks = map[int64][]byte{}
	}
	if _, ok := f.blocks[i]; !ok {
		if len(f.order) == objectCacheBlocks {
			delete(f.blocks, f.order[0])
			f.order = f.order[1:]
		}
		f.blocks[i] = b
		f.order = append(f.order, i)
	}
	return b, nil
}

// BucketURL splits a scheme://BUCKET/PATH URL of an object store into its bucket (or
// container) and path prefix, refusing users, queries, fragments and . or .. parts: the
// one check of every object-store scheme (what names the bucket: "bucket", "container").
func BucketURL(u *url.URL, what string) (bucket, prefix string, err error) {
	form := fmt.Sprintf("%s://%s/PATH", u.Scheme, strings.ToUpper(what))
	if u.Host == "" {
		return "", "", fmt.Errorf("%s: a %s URL names a %s: %s", u, u.Scheme, what, form)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("%s: a %s URL is %s, with no user, query or fragment (credentials come from the environment)", u, u.Scheme, form)
	}
	prefix = strings.Trim(u.Path, "/")
	for _, part := range strings.Split(prefix, "/") {
		if part == "." || part == ".." {
			return "", "", fmt.Errorf("%s: the path may not hold parts . or .. (it names an object, not a directory to walk)", u)
		}
	}
	return u.Host, prefix, nil
}

// ObjectName is the name of key's object under prefix in an object store (where a store
// is described by where, for errors). Keys come from array paths and chunk coordinates;
// one that is not a plain path (empty parts, . or ..) is refused all the same.
func ObjectName(where fmt.Stringer, prefix, key string) (string, error) {
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." {
			return "", fmt.Errorf("%s: key %q is not a plain path", where, key)
		}
	}
	return JoinKey(prefix, key), nil
}

// ListPrefix is the full name prefix of the keys under prefix of a store at storePrefix.
func ListPrefix(storePrefix, prefix string) string {
	if storePrefix == "" {
		return prefix
	}
	return storePrefix + "/" + prefix
}
