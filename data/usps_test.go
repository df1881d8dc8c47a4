package data

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/nndiy/nndiy/tensor"
)

// writeFiles writes files (name → content) into dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadUSPSFindsFiles(t *testing.T) {
	s := synthImages(4)
	// The test set differs from the training set: two images, reversed.
	ts := synth{labels: []int{s.labels[1], s.labels[0]}, milli: [][]int{s.milli[1], s.milli[0]}}
	course, courseTest := []byte(s.course()), []byte(ts.course())
	esl, eslTest := []byte(s.esl(true)), []byte(ts.esl(false))
	svm, svmTest := []byte(s.libsvm()), []byte(ts.libsvm())
	tests := []struct {
		name      string
		files     map[string][]byte // relative paths
		wantTrain string            // the files LoadUSPS must read, relative
		wantTest  string
	}{
		{"course, the course's names", map[string][]byte{"USPS_train.txt": course, "USPS_test.txt": courseTest}, "USPS_train.txt", "USPS_test.txt"},
		{"course, gzipped, lower case", map[string][]byte{"usps_train.txt.gz": gzipBytes(t, s.course()), "usps_test.txt.gz": gzipBytes(t, ts.course())}, "usps_train.txt.gz", "usps_test.txt.gz"},
		{"ESL, upper case", map[string][]byte{"ZIP.TRAIN": esl, "Zip.Test.GZ": gzipBytes(t, ts.esl(false))}, "ZIP.TRAIN", "Zip.Test.GZ"},
		{"LIBSVM", map[string][]byte{"usps": svm, "usps.t": svmTest}, "usps", "usps.t"},
		{"in a usps subdirectory", map[string][]byte{"usps/zip.train": esl, "usps/zip.test": eslTest}, "usps/zip.train", "usps/zip.test"},
		{"course before ESL", map[string][]byte{"zip.train": esl, "zip.test": eslTest, "USPS_train.txt": course, "USPS_test.txt": courseTest}, "USPS_train.txt", "USPS_test.txt"},
		{"uncompressed first", map[string][]byte{"zip.train.gz": gzipBytes(t, s.esl(true)), "zip.train": esl, "zip.test": eslTest}, "zip.train", "zip.test"},
		{"a complete pair, not a mixed one", map[string][]byte{"usps.t": svmTest, "USPS_test.txt": courseTest, "zip.train": esl, "zip.test": eslTest}, "zip.train", "zip.test"},
		{"other files ignored", map[string][]byte{"README.md": []byte("hi"), "zip.train": esl, "zip.test": eslTest, "usps.t.bz2.sha256": []byte("x")}, "zip.train", "zip.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFiles(t, filepath.Join(dir, filepath.Dir(name)), map[string][]byte{filepath.Base(name): content})
			}
			train, test, err := LoadUSPS(dir)
			if err != nil {
				t.Fatal(err)
			}
			checkDataset(t, train, s)
			checkDataset(t, test, ts)
			if want := filepath.Join(dir, tt.wantTrain); train.Source != want {
				t.Errorf("training set read from %s, want %s", train.Source, want)
			}
			if want := filepath.Join(dir, tt.wantTest); test.Source != want {
				t.Errorf("test set read from %s, want %s", test.Source, want)
			}
		})
	}
}

func TestLoadUSPSNotFound(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string // in the message besides the accepted names
	}{
		{"empty", nil, "USPS files not found in"},
		{"test file only", []string{"usps.t.bz2"}, "found only " + filepath.Join("DIR", "usps.t.bz2")},
		{"mixed formats", []string{"zip.train", "USPS_test.txt"}, "not a pair of training and test files of one format"},
		{"a directory named usps", []string{"usps/"}, "USPS files not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, name := range tt.files {
				if strings.HasSuffix(name, "/") {
					os.Mkdir(filepath.Join(dir, name), 0o755)
				} else {
					writeFiles(t, dir, map[string][]byte{name: []byte("x")})
				}
			}
			_, _, err := LoadUSPS(dir)
			if !errors.Is(err, ErrUSPSNotFound) {
				t.Fatalf("error %v, want ErrUSPSNotFound", err)
			}
			msg := err.Error()
			for _, want := range []string{strings.ReplaceAll(tt.want, "DIR", dir), "zip.train and zip.test", "USPS_train.txt and USPS_test.txt", "usps and usps.t", ".gz or .bz2"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
		})
	}
	if _, _, err := LoadUSPS(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, ErrUSPSNotFound) {
		t.Errorf("missing directory: error %v, want ErrUSPSNotFound", err)
	}
}

