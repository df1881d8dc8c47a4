package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Table is a summary table, printed with aligned columns as Markdown so
// that it can be pasted into docs as it is.
type Table struct {
	Header []string
	Rows   [][]string
}

// Add appends a row; values are formatted with %v, floats with %.4g.
func (t *Table) Add(values ...any) {
	row := make([]string, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case float64:
			row[i] = fmt.Sprintf("%.4g", v)
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.Rows = append(t.Rows, row)
}

// Write prints the table to w.
func (t *Table) Write(w io.Writer) error {
	width := make([]int, len(t.Header))
	for i, h := range t.Header {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.Rows {
		for i, c := range r {
			if i < len(width) {
				width[i] = max(width[i], utf8.RuneCountInString(c))
			}
		}
	}
	var sb strings.Builder
	line := func(cells []string) {
		sb.WriteString("|")
		for i := range width {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			fmt.Fprintf(&sb, " %s%s |", c, strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
		}
		sb.WriteString("\n")
	}
	line(t.Header)
	sb.WriteString("|")
	for _, wd := range width {
		sb.WriteString(strings.Repeat("-", wd+2) + "|")
	}
	sb.WriteString("\n")
	for _, r := range t.Rows {
		line(r)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// FindRow returns the cells of the first row of a Markdown table in text
// whose first cell is first, trimmed of spaces, or nil if there is none: how
// a test reads a number back from a summary.
func FindRow(text, first string) []string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
			continue
		}
		cells := strings.Split(line[1:len(line)-1], "|")
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
		}
		if cells[0] == first {
			return cells
		}
	}
	return nil
}
