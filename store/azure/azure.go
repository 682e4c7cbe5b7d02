// Package azure opens az:// URLs as darray stores: Zarr arrays read and written, HDF5,
// netCDF and .npy files read by byte ranges, in Azure Blob Storage (or Azurite, its
// emulator), through Microsoft's azblob client.
//
// Importing the package registers the scheme with package store:
//
//	import _ "github.com/darray-go/darray/store/azure"
//
//	x := darray.FromZarr("az://container/data.zarr", "temperature", darray.ChunkSpec{})
//
// A URL is az://CONTAINER/PATH, as fsspec's adlfs writes it; the storage account and its
// credentials come from the environment variables the Azure CLI and adlfs read, in this
// order: AZURE_STORAGE_CONNECTION_STRING (which may name another endpoint, as Azurite's
// does); AZURE_STORAGE_ACCOUNT (or AZURE_STORAGE_ACCOUNT_NAME) with AZURE_STORAGE_KEY (or
// AZURE_STORAGE_ACCOUNT_KEY), or with AZURE_STORAGE_SAS_TOKEN; or the account alone, with
// Microsoft Entra ID tokens where the machine has credentials for them (a service principal
// or workload identity in AZURE_CLIENT_ID and the like, a managed identity, or `az login`),
// or unauthenticated for public containers. Nothing of the
// credentials goes into a task graph: a store is its container and prefix, and every
// process that runs tasks reads its own environment.
//
// Every request has a deadline (Timeout), failures that may pass are retried with backoff
// by the client's retry policy, and no blob is read past store.MaxObject bytes.
package azure

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/store"
)

// Store is a key-value store in a container: the key k is the blob Prefix/k. It is plain
// data, so tasks that read or write it can run in any process.
type Store struct {
	Container string
	Prefix    string // no leading or trailing slash
}

// Timeout bounds each request, from sending it to reading the last byte of the answer.
var Timeout = 60 * time.Second

// MaxAttempts is how many times a request is tried before its error is returned.
var MaxAttempts = 5

func init() {
	store.RegisterScheme("az", Open)
	graph.RegisterType(Store{})
}

// Open is the store at an az://container/prefix URL.
func Open(u *url.URL) (store.KV, error) {
	bucket, prefix, err := store.BucketURL(u, "container")
	if err != nil {
		return nil, err
	}
	return Store{Container: bucket, Prefix: prefix}, nil
}

// clients holds one client per configuration seen in this process's environment.
var clients sync.Map // environment snapshot -> func() (*azblob.Client, error)

func client() (*azblob.Client, error) {
	var env strings.Builder
	for _, name := range envNames {
		env.WriteString(os.Getenv(name) + "\x00")
	}
	get, _ := clients.LoadOrStore(env.String(), sync.OnceValues(newClient))
	return get.(func() (*azblob.Client, error))()
}

var envNames = []string{"AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME",
	"AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN"}

// getenv is the first of the variables that is set.
func getenv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

func newClient() (*azblob.Client, error) {
	opts := &azblob.ClientOptions{ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{
		MaxRetries: int32(MaxAttempts - 1), TryTimeout: Timeout, RetryDelay: 100 * time.Millisecond, MaxRetryDelay: 5 * time.Second,
	}}}
	if cs := os.Getenv("AZURE_STORAGE_CONNECTION_STRING"); cs != "" {
		c, err := azblob.NewClientFromConnectionString(cs, opts)
		if err != nil {
			return nil, fmt.Errorf("azure: AZURE_STORAGE_CONNECTION_STRING: %w", err)
		}
		return c, nil
	}
	account := getenv("AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME")
	if account == "" {
		return nil, errors.New("azure: no storage account: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN")
	}
	endpoint := "https://" + account + ".blob.core.windows.net/"
	if key := getenv("AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"); key != "" {
		cred, err := azblob.NewSharedKeyCredential(account, key)
		if err != nil {
			return nil, fmt.Errorf("azure: the account key: %w", err)
		}
		return azblob.NewClientWithSharedKeyCredential(endpoint, cred, opts)
	}
	if sas := os.Getenv("AZURE_STORAGE_SAS_TOKEN"); sas != "" {
		return azblob.NewClientWithNoCredential(endpoint+"?"+strings.TrimPrefix(sas, "?"), opts)
	}
	if entraID() {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure: Microsoft Entra ID credentials: %w", err)
		}
		return azblob.NewClient(endpoint, cred, opts)
	}
	return azblob.NewClientWithNoCredential(endpoint, opts)
}

