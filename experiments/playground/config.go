package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Config is one experiment of the playground: the data, the network and
// its training. The page keeps it in its URL (see static/app.js) and sends
// it as JSON; check validates every field, so that a bad link gives a 400
// and a message, never a panic.
type Config struct {
	Data    string  `json:"data"`    // a data set name, see dataKinds
	Points  int     `json:"points"`  // how many points in all, train and test
	Noise   float64 `json:"noise"`   // the noise's standard deviation
	Test    float64 `json:"test"`    // the fraction of points held out for testing
	Seed    uint64  `json:"seed"`    // seeds the data, the initial weights and the batches
	Classes int     `json:"classes"` // for "blobs" only: 3 … maxClasses

	Hidden []int    `json:"hidden"` // the widths of the hidden Linear layers
	Act    []string `json:"act"`    // the activation after each hidden layer
	Output string   `json:"output"` // the output and its loss, see outputs
	Rule   string   `json:"rule"`   // the update rule, see rules
	LR     float64  `json:"lr"`     // the learning rate
	Batch  int      `json:"batch"`  // the mini-batch size
}

// The limits of a configuration: small enough that a session costs little
// CPU and memory, large enough for every experiment of the course.
const (
	maxPoints  = 2000
	minPoints  = 8
	maxLayers  = 6
	maxWidth   = 16
	maxClasses = 8
	maxLR      = 10
	maxNoise   = 2
	maxSeed    = 1 << 53 // what a JavaScript number holds exactly
)

// dataKinds are the data sets: the names of data.Arti's kinds ("xor" is
// four-gaussians), "blobs" (Classes Gaussians), "regression" (the report's
// y = 3x + 4) and "csv" (an uploaded file).
var dataKinds = []string{"two-gaussians", "xor", "checkerboard", "circles", "moons", "spirals", "blobs", "regression", "csv"}

// The activations, outputs and update rules, by the names the page uses.
var (
	activations = []string{"tanh", "sigmoid", "relu"}
	outputs     = []string{"sigmoid-bce", "mse", "softmax-ce"}
	rules       = []string{"plain", "momentum", "nesterov", "adam"}
)

// defaultConfig is the page's opening experiment: XOR, one hidden layer of
// four TanH units, sigmoid + BCE, the course's plain gradient step.
func defaultConfig() Config {
	return Config{
		Data: "xor", Points: 400, Noise: 0.02, Test: 0.5, Seed: 1, Classes: 3,
		Hidden: []int{4}, Act: []string{"tanh"},
		Output: "sigmoid-bce", Rule: "plain", LR: 0.1, Batch: 10,
	}
}

// check returns an error naming the first field that is out of range.
func (c Config) check() error {
	if !slices.Contains(dataKinds, c.Data) {
		return fmt.Errorf("data %q: want one of %s", c.Data, strings.Join(dataKinds, ", "))
	}
	if c.Data != "csv" && (c.Points < minPoints || c.Points > maxPoints) {
		return fmt.Errorf("points = %d: want %d … %d", c.Points, minPoints, maxPoints)
	}
	if !(c.Noise >= 0 && c.Noise <= maxNoise) {
		return fmt.Errorf("noise = %v: want 0 … %v", c.Noise, maxNoise)
	}
	if !(c.Test >= 0.1 && c.Test <= 0.9) {
		return fmt.Errorf("test = %v: want a fraction 0.1 … 0.9", c.Test)
	}
	if c.Seed > maxSeed {
		return fmt.Errorf("seed = %d: want 0 … 2^53", c.Seed)
	}
	if c.Data == "blobs" && (c.Classes < 3 || c.Classes > maxClasses) {
		return fmt.Errorf("classes = %d: want 3 … %d", c.Classes, maxClasses)
	}
	if len(c.Hidden) > maxLayers {
		return fmt.Errorf("%d hidden layers: want at most %d", len(c.Hidden), maxLayers)
	}
	if len(c.Act) != len(c.Hidden) {
		return fmt.Errorf("%d activations for %d hidden layers: want one per layer", len(c.Act), len(c.Hidden))
	}
	for i, w := range c.Hidden {
		if w < 1 || w > maxWidth {
			return fmt.Errorf("hidden layer %d has width %d: want 1 … %d", i+1, w, maxWidth)
		}
		if !slices.Contains(activations, c.Act[i]) {
			return fmt.Errorf("hidden layer %d: activation %q, want one of %s", i+1, c.Act[i], strings.Join(activations, ", "))
		}
	}
	if !slices.Contains(outputs, c.Output) {
		return fmt.Errorf("output %q: want one of %s", c.Output, strings.Join(outputs, ", "))
	}
	if c.Data == "regression" && c.Output != "mse" {
		return fmt.Errorf("output %q: regression needs mse", c.Output)
	}
	if c.Data == "blobs" && c.Output == "sigmoid-bce" {
		return fmt.Errorf("output sigmoid-bce has one unit, for two classes: use softmax-ce or mse with %d classes", c.Classes)
	}
	if !slices.Contains(rules, c.Rule) {
		return fmt.Errorf("rule %q: want one of %s", c.Rule, strings.Join(rules, ", "))
	}
	if !(c.LR > 0 && c.LR <= maxLR) || math.IsInf(c.LR, 0) {
		return fmt.Errorf("lr = %v: want 0 < lr ≤ %v", c.LR, maxLR)
	}
	if c.Batch < 1 || c.Batch > maxPoints {
		return fmt.Errorf("batch = %d: want 1 … %d", c.Batch, maxPoints)
	}
	return nil
}
