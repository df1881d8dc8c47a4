package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// testServer starts a server with the given limits (zero: the defaults) and
// digits (nil: missing), and stops it at the end of the test.
func testServer(t *testing.T, limits Limits, dg *digits) (*server, *httptest.Server) {
	t.Helper()
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	if dg == nil {
		dg = missingDigits(missingMessage)
	}
	srv := newServer(limits, dg, io.Discard)
	ts := httptest.NewServer(srv.handler())
	t.Cleanup(func() { ts.Close(); srv.close() })
	return srv, ts
}

// call makes a request with a JSON body (a string is sent as is) and
// decodes the JSON answer into out when it is not nil. It returns the
// status and the raw body.
func call(t *testing.T, ts *httptest.Server, method, path string, body any, out any) (int, string) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %.300s", method, path, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

// stateT is the part of the state the tests read.
type stateT struct {
	ID          string   `json:"id"`
	Config      Config   `json:"config"`
	DataVersion int      `json:"dataVersion"`
	Classes     int      `json:"classes"`
	Epoch       *float64 `json:"epoch"`
	Steps       int      `json:"steps"`
	Playing     bool     `json:"playing"`
	Failure     string   `json:"failure"`
	History     struct {
		TestAcc   []*float64 `json:"testAcc"`
		TrainLoss []*float64 `json:"trainLoss"`
	} `json:"history"`
	Layers []struct {
		W [][]float64 `json:"w"`
	} `json:"layers"`
	View struct {
		Grid  int           `json:"grid"`
		Cls   []int         `json:"cls"`
		Curve []float64     `json:"curve"`
		Units [][][]float64 `json:"units"`
	} `json:"view"`
}

func (s stateT) testAcc() float64 {
	a := s.History.TestAcc
	if len(a) == 0 || a[len(a)-1] == nil {
		return -1
	}
	return *a[len(a)-1]
}

func newSessionT(t *testing.T, ts *httptest.Server, c Config) stateT {
	t.Helper()
	var st stateT
	if code, body := call(t, ts, "POST", "/api/sessions", c, &st); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	return st
}

func TestCreatePollAndViews(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	for _, c := range []Config{
		defaultConfig(),
		func() Config {
			c := defaultConfig()
			c.Data, c.Classes, c.Output, c.Hidden, c.Act = "blobs", 4, "softmax-ce", []int{5, 3}, []string{"relu", "sigmoid"}
			return c
		}(),
		func() Config {
			c := defaultConfig()
			c.Data, c.Output, c.Noise, c.Rule = "regression", "mse", 0.1, "adam"
			return c
		}(),
	} {
		st := newSessionT(t, ts, c)
		var polled stateT
		if code, body := call(t, ts, "GET", "/api/sessions/"+st.ID, nil, &polled); code != 200 {
			t.Fatalf("poll: %d %s", code, body)
		}
		if polled.ID != st.ID || polled.Config.Data != c.Data || polled.Steps != 0 {
			t.Errorf("%s: polled %+v", c.Data, polled)
		}
		if len(polled.Layers) != len(c.Hidden)+1 || len(polled.View.Units) != len(c.Hidden) {
			t.Errorf("%s: %d layers, %d unit rows, want %d and %d", c.Data, len(polled.Layers), len(polled.View.Units), len(c.Hidden)+1, len(c.Hidden))
		}
		for l, units := range polled.View.Units {
			if len(units) != c.Hidden[l] {
				t.Errorf("%s: hidden layer %d shows %d units, want %d", c.Data, l, len(units), c.Hidden[l])
			}
		}
		if c.Data == "regression" {
			if len(polled.View.Curve) != boundaryGrid || polled.Classes != 0 {
				t.Errorf("regression: curve of %d points, classes %d", len(polled.View.Curve), polled.Classes)
			}
		} else if len(polled.View.Cls) != boundaryGrid*boundaryGrid {
			t.Errorf("%s: %d cells", c.Data, len(polled.View.Cls))
		}
		var pts pointsJSON
		if code, body := call(t, ts, "GET", "/api/sessions/"+st.ID+"/points", nil, &pts); code != 200 {
			t.Fatalf("points: %d %s", code, body)
		}
		if len(pts.Train)+len(pts.Test) != c.Points || len(pts.Test) != int(float64(c.Points)*c.Test+0.5) {
			t.Errorf("%s: %d train + %d test points, want %d with a fraction %v for testing", c.Data, len(pts.Train), len(pts.Test), c.Points, c.Test)
		}
		var after stateT
		call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "epoch"}, &after)
		if *after.Epoch != 1 || after.Steps != (len(pts.Train)+c.Batch-1)/c.Batch {
			t.Errorf("%s: after one epoch: epoch %v, %d steps", c.Data, *after.Epoch, after.Steps)
		}
		call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "batch"}, &after)
		if after.Steps != (len(pts.Train)+c.Batch-1)/c.Batch+1 {
			t.Errorf("%s: one batch more: %d steps", c.Data, after.Steps)
		}
		call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "reset"}, &after)
		if after.Steps != 0 || *after.Epoch != 0 || after.DataVersion != st.DataVersion+1 {
			t.Errorf("%s: after reset: %d steps, epoch %v, data version %d", c.Data, after.Steps, *after.Epoch, after.DataVersion)
		}
	}
}

