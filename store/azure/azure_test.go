package azure

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray"
	"github.com/darray-go/darray/internal/aztest"
	"github.com/darray-go/darray/internal/faultnet"
	"github.com/darray-go/darray/store"
)

func open(t *testing.T, location string) store.KV {
	t.Helper()
	kv, err := store.Open(location)
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

func TestStoreRoundTrip(t *testing.T) {
	aztest.Start(t)
	if err := CreateContainer("data"); err != nil {
		t.Fatal(err)
	}
	if err := CreateContainer("data"); err != nil {
		t.Fatalf("creating it again: %v", err)
	}
	kv := open(t, "az://data/some/prefix")
	if kv.(Store) != (Store{Container: "data", Prefix: "some/prefix"}) {
		t.Fatalf("opened %#v", kv)
	}
	value := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	for _, k := range []string{"a/.zarray", "a/0.0", "a/0.1", "b", "a b/c"} {
		if err := kv.Set(k, append([]byte(k), value...)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := kv.Get("a/0.1")
	if err != nil || !bytes.Equal(got, append([]byte("a/0.1"), value...)) {
		t.Fatalf("Get: %d bytes, %v", len(got), err)
	}
	part, err := kv.GetRange("a b/c", 5+123_457, 1000)
	if err != nil || !bytes.Equal(part, value[123_457:124_457]) {
		t.Fatalf("GetRange: %q, %v", part, err)
	}
	if size, err := kv.(store.Sizer).Size("b"); err != nil || size != int64(1+len(value)) {
		t.Fatalf("Size: %d, %v", size, err)
	}
	keys, err := kv.List("a/")
	if err != nil || !slices.Equal(keys, []string{"a/.zarray", "a/0.0", "a/0.1"}) {
		t.Fatalf("List(a/): %q, %v", keys, err)
	}
	if err := kv.(store.Copier).Copy("a b/c", "copied/c"); err != nil {
		t.Fatal(err)
	}
	if got, err := kv.Get("copied/c"); err != nil || !bytes.Equal(got, append([]byte("a b/c"), value...)) {
		t.Fatalf("copy: %d bytes, %v", len(got), err)
	}
	if err := kv.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if err := kv.Delete("never-there"); err != nil {
		t.Fatalf("deleting an absent key: %v", err)
	}
	if _, err := kv.Get("b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a deleted key: %v", err)
	}
	all, err := kv.List("")
	if err != nil || !slices.Equal(all, []string{"a b/c", "a/.zarray", "a/0.0", "a/0.1", "copied/c"}) {
		t.Fatalf("List: %q, %v", all, err)
	}
	if other, err := open(t, "az://data/some").List("prefix2"); err != nil || len(other) != 0 {
		t.Fatalf("List outside: %q, %v", other, err)
	}
}

func TestBadLocationsAndKeys(t *testing.T) {
	for _, loc := range []string{"az://", "az:///path", "az://c/x/../y", "az://c/p?sv=2020", "az://user@c/p"} {
		if _, err := store.Open(loc); err == nil {
			t.Errorf("%s opened", loc)
		}
	}
	kv := Store{Container: "c", Prefix: "p"}
	for _, k := range []string{"../x", "a//b", "", "a/./b"} {
		if _, err := kv.Get(k); err == nil || !strings.Contains(err.Error(), "not a plain path") {
			t.Errorf("key %q: %v", k, err)
		}
	}
}

func TestErrorsNameTheCause(t *testing.T) {
	srv := aztest.Start(t)
	if err := CreateContainer("data"); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, "az://missing/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), `container "missing" does not exist`) {
		t.Errorf("missing container: %v", err)
	}
	if _, err := open(t, "az://data/x").Get("absent"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "az://data/x/absent") {
		t.Errorf("missing key: %v", err)
	}
	if err := open(t, "az://data/x").Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// A key that signs wrongly: Azurite checks Shared Key signatures as Azure does.
	wrong := "AAAA" + aztest.Key[4:]
	aztest.Use(t, srv.Endpoint, wrong)
	_, err = open(t, "az://data/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") || strings.Contains(err.Error(), wrong) {
		t.Errorf("wrong key: %v", err)
	}
	// No account at all.
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	if _, err := open(t, "az://data/x").Get("k"); err == nil || !strings.Contains(err.Error(), "AZURE_STORAGE_ACCOUNT") {
		t.Errorf("no account: %v", err)
	}
}

func TestCutAnswersAreRetried(t *testing.T) {
	srv := aztest.Start(t)
	if err := CreateContainer("data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "az://data")
	value := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 300_000)
	if err := kv.Set("big", value); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.Endpoint)
	aztest.Use(t, faultnet.CutProxy(t, u.Host, 2)+u.Path, aztest.Key)
	got, err := kv.Get("big")
	if err != nil || !bytes.Equal(got, value) {
		t.Fatalf("after two cut answers: %d bytes, %v", len(got), err)
	}
	saved := store.MaxObject
	store.MaxObject = 1 << 20
	defer func() { store.MaxObject = saved }()
	if _, err := kv.Get("big"); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("a blob past MaxObject: %v", err)
	}
}

