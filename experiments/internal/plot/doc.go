// Package plot draws the figures of the experiments as self-contained SVG
// (and digit grids also as PNG), with the standard library alone.
//
// # Figures
//
//   - LineChart: labelled series joined by lines, for loss and accuracy
//     curves; optional log-scale y axis, dashed series (a reference curve
//     over the library's own) and point markers.
//   - Scatter: groups of labelled 2-D points, one colour and marker shape
//     per group; AddByLabel splits a data set by its labels.
//   - DecisionBoundary: a Scatter over a classifier's score on a grid, as
//     a light two-colour background plus the contour score = Level, traced
//     by marching squares.
//   - Heatmap: a matrix as coloured cells with optional annotations and
//     colour bar; ConfusionMatrix builds one from counts.
//   - ImageGrid: small grayscale images (16×16 digits) with captions,
//     mistakes framed in red; SVG or PNG.
//   - BarChart: groups of horizontal bars, one per series, for benchmark
//     results, with other measurements of each value as dots.
//   - Grid: several figures as panels of one SVG.
//
// Each figure has WriteSVG and SaveSVG methods; all satisfy Figure.
//
// For the experiment programs: Dir saves a run's figures into its output
// directory and lists them as Markdown image links; BoundaryPanel and
// BoundaryGrid lay out the decision boundaries of several classifiers (the
// program passes each one's score function, plot never sees a model); and
// CheckSVG is what their tests ask of a written figure.
//
// # Conventions
//
// Sizes are in SVG user units, which a browser shows as CSS pixels; the
// document has a viewBox, so it also scales to any width. Text is set in
// a sans-serif face (DejaVu Sans, Helvetica or Arial, whichever the viewer
// has). Colours come from Palette, the Okabe–Ito colours, which stay
// distinct for colour-blind readers; series and classes also differ in
// dash or marker shape.
//
// Axes span the data (plus a small margin) unless a range is fixed, with
// ticks at 1, 2 or 5 times a power of ten, or at powers of ten on a log
// axis. The legend goes in the corner of the plot where it hides the
// least data or, when every corner would hide some, to the right of a
// line chart or below a scatter plot.
//
// To look at every kind of figure, write the test samples to a directory
// and open them in a browser (or convert them with rsvg-convert):
//
//	PLOT_SAMPLES=/tmp/plots go test ./experiments/internal/plot -run TestSamples
//
// # Errors
//
// Values that cannot be drawn, NaN, ±Inf and, on a log axis, numbers ≤ 0,
// are skipped: a line has a gap there. A figure with nothing to draw (no
// series, no finite point, no image) makes WriteSVG return an error, as
// do inconsistent exported fields such as a ragged heat map. Slices of
// different lengths passed to an Add method are a programming error and
// panic with both lengths in the message.
package plot
