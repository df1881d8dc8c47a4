package usps

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

// evalName names the set the accuracies are measured on.
func (r *Result) evalName() string {
	if r.Validation {
		return "validation"
	}
	return "test"
}

// reportAccuracy returns the report's test accuracy for a set-up.
func reportAccuracy(name string) float64 {
	if name == "softmax" {
		return ReportSoftmaxAccuracy
	}
	return ReportFusedAccuracy
}

// settings describes the data, network and training in one sentence.
func (r *Result) settings() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d training and %d %s images", r.Source, r.Train, r.Test, r.evalName())
	if r.Quick {
		b.WriteString(" (quick run: a subset)")
	}
	b.WriteString("; MLP 256 → 128 → 64 → 10 with TanH")
	if r.Setups[0].History != nil {
		c := r.Config
		fmt.Fprintf(&b, "; %d epochs of batches of %d, %s, learning rate %g falling to 0 along a cosine",
			c.Epochs, c.Batch, digits.OptimizerName(r.Optimizer), c.LR)
		if r.WeightDecay > 0 {
			fmt.Fprintf(&b, ", weight decay %g", r.WeightDecay)
		}
		if r.Shift > 0 {
			unit := "pixel"
			if r.Shift > 1 {
				unit += "s"
			}
			fmt.Fprintf(&b, "; each training image shifted by up to %d %s along each axis, anew every epoch (the training loss is on the shifted images)", r.Shift, unit)
		}
		fmt.Fprintf(&b, "; seed %d", c.Seed)
	} else {
		fmt.Fprintf(&b, "; weights loaded from %s", r.Setups[0].Loaded)
	}
	return b.String()
}

// table returns the comparison of the set-ups with the report.
func (r *Result) table() *cli.Table {
	t := &cli.Table{Header: []string{"set-up", "epochs", "train loss", r.evalName() + " loss", r.evalName() + " accuracy", "report (200 epochs)", "time"}}
	for _, s := range r.Setups {
		epochs, trainLoss, evalLoss, time := "loaded", "", "", ""
		if h := s.History; h != nil {
			last := len(h.TrainLoss) - 1
			epochs = fmt.Sprint(last + 1)
			trainLoss = fmt.Sprintf("%.4f", h.TrainLoss[last])
			evalLoss = fmt.Sprintf("%.4f", h.ValLoss[last])
			time = s.TrainTime.Round(100 * 1e6).String()
		}
		t.Add(s.Title, epochs, trainLoss, evalLoss, cli.Percent(s.Accuracy), cli.Percent(reportAccuracy(s.Name)), time)
	}
	return t
}

// classTable returns each set-up's accuracy on each digit.
func (r *Result) classTable() *cli.Table {
	t := &cli.Table{Header: []string{"digit", "images"}}
	for _, s := range r.Setups {
		t.Header = append(t.Header, s.Name)
	}
	for d := range digits.Classes {
		row := []any{d, r.Setups[0].Confusion.ClassCount(d)}
		for _, s := range r.Setups {
			row = append(row, cli.Percent(s.Confusion.ClassAccuracy(d)))
		}
		t.Add(row...)
	}
	return t
}

// LossGap returns the largest difference between the training losses of
// the two set-ups over the epochs, and whether both were trained.
func (r *Result) LossGap() (float64, bool) {
	soft, fused := r.Setup("softmax"), r.Setup("fused")
	if soft == nil || fused == nil || soft.History == nil || fused.History == nil {
		return 0, false
	}
	gap := 0.0
	for e, l := range soft.History.TrainLoss {
		gap = max(gap, math.Abs(l-fused.History.TrainLoss[e]))
	}
	return gap, true
}

// gapSentence says how far apart the set-ups' losses were, if both trained.
func (r *Result) gapSentence() string {
	gap, ok := r.LossGap()
	if !ok {
		return ""
	}
	return fmt.Sprintf("The two set-ups' training losses differ by at most %.1e over the %d epochs.\n", gap, r.Config.Epochs)
}

