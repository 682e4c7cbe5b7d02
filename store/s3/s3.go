// Package s3 opens s3:// URLs as darray stores: Zarr arrays read and written, HDF5,
// netCDF and .npy files read by byte ranges, in Amazon S3 or any S3-compatible service
// (MinIO, Ceph, SeaweedFS, Cloudflare R2, Google Cloud Storage's XML API).
//
// Importing the package registers the scheme with package store:
//
//	import _ "github.com/darray-go/darray/store/s3"
//
//	x := darray.FromZarr("s3://bucket/data.zarr", "temperature", darray.ChunkSpec{})
//
// Credentials, region and endpoint come from where the AWS SDK looks for them on each
// machine: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE and
// ~/.aws/credentials, SSO, instance roles), AWS_REGION (us-east-1 when none is set), and
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for services other than Amazon's, which are then
// addressed path-style (http://host/bucket/key). Nothing of the credentials goes into a
// task graph: a store is its bucket and prefix, and every process that runs tasks reads its
// own environment.
//
// Every request has a deadline (Timeout), failures that may pass are retried with backoff
// by the SDK's standard retryer, and no object is read past MaxObject bytes.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

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
	store.RegisterScheme("s3", Open)
	graph.RegisterType(Store{})
}

// Open is the store at an s3://bucket/prefix URL.
func Open(u *url.URL) (store.KV, error) {
	bucket, prefix, err := store.BucketURL(u, "bucket")
	if err != nil {
		return nil, err
	}
	return Store{Bucket: bucket, Prefix: prefix}, nil
}

// clients holds one client per configuration seen in this process's environment (one in
// practice; tests change the environment).
var clients sync.Map // environment snapshot -> func() (*awss3.Client, error)

// client is the process's client for the configuration in its environment now.
func client() (*awss3.Client, error) {
	var env strings.Builder
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_S3_FORCE_PATH_STYLE",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		env.WriteString(os.Getenv(name) + "\x00")
	}
	get, _ := clients.LoadOrStore(env.String(), sync.OnceValues(newClient))
	return get.(func() (*awss3.Client, error))()
}

func newClient() (*awss3.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	// The SDK's own client, so that AWS_CA_BUNDLE and the like still apply.
	httpClient := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 10 * time.Second; d.KeepAlive = 30 * time.Second }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = 10 * time.Second
			t.ResponseHeaderTimeout = Timeout
			t.MaxIdleConnsPerHost = 64
			t.IdleConnTimeout = 90 * time.Second
		})
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithHTTPClient(httpClient),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = MaxAttempts
				o.MaxBackoff = 5 * time.Second
			})
		}))
	if err != nil {
		return nil, fmt.Errorf("s3: loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		// Services other than Amazon's mostly serve buckets as paths, not host names.
		o.UsePathStyle = o.BaseEndpoint != nil || os.Getenv("AWS_S3_FORCE_PATH_STYLE") == "true"
		o.DisableLogOutputChecksumValidationSkipped = true // services without checksums are not an event
	}), nil
}

func (s Store) object(key string) (string, error) { return store.ObjectName(s, s.Prefix, key) }

// String is the store's URL.
func (s Store) String() string {
	if s.Prefix == "" {
		return "s3://" + s.Bucket
	}
	return "s3://" + s.Bucket + "/" + s.Prefix
}

// call runs one request under the deadline with the process's client.
func call[T any](s Store, what, key string, do func(context.Context, *awss3.Client) (T, error)) (T, error) {
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
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return fmt.Errorf("%s %s: %w", what, where, store.ErrNotFound)
		case "NoSuchBucket":
			return fmt.Errorf("%s %s: the bucket %q does not exist", what, where, s.Bucket)
		case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden", "InvalidToken", "ExpiredToken":
			return fmt.Errorf("%s %s: the service refused the credentials (%s: %s); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE",
				what, where, apiErr.ErrorCode(), apiErr.ErrorMessage())
		}
		return fmt.Errorf("%s %s: %s: %s", what, where, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: no answer within %v", what, where, Timeout)
	}
	return fmt.Errorf("%s %s: %w", what, where, err)
}

// Get reads the whole object, or ErrNotFound.
func (s Store) Get(key string) ([]byte, error) {
	return s.get(key, "", store.MaxObject)
}

