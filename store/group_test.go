package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestListZarrTree(t *testing.T) {
	src := filepath.Join("..", "testdata", "zarr", "tree.zarr")
	for _, consolidated := range []bool{true, false} {
		dir := t.TempDir()
		if err := exec.Command("cp", "-r", src+"/.", dir).Run(); err != nil {
			t.Fatal(err)
		}
		if !consolidated {
			os.Remove(filepath.Join(dir, ".zmetadata"))
		}
		nodes, err := ListZarr(Dir{Root: dir})
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			path  string
			group bool
		}{{"", true}, {"b", false}, {"sub", true}, {"sub/a", false}}
		if len(nodes) != len(want) {
			t.Fatalf("consolidated=%v: %d nodes: %+v", consolidated, len(nodes), nodes)
		}
		for i, w := range want {
			if nodes[i].Path != w.path || nodes[i].Group != w.group {
				t.Errorf("node %d is %q group=%v, want %q group=%v", i, nodes[i].Path, nodes[i].Group, w.path, w.group)
			}
		}
		if nodes[3].Attrs["units"] != "m" || nodes[0].Attrs["title"] != "test tree" || nodes[3].Meta.Shape[0] != 10 {
			t.Errorf("attributes or metadata lost: %+v %+v", nodes[0], nodes[3])
		}
		if !consolidated { // write our own consolidated metadata and read it back
			if err := Consolidate(Dir{Root: dir}); err != nil {
				t.Fatal(err)
			}
			again, err := ListZarr(Dir{Root: dir})
			if err != nil || len(again) != 4 {
				t.Errorf("after Consolidate: %v %v", again, err)
			}
		}
	}
}
