package report

import (
	"bufio"
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
	"github.com/nndiy/nndiy/experiments/internal/digits"
)

// A Section is one section of the report.
type Section struct {
	// Name is the section's short name: its figures go to figures/NAME,
	// and -only selects it by this name.
	Name string
	// Title is the heading, "§6 …" for a section of the report.
	Title string
	// Report says what the report found, to read beside this run's numbers;
	// empty when the report gives nothing to compare.
	Report string
	// Run runs the experiment with cfg (Out, Quick and the writers set by
	// Run, the rest left for the section to fill) on the digits of src
	// when it uses them, and returns its result.
	Run func(cfg *cli.Config, src digits.Source) (Markdowner, error)
}

// Markdowner is a section's result: its body in Markdown.
type Markdowner interface {
	Markdown() string
}

// Options set up a run of the report.
type Options struct {
	// Out is the directory report.md and figures/ are written to.
	Out string
	// Quick runs every section in quick mode.
	Quick bool
	// Data is where the digits come from, for the sections that use them.
	Data digits.Source
	// Only, when not empty, names the sections to run; the others are left
	// out of the report.
	Only []string
	// Command is the command line to print in the header.
	Command string
	// Stdout receives each section's summary, Stderr the progress lines.
	Stdout, Stderr io.Writer
}

// Result is a finished report.
type Result struct {
	Markdown string
	Path     string // where it was written
	Sections []SectionResult
	Time     time.Duration
}

// SectionResult is a section's outcome.
type SectionResult struct {
	Section
	Time time.Duration
}

// Run runs the sections in order, writes OUT/report.md and returns it.
// It stops at the first section that fails.
func Run(opts Options, sections []Section) (*Result, error) {
	chosen, err := choose(sections, opts.Only)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{}
	var body strings.Builder
	for _, s := range chosen {
		fmt.Fprintf(opts.Stderr, "== %s\n", s.Title)
		cfg := &cli.Config{
			Out:    filepath.Join(opts.Out, "figures", s.Name),
			Quick:  opts.Quick,
			Stdout: opts.Stdout,
			Stderr: opts.Stderr,
		}
		t := time.Now()
		r, err := s.Run(cfg, opts.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		sr := SectionResult{Section: s, Time: time.Since(t)}
		res.Sections = append(res.Sections, sr)
		writeSection(&body, sr, r.Markdown())
	}
	res.Time = time.Since(start)

	var b strings.Builder
	writeHeader(&b, opts, res)
	b.WriteString(body.String())
	res.Markdown = b.String()
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, err
	}
	res.Path = filepath.Join(opts.Out, "report.md")
	if err := os.WriteFile(res.Path, []byte(res.Markdown), 0o644); err != nil {
		return nil, err
	}
	return res, nil
}

// choose returns the sections named in only, in the table's order, or all.
func choose(sections []Section, only []string) ([]Section, error) {
	if len(only) == 0 {
		return sections, nil
	}
	var chosen []Section
	known := map[string]bool{}
	for _, s := range sections {
		known[s.Name] = true
	}
	want := map[string]bool{}
	for _, name := range only {
		if !known[name] {
			return nil, fmt.Errorf("-only: no section %q (have %s)", name, names(sections))
		}
		want[name] = true
	}
	for _, s := range sections {
		if want[s.Name] {
			chosen = append(chosen, s)
		}
	}
	return chosen, nil
}

func names(sections []Section) string {
	var ns []string
	for _, s := range sections {
		ns = append(ns, s.Name)
	}
	return strings.Join(ns, ", ")
}

// writeHeader writes the title, the command, the machine and the contents.
func writeHeader(b *strings.Builder, opts Options, res *Result) {
	b.WriteString("# The report, reproduced by nndiy\n\n")
	b.WriteString("Each section of the report, run again with nndiy: what the report found beside what this run measured, " +
		"and the figures the run drew. This file is written by the command below; do not edit it by hand.\n\n")
	kind := "a full run"
	if opts.Quick {
		kind = "a quick run on subsets with few epochs: not the numbers to quote"
	}
	fmt.Fprintf(b, "- Command: `%s` (%s)\n", opts.Command, kind)
	if c := Commit(); c != "" {
		fmt.Fprintf(b, "- Commit: %s\n", c)
	}
	fmt.Fprintf(b, "- Machine: %s\n", Machine())
	fmt.Fprintf(b, "- Digits: %s\n", opts.Data)
	fmt.Fprintf(b, "- Time: %s in all\n\n", res.Time.Round(time.Second))
	t := cli.Table{Header: []string{"section", "time"}}
	for _, s := range res.Sections {
		t.Add(fmt.Sprintf("[%s](#%s)", s.Title, anchor(s.Title)), s.Time.Round(100*time.Millisecond).String())
	}
	t.Write(b)
	b.WriteString("\n")
}

// writeSection writes a section under its heading, its links rewritten to
// resolve from the report's directory.
func writeSection(b *strings.Builder, s SectionResult, md string) {
	fmt.Fprintf(b, "## %s\n\n", s.Title)
	if s.Report != "" {
		fmt.Fprintf(b, "**The report:** %s\n\n", s.Report)
	}
	md = strings.TrimLeft(md, "\n")
	if strings.HasPrefix(md, "#") {
		_, md, _ = strings.Cut(md, "\n")
		md = strings.TrimLeft(md, "\n")
	}
	b.WriteString(RewriteLinks(md, s.Name))
	if !strings.HasSuffix(md, "\n") {
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// link matches the target of a Markdown link or image: ](target).
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// RewriteLinks makes the relative links of a section's Markdown that are
// not already under figures/ point into figures/NAME/, where the section's
// figures are. Absolute paths, URLs and anchors are left alone.
func RewriteLinks(md, name string) string {
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

// Commit returns the commit of the code that runs: the VCS revision stamped
// into the binary by go build, else what git says of the working directory
// (go run stamps nothing), with "+ changes" when the tree differs from it;
// "" when neither knows.
func Commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" {
			return describe(rev[:min(len(rev), 7)], modified)
		}
	}
	out, err := exec.Command("git", "rev-parse", "--short=7", "HEAD").Output()
	if err != nil {
		return ""
	}
	status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	return describe(strings.TrimSpace(string(out)), err != nil || len(status) > 0)
}

func describe(rev string, modified bool) string {
	if modified {
		return rev + " + changes"
	}
	return rev
}

// Machine describes the machine: the CPU model, the number of cores, and Go.
func Machine() string {
	cpu := cpuModel()
	if cpu == "" {
		cpu = runtime.GOARCH
	}
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %s %s/%s", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// cpuModel returns the model name of the first CPU in /proc/cpuinfo, or "".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
