package cluster

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/darray-go/darray/graph"
	"github.com/darray-go/darray/nd"
	"github.com/nats-io/nats.go"
)

// A worker's data server hands a result only to the computation's workers (the secret's
// token for that computation) and to its client (a fresh signature of the request):
// nobody else, whatever they send, gets the bytes.
func TestDataServerServesOnlyMembers(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	owner, _ := newIdentity()
	other, _ := newIdentity()
	comp := owner.pub + "-1"
	w := &worker{store: newChunkStore(t.TempDir(), 1<<30), secret: secret}
	a, _ := nd.Arange(nd.Float64, 0, 10, 1)
	w.store.put(taskRef{comp, 3}, a)
	srv := httptest.NewServer(http.HandlerFunc(w.serveChunk))
	defer srv.Close()

	get := func(path string, prepare func(*http.Request)) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if prepare != nil {
			prepare(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	path := "/chunk/" + comp + "/3"
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	stale := func(r *http.Request) {
		when := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
		sig := ed25519.Sign(owner.priv, requestPayload(r.URL.Path, when))
		r.Header.Set(hdrClient, owner.pub)
		r.Header.Set(hdrTime, when)
		r.Header.Set(hdrSig, hex.EncodeToString(sig))
	}
	for name, c := range map[string]struct {
		path    string
		prepare func(*http.Request)
		want    int
	}{
		"no credentials":                   {path, nil, http.StatusForbidden},
		"a made-up token":                  {path, bearer(strings.Repeat("ab", 32)), http.StatusForbidden},
		"the token of another computation": {path, bearer(chunkToken(secret, other.pub+"-1")), http.StatusForbidden},
		"another client's signature":       {path, other.signRequest, http.StatusForbidden},
		"the owner's signature, replayed":  {path, stale, http.StatusForbidden},
		"a path out of the store":          {"/chunk/../../etc/passwd/0", bearer(chunkToken(secret, "..")), http.StatusBadRequest},
		"a worker of the computation":      {path, bearer(chunkToken(secret, comp)), http.StatusOK},
		"the computation's client":         {path, owner.signRequest, http.StatusOK},
	} {
		if got := get(c.path, c.prepare); got != c.want {
			t.Errorf("%s: status %d, want %d", name, got, c.want)
		}
	}
}

// Control messages count only when signed by the client owning the computation they
// name; identifiers from the wire that could reach a path are refused.
func TestControlMessagesNeedTheOwnersSignature(t *testing.T) {
	owner, _ := newIdentity()
	other, _ := newIdentity()
	comp := owner.pub + "-7"
	body, _ := json.Marshal(endMsg{C: comp})
	var e endMsg
	if !openControl(owner.seal(body), &e, func() string { return e.C }) {
		t.Error("the owner's end message was refused")
	}
	if openControl(other.seal(body), &e, func() string { return e.C }) {
		t.Error("another client's end message was accepted")
	}
	if openControl(body, &e, func() string { return e.C }) {
		t.Error("an unsigned end message was accepted")
	}
	tampered := owner.seal(body)
	tampered[len(tampered)-3] ^= 1
	if openControl(tampered, &e, func() string { return e.C }) {
		t.Error("a message changed after signing was accepted")
	}
	for _, bad := range []string{"../x", owner.pub + "-../../x", "", owner.pub, "-" + owner.pub, owner.pub + "-a/b"} {
		if ownedBy(bad, owner.pub) {
			t.Errorf("computation ID %q accepted", bad)
		}
	}
	w := &worker{id: "w"}
	batch, _ := json.Marshal(taskBatch{V: ProtocolVersion, Tasks: []taskMsg{{C: comp, Client: owner.pub, T: 0}}})
	if _, ok := w.openBatch(owner.seal(batch)); !ok {
		t.Error("the owner's task batch was refused")
	}
	if _, ok := w.openBatch(other.seal(batch)); ok {
		t.Error("a task batch for another client's computation was accepted")
	}
	spoofed, _ := json.Marshal(taskBatch{V: ProtocolVersion, Tasks: []taskMsg{{C: comp, Client: owner.pub, T: 0,
		In: []input{{T: 0, From: "../../w", Addr: "http://127.0.0.1:1"}}}}})
	if _, ok := w.openBatch(owner.seal(spoofed)); ok {
		t.Error("a task batch naming an invalid worker was accepted")
	}
}

// A heartbeat that gives a known worker another address is not its own: the client keeps
// the address it knew.
func TestHeartbeatCannotMoveAWorker(t *testing.T) {
	c := &Client{workers: map[string]*workerInfo{}, n: names{prefix: DefaultPrefix}}
	beat := func(id, addr string) {
		data, _ := json.Marshal(heartbeat{Version: ProtocolVersion, ID: id, Addr: addr, Threads: 1})
		c.heartbeat(&nats.Msg{Subject: c.n.heartbeat(id), Data: data})
	}
	beat("w1", "http://127.0.0.1:1000")
	beat("w1", "http://127.0.0.1:6666")
	if got := c.workers["w1"].hb.Addr; got != "http://127.0.0.1:1000" {
		t.Errorf("worker w1 moved to %s", got)
	}
	data, _ := json.Marshal(heartbeat{Version: ProtocolVersion, ID: "w2", Addr: "http://127.0.0.1:1"})
	c.heartbeat(&nats.Msg{Subject: c.n.heartbeat("w1"), Data: data})
	if _, ok := c.workers["w2"]; ok {
		t.Error("a heartbeat on another worker's subject was taken")
	}
}

// A completion naming inputs the task does not have (out of range, say) is ignored
// rather than crashing the client.
func TestGarbledCompletionIgnored(t *testing.T) {
	g := &graph.Graph{Tasks: []graph.Task{{Op: "a"}, {Op: "b", Deps: []int{0}}}}
	r := &run{g: g, comp: "c-1", tasks: make([]taskState, 2), load: map[string]int{}}
	r.tasks[1] = taskState{state: queued, worker: "w"}
	for _, missing := range [][]int{{-1}, {5}, {1 << 40}, {1}} {
		if err := r.handleDone(doneMsg{C: "c-1", T: 1, Worker: "w", Missing: missing}); err != nil {
			t.Errorf("Missing %v: %v", missing, err)
		}
		if r.tasks[1].state != queued {
			t.Errorf("Missing %v changed the task's state", missing)
		}
	}
}
