package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nndiy/nndiy/internal/testexec"
)

// stallTimeout is the download timeout of the tests whose server stalls;
// steadyTimeout that of the test whose server is slow.
const (
	stallTimeout  = 100 * time.Millisecond
	steadyTimeout = 400 * time.Millisecond
)

// served is what the test servers hold: small ESL files under the names of
// the real ones, with the test and training sets telling apart.
type served struct {
	train, test synth
	files       map[string][]byte
}

func newServed(t *testing.T) served {
	s := synthImages(6)
	ts := synth{labels: s.labels[:3], milli: s.milli[:3]}
	return served{s, ts, map[string][]byte{
		"zip.train.gz": gzipBytes(t, s.esl(true)),
		"zip.test.gz":  gzipBytes(t, ts.esl(false)),
	}}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// server serves the files by name with handler, counting the requests.
func server(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, content []byte)) (*httptest.Server, *atomic.Int32, map[string][]byte) {
	sv := newServed(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		content, ok := sv.files[strings.TrimPrefix(r.URL.Path, "/datasets/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		handler(w, r, content)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits, sv.files
}

func serveContent(w http.ResponseWriter, r *http.Request, content []byte) { w.Write(content) }

// fetcher returns a USPSFetcher for the server at url with a fresh cache
// directory, expecting the checksums of files.
func fetcher(t *testing.T, url string, files map[string][]byte) *USPSFetcher {
	f := &USPSFetcher{BaseURL: url + "/datasets", CacheDir: filepath.Join(t.TempDir(), "cache"), Timeout: 5 * time.Second}
	for _, name := range []string{"zip.train.gz", "zip.test.gz"} {
		f.files = append(f.files, uspsFile{name, int64(len(files[name])), sha256Hex(files[name])})
	}
	return f
}

// cacheFiles lists the cache directory.
func cacheFiles(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestDownload(t *testing.T) {
	t.Setenv(DataEnv, "")
	srv, hits, files := server(t, serveContent)
	f := fetcher(t, srv.URL, files)
	var progress bytes.Buffer
	f.Progress = &progress
	train, test, err := f.Find("")
	if err != nil {
		t.Fatal(err)
	}
	sv := newServed(t)
	checkDataset(t, train, sv.train)
	checkDataset(t, test, sv.test)
	if got := strings.Join(cacheFiles(t, f.CacheDir), " "); got != "zip.test.gz zip.train.gz" {
		t.Errorf("cache holds %q, want the two files only", got)
	}
	for _, want := range []string{"\rdownloading zip.train.gz: ", "(100%)\n", "\rdownloading zip.test.gz: "} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress %q does not contain %q", progress.String(), want)
		}
	}
	// The second time, the files come from the cache.
	if _, _, err := f.Find(""); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2", hits.Load())
	}
}

// TestDownloadSlowButSteady checks that the timeout is one of inactivity:
// a download that takes longer than it, but never waits that long for
// data, succeeds.
func TestDownloadSlowButSteady(t *testing.T) {
	srv, _, files := server(t, func(w http.ResponseWriter, r *http.Request, content []byte) {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		// 12 pauses of an eighth of the timeout: 1.5 timeouts in all, with
		// a wide margin for a loaded machine between two chunks.
		const chunks = 12
		for i := 0; i < chunks; i++ {
			w.Write(content[i*len(content)/chunks : (i+1)*len(content)/chunks])
			w.(http.Flusher).Flush()
			time.Sleep(steadyTimeout / 8)
		}
	})
	f := fetcher(t, srv.URL, files)
	f.Timeout = steadyTimeout
	start := time.Now()
	if err := f.Download(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < steadyTimeout {
		t.Errorf("the download took %v, less than the timeout: the test proves nothing", d)
	}
}

func TestDownloadFailures(t *testing.T) {
	files0 := newServed(t).files
	release := make(chan struct{}) // ends the stalled handlers
	t.Cleanup(func() { close(release) })
	stall := func(r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request, content []byte)
		want    string
	}{
		{"checksum mismatch", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Write(append([]byte{}, content[:len(content)-1]...))
			w.Write([]byte{content[len(content)-1] ^ 1})
		}, "checksum mismatch: SHA-256 "},
		{"truncated body", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Write(content[:len(content)/2])
		}, "unexpected EOF"},
		{"announces another length", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)+1))
			w.Write(content)
			w.Write([]byte{0})
		}, "the server announces " + strconv.Itoa(len(files0["zip.train.gz"])+1) + " bytes, the file has"},
		{"one byte too many, no length", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.(http.Flusher).Flush() // chunked: no Content-Length
			w.Write(content)
			w.Write([]byte{0})
		}, "the server sends more than the file's " + strconv.Itoa(len(files0["zip.train.gz"])) + " bytes"},
		{"gzip-encoded although asked for identity", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipBytes(nil, string(content)))
		}, "Content-Encoding: gzip, though asked for identity"},
		{"HTTP 404", func(w http.ResponseWriter, r *http.Request, content []byte) {
			http.NotFound(w, r)
		}, "HTTP status 404 Not Found"},
		{"stall before the headers", func(w http.ResponseWriter, r *http.Request, content []byte) {
			stall(r)
		}, "timed out: no data from the server for 100ms"},
		{"stall in the body", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Write(content[:len(content)/2])
			w.(http.Flusher).Flush()
			stall(r)
		}, "timed out: no data from the server for 100ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(DataEnv, "")
			srv, _, files := server(t, tt.handler)
			f := fetcher(t, srv.URL, files)
			f.Timeout = stallTimeout
			var progress bytes.Buffer
			f.Progress = &progress
			_, _, err := f.Find("")
			var de *DownloadError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want a *DownloadError", err, err)
			}
			msg := err.Error()
			for _, want := range []string{tt.want, srv.URL + "/datasets/zip.train.gz", "by hand", DataEnv, f.CacheDir, "zip.train and zip.test"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
			if left := cacheFiles(t, f.CacheDir); len(left) > 0 {
				t.Errorf("files left in the cache: %v", left)
			}
			if p := progress.String(); p != "" && !strings.HasSuffix(p, "\n") {
				t.Errorf("progress line %q not ended", p)
			}
		})
	}
}

