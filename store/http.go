package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// HTTP is a read-only KV over HTTP(S): the key k is the object at Base/k, as zarr-python's
// fsspec HTTP store reads Zarr published on a web server or a public bucket's HTTPS
// endpoint. Reading a chunk is one GET; a range (a shard's index, a Blosc block) one GET
// with a Range header. Every request has a timeout, failures that may pass (a connection
// reset, 429, 5xx) are retried with backoff, and a response may not be larger than
// MaxObject. A plain web server cannot list keys: stores need consolidated metadata
// (.zmetadata) to be browsed, though any array can be opened by its path.
type HTTP struct {
	Base    string        // the store's root URL, such as https://example.org/data/store.zarr
	Timeout time.Duration // per request (connecting, waiting, reading); 0 means 60s
	Retries int           // further attempts after a failure that may pass; 0 means 4, negative none
}

// MaxObject bounds what one response may hold: no chunk of an array darray can compute with
// is larger, and a server that sends more is cut off rather than believed.
var MaxObject int64 = 1 << 31

// httpClient is shared: connections are reused across requests and tasks.
var httpClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	TLSHandshakeTimeout:   30 * time.Second,
	ResponseHeaderTimeout: 60 * time.Second,
	MaxIdleConnsPerHost:   64,
	IdleConnTimeout:       90 * time.Second,
}}

// ErrReadOnly is the error of writing to a store that cannot be written.
var ErrReadOnly = errors.New("read-only store")

func (h HTTP) timeout() time.Duration {
	if h.Timeout > 0 {
		return h.Timeout
	}
	return 60 * time.Second
}

func (h HTTP) retries() int {
	switch {
	case h.Retries < 0:
		return 0
	case h.Retries == 0:
		return 4
	}
	return h.Retries
}

// url is the object's URL. Keys come from array paths and chunk coordinates, never from a
// server; still, a key that would climb out of the store is refused.
func (h HTTP) url(key string) (string, error) {
	for _, part := range strings.Split(key, "/") {
		if part == ".." || part == "." || strings.ContainsAny(part, "?#\\") {
			return "", fmt.Errorf("http store %s: key %q is not a plain path", h.Base, key)
		}
	}
	base, err := url.Parse(h.Base)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return "", fmt.Errorf("http store %q: not an http(s) URL", h.Base)
	}
	return base.JoinPath(key).String(), nil
}

// Get reads the whole object, or ErrNotFound when the server says it is absent (404, 410).
func (h HTTP) Get(key string) ([]byte, error) {
	return h.fetch(key, -1, 0)
}

// GetRange reads n bytes from off.
func (h HTTP) GetRange(key string, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || n > MaxObject {
		return nil, fmt.Errorf("http store %s: bad range %d+%d of %s", h.Base, off, n, key)
	}
	return h.fetch(key, off, n)
}

// fetch runs a request with retries; off < 0 asks for the whole object.
func (h HTTP) fetch(key string, off, n int64) ([]byte, error) {
	u, err := h.url(key)
	if err != nil {
		return nil, err
	}
	var body []byte
	err = h.retry(func() (retry bool, err error) {
		body, retry, err = h.once(u, off, n)
		return retry, err
	})
	return body, err
}

// retry runs attempt until it succeeds, fails for good, or the retries are spent.
func (h HTTP) retry(attempt func() (retry bool, err error)) error {
	var last error
	for i := 0; i <= h.retries(); i++ {
		if i > 0 { // exponential backoff with jitter: 0.1, 0.2, 0.4 s...
			d := time.Duration(100<<(i-1)) * time.Millisecond
			time.Sleep(d/2 + rand.N(d/2+1))
		}
		retry, err := attempt()
		if err == nil || !retry {
			return err
		}
		last = err
	}
	return fmt.Errorf("%w (after %d attempts)", last, h.retries()+1)
}

