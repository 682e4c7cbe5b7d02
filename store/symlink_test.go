package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A directory store follows symbolic links only as far as its own tree: a chunk or a
// directory linked to somewhere outside is refused, for reading and for writing (a
// hostile store could otherwise read a user's files into an array, or write over them);
// FollowLinks allows it.
func TestDirStoreStaysInside(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "store.zarr")
	outside := filepath.Join(tmp, "secret")
	if err := os.MkdirAll(filepath.Join(root, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, []byte("private bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(tmp, "elsewhere"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"a/0": outside, "a/1": filepath.Join(root, "a", "real"), "b": filepath.Join(tmp, "elsewhere")}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	d := Dir{Root: root}
	if err := d.Set("a/real", []byte("inside")); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Get("a/1"); err != nil || string(got) != "inside" {
		t.Errorf("a link inside the store: %q, %v", got, err)
	}
	for _, read := range []func() error{
		func() error { _, err := d.Get("a/0"); return err },
		func() error { _, err := d.GetRange("a/0", 0, 4); return err },
		func() error { return d.ReadRange("a/0", 0, make([]byte, 4)) },
	} {
		if err := read(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("reading through a link out of the store: %v, want a refusal", err)
		}
	}
	if err := d.Set("b/0", []byte("planted")); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("writing through a link out of the store: %v, want a refusal", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(tmp, "elsewhere")); len(entries) != 0 {
		t.Errorf("the refused write left %d files outside the store", len(entries))
	}
	if got, err := (Dir{Root: root, FollowLinks: true}).Get("a/0"); err != nil || !bytes.Equal(got, []byte("private bytes")) {
		t.Errorf("with FollowLinks: %q, %v", got, err)
	}
}

// TestListingSkipsStagedWrites: a write in progress beside an array (StagedArray) is not
// listed as part of the store, so group listings and consolidation never see it.
func TestListingSkipsStagedWrites(t *testing.T) {
	root := t.TempDir()
	kv := Dir{Root: root}
	if err := kv.Set("g/a/.zarray", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	s, err := StageArray(root, "g/a", []byte("meta"), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := (Dir{Root: s.Staging}).Set(".zarray", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	keys, err := kv.List("")
	if err != nil || len(keys) != 1 || keys[0] != "g/a/.zarray" {
		t.Fatalf("List = %v, %v; want only g/a/.zarray", keys, err)
	}
}
