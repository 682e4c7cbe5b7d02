package cluster

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nkeys"
)

// Who may do what (docs/cluster.md has the threat model):
//
//   - NATS admits only peers with credentials. An embedded server knows two roles: workers,
//     which may publish heartbeats and completions, and clients, which may not (so a
//     client cannot pose as a worker) and may not listen to the subjects that carry
//     other clients' tasks and control messages.
//   - Each client signs what it sends (task batches, graphs, releases, ends, status
//     questions, its beats) with an Ed25519 key of its own, made when it connects. Its ID
//     is the key's public half and every computation ID starts with it, so a worker checks
//     that a message about computation C was signed by C's owner without any registry:
//     one client cannot run, end, release or ask about another's work.
//   - Workers' data servers hand a result only to a peer that proves it belongs to the
//     computation: another worker, by an HMAC of the computation ID under the cluster's
//     secret (which only workers hold), or the computation's client, by a fresh signature
//     of the request.

// Credentials are a cluster's secrets, as a LocalCluster makes them for its workers and as
// an operator hands them to remote ones (a file written by WriteFile, read by
// ReadCredentials: `darray worker --credentials FILE`).
type Credentials struct {
	NATSUser     string `json:"nats_user,omitempty"`
	NATSPassword string `json:"nats_password,omitempty"`
	// Secret, in hex, authenticates workers to each other's data servers: every worker
	// needs it, and no client should have it.
	Secret string `json:"secret"`
}

// NewSecret returns 32 random bytes in hex: a cluster secret or a password.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("cluster: no randomness for a secret: %v", err)) // (never fails on Linux)
	}
	return hex.EncodeToString(b)
}

// WriteFile writes the credentials to a new file only its owner may read (mode 0600).
func (c Credentials) WriteFile(path string) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return writeNew(path, data)
}

// ReadCredentials reads a credentials file, refusing one that other users may read.
func ReadCredentials(path string) (Credentials, error) {
	var c Credentials
	st, err := os.Stat(path)
	if err != nil {
		return c, fmt.Errorf("cluster: credentials: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return c, fmt.Errorf("cluster: credentials %s: mode %v lets other users read it: chmod 600 it", path, st.Mode().Perm())
	}
	if st.Size() > 64<<10 {
		return c, fmt.Errorf("cluster: credentials %s: %d bytes is not a credentials file", path, st.Size())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("cluster: credentials: %w", err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("cluster: credentials %s: %w", path, err)
	}
	if _, err := c.secretBytes(); c.Secret != "" && err != nil {
		return c, fmt.Errorf("cluster: credentials %s: %w", path, err)
	}
	return c, nil
}

func (c Credentials) secretBytes() ([]byte, error) {
	b, err := hex.DecodeString(c.Secret)
	if err != nil || len(b) < 16 {
		return nil, errors.New("the secret must be at least 16 bytes in hex")
	}
	return b, nil
}

// identity is a client's signing key; its public half, as an NKey user key, is the
// client's ID. (The private key is kept as is: the standard library reuses its expanded
// form from one signature to the next, which halves the cost of signing.)
type identity struct {
	priv ed25519.PrivateKey
	pub  string
}

func newIdentity() (*identity, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("cluster: client key: %w", err)
	}
	enc, err := nkeys.Encode(nkeys.PrefixByteUser, pub)
	if err != nil {
		return nil, fmt.Errorf("cluster: client key: %w", err)
	}
	return &identity{priv: priv, pub: string(enc)}, nil
}

// A sealed message is the signer's public key, its signature of the body, then the body.
const (
	pubKeyLen = 56 // an NKey user's public key
	sigLen    = 64 // an Ed25519 signature
)

func (id *identity) seal(body []byte) []byte {
	sig := ed25519.Sign(id.priv, body)
	out := make([]byte, 0, pubKeyLen+sigLen+len(body))
	out = append(out, id.pub...)
	out = append(out, sig...)
	return append(out, body...)
}

// errUnsigned is a message without a valid signature.
var errUnsigned = errors.New("cluster: message not signed by a client")

// openSealed checks a sealed message's signature and returns its signer and body.
func openSealed(data []byte) (signer string, body []byte, err error) {
	if len(data) < pubKeyLen+sigLen {
		return "", nil, errUnsigned
	}
	signer = string(data[:pubKeyLen])
	if err := verify(signer, data[pubKeyLen+sigLen:], data[pubKeyLen:pubKeyLen+sigLen]); err != nil {
		return "", nil, err
	}
	return signer, data[pubKeyLen+sigLen:], nil
}

func verify(signer string, body, sig []byte) error {
	pub, err := nkeys.Decode(nkeys.PrefixByteUser, []byte(signer))
	if err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, body, sig) {
		return errUnsigned
	}
	return nil
}

// validID reports whether an identifier from the wire (a computation, client or worker
// ID) is safe to use in subjects, URLs and file names: 1 to 128 letters, digits, '-' and
// '_', not starting with '-'.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 128 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ownerOf is the client a computation ID belongs to: the part before its first '-'.
func ownerOf(comp string) string {
	owner, _, _ := strings.Cut(comp, "-")
	return owner
}

// ownedBy reports whether comp is a valid computation ID of the client signer.
func ownedBy(comp, signer string) bool {
	return validID(comp) && ownerOf(comp) == signer && len(comp) > len(signer)
}

// chunkToken is what a worker shows another worker's data server to fetch a result of a
// computation: an HMAC of the computation ID under the cluster's secret.
func chunkToken(secret []byte, comp string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("darray chunk " + comp))
	return hex.EncodeToString(m.Sum(nil))
}

// Headers of a client's signed chunk request.
const (
	hdrClient = "X-Darray-Client"
	hdrTime   = "X-Darray-Time"
	hdrSig    = "X-Darray-Signature"
)

// requestSkew is how far a signed request's time may be from the server's clock.
const requestSkew = 2 * time.Minute

func requestPayload(path, when string) []byte { return []byte("GET " + path + " " + when) }

// signRequest makes req a client's signed request.
func (id *identity) signRequest(req *http.Request) {
	when := strconv.FormatInt(time.Now().Unix(), 10)
	sig := ed25519.Sign(id.priv, requestPayload(req.URL.Path, when))
	req.Header.Set(hdrClient, id.pub)
	req.Header.Set(hdrTime, when)
	req.Header.Set(hdrSig, hex.EncodeToString(sig))
}

// signedBy checks a client's signed request and returns its signer ("" when it is not one).
func signedBy(req *http.Request) string {
	signer, when := req.Header.Get(hdrClient), req.Header.Get(hdrTime)
	sig, err := hex.DecodeString(req.Header.Get(hdrSig))
	if signer == "" || err != nil {
		return ""
	}
	t, err := strconv.ParseInt(when, 10, 64)
	if err != nil || time.Since(time.Unix(t, 0)).Abs() > requestSkew {
		return ""
	}
	if verify(signer, requestPayload(req.URL.Path, when), sig) != nil {
		return ""
	}
	return signer
}
