package hdf5

import (
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/darray-go/darray/store"
)

// Soft and external links. A soft link names an object by its path in the same file; an
// external link names a file and a path in it. Walk lists the object a link names at the
// link's path too (a group with everything under it), so that datasets are opened by any
// of their names, as h5py opens them. External files are looked for beside the file that
// links to them, and only there: a name that is absolute or climbs out of that directory,
// or a file in remote storage, is refused with the reason, as for external raw data.

// maxLinkDepth bounds chains of links (a soft link to a soft link..., or external files
// linking on), which a damaged or hostile file could make endless; maxExternalOpens bounds
// the files opened for one listing (a file of many external links to itself would
// otherwise open exponentially many).
const (
	maxLinkDepth     = 8
	maxExternalOpens = 64
)

type pendingLink struct {
	at    string // the link's path
	group string // the path of the group holding it
	link
}

// resolveLinks adds the objects that soft and external links name to the nodes found by
// following hard links.
func (h *File) resolveLinks(nodes []Node, pending []pendingLink) []Node {
	if len(pending) == 0 {
		return nodes
	}
	byPath := map[string]int{}
	for i, n := range nodes {
		byPath[n.Path] = i
	}
	// A soft link may name another link's path: resolve in rounds until none advances.
	for round := 0; round < maxLinkDepth && len(pending) > 0; round++ {
		var waiting []pendingLink
		for _, p := range pending {
			var found []Node
			var err error
			if p.file != "" {
				found, err = h.external(p)
			} else {
				target := p.soft
				if !strings.HasPrefix(target, "/") {
					target = path.Join("/"+p.group, target)
				}
				target = strings.Trim(path.Clean(target), "/")
				i, ok := byPath[target]
				if !ok {
					waiting = append(waiting, p)
					continue
				}
				found = subtree(nodes, nodes[i].Path)
			}
			if err != nil {
				nodes = append(nodes, Node{Path: p.at, Err: err, Attrs: map[string]any{}})
				byPath[p.at] = len(nodes) - 1
				continue
			}
			for _, n := range found {
				rel := strings.TrimPrefix(n.Path, found[0].Path)
				if found[0].Path == "" && rel != "" { // under a link to the root group
					rel = "/" + rel
				}
				n.Path = strings.Trim(p.at+rel, "/")
				if _, exists := byPath[n.Path]; exists {
					continue
				}
				nodes = append(nodes, n)
				byPath[n.Path] = len(nodes) - 1
			}
		}
		if len(waiting) == len(pending) {
			pending = waiting
			break
		}
		pending = waiting
	}
	for _, p := range pending {
		nodes = append(nodes, Node{Path: p.at, Attrs: map[string]any{},
			Err: h5err(h.Path, "soft link /%s names %s, which is not an object of the file", p.at, p.soft)})
	}
	// In the order of the tree: each group followed by what it holds.
	sort.SliceStable(nodes, func(i, j int) bool {
		return slices.Compare(strings.Split(nodes[i].Path, "/"), strings.Split(nodes[j].Path, "/")) < 0
	})
	return nodes
}

// subtree is the node at root and every node under it.
func subtree(nodes []Node, root string) []Node {
	var out []Node
	for _, n := range nodes {
		if n.Path == root {
			out = append([]Node{n}, out...)
		} else if root == "" || strings.HasPrefix(n.Path, root+"/") {
			out = append(out, n)
		}
	}
	return out
}

// external opens the file an external link names and finds the object in it.
func (h *File) external(p pendingLink) ([]Node, error) {
	if strings.HasPrefix(p.file, "(link type") {
		return nil, h5err(h.Path, "/%s is a user-defined link %s, which darray does not follow", p.at, strings.Trim(p.file, "()"))
	}
	switch {
	case store.IsURL(h.Path):
		return nil, h5err(h.Path, "/%s is an external link to %s:%s, which darray does not follow from a file in remote storage", p.at, p.file, p.soft)
	case filepath.IsAbs(p.file) || !filepath.IsLocal(p.file):
		return nil, h5err(h.Path, "/%s is an external link to %s:%s, outside the HDF5 file's directory, which darray does not read", p.at, p.file, p.soft)
	case h.depth >= maxLinkDepth:
		return nil, h5err(h.Path, "/%s: external links lead on through more than %d files", p.at, maxLinkDepth)
	}
	if h.opened == nil {
		h.opened = new(int)
	}
	if *h.opened >= maxExternalOpens {
		return nil, h5err(h.Path, "/%s: more than %d files opened to follow external links", p.at, maxExternalOpens)
	}
	*h.opened++
	file := filepath.Join(filepath.Dir(h.Path), p.file)
	other, err := Open(file)
	if err != nil {
		return nil, h5err(h.Path, "/%s is an external link to %s:%s: %v", p.at, p.file, p.soft, err)
	}
	defer other.Close()
	other.depth, other.opened = h.depth+1, h.opened
	nodes, err := other.Walk()
	if err != nil {
		return nil, h5err(h.Path, "/%s is an external link to %s:%s: %v", p.at, p.file, p.soft, err)
	}
	target := strings.Trim(path.Clean("/"+p.soft), "/")
	found := subtree(nodes, target)
	if len(found) == 0 || found[0].Path != target {
		return nil, h5err(h.Path, "/%s is an external link to %s:%s, which is not an object of that file", p.at, p.file, p.soft)
	}
	return found, nil
}