// TestBadInputs checks that every bad input gets a 400 (or 404, 503) and a
// message that names the problem.
func TestBadInputs(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	id := newSessionT(t, ts, defaultConfig()).ID
	cfg := func(edit func(*Config)) Config {
		c := defaultConfig()
		edit(&c)
		return c
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		code               int
		msg                string
	}{
		{"not JSON", "POST", "/api/sessions", "{", 400, "bad JSON"},
		{"unknown field", "POST", "/api/sessions", `{"layers": 3}`, 400, `unknown field "layers"`},
		{"two values", "POST", "/api/sessions", `{} {}`, 400, "more than one value"},
		{"huge body", "POST", "/api/sessions", `{"data": "` + strings.Repeat("x", maxJSONBytes) + `"}`, 400, "larger than"},
		{"data", "POST", "/api/sessions", cfg(func(c *Config) { c.Data = "mnist" }), 400, `data "mnist"`},
		{"points", "POST", "/api/sessions", cfg(func(c *Config) { c.Points = 1e6 }), 400, "points = 1000000"},
		{"xor points", "POST", "/api/sessions", cfg(func(c *Config) { c.Points = 402 }), 400, "does not split into 4 equal groups"},
		{"noise", "POST", "/api/sessions", cfg(func(c *Config) { c.Noise = -1 }), 400, "noise = -1"},
		{"split", "POST", "/api/sessions", cfg(func(c *Config) { c.Test = 1 }), 400, "test = 1"},
		{"depth", "POST", "/api/sessions", cfg(func(c *Config) { c.Hidden, c.Act = make([]int, 7), make([]string, 7) }), 400, "7 hidden layers"},
		{"width", "POST", "/api/sessions", cfg(func(c *Config) { c.Hidden = []int{100} }), 400, "width 100"},
		{"zero width", "POST", "/api/sessions", cfg(func(c *Config) { c.Hidden = []int{0} }), 400, "width 0"},
		{"activations", "POST", "/api/sessions", cfg(func(c *Config) { c.Act = nil }), 400, "0 activations for 1 hidden layers"},
		{"activation", "POST", "/api/sessions", cfg(func(c *Config) { c.Act = []string{"gelu"} }), 400, `activation "gelu"`},
		{"output", "POST", "/api/sessions", cfg(func(c *Config) { c.Output = "hinge" }), 400, `output "hinge"`},
		{"regression output", "POST", "/api/sessions", cfg(func(c *Config) { c.Data = "regression" }), 400, "regression needs mse"},
		{"blobs sigmoid", "POST", "/api/sessions", cfg(func(c *Config) { c.Data = "blobs" }), 400, "softmax-ce or mse"},
		{"classes", "POST", "/api/sessions", cfg(func(c *Config) { c.Data, c.Output, c.Classes = "blobs", "mse", 9 }), 400, "classes = 9"},
		{"rule", "POST", "/api/sessions", cfg(func(c *Config) { c.Rule = "rmsprop" }), 400, `rule "rmsprop"`},
		{"lr zero", "POST", "/api/sessions", cfg(func(c *Config) { c.LR = 0 }), 400, "lr = 0"},
		{"lr large", "POST", "/api/sessions", cfg(func(c *Config) { c.LR = 11 }), 400, "lr = 11"},
		{"lr string", "POST", "/api/sessions", `{"lr": "NaN"}`, 400, "bad JSON"},
		{"batch", "POST", "/api/sessions", cfg(func(c *Config) { c.Batch = 0 }), 400, "batch = 0"},
		{"seed", "POST", "/api/sessions", cfg(func(c *Config) { c.Seed = 1 << 60 }), 400, "seed ="},
		{"csv without file", "POST", "/api/sessions", cfg(func(c *Config) { c.Data = "csv" }), 400, "upload a file first"},
		{"config", "POST", "/api/sessions/" + id + "/config", `{"hidden": [3, 3], "act": ["tanh"]}`, 400, "2 hidden layers"},
		{"action", "POST", "/api/sessions/" + id + "/control", `{"action": "rewind"}`, 400, `action "rewind"`},
		{"backprop point", "POST", "/api/sessions/" + id + "/backprop", `{"point": 200}`, 400, "0 … 199"},
		{"backprop missing point", "POST", "/api/sessions/" + id + "/backprop", `{}`, 400, "index of a training point"},
		{"csv fields", "POST", "/api/sessions/" + id + "/csv", "x1,x2,label\n1,2\n", 400, "csv line 2: 2 fields"},
		{"csv number", "POST", "/api/sessions/" + id + "/csv", "1,abc,0\n", 400, `csv line 1: x2 = "abc" is not a finite number`},
		{"csv label", "POST", "/api/sessions/" + id + "/csv", "1,2,0.5\n", 400, `csv line 1: label "0.5"`},
		{"csv inf", "POST", "/api/sessions/" + id + "/csv", "1,Inf,0\n", 400, "not a finite number"},
		{"csv few", "POST", "/api/sessions/" + id + "/csv", "1,2,0\n3,4,1\n", 400, "2 points, want at least 8"},
		{"csv one class", "POST", "/api/sessions/" + id + "/csv", strings.Repeat("1,2,1\n", 10), 400, "no point of class 0"},
		{"csv gap", "POST", "/api/sessions/" + id + "/csv", strings.Repeat("1,2,0\n3,4,2\n", 5), 400, "no point of class 1"},
		{"csv big", "POST", "/api/sessions/" + id + "/csv", strings.Repeat("1,2,0\n", maxCSVBytes/6+1), 400, "larger than"},
		{"no session", "GET", "/api/sessions/nope", nil, 404, "no such session"},
		{"predict shape", "POST", "/api/digits/predict", `{"pixels": [0.5]}`, 400, "1 values, want 256"},
		{"predict range", "POST", "/api/digits/predict", map[string]any{"pixels": append(make([]float64, 255), 2)}, 400, "pixels[255] = 2"},
		{"predict missing", "POST", "/api/digits/predict", map[string]any{"pixels": make([]float64, 256)}, 503, "-load mlp.ckpt"},
	} {
		code, body := call(t, ts, tc.method, tc.path, tc.body, nil)
		var e struct{ Error string }
		json.Unmarshal([]byte(body), &e)
		if code != tc.code || !strings.Contains(e.Error, tc.msg) {
			t.Errorf("%s: %d %q, want %d and a message with %q", tc.name, code, e.Error, tc.code, tc.msg)
		}
	}
	// The session is unchanged by its bad requests.
	var st stateT
	call(t, ts, "GET", "/api/sessions/"+id, nil, &st)
	if st.Config.Data != "xor" || len(st.Config.Hidden) != 1 || st.Steps != 0 {
		t.Errorf("after bad requests: %+v", st.Config)
	}
}

