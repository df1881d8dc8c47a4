package planar

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
)

// CheckSVG returns an error unless the file at path is a well-formed XML
// document whose root element is an <svg> with some content: what the
// experiments' tests ask of every figure.
func CheckSVG(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	depth, elements := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && t.Name.Local != "svg" {
				return fmt.Errorf("%s: root element is <%s>, not <svg>", path, t.Name.Local)
			}
			depth++
			elements++
		case xml.EndElement:
			depth--
		}
	}
	if elements < 2 {
		return fmt.Errorf("%s: an empty SVG document", path)
	}
	return nil
}
