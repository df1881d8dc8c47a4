package main

// The command line's plumbing: which models -model names, what -distort
// and -wd change, and where -save writes each network. The networks and
// their training loop are in main.go; an ensemble's members, the
// checkpoints and the scoring in train.go.

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
)

// selectModels returns the models that -model names: "all", or names
// separated by commas, in the order of models.
func selectModels(names string) ([]model, error) {
	if names == "all" {
		return models, nil
	}
	var chosen []model
	for _, m := range models {
		if slices.Contains(strings.Split(names, ","), m.name) {
			chosen = append(chosen, m)
		}
	}
	for _, name := range strings.Split(names, ",") {
		if !slices.ContainsFunc(models, func(m model) bool { return m.name == name }) {
			return nil, cli.Usagef("-model %q: want all, or a comma-separated list of conv1d, conv2d, wide, branches, conv2d-best", names)
		}
	}
	return chosen, nil
}

// overrideRecipe returns the models with the augmentation, the weight
// decay, the number of networks and of test views that the -distort, -wd,
// -members and -views flags set, when they are not empty (members, views:
// not 0).
func overrideRecipe(chosen []model, distort, wd string, members, views int) ([]model, error) {
	chosen = slices.Clone(chosen) // not the models themselves
	if distort != "" {
		var d digits.Distortion
		numbers := []*float64{&d.MaxDegrees, &d.MaxScale, &d.MaxShift, &d.Elastic, &d.Sigma}
		fields := strings.Split(distort, ",")
		bad := len(fields) != 3 && len(fields) != 5
		for i, f := range fields[:min(len(fields), len(numbers))] {
			v, err := strconv.ParseFloat(f, 64)
			bad = bad || err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v)
			*numbers[i] = v
		}
		if bad || d.MaxScale >= 1 || (len(fields) == 5 && d.Sigma == 0) {
			return nil, cli.Usagef("-distort %q: want deg,scale,shift or deg,scale,shift,alpha,sigma, numbers ≥ 0, scale < 1, sigma > 0", distort)
		}
		for i := range chosen {
			chosen[i].distortion = &d
		}
	}
	if wd != "" {
		var λ float64
		if _, err := fmt.Sscanf(wd, "%g", &λ); err != nil || λ < 0 {
			return nil, cli.Usagef("-wd %q: want a number ≥ 0", wd)
		}
		for i := range chosen {
			chosen[i].weightDecay = λ
		}
	}
	if members < 0 {
		return nil, cli.Usagef("-members must be ≥ 1, have %d", members)
	}
	if members > 0 {
		for i := range chosen {
			chosen[i].members = members
		}
	}
	if views != 0 {
		if _, err := testViews(views); err != nil {
			return nil, err
		}
		for i := range chosen {
			chosen[i].views = views
		}
	}
	return chosen, nil
}

// memberPath returns the checkpoint file of member k (from 0) of an
// ensemble of n networks: path itself for one network, else path with
// ".member1", ".member2" … before the extension.
func memberPath(path string, k, n int) string {
	if n == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.member%d%s", strings.TrimSuffix(path, ext), k+1, ext)
}

// checkpointPath returns the checkpoint file of one model: path itself when
// a single model runs, else path with the model's name before the extension.
func checkpointPath(path, name string, several bool) string {
	if !several {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + name + ext
}
