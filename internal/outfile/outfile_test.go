package outfile

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// Temporary outputs take their mode from the umask (os.CreateTemp's would be 0600), and
// never replace an existing file.
func TestCreateTempFollowsUmask(t *testing.T) {
	dir := t.TempDir()
	for umask, want := range map[int]os.FileMode{0o022: 0o644, 0o027: 0o640, 0o077: 0o600} {
		old := syscall.Umask(umask)
		f, err := CreateTemp(dir, ".out.tmp-")
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		st, err := os.Stat(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("umask %03o: mode %v, want %v", umask, st.Mode().Perm(), want)
		}
		if !strings.HasPrefix(st.Name(), ".out.tmp-") {
			t.Errorf("name %q lacks its prefix", st.Name())
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files, want 3 distinct ones", len(entries))
	}
}
