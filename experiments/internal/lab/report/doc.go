// Package report runs every section of the report and writes docs/report.md,
// behind the command experiments/report.
//
// Each Section is one line of the Sections table: its name (which is also
// the directory of its figures, docs/figures/NAME), its heading, what the
// report found there, and a function that runs the section's experiment
// (a package under experiments/internal/lab) with the settings of its own
// command and returns its Result, whose Markdown method gives the section's
// body. Adding a section is adding a line.
//
// Run gives each section a copy of the Config with Out set to
// OUT/figures/NAME, runs the sections in order, and assembles the Markdown:
// a header with the command, the machine and the time, then each section
// under its heading, with what the report found beside what this run
// measured. A section's Markdown may link its figures by file name
// (relative to its output directory) or as figures/NAME/FILE (relative to
// docs/); Run rewrites the first form into the second, so both resolve from
// OUT/report.md. A heading on the first line of a section's Markdown is
// replaced by the report's.
package report