// TestDownloadContentEncoding checks issue 14's mirror, which labels the
// .gz files Content-Encoding: gzip: Go's client would decompress them before
// the checksum, unless asked for identity.
func TestDownloadContentEncoding(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request, content []byte)
	}{
		{"labels the .gz file gzip-encoded", func(w http.ResponseWriter, r *http.Request, content []byte) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(content)
		}},
		{"compresses when the client accepts gzip", func(w http.ResponseWriter, r *http.Request, content []byte) {
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				content = gzipBytes(nil, string(content))
			}
			w.Write(content)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var accept atomic.Value
			srv, _, files := server(t, func(w http.ResponseWriter, r *http.Request, content []byte) {
				accept.Store(r.Header.Get("Accept-Encoding"))
				tt.handler(w, r, content)
			})
			f := fetcher(t, srv.URL, files)
			if err := f.Download(); err != nil {
				t.Fatal(err)
			}
			if got := accept.Load(); got != "identity" {
				t.Errorf("Accept-Encoding %q, want identity", got)
			}
			for name, content := range files {
				got, err := os.ReadFile(filepath.Join(f.CacheDir, name))
				if err != nil || !bytes.Equal(got, content) {
					t.Errorf("%s: %d bytes, error %v; want the %d served", name, len(got), err, len(content))
				}
			}
		})
	}
}

