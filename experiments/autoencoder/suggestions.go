package main

// The course's suggestions for the auto-encoder (issue 17), run with the
// studies: the auto-encoder with tied weights beside the untied one,
// k-means on the codes and on the pixels, and an auto-encoder with a 2-d
// code (newAutoencoder2D) whose codes are drawn directly. Each is printed
// beside its baseline, trained with the same settings and seed.

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/digits"
	"github.com/nndiy/nndiy/experiments/internal/kmeans"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// kmeansStarts is the number of k-means++ starts, the best kept.
const kmeansStarts = 10

// newAutoencoder2D returns the report's auto-encoder with a code of two
// values and no TanH on the code: Linear(hidden, 2) is the encoder's last
// layer. With the TanH, trained as the others, one of the two coordinates
// saturated at −1 for every test digit (all within 0.003 of it): the code
// was one-dimensional. A linear code cannot saturate.
func newAutoencoder2D(hidden int, rng *rand.Rand) (net, encoder *layers.Sequential) {
	encoder = layers.NewSequential(
		layers.NewLinear(data.USPSPixels, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, 2, rng),
	)
	decoder := layers.NewSequential(
		layers.NewLinear(2, hidden, rng), layers.NewTanh(),
		layers.NewLinear(hidden, data.USPSPixels, rng), layers.NewSigmoid(),
	)
	return layers.NewSequential(encoder, decoder), encoder
}

// A variant is an auto-encoder of the suggestions and its test scores.
type variant struct {
	name              string
	code, params      int
	net, encoder      *layers.Sequential
	testLoss, testMSE float64
	codes             *tensor.Tensor // of the test digits
}

// A clustering is k-means (k = 10) on one representation of the test
// digits, scored against their labels.
type clustering struct {
	input       string
	dims        int
	purity, nmi float64
}