// GetRange reads n bytes from off.
func (s Store) GetRange(key string, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || n > store.MaxObject {
		return nil, fmt.Errorf("%s: bad range %d+%d of %s", s, off, n, key)
	}
	if n == 0 {
		return []byte{}, nil
	}
	b, err := s.get(key, fmt.Sprintf("bytes=%d-%d", off, off+n-1), n)
	if err == nil && int64(len(b)) != n {
		return nil, fmt.Errorf("%s/%s: bytes %d-%d: %d bytes in the answer", s, key, off, off+n-1, len(b))
	}
	return b, err
}

func (s Store) get(key, byteRange string, limit int64) ([]byte, error) {
	obj, err := s.object(key)
	if err != nil {
		return nil, err
	}
	var b []byte
	// The SDK retries a request that fails; a body cut off after the answer began is
	// retried here.
	for attempt := 1; ; attempt++ {
		var cut bool
		b, err = call(s, "reading", key, func(ctx context.Context, c *awss3.Client) ([]byte, error) {
			in := &awss3.GetObjectInput{Bucket: &s.Bucket, Key: &obj}
			if byteRange != "" {
				in.Range = &byteRange
			}
			out, err := c.GetObject(ctx, in)
			if err != nil {
				return nil, err
			}
			defer out.Body.Close()
			// The body is read under the same deadline.
			b, err := store.ReadBody(out.Body, aws.ToInt64(out.ContentLength), limit)
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

// Size is the object's length.
func (s Store) Size(key string) (int64, error) {
	obj, err := s.object(key)
	if err != nil {
		return 0, err
	}
	return call(s, "looking up", key, func(ctx context.Context, c *awss3.Client) (int64, error) {
		out, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &s.Bucket, Key: &obj})
		if err != nil {
			return 0, err
		}
		return aws.ToInt64(out.ContentLength), nil
	})
}

// Set writes the object whole: S3 makes a new object visible only once all of it is in.
func (s Store) Set(key string, value []byte) error {
	obj, err := s.object(key)
	if err != nil {
		return err
	}
	_, err = call(s, "writing", key, func(ctx context.Context, c *awss3.Client) (any, error) {
		return c.PutObject(ctx, &awss3.PutObjectInput{Bucket: &s.Bucket, Key: &obj,
			Body: bytes.NewReader(value), ContentLength: aws.Int64(int64(len(value)))})
	})
	return err
}

// Copy copies an object to another key, server-side.
func (s Store) Copy(src, dst string) error {
	from, err := s.object(src)
	if err != nil {
		return err
	}
	to, err := s.object(dst)
	if err != nil {
		return err
	}
	source := s.Bucket + "/" + (&url.URL{Path: from}).EscapedPath()
	_, err = call(s, "copying to "+dst+" from", src, func(ctx context.Context, c *awss3.Client) (any, error) {
		return c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: &s.Bucket, Key: &to, CopySource: &source})
	})
	return err
}

// Delete removes the object; an absent one is not an error.
func (s Store) Delete(key string) error {
	obj, err := s.object(key)
	if err != nil {
		return err
	}
	_, err = call(s, "deleting", key, func(ctx context.Context, c *awss3.Client) (any, error) {
		return c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &s.Bucket, Key: &obj})
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
	var keys []string
	var token *string
	for {
		out, err := call(s, "listing", prefix, func(ctx context.Context, c *awss3.Client) (*awss3.ListObjectsV2Output, error) {
			return c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &s.Bucket, Prefix: &full, ContinuationToken: token})
		})
		if err != nil {
			return nil, err
		}
		for _, o := range out.Contents {
			k := strings.TrimPrefix(aws.ToString(o.Key), s.Prefix)
			keys = append(keys, strings.TrimPrefix(k, "/"))
		}
		if len(keys) > maxListed {
			return nil, fmt.Errorf("listing %s/%s: more than %d keys", s, prefix, maxListed)
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			break
		}
		token = out.NextContinuationToken
	}
	sort.Strings(keys)
	return keys, nil
}

// CreateBucket makes a bucket (tests and benchmarks set up their servers with it); one
// that exists already is not an error.
func CreateBucket(bucket string) error {
	c, err := client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	_, err = c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &bucket})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err == nil || errors.As(err, &owned) || errors.As(err, &exists) {
		return nil
	}
	return Store{Bucket: bucket}.explain("creating the bucket", "", err)
}
