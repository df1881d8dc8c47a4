// Command report runs every section of the report and writes docs/report.md
// with the figures under docs/figures/: what the report found beside what
// nndiy measures, with the command and the machine. See package
// experiments/internal/lab/report.
//
//	go run ./experiments/report                  # the full run, into docs/ (about 12 minutes)
//	go run ./experiments/report -quick           # a fast pass, into out/report/
//	go run ./experiments/report -only usps,autoencoder
//
// Run it from the root of the module: -out docs is relative, and §5.1 reads
// PyTorch's losses from experiments/sequential.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/report"
)

func main() {
	cli.Main("report", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// run parses the command line args and runs the report over sections, the
// sections' summaries on stdout and their progress on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	return runSections(args, stdout, stderr, report.Sections)
}

func runSections(args []string, stdout, stderr io.Writer, sections []report.Section) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := report.Options{Stdout: stdout, Stderr: stderr}
	fs.StringVar(&opts.Out, "out", "", "`directory` of report.md and its figures (default docs, or out/report with -quick)")
	fs.BoolVar(&opts.Quick, "quick", false, "run every section in quick mode")
	opts.Data.RegisterFlags(fs)
	only := fs.String("only", "", "comma-separated `sections` to run (default all)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if opts.Out == "" {
		opts.Out = "docs"
		if opts.Quick {
			opts.Out = "out/report"
		}
	}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	opts.Command = strings.Join(append([]string{"go run ./experiments/report"}, args...), " ")
	r, err := report.Run(opts, sections)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nreport: %s (%s)\n", r.Path, r.Time.Round(1e9))
	return nil
}
