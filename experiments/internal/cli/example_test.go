package cli_test

import (
	"os"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

func ExampleTable() {
	t := cli.Table{Header: []string{"data set", "accuracy"}}
	t.Add("two Gaussians", 1.0)
	t.Add("XOR", 0.4975)
	t.Write(os.Stdout)
	// Output:
	// | data set      | accuracy |
	// |---------------|----------|
	// | two Gaussians | 1        |
	// | XOR           | 0.4975   |
}