// TestXORThroughAPI trains the course's XOR problem epoch by epoch through
// the API until the test accuracy reaches 95 %.
func TestXORThroughAPI(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	st := newSessionT(t, ts, defaultConfig())
	for epoch := 1; ; epoch++ {
		call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "epoch"}, &st)
		if st.testAcc() >= 0.95 {
			t.Logf("XOR: %.1f %% test accuracy after %d epochs", 100*st.testAcc(), epoch)
			return
		}
		if epoch == 200 {
			t.Fatalf("test accuracy %v after %d epochs", st.testAcc(), epoch)
		}
	}
}

// TestPlayPause checks the training loop: play trains in the background,
// pause stops it.
func TestPlayPause(t *testing.T) {
	limits := DefaultLimits()
	limits.Tick, limits.Work = time.Millisecond, time.Millisecond
	_, ts := testServer(t, limits, nil)
	st := newSessionT(t, ts, defaultConfig())
	path := "/api/sessions/" + st.ID
	call(t, ts, "POST", path+"/control", map[string]string{"action": "play"}, &st)
	if !st.Playing {
		t.Fatal("not playing after play")
	}
	deadline := time.Now().Add(10 * time.Second)
	for st.Steps < 50 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		call(t, ts, "GET", path, nil, &st)
	}
	call(t, ts, "POST", path+"/control", map[string]string{"action": "pause"}, &st)
	steps := st.Steps
	time.Sleep(20 * time.Millisecond)
	call(t, ts, "GET", path, nil, &st)
	if steps < 50 || st.Playing || st.Steps != steps {
		t.Errorf("played %d steps; after pause: playing %v, %d steps", steps, st.Playing, st.Steps)
	}
}

