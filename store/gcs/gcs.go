// Package gcs opens gs:// URLs as darray stores: Zarr arrays read and written, HDF5,
// netCDF and .npy files read by byte ranges, in Google Cloud Storage (or an emulator such
// as fake-gcs-server).
//
// Importing the package registers the scheme with package store:
//
//	import _ "github.com/darray-go/darray/store/gcs"
//
//	x := darray.FromZarr("gs://bucket/data.zarr", "temperature", darray.ChunkSpec{})
//
// Credentials are Google's Application Default Credentials, found where gcloud and every
// Google client library look: GOOGLE_APPLICATION_CREDENTIALS (a service account or other
// credentials file), gcloud's application_default_credentials.json (`gcloud auth
// application-default login`), or the metadata server on Google's machines. Without any,
// requests go unauthenticated, which public buckets (CMIP6's gs://cmip6, say) answer.
// STORAGE_EMULATOR_HOST (host:port, or a URL) sends every request to an emulator instead,
// without credentials, as Google's client libraries do.
//
// The store speaks Cloud Storage's JSON API over net/http with golang.org/x/oauth2/google
// for the tokens: the handful of calls a key-value store needs (a ranged read, a one-shot
// upload, a listing, a server-side rewrite, a delete) do not justify Google's client
// library, whose dependencies (gRPC, OpenTelemetry, protobuf) would weigh on every program
// that reads any URL. Every request has a deadline (Timeout); connection failures, 408,
// 429 and 5xx answers are retried with exponential backoff (MaxAttempts), as Google's
// retry strategy asks; no object is read past store.MaxObject bytes.
package gcs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/store"
)

// Store is a key-value store in a bucket: the key k is the object Prefix/k. It is plain
// data, so tasks that read or write it can run in any process.
type Store struct {
	Bucket string
	Prefix string // no leading or trailing slash
}

// Timeout bounds each request, from sending it to reading the last byte of the answer.
var Timeout = 60 * time.Second

// MaxAttempts is how many times a request is tried before its error is returned.
var MaxAttempts = 5

func init() {
	store.RegisterScheme("gs", Open)
	graph.RegisterType(Store{})
}

// Open is the store at a gs://bucket/prefix URL.
func Open(u *url.URL) (store.KV, error) {
	bucket, prefix, err := store.BucketURL(u, "bucket")
	if err != nil {
		return nil, err
	}
	return Store{Bucket: bucket, Prefix: prefix}, nil
}

// service is where requests go and how they are authorized.
type service struct {
	base   string // https://storage.googleapis.com, or the emulator's URL
	client *http.Client
}

var services sync.Map // environment snapshot -> func() (*service, error)

func current() (*service, error) {
	var env strings.Builder
	for _, name := range []string{"STORAGE_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "HOME"} {
		env.WriteString(os.Getenv(name) + "\x00")
	}
	get, _ := services.LoadOrStore(env.String(), sync.OnceValues(newService))
	return get.(func() (*service, error))()
}

// transport carries every request; its timeouts stop a silent server, the request's
// deadline the rest.
var transport = &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	TLSHandshakeTimeout:   10 * time.Second,
	ResponseHeaderTimeout: 60 * time.Second,
	MaxIdleConnsPerHost:   64,
	IdleConnTimeout:       90 * time.Second,
}