// entraID reports whether the machine has Microsoft Entra ID credentials for an account
// given without a key or SAS token: a service principal or workload identity in the
// environment (AZURE_CLIENT_ID...), a managed identity's endpoint, or the Azure CLI signed
// in (~/.azure). They are then used as azidentity's DefaultAzureCredential uses them;
// without any, requests go unauthenticated, which public containers answer.
func entraID() bool {
	for _, name := range []string{"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		if os.Getenv(name) != "" {
			return true
		}
	}
	dir := os.Getenv("AZURE_CONFIG_DIR")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return false
		}
		dir = filepath.Join(home, ".azure")
	}
	_, err := os.Stat(filepath.Join(dir, "azureProfile.json"))
	return err == nil
}

func (s Store) blob(key string) (string, error) { return store.ObjectName(s, s.Prefix, key) }

// String is the store's URL.
func (s Store) String() string {
	if s.Prefix == "" {
		return "az://" + s.Container
	}
	return "az://" + s.Container + "/" + s.Prefix
}

// call runs one request under the deadline with the process's client.
func call[T any](s Store, what, key string, do func(context.Context, *azblob.Client) (T, error)) (T, error) {
	var zero T
	c, err := client()
	if err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	v, err := do(ctx, c)
	if err != nil {
		return zero, s.explain(what, key, err)
	}
	return v, nil
}

// explain turns the service's error into one that says what failed, where, and why.
func (s Store) explain(what, key string, err error) error {
	where := s.String() + "/" + key
	if key == "" {
		where = s.String()
	}
	switch {
	case bloberror.HasCode(err, bloberror.BlobNotFound):
		return fmt.Errorf("%s %s: %w", what, where, store.ErrNotFound)
	case bloberror.HasCode(err, bloberror.ContainerNotFound):
		return fmt.Errorf("%s %s: the container %q does not exist", what, where, s.Container)
	case bloberror.HasCode(err, bloberror.AuthenticationFailed, bloberror.AuthorizationFailure, bloberror.InvalidAuthenticationInfo,
		bloberror.AuthorizationPermissionMismatch, bloberror.NoAuthenticationInformation):
		return fmt.Errorf("%s %s: the service refused the credentials; set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN (%s)",
			what, where, shortError(err))
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s %s: no answer within %v", what, where, Timeout)
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("%s %s: %s (HTTP %d)", what, where, re.ErrorCode, re.StatusCode)
	}
	return fmt.Errorf("%s %s: %w", what, where, err)
}

// shortError is the service's error code, without the request dump azcore's errors print.
func shortError(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Sprintf("%s, HTTP %d", re.ErrorCode, re.StatusCode)
	}
	return err.Error()
}

// Get reads the whole blob, or ErrNotFound.
func (s Store) Get(key string) ([]byte, error) {
	return s.get(key, blob.HTTPRange{}, store.MaxObject)
}

// GetRange reads n bytes from off.
func (s Store) GetRange(key string, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || n > store.MaxObject {
		return nil, fmt.Errorf("%s: bad range %d+%d of %s", s, off, n, key)
	}
	if n == 0 {
		return []byte{}, nil
	}
	b, err := s.get(key, blob.HTTPRange{Offset: off, Count: n}, n)
	if err == nil && int64(len(b)) != n {
		return nil, fmt.Errorf("%s/%s: bytes %d-%d: %d bytes in the answer", s, key, off, off+n-1, len(b))
	}
	return b, err
}

func (s Store) get(key string, r blob.HTTPRange, limit int64) ([]byte, error) {
	name, err := s.blob(key)
	if err != nil {
		return nil, err
	}
	var b []byte
	// The client retries a request that fails; a body cut off after the answer began is
	// retried here.
	for attempt := 1; ; attempt++ {
		var cut bool
		b, err = call(s, "reading", key, func(ctx context.Context, c *azblob.Client) ([]byte, error) {
			out, err := c.DownloadStream(ctx, s.Container, name, &azblob.DownloadStreamOptions{Range: r})
			if err != nil {
				return nil, err
			}
			defer out.Body.Close()
			var length int64 = -1
			if out.ContentLength != nil {
				length = *out.ContentLength
			}
			b, err := store.ReadBody(out.Body, length, limit)
			if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrTooLarge) {
				cut = true
				return nil, fmt.Errorf("the answer was cut off: %w", err)
			}
			return b, err
		})
		if !cut || attempt >= MaxAttempts {
			return b, err
		}
		time.Sleep(time.Duration(50<<attempt) * time.Millisecond)
	}
}

