package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nndiy/nndiy/tensor"
)

// The USPS images: 16×16 grey levels of the digits 0 to 9.
const (
	USPSSide    = 16
	USPSPixels  = USPSSide * USPSSide
	USPSClasses = 10
)

// Dataset is a set of USPS images.
type Dataset struct {
	// X is n×256, one image per row, its 16 rows of 16 pixels one after
	// the other (row-major), with grey levels scaled to [0, 1]: 0 is the
	// background (white paper) and 1 full ink.
	X *tensor.Tensor
	// Labels are the digits, 0 … 9, one per row of X.
	Labels []int
	// Source is the file the images were read from.
	Source string
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// OneHot returns the labels one-hot encoded, an n×10 tensor: the targets of
// a softmax output and a cross-entropy.
func (d *Dataset) OneHot() *tensor.Tensor { return OneHot(nil, d.Labels, USPSClasses) }

// ClassCounts returns how many images there are of each digit.
func (d *Dataset) ClassCounts() [USPSClasses]int {
	var c [USPSClasses]int
	for _, l := range d.Labels {
		c[l]++
	}
	return c
}

// Subset returns a new Dataset of the images at the given indices, in that
// order, copied. Combined with SplitIndices it makes a validation set.
func (d *Dataset) Subset(idx []int) *Dataset {
	labels := make([]int, len(idx))
	for i, r := range idx {
		labels[i] = d.Labels[r]
	}
	return &Dataset{X: GatherRows(nil, d.X, idx), Labels: labels, Source: d.Source}
}

// ErrUSPSNotFound is returned (wrapped) by LoadUSPS when a directory holds no
// complete pair of USPS training and test files.
var ErrUSPSNotFound = errors.New("USPS files not found")

// uspsNamesHelp lists the file names LoadUSPS accepts, for error messages.
const uspsNamesHelp = `Accepted file names (any case, each optionally compressed as .gz or .bz2):
  USPS_train.txt and USPS_test.txt (the course's files),
  zip.train and zip.test (The Elements of Statistical Learning),
  usps and usps.t (LIBSVM).`

// compressionSuffixes are the file name endings LoadUSPS accepts after a
// USPS file name, in order of preference.
var compressionSuffixes = [...]string{"", ".gz", ".bz2"}

// LoadUSPS reads the USPS training and test sets from the directory dir
// ("" is the current directory), or from its subdirectory usps when dir
// itself holds none.
//
// It recognises the files by their names, in any case, each optionally
// compressed with gzip (.gz) or bzip2 (.bz2): USPS_train.txt and
// USPS_test.txt (the course's format), zip.train and zip.test (ESL's) and
// usps and usps.t (LIBSVM's). When several formats are present it takes the
// first complete pair in that order, never a training file of one format
// with a test file of another. The pixels are scaled to [0, 1] whatever the
// format.
//
// A directory without a pair of files gives an error wrapping
// ErrUSPSNotFound; one that cannot be read, the error that says why
// (permission denied, say), which does not wrap ErrUSPSNotFound; a malformed
// file, a *ParseError naming the file and line.
func LoadUSPS(dir string) (train, test *Dataset, err error) {
	trainPath, testPath, f, err := findUSPS(dir)
	if err != nil {
		return nil, nil, err
	}
	if train, err = loadUSPSFile(trainPath, f); err != nil {
		return nil, nil, err
	}
	if test, err = loadUSPSFile(testPath, f); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadUSPSFile reads one USPS file, whose format it takes from its name as
// LoadUSPS does (zip.test.gz is ESL's test file, for instance).
func LoadUSPSFile(path string) (*Dataset, error) {
	f, ok := formatOf(filepath.Base(path))
	if !ok {
		return nil, fmt.Errorf("data: %s: not a USPS file name.\n%s", path, uspsNamesHelp)
	}
	return loadUSPSFile(path, f)
}

func loadUSPSFile(path string, f uspsFormat) (*Dataset, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer file.Close()
	return readUSPS(file, path, f)
}

// formatOf returns the format of a USPS file from its base name.
func formatOf(base string) (uspsFormat, bool) {
	name := strings.ToLower(base)
	for _, suf := range compressionSuffixes[1:] {
		name = strings.TrimSuffix(name, suf)
	}
	for f, spec := range uspsFormats {
		if name == spec.train || name == spec.test {
			return uspsFormat(f), true
		}
	}
	return 0, false
}

// findUSPS returns the paths of the training and test files LoadUSPS reads
// in dir or dir/usps, and their format.
func findUSPS(dir string) (trainPath, testPath string, f uspsFormat, err error) {
	if dir == "" {
		dir = "."
	}
	var found []string // every accepted name seen, for the error message
	for _, d := range []string{dir, filepath.Join(dir, "usps")} {
		entries, err := readDir(d)
		if err != nil {
			// A directory that does not exist holds no files; but one
			// that cannot be read (permission denied) may hold them, and
			// the user must hear why it was not read. A file named usps
			// (LIBSVM's training file) is not a subdirectory either.
			if errors.Is(err, fs.ErrNotExist) || isFile(d) {
				continue
			}
			return "", "", 0, fmt.Errorf("data: looking for the USPS files: %w", err)
		}
		var names []string
		for _, e := range entries {
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		if train, test, f, ok := matchUSPS(names); ok {
			return filepath.Join(d, train), filepath.Join(d, test), f, nil
		}
		for _, name := range names {
			if _, ok := formatOf(name); ok {
				found = append(found, filepath.Join(d, name))
			}
		}
	}
	msg := fmt.Sprintf("data: %v in %s or %s", ErrUSPSNotFound, dir, filepath.Join(dir, "usps"))
	if len(found) > 0 {
		msg += fmt.Sprintf(" (found only %s, which is not a pair of training and test files of one format)", strings.Join(found, ", "))
	}
	return "", "", 0, &notFoundError{msg: msg + ".\n" + uspsNamesHelp}
}

// readDir is os.ReadDir; tests replace it to fail as an unreadable
// directory does for a user other than root.
var readDir = os.ReadDir

// isFile reports whether path exists and is not a directory.
func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// notFoundError is ErrUSPSNotFound with the details of where LoadUSPS looked.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return ErrUSPSNotFound }

// matchUSPS picks the training and test files among the file names of one
// directory: the first format with both, uncompressed files first.
func matchUSPS(names []string) (train, test string, f uspsFormat, ok bool) {
	names = slices.Sorted(slices.Values(names)) // a fixed choice between USPS_train.txt and usps_train.txt
	find := func(want string) string {
		for _, suf := range compressionSuffixes {
			for _, name := range names {
				if strings.ToLower(name) == want+suf {
					return name
				}
			}
		}
		return ""
	}
	for i, spec := range uspsFormats {
		train, test = find(spec.train), find(spec.test)
		if train != "" && test != "" {
			return train, test, uspsFormat(i), true
		}
	}
	return "", "", 0, false
}
