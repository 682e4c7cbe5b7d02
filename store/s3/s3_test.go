package s3

import (
	"bytes"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray/internal/faultnet"
	"github.com/darray-go/darray/internal/s3test"
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
	s3test.Start(t)
	if err := CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "s3://data/some/prefix")
	if kv.(Store) != (Store{Bucket: "data", Prefix: "some/prefix"}) {
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
	// Another prefix of the bucket does not see these keys.
	if other, err := open(t, "s3://data/some").List("prefix2"); err != nil || len(other) != 0 {
		t.Fatalf("List outside: %q, %v", other, err)
	}
}

func TestBadLocationsAndKeys(t *testing.T) {
	for _, loc := range []string{"s3://", "s3:///path", "s3://b/x/../y", "s3://b/p?versionId=3", "s3://user@b/p"} {
		if _, err := store.Open(loc); err == nil {
			t.Errorf("%s opened", loc)
		}
	}
	kv := Store{Bucket: "b", Prefix: "p"}
	for _, k := range []string{"../x", "a//b", "", "a/./b"} {
		if _, err := kv.Get(k); err == nil || !strings.Contains(err.Error(), "not a plain path") {
			t.Errorf("key %q: %v", k, err)
		}
	}
}

func TestErrorsNameTheCause(t *testing.T) {
	srv := s3test.Start(t)
	if err := CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, "s3://missing-bucket/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), `bucket "missing-bucket" does not exist`) {
		t.Errorf("missing bucket: %v", err)
	}
	if _, err := open(t, "s3://data/x").Get("absent"); !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "s3://data/x/absent") {
		t.Errorf("missing key: %v", err)
	}
	if err := open(t, "s3://data/x").Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// s3rver checks access key ids, not version 4 signatures: a wrong secret is not
	// something it can refuse.
	s3test.Use(t, srv.Endpoint, "nobody", s3test.SecretKey)
	_, err = open(t, "s3://data/x").Get("k")
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Errorf("unknown key id: %v", err)
	}
}

func TestCutAnswersAreRetried(t *testing.T) {
	srv := s3test.Start(t)
	if err := CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "s3://data")
	value := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 300_000)
	if err := kv.Set("big", value); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.Endpoint)
	s3test.Use(t, faultnet.CutProxy(t, u.Host, 2), s3test.AccessKey, s3test.SecretKey)
	got, err := kv.Get("big")
	if err != nil || !bytes.Equal(got, value) {
		t.Fatalf("after two cut answers: %d bytes, %v", len(got), err)
	}
	// An object larger than any chunk may be is refused, not read whole.
	saved := store.MaxObject
	store.MaxObject = 1 << 20
	defer func() { store.MaxObject = saved }()
	if _, err := kv.Get("big"); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("an object past MaxObject: %v", err)
	}
}

func TestStoppedServerFailsPromptly(t *testing.T) {
	srv := s3test.Start(t)
	if err := CreateBucket("data"); err != nil {
		t.Fatal(err)
	}
	kv := open(t, "s3://data")
	if err := kv.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	done := make(chan error, 1)
	go func() { _, err := kv.Get("k"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "s3://data/k") {
			t.Fatalf("read from a stopped server: %v", err)
		}
		if !strings.Contains(err.Error(), "attempts") && !strings.Contains(err.Error(), "refused") {
			t.Errorf("the error does not say it was retried or refused: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("a read from a stopped server hangs")
	}
}
