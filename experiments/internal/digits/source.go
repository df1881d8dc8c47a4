package digits

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/nndiy/nndiy/data"
)

// The sizes of the synthetic training and test sets, those of USPS.
const (
	SyntheticTrain = 7291
	SyntheticTest  = 2007
)

// The seeds of the synthetic training and test sets: fixed, so that the
// data does not change with an experiment's -seed.
const (
	trainSeed = 1
	testSeed  = 2
)

// Source says where an experiment's digits come from.
type Source struct {
	// Dir is a directory holding the USPS files, the -data flag. Empty
	// lets data.FindUSPS look in $NNDIY_DATA, the cache, then download.
	Dir string
	// Synthetic replaces USPS with generated digits (see Generate):
	// SyntheticTrain training and SyntheticTest test images.
	Synthetic bool
}

// RegisterFlags defines -data and -synthetic on fs, filling s.
func (s *Source) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.Dir, "data", s.Dir, "`directory` holding the USPS files (default: $"+data.DataEnv+", the cache, else download)")
	fs.BoolVar(&s.Synthetic, "synthetic", s.Synthetic, "train on generated digits instead of USPS (no data needed)")
}

// TestSource returns the source of the tests: USPS when $NNDIY_DATA is set,
// synthetic digits otherwise, so that a test never downloads.
func TestSource() Source {
	return Source{Synthetic: os.Getenv(data.DataEnv) == ""}
}

// TestFlags returns the flags that give an experiment's tests their digits,
// as TestSource: none when $NNDIY_DATA names the USPS files, -synthetic
// otherwise, so that a test never downloads.
func TestFlags() []string {
	if TestSource().Synthetic {
		return []string{"-synthetic"}
	}
	return nil
}

// String names the source in a summary: "USPS" or "synthetic digits".
func (s Source) String() string {
	if s.Synthetic {
		return "synthetic digits"
	}
	return "USPS"
}

// Load returns the training and test sets: USPS found by data.FindUSPS(s.Dir),
// or the synthetic digits. The error of a failed search says where it looked
// and how to give the data. USPS is read once per process and copied for
// each call, so the caller may change the sets.
func (s Source) Load() (train, test *data.Dataset, err error) {
	if s.Synthetic {
		return Generate(SyntheticTrain, trainSeed), Generate(SyntheticTest, testSeed), nil
	}
	return loaded.get(s.Dir)
}

// loaded keeps the USPS sets a process has read, so that the sections of
// the report, and tests, parse the files once.
var loaded = uspsCache{sets: map[[2]string][2]*data.Dataset{}}

type uspsCache struct {
	mu   sync.Mutex
	sets map[[2]string][2]*data.Dataset // by -data and $NNDIY_DATA
}

// get returns copies of the sets data.FindUSPS(dir) finds, reading them the
// first time only: callers may change what they get.
func (c *uspsCache) get(dir string) (train, test *data.Dataset, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := [2]string{dir, os.Getenv(data.DataEnv)}
	sets, ok := c.sets[key]
	if !ok {
		train, test, err := data.FindUSPS(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("%w\nOr run the experiment on generated digits with -synthetic.", err)
		}
		sets = [2]*data.Dataset{train, test}
		c.sets[key] = sets
	}
	return clone(sets[0]), clone(sets[1]), nil
}

func clone(ds *data.Dataset) *data.Dataset {
	return &data.Dataset{X: ds.X.Clone(), Labels: slices.Clone(ds.Labels), Source: ds.Source}
}

// LoadHead returns the first nTrain training and nTest test images of Load
// (all of a set when its n ≤ 0), for the small runs of -quick. Synthetic
// digits are generated only as far as needed.
func (s Source) LoadHead(nTrain, nTest int) (train, test *data.Dataset, err error) {
	if s.Synthetic {
		return Generate(limit(nTrain, SyntheticTrain), trainSeed), Generate(limit(nTest, SyntheticTest), testSeed), nil
	}
	train, test, err = s.Load()
	if err != nil {
		return nil, nil, err
	}
	return Head(train, nTrain), Head(test, nTest), nil
}

// limit returns n when it is in (0, all), else all.
func limit(n, all int) int {
	if n <= 0 || n >= all {
		return all
	}
	return n
}

// Head returns the first n images of ds (all of them when n ≤ 0 or n ≥ its
// size), for the small runs of -quick. USPS's images are in no particular
// order, so the first ones are a fair sample.
func Head(ds *data.Dataset, n int) *data.Dataset {
	if limit(n, ds.Len()) == ds.Len() {
		return ds
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return ds.Subset(idx)
}

// Describe names the data of a run in a summary: "synthetic digits", or
// USPS with the files it was read from and their format, such as "USPS
// (zip.train.gz and zip.test.gz in /data/usps, ESL's format)", or the
// training file alone when both sets are split from it.
func Describe(train, test *data.Dataset) string {
	if train.Source == "" || train.Source == "synthetic digits" {
		return "synthetic digits"
	}
	dir := filepath.Dir(train.Source)
	name := strings.ToLower(filepath.Base(train.Source))
	format := "LIBSVM's format"
	switch {
	case strings.HasPrefix(name, "usps_"):
		format = "the course's format"
	case strings.HasPrefix(name, "zip."):
		format = "ESL's format"
	}
	files := filepath.Base(train.Source) + " and " + filepath.Base(test.Source)
	if test.Source == train.Source { // a validation split of the training file
		files = filepath.Base(train.Source)
	}
	return fmt.Sprintf("USPS (%s in %s, %s)", files, dir, format)
}