// Size is the object's length, from a HEAD request's Content-Length.
func (h HTTP) Size(key string) (int64, error) {
	u, err := h.url(key)
	if err != nil {
		return 0, err
	}
	var size int64
	err = h.retry(func() (bool, error) {
		ctx, cancel := context.WithTimeout(context.Background(), h.timeout())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
		if err != nil {
			return false, err
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return true, fmt.Errorf("HEAD %s: %w", u, err)
		}
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
			return false, fmt.Errorf("HEAD %s: %s: %w", u, resp.Status, ErrNotFound)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			return true, fmt.Errorf("HEAD %s: %s", u, resp.Status)
		case resp.StatusCode != http.StatusOK:
			return false, fmt.Errorf("HEAD %s: %s", u, resp.Status)
		case resp.ContentLength < 0:
			return false, fmt.Errorf("HEAD %s: the server does not say the object's length", u)
		}
		size = resp.ContentLength
		return false, nil
	})
	return size, err
}

// once makes one request: the body, or the error and whether it may pass on a retry.
func (h HTTP) once(u string, off, n int64) (body []byte, retry bool, err error) {
	// One deadline for the whole exchange: a server that stalls mid-body is cut off too.
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, err
	}
	if off >= 0 {
		if n == 0 {
			return []byte{}, false, nil
		}
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+n-1, 10))
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, true, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, false, fmt.Errorf("GET %s: %s: %w", u, resp.Status, ErrNotFound)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, true, fmt.Errorf("GET %s: %s", u, resp.Status)
	case off >= 0 && resp.StatusCode == http.StatusPartialContent:
		b, err := ReadBody(resp.Body, resp.ContentLength, n)
		if err != nil {
			return nil, !errors.Is(err, ErrTooLarge), fmt.Errorf("GET %s (bytes %d-%d): %w", u, off, off+n-1, err)
		}
		if int64(len(b)) != n {
			return nil, false, fmt.Errorf("GET %s (bytes %d-%d): %d bytes in the answer, %d asked for", u, off, off+n-1, len(b), n)
		}
		return b, false, nil
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return nil, false, fmt.Errorf("GET %s: bytes %d-%d lie past the object's end", u, off, off+n-1)
	case resp.StatusCode != http.StatusOK:
		return nil, false, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if off < 0 {
		b, err := ReadBody(resp.Body, resp.ContentLength, MaxObject)
		if err != nil {
			return nil, !errors.Is(err, ErrTooLarge), fmt.Errorf("GET %s: %w", u, err)
		}
		return b, false, nil
	}
	// The server ignored the range and sent the whole object: skip to it.
	if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
		return nil, true, fmt.Errorf("GET %s: skipping to byte %d: %w", u, off, err)
	}
	var b bytes.Buffer // grown as bytes arrive: n may come from a damaged shard index
	if got, err := b.ReadFrom(io.LimitReader(resp.Body, n)); err != nil || got != n {
		return nil, false, fmt.Errorf("GET %s: bytes %d-%d: %d read (%v)", u, off, off+n-1, got, err)
	}
	return b.Bytes(), false, nil
}

// ErrTooLarge is the error of an answer longer than it may be.
var ErrTooLarge = errors.New("the answer is too large")

// ReadBody reads a body of at most limit bytes and refuses a longer one. claimed (a
// Content-Length, or -1) sizes the first allocation, up to limit and never past 64 MiB: a
// length is a claim, not a size to allocate, so beyond that the buffer grows as bytes
// arrive.
func ReadBody(r io.Reader, claimed, limit int64) ([]byte, error) {
	b := bytes.NewBuffer(make([]byte, 0, min(max(claimed, 0), limit, 64<<20)+bytes.MinRead))
	got, err := b.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if got > limit {
		return nil, fmt.Errorf("%w: more than the %d bytes expected", ErrTooLarge, limit)
	}
	return b.Bytes(), nil
}

// Set refuses: an HTTP store is read-only.
func (h HTTP) Set(key string, value []byte) error {
	return fmt.Errorf("http store %s: writing %s: %w", h.Base, key, ErrReadOnly)
}

// Delete refuses: an HTTP store is read-only.
func (h HTTP) Delete(key string) error {
	return fmt.Errorf("http store %s: deleting %s: %w", h.Base, key, ErrReadOnly)
}

// List cannot be answered by a plain web server.
func (h HTTP) List(prefix string) ([]string, error) {
	return nil, fmt.Errorf("http store %s: a web server cannot list its keys; open an array by its path, or publish consolidated metadata (.zmetadata)", h.Base)
}
