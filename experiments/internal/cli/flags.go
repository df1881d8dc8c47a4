package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Config holds the flags every experiment has, and where it writes.
type Config struct {
	Epochs int     // passes over the training data
	LR     float64 // learning rate
	Batch  int     // mini-batch size
	Seed   uint64  // seed of every random number of the run
	Out    string  // directory the figures are written to
	Quick  bool    // small settings, for tests and a fast look

	Stdout io.Writer // the summary (os.Stdout in a main)
	Stderr io.Writer // progress lines (os.Stderr in a main)
}

// Register defines -epochs, -lr, -batch, -seed, -out and -quick on fs with
// the given defaults and returns the Config they fill. The default -out is
// out/NAME.
func Register(fs *flag.FlagSet, name string, def Config) *Config {
	c := def
	if c.Out == "" {
		c.Out = filepath.Join("out", name)
	}
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "number of `epochs`")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning `rate`")
	fs.IntVar(&c.Batch, "batch", c.Batch, "mini-batch `size`")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random `seed`")
	fs.StringVar(&c.Out, "out", c.Out, "output `directory` for figures")
	fs.BoolVar(&c.Quick, "quick", false, "small settings, for tests and a fast look")
	c.Stdout, c.Stderr = os.Stdout, os.Stderr
	return &c
}

// Check returns an error for flag values no run can use.
func (c *Config) Check() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("-epochs must be at least 1, have %d", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("-batch must be at least 1, have %d", c.Batch)
	case !(c.LR > 0):
		return fmt.Errorf("-lr must be positive, have %g", c.LR)
	}
	return nil
}

// Path returns the path of a file in the output directory, creating the
// directory if needed.
func (c *Config) Path(name string) (string, error) {
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(c.Out, name), nil
}

// Parse parses args with fs and rejects positional arguments, which no
// experiment takes. After -h or -help it returns flag.ErrHelp, which Main
// treats as success.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}

// Main runs an experiment's main body and exits with status 1 and the
// error on stderr when it fails, so that users see a message, not a stack.
// flag.ErrHelp (the usage was asked for and printed) exits with status 0.
func Main(name string, run func() error) {
	if err := run(); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
