package sequential

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// A Reference is the file pytorch_reference.py writes: PyTorch's per-epoch
// training losses for some data sets, each with the settings it was trained
// with. The format is CSV with comment lines:
//
//	# torch 1.13.1, float64
//	# dataset two-gaussians: fingerprint=0123456789abcdef seed=1 lr=0.2 batch=32 loss=bce epochs=500
//	dataset,epoch,loss
//	two-gaussians,1,0.40816326530612246
//
// A "# dataset" line comes before the rows of its data set; the losses are
// written with 17 significant digits, so they read back exactly. Other
// comment lines are kept in Comments.
type Reference struct {
	Comments []string
	Runs     map[string]*ReferenceRun
}

// A ReferenceRun is PyTorch's training of one data set.
type ReferenceRun struct {
	Dataset     string
	Fingerprint string
	Seed        uint64
	LR          float64
	Batch       int
	Loss        string
	// Losses[e] is the mean training loss of epoch e+1.
	Losses []float64
}

// ParseReference reads a Reference. It returns an error naming the line
// for anything it does not understand: a reference that does not parse is
// better fixed than half used.
func ParseReference(r io.Reader) (*Reference, error) {
	ref := &Reference{Runs: map[string]*ReferenceRun{}}
	sc := bufio.NewScanner(r)
	header := false
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		fail := func(format string, args ...any) error {
			return fmt.Errorf("PyTorch reference, line %d: %s", line, fmt.Sprintf(format, args...))
		}
		switch {
		case text == "":
		case strings.HasPrefix(text, "# dataset "):
			run, err := parseRunLine(strings.TrimPrefix(text, "# dataset "))
			if err != nil {
				return nil, fail("%v", err)
			}
			if ref.Runs[run.Dataset] != nil {
				return nil, fail("data set %q described twice", run.Dataset)
			}
			ref.Runs[run.Dataset] = run
		case strings.HasPrefix(text, "#"):
			ref.Comments = append(ref.Comments, strings.TrimSpace(strings.TrimPrefix(text, "#")))
		case !header:
			if text != "dataset,epoch,loss" {
				return nil, fail("header %q, want dataset,epoch,loss", text)
			}
			header = true
		default:
			f := strings.Split(text, ",")
			if len(f) != 3 {
				return nil, fail("%d fields, want 3", len(f))
			}
			run := ref.Runs[f[0]]
			if run == nil {
				return nil, fail("losses of data set %q before its # dataset line", f[0])
			}
			epoch, err := strconv.Atoi(f[1])
			if err != nil || epoch != len(run.Losses)+1 {
				return nil, fail("epoch %q of %s, want %d", f[1], f[0], len(run.Losses)+1)
			}
			loss, err := strconv.ParseFloat(f[2], 64)
			if err != nil || math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fail("loss %q is not a finite number", f[2])
			}
			run.Losses = append(run.Losses, loss)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("PyTorch reference: %w", err)
	}
	return ref, nil
}

// parseRunLine reads "NAME: key=value …" of a # dataset line.
func parseRunLine(s string) (*ReferenceRun, error) {
	name, rest, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " ,") {
		return nil, fmt.Errorf("want \"# dataset NAME: key=value …\", have %q", s)
	}
	run := &ReferenceRun{Dataset: name}
	seen := map[string]bool{}
	for _, kv := range strings.Fields(rest) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return nil, fmt.Errorf("bad or repeated setting %q", kv)
		}
		seen[k] = true
		var err error
		switch k {
		case "fingerprint":
			run.Fingerprint = v
		case "seed":
			run.Seed, err = strconv.ParseUint(v, 10, 64)
		case "lr":
			run.LR, err = strconv.ParseFloat(v, 64)
		case "batch":
			run.Batch, err = strconv.Atoi(v)
		case "loss":
			run.Loss = v
		case "epochs":
			// The number of rows says it; kept for readers.
		default:
			return nil, fmt.Errorf("unknown setting %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("setting %q: %v", kv, err)
		}
	}
	for _, k := range []string{"fingerprint", "seed", "lr", "batch", "loss"} {
		if !seen[k] {
			return nil, fmt.Errorf("data set %s: no %s", name, k)
		}
	}
	return run, nil
}

// mismatch returns why run is not a reference for a training with the
// given fingerprint and settings, or "" if it is.
func (run *ReferenceRun) mismatch(fingerprint string, s settings) string {
	switch {
	case run.Fingerprint != fingerprint:
		return "other data or initial weights (fingerprint " + run.Fingerprint + ", this run " + fingerprint + ")"
	case run.Seed != s.Seed:
		return fmt.Sprintf("seed %d, this run %d", run.Seed, s.Seed)
	case run.LR != s.LR:
		return fmt.Sprintf("learning rate %g, this run %g", run.LR, s.LR)
	case run.Batch != s.Batch:
		return fmt.Sprintf("batch size %d, this run %d", run.Batch, s.Batch)
	case run.Loss != s.Loss:
		return fmt.Sprintf("loss %s, this run %s", run.Loss, s.Loss)
	case len(run.Losses) < s.Epochs:
		return fmt.Sprintf("%d epochs recorded, this run trains %d", len(run.Losses), s.Epochs)
	}
	return ""
}
