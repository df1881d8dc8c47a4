package data

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// The tests in this file read the real USPS files from $NNDIY_DATA and skip
// when it is not set. The expected numbers are those of the data README.

var (
	wantTrainCounts = [USPSClasses]int{1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644}
	wantTestCounts  = [USPSClasses]int{359, 264, 198, 166, 200, 160, 170, 147, 166, 177}
)

// realFile returns the path of the real USPS file named name (in any case,
// optionally compressed) in $NNDIY_DATA or its usps subdirectory, or skips
// the test.
func realFile(t *testing.T, name string) string {
	t.Helper()
	root := realDataDir(t)
	for _, dir := range []string{root, filepath.Join(root, "usps")} {
		entries, _ := os.ReadDir(dir)
		for _, suf := range compressionSuffixes {
			for _, e := range entries {
				if strings.ToLower(e.Name()) == name+suf {
					return filepath.Join(dir, e.Name())
				}
			}
		}
	}
	t.Skipf("no %s in %s: skipping", name, root)
	return ""
}

// realDataDir returns $NNDIY_DATA, or skips the test when it is not set.
func realDataDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv(DataEnv)
	if root == "" {
		t.Skipf("%s is not set: skipping the tests on the real USPS data (set it to a directory holding them)", DataEnv)
	}
	return root
}

// realCache loads each real file once for all the tests.
var realCache sync.Map // path → *Dataset

func loadReal(t *testing.T, name string) *Dataset {
	t.Helper()
	path := realFile(t, name)
	if ds, ok := realCache.Load(path); ok {
		return ds.(*Dataset)
	}
	ds, err := LoadUSPSFile(path)
	if err != nil {
		t.Fatal(err)
	}
	realCache.Store(path, ds)
	return ds
}

func TestRealUSPS(t *testing.T) {
	train, test, err := LoadUSPS(realDataDir(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %s and %s", train.Source, test.Source)
	realCache.Store(train.Source, train)
	realCache.Store(test.Source, test)
	tests := []struct {
		name       string
		ds         *Dataset
		n          int
		counts     [USPSClasses]int
		first      []int
		courseMean float64 // mean pixel on the course's [0, 2] scale, to 6 decimals
		zeros      float64 // share of background pixels, to 4 decimals
	}{
		{"train", train, 7291, wantTrainCounts, []int{6, 5, 4, 7, 3, 6, 3, 1, 0, 1}, 0.508961, 0.5927},
		{"test", test, 2007, wantTestCounts, []int{9, 6, 3, 6, 6, 0, 0, 0, 6, 9}, 0.535218, 0.5792},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := tt.ds
			if ds.Len() != tt.n || ds.X.Rows() != tt.n || ds.X.Cols() != USPSPixels {
				t.Fatalf("%d labels, X %v, want %d×256", ds.Len(), ds.X.Shape, tt.n)
			}
			if c := ds.ClassCounts(); c != tt.counts {
				t.Errorf("class counts %v, want %v", c, tt.counts)
			}
			if !slices.Equal(ds.Labels[:10], tt.first) {
				t.Errorf("first labels %v, want %v", ds.Labels[:10], tt.first)
			}
			zeros, lo, hi := 0, math.Inf(1), math.Inf(-1)
			for _, v := range ds.X.Data {
				if v == 0 {
					zeros++
				}
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			if lo != 0 || hi != 1 {
				t.Errorf("pixels in [%v, %v], want [0, 1]", lo, hi)
			}
			mean := tensor.Sum(ds.X) / float64(ds.X.Len())
			if math.Abs(2*mean-tt.courseMean) > 5e-7 {
				t.Errorf("mean pixel %.7f on the course's scale, want %.6f", 2*mean, tt.courseMean)
			}
			if share := float64(zeros) / float64(ds.X.Len()); math.Abs(share-tt.zeros) > 5e-5 {
				t.Errorf("share of background pixels %.5f, want %.4f", share, tt.zeros)
			}
		})
	}
}

// TestRealUSPSFormatsAgree checks that the course's and ESL's files give
// the same tensors, bit for bit, and that LIBSVM's test file has the same
// labels.
func TestRealUSPSFormatsAgree(t *testing.T) {
	for _, split := range []string{"train", "test"} {
		t.Run(split, func(t *testing.T) {
			course := loadReal(t, "usps_"+split+".txt")
			esl := loadReal(t, "zip."+split)
			if !slices.Equal(course.Labels, esl.Labels) {
				t.Error("the course's and ESL's labels differ")
			}
			if !tensor.SameShape(course.X, esl.X) {
				t.Fatalf("shapes %v and %v", course.X.Shape, esl.X.Shape)
			}
			for i, v := range course.X.Data {
				if v != esl.X.Data[i] {
					t.Fatalf("image %d pixel %d: course %v, ESL %v", i/USPSPixels, i%USPSPixels, v, esl.X.Data[i])
				}
			}
		})
	}
	t.Run("LIBSVM test", func(t *testing.T) {
		svm := loadReal(t, "usps.t")
		esl := loadReal(t, "zip.test")
		if !slices.Equal(svm.Labels, esl.Labels) {
			t.Error("LIBSVM's and ESL's test labels differ")
		}
		if c := svm.ClassCounts(); c != wantTestCounts {
			t.Errorf("class counts %v, want %v", c, wantTestCounts)
		}
	})
}
