package main

// An ensemble: several networks of one model, trained by the same recipe
// from their own initial weights and their own distortions of the
// training images, whose answers are averaged.
//
// Why it helps: networks trained from different starting points end in
// different minima and make different mistakes, mostly on the hard
// digits, where each is unsure. Averaging their probabilities keeps what
// they agree on and lets a confident member outvote a hesitant one, so the
// average errs less often than a typical member, and its probabilities are
// better calibrated (a lower cross-entropy). The price is the training
// and the evaluation of every member; the members are independent, so they
// train at once, one goroutine each, which keeps every core busy: two
// cores train them in about half the time that one core would take.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// memberStreams separates the random streams of an ensemble's members:
// member k (from 0) draws its initial weights from stream
// streamInit + k·memberStreams and its shifts or distortions from stream
// streamShift + k·memberStreams, all seeded by -seed. Member 0 thus draws
// exactly as a model of one network does. The members share the shuffle
// of the batches (optim.Config.Seed) and the validation split.
const memberStreams = 100

// trainMembers trains the networks nets, member k by fit(k, nets[k]), and
// returns their histories. With concurrent, each member trains on its own
// goroutine; else one after the other. Each member owns its network, its
// optimizer and its training images, and the library's passes give the
// same bits whatever the scheduling, so the two ways give the same
// networks bit for bit (TestEnsembleConcurrent).
func trainMembers(nets []*layers.Sequential, concurrent bool, fit func(k int, net *layers.Sequential) (*optim.History, error)) ([]*optim.History, error) {
	histories := make([]*optim.History, len(nets))
	errs := make([]error, len(nets))
	var wg sync.WaitGroup
	for k, net := range nets {
		if !concurrent {
			histories[k], errs[k] = fit(k, net)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			histories[k], errs[k] = fit(k, net)
		}()
	}
	wg.Wait()
	return histories, errors.Join(errs...)
}

// meanHistory returns the members' histories averaged epoch by epoch:
// their mean training loss and accuracy, and their mean validation loss
// and accuracy when they have them. These describe a typical member, not
// the ensemble, whose own loss is measured once, after training, by
// ensembleScore.
func meanHistory(hs []*optim.History) *optim.History {
	mean := func(get func(h *optim.History) []float64) []float64 {
		if get(hs[0]) == nil {
			return nil
		}
		m := make([]float64, len(get(hs[0])))
		for _, h := range hs {
			for i, v := range get(h) {
				m[i] += v
			}
		}
		for i := range m {
			m[i] /= float64(len(hs))
		}
		return m
	}
	return &optim.History{
		TrainLoss:     mean(func(h *optim.History) []float64 { return h.TrainLoss }),
		TrainAccuracy: mean(func(h *optim.History) []float64 { return h.TrainAccuracy }),
		ValLoss:       mean(func(h *optim.History) []float64 { return h.ValLoss }),
		ValAccuracy:   mean(func(h *optim.History) []float64 { return h.ValAccuracy }),
		EpochTime:     hs[0].EpochTime,
	}
}

// ensembleProbabilities returns the ensemble's probabilities on the
// examples x, an n×10 matrix: for each example, the mean over the members
// and over the views of the example of their softmax probabilities, as
// PyTorch users write, for one view,
//
//	torch.stack([F.softmax(net(x), dim=1) for net in nets]).mean(dim=0)
//
// (summed over the views, each over the members in order, then divided by
// their number). views are the distortions of each example the members
// see (test-time augmentation, see testViews); nil or the identity alone:
// the examples themselves. The members run forward passes only, in batches
// of batchSize examples.
func ensembleProbabilities(nets []*layers.Sequential, views []digits.Warp, x *tensor.Tensor, batchSize int) *tensor.Tensor {
	if len(views) == 0 {
		views = []digits.Warp{digits.Identity}
	}
	n := x.Shape[0]
	size := x.Len() / n
	p := tensor.New(n, digits.Classes)
	view := &tensor.Tensor{Shape: append([]int(nil), x.Shape...)}
	var warped []float64 // a batch of distorted examples, for views other than the identity
	softmax := layers.NewSoftmax()
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		view.Shape[0] = hi - lo
		sum := p.Data[lo*digits.Classes : hi*digits.Classes]
		for _, w := range views {
			view.Data = x.Data[lo*size : hi*size]
			if w != digits.Identity {
				if size != data.USPSPixels {
					panic(fmt.Sprintf("conv.ensembleProbabilities: views of examples of shape %v, need 16×16 images", x.Shape[1:]))
				}
				if warped == nil {
					warped = make([]float64, batchSize*size)
				}
				warped = warped[:len(view.Data)]
				for i := range hi - lo {
					w.Apply(warped[i*size:(i+1)*size], view.Data[i*size:(i+1)*size])
				}
				view.Data = warped
			}
			for _, net := range nets {
				for i, v := range softmax.Forward(net.Forward(view)).Data {
					sum[i] += v
				}
			}
		}
	}
	for i := range p.Data {
		p.Data[i] /= float64(len(nets) * len(views))
	}
	return p
}

// testViews returns the n views of a test digit that an ensemble averages
// (test-time augmentation): the digit itself, and for n = 5 the digit
// moved by one pixel left, right, up and down, for n = 9 also along the
// four diagonals. The networks were trained on digits moved by up to a
// pixel, so each view is a digit they know, and where a digit sits near
// the edge of what they learnt, the views around it outvote the one.
func testViews(n int) ([]digits.Warp, error) {
	shifts := [][2]float64{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {1, -1}, {-1, 1}, {1, 1}}
	if n != 1 && n != 5 && n != 9 {
		return nil, cli.Usagef("-views must be 1, 5 or 9, have %d", n)
	}
	views := make([]digits.Warp, n)
	for i, s := range shifts[:n] {
		views[i] = digits.Warp{Scale: 1, DX: s[0], DY: s[1]}
	}
	return views, nil
}

// ensembleScore returns the ensemble's loss on the examples x with labels,
// the cross-entropy of its averaged probabilities, −mean log p̄(label) (as
// PyTorch's nll_loss(torch.log(p), labels)), and its prediction for each
// example, the class of highest averaged probability.
func ensembleScore(nets []*layers.Sequential, views []digits.Warp, x *tensor.Tensor, labels []int, batchSize int) (loss float64, pred []int) {
	p := ensembleProbabilities(nets, views, x, batchSize)
	if len(labels) != p.Shape[0] {
		panic(fmt.Sprintf("conv.ensembleScore: %d labels for %d examples", len(labels), p.Shape[0]))
	}
	for i, l := range labels {
		loss -= math.Log(p.Row(i)[l])
	}
	pred = make([]int, len(labels))
	tensor.RowArgmax(pred, p)
	return loss / float64(len(labels)), pred
}

// lockedWriter lets the members of an ensemble, on their own goroutines,
// print their progress lines to one writer whole, one line at a time. It
// is not a terminal, so cli.Progress writes plain lines to it rather than
// redrawing one line in place.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
