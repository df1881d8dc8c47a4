package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
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
	// Markdown asks for the summary as the Markdown body of the section in
	// docs/report.md, figures linked by their file names in Out.
	Markdown bool

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
	fs.BoolVar(&c.Markdown, "markdown", false, "print the summary as the Markdown body of the report's section")
	c.Stdout, c.Stderr = os.Stdout, os.Stderr
	return &c
}

// Check returns a UsageError for flag values no run can use.
func (c *Config) Check() error {
	switch {
	case c.Epochs < 1:
		return Usagef("-epochs must be at least 1, have %d", c.Epochs)
	case c.Batch < 1:
		return Usagef("-batch must be at least 1, have %d", c.Batch)
	case !(c.LR > 0) || math.IsInf(c.LR, 1):
		return Usagef("-lr must be a positive number, have %g", c.LR)
	}
	return nil
}

// MakeOut creates the output directory and checks that a file can be
// written in it: a run calls it before training, so that a bad -out fails
// at once and not after the training.
func (c *Config) MakeOut() error {
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	f, err := os.CreateTemp(c.Out, ".write-test-*")
	if err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// A UsageError is a bad command line: an unknown flag, a value that does
// not parse or makes no sense, a stray argument. Main exits with status 2
// for it, as the flag package does, and 1 for any other failure.
type UsageError struct {
	Err error
	// Printed is true when the flag package has already printed the
	// error and the usage.
	Printed bool
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// NewFlagSet returns an empty flag set for the command name that reports
// its errors (instead of exiting) and prints them and its usage to stderr;
// its usage begins "Usage of NAME:".
func NewFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
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
// experiment takes: both are UsageErrors. After -h or -help it returns
// flag.ErrHelp, which Main treats as success.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Err: err, Printed: fs.ErrorHandling() == flag.ContinueOnError}
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments %q", fs.Args())
	}
	return nil
}

// Main runs an experiment's main body and exits when it fails, with the
// error on stderr, so that users see a message, not a stack: status 2 for
// a UsageError, 1 for any other error. flag.ErrHelp (the usage was asked
// for and printed) exits with status 0.
func Main(name string, run func() error) {
	err := run()
	if code := ExitCode(err); code != 0 {
		var u *UsageError
		if !errors.As(err, &u) || !u.Printed {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		}
		os.Exit(code)
	}
}

// ExitCode returns the exit status of a command whose main body returned
// err: 0 for nil and flag.ErrHelp, 2 for a UsageError, 1 otherwise.
func ExitCode(err error) int {
	var u *UsageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// Percent formats a fraction as a percentage with two decimals, "95.76 %",
// the one format of every table of the experiments.
func Percent(v float64) string { return fmt.Sprintf("%.2f %%", 100*v) }
