// Command report runs every section of the report and writes docs/report.md
// with the figures under docs/figures/: what the report found beside what
// nndiy measures, with the command and the machine. See package
// experiments/internal/lab/report.
//
//	go run ./experiments/report                  # the full run, into docs/
//	go run ./experiments/report -quick           # a fast pass, into out/report/
//	go run ./experiments/report -only usps,autoencoder
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/lab/report"
)

func main() {
	opts := report.Options{Stdout: os.Stdout, Stderr: os.Stderr}
	flag.StringVar(&opts.Out, "out", "", "`directory` of report.md and its figures (default docs, or out/report with -quick)")
	flag.BoolVar(&opts.Quick, "quick", false, "run every section in quick mode")
	opts.Data.RegisterFlags(flag.CommandLine)
	only := flag.String("only", "", "comma-separated `sections` to run (default all)")
	flag.Parse()
	if opts.Out == "" {
		opts.Out = "docs"
		if opts.Quick {
			opts.Out = "out/report"
		}
	}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	opts.Command = strings.Join(append([]string{"go run ./experiments/report"}, os.Args[1:]...), " ")
	cli.Main("report", func() error {
		r, err := report.Run(opts, report.Sections)
		if err != nil {
			return err
		}
		fmt.Printf("\nreport: %s (%s)\n", r.Path, r.Time.Round(1e9))
		return nil
	})
}
