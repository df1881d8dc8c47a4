package main

import (
	"fmt"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// session is the experiment of one browser tab: its data, its network and
// where training stands. Every field after mu is guarded by mu; the
// training loop and the handlers take it for each piece of work.
type session struct {
	id string

	mu       sync.Mutex
	cfg      Config
	upload   *points // the last CSV file, for Config.Data "csv"
	set      *dataset
	m        *model
	yTrain   *tensor.Tensor // the loss's targets
	yTest    *tensor.Tensor
	batches  *data.Batches
	xb, yb   *tensor.Tensor
	version  int // counts the data sets, so that the page fetches points only when they change
	epochs   int // complete epochs
	inEpoch  int // batches done in the current epoch
	steps    int // batches (or single points) trained on, in all
	hist     history
	playing  bool
	playFrom int           // epochs when play was pressed
	stop     chan struct{} // closed to stop the training loop
	failure  string        // why training stopped by itself, shown on the page
	lastSeen time.Time
}

// history is what the curves show, one entry per record, at most
// maxHistory entries (older halves are thinned out).
type history struct {
	Epoch     []float64   `json:"epoch"`
	TrainLoss []float64   `json:"trainLoss"`
	TestLoss  []float64   `json:"testLoss"`
	TrainAcc  []float64   `json:"trainAcc"`
	TestAcc   []float64   `json:"testAcc"`
	WNorm     [][]float64 `json:"wNorm"` // per Linear layer: ‖(W, b)‖
	GNorm     [][]float64 `json:"gNorm"` // per Linear layer: ‖(dL/dW, dL/db)‖ of the last batch
}

const maxHistory = 400

// newSession returns a session for c, its data drawn and its network built.
func newSession(id string, c Config, upload *points) (*session, error) {
	s := &session{id: id, lastSeen: time.Now()}
	if err := s.configure(c, upload); err != nil {
		return nil, err
	}
	return s, nil
}

// configure replaces the experiment by c and starts it from scratch: new
// data, new weights, empty history. On error the session is unchanged.
// The caller holds mu (or owns s).
func (s *session) configure(c Config, upload *points) error {
	if err := c.check(); err != nil {
		return err
	}
	set, err := makeDataset(c, upload)
	if err != nil {
		return err
	}
	in := 2
	if set.classes == 0 {
		in = 1
	}
	m, err := newModel(c, in, set.classes)
	if err != nil {
		return err
	}
	s.cfg, s.upload, s.set, s.m = c, upload, set, m
	if set.classes == 0 {
		s.yTrain, s.yTest = set.targetTrain, set.targetTst
	} else {
		s.yTrain, s.yTest = m.targets(set.labelTrain), m.targets(set.labelTest)
	}
	s.batches = data.NewBatches(set.xTrain, s.yTrain, min(c.Batch, set.xTrain.Rows()), rng(c.Seed, streamBatches))
	s.xb, s.yb = s.batches.NewBuffers()
	s.version++
	s.epochs, s.inEpoch, s.steps, s.failure = 0, 0, 0, ""
	s.hist = history{}
	s.record()
	return nil
}

// retune changes the learning rate, the update rule or the batch size of
// the running experiment, keeping its weights and its curves, as one does
// in the middle of a training; it reports false, changing nothing, when c
// differs in anything else (then configure starts anew). A new rule starts
// with a fresh state; a new learning rate alone keeps it. The caller holds
// mu and has checked c.
func (s *session) retune(c Config) bool {
	same := s.cfg
	same.LR, same.Rule, same.Batch = c.LR, c.Rule, c.Batch
	if !reflect.DeepEqual(same, c) {
		return false
	}
	switch {
	case c.Rule != s.cfg.Rule:
		s.m.setRule(c.Rule, c.LR)
	case c.LR != s.cfg.LR:
		s.m.opt.SetLR(c.LR)
	}
	if c.Batch != s.cfg.Batch {
		if s.inEpoch > 0 { // the epoch's order is lost: count it as done
			s.epochs++
			s.inEpoch = 0
		}
		s.batches = data.NewBatches(s.set.xTrain, s.yTrain, min(c.Batch, s.set.xTrain.Rows()), rng(c.Seed+uint64(s.epochs), streamBatches))
		s.xb, s.yb = s.batches.NewBuffers()
	}
	s.cfg = c
	s.failure = ""
	return true
}

// trainBatch trains on the next mini-batch with the course's Optim.Step.
func (s *session) trainBatch() {
	if !s.batches.Next(s.xb, s.yb) { // the batch before ended an epoch
		s.batches.Next(s.xb, s.yb)
	}
	loss := s.m.opt.Step(s.xb, s.yb)
	s.countStep(true)
	s.checkLoss(loss)
}

// countStep counts a training step; a step on the epoch's batches moves the
// epoch on.
func (s *session) countStep(batch bool) {
	s.steps++
	if !batch {
		return
	}
	s.inEpoch++
	if s.inEpoch == s.batches.Len() {
		s.epochs++
		s.inEpoch = 0
	}
}

func (s *session) checkLoss(loss float64) {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		s.playing = false
		s.failure = fmt.Sprintf("the loss is %v at step %d: the weights diverged; lower the learning rate and reset", loss, s.steps)
	}
}

