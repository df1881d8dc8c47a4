package cli

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Progress prints one line per epoch while a model trains: the epoch, the
// loss, the time elapsed and the estimated time left. On a terminal the line
// is redrawn in place; elsewhere (a file, a pipe, CI) each update is a plain
// line, at most one every Every so that logs stay short.
type Progress struct {
	w        io.Writer
	label    string
	total    int
	start    time.Time
	last     time.Time
	terminal bool
	Every    time.Duration // the least time between two plain lines
}

// NewProgress returns a Progress for total epochs written to w.
func NewProgress(w io.Writer, label string, total int) *Progress {
	now := time.Now()
	return &Progress{w: w, label: label, total: total, start: now, terminal: isTerminal(w), Every: 2 * time.Second}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update reports that epoch (counted from 1) ended with the given loss.
func (p *Progress) Update(epoch int, loss float64) {
	now := time.Now()
	elapsed := now.Sub(p.start)
	final := epoch == p.total
	if !p.terminal && !final && epoch != 1 && now.Sub(p.last) < p.Every {
		return
	}
	p.last = now
	eta := time.Duration(0)
	if epoch > 0 {
		eta = time.Duration(float64(elapsed) / float64(epoch) * float64(p.total-epoch))
	}
	line := fmt.Sprintf("%s  epoch %*d/%d  loss %.6f  elapsed %s  eta %s",
		p.label, len(fmt.Sprint(p.total)), epoch, p.total, loss, round(elapsed), round(eta))
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintln(p.w, line)
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}
