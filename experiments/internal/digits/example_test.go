package digits_test

import (
	"fmt"
	"math"
	"os"

	"github.com/nndiy/nndiy/experiments/internal/digits"
)

// Synthetic digits have USPS's shapes: 16×16 grey levels in [0, 1], one
// image per row, every digit once in each block of ten.
func ExampleGenerate() {
	ds := digits.Generate(20, 1)
	fmt.Println("images:", ds.X.Shape)
	fmt.Println("labels:", ds.Labels)
	fmt.Println("counts:", ds.ClassCounts())
	// Output:
	// images: [20 256]
	// labels: [6 3 1 9 7 4 8 2 0 5 7 9 1 2 0 8 6 3 4 5]
	// counts: [2 2 2 2 2 2 2 2 2 2]
}

// A Confusion counts a classifier's answers by true and predicted digit.
func ExampleConfusion() {
	truth := []int{0, 0, 1, 1, 1, 7}
	pred := []int{0, 6, 1, 1, 7, 7}
	c := digits.NewConfusion(truth, pred)
	fmt.Printf("accuracy %.3f, digit 1: %.3f\n", c.Accuracy(), c.ClassAccuracy(1))
	fmt.Println("1 taken for 7:", c[1][7])
	fmt.Println("first mistakes:", digits.Mistakes(truth, pred, 2))
	// Output:
	// accuracy 0.667, digit 1: 0.667
	// 1 taken for 7: 1
	// first mistakes: [1 4]
}

// An experiment loads its digits from a Source: USPS, or generated digits
// with -synthetic (which never needs the data).
func ExampleSource() {
	src := digits.Source{Synthetic: true}
	train, test, err := src.LoadHead(100, 50)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(src, train.Len(), test.Len())
	// Output: synthetic digits 100 50
}

// A Warp reads each pixel of the new image between four pixels of the old:
// shifted by half a pixel to the right, a lit pixel lights two at half ink;
// turned by a quarter turn about the centre, a pixel right of the centre
// goes below it.
func ExampleWarp() {
	src := make([]float64, 256)
	src[7*16+12] = 1 // row 7, column 12
	dst := make([]float64, 256)
	lit := func() {
		for i, v := range dst {
			if v > 1e-9 {
				fmt.Printf(" (%d, %d): %.2f", i/16, i%16, v)
			}
		}
		fmt.Println()
	}
	digits.Warp{Scale: 1, DX: 0.5}.Apply(dst, src)
	lit()
	digits.Warp{Angle: math.Pi / 2, Scale: 1}.Apply(dst, src)
	lit()
	// Output:
	//  (7, 12): 0.50 (7, 13): 0.50
	//  (12, 8): 1.00
}
