package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nndiy/nndiy/internal/tempfile"
)

// The environment variables FindUSPS reads.
const (
	// DataEnv names a directory holding the USPS files, or a usps
	// subdirectory of them.
	DataEnv = "NNDIY_DATA"
	// USPSURLEnv replaces DefaultUSPSURL, for a mirror.
	USPSURLEnv = "NNDIY_USPS_URL"
)

// DefaultUSPSURL is where the ESL files zip.train.gz and zip.test.gz are
// downloaded from: the site of The Elements of Statistical Learning.
const DefaultUSPSURL = "https://hastie.su.domains/ElemStatLearn/datasets"

// DefaultDownloadTimeout is how long a download waits for data from the
// server before giving up, when USPSFetcher.Timeout is zero.
const DefaultDownloadTimeout = 30 * time.Second

// uspsFile is a file to download, its size in bytes and its SHA-256
// checksum.
type uspsFile struct {
	name   string
	size   int64
	sha256 string
}

// uspsDownloads are ESL's files, whose sizes and checksums are those of the
// copies described in the data README (the ESL page lists them as 1.7M and
// 429K).
var uspsDownloads = []uspsFile{
	{"zip.train.gz", 1829071, "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16"},
	{"zip.test.gz", 439208, "8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f"},
}

// partialSuffix ends the name of a file being downloaded:
// .zip.train.gz.<pid>-<random>.partial, renamed to zip.train.gz once
// complete and verified.
const partialSuffix = ".partial"

// FindUSPS finds and loads the USPS data, downloading it when it is nowhere
// on the machine, as torchvision's download=True. It looks, in order:
//
//  1. in dir, when it is not empty (the experiments' -data flag);
//  2. in the directory named by $NNDIY_DATA, when it is set;
//  3. in the cache directory, os.UserCacheDir()/nndiy/usps;
//  4. and otherwise downloads the ESL files into the cache directory, then
//     loads them from there.
//
// Each directory is read by LoadUSPS, so it may hold the files of any of
// the three formats, or a usps subdirectory of them. A directory given by
// dir or $NNDIY_DATA must hold the files: if it does not, FindUSPS returns
// an error rather than look further, so that a mistyped path is not
// silently replaced by a download.
//
// FindUSPS prints the download's progress on stderr when stderr is a
// terminal. To change the server, the cache directory or the timeout, use a
// USPSFetcher.
func FindUSPS(dir string) (train, test *Dataset, err error) {
	var f USPSFetcher
	if isTerminal(os.Stderr) {
		f.Progress = os.Stderr
	}
	return f.Find(dir)
}

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// USPSFetcher finds the USPS data and downloads it. The zero value is ready
// to use: it downloads from $NNDIY_USPS_URL or DefaultUSPSURL into
// os.UserCacheDir()/nndiy/usps with http.DefaultClient, and prints nothing.
type USPSFetcher struct {
	// BaseURL is the URL of the directory holding zip.train.gz and
	// zip.test.gz. Empty means $NNDIY_USPS_URL, or DefaultUSPSURL when that
	// is not set.
	BaseURL string
	// CacheDir is the directory the files are downloaded into and looked
	// for. Empty means os.UserCacheDir()/nndiy/usps.
	CacheDir string
	// Client makes the requests. Nil means http.DefaultClient.
	Client *http.Client
	// Timeout is how long a download may wait without receiving data
	// (while connecting, or for the next bytes of the body) before it
	// fails. Zero means DefaultDownloadTimeout.
	Timeout time.Duration
	// Progress, when not nil, receives a progress line that updates in
	// place ("\r") during each download.
	Progress io.Writer

	// files are the files to download; nil means uspsDownloads. Tests
	// set it to serve files of their own.
	files []uspsFile
}

// Find is FindUSPS with f's settings.
func (f *USPSFetcher) Find(dir string) (train, test *Dataset, err error) {
	if dir != "" {
		return LoadUSPS(dir)
	}
	if env := os.Getenv(DataEnv); env != "" {
		train, test, err = LoadUSPS(env)
		if err != nil {
			err = fmt.Errorf("%w\n(looked there because %s=%s)", err, DataEnv, env)
		}
		return train, test, err
	}
	cache, err := f.cacheDir()
	if err != nil {
		return nil, nil, err
	}
	train, test, err = LoadUSPS(cache)
	if !errors.Is(err, ErrUSPSNotFound) {
		return train, test, err
	}
	if err := f.Download(); err != nil {
		return nil, nil, err
	}
	return LoadUSPS(cache)
}

func (f *USPSFetcher) cacheDir() (string, error) {
	if f.CacheDir != "" {
		return f.CacheDir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("data: no cache directory for the USPS download (%v); set %s to a directory holding the files.\n%s", err, DataEnv, uspsNamesHelp)
	}
	return filepath.Join(dir, "nndiy", "usps"), nil
}

func (f *USPSFetcher) baseURL() string {
	if f.BaseURL != "" {
		return f.BaseURL
	}
	if u := os.Getenv(USPSURLEnv); u != "" {
		return u
	}
	return DefaultUSPSURL
}

