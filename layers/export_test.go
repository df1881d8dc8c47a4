package layers

import "github.com/nndiy/nndiy/tensor"

// ConvDefinition runs the definition of m, a *Conv1D or a *Conv2D: the
// plain loops of conv1d.go or conv2d.go, on x and δ. It returns the output
// y, dL/dx, and dL/dW and dL/db (nil without bias) summed from zero; m's
// own gradients are not touched.
func ConvDefinition(m Module, x, delta *tensor.Tensor) (y, dx, dw, db *tensor.Tensor) {
	var c *convCore
	switch m := m.(type) {
	case *Conv1D:
		c = &m.conv
	case *Conv2D:
		c = &m.conv
	default:
		panic("layers.ConvDefinition: not a convolution")
	}
	g := c.geom
	im2colSetInput(&g, c.layer, "ConvDefinition", c.rank, false, x)
	im2colCheckDelta(&g, c.layer, "ConvDefinition", c.rank, c.chanOut, delta)
	shape, rank := im2colOutShape(&g, c.rank, c.chanOut)
	y, dx, dw = tensor.New(shape[:rank]...), tensor.New(x.Shape...), tensor.New(c.weight.Value.Shape...)
	var bias, dbData []float64
	if c.bias != nil {
		bias, db = c.bias.Value.Data, tensor.New(c.chanOut)
		dbData = db.Data
	}
	w := c.weight.Value.Data
	if c.rank == 3 {
		conv1DForward(&g, c.chanOut, x.Data, w, bias, y.Data)
		conv1DBackwardUpdateGradient(&g, c.chanOut, x.Data, delta.Data, dw.Data, dbData)
		conv1DBackwardDelta(&g, c.chanOut, w, delta.Data, dx.Data)
	} else {
		conv2DForward(&g, c.chanOut, x.Data, w, bias, y.Data)
		conv2DBackwardUpdateGradient(&g, c.chanOut, x.Data, delta.Data, dw.Data, dbData)
		conv2DBackwardDelta(&g, c.chanOut, w, delta.Data, dx.Data)
	}
	return y, dx, dw, db
}

// PoolPairs reports whether m, a max-pooling, finds its arg-maxes with the
// fast path for windows of 2 columns moved by 2 (maxPairs) rather than with
// the general loop (maxImages).
func PoolPairs(m Module) bool {
	switch m := m.(type) {
	case *MaxPool1D:
		return m.pool.pairs()
	case *MaxPool2D:
		return m.pool.pairs()
	}
	panic("layers.PoolPairs: not a max-pooling")
}
