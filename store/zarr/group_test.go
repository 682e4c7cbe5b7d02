package zarr

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/darray-go/darray/store"
)

func TestListZarrTree(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "zarr", "tree.zarr")
	for _, consolidated := range []bool{true, false} {
		dir := t.TempDir()
		if err := exec.Command("cp", "-r", src+"/.", dir).Run(); err != nil {
			t.Fatal(err)
		}
		if !consolidated {
			os.Remove(filepath.Join(dir, ".zmetadata"))
		}
		nodes, err := List(store.Dir{Root: dir})
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
			if err := Consolidate(store.Dir{Root: dir}); err != nil {
				t.Fatal(err)
			}
			again, err := List(store.Dir{Root: dir})
			if err != nil || len(again) != 4 {
				t.Errorf("after Consolidate: %v %v", again, err)
			}
		}
	}
}

// TestListingKeepsUnreadableArrays: one array darray cannot read (a structured dtype, as
// pandas and zarr-python write) is listed with the reason; the rest of the store stays
// readable.
func TestListingKeepsUnreadableArrays(t *testing.T) {
	kv := store.Dir{Root: t.TempDir()}
	kv.Set(".zgroup", []byte(`{"zarr_format": 2}`))
	kv.Set("ok/.zarray", []byte(`{"zarr_format": 2, "shape": [3], "chunks": [3], "dtype": "<f8", "compressor": null, "fill_value": 0, "order": "C", "filters": null}`))
	kv.Set("rec/.zarray", []byte(`{"zarr_format": 2, "shape": [3], "chunks": [3], "dtype": [["a", "<f4"], ["b", "<i4"]], "compressor": null, "fill_value": null, "order": "C", "filters": null}`))
	nodes, err := List(kv)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, n := range nodes {
		listed = append(listed, n.Path)
		if n.Path == "rec" && (n.Err == nil || !strings.Contains(n.Err.Error(), `structured dtype [["a","<f4"],["b","<i4"]]`)) {
			t.Errorf("rec: %v, want an error naming the structured dtype", n.Err)
		}
		if n.Path == "ok" && n.Err != nil {
			t.Errorf("ok: %v", n.Err)
		}
	}
	if strings.Join(listed, ",") != ",ok,rec" {
		t.Errorf("listed %q", listed)
	}
	arrays, err := Arrays(kv)
	if err != nil || strings.Join(arrays, ",") != "ok" {
		t.Errorf("readable arrays %v (%v), want ok", arrays, err)
	}
	if _, err := OpenV2(kv, "rec"); err == nil || !strings.Contains(err.Error(), "structured dtype") {
		t.Errorf("opening rec: %v", err)
	}
}
