package main

// The plumbing of the experiment: the sentences and tables of its summary
// and its figures. What is trained, and how, is in main.go.

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// summary is what the run prints and draws.
type summary struct {
	results                      []*result // in the order they were trained
	train, eval                  *data.Dataset
	batch                        int
	seed                         uint64
	data                         string // the data and where it was read
	validation, quick, synthetic bool
	loaded                       string // the checkpoint evaluated, if any
}

// evalName names the set the accuracies are measured on.
func (s *summary) evalName() string {
	if s.validation {
		return "validation"
	}
	return "test"
}

// comparable says whether the report's numbers may stand beside this run's:
// the whole USPS test set, not a subset, other digits or a validation split.
func (s *summary) comparable() bool { return !s.quick && !s.synthetic && !s.validation }

// describe says how a recipe trains, in a few words.
func (r *recipe) describe(batch int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d epochs of batches of %d, ", r.epochs, batch)
	switch r.optimizer {
	case "plain":
		b.WriteString("the course's plain step θ ← θ − lr·∇θ")
	case "nesterov":
		b.WriteString("SGD with Nesterov momentum 0.9")
	case "adam":
		b.WriteString("Adam")
	}
	if r.cosine {
		fmt.Fprintf(&b, ", learning rate %g falling to 0 along a cosine", r.lr)
	} else {
		fmt.Fprintf(&b, ", learning rate %g", r.lr)
	}
	if r.decay > 0 {
		fmt.Fprintf(&b, ", weight decay %g", r.decay)
	}
	if r.shift > 0 {
		unit := "pixel"
		if r.shift > 1 {
			unit += "s"
		}
		fmt.Fprintf(&b, "; each training image shifted by up to %d %s along each axis, anew every epoch (the training loss is on the shifted images)", r.shift, unit)
	} else {
		b.WriteString("; no augmentation")
	}
	return b.String()
}

