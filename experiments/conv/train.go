package main

// How every network is trained and scored: the recipe of §6 (SGD with
// Nesterov momentum, a cosine learning rate, shifted or distorted digits
// anew every epoch), the members of an ensemble trained at once, and the
// evaluation. The networks are in main.go.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// A result is one network trained (or loaded) and scored: a row of the table.
type result struct {
	model
	net                 *layers.Sequential   // the network, or the ensemble's first member
	members             []*layers.Sequential // all of the ensemble's networks, net first (net alone for one network)
	loaded, saved       string               // checkpoints read or written
	history             *optim.History       // nil when loaded; an ensemble's: its members' mean (meanHistory)
	trainTime, evalTime time.Duration
	loss                float64 // on the evaluation set
	pred                []int   // the prediction of each evaluation image
	confusion           *digits.Confusion
}

// A recipe is how every network is trained and scored: the training and
// evaluation sets, and the flags' settings.
type recipe struct {
	x, y         *tensor.Tensor // the training images, n×256, and their one-hot labels
	evalX, evalY *tensor.Tensor // the evaluation images and their one-hot labels
	evalLabels   []int          // and their labels
	validation   bool           // the evaluation set is the validation split of -val
	batch        int
	lr           float64
	seed         uint64
	optimizer    string // nesterov or adam
	shift        int    // the -shift of the training images
	// load and save are the checkpoints of -load and -save ("": none),
	// named after each model's name when several models run.
	load, save string
	several    bool
	progress   io.Writer // where the members print their progress
}

// run builds the networks of model m, trains them (or loads them with
// -load), saves them with -save, and scores them on the evaluation set.
func (rc *recipe) run(m model) (*result, error) {
	r := &result{model: m}
	for k := range max(m.members, 1) {
		r.members = append(r.members, m.build(rand.New(rand.NewPCG(rc.seed, streamInit+uint64(k)*memberStreams))))
	}
	r.net = r.members[0]
	if rc.load != "" {
		r.loaded = checkpointPath(rc.load, m.name, rc.several)
		for k, net := range r.members {
			if err := optim.LoadFile(memberPath(r.loaded, k, len(r.members)), net); err != nil {
				return nil, err
			}
		}
	} else {
		// The members of an ensemble train at once, each printing its
		// own progress lines, whole, through one lockedWriter.
		progressTo := rc.progress
		if len(r.members) > 1 {
			progressTo = &lockedWriter{w: rc.progress}
		}
		start := time.Now()
		histories, err := trainMembers(r.members, true, func(k int, net *layers.Sequential) (*optim.History, error) {
			label := m.name
			if len(r.members) > 1 {
				label = fmt.Sprintf("%s %d/%d", m.name, k+1, len(r.members))
			}
			return rc.fit(net, m, k, cli.NewProgress(progressTo, label, m.epochs))
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		r.trainTime = time.Since(start)
		r.history = histories[0]
		if len(histories) > 1 {
			r.history = meanHistory(histories)
		}
		if rc.save != "" {
			r.saved = checkpointPath(rc.save, m.name, rc.several)
			for k, net := range r.members {
				if err := optim.SaveFile(memberPath(r.saved, k, len(r.members)), net); err != nil {
					return nil, err
				}
			}
		}
	}
	// The evaluation, once: the loss and each image's prediction, of the
	// network, or of the ensemble's averaged probabilities.
	start := time.Now()
	xEval := asExamples(rc.evalX, m.shape)
	if len(r.members) == 1 && m.views <= 1 {
		r.loss, _ = optim.Evaluate(r.net, losses.NewSoftmaxCrossEntropy(), xEval, rc.evalY, 500, nil)
		r.pred = digits.Predict(r.net, xEval, 500)
	} else {
		views, err := testViews(max(m.views, 1))
		if err != nil {
			return nil, err
		}
		r.loss, r.pred = ensembleScore(r.members, views, xEval, rc.evalLabels, 500)
	}
	r.confusion = digits.NewConfusion(rc.evalLabels, r.pred)
	r.evalTime = time.Since(start)
	return r, nil
}

// fit trains net, member k of model m (0 for a model of one network), and
// returns its history. The member's own shifts or distortions of the
// training images are drawn from its streams (see memberStreams).
func (rc *recipe) fit(net *layers.Sequential, m model, k int, progress *cli.Progress) (*optim.History, error) {
	loss := losses.NewSoftmaxCrossEntropy()
	o := optim.New(net, loss, rc.lr)
	if rc.optimizer == "adam" {
		o.WithOptimizer(optim.NewAdam(rc.lr))
	} else {
		sgd := optim.NewSGD(rc.lr)
		sgd.Momentum, sgd.Nesterov = 0.9, true
		sgd.WeightDecay = m.weightDecay
		o.WithOptimizer(sgd)
	}
	// x is a copy of the images shifted anew after each epoch (the images
	// themselves with -shift 0), or distorted anew; Fit copies each batch
	// from it as it goes.
	augment := rand.New(rand.NewPCG(rc.seed, streamShift+uint64(k)*memberStreams))
	var x *tensor.Tensor
	var reshift func()
	if m.distortion != nil { // rotations and scalings as well
		x, reshift = digits.Distorted(rc.x, *m.distortion, augment)
	} else {
		x, reshift = digits.Shifted(rc.x, rc.shift, augment)
	}
	c := optim.Config{
		BatchSize: rc.batch, Epochs: m.epochs, Seed: rc.seed, Accuracy: optim.Accuracy,
		Schedule: optim.NewCosineAnnealingLR(o, m.epochs, 0),
		OnEpoch: func(epoch int, h *optim.History) error {
			progress.Update(epoch, h.TrainLoss[epoch-1])
			if epoch < m.epochs {
				reshift()
			}
			return nil
		},
	}
	if rc.validation || !m.testOnce { // the curves of the evaluation set
		c.ValX, c.ValY = asExamples(rc.evalX, m.shape), rc.evalY
	}
	return optim.Fit(o, asExamples(x, m.shape), rc.y, c)
}

// asExamples views the n×256 images as n examples of the given shape.
func asExamples(x *tensor.Tensor, shape []int) *tensor.Tensor {
	return x.Reshape(append([]int{x.Shape[0]}, shape...)...)
}