func TestStoppedServerFailsPromptly(t *testing.T) {
	srv := aztest.Start(t)
	if err := CreateContainer("data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "az://data")
	if err := kv.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	done := make(chan error, 1)
	go func() { _, err := kv.Get("k"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "az://data/k") {
			t.Fatalf("read from a stopped server: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("a read from a stopped server hangs")
	}
}

// TestArraysInAzure: Zarr v2 and v3 (sharded) written to and read from az:// URLs, an
// HDF5 file read by byte ranges, each under a random chunking, equal to the values.
func TestArraysInAzure(t *testing.T) {
	aztest.Start(t)
	if err := CreateContainer("arrays"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	x := darray.NewRNG(18).Normal(0, 1, []int{60, 40}, darray.ChunkSize(16, 15))
	want, err := x.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []darray.ZarrOptions{{Compressor: "zstd"}, {Version: 3, Shards: []int{32, 30}, Compressor: "gzip"}} {
		if err := darray.ToZarr(ctx, x, "az://arrays/store.zarr", "x", opts); err != nil {
			t.Fatal(err)
		}
		got, err := darray.FromZarr("az://arrays/store.zarr", "x", darray.ChunkSize(7, 9)).Compute(ctx)
		if err != nil || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
			t.Fatalf("Zarr %+v in Azure: %v", opts, err)
		}
	}
	path := t.TempDir() + "/x.h5"
	if err := darray.ToHDF5(ctx, x, path, "/x", darray.HDF5Options{Chunks: []int{16, 15}, Gzip: 1}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := open(t, "az://arrays").Set("files/x.h5", raw); err != nil {
		t.Fatal(err)
	}
	got, err := darray.FromHDF5("az://arrays/files/x.h5", "/x", darray.ChunkSize(11, 13)).Compute(ctx)
	if err != nil || !bytes.Equal(got.Bytes(false), want.Bytes(false)) {
		t.Fatalf("HDF5 in Azure: %v", err)
	}
	if _, err := darray.FromHDF5("az://arrays/files/none.h5", "/x", darray.ChunkSpec{}).Compute(ctx); err == nil || !strings.Contains(err.Error(), "az://arrays/files/none.h5") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestEntraIDWhereTheMachineHasIt: an account without a key or SAS token uses Microsoft
// Entra ID when a service principal, workload or managed identity is in the environment
// or the Azure CLI is signed in, and goes unauthenticated otherwise.
func TestEntraIDWhereTheMachineHasIt(t *testing.T) {
	for _, name := range []string{"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		t.Setenv(name, "")
	}
	dir := t.TempDir()
	t.Setenv("AZURE_CONFIG_DIR", dir)
	if entraID() {
		t.Fatal("Entra ID chosen with no credentials anywhere")
	}
	t.Setenv("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000000")
	if !entraID() {
		t.Fatal("a service principal in the environment is not used")
	}
	t.Setenv("AZURE_CLIENT_ID", "")
	if err := os.WriteFile(filepath.Join(dir, "azureProfile.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !entraID() {
		t.Fatal("a signed-in Azure CLI is not used")
	}
	// The client is then a token client: it asks for a token before anything else.
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	t.Setenv("AZURE_STORAGE_ACCOUNT", "nosuchaccount")
	t.Setenv("AZURE_STORAGE_KEY", "")
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "")
	if _, err := newClient(); err != nil {
		t.Fatalf("a client with Entra ID credentials: %v", err)
	}
}
