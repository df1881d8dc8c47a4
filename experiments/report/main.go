// Command report runs the section programs of the report, experiments/linear
// to experiments/conv and experiments/bench, and writes their summaries into
// one Markdown file, OUT/report.md, with their figures under OUT/figures/:
// what the report found beside what nndiy measures, with the command and the
// machine.
//
// It builds the programs once into a temporary directory with go build (so
// it must run inside the module, with the go command on the PATH), runs each
// with -markdown -out OUT/figures/NAME (and -quick with -quick), and embeds
// what each prints, its figure links rewritten to figures/NAME/.
//
//	go run ./experiments/report                 # the full run, into out/report (21 min of CPU; 24 min on a busy 2-core machine)
//	go run ./experiments/report -out docs       # the same, regenerating docs/report.md and docs/figures
//	go run ./experiments/report -quick          # a fast pass on subsets, into out/report
//	go run ./experiments/report -only usps,autoencoder
//
// It takes -out, -quick, -only, and -data and -synthetic, which it passes to
// the sections on the digits; each section runs with its own defaults for
// -epochs, -lr, -batch and -seed.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode"

	"github.com/nndiy/nndiy/experiments/internal/cli"
)

func main() {
	cli.Main("report", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// A section is one section of the report: the program experiments/NAME.
type section struct {
	name  string // the program's directory; its figures go to figures/NAME
	title string // the heading, "§6 …" for a section of the report
	// report says what the report found, to read beside this run's
	// numbers; empty when the report gives nothing to compare.
	report string
	args   []string // flags beyond -markdown, -out and -quick
	digits bool     // the section takes -data and -synthetic
}

// sections are the report's sections, in its order.
var sections = []section{
	{name: "linear", title: "§3 Linear regression and a linear classifier",
		report: "the linear model fits y = 3x + 4; as a classifier it solves the two Gaussians only, not XOR nor the checkerboard."},
	{name: "nonlinear", title: "§4 A hidden layer: Linear → TanH → Linear → Sigmoid",
		report: "one hidden layer also solves XOR; the checkerboard needs more."},
	{name: "sequential", title: "§5.1 Sequential: a deeper network, compared with PyTorch",
		report: "the network Linear(2,5) → TanH → Linear(5,10) → TanH → Linear(10,20) → TanH → Linear(20,1) → Sigmoid, " +
			"500 epochs, batch 32, gives loss curves and boundaries like PyTorch's."},
	{name: "optim", title: "§5.2 Optim: the training loop and four update rules"},
	{name: "usps", title: "§6 Multi-class classification of the USPS digits", digits: true,
		report: "Softmax + cross-entropy on probabilities reached 78 % test accuracy after 200 epochs; the fused log-softmax cross-entropy 92 %."},
	{name: "autoencoder", title: "§7 Auto-encoder", digits: true, args: []string{"-grid"},
		report: "figures only, no numbers: reconstructed test digits, loss curves, a t-SNE map of the codes, " +
			"and the best configuration of a grid search retrained (its figure 13)."},
	{name: "conv", title: "Convolutions: the course's part 6 on the USPS digits", digits: true},
	{name: "bench", title: "Speed: training steps and the matrix product"},
}

// run parses the command line args, runs the chosen sections and writes the
// report; the sections' progress goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("report", stderr)
	out := fs.String("out", filepath.Join("out", "report"), "`directory` of report.md and its figures (-out docs regenerates the committed report)")
	quick := fs.Bool("quick", false, "run every section in quick mode")
	dataDir := fs.String("data", "", "`directory` holding the USPS files, for the sections on the digits")
	synthetic := fs.Bool("synthetic", false, "run the sections on the digits on generated digits")
	only := fs.String("only", "", "comma-separated `sections` to run (default all)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	chosen, err := choose(*only)
	if err != nil {
		return err
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if err := (&cli.Config{Out: dir}).MakeOut(); err != nil {
		return err
	}

	// Build every program once, from the module's root.
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	rev := commit(root) // before the run rewrites any committed figure
	bin, err := os.MkdirTemp("", "nndiy-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator))
	for _, s := range chosen {
		build.Args = append(build.Args, "./experiments/"+s.name)
	}
	build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	start := time.Now()
	var body strings.Builder
	times := &cli.Table{Header: []string{"section", "time"}}
	for _, s := range chosen {
		fmt.Fprintf(stderr, "== %s\n", s.title)
		cmd := exec.Command(filepath.Join(bin, s.name), append([]string{"-markdown", "-out", filepath.Join(dir, "figures", s.name)}, s.args...)...)
		if *quick {
			cmd.Args = append(cmd.Args, "-quick")
		}
		if s.digits && *synthetic {
			cmd.Args = append(cmd.Args, "-synthetic")
		}
		if (s.digits || s.name == "bench") && *dataDir != "" {
			cmd.Args = append(cmd.Args, "-data", *dataDir)
		}
		var md bytes.Buffer
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, &md, stderr
		t := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		times.Add(fmt.Sprintf("[%s](#%s)", s.title, anchor(s.title)), time.Since(t).Round(100*time.Millisecond).String())
		writeSection(&body, s, md.String())
	}

	var b strings.Builder
	b.WriteString("# The report, reproduced by nndiy\n\n")
	b.WriteString("Each section of the report, run again with nndiy: what the report found beside what this run measured, " +
		"and the figures the run drew. This file is written by the command below; do not edit it by hand.\n\n")
	kind := "a full run"
	if *quick {
		kind = "a quick run on subsets with few epochs: not the numbers to quote"
	}
	fmt.Fprintf(&b, "- Command: `%s` (%s)\n", strings.Join(append([]string{"go run ./experiments/report"}, args...), " "), kind)
	if rev != "" {
		fmt.Fprintf(&b, "- Commit: %s\n", rev)
	}
	fmt.Fprintf(&b, "- Machine: %s\n", machine())
	digits := "USPS"
	if *synthetic {
		digits = "synthetic digits"
	}
	fmt.Fprintf(&b, "- Digits: %s\n", digits)
	fmt.Fprintf(&b, "- Time: %s in all\n\n", time.Since(start).Round(time.Second))
	times.Write(&b)
	b.WriteString("\n" + body.String())
	path := filepath.Join(dir, "report.md")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s (%s)\n", path, time.Since(start).Round(time.Second))
	return nil
}

// choose returns the sections named in only (comma-separated), in the
// report's order, or all of them when only is empty.
func choose(only string) ([]section, error) {
	if only == "" {
		return sections, nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(only, ",") {
		want[name] = true
	}
	var chosen, names []string
	var res []section
	for _, s := range sections {
		names = append(names, s.name)
		if want[s.name] {
			res = append(res, s)
			chosen = append(chosen, s.name)
			delete(want, s.name)
		}
	}
	for name := range want {
		return nil, cli.Usagef("-only: no section %q (have %s)", name, strings.Join(names, ", "))
	}
	return res, nil
}

// writeSection writes a section under its heading: the report's finding,
// then what the program printed, without a heading of its own and with its
// links rewritten to resolve from the report's directory.
func writeSection(b *strings.Builder, s section, md string) {
	fmt.Fprintf(b, "## %s\n\n", s.title)
	if s.report != "" {
		fmt.Fprintf(b, "**The report:** %s\n\n", s.report)
	}
	md = strings.TrimLeft(md, "\n")
	if strings.HasPrefix(md, "#") {
		_, md, _ = strings.Cut(md, "\n")
		md = strings.TrimLeft(md, "\n")
	}
	b.WriteString(strings.TrimRight(rewriteLinks(md, s.name), "\n"))
	b.WriteString("\n\n")
}

// link matches the target of a Markdown link or image: ](target).
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// rewriteLinks makes the relative links of a section's Markdown that are
// not already under figures/ point into figures/NAME/, where the section's
// figures are. Absolute paths, URLs and anchors are left alone.
func rewriteLinks(md, name string) string {
	return link.ReplaceAllStringFunc(md, func(m string) string {
		target := m[2 : len(m)-1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "/") || strings.HasPrefix(target, "#") ||
			strings.HasPrefix(target, "figures/") {
			return m
		}
		return "](figures/" + name + "/" + target + ")"
	})
}

// anchor returns the anchor GitHub gives a heading: lower case, letters,
// digits, hyphens and underscores kept, spaces made hyphens, the rest
// (such as §) dropped.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// moduleRoot returns the directory of the go.mod of the working directory.
func moduleRoot() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	path := strings.TrimSpace(string(gomod))
	if path == "" || path == os.DevNull {
		return "", fmt.Errorf("not inside the nndiy module: run the report from its checkout")
	}
	return filepath.Dir(path), nil
}

// commit returns the commit of the code that runs: the VCS revision stamped
// into the binary by go build, else what git says of the checkout at root
// (go run stamps nothing), with "+ changes" when the tree differs from it;
// "" when neither knows.
func commit(root string) string {
	rev, modified := "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(len(s.Value), 7)]
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev == "" {
		git := exec.Command("git", "rev-parse", "--short=7", "HEAD")
		git.Dir = root
		out, err := git.Output()
		if err != nil {
			return ""
		}
		rev = strings.TrimSpace(string(out))
		git = exec.Command("git", "status", "--porcelain", "--untracked-files=no")
		git.Dir = root
		status, err := git.Output()
		modified = err != nil || len(status) > 0
	}
	if modified {
		return rev + " + changes"
	}
	return rev
}

// machine describes the machine: the CPU model, the number of cores, and Go.
func machine() string {
	cpu := runtime.GOARCH
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %s %s/%s", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