// TestLoadUSPSUnreadableDirectory checks that a directory that cannot be
// read is reported with the reason, not as "USPS files not found" (issue
// 14), and that FindUSPS does not download in its place.
func TestLoadUSPSUnreadableDirectory(t *testing.T) {
	check := func(t *testing.T, dir string) {
		t.Helper()
		_, _, err := LoadUSPS(dir)
		if err == nil || errors.Is(err, ErrUSPSNotFound) || !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), dir) {
			t.Errorf("error %v, want a permission error naming %s", err, dir)
		}
		f := USPSFetcher{CacheDir: dir, BaseURL: "http://127.0.0.1:1/never-asked"}
		t.Setenv(DataEnv, "")
		if _, _, err := f.Find(""); err == nil || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Find with an unreadable cache: error %v, want the permission error", err)
		}
	}
	s := synthImages(2)
	files := map[string][]byte{"zip.train": []byte(s.esl(true)), "zip.test": []byte(s.esl(false))}

	t.Run("chmod", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads every directory; the next test fakes the error")
		}
		dir := t.TempDir()
		writeFiles(t, dir, files)
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
		check(t, dir)
	})
	t.Run("fake", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, files)
		defer func(rd func(string) ([]os.DirEntry, error)) { readDir = rd }(readDir)
		readDir = func(name string) ([]os.DirEntry, error) {
			if name == dir {
				return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
			}
			return os.ReadDir(name)
		}
		check(t, dir)
	})
	t.Run("a file named usps is not a subdirectory", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string][]byte{"usps": []byte(s.libsvm())})
		if _, _, err := LoadUSPS(dir); !errors.Is(err, ErrUSPSNotFound) {
			t.Errorf("error %v, want ErrUSPSNotFound", err)
		}
	})
}

func TestLoadUSPSBadFile(t *testing.T) {
	dir := t.TempDir()
	s := synthImages(2)
	bad := strings.Replace(s.esl(false), " ", " x", 1)
	writeFiles(t, dir, map[string][]byte{"zip.train": []byte(s.esl(true)), "zip.test": []byte(bad)})
	_, _, err := LoadUSPS(dir)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != filepath.Join(dir, "zip.test") || pe.Line != 1 {
		t.Errorf("error %v, want a *ParseError for zip.test line 1", err)
	}
}

func TestLoadUSPSFile(t *testing.T) {
	dir := t.TempDir()
	s := synthImages(3)
	writeFiles(t, dir, map[string][]byte{"USPS_Test.txt.GZ": gzipBytes(t, s.course()), "digits.txt": []byte(s.course())})
	ds, err := LoadUSPSFile(filepath.Join(dir, "USPS_Test.txt.GZ"))
	if err != nil {
		t.Fatal(err)
	}
	checkDataset(t, ds, s)
	if _, err := LoadUSPSFile(filepath.Join(dir, "digits.txt")); err == nil || !strings.Contains(err.Error(), "not a USPS file name") {
		t.Errorf("digits.txt: error %v", err)
	}
	if _, err := LoadUSPSFile(filepath.Join(dir, "zip.train")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v", err)
	}
}

func TestDatasetMethods(t *testing.T) {
	X := tensor.New(4, USPSPixels)
	for i := 0; i < 4; i++ {
		X.Row(i)[0] = float64(i)
	}
	ds := &Dataset{X: X, Labels: []int{3, 1, 3, 9}, Source: "f"}
	if ds.Len() != 4 {
		t.Errorf("Len() = %d", ds.Len())
	}
	if c := ds.ClassCounts(); c != [USPSClasses]int{1: 1, 3: 2, 9: 1} {
		t.Errorf("ClassCounts() = %v", c)
	}
	oh := ds.OneHot()
	if oh.Rows() != 4 || oh.Cols() != USPSClasses || oh.At(0, 3) != 1 || oh.At(3, 9) != 1 || tensor.Sum(oh) != 4 {
		t.Errorf("OneHot() = %v", oh)
	}
	sub := ds.Subset([]int{3, 0})
	if !slices.Equal(sub.Labels, []int{9, 3}) || sub.X.Rows() != 2 || sub.X.At(0, 0) != 3 || sub.X.At(1, 0) != 0 || sub.Source != "f" {
		t.Errorf("Subset = %v %v", sub.Labels, sub.X.Shape)
	}
	sub.X.Set(0, 0, 42)
	if X.At(3, 0) != 3 {
		t.Error("Subset shares its pixels with the original")
	}
}

func TestLoadUSPSCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	s := synthImages(2)
	writeFiles(t, filepath.Join(dir, "usps"), map[string][]byte{"zip.train": []byte(s.esl(true)), "zip.test": []byte(s.esl(false))})
	t.Chdir(dir)
	train, _, err := LoadUSPS("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("usps", "zip.train"); train.Source != want {
		t.Errorf("read %s, want %s", train.Source, want)
	}
}