// TestDownloadEndlessBody checks issue 14's server that sends an endless
// body without a length: the download stops as soon as it has one byte
// more than the file, and leaves nothing in the cache.
func TestDownloadEndlessBody(t *testing.T) {
	var sent atomic.Int64
	srv, _, files := server(t, func(w http.ResponseWriter, r *http.Request, content []byte) {
		chunk := make([]byte, 32<<10)
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	f := fetcher(t, srv.URL, files)
	err := f.Download()
	if err == nil || !strings.Contains(err.Error(), "the server sends more than the file's") {
		t.Fatalf("error %v, want one about the file's size", err)
	}
	if left := cacheFiles(t, f.CacheDir); len(left) > 0 {
		t.Errorf("files left in the cache: %v", left)
	}
	// The server may have buffered a little more in the connection; 1 GiB
	// would take far longer than this test.
	size := int64(len(files["zip.train.gz"]))
	if n := sent.Load(); n > size+8<<20 {
		t.Errorf("the server sent %d bytes for a file of %d", n, size)
	}
}

// TestDownloadRemovesStalePartials kills a process in the middle of a
// download, as issue 14 did, then checks that the next download removes
// the .partial file it left and keeps that of a download still running.
func TestDownloadRemovesStalePartials(t *testing.T) {
	var stall atomic.Bool // the server stalls half-way through the file
	stall.Store(true)
	half := make(chan struct{}, 1)
	srv, _, files := server(t, func(w http.ResponseWriter, r *http.Request, content []byte) {
		if !stall.Load() {
			w.Write(content)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Write(content[:len(content)/2])
		w.(http.Flusher).Flush()
		select {
		case half <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	})
	f := fetcher(t, srv.URL, files)

	// A child process downloads from the server, which stalls half-way;
	// once the half is in its .partial file, it is killed.
	cmd := testexec.Command("-test.run=^TestHelperDownloadForever$")
	cmd.Env = append(os.Environ(), "NNDIY_TEST_DOWNLOAD_FOREVER="+f.BaseURL+" "+f.CacheDir+" "+strconv.Itoa(len(files["zip.train.gz"]))+" "+sha256Hex(files["zip.train.gz"]))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-half
	var left []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if left = partials(t, f.CacheDir); len(left) == 1 {
			if fi, err := os.Stat(filepath.Join(f.CacheDir, left[0])); err == nil && fi.Size() == int64(len(files["zip.train.gz"])/2) {
				break
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if left = partials(t, f.CacheDir); len(left) != 1 {
		t.Fatalf("after the kill the cache holds %v, want one .partial file", cacheFiles(t, f.CacheDir))
	}
	// A download of this file by a running process (the parent of this
	// one): the next download must leave it alone.
	running := ".zip.test.gz." + strconv.Itoa(os.Getppid()) + "-1" + partialSuffix
	writeFiles(t, f.CacheDir, map[string][]byte{running: []byte("in progress")})

	stall.Store(false)
	if err := f.Download(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(cacheFiles(t, f.CacheDir), " "), running+" zip.test.gz zip.train.gz"; got != want {
		t.Errorf("the cache holds %q, want %q", got, want)
	}
}

// TestHelperDownloadForever is the child process of
// TestDownloadRemovesStalePartials: it downloads zip.train.gz until killed.
func TestHelperDownloadForever(t *testing.T) {
	env := os.Getenv("NNDIY_TEST_DOWNLOAD_FOREVER")
	if env == "" {
		t.Skip("the child process of TestDownloadRemovesStalePartials")
	}
	var base, cache, sum string
	var size int64
	if _, err := fmt.Sscan(env, &base, &cache, &size, &sum); err != nil {
		t.Fatal(err)
	}
	f := &USPSFetcher{BaseURL: base, CacheDir: cache, Timeout: time.Hour, files: []uspsFile{{"zip.train.gz", size, sum}}}
	f.Download()
}

// partials lists the .partial files of the cache directory.
func partials(t *testing.T, dir string) []string {
	var names []string
	for _, name := range cacheFiles(t, dir) {
		if strings.HasSuffix(name, partialSuffix) {
			names = append(names, name)
		}
	}
	return names
}

func TestDownloadURLFromEnv(t *testing.T) {
	srv, hits, files := server(t, serveContent)
	t.Setenv(USPSURLEnv, srv.URL+"/datasets/")
	f := fetcher(t, "", files)
	f.BaseURL = ""
	if err := f.Download(); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests to $%s, want 2", hits.Load(), USPSURLEnv)
	}
	t.Setenv(USPSURLEnv, "")
	if got := (&USPSFetcher{}).baseURL(); got != DefaultUSPSURL {
		t.Errorf("default base URL %q", got)
	}
}

// TestFindOrder checks where Find looks: the explicit directory, then
// $NNDIY_DATA, then the cache, then the server.
func TestFindOrder(t *testing.T) {
	s := synthImages(4)
	ts := synth{labels: s.labels[:2], milli: s.milli[:2]}
	course := map[string][]byte{"USPS_train.txt": []byte(s.course()), "USPS_test.txt": []byte(ts.course())}
	tests := []struct {
		name          string
		dir, env      string // "D" stands for a directory holding the course's files
		cache         bool   // the cache holds the course's files
		corruptCache  bool
		wantSource    string // "D", "cache" or "download"
		wantErr       string
		wantNotFound  bool
		wantDownloads int32
	}{
		{name: "explicit directory", dir: "D", env: "D/..", cache: true, wantSource: "D"},
		{name: "explicit directory without the files", dir: "empty", cache: true, wantErr: "USPS files not found", wantNotFound: true},
		{name: "NNDIY_DATA with a usps subdirectory", env: "D/..", cache: true, wantSource: "D"},
		{name: "NNDIY_DATA without the files", env: "empty", cache: true, wantErr: "looked there because NNDIY_DATA=", wantNotFound: true},
		{name: "cache", cache: true, wantSource: "cache"},
		{name: "corrupt cache", cache: true, corruptCache: true, wantErr: "USPS_test.txt:1:"},
		{name: "download", wantSource: "download", wantDownloads: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			d := filepath.Join(root, "data", "usps")
			writeFiles(t, d, course)
			os.Mkdir(filepath.Join(root, "empty"), 0o755)
			path := func(p string) string {
				if p == "" {
					return ""
				}
				return filepath.Join(root, strings.Replace(p, "D", "data/usps", 1))
			}
			srv, hits, files := server(t, serveContent)
			f := fetcher(t, srv.URL, files)
			if tt.cache {
				writeFiles(t, f.CacheDir, course)
			}
			if tt.corruptCache {
				writeFiles(t, f.CacheDir, map[string][]byte{"USPS_test.txt": []byte("10 255\n")})
			}
			t.Setenv(DataEnv, path(tt.env))
			train, _, err := f.Find(path(tt.dir))
			if hits.Load() != tt.wantDownloads {
				t.Errorf("%d downloads, want %d", hits.Load(), tt.wantDownloads)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrUSPSNotFound) != tt.wantNotFound {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"D":        filepath.Join(d, "USPS_train.txt"),
				"cache":    filepath.Join(f.CacheDir, "USPS_train.txt"),
				"download": filepath.Join(f.CacheDir, "zip.train.gz"),
			}[tt.wantSource]
			if train.Source != want {
				t.Errorf("read %s, want %s", train.Source, want)
			}
		})
	}
}

// TestDownloadRealChecksums serves the real ESL files, when $NNDIY_DATA has
// them, to check the checksums FindUSPS expects.
func TestDownloadRealChecksums(t *testing.T) {
	trainPath, testPath := realFile(t, "zip.train"), realFile(t, "zip.test")
	if !strings.HasSuffix(trainPath, ".gz") || !strings.HasSuffix(testPath, ".gz") {
		t.Skip("the real ESL files are not gzipped as on the ESL site")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(trainPath))))
	t.Cleanup(srv.Close)
	t.Setenv(DataEnv, "")
	f := &USPSFetcher{BaseURL: srv.URL, CacheDir: t.TempDir()}
	if err := f.Download(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cacheFiles(t, f.CacheDir), " "); got != "zip.test.gz zip.train.gz" {
		t.Errorf("cache holds %q, want the two files", got)
	}
}

func TestIsTerminal(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if isTerminal(file) {
		t.Error("a regular file is a terminal")
	}
}
