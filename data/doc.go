// Package data provides the data sets of the course: artificial points in
// the plane, the USPS handwritten digits, and the helpers that turn them into
// training batches.
//
// # Artificial data
//
// Arti re-implements the course's gen_arti: two Gaussians, four Gaussians
// (the XOR problem) and a checkerboard, with labels −1 and +1 in an n×1
// tensor and the points in an n×2 tensor, plus concentric circles, two moons
// and two spirals:
//
//	X, y := data.Arti(data.FourGaussians, 1000, data.DefaultArtiOptions(), rng)
//
// As in the course, ArtiOptions.Sigma is a variance, not a standard
// deviation. Regression draws points on a line, y = a·x + b + noise.
//
// # Labels, splits and batches
//
// SignsToBinary maps labels −1/+1 to 0/1 and SignsToClasses to class
// indices, which OneHot encodes. TrainTestSplit shuffles and splits rows as
// scikit-learn's train_test_split. Batches serves mini-batches of examples
// of any shape (points, signals, images: rows of the first axis) in a new
// random order each epoch, as PyTorch's DataLoader with shuffle=True, copied
// into tensors the caller owns so that training allocates nothing per batch;
// optim.Fit trains on them.
//
// Every random choice takes an explicit *rand.Rand (math/rand/v2): the same
// seed gives the same data, split and batches.
//
// # Same seed, same data
//
// The same seed gives the same bits on every architecture, amd64 and arm64
// (an Apple Silicon Mac) alike. Go lets a compiler fuse x*y + z into one
// multiply-add with a single rounding, and the arm64 compiler does, so
// every product that feeds a sum is rounded explicitly, float64(x*y) + z;
// the normal deviates and the sines come from internal/portable, which
// gives rng.NormFloat64's and math.Sincos's amd64 bits everywhere. A test
// pins a fingerprint of each generator's output.
//
// # USPS
//
// The USPS digits are 16×16 grey-level images, 7291 for training and 2007
// for testing, of the digits 0 to 9. A Dataset holds them as an n×256
// tensor, one image per row in row-major order, with pixels scaled to
// [0, 1] (0 is the background), and the labels as ints.
//
// LoadUSPS reads them from a directory in any of the three formats in
// circulation, each optionally gzip- or bzip2-compressed, recognised by
// their file names in any case:
//
//	USPS_train.txt, USPS_test.txt  the course's: a header line "10 256", then
//	                               "label v1 … v256" with values in [0, 2],
//	                               and an end marker line "-1"; scaled as v/2
//	zip.train, zip.test            The Elements of Statistical Learning's:
//	                               "label v1 … v256", values in [−1, 1],
//	                               labels written as floats ("6.0000");
//	                               scaled as (v + 1)/2
//	usps, usps.t                   LIBSVM's: "label idx:value …", labels
//	                               1 … 10 for the digits 0 … 9, values in
//	                               [−1, 1]; scaled as (v + 1)/2
//
// The course's and ESL's files hold the same values shifted by 1, and load
// into identical tensors, bit for bit: the scaling is computed exactly from
// the decimal digits and rounded once. LIBSVM's values are a smoothed
// version of the same images, not a shift of them.
//
// A label is written as the real files write it: decimal digits,
// optionally followed by a point and zeros ("6", "6.0000"), 0 to 9 (1 to 10
// in LIBSVM's files). Nothing else is a label, even when it stands for a
// whole number: no sign, no exponent ("1e0"), no hexadecimal ("0x1p1"), no
// "0.99999999999999999", which strconv.ParseFloat rounds to 1. Every line
// ends with a newline, the last one included, as in every real file: a file
// cut inside its last line ("-0.6210" read as "-0.6") is an error, not a
// wrong pixel.
//
// # Limits
//
// A file may hold at most MaxUSPSImages images (65 536) and
// MaxUSPSFileBytes bytes once decompressed (128 MiB). The real files hold
// 7291 images at most, in about 25 MB at most (LIBSVM's usps, from the
// 3413 bytes an image of usps.t takes; zip.train is 14.5 MB, the course's
// USPS_train.txt 6 MB), so the limits are 9 and 5 times what they need. And they keep a file far below a machine's memory:
// 65 536 images are 128 MiB of float64, and a process reading a file at
// the limit peaks at 270 MB resident (measured: the pixels, and the old
// half of them while the buffer doubles). Without the limits a 1 KB gzip of
// "1\n" 500 000 times, a valid LIBSVM file in which each label-only line is
// an image, took 4.3 GB.
//
// A malformed file gives a *ParseError naming the file and the line; no
// input makes the parsers panic (each format has a fuzz test).
//
// FindUSPS is what programs call: it looks in an explicit directory, then in
// $NNDIY_DATA, then in the user's cache directory, and finally downloads the
// ESL files into the cache, verifying their sizes and SHA-256 checksums, as
// torchvision's download=True. It asks for the files' own bytes
// (Accept-Encoding: identity), stops reading a server that sends more than a
// file's size, and removes the .partial files that a killed download left
// (USPSFetcher.Download says how). USPSFetcher sets the server, cache
// directory, HTTP client and timeout.
package data