func newService() (*service, error) {
	if host := os.Getenv("STORAGE_EMULATOR_HOST"); host != "" {
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		return &service{base: strings.TrimSuffix(host, "/"), client: &http.Client{Transport: transport}}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/devstorage.read_write")
	if err != nil {
		// No credentials anywhere: public buckets still answer.
		return &service{base: "https://storage.googleapis.com", client: &http.Client{Transport: transport}}, nil
	}
	authorized := &oauth2.Transport{Source: creds.TokenSource, Base: transport}
	return &service{base: "https://storage.googleapis.com", client: &http.Client{Transport: authorized}}, nil
}

func (s Store) object(key string) (string, error) { return store.ObjectName(s, s.Prefix, key) }

// String is the store's URL.
func (s Store) String() string {
	if s.Prefix == "" {
		return "gs://" + s.Bucket
	}
	return "gs://" + s.Bucket + "/" + s.Prefix
}

// request is one call of the JSON API.
type request struct {
	method string
	path   string // below the service's base, already escaped
	query  url.Values
	header http.Header
	body   []byte
	what   string // for errors: "reading", "writing"...
	key    string
	limit  int64 // most bytes the answer may hold
}

// apiError is the error of an answer other than 2xx.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.message) }

// do runs a request, retrying what may pass, and returns the answer's body.
func (s Store) do(r request) ([]byte, error) {
	svc, err := current()
	if err != nil {
		return nil, err
	}
	var last error
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		if attempt > 1 { // exponential backoff with jitter: 0.1, 0.2, 0.4 s...
			d := time.Duration(100<<(attempt-2)) * time.Millisecond
			time.Sleep(d/2 + rand.N(d/2+1))
		}
		body, retry, err := s.once(svc, r)
		if err == nil {
			return body, nil
		}
		last = err
		if !retry {
			break
		} else if attempt == MaxAttempts {
			last = fmt.Errorf("%w (after %d attempts)", err, MaxAttempts)
		}
	}
	return nil, s.explain(r.what, r.key, last)
}

func (s Store) once(svc *service, r request) (body []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	u := svc.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, bytes.NewReader(r.body))
	if err != nil {
		return nil, false, err
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.ContentLength = int64(len(r.body))
	resp, err := svc.client.Do(req)
	if err != nil {
		return nil, true, err // the connection failed: another may not
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		e := &apiError{resp.StatusCode, errorMessage(msg)}
		return nil, resp.StatusCode == 408 || resp.StatusCode == 429 || resp.StatusCode >= 500, e
	}
	body, err = store.ReadBody(resp.Body, resp.ContentLength, r.limit)
	if err != nil && !errors.Is(err, store.ErrTooLarge) {
		return nil, true, fmt.Errorf("the answer was cut off: %w", err) // read again
	}
	return body, false, err
}

// errorMessage is the message of the JSON API's error answer, or the answer's start.
func errorMessage(raw []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return strings.TrimSpace(string(raw))
}

// explain turns the service's error into one that says what failed, where, and why.
func (s Store) explain(what, key string, err error) error {
	where := s.String() + "/" + key
	if key == "" {
		where = s.String()
	}
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.status == 404 && strings.Contains(strings.ToLower(ae.message), "bucket"):
			return fmt.Errorf("%s %s: the bucket %q does not exist", what, where, s.Bucket)
		case ae.status == 404:
			return fmt.Errorf("%s %s: %w", what, where, store.ErrNotFound)
		case ae.status == 401 || ae.status == 403:
			return fmt.Errorf("%s %s: the service refused the credentials (%v); set GOOGLE_APPLICATION_CREDENTIALS or run `gcloud auth application-default login`", what, where, ae)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: no answer within %v", what, where, Timeout)
	}
	return fmt.Errorf("%s %s: %w", what, where, err)
}

// objectPath is the JSON API's path of an object's resource.
func (s Store) objectPath(name string) string {
	return "/storage/v1/b/" + url.PathEscape(s.Bucket) + "/o/" + url.PathEscape(name)
}

// Get reads the whole object, or ErrNotFound.
func (s Store) Get(key string) ([]byte, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	return s.do(request{method: "GET", path: s.objectPath(name), query: url.Values{"alt": {"media"}},
		what: "reading", key: key, limit: store.MaxObject})
}

