// Command darray computes on huge arrays from the shell: it evaluates NumPy-syntax
// expressions over .npy files and Zarr stores lazily, block by block, in parallel and in
// bounded memory, prints or stores the result, shows what is in a file, draws task graphs
// and converts between formats with new chunks.
//
//	darray demo
//	darray info data.zarr
//	darray eval -i x=data.npy "x[::2].mean(axis=0)"
//	darray graph -o graph.svg "random.random((1000, 1000), chunks=100).sum()"
//	darray convert in.npy out.zarr --chunks 1000,1000
//	darray worker --nats tls://nats.example:4222 --threads 8 --memory-limit 16GB
//	darray demo --cluster tls://nats.example:4222
//
// Exit status: 0 on success, 1 when the computation or a file fails, 2 for usage errors
// (unknown commands or flags, syntax errors, unknown names).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "github.com/darray-go/darray/store/azure" // az:// URLs (Azure Blob Storage)
	_ "github.com/darray-go/darray/store/gcs"   // gs:// URLs (Google Cloud Storage)
	_ "github.com/darray-go/darray/store/s3"    // s3:// URLs for inputs and outputs
)

// usageError marks errors that exit with status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

type command struct {
	name, args, help string
	run              func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "", "run the dask tutorial workflow (random 10000x10000, y = x + x.T, y[::2, 5000:].mean(axis=1)) with timings", runDemo},
		{"info", "PATH", "show what is in a .npy file, a Zarr store, an HDF5 or netCDF file (or at a URL): arrays and groups with shape, dtype, chunks, codecs, attributes and sizes", runInfo},
		{"eval", "[flags] EXPR", "evaluate a NumPy-syntax expression or program over named inputs; print or store the result", runEval},
		{"graph", "[flags] -o FILE EXPR", "draw the task graph of an expression (.dot always; .svg/.png with Graphviz)", runGraph},
		{"convert", "[flags] SRC DST", "copy an array between formats (.npy, Zarr, HDF5) with new chunks, in bounded memory", runConvert},
		{"worker", "--nats URL [flags]", "join a cluster (coordinated through NATS JetStream) and run its tasks", runWorker},
		{"credentials", "DIR", "make a new cluster's secrets: credentials for workers and clients, users for nats-server", runCredentials},
	}
}

func main() {
	// SIGTERM (kill, systemd, a batch system's time limit) cancels like Ctrl-C: outputs
	// written so far and spill files are removed, nothing half-written is left.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command, for tests: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		printHelp(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, new(usageError)):
				fmt.Fprintf(stderr, "darray %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(stderr, "darray %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	fmt.Fprintf(stderr, "darray: unknown command %q%s (run darray help)\n", args[0], suggest(args[0], append(names, "help")))
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "darray computes on huge arrays, block by block, in parallel and in bounded memory.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  darray %-8s %s\n      %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "  darray help [COMMAND]\n\nEvery command takes -h.")
}

// newFlags makes a subcommand's flag set; its errors and help go to stderr.
func newFlags(name, args, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: darray %s %s\n\n%s\n\nFlags:\n", name, args, help)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags placed anywhere among the arguments (Go's flag stops at the
// first positional one; users write flags after paths too).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func formatDuration(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
