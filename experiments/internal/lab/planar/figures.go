package planar

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nndiy/nndiy/experiments/internal/cli"
	"github.com/nndiy/nndiy/experiments/internal/plot"
)

// Figures writes the figures of a run into the output directory of its
// Config and keeps their paths, in order.
type Figures struct {
	Config *cli.Config
	Paths  []string
}

// Save writes f as the SVG file name in the output directory.
func (fs *Figures) Save(name string, f plot.Figure) error {
	path, err := fs.Config.Path(name)
	if err != nil {
		return err
	}
	if err := plot.SaveSVG(path, f); err != nil {
		return err
	}
	fs.Paths = append(fs.Paths, path)
	return nil
}

// Markdown returns an image link per figure, as docs/results.md links
// them: figures/section/NAME.svg.
func (fs *Figures) Markdown(section string) string {
	var sb strings.Builder
	for _, p := range fs.Paths {
		name := filepath.Base(p)
		fmt.Fprintf(&sb, "![%s](figures/%s/%s)\n", strings.TrimSuffix(name, filepath.Ext(name)), section, name)
	}
	return sb.String()
}
