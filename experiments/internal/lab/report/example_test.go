package report_test

import (
	"fmt"

	"github.com/nndiy/nndiy/experiments/internal/lab/report"
)

// A section links its figures by file name; in the report they live under
// figures/NAME.
func ExampleRewriteLinks() {
	md := "![loss](loss.svg) ![map](figures/autoencoder/tsne.svg) [PyTorch](https://pytorch.org)"
	fmt.Println(report.RewriteLinks(md, "autoencoder"))
	// Output:
	// ![loss](figures/autoencoder/loss.svg) ![map](figures/autoencoder/tsne.svg) [PyTorch](https://pytorch.org)
}
