package main

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"runtime/debug"

	"github.com/nndiy/nndiy/tensor"
)

//go:embed static
var staticFiles embed.FS

// The JSON API, all under /api/, every answer JSON, every error
// {"error": "message"} with status 400 (bad input), 404 (no such session),
// 503 (too many sessions) or 500 (a bug, logged; the server goes on):
//
//	POST   /api/sessions                  Config → state        start a session
//	GET    /api/sessions/{id}             → state               poll
//	GET    /api/sessions/{id}/points      → points              the data, when dataVersion changes
//	POST   /api/sessions/{id}/config      Config → state        a new experiment (pauses, resets), or a new lr, rule, batch
//	POST   /api/sessions/{id}/control     {"action"} → state    play, pause, batch, epoch, reset
//	POST   /api/sessions/{id}/csv         a CSV file → state    use its points (data "csv")
//	POST   /api/sessions/{id}/backprop    {"point"} → trace     one traced step (point −1: the next batch)
//	DELETE /api/sessions/{id}                                   end a session (also POST …/close)
//	GET    /api/digits                    → digits status
//	POST   /api/digits/predict            {"pixels"} → {"probs"}
func (srv *server) handler() http.Handler {
	mux := http.NewServeMux()
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("POST /api/sessions", srv.handleCreate)
	mux.HandleFunc("GET /api/sessions/{id}", srv.withSession(srv.handleState))
	mux.HandleFunc("GET /api/sessions/{id}/points", srv.withSession(srv.handlePoints))
	mux.HandleFunc("POST /api/sessions/{id}/config", srv.withSession(srv.handleConfig))
	mux.HandleFunc("POST /api/sessions/{id}/control", srv.withSession(srv.handleControl))
	mux.HandleFunc("POST /api/sessions/{id}/csv", srv.withSession(srv.handleCSV))
	mux.HandleFunc("POST /api/sessions/{id}/backprop", srv.withSession(srv.handleBackprop))
	mux.HandleFunc("DELETE /api/sessions/{id}", srv.handleClose)
	mux.HandleFunc("POST /api/sessions/{id}/close", srv.handleClose)
	mux.HandleFunc("GET /api/digits", srv.handleDigits)
	mux.HandleFunc("POST /api/digits/predict", srv.handlePredict)
	return srv.guard(mux)
}

// guard turns a panic in a handler into a 500 for that request only, and
// tells the browser to load nothing from anywhere but this server.
func (srv *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				srv.logf("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
				writeError(w, http.StatusInternalServerError, fmt.Sprintf("internal error: %v", v))
			}
		}()
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The header is gone; the client sees a truncated body.
		fmt.Fprintf(w, "\n")
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

const maxJSONBytes = 16 << 10

// readJSON decodes the request's body into v: one JSON value of at most
// maxJSONBytes, no unknown field.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("request body larger than %d bytes", maxJSONBytes)
		}
		return fmt.Errorf("bad JSON: %v", err)
	}
	if dec.More() {
		return errors.New("bad JSON: more than one value")
	}
	return nil
}

// withSession finds the session named in the path, or answers 404.
func (srv *server) withSession(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := srv.get(r.PathValue("id"))
		if s == nil {
			writeError(w, http.StatusNotFound, "no such session (it may have been dropped after being idle): reload the page")
			return
		}
		h(w, r, s)
	}
}

func (srv *server) handleCreate(w http.ResponseWriter, r *http.Request) {
	c := defaultConfig()
	if err := readJSON(w, r, &c); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s, err := srv.create(c)
	if errors.Is(err, errTooManySessions) {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.snapshot())
}

func (srv *server) handleState(w http.ResponseWriter, r *http.Request, s *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.snapshot())
}

// pointsJSON are the data: rows [x₁, x₂, class] for classification, [x, y]
// for regression.
type pointsJSON struct {
	Version int         `json:"version"`
	Classes int         `json:"classes"`
	Train   [][]float64 `json:"train"`
	Test    [][]float64 `json:"test"`
}

func (srv *server) handlePoints(w http.ResponseWriter, r *http.Request, s *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.set
	rows := func(x, target *tensor.Tensor, labels []int) [][]float64 {
		out := make([][]float64, x.Rows())
		for i := range out {
			if labels == nil {
				out[i] = []float64{x.At(i, 0), target.Data[i]}
			} else {
				out[i] = []float64{x.At(i, 0), x.At(i, 1), float64(labels[i])}
			}
		}
		return out
	}
	writeJSON(w, http.StatusOK, pointsJSON{
		Version: s.version, Classes: d.classes,
		Train: rows(d.xTrain, d.targetTrain, d.labelTrain),
		Test:  rows(d.xTest, d.targetTst, d.labelTest),
	})
}

