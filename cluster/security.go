package cluster

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/nats-io/nats.go"
)

// Security says how a process proves who it is and keeps its traffic private. With TLS
// files given, connections to NATS use TLS, and chunks move between workers (and to
// clients) over HTTPS with mutual TLS: every worker and client presents a certificate the
// CA signed. A remote cluster (one not on 127.0.0.1 or ::1) refuses plain text unless
// Insecure is set.
type Security struct {
	CAFile   string // PEM: the CA that signed the servers', workers' and clients' certificates
	CertFile string // PEM: this process's certificate
	KeyFile  string // PEM: its key

	User, Password string // NATS user and password
	CredsFile      string // NATS credentials file (a user JWT and its NKey seed)
	NKeyFile       string // NATS NKey seed file

	// Insecure allows plain-text connections to a cluster on other machines.
	Insecure bool
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

// dataClient is the HTTP client that fetches chunks from workers.
func dataClient(cfg *tls.Config) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, TLSClientConfig: cfg}}
}
