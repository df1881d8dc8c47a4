package kernel_test

import (
	"fmt"

	"github.com/nndiy/nndiy/internal/kernel"
)

// A 4×3 matrix a times a 3×8 matrix b, the tile read from a where it lies
// (row stride 3, column stride 1) and from b packed as a micro-panel of 8
// columns, which a row-major k×8 matrix already is.
func ExampleStrided() {
	a := []float64{
		1, 0, 0,
		0, 1, 0,
		0, 0, 1,
		1, 1, 1,
	}
	b := []float64{
		1, 2, 3, 4, 5, 6, 7, 8,
		10, 20, 30, 40, 50, 60, 70, 80,
		100, 200, 300, 400, 500, 600, 700, 800,
	}
	var t kernel.Tile
	kernel.Strided(3, 1, a, 3, 1, 0, b, kernel.NR, 0, &t)
	for i := range kernel.MR {
		fmt.Println(t[i*kernel.NR : (i+1)*kernel.NR])
	}
	// Output:
	// [1 2 3 4 5 6 7 8]
	// [10 20 30 40 50 60 70 80]
	// [100 200 300 400 500 600 700 800]
	// [111 222 333 444 555 666 777 888]
}

// The rows of a 2×2 window over a 3×3 image, one value per pixel, read as
// two runs of two values: run r starts one image row (3 values) after run
// r−1, and reads its own two rows of the packed weights.
func ExampleStrided_window() {
	image := []float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	// Four windows at once would read four images; here the four tile rows
	// all read the same image (rs = 0), at its top-left window.
	w := make([]float64, 4*kernel.NR) // 4 weights × 8 output channels
	for j := range kernel.NR {
		w[0*kernel.NR+j], w[1*kernel.NR+j] = 1, 10 // top row of the window
		w[2*kernel.NR+j], w[3*kernel.NR+j] = 100, 1000
	}
	var t kernel.Tile
	kernel.Strided(2, 2, image, 0, 1, 3, w, kernel.NR, 2*kernel.NR, &t)
	fmt.Println(t[0]) // 1·1 + 2·10 + 4·100 + 5·1000
	// Output: 5421
}
