// Package toolbin finds the programs tests run beside darray (S3 and Azure emulators):
// at the path an environment variable names, in this module's tools directory (where
// .ci/run installs them), in /opt/darray-tools, or on PATH.
package toolbin

import (
	"os"
	"os/exec"
	"path/filepath"
)

// Find returns the program's path, or "" when it is nowhere: env names the variable that
// may give it, rel its path under the module's root (tools/NAME/node_modules/.bin/BIN),
// bin its name.
func Find(env, rel, bin string) string {
	candidates := []string{os.Getenv(env)}
	if dir, err := os.Getwd(); err == nil {
		for ; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				candidates = append(candidates, filepath.Join(dir, rel))
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	candidates = append(candidates, filepath.Join("/opt/darray-tools/node_modules/.bin", bin))
	for _, p := range candidates {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	p, _ := exec.LookPath(bin)
	return p
}
