package cluster

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Security says how a process proves who it is and keeps its traffic private.
//
// Credentials are required: a NATS user and password (or a .creds file, or an NKey) for
// everyone, and the cluster's secret for workers (Credentials, or CredentialsFile, sets
// them all). With TLS files given, connections to NATS use TLS, and chunks move between
// workers (and to clients) over HTTPS with mutual TLS: every worker and client presents a
// certificate the CA signed. Plain text to a NATS server on another machine, and a worker
// data server listening beyond loopback without TLS, are refused unless Insecure is set;
// Insecure also lets a process do without credentials, but then only on loopback.
type Security struct {
	CAFile   string // PEM: the CA that signed the servers', workers' and clients' certificates
	CertFile string // PEM: this process's certificate
	KeyFile  string // PEM: its key

	User, Password string // NATS user and password
	CredsFile      string // NATS credentials file (a user JWT and its NKey seed)
	NKeyFile       string // NATS NKey seed file

	// Credentials (NATS user and password, the cluster's secret), or a file of them: they
	// take the place of User and Password.
	Credentials     *Credentials
	CredentialsFile string

	// Insecure allows plain text to other machines, and no credentials on loopback.
	Insecure bool
}

// resolve reads the credentials file, if any, into Credentials and User/Password.
func (s Security) resolve() (Security, error) {
	if s.CredentialsFile != "" {
		c, err := ReadCredentials(s.CredentialsFile)
		if err != nil {
			return s, err
		}
		s.Credentials = &c
	}
	if c := s.Credentials; c != nil && c.NATSUser != "" {
		s.User, s.Password = c.NATSUser, c.NATSPassword
	}
	return s, nil
}

// secret is the cluster's secret (nil without credentials).
func (s Security) secret() ([]byte, error) {
	if s.Credentials == nil || s.Credentials.Secret == "" {
		return nil, nil
	}
	return s.Credentials.secretBytes()
}

func (s Security) natsCredentials() bool {
	return s.User != "" || s.CredsFile != "" || s.NKeyFile != ""
}

func (s Security) tlsOn() bool { return s.CAFile != "" || s.CertFile != "" }

// natsOptions turns the settings into nats.Connect options, refusing plain text to other
// machines unless told otherwise.
func (s Security) natsOptions(urls string) ([]nats.Option, error) {
	var opts []nats.Option
	if s.tlsOn() {
		if s.CAFile != "" {
			opts = append(opts, nats.RootCAs(s.CAFile))
		}
		if s.CertFile != "" || s.KeyFile != "" {
			opts = append(opts, nats.ClientCert(s.CertFile, s.KeyFile))
		}
	} else if !s.Insecure {
		for _, u := range strings.Split(urls, ",") {
			if !loopback(u) {
				return nil, fmt.Errorf("cluster: %s is not on this machine and the connection would be plain text: give TLS files (CA, certificate, key) or allow it explicitly (Insecure, --insecure)", strings.TrimSpace(u))
			}
		}
	}
	if !s.natsCredentials() {
		if !s.Insecure {
			return nil, errors.New("cluster: no credentials for NATS: give a user and password, a credentials file (--credentials), a .creds file or an NKey (Insecure, --insecure, does without them on loopback only)")
		}
		for _, u := range strings.Split(urls, ",") {
			if !loopback(u) {
				return nil, fmt.Errorf("cluster: no credentials for NATS at %s: Insecure does without them on loopback only", strings.TrimSpace(u))
			}
		}
	}
	if s.User != "" {
		opts = append(opts, nats.UserInfo(s.User, s.Password))
	}
	if s.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(s.CredsFile))
	}
	if s.NKeyFile != "" {
		o, err := nats.NkeyOptionFromSeed(s.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("cluster: nkey %s: %w", s.NKeyFile, err)
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// loopback reports whether a NATS URL points at this machine's loopback interface.
func loopback(raw string) bool {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		raw = "nats://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tlsConfigs makes the data server's and the data client's TLS settings: mutual TLS with
// the CA (nil, nil when TLS is off).
func (s Security) tlsConfigs() (server, client *tls.Config, err error) {
	if !s.tlsOn() {
		return nil, nil, nil
	}
	if s.CAFile == "" || s.CertFile == "" || s.KeyFile == "" {
		return nil, nil, fmt.Errorf("cluster: TLS needs a CA, a certificate and a key (got CA %q, certificate %q, key %q)", s.CAFile, s.CertFile, s.KeyFile)
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, nil, fmt.Errorf("cluster: CA %s holds no PEM certificate", s.CAFile)
	}
	cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: certificate: %w", err)
	}
	server = &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	client = &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client, nil
}

// Waits on the data connections between workers and clients: a peer that does not
// connect, answer or send within these is taken to be gone (its results are computed
// again elsewhere).
const (
	dialTimeout   = 5 * time.Second
	answerTimeout = 10 * time.Second // from the request to the response's header
	stallTimeout  = 10 * time.Second // between two reads of a response's body
)

// dataClient is the HTTP client that fetches chunks from workers.
func dataClient(cfg *tls.Config) *http.Client {
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 15 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: dialer.DialContext, MaxIdleConnsPerHost: 16, TLSClientConfig: cfg,
		TLSHandshakeTimeout: dialTimeout, ResponseHeaderTimeout: answerTimeout, IdleConnTimeout: time.Minute,
	}}
}

// stallReader ends a response whose body stops coming: each read must bring bytes within
// stallTimeout of the last, however large the body (a long transfer that keeps moving is
// never cut).
type stallReader struct {
	r     io.Reader
	timer *time.Timer
}

func newStallReader(r io.Reader, cancel func()) *stallReader {
	return &stallReader{r: r, timer: time.AfterFunc(stallTimeout, cancel)}
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(stallTimeout)
	}
	return n, err
}

func (s *stallReader) stop() { s.timer.Stop() }

// listenerCheck refuses a data server that would serve plain text beyond loopback, or
// serve anyone at all without the cluster's secret anywhere but on loopback.
func (s Security) listenerCheck(listen string, haveSecret bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("cluster: listen address %q: %w", listen, err)
	}
	local := host != "" && loopback(host)
	if !local && !s.tlsOn() && !s.Insecure {
		return fmt.Errorf("cluster: the data server at %q would serve chunks in plain text beyond this machine: give TLS files or allow it explicitly (Insecure, --insecure)", listen)
	}
	if !haveSecret && !(s.Insecure && local) {
		return errors.New("cluster: a worker needs the cluster's secret (Credentials, --credentials) to authenticate the peers that fetch its chunks (Insecure, --insecure, does without it on loopback only)")
	}
	return nil
}