// writeSummary prints the results on w.
func (r *Result) writeSummary(w io.Writer) error {
	fmt.Fprintf(w, "\n%s.\n\n", r.settings())
	if err := r.table().Write(w); err != nil {
		return err
	}
	fmt.Fprint(w, "\n", r.gapSentence())
	fmt.Fprintf(w, "\nAccuracy per digit (%s set):\n\n", r.evalName())
	if err := r.classTable().Write(w); err != nil {
		return err
	}
	m := r.Main()
	fmt.Fprintf(w, "\nConfusion matrix of %s (%s set; rows: true digit, columns: predicted):\n\n", m.Title, r.evalName())
	if err := m.Confusion.WriteTable(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if r.Saved != "" {
		fmt.Fprintf(w, "checkpoint of %s: %s\n", m.Title, r.Saved)
	}
	for _, f := range r.Figures {
		fmt.Fprintln(w, "figure:", f)
	}
	return nil
}

// Markdown returns the experiment's section of the report: the comparison
// with the report's numbers, the accuracy per digit and the figures, linked
// by their file names (relative to the output directory).
func (r *Result) Markdown() string {
	var b strings.Builder
	b.WriteString("## §6 Multi-class classification of the USPS digits\n\n")
	b.WriteString("The report's two set-ups on the same network, from the same initial weights and on the same batches: " +
		"a Softmax module followed by the cross-entropy of the probabilities, and the cross-entropy fused with the " +
		"log-softmax on the logits. Both have the same gradient with respect to the logits, (softmax(z) − y)/N; " +
		"in float64 they train alike, so the gap the report saw between them came from elsewhere than the losses' mathematics.\n\n")
	fmt.Fprintf(&b, "%s.\n\n", r.settings())
	r.table().Write(&b)
	fmt.Fprint(&b, "\n", r.gapSentence())
	fmt.Fprintf(&b, "\nAccuracy per digit (%s set):\n\n", r.evalName())
	r.classTable().Write(&b)
	b.WriteString("\n")
	digits.WriteFigureLinks(&b, r.Figures)
	return b.String()
}

// writeFigures draws the curves of the trained set-ups, and for the main one
// its confusion matrix, a digit of each class and its first mistakes.
func (r *Result) writeFigures(cfg *cli.Config, eval *data.Dataset) error {
	save := digits.FigureSaver(cfg, &r.Figures)
	if r.Setups[0].History != nil {
		ev := r.evalName()
		lossChart := plot.NewLineChart("Cross-entropy per epoch", "epoch", "loss")
		lossChart.LogY = true
		accChart := plot.NewLineChart(strings.ToUpper(ev[:1])+ev[1:]+" accuracy per epoch", "epoch", "accuracy")
		if gap, ok := r.LossGap(); ok && gap < 1e-9 {
			// The set-ups' curves lie on each other: say so, and mark
			// the first one's points so that both can be seen.
			lossChart.Title += " (the two set-ups coincide)"
			accChart.Title += " (the two set-ups coincide)"
		}
		for i, s := range r.Setups {
			colour := plot.Colour(i)
			train := lossChart.AddY(s.Name+" train", s.History.TrainLoss)
			test := lossChart.AddY(s.Name+" "+ev, s.History.ValLoss)
			acc := accChart.AddY(s.Name, s.History.ValAccuracy)
			train.Colour, test.Colour, acc.Colour = colour, colour, colour
			test.Dashed = true
			if i == 0 && len(r.Setups) > 1 {
				train.Marker, test.Marker, acc.Marker = plot.Circle, plot.Circle, plot.Circle
			}
		}
		if err := save("loss.svg", lossChart); err != nil {
			return err
		}
		if err := save("accuracy.svg", accChart); err != nil {
			return err
		}
	}
	m := r.Main()
	title := fmt.Sprintf("%s: %s set, %s correct", m.Title, r.evalName(), cli.Percent(m.Accuracy))
	if err := save("confusion.svg", m.Confusion.Heatmap(title)); err != nil {
		return err
	}
	sample := digits.DigitGrid("A "+r.evalName()+" digit of each class, "+m.Name, eval, digits.OnePerClass(eval.Labels), m.Pred, 10)
	if err := save("digits.svg", sample); err != nil {
		return err
	}
	if wrong := digits.Mistakes(eval.Labels, m.Pred, 10); len(wrong) > 0 {
		g := digits.DigitGrid(fmt.Sprintf("The first %d mistakes, %s", len(wrong), m.Name), eval, wrong, m.Pred, 10)
		if err := save("mistakes.svg", g); err != nil {
			return err
		}
	}
	return nil
}
