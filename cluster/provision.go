package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// The files Provision writes.
const (
	WorkerCredentialsFile = "worker.json"    // for every worker: --credentials
	ClientCredentialsFile = "client.json"    // for clients: --credentials
	NATSAuthFile          = "nats-auth.conf" // for nats-server: include it in its configuration
)

// Provision makes a new cluster's secrets for a NATS deployment of one's own, in dir
// (created with mode 0700 if missing; existing files are never overwritten):
//
//   - worker.json: the workers' NATS user and password, and the cluster secret that lets
//     workers fetch results from each other. Every worker machine needs it; nobody else.
//   - client.json: the clients' NATS user and password (no secret). Whoever holds it may
//     run computations on the cluster.
//   - nats-auth.conf: an authorization block for nats-server that knows the two users
//     (passwords bcrypt-hashed) with the clients' permissions of an embedded server
//     (StartServer): clients may not speak as workers nor listen to tasks and control
//     messages. prefix is the subjects' prefix ("" is DefaultPrefix).
//
// Each file has mode 0600.
func Provision(dir, prefix string) error {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !validID(prefix) {
		return fmt.Errorf("cluster: subject prefix %q: letters, digits, '-' and '_' only", prefix)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cluster: provision: %w", err)
	}
	for _, name := range []string{WorkerCredentialsFile, ClientCredentialsFile, NATSAuthFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cluster: provision: %s already exists in %s: a cluster's secrets are never overwritten", name, dir)
		}
	}
	worker := Credentials{NATSUser: WorkerUser, NATSPassword: NewSecret(), Secret: NewSecret()}
	client := Credentials{NATSUser: ClientUser, NATSPassword: NewSecret()}
	auth, err := NATSAuthorization(prefix, worker.NATSPassword, client.NATSPassword)
	if err != nil {
		return err
	}
	if err := worker.WriteFile(filepath.Join(dir, WorkerCredentialsFile)); err != nil {
		return err
	}
	if err := client.WriteFile(filepath.Join(dir, ClientCredentialsFile)); err != nil {
		return err
	}
	return writeNew(filepath.Join(dir, NATSAuthFile), []byte(auth))
}

// NATSAuthorization renders the two roles (WorkerUser, ClientUser) as a nats-server
// configuration block, with bcrypt hashes of the passwords and the same client
// permissions as an embedded server's.
func NATSAuthorization(prefix, workerPassword, clientPassword string) (string, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	hash := func(pw string) (string, error) {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
		return string(h), err
	}
	wh, err := hash(workerPassword)
	if err != nil {
		return "", fmt.Errorf("cluster: worker password: %w", err)
	}
	ch, err := hash(clientPassword)
	if err != nil {
		return "", fmt.Errorf("cluster: client password: %w", err)
	}
	pub, sub := clientDenied(prefix)
	list := func(subjects []string) string {
		q := make([]string, len(subjects))
		for i, s := range subjects {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# darray cluster users (subject prefix %q): include this file in nats-server's configuration.\n", prefix)
	b.WriteString("authorization {\n  users: [\n")
	fmt.Fprintf(&b, "    {user: %q, password: %q}\n", WorkerUser, wh)
	fmt.Fprintf(&b, "    {user: %q, password: %q,\n     permissions: {publish: {deny: %s}, subscribe: {deny: %s}}}\n",
		ClientUser, ch, list(pub), list(sub))
	b.WriteString("  ]\n}\n")
	return b.String(), nil
}

// writeNew writes a new file only its owner may read.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("cluster: %s: %w", path, err)
	}
	return nil
}
