package store

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTTPStoreFaults: a web server that fails, stalls, lies about lengths or closes the
// connection gives a clear error (or, for failures that pass, the data after retries),
// never a hang or an allocation the answer does not justify.
func TestHTTPStoreFaults(t *testing.T) {
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/s/flaky", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("payload"))
	})
	mux.HandleFunc("/s/down", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	})
	mux.HandleFunc("/s/forbidden", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	})
	mux.HandleFunc("/s/stall", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/s/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, 4096)) // more than MaxObject, as lowered below
	})
	mux.HandleFunc("/s/norange", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("0123456789")) // ignores Range
	})
	mux.HandleFunc("/s/longrange", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusPartialContent)
		w.Write([]byte("more than asked for"))
	})
	mux.HandleFunc("/s/cut", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("only this"))
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	kv := HTTP{Base: srv.URL + "/s", Timeout: 300 * time.Millisecond, Retries: 3}

	if b, err := kv.Get("flaky"); err != nil || string(b) != "payload" || calls.Load() != 3 {
		t.Errorf("flaky: %q %v after %d calls, want the payload on the third", b, err, calls.Load())
	}
	if _, err := kv.Get("missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v, want ErrNotFound", err)
	}
	if _, err := kv.Get("down"); err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("down: %v", err)
	}
	if _, err := kv.Get("forbidden"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "403") {
		t.Errorf("forbidden: %v, want an error naming 403 (not a missing chunk read as fill)", err)
	}
	start := time.Now()
	stalled := HTTP{Base: kv.Base, Timeout: 200 * time.Millisecond, Retries: -1}
	if _, err := stalled.Get("stall"); err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("stall: %v after %v, want a timeout", err, time.Since(start))
	}
	saved := MaxObject
	MaxObject = 1024
	if _, err := kv.Get("huge"); !errors.Is(err, ErrTooLarge) || strings.Contains(err.Error(), "attempts") {
		t.Errorf("huge: %v", err)
	}
	MaxObject = saved
	if b, err := kv.GetRange("norange", 3, 4); err != nil || string(b) != "3456" {
		t.Errorf("a server ignoring Range: %q %v", b, err)
	}
	if _, err := kv.GetRange("longrange", 0, 4); err == nil {
		t.Error("a range answer longer than asked was taken")
	}
	if _, err := kv.Get("cut"); err == nil {
		t.Error("a body cut short was taken")
	}
	for _, key := range []string{"../etc/passwd", "a/../../b", "x?y=1", `a\b`} {
		if _, err := kv.Get(key); err == nil || !strings.Contains(err.Error(), "not a plain path") {
			t.Errorf("key %q: %v", key, err)
		}
	}
	if err := kv.Set("k", nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Set: %v", err)
	}
	if _, err := (HTTP{Base: "ftp://example.org/x"}).Get("k"); err == nil {
		t.Error("an ftp URL was taken")
	}
	// A server that is gone: connection refused, retried, then a clear error.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := (HTTP{Base: "http://" + addr, Timeout: time.Second, Retries: 1}).Get("k"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("no server: %v", err)
	}
}
