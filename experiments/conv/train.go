package main

// The plumbing around the training loop: the members of an ensemble
// trained at once, each by fit (main.go), their checkpoints, and the
// scoring of the evaluation set.

import (
	"fmt"
	"time"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/losses"
	"github.com/nndiy/nndiy/optim"
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

// run trains the networks nets of model m, one or an ensemble's members,
// each by fit (or loads them with -load), saves them with -save, and
// scores them on the evaluation set.
func (rc *recipe) run(m model, nets []*layers.Sequential) (*result, error) {
	r := &result{model: m, net: nets[0], members: nets}
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