// Download fetches the ESL files zip.train.gz and zip.test.gz that are not
// yet in the cache directory, and checks their sizes and SHA-256 checksums.
//
// It asks the server for the files as they are (Accept-Encoding: identity),
// so that a mirror that would compress them again, or that labels the .gz
// files Content-Encoding: gzip, cannot make Go's client decompress them
// before the checksum. It stops reading as soon as a server sends more
// bytes than a file has (1 829 071 and 439 208), announces another length,
// or sends nothing for Timeout.
//
// Each file is written to a temporary file in the cache directory,
// .zip.train.gz.<pid>-<random>.partial (pid being the process's id), which
// is renamed to its name only once complete and verified; on failure it is
// removed. A process killed while downloading cannot remove its file: the
// next Download removes the .partial files of processes that no longer run
// (see internal/tempfile), and leaves those of a download still running.
//
// The error, a *DownloadError, says what failed and how to install the
// files by hand.
func (f *USPSFetcher) Download() error {
	dir, err := f.cacheDir()
	if err != nil {
		return err
	}
	files := f.files
	if files == nil {
		files = uspsDownloads
	}
	for _, file := range files {
		tempfile.RemoveStale(dir, "."+file.name+".", partialSuffix)
		dst := filepath.Join(dir, file.name)
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		u := strings.TrimSuffix(f.baseURL(), "/") + "/" + file.name
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return &DownloadError{URL: u, CacheDir: dir, Err: err}
		}
		if err := f.fetch(u, dst, file); err != nil {
			return &DownloadError{URL: u, CacheDir: dir, Err: err}
		}
	}
	return nil
}

// DownloadError reports a failed download of a USPS file.
type DownloadError struct {
	URL      string // the file being downloaded
	CacheDir string // where it was going
	Err      error  // what went wrong
}

func (e *DownloadError) Error() string {
	return fmt.Sprintf("data: downloading the USPS data failed: %s: %v\n"+
		"To install the data by hand, put the training and test files in a directory and "+
		"pass it with -data or set %s to it, or put them in %s.\n%s",
		e.URL, e.Err, DataEnv, e.CacheDir, uspsNamesHelp)
}

func (e *DownloadError) Unwrap() error { return e.Err }

// fetch downloads the URL u into dst through a temporary file, checking file's
// checksum.
func (f *USPSFetcher) fetch(u, dst string, file uspsFile) (err error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultDownloadTimeout
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}

	// The timeout is one of inactivity: a timer that cancels the request,
	// pushed back each time data arrives, so that a slow but steady
	// download completes while a stalled one fails.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stalled := fmt.Errorf("timed out: no data from the server for %v", timeout)
	timer := time.AfterFunc(timeout, func() { cancel(stalled) })
	defer timer.Stop()
	// Prefer the cause (the timeout) to the client's "context canceled".
	defer func() {
		if err != nil && context.Cause(ctx) == stalled {
			err = stalled
		}
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	// The file's bytes as they are: without this header Go's client asks
	// for gzip and decompresses a gzip-encoded body before the checksum
	// sees it (pip#1419, bazel#11686).
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error // says the URL again: keep only what went wrong
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP status %s", resp.Status)
	}
	if resp.ContentLength >= 0 && resp.ContentLength != file.size {
		return fmt.Errorf("the server announces %d bytes, the file has %d", resp.ContentLength, file.size)
	}
	// A server may encode the body although asked not to; Go's client then
	// leaves it encoded, and the bytes are not the file's.
	encoded := ""
	if enc := resp.Header.Get("Content-Encoding"); enc != "" && enc != "identity" {
		encoded = fmt.Sprintf(" (the server sent it with Content-Encoding: %s, though asked for identity)", enc)
	}

	tmp, err := tempfile.Create(filepath.Dir(dst), "."+file.name+".", partialSuffix)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	hash := sha256.New()
	w := io.MultiWriter(tmp, hash)
	progress := newProgress(f.Progress, file.name, file.size)
	buf := make([]byte, 32<<10)
	var written int64
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			timer.Reset(timeout)
			if written+int64(n) > file.size {
				progress.done()
				return fmt.Errorf("the server sends more than the file's %d bytes%s", file.size, encoded)
			}
			if _, err := w.Write(buf[:n]); err != nil {
				progress.done()
				return err
			}
			written += int64(n)
			progress.update(written)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			progress.done()
			return fmt.Errorf("after %d bytes: %w", written, rerr)
		}
	}
	progress.done()
	if written != file.size {
		return fmt.Errorf("truncated: %d bytes of %d%s", written, file.size, encoded)
	}
	if sum := hex.EncodeToString(hash.Sum(nil)); sum != file.sha256 {
		return fmt.Errorf("checksum mismatch: SHA-256 %s, want %s%s", sum, file.sha256, encoded)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// progress prints "name: 1.2 MiB of 1.7 MiB (70%)", updated in place at
// most every 100 ms, on w when w is not nil.
type progress struct {
	w     io.Writer
	name  string
	total int64 // −1 when unknown
	last  time.Time
	n     int64
}

func newProgress(w io.Writer, name string, total int64) *progress {
	return &progress{w: w, name: name, total: total}
}

func (p *progress) update(n int64) {
	p.n = n
	if p.w == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.print()
}

func (p *progress) print() {
	const mib = 1 << 20
	if p.total > 0 {
		fmt.Fprintf(p.w, "\rdownloading %s: %.1f MiB of %.1f MiB (%d%%)", p.name, float64(p.n)/mib, float64(p.total)/mib, 100*p.n/p.total)
	} else {
		fmt.Fprintf(p.w, "\rdownloading %s: %.1f MiB", p.name, float64(p.n)/mib)
	}
}

// done prints the final state of the line and ends it.
func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.print()
	fmt.Fprintln(p.w)
}