func TestCSVUpload(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	st := newSessionT(t, ts, defaultConfig())
	var b strings.Builder
	b.WriteString("x1,x2,label\n")
	for i := range 30 {
		b.WriteString(strings.Join([]string{[]string{"0", "1", "2"}[i%3] + ".5", "-1", []string{"0", "1", "2"}[i%3]}, ",") + "\n\n")
	}
	var after stateT
	if code, body := call(t, ts, "POST", "/api/sessions/"+st.ID+"/csv", b.String(), &after); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	if after.Classes != 3 || after.Config.Data != "csv" || after.Config.Output != "softmax-ce" || after.DataVersion != st.DataVersion+1 {
		t.Errorf("after upload: %d classes, config %+v", after.Classes, after.Config)
	}
	// Reset draws a new split of the same file.
	call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "reset"}, &after)
	if after.Classes != 3 || after.Config.Data != "csv" {
		t.Errorf("after reset: %+v", after)
	}
	// Labels −1/+1 are the course's two classes.
	p, err := parseCSV([]byte(strings.Repeat("0.1,0.2,-1\n0.3,0.4,+1\n", 4)))
	if err != nil || p.classes != 2 || p.labels[0] != 0 || p.labels[1] != 1 || p.x.At(1, 1) != 0.4 {
		t.Errorf("±1 labels: %+v, %v", p, err)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n2,2,0\n3,3,1\n4,4,0\n5,5,1\n"))
	f.Add([]byte("1,2,-1\n1,2,1\n"))
	f.Add([]byte("a,b\n\n1e308,2,0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseCSV(b)
		if err != nil {
			return
		}
		n := len(p.labels)
		if n < minPoints || n > maxCSVRows || p.x.Rows() != n || p.x.Cols() != 2 || p.classes < 2 || p.classes > maxClasses {
			t.Fatalf("accepted %d points of %d classes, x %v", n, p.classes, p.x.Shape)
		}
		for _, l := range p.labels {
			if l < 0 || l >= p.classes {
				t.Fatalf("label %d of %d classes", l, p.classes)
			}
		}
	})
}

