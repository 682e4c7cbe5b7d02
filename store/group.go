package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ZarrNode is an array or a group found in a Zarr v2 store.
type ZarrNode struct {
	Path  string         // "" for the root
	Group bool           // a group (.zgroup), else an array (.zarray)
	Meta  *ZarrMeta      // arrays only
	Attrs map[string]any // .zattrs, if any
	Err   error          // why an array is not readable (a structured dtype, damaged metadata)
}

// ListZarr lists every group and array of a Zarr v2 store, sorted by path. When the store
// has consolidated metadata (.zmetadata, as zarr.consolidate_metadata writes it), that one
// document is read instead of every key.
func ListZarr(kv KV) ([]ZarrNode, error) {
	docs, err := zarrDocuments(kv)
	if err != nil {
		return nil, err
	}
	nodes := map[string]*ZarrNode{}
	node := func(path string) *ZarrNode {
		if n, ok := nodes[path]; ok {
			return n
		}
		n := &ZarrNode{Path: path}
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
			var m ZarrMeta
			if err := json.Unmarshal(raw, &m); err != nil {
				node(dir).Meta, node(dir).Err = &m, zarrMetaError(key, raw, err)
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
	var out []ZarrNode
	for _, n := range nodes {
		if n.Group || n.Meta != nil {
			out = append(out, *n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if len(out) == 0 {
		return nil, fmt.Errorf("no Zarr v2 group or array found (.zgroup, .zarray): %w", ErrNotFound)
	}
	return out, nil
}

// zarrMetaError says why a .zarray does not parse: a structured dtype (a list of fields)
// by name, else the JSON error.
func zarrMetaError(key string, raw []byte, err error) error {
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
func zarrDocuments(kv KV) (map[string]json.RawMessage, error) {
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
	} else if !errors.Is(err, ErrNotFound) {
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
func Consolidate(kv KV) error {
	if err := kv.Delete(".zmetadata"); err != nil {
		return err
	}
	docs, err := zarrDocuments(kv)
	if err != nil {
		return err
	}
	raw, err := json.MarshalIndent(map[string]any{"metadata": docs, "zarr_consolidated_format": 1}, "", "    ")
	if err != nil {
		return err
	}
	return kv.Set(".zmetadata", raw)
}

// ZarrArrays lists the paths of the arrays in a store of either Zarr version.
func ZarrArrays(kv KV) ([]string, error) {
	if _, err := kv.Get("zarr.json"); err == nil {
		keys, err := kv.List("")
		if err != nil {
			return nil, err
		}
		var out []string
		for _, k := range keys {
			if k == "zarr.json" || strings.HasSuffix(k, "/zarr.json") {
				p := strings.TrimSuffix(strings.TrimSuffix(k, "zarr.json"), "/")
				if _, err := OpenZarr3(kv, p); err == nil {
					out = append(out, p)
				}
			}
		}
		return out, nil
	}
	nodes, err := ListZarr(kv)
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
