package cli_test

import (
	"errors"
	"fmt"
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

func ExampleExitCode() {
	err := cli.Usagef("-epochs must be at least 1, have %d", -3)
	fmt.Println(cli.ExitCode(nil), cli.ExitCode(err), cli.ExitCode(errors.New("the training diverged")))
	fmt.Println(cli.Percent(0.9576))
	// Output:
	// 0 2 1
	// 95.76 %
}