// TestSessionLimits checks the cap on sessions and that idle ones go.
func TestSessionLimits(t *testing.T) {
	limits := DefaultLimits()
	limits.MaxSessions, limits.Idle = 2, time.Hour
	srv, ts := testServer(t, limits, nil)
	a := newSessionT(t, ts, defaultConfig())
	newSessionT(t, ts, defaultConfig())
	if code, body := call(t, ts, "POST", "/api/sessions", defaultConfig(), nil); code != 503 || !strings.Contains(body, "too many sessions") {
		t.Errorf("third session: %d %s", code, body)
	}
	if code, _ := call(t, ts, "DELETE", "/api/sessions/"+a.ID, nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	c := newSessionT(t, ts, defaultConfig())
	srv.dropIdle(0) // every session is idle for 0 s
	if code, _ := call(t, ts, "GET", "/api/sessions/"+c.ID, nil, nil); code != 404 {
		t.Errorf("idle session polled: %d, want 404", code)
	}
}

// panicky is an optimizer that fails, to stand for a bug.
type panicky struct{ optim.SGD }

func (*panicky) Step([]*layers.Parameter) { panic("boom") }

// TestPanicIsContained checks that a panic in a session's handler or its
// training loop fails that session's request, not the server.
func TestPanicIsContained(t *testing.T) {
	limits := DefaultLimits()
	limits.Tick = time.Millisecond
	srv, ts := testServer(t, limits, nil)
	st := newSessionT(t, ts, defaultConfig())
	other := newSessionT(t, ts, defaultConfig())
	s := srv.get(st.ID)
	s.mu.Lock()
	s.m.opt.Optimizer = &panicky{}
	s.mu.Unlock()

	if code, body := call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "batch"}, nil); code != 500 || !strings.Contains(body, "boom") {
		t.Errorf("batch: %d %s", code, body)
	}
	call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "play"}, &st)
	deadline := time.Now().Add(5 * time.Second)
	for st.Failure == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		call(t, ts, "GET", "/api/sessions/"+st.ID, nil, &st)
	}
	if st.Playing || !strings.Contains(st.Failure, "boom") {
		t.Errorf("after a panic in the loop: playing %v, failure %q", st.Playing, st.Failure)
	}
	if code, _ := call(t, ts, "POST", "/api/sessions/"+other.ID+"/control", map[string]string{"action": "epoch"}, &other); code != 200 || other.Steps == 0 {
		t.Errorf("the other session: %d, %d steps", code, other.Steps)
	}
}

