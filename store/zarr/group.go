package zarr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/darray-go/darray/store"
)

// Node is an array or a group found in a Zarr v2 store.
type Node struct {
	Path  string         // "" for the root
	Group bool           // a group (.zgroup), else an array (.zarray)
	Meta  *Meta          // arrays only
	Attrs map[string]any // .zattrs, if any
	Err   error          // why an array is not readable (a structured dtype, damaged metadata)
}

// List lists every group and array of a Zarr v2 store, sorted by path. When the store
// has consolidated metadata (.zmetadata, as zarr.consolidate_metadata writes it), that one
// document is read instead of every key.
func List(kv store.KV) ([]Node, error) {
	docs, err := documents(kv)
	if err != nil {
		return nil, err
	}
	nodes := map[string]*Node{}
	node := func(path string) *Node {
		if n, ok := nodes[path]; ok {
			return n
		}
		n := &Node{Path: path}
		nodes[path] = n
		return n
	}
	for key, raw := range docs {
		dir, name := "", key
		if i := strings.LastIndex(key, "/"); i >= 0 {
			dir, name = key[:i], key[i+1:]
		}
		switch name {
		case ".zgroup":
			node(dir).Group = true
		case ".zarray": // an array darray cannot read is listed with the reason
			var m Meta
			if err := json.Unmarshal(raw, &m); err != nil {
				node(dir).Meta, node(dir).Err = &m, metaError(key, raw, err)
				continue
			}
			node(dir).Meta = &m
		case ".zattrs":
			var a map[string]any
			if err := json.Unmarshal(raw, &a); err != nil {
				node(dir).Err = fmt.Errorf("%s: %w", key, err)
				continue
			}
			node(dir).Attrs = a
		}
	}
	var out []Node
	for _, n := range nodes {
		if n.Group || n.Meta != nil {
			out = append(out, *n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if len(out) == 0 {
		return nil, fmt.Errorf("no Zarr v2 group or array found (.zgroup, .zarray): %w", store.ErrNotFound)
	}
	return out, nil
}

// zarrMetaError says why a .zarray does not parse: a structured dtype (a list of fields)
// by name, else the JSON error.
func metaError(key string, raw []byte, err error) error {
	var loose struct {
		DType json.RawMessage `json:"dtype"`
	}
	if json.Unmarshal(raw, &loose) == nil && len(loose.DType) > 0 && loose.DType[0] == '[' {
		var compact bytes.Buffer
		json.Compact(&compact, loose.DType)
		return fmt.Errorf("%s: structured dtype %s is not supported (darray reads arrays of numbers)", key, compact.String())
	}
	return fmt.Errorf("%s: %w", key, err)
}

// zarrDocuments returns every metadata document of the store by key, from .zmetadata when
// present, else by listing the store.
func documents(kv store.KV) (map[string]json.RawMessage, error) {
	if raw, err := kv.Get(".zmetadata"); err == nil {
		var c struct {
			Metadata map[string]json.RawMessage `json:"metadata"`
			Format   int                        `json:"zarr_consolidated_format"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf(".zmetadata: %w", err)
		}
		if c.Format != 1 {
			return nil, fmt.Errorf(".zmetadata: zarr_consolidated_format %d is not supported", c.Format)
		}
		return c.Metadata, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	keys, err := kv.List("")
	if err != nil {
		return nil, err
	}
	docs := map[string]json.RawMessage{}
	for _, k := range keys {
		base := k[strings.LastIndex(k, "/")+1:]
		if base == ".zgroup" || base == ".zarray" || base == ".zattrs" {
			raw, err := kv.Get(k)
			if err != nil {
				return nil, err
			}
			docs[k] = raw
		}
	}
	return docs, nil
}

// Consolidate writes .zmetadata: every metadata document of the store in one, so readers
// of stores with many arrays (or on object storage) need one request.
func Consolidate(kv store.KV) error {
	if err := kv.Delete(".zmetadata"); err != nil {
		return err
	}
	docs, err := documents(kv)
	if err != nil {
		return err
	}
	raw, err := json.MarshalIndent(map[string]any{"metadata": docs, "zarr_consolidated_format": 1}, "", "    ")
	if err != nil {
		return err
	}
	return kv.Set(".zmetadata", raw)
}

// Arrays lists the paths of the arrays in a store of either Zarr version.
func Arrays(kv store.KV) ([]string, error) {
	if _, err := kv.Get("zarr.json"); err == nil {
		keys, err := kv.List("")
		if err != nil {
			return nil, err
		}
		var out []string
		for _, k := range keys {
			if k == "zarr.json" || strings.HasSuffix(k, "/zarr.json") {
				p := strings.TrimSuffix(strings.TrimSuffix(k, "zarr.json"), "/")
				if _, err := OpenV3(kv, p); err == nil {
					out = append(out, p)
				}
			}
		}
		return out, nil
	}
	nodes, err := List(kv)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes {
		if !n.Group && n.Err == nil {
			out = append(out, n.Path)
		}
	}
	return out, nil
}
