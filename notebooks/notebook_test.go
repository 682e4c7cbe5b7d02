package notebooks

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTutorialNotebook executes tutorial.ipynb with jupyter nbconvert and the GoNB kernel
// and checks what it shows: the array's summary table with its chunk picture, the task
// graph as an SVG, the computed result, and no errors.
func TestTutorialNotebook(t *testing.T) {
	jupyter, err := exec.LookPath("jupyter")
	if err != nil {
		t.Skip("jupyter is not installed (Debian: jupyter-nbconvert python3-nbclient jupyter-client): the notebook is not run")
	}
	if _, err := exec.LookPath("gonb"); err != nil {
		t.Skip("GoNB is not installed (bash tools/gonb/install.sh, with its bin directory on PATH): the notebook is not run")
	}
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz is not installed: the notebook's graph cell cannot render")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir() // the notebook's temporary files go here, and must not stay
	// GoNB delivers a cell's displays through the kernel; on a loaded machine one can be
	// lost. A run missing something is made once more (and logged): a notebook that is
	// wrong fails both times.
	var problems []string
	for attempt := 1; attempt <= 2; attempt++ {
		if problems = runNotebook(t, jupyter, repo, tmp); len(problems) == 0 {
			break
		}
		t.Logf("run %d: %s", attempt, strings.Join(problems, "; "))
	}
	for _, p := range problems {
		t.Error(p)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "darray-tutorial-graph*")); len(left) > 0 {
		t.Errorf("the notebook left %v behind", left)
	}
}

// Without DARRAY_REPO the first cell (a shell command GoNB runs) stops and says what to
// set, instead of "go get: exit status 1".
func TestNotebookAsksForItsRepository(t *testing.T) {
	raw, err := os.ReadFile("tutorial.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Source any `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	var command string
	for _, c := range nb.Cells {
		if src := joined(c.Source); strings.HasPrefix(src, "!*") {
			command = strings.TrimPrefix(src, "!*")
			break
		}
	}
	if command == "" {
		t.Fatal("no shell cell in the notebook")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module nb\n\ngo 1.26\n"), 0o644)
	cmd := exec.Command("bash", "-c", command)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DARRAY_REPO=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "set DARRAY_REPO to the path of your darray checkout") {
		t.Errorf("without DARRAY_REPO the first cell gave %v: %s", err, out)
	}
}

// joined flattens a notebook field that is a string or a list of strings.
func joined(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, s := range x {
			if str, ok := s.(string); ok {
				b.WriteString(str)
			}
		}
		return b.String()
	}
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// runNotebook executes the notebook and lists what is wrong with what it shows.
func runNotebook(t *testing.T, jupyter, repo, tmp string) (problems []string) {
	out := filepath.Join(t.TempDir(), "tutorial.out.ipynb")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "notebook", "--execute", "--output", out, "tutorial.ipynb")
	cmd.Env = append(os.Environ(), "DARRAY_REPO="+repo, "TMPDIR="+tmp)
	if log, err := cmd.CombinedOutput(); err != nil {
		return []string{fmt.Sprintf("nbconvert: %v\n%s", err, tail(string(log), 3000))}
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return []string{err.Error()}
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				Type string         `json:"output_type"`
				Data map[string]any `json:"data"`
				Text any            `json:"text"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		return []string{err.Error()}
	}
	var html, text strings.Builder
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == "error" {
				problems = append(problems, "a cell failed: "+joined(o.Data))
			}
			html.WriteString(joined(o.Data["text/html"]))
			text.WriteString(joined(o.Text))
		}
	}
	h := html.String()
	for _, want := range []string{`<table class="darray">`, "(10000, 10000)", "<svg", `<div id="graph">`} {
		if !strings.Contains(h, want) {
			problems = append(problems, fmt.Sprintf("the notebook shows no %q; its printed text ends:\n%s", want, tail(text.String(), 1500)))
		}
	}
	if strings.Count(h, "<svg") < 2 {
		problems = append(problems, fmt.Sprintf("want the chunk picture and the graph: %d SVGs", strings.Count(h, "<svg")))
	}
	if !strings.Contains(text.String(), "z has shape [5000]") {
		problems = append(problems, fmt.Sprintf("the result is not printed: %q", text.String()))
	}
	return problems
}