// TestDigits checks the digits tab's predictions, for a checkpoint of each
// network it reads, against the library's forward pass of that network.
func TestDigits(t *testing.T) {
	pixels := make([]float64, 256)
	for i := range pixels {
		pixels[i] = float64(i%7) / 6
	}
	for i, arch := range digitArchs {
		path := t.TempDir() + "/net.ckpt"
		net := arch.build(rng(uint64(i), 9))
		if err := optim.SaveFile(path, net); err != nil {
			t.Fatal(err)
		}
		dg, err := loadDigits(path)
		if err != nil {
			t.Fatal(err)
		}
		_, ts := testServer(t, Limits{}, dg)
		var status digitsStatus
		call(t, ts, "GET", "/api/digits", nil, &status)
		if status.State != "ready" || !strings.Contains(status.Source, "net.ckpt, "+arch.name) {
			t.Errorf("status %+v", status)
		}
		var got struct{ Probs []float64 }
		if code, body := call(t, ts, "POST", "/api/digits/predict", map[string]any{"pixels": pixels}, &got); code != 200 {
			t.Fatalf("predict: %d %s", code, body)
		}
		x := tensor.FromSlice(append([]float64(nil), pixels...), append([]int{1}, arch.shape...)...)
		want := layers.NewSoftmax().Forward(net.Forward(x))
		if len(got.Probs) != 10 {
			t.Fatalf("%d probabilities", len(got.Probs))
		}
		for j, p := range got.Probs {
			if !tensor.Close(p, want.Data[j], 1e-4, 0) { // sent with 5 digits
				t.Errorf("%s: p[%d] = %v, want %v", arch.name, j, p, want.Data[j])
			}
		}
	}
	// A checkpoint of another network is refused with a message.
	other := t.TempDir() + "/other.ckpt"
	optim.SaveFile(other, layers.NewSequential(layers.NewLinear(256, 10, rng(1, 1))))
	if _, err := loadDigits(other); err == nil || !strings.Contains(err.Error(), "fits none") || !strings.Contains(err.Error(), "256→128→64→10") {
		t.Errorf("other network: %v", err)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-load", t.TempDir() + "/missing.ckpt"}, {"-data", t.TempDir()}} {
		var out, errw bytes.Buffer
		if err := run(args, &out, &errw); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

// TestDigitsTrainedHere checks the fallback: with data and no checkpoint the
// network trains in the background, reporting its progress; with neither,
// the tab says how to get one.
func TestDigitsTrainedHere(t *testing.T) {
	r := rng(3, 3)
	images := func(n int) *data.Dataset {
		d := &data.Dataset{X: tensor.New(n, data.USPSPixels).FillUniform(r, 0, 1), Labels: make([]int, n)}
		for i := range d.Labels {
			d.Labels[i] = i % data.USPSClasses
		}
		return d
	}
	dg := trainDigits(images(40), images(20), 2, func(string, ...any) {})
	deadline := time.Now().Add(20 * time.Second)
	for dg.status().State == "training" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := dg.status()
	if st.State != "ready" || st.Progress != 1 || !strings.Contains(st.Source, "2 epochs of Adam on 40 USPS images") {
		t.Fatalf("after training: %+v", st)
	}
	if p, err := dg.predict(make([]float64, data.USPSPixels)); err != nil || len(p) != 10 {
		t.Errorf("predict: %v, %v", p, err)
	}

	t.Setenv("NNDIY_DATA", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dg, err := setupDigits("", "", io.Discard)
	if err != nil || dg.status().State != "missing" || !strings.Contains(dg.status().Message, "-load mlp.ckpt") {
		t.Errorf("without data: %+v, %v", dg.status(), err)
	}
}

// TestPageIsOffline checks that the page loads nothing from elsewhere: it
// names no URL but the SVG namespace, and the server forbids the rest.
func TestPageIsOffline(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	resp, err := ts.Client().Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if !strings.Contains(string(body), `<script src="app.js">`) {
		t.Errorf("GET / is not the page: %.200s", body)
	}
	for _, name := range []string{"index.html", "app.js", "style.css"} {
		b, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "'http://www.w3.org/2000/svg'", "")
		for _, bad := range []string{"http:", "https:", "//cdn", "@import", "url("} {
			if strings.Contains(text, bad) {
				t.Errorf("static/%s contains %q", name, bad)
			}
		}
	}
}

// TestHistoryBounded checks that a long run keeps at most maxHistory
// records, in order, and that play pauses by itself after MaxEpochs.
func TestHistoryBounded(t *testing.T) {
	c := defaultConfig()
	c.Points, c.Batch = 40, 20 // one epoch is one record
	s, err := newSession("t", c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 * maxHistory {
		s.trainEpoch()
		s.record()
	}
	h := s.hist
	if len(h.Epoch) > maxHistory || len(h.Epoch) < maxHistory/2 || len(h.TestAcc) != len(h.Epoch) || len(h.WNorm[1]) != len(h.Epoch) {
		t.Fatalf("%d records (%d accuracies, %d norms), want %d/2 … %d", len(h.Epoch), len(h.TestAcc), len(h.WNorm[1]), maxHistory, maxHistory)
	}
	for i := 1; i < len(h.Epoch); i++ {
		if h.Epoch[i] <= h.Epoch[i-1] {
			t.Fatalf("epochs out of order at %d: %v", i, h.Epoch[i-1:i+1])
		}
	}
	if last := h.Epoch[len(h.Epoch)-1]; last != 2*maxHistory {
		t.Errorf("last record at epoch %v, want %d", last, 2*maxHistory)
	}

	limits := DefaultLimits()
	limits.Tick, limits.MaxEpochs = time.Millisecond, 3
	_, ts := testServer(t, limits, nil)
	st := newSessionT(t, ts, c)
	call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "play"}, &st)
	deadline := time.Now().Add(10 * time.Second)
	for st.Playing && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		call(t, ts, "GET", "/api/sessions/"+st.ID, nil, &st)
	}
	if st.Playing || !strings.Contains(st.Failure, "after 3 epochs") || *st.Epoch < 3 {
		t.Errorf("after MaxEpochs: playing %v, epoch %v, %q", st.Playing, *st.Epoch, st.Failure)
	}
}