// writeSettings writes the data, the network and the recipes in a few lines.
func (s *summary) writeSettings(w io.Writer) {
	fmt.Fprintf(w, "%s, %d training and %d %s images", s.data, s.train.Len(), s.eval.Len(), s.evalName())
	if s.quick {
		fmt.Fprint(w, " (quick run: a subset, fewer epochs)")
	}
	fmt.Fprintf(w, "; MLP 256 → 128 → 64 → 10 with TanH; seed %d.\n\n", s.seed)
	var seen []*recipe
	for _, r := range s.results {
		if r.recipe != nil && (len(seen) == 0 || seen[len(seen)-1] != r.recipe) {
			seen = append(seen, r.recipe)
			fmt.Fprintf(w, "- %s: %s.\n", capitalize(r.recipe.name), r.recipe.describe(s.batch))
		}
	}
	if s.loaded != "" {
		fmt.Fprintf(w, "- Weights loaded from %s.\n", s.loaded)
	}
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// label names a result in the table's columns: "fused, better recipe".
func (r *result) label() string {
	if r.recipe == nil {
		return r.setup.name + ", loaded"
	}
	return r.setup.name + ", " + r.recipe.name
}

// table returns one row per result, the report's number beside the rows
// trained as the report was when the comparison holds.
func (s *summary) table() *cli.Table {
	ev := s.evalName()
	t := &cli.Table{Header: []string{"part", "set-up", "epochs", "train loss", ev + " loss", ev + " accuracy"}}
	if s.comparable() {
		t.Header = append(t.Header, "the report (200 epochs)")
	}
	t.Header = append(t.Header, "time")
	for _, r := range s.results {
		part, epochs, trainLoss, evalLoss, time, report := "loaded from "+s.loaded, "", "", "", "", ""
		if h := r.history; h != nil {
			last := len(h.TrainLoss) - 1
			part, epochs = r.recipe.name, fmt.Sprint(last+1)
			trainLoss, evalLoss = fmt.Sprintf("%.4f", h.TrainLoss[last]), fmt.Sprintf("%.4f", h.ValLoss[last])
			time = r.time.Round(100 * 1e6).String()
			if r.recipe.optimizer == "plain" && !r.recipe.cosine && r.recipe.shift == 0 {
				report = cli.Percent(r.setup.report)
			}
		}
		row := []any{part, r.setup.title, epochs, trainLoss, evalLoss, cli.Percent(r.confusion.Accuracy())}
		if s.comparable() {
			row = append(row, report)
		}
		t.Add(append(row, time)...)
	}
	return t
}

// writeGaps says, for each recipe that trained both set-ups, how far apart
// their training losses were.
func (s *summary) writeGaps(w io.Writer) {
	for i := 1; i < len(s.results); i++ {
		a, b := s.results[i-1], s.results[i]
		if a.history == nil || a.recipe != b.recipe {
			continue
		}
		fmt.Fprintf(w, "%s: the two set-ups' training losses differ by at most %.1e over the %d epochs.\n", capitalize(a.recipe.name), maxGap(a, b), a.recipe.epochs)
	}
}

// classTable returns each result's accuracy on each digit.
func (s *summary) classTable() *cli.Table {
	t := &cli.Table{Header: []string{"digit", "images"}}
	for _, r := range s.results {
		t.Header = append(t.Header, r.label())
	}
	for d := range digits.Classes {
		row := []any{d, s.results[0].confusion.ClassCount(d)}
		for _, r := range s.results {
			row = append(row, cli.Percent(r.confusion.ClassAccuracy(d)))
		}
		t.Add(row...)
	}
	return t
}

// writeBody writes what the terminal and the report share.
func (s *summary) writeBody(w io.Writer) {
	s.writeSettings(w)
	fmt.Fprintln(w)
	s.table().Write(w)
	if !s.comparable() {
		fmt.Fprintln(w, "\n(No comparison with the report's 78 % and 92 %: they are test accuracies on all of USPS.)")
	}
	fmt.Fprintln(w)
	s.writeGaps(w)
	fmt.Fprintf(w, "\nAccuracy per digit (%s set):\n\n", s.evalName())
	s.classTable().Write(w)
}

// writeText prints the summary for a terminal.
func (s *summary) writeText(w io.Writer, figures *plot.Dir, saved string) error {
	fmt.Fprintln(w)
	s.writeBody(w)
	last := s.results[len(s.results)-1]
	fmt.Fprintf(w, "\nConfusion matrix, %s (%s set; rows: true digit, columns: predicted):\n\n", last.label(), s.evalName())
	if err := last.confusion.WriteTable(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if saved != "" {
		fmt.Fprintf(w, "checkpoint of %s: %s\n", last.label(), saved)
	}
	for _, f := range figures.Paths() {
		fmt.Fprintln(w, "figure:", f)
	}
	return nil
}

// writeMarkdown prints the section of the report: the summary and the
// figures, linked by their file names.
func (s *summary) writeMarkdown(w io.Writer, figures *plot.Dir) error {
	fmt.Fprint(w, "The report's two set-ups on the same network, from the same initial weights and on the same batches: "+
		"a Softmax module followed by the cross-entropy of the probabilities, and the cross-entropy fused with the "+
		"log-softmax on the logits. Both have the same gradient with respect to the logits, (softmax(z) − y)/N; "+
		"in float64 they train alike, so the gap the report saw between them came from elsewhere than the losses' mathematics. "+
		"First the report's own setting, then a better recipe.\n\n")
	s.writeBody(w)
	fmt.Fprintln(w)
	fmt.Fprint(w, figures.Markdown())
	return nil
}

// writeFigures draws the curves of each recipe, and for the last network
// its confusion matrix, a digit of each class and its first mistakes, into
// the directory out. It returns the paths written.
func (s *summary) writeFigures(out string) (*plot.Dir, error) {
	figs := &plot.Dir{Path: out}
	save := figs.Save
	ev := s.evalName()
	for i := 0; i < len(s.results); {
		group := []*result{s.results[i]}
		for i++; i < len(s.results) && s.results[i].recipe == group[0].recipe; i++ {
			group = append(group, s.results[i])
		}
		if group[0].history == nil {
			continue
		}
		// The better recipe's figures keep the names they had before the
		// report's setting was added.
		prefix, lossTitle, accTitle := "", "Cross-entropy per epoch", capitalize(ev)+" accuracy per epoch"
		if group[0].recipe.name == "report's setting" {
			prefix, lossTitle, accTitle = "plain-", "The report's setting: cross-entropy per epoch", "The report's setting: "+ev+" accuracy per epoch"
		}
		lossChart := plot.NewLineChart(lossTitle, "epoch", "loss")
		lossChart.LogY = true
		accChart := plot.NewLineChart(accTitle, "epoch", "accuracy")
		if len(group) == 2 && maxGap(group[0], group[1]) < 1e-9 {
			// The set-ups' curves lie on each other: say so, and mark
			// the first one's points so that both can be seen.
			lossChart.Title += " (the two set-ups coincide)"
			accChart.Title += " (the two set-ups coincide)"
		}
		for j, r := range group {
			colour := plot.Colour(j)
			train := lossChart.AddY(r.setup.name+" train", r.history.TrainLoss)
			test := lossChart.AddY(r.setup.name+" "+ev, r.history.ValLoss)
			acc := accChart.AddY(r.setup.name, r.history.ValAccuracy)
			train.Colour, test.Colour, acc.Colour = colour, colour, colour
			test.Dashed = true
			if j == 0 && len(group) > 1 {
				train.Marker, test.Marker, acc.Marker = plot.Circle, plot.Circle, plot.Circle
			}
		}
		if err := save(prefix+"loss.svg", lossChart); err != nil {
			return nil, err
		}
		if err := save(prefix+"accuracy.svg", accChart); err != nil {
			return nil, err
		}
	}
	last := s.results[len(s.results)-1]
	title := fmt.Sprintf("%s: %s set, %s correct", last.setup.title, ev, cli.Percent(last.confusion.Accuracy()))
	if err := save("confusion.svg", last.confusion.Heatmap(title)); err != nil {
		return nil, err
	}
	sample := digits.DigitGrid("A "+ev+" digit of each class, "+last.setup.name, s.eval, digits.OnePerClass(s.eval.Labels), last.pred, 10)
	if err := save("digits.svg", sample); err != nil {
		return nil, err
	}
	if wrong := digits.Mistakes(s.eval.Labels, last.pred, 10); len(wrong) > 0 {
		g := digits.DigitGrid(fmt.Sprintf("The first %d mistakes, %s", len(wrong), last.setup.name), s.eval, wrong, last.pred, 10)
		if err := save("mistakes.svg", g); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// maxGap returns the largest difference of two results' training losses.
func maxGap(a, b *result) float64 {
	gap := 0.0
	for e, l := range a.history.TrainLoss {
		gap = max(gap, math.Abs(l-b.history.TrainLoss[e]))
	}
	return gap
}
