// Package digits is what the experiments on handwritten digits share: where
// the images come from (USPS through data.FindUSPS, or a generator of
// synthetic digits for tests on machines without the data), and how a
// classifier of them is scored and shown (predictions, the confusion matrix,
// a grid of digits with their predicted labels).
//
// # Where the digits come from
//
// A Source holds the -data and -synthetic flags of an experiment:
//
//	var src digits.Source
//	src.RegisterFlags(flag.CommandLine)
//	...
//	train, test, err := src.Load()
//
// Load reads USPS with data.FindUSPS (the -data directory, then $NNDIY_DATA,
// the cache, a download), or generates digits when Synthetic is set.
// TestSource is the source of the tests: the real data when $NNDIY_DATA names
// it, generated digits otherwise, so that the tests never download;
// TestFlags gives the same choice as command-line flags.
//
// # Synthetic digits
//
// Generate draws digits with USPS's shapes: n×256 images of 16×16 pixels
// in [0, 1] (0 the background) and labels 0 … 9. Each class has a template
// of pen strokes (the 0 is an ellipse, the 7 a bar and a diagonal, …);
// each image moves the template's control points a little, applies a random
// small affine map (shift, scale, rotation, shear), draws the strokes with a
// random pen width and ink, and adds Gaussian noise. The classes are easy to
// learn but not trivially so: a small MLP gets most of them right after a few
// epochs, as on USPS. The same seed gives the same images.
//
// # Scoring a classifier
//
// Predict runs a network over a data set in batches and returns the argmax
// of each output row; the examples may be rows, sequences or images, one per
// index of the first axis. A Confusion counts (true, predicted) pairs and gives
// the accuracy, the per-class accuracy, a table and a heat map. DigitGrid
// draws chosen images with their predicted and true labels, mistakes framed
// in red; OnePerClass and Mistakes choose which.
//
// # What the digit experiments share
//
// LoadSets applies the -quick and -val flags to a Source, Shifted gives the
// training images redrawn with new shifts each epoch (the -shift flag),
// Distorted the same with small random rotations, scalings and shifts (a
// Distortion draws each image's Warp, read by bilinear interpolation),
// PrepareSave creates the directory of a -save file before training, and
// Describe names the files a run read and their format. Nothing here builds
// a network, picks a loss or trains: the experiments' mains do.
package digits