// trainEpoch trains on batches up to the end of the current epoch.
func (s *session) trainEpoch() {
	for {
		s.trainBatch()
		if s.inEpoch == 0 || s.failure != "" {
			return
		}
	}
}

// epoch returns how far training is, in epochs.
func (s *session) epoch() float64 {
	return float64(s.epochs) + float64(s.inEpoch)/float64(s.batches.Len())
}

// record evaluates the network on the training and test sets and appends
// the result to the history.
func (s *session) record() {
	trainLoss, trainAcc := optim.Evaluate(s.m.net, s.m.loss, s.set.xTrain, s.yTrain, 256, s.m.acc)
	testLoss, testAcc := optim.Evaluate(s.m.net, s.m.loss, s.set.xTest, s.yTest, 256, s.m.acc)
	h := &s.hist
	if len(h.Epoch) > 0 && h.Epoch[len(h.Epoch)-1] == s.epoch() && s.steps > 0 {
		// Nothing trained since the last record (a backprop step on one
		// point does not move the epoch): replace it.
		h.drop(len(h.Epoch) - 1)
	}
	if len(h.Epoch) == maxHistory {
		h.thin()
	}
	h.Epoch = append(h.Epoch, s.epoch())
	h.TrainLoss, h.TestLoss = append(h.TrainLoss, trainLoss), append(h.TestLoss, testLoss)
	h.TrainAcc, h.TestAcc = append(h.TrainAcc, trainAcc), append(h.TestAcc, testAcc)
	linears := s.linears()
	if h.WNorm == nil {
		h.WNorm, h.GNorm = make([][]float64, len(linears)), make([][]float64, len(linears))
	}
	for i, l := range linears {
		w, g := norms(l)
		h.WNorm[i], h.GNorm[i] = append(h.WNorm[i], w), append(h.GNorm[i], g)
	}
}

// drop removes entry i of every series.
func (h *history) drop(i int) {
	cut := func(v []float64) []float64 { return append(v[:i], v[i+1:]...) }
	h.Epoch, h.TrainLoss, h.TestLoss, h.TrainAcc, h.TestAcc = cut(h.Epoch), cut(h.TrainLoss), cut(h.TestLoss), cut(h.TrainAcc), cut(h.TestAcc)
	for l := range h.WNorm {
		h.WNorm[l], h.GNorm[l] = cut(h.WNorm[l]), cut(h.GNorm[l])
	}
}

// thin keeps every other entry, so that a long run still fits.
func (h *history) thin() {
	half := func(v []float64) []float64 {
		k := 0
		for i := 0; i < len(v); i += 2 {
			v[k] = v[i]
			k++
		}
		return v[:k]
	}
	h.Epoch, h.TrainLoss, h.TestLoss, h.TrainAcc, h.TestAcc = half(h.Epoch), half(h.TrainLoss), half(h.TestLoss), half(h.TrainAcc), half(h.TestAcc)
	for l := range h.WNorm {
		h.WNorm[l], h.GNorm[l] = half(h.WNorm[l]), half(h.GNorm[l])
	}
}

// linears returns the network's Linear layers, in order.
func (s *session) linears() []*layers.Linear {
	var out []*layers.Linear
	for _, mod := range s.m.net.Modules() {
		if l, ok := mod.(*layers.Linear); ok {
			out = append(out, l)
		}
	}
	return out
}

// norms returns the Euclidean norms of a layer's parameters (W and b
// together) and of their gradients.
func norms(l *layers.Linear) (w, g float64) {
	for _, p := range l.Parameters() {
		for i, v := range p.Value.Data {
			w += v * v
			g += p.Grad.Data[i] * p.Grad.Data[i]
		}
	}
	return math.Sqrt(w), math.Sqrt(g)
}