// Size is the blob's length.
func (s Store) Size(key string) (int64, error) {
	name, err := s.blob(key)
	if err != nil {
		return 0, err
	}
	return call(s, "looking up", key, func(ctx context.Context, c *azblob.Client) (int64, error) {
		p, err := c.ServiceClient().NewContainerClient(s.Container).NewBlobClient(name).GetProperties(ctx, nil)
		if err != nil {
			return 0, err
		}
		if p.ContentLength == nil {
			return 0, errors.New("the service gave no length")
		}
		return *p.ContentLength, nil
	})
}

// Set writes the blob whole: a block blob's new content becomes visible only when its
// block list is committed, all at once.
func (s Store) Set(key string, value []byte) error {
	name, err := s.blob(key)
	if err != nil {
		return err
	}
	_, err = call(s, "writing", key, func(ctx context.Context, c *azblob.Client) (any, error) {
		return c.UploadBuffer(ctx, s.Container, name, value, nil)
	})
	return err
}

// Copy copies a blob to another key, server-side, waiting for the copy to finish.
func (s Store) Copy(src, dst string) error {
	from, err := s.blob(src)
	if err != nil {
		return err
	}
	to, err := s.blob(dst)
	if err != nil {
		return err
	}
	_, err = call(s, "copying to "+dst+" from", src, func(ctx context.Context, c *azblob.Client) (any, error) {
		cc := c.ServiceClient().NewContainerClient(s.Container)
		target := cc.NewBlobClient(to)
		out, err := target.StartCopyFromURL(ctx, cc.NewBlobClient(from).URL(), nil)
		if err != nil {
			return nil, err
		}
		for status := out.CopyStatus; status != nil && *status == blob.CopyStatusTypePending; {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
			p, err := target.GetProperties(ctx, nil)
			if err != nil {
				return nil, err
			}
			status = p.CopyStatus
		}
		return nil, nil
	})
	return err
}

// Delete removes the blob; an absent one is not an error.
func (s Store) Delete(key string) error {
	name, err := s.blob(key)
	if err != nil {
		return err
	}
	_, err = call(s, "deleting", key, func(ctx context.Context, c *azblob.Client) (any, error) {
		return c.DeleteBlob(ctx, s.Container, name, nil)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// maxListed bounds a listing: a store with more keys than this is not one darray lists.
const maxListed = 10_000_000

// List gives the keys under prefix (relative to the store), sorted.
func (s Store) List(prefix string) ([]string, error) {
	full := store.ListPrefix(s.Prefix, prefix)
	c, err := client()
	if err != nil {
		return nil, err
	}
	pager := c.NewListBlobsFlatPager(s.Container, &azblob.ListBlobsFlatOptions{Prefix: &full})
	var keys []string
	for pager.More() {
		page, err := call(s, "listing", prefix, func(ctx context.Context, _ *azblob.Client) (azblob.ListBlobsFlatResponse, error) {
			return pager.NextPage(ctx)
		})
		if err != nil {
			return nil, err
		}
		for _, item := range page.Segment.BlobItems {
			if item.Name == nil {
				continue
			}
			k := strings.TrimPrefix(*item.Name, s.Prefix)
			keys = append(keys, strings.TrimPrefix(k, "/"))
		}
		if len(keys) > maxListed {
			return nil, fmt.Errorf("listing %s/%s: more than %d keys", s, prefix, maxListed)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// CreateContainer makes a container (tests and benchmarks set up their servers with it);
// one that exists already is not an error.
func CreateContainer(name string) error {
	_, err := call(Store{Container: name}, "creating the container", "", func(ctx context.Context, c *azblob.Client) (any, error) {
		return c.CreateContainer(ctx, name, nil)
	})
	if err == nil || strings.Contains(err.Error(), string(bloberror.ContainerAlreadyExists)) {
		return nil
	}
	return err
}
