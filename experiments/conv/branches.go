package main

// The figures of the two-branch network (model "branches"): its kernels
// and maps, drawn as those of the course's network but for both branches.
// Plumbing, like summary.go.

import (
	"fmt"
	"math"
	"slices"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/plot"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/tensor"
)

// branchConvs returns the two-branch network's convolutions, over the rows
// and over the columns, or nil if net is not such a network.
func branchConvs(net *layers.Sequential) (rows, columns *layers.Conv1D) {
	c, ok := net.Modules()[0].(*layers.Concat)
	if !ok {
		return nil, nil
	}
	b := c.Branches()
	return b[0].(*layers.Sequential).Modules()[0].(*layers.Conv1D), b[1].(*layers.Sequential).Modules()[1].(*layers.Conv1D)
}

// branchFilterGrid shows the kernels of both branches as filterGrid does:
// the row branch's as 1×3 images, the column branch's as 3×1, since they
// slide down the columns of the digit.
func branchFilterGrid(m *result) *plot.ImageGrid {
	rows, columns := branchConvs(m.net)
	chans := rows.Weight.Value.Shape[2]
	g := plot.NewImageGrid(fmt.Sprintf("%s: the %d kernels of each branch, rows (r, 1×3) then columns (c, 3×1)", m.title, chans), 16)
	g.Scale = 16
	g.Min, g.Max = -1, 1
	for b, conv := range []*layers.Conv1D{rows, columns} {
		w := conv.Weight.Value // (k, 1, chans)
		k := w.Shape[0]
		for o := range chans {
			pix := make([]float64, k)
			for q := range pix {
				pix[q] = w.Data[q*chans+o]
			}
			normalize(pix)
			if b == 0 {
				g.Add(pix, k, 1, fmt.Sprint("r", o+1))
			} else {
				g.Add(pix, 1, k, fmt.Sprint("c", o+1))
			}
		}
	}
	return g
}

// branchMapGrid shows what both branches' convolutions make of one digit,
// as mapGrid does: the row branch's output at position t (window t, t+1,
// t+2 of the digit read row after row) at pixel t+1; the column branch's
// output at position t of the transposed digit at its pixel t+1 of the
// transposed digit, transposed back. Only the first 8 kernels of each.
func branchMapGrid(m *result, digit []float64, label int) *plot.ImageGrid {
	const side = data.USPSSide
	rows, columns := branchConvs(m.net)
	x := tensor.FromSlice(digit, 1, side*side, 1)
	back := layers.NewTransposeImage(side, side)
	g := plot.NewImageGrid(fmt.Sprintf("%s: a %d through the rows' kernels (r) and the columns' (c)", m.title, label), 9)
	g.Scale = 4
	g.Min, g.Max = -1, 1
	for b, conv := range []*layers.Conv1D{rows, columns} {
		in := x
		if b == 1 {
			in = layers.NewTransposeImage(side, side).Forward(x)
		}
		y := conv.Forward(in)
		chans, positions := y.Shape[2], y.Shape[1]
		pix := make([]float64, side*side)
		for i, v := range digit {
			pix[i] = 2*v - 1
		}
		g.Add(pix, side, side, "input")
		for o := range min(chans, 8) {
			pix := tensor.New(1, side*side)
			for i := range pix.Data {
				pix.Data[i] = math.NaN()
			}
			for t := range positions {
				pix.Data[1+t] = y.Data[t*chans+o]
			}
			if b == 1 {
				pix = back.Forward(pix)
			}
			normalize(pix.Data)
			g.Add(slices.Clone(pix.Data), side, side, fmt.Sprint([]string{"r", "c"}[b], o+1))
		}
	}
	return g
}