func (srv *server) handleConfig(w http.ResponseWriter, r *http.Request, s *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cfg
	c.Hidden, c.Act = nil, nil // a new config gives its own layers
	if err := readJSON(w, r, &c); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := c.check(); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !s.retune(c) {
		s.pauseLocked()
		if err := s.configure(c, s.upload); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, s.snapshot())
}

func (srv *server) handleControl(w http.ResponseWriter, r *http.Request, s *session) {
	var req struct {
		Action string `json:"action"`
	}
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.Action == "batch" || req.Action == "epoch" {
		if !srv.takeCPU(r) {
			return
		}
		defer srv.releaseCPU()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Action {
	case "play":
		srv.play(s)
	case "pause":
		s.pauseLocked()
	case "batch", "epoch":
		s.pauseLocked()
		s.failure = ""
		if req.Action == "batch" {
			s.trainBatch()
		} else {
			s.trainEpoch()
		}
		s.record()
	case "reset":
		s.pauseLocked()
		if err := s.configure(s.cfg, s.upload); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("action %q: want play, pause, batch, epoch or reset", req.Action))
		return
	}
	writeJSON(w, http.StatusOK, s.snapshot())
}

// handleCSV reads an uploaded file of x1,x2,label lines and makes it the
// session's data. The rest of the configuration stays; an output that does
// not fit the file's classes is an error.
func (srv *server) handleCSV(w http.ResponseWriter, r *http.Request, s *session) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCSVBytes+1))
	if err != nil || len(body) > maxCSVBytes {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("csv: the file is larger than %d bytes", maxCSVBytes))
		return
	}
	p, err := parseCSV(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cfg
	c.Data = "csv"
	if p.classes > 2 && c.Output == "sigmoid-bce" {
		c.Output = "softmax-ce" // one sigmoid unit cannot tell three classes apart
	}
	s.pauseLocked()
	if err := s.configure(c, p); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.snapshot())
}

// handleBackprop makes one traced training step: on training point
// "point", or on the next mini-batch when point is −1. It pauses training.
func (srv *server) handleBackprop(w http.ResponseWriter, r *http.Request, s *session) {
	var req struct {
		Point *int `json:"point"`
	}
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !srv.takeCPU(r) {
		return
	}
	defer srv.releaseCPU()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.set.xTrain.Rows()
	if req.Point == nil || *req.Point < -1 || *req.Point >= n {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("point: want the index of a training point, 0 … %d, or −1 for the next batch", n-1))
		return
	}
	s.pauseLocked()
	s.failure = ""
	var tr trace
	if i := *req.Point; i >= 0 {
		x := tensor.FromSlice(append([]float64(nil), s.set.xTrain.Row(i)...), 1, s.set.xTrain.Cols())
		y := tensor.FromSlice(append([]float64(nil), s.yTrain.Row(i)...), 1, s.yTrain.Cols())
		tr = s.backprop("point", []int{i}, x, y)
		s.countStep(false)
	} else {
		if !s.batches.Next(s.xb, s.yb) {
			s.batches.Next(s.xb, s.yb)
		}
		tr = s.backprop("batch", append([]int(nil), s.batches.Indices()...), s.xb, s.yb)
		s.countStep(true)
	}
	s.record()
	writeJSON(w, http.StatusOK, tr)
}

// takeCPU waits for one of the CPU tokens the training loops share, so
// that training asked for by requests is capped as play is. It reports
// false if the client went away first. Take it before the session's lock,
// in the loops' order.
func (srv *server) takeCPU(r *http.Request) bool {
	select {
	case srv.cpu <- struct{}{}:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (srv *server) releaseCPU() { <-srv.cpu }

func (srv *server) handleClose(w http.ResponseWriter, r *http.Request) {
	srv.remove(r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}

func (srv *server) handleDigits(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, srv.digits.status())
}

func (srv *server) handlePredict(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Pixels []float64 `json:"pixels"`
	}
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	probs, err := srv.digits.predict(req.Pixels)
	if err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, errNoDigitModel) {
			code = http.StatusServiceUnavailable
		}
		writeError(w, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"probs": shorts(probs), "pixels": shorts(req.Pixels)})
}