// GetRange reads n bytes from off.
func (s Store) GetRange(key string, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || n > store.MaxObject {
		return nil, fmt.Errorf("%s: bad range %d+%d of %s", s, off, n, key)
	}
	if n == 0 {
		return []byte{}, nil
	}
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	b, err := s.do(request{method: "GET", path: s.objectPath(name), query: url.Values{"alt": {"media"}},
		header: http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", off, off+n-1)}}, what: "reading", key: key, limit: n})
	if err == nil && int64(len(b)) != n {
		return nil, fmt.Errorf("%s/%s: bytes %d-%d: %d bytes in the answer", s, key, off, off+n-1, len(b))
	}
	return b, err
}

// metadataLimit bounds the JSON answers (object resources, listing pages).
const metadataLimit = 64 << 20

// Size is the object's length.
func (s Store) Size(key string) (int64, error) {
	name, err := s.object(key)
	if err != nil {
		return 0, err
	}
	b, err := s.do(request{method: "GET", path: s.objectPath(name), query: url.Values{"fields": {"size"}},
		what: "looking up", key: key, limit: metadataLimit})
	if err != nil {
		return 0, err
	}
	var meta struct {
		Size string `json:"size"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return 0, fmt.Errorf("looking up %s/%s: %w", s, key, err)
	}
	n, err := strconv.ParseInt(meta.Size, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("looking up %s/%s: size %q", s, key, meta.Size)
	}
	return n, nil
}

// Set writes the object whole, in one upload: Cloud Storage makes an object visible only
// once all of it is in.
func (s Store) Set(key string, value []byte) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	_, err = s.do(request{method: "POST", path: "/upload/storage/v1/b/" + url.PathEscape(s.Bucket) + "/o",
		query:  url.Values{"uploadType": {"media"}, "name": {name}, "fields": {"name"}},
		header: http.Header{"Content-Type": {"application/octet-stream"}},
		body:   value, what: "writing", key: key, limit: metadataLimit})
	return err
}

// Copy copies an object to another key, server-side (a rewrite, continued until done).
func (s Store) Copy(src, dst string) error {
	from, err := s.object(src)
	if err != nil {
		return err
	}
	to, err := s.object(dst)
	if err != nil {
		return err
	}
	q := url.Values{"fields": {"done,rewriteToken"}}
	for range 10_000 {
		b, err := s.do(request{method: "POST", path: s.objectPath(from) + "/rewriteTo/b/" + url.PathEscape(s.Bucket) + "/o/" + url.PathEscape(to),
			query: q, what: "copying to " + dst + " from", key: src, limit: metadataLimit})
		if err != nil {
			return err
		}
		var out struct {
			Done  bool   `json:"done"`
			Token string `json:"rewriteToken"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return fmt.Errorf("copying %s/%s: %w", s, src, err)
		}
		if out.Done {
			return nil
		}
		q.Set("rewriteToken", out.Token)
	}
	return fmt.Errorf("copying %s/%s: the rewrite did not finish", s, src)
}

// Delete removes the object; an absent one is not an error.
func (s Store) Delete(key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	_, err = s.do(request{method: "DELETE", path: s.objectPath(name), what: "deleting", key: key, limit: metadataLimit})
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
	q := url.Values{"prefix": {full}, "fields": {"items(name),nextPageToken"}, "maxResults": {"1000"}}
	var keys []string
	for {
		b, err := s.do(request{method: "GET", path: "/storage/v1/b/" + url.PathEscape(s.Bucket) + "/o", query: q,
			what: "listing", key: prefix, limit: metadataLimit})
		if errors.Is(err, store.ErrNotFound) { // a listing finds no bucket, not no key
			return nil, fmt.Errorf("listing %s/%s: the bucket %q does not exist", s, prefix, s.Bucket)
		}
		if err != nil {
			return nil, err
		}
		var page struct {
			Items []struct {
				Name string `json:"name"`
			} `json:"items"`
			Next string `json:"nextPageToken"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("listing %s/%s: %w", s, prefix, err)
		}
		for _, it := range page.Items {
			k := strings.TrimPrefix(it.Name, s.Prefix)
			keys = append(keys, strings.TrimPrefix(k, "/"))
		}
		if len(keys) > maxListed {
			return nil, fmt.Errorf("listing %s/%s: more than %d keys", s, prefix, maxListed)
		}
		if page.Next == "" {
			break
		}
		q.Set("pageToken", page.Next)
	}
	sort.Strings(keys)
	return keys, nil
}

// CreateBucket makes a bucket in a project (tests and benchmarks set up their emulators
// with it); one that exists already is not an error.
func CreateBucket(project, bucket string) error {
	body, _ := json.Marshal(map[string]string{"name": bucket})
	_, err := Store{Bucket: bucket}.do(request{method: "POST", path: "/storage/v1/b", query: url.Values{"project": {project}},
		header: http.Header{"Content-Type": {"application/json"}}, body: body, what: "creating the bucket", limit: metadataLimit})
	var ae *apiError
	if errors.As(err, &ae) && ae.status == 409 {
		return nil
	}
	return err
}