// suggestions trains the tied auto-encoder and the one with a 2-d code with
// the settings h, and clusters the test digits with k-means.
func suggestions(s *summary, h hyper, cfg *cli.Config, workers int, stderr io.Writer) error {
	plain := &variant{name: "untied (the report's)", code: h.code, net: s.net, encoder: s.encoder}
	tied := &variant{name: "tied", code: h.code}
	flat := &variant{name: "untied, 2-d linear code", code: 2}
	err := parallel(2, workers, func(i int) error {
		var err error
		if i == 0 {
			tied.net, tied.encoder = newTiedAutoencoder(h.hidden, h.code, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
			_, err = fit(tied.net, h, cfg.Epochs, cfg.Seed, 0, s.train.X, nil, nil)
		} else {
			flat.net, flat.encoder = newAutoencoder2D(h.hidden, rand.New(rand.NewPCG(cfg.Seed, streamInit)))
			_, err = fit(flat.net, h, cfg.Epochs, cfg.Seed, 0, s.train.X, nil, nil)
		}
		if err != nil {
			return fmt.Errorf("%s auto-encoder: %w", []string{"tied", "2-d"}[i], err)
		}
		fmt.Fprintf(stderr, "%s auto-encoder trained\n", []string{"tied", "2-d code"}[i])
		return nil
	})
	if err != nil {
		return err
	}
	for _, v := range []*variant{plain, tied, flat} {
		v.params = countParameters(v.net)
		v.testLoss = bce(v.net, s.test.X)
		v.testMSE = meanSquaredError(forward(v.net, s.test.X), s.test.X)
		v.codes = forward(v.encoder, s.test.X)
	}
	s.variants = []*variant{plain, tied, flat}

	// k-means with k = 10 on the test digits: the pixels, then each code.
	for _, in := range []struct {
		name string
		x    *tensor.Tensor
	}{
		{"pixels", s.test.X},
		{"codes of the untied auto-encoder", plain.codes},
		{"codes of the tied auto-encoder", tied.codes},
		{"codes of the 2-d auto-encoder", flat.codes},
	} {
		r, err := kmeans.Fit(in.x, digits.Classes, rand.New(rand.NewPCG(cfg.Seed, streamKMean)), kmeans.Options{Restarts: kmeansStarts})
		if err != nil {
			return fmt.Errorf("k-means of the %s: %w", in.name, err)
		}
		s.clusterings = append(s.clusterings, clustering{input: in.name, dims: in.x.Cols(),
			purity: kmeans.Purity(r.Labels, s.test.Labels), nmi: kmeans.NMI(r.Labels, s.test.Labels)})
	}
	return nil
}

// writeSuggestions writes the two tables of the suggestions.
func (s *summary) writeSuggestions(w io.Writer) {
	if s.variants == nil {
		return
	}
	fmt.Fprintf(w, "\nTied weights and a 2-d code: the decoder of the tied auto-encoder uses the encoder's weights transposed, "+
		"with biases of its own; the same settings and seed as the report's (%d epochs).\n\n", s.epochs)
	t := &cli.Table{Header: []string{"auto-encoder", "code", "parameters", "test BCE", "test MSE per pixel"}}
	for _, v := range s.variants {
		t.Add(v.name, v.code, v.params, fmt.Sprintf("%.4f", v.testLoss), fmt.Sprintf("%.4f", v.testMSE))
	}
	t.Write(w)
	fmt.Fprintf(w, "\nk-means (k = %d, k-means++, the best of %d starts) of the %d test digits, against their labels: "+
		"purity (the share of digits in their cluster's majority class) and NMI (normalised mutual information, arithmetic mean).\n\n",
		digits.Classes, kmeansStarts, s.test.Len())
	t = &cli.Table{Header: []string{"k-means of the", "dimensions", "purity", "NMI"}}
	for _, c := range s.clusterings {
		t.Add(c.input, c.dims, cli.Percent(c.purity), fmt.Sprintf("%.3f", c.nmi))
	}
	t.Write(w)
}

// digitScatter returns the points xy (n×2, row-major) coloured by the
// digits of labels.
func digitScatter(title string, xy []float64, labels []int) *plot.Scatter {
	m := plot.NewScatter(title, "", "")
	m.Width, m.Height = 560, 520
	m.Legend = plot.LegendRight
	for d := range digits.Classes {
		var xs, ys []float64
		for i, l := range labels {
			if l == d {
				xs, ys = append(xs, xy[2*i]), append(ys, xy[2*i+1])
			}
		}
		if len(xs) > 0 {
			m.Add(fmt.Sprint(d), xs, ys).Colour = digitColours[d]
		}
	}
	return m
}

// latentSteps is the number of codes decoded along each axis of the plane.
const latentSteps = 15

// suggestionFigures draws the reconstructions of the three auto-encoders,
// the 2-d codes beside the t-SNE map, and the decoded points of the plane.
func (s *summary) suggestionFigures(save func(string, plot.Figure) error, idx []int) error {
	if s.variants == nil {
		return nil
	}
	test := s.test
	g := plot.NewImageGrid("Test digits, then the reconstructions of the untied, tied and 2-d-code auto-encoders", len(idx))
	g.Min, g.Max = 0, 1
	for _, i := range idx {
		g.Add(digits.Image(test, i), data.USPSSide, data.USPSSide, fmt.Sprintf("digit %d", test.Labels[i]))
	}
	for k, v := range s.variants {
		out := forward(v.net, test.X)
		for _, i := range idx {
			g.Add(out.Row(i), data.USPSSide, data.USPSSide, []string{"untied", "tied", "2-d code"}[k])
		}
	}
	if err := save("tied-reconstructions.svg", g); err != nil {
		return err
	}

	flat := s.variants[2]
	maps := plot.NewGrid("", 2,
		digitScatter(fmt.Sprintf("The 2-d codes of the %d test digits", test.Len()), flat.codes.Data, test.Labels),
		digitScatter(fmt.Sprintf("t-SNE of the %d-d codes", s.hyper.code), s.tsne.Y.Data, test.Labels))
	if err := save("latent2d.svg", maps); err != nil {
		return err
	}

	// The decoder on a latentSteps × latentSteps grid spanning the test
	// codes, the second coordinate growing upwards as in the scatter.
	lo, hi := [2]float64{flat.codes.Data[0], flat.codes.Data[1]}, [2]float64{flat.codes.Data[0], flat.codes.Data[1]}
	for i := range flat.codes.Rows() {
		for a := range 2 {
			lo[a], hi[a] = min(lo[a], flat.codes.At(i, a)), max(hi[a], flat.codes.At(i, a))
		}
	}
	z := tensor.New(latentSteps*latentSteps, 2)
	for r := range latentSteps {
		for c := range latentSteps {
			z.Set(r*latentSteps+c, 0, lo[0]+(hi[0]-lo[0])*float64(c)/(latentSteps-1))
			z.Set(r*latentSteps+c, 1, hi[1]-(hi[1]-lo[1])*float64(r)/(latentSteps-1))
		}
	}
	decoded := forward(flat.net.Modules()[1], z)
	g = plot.NewImageGrid(fmt.Sprintf("The decoder of the 2-d code on a %d×%d grid of codes, from (%.2f, %.2f) bottom left to (%.2f, %.2f) top right",
		latentSteps, latentSteps, lo[0], lo[1], hi[0], hi[1]), latentSteps)
	g.Min, g.Max, g.Scale = 0, 1, 3
	for i := range z.Rows() {
		g.Add(decoded.Row(i), data.USPSSide, data.USPSSide, "")
	}
	return save("latent2d-decoded.svg", g)
}
