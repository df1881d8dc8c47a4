//go:build unix

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// screenshots, when set, makes TestScreenshots write the README's pictures:
//
//	go test ./experiments/playground -run Screenshots -screenshots ../../docs/figures
//
// With $NNDIY_DATA set, the digits tab uses a network trained on USPS.
var screenshots = flag.String("screenshots", "", "write the page's screenshots into `dir`")

// chromiumFlags run Chromium headless and quiet: no sandbox (CI runs as
// root), no GPU, no background traffic, a throw-away profile.
func chromiumFlags(t *testing.T) []string {
	return []string{
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
	}
}

func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("SKIPPING THE BROWSER TEST: no chromium on this machine. Install it (Debian: apt-get install -y chromium; .ci/run does) to test the page in a real browser.")
	return ""
}

// runChromium runs Chromium on url with the extra flags and returns its
// stdout. The page's own timers run in virtual time, fast-forwarded while
// no request is pending.
func runChromium(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(append(chromiumFlags(t), extra...), url)...)
	// Chromium starts helper processes: kill the whole group when done.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, lastLines(stderr.String(), 10))
	}
	return string(out)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// selftestResult is what the page's ?selftest= mode writes.
type selftestResult struct {
	OK        bool   `json:"ok"`
	Error     string `json:"error"`
	PageError string `json:"pageError"`
	Epochs    int    `json:"epochs"`
	TestAcc   string `json:"testAcc"`
	Backprop  struct {
		Counter, Call, Formula, Line string
		Steps                        int
	} `json:"backprop"`
	Digits struct {
		Pixels []float64 `json:"pixels"`
		Shown  []string  `json:"shown"`
		Best   string    `json:"best"`
		Status string    `json:"status"`
	} `json:"digits"`
}

var resultRE = regexp.MustCompile(`(?s)<pre id="selftest-result"[^>]*>(.*?)</pre>`)

// TestBrowser loads the page in headless Chromium from a test server, and
// lets the page's self-test drive it as a user would: it trains XOR with
// the "one epoch" button until the page shows 95 % test accuracy, traces a
// step in backprop mode and moves to the next call, then draws a 1 with
// the pointer in the digits tab. The test checks what the page displayed
// against the library.
func TestBrowser(t *testing.T) {
	bin := findChromium(t)
	net := digitsNetwork(5)
	ckpt := filepath.Join(t.TempDir(), "mlp.ckpt")
	if err := optim.SaveFile(ckpt, net); err != nil {
		t.Fatal(err)
	}
	dg, err := loadDigits(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	_, ts := testServer(t, Limits{}, dg)
	start := time.Now()
	dom := runChromium(t, bin, ts.URL+"/?selftest=xor", "--virtual-time-budget=60000", "--dump-dom")
	m := resultRE.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no self-test result in the page:\n%.2000s", dom)
	}
	var r selftestResult
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &r); err != nil {
		t.Fatalf("%v in %s", err, m[1])
	}
	t.Logf("browser: %d epochs to %s test accuracy, in %v", r.Epochs, r.TestAcc, time.Since(start).Round(time.Millisecond))
	if !r.OK || r.PageError != "" {
		t.Fatalf("the page's self-test failed: %s %s", r.Error, r.PageError)
	}
	if acc, err := strconv.ParseFloat(strings.TrimSuffix(r.TestAcc, " %"), 64); err != nil || acc < 95 {
		t.Errorf("the page shows test accuracy %q, want ≥ 95 %%", r.TestAcc)
	}
	bp := r.Backprop
	if !strings.HasPrefix(bp.Call, "X₁ = mods[0].Forward(X₀)") || !strings.Contains(bp.Formula, "Y = X·W + b") ||
		!strings.HasPrefix(bp.Line, "Y[1,1] = X[1,1]·W[1,1] + X[1,2]·W[2,1] + b[1] = ") || !strings.Contains(bp.Counter, "step 2 of") {
		t.Errorf("backprop step shown: %+v", bp)
	}
	// Linear, TanH, Linear, Sigmoid: ZeroGrad, 4 Forwards, the loss and
	// its Backward, 2 gradients, 4 deltas, the update.
	if bp.Steps != 14 {
		t.Errorf("the trace has %d steps, want 14", bp.Steps)
	}

	d := r.Digits
	if len(d.Pixels) != data.USPSPixels || len(d.Shown) != data.USPSClasses || !strings.Contains(d.Status, "mlp.ckpt") {
		t.Fatalf("digits: %d pixels, %d probabilities shown, status %q", len(d.Pixels), len(d.Shown), d.Status)
	}
	ink := 0.0
	for _, v := range d.Pixels {
		ink += v
	}
	if ink < 5 {
		t.Errorf("the drawn digit has %v of ink: the pointer events drew nothing", ink)
	}
	want := layers.NewSoftmax().Forward(net.Forward(tensor.FromSlice(d.Pixels, 1, data.USPSPixels)))
	best := 0
	for j, p := range want.Data {
		if s := fmt.Sprintf("%.1f %%", 100*p); d.Shown[j] != s {
			t.Errorf("digit %d: the page shows %q, the network gives %s", j, d.Shown[j], s)
		}
		if p > want.Data[best] {
			best = j
		}
	}
	if d.Best != strconv.Itoa(best) {
		t.Errorf("the page marks %q as the best digit, want %d", d.Best, best)
	}
}

// TestScreenshots writes the README's pictures when -screenshots is given.
func TestScreenshots(t *testing.T) {
	if *screenshots == "" {
		t.Skip("run with -screenshots DIR to write the page's pictures")
	}
	bin := findChromium(t)
	dg, err := setupDigits("", "", os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	for dg.status().State == "training" {
		time.Sleep(200 * time.Millisecond)
	}
	_, ts := testServer(t, Limits{}, dg)
	for _, shot := range []struct{ name, query, size string }{
		{"playground-xor.png", "?selftest=train", "1200,1420"},
		{"playground-spirals.png", "?data=spirals&points=600&noise=0.02&test=0.3&seed=2&hidden=8,8&act=tanh,tanh&output=softmax-ce&rule=adam&lr=0.01&batch=16&selftest=train", "1200,820"},
		{"playground-digits.png", "?tab=digits&selftest=digits", "1200,470"},
	} {
		path := filepath.Join(*screenshots, shot.name)
		runChromium(t, bin, ts.URL+"/"+shot.query, "--virtual-time-budget=60000", "--window-size="+shot.size, "--screenshot="+path)
		if err := paletted(path); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// paletted rewrites a PNG with at most 256 colours, a third of the bytes:
// the page's most frequent colours (rounded to 6 bits per channel), the
// others mapped to the nearest of them.
func paletted(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return err
	}
	round := func(c color.Color) color.RGBA {
		r, g, b, _ := c.RGBA()
		q := func(v uint32) uint8 { x := uint8(v >> 8); return x&^3 | x>>6 }
		return color.RGBA{q(r), q(g), q(b), 255}
	}
	count := map[color.RGBA]int{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			count[round(img.At(x, y))]++
		}
	}
	colors := make([]color.RGBA, 0, len(count))
	for c := range count {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool {
		a, b := colors[i], colors[j]
		if count[a] != count[b] {
			return count[a] > count[b]
		}
		return a.R < b.R || a.R == b.R && (a.G < b.G || a.G == b.G && a.B < b.B)
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colors[:min(len(colors), 256)] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(bounds, pal)
	draw.Draw(out, bounds, img, bounds.Min, draw.Src)
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(w, out); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