// TestDivergence checks that a learning rate far too large stops training
// with a message, and that the NaN weights still make valid JSON (null).
func TestDivergence(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	c := defaultConfig()
	c.Data, c.Output, c.LR, c.Hidden, c.Act = "regression", "mse", 10, []int{16, 16}, []string{"relu", "relu"}
	st := newSessionT(t, ts, c)
	for i := 0; i < 20 && st.Failure == ""; i++ {
		if code, body := call(t, ts, "POST", "/api/sessions/"+st.ID+"/control", map[string]string{"action": "epoch"}, &st); code != 200 {
			t.Fatalf("epoch: %d %.300s", code, body)
		}
	}
	if !strings.Contains(st.Failure, "lower the learning rate") {
		t.Fatalf("no failure after 20 epochs at lr 10: %q, loss %v", st.Failure, st.History.TrainLoss)
	}
	var raw map[string]any
	if code, body := call(t, ts, "GET", "/api/sessions/"+st.ID, nil, &raw); code != 200 || !strings.Contains(body, "null") {
		t.Errorf("state after divergence: %d, nulls %v", code, strings.Contains(body, "null"))
	}
}

// TestRetune checks that a new learning rate, rule or batch size keeps the
// weights and the curves, and that any other change starts anew.
func TestRetune(t *testing.T) {
	_, ts := testServer(t, Limits{}, nil)
	c := defaultConfig()
	st := newSessionT(t, ts, c)
	path := "/api/sessions/" + st.ID
	for range 3 {
		call(t, ts, "POST", path+"/control", map[string]string{"action": "epoch"}, &st)
	}
	call(t, ts, "POST", path+"/control", map[string]string{"action": "batch"}, &st)
	steps, w := st.Steps, st.Layers[0].W[0][0]
	for _, edit := range []func(*Config){
		func(c *Config) { c.LR = 0.5 },
		func(c *Config) { c.Rule = "adam" },
		func(c *Config) { c.Batch = 7 },
	} {
		edit(&c)
		var after stateT
		if code, body := call(t, ts, "POST", path+"/config", c, &after); code != 200 {
			t.Fatalf("config: %d %s", code, body)
		}
		if after.Steps != steps || after.Layers[0].W[0][0] != w || after.Config.LR != c.LR || after.Config.Rule != c.Rule || after.Config.Batch != c.Batch {
			t.Errorf("after %+v: %d steps (want %d), W[0][0] %v (want %v)", after.Config, after.Steps, steps, after.Layers[0].W[0][0], w)
		}
	}
	call(t, ts, "POST", path+"/control", map[string]string{"action": "batch"}, &st)
	if st.Steps != steps+1 || !tensor.Close(*st.Epoch, 4+1.0/29, 1e-4, 0) { // 200 points: 29 batches of 7 an epoch
		t.Errorf("a batch of 7 after the change: %d steps, epoch %v", st.Steps, *st.Epoch)
	}
	c.Hidden, c.Act = []int{5}, []string{"relu"}
	call(t, ts, "POST", path+"/config", c, &st)
	if st.Steps != 0 || len(st.Layers[0].W[0]) != 5 {
		t.Errorf("a new width: %d steps, %d units", st.Steps, len(st.Layers[0].W[0]))
	}
}
