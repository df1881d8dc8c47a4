package optim

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/nndiy/nndiy/layers"
)

// A checkpoint holds the values of a network's parameters, by the names
// that Parameters() gives, in the format of docs/checkpoints.md:
//
//	"NNDIYCKP"  version (uint32)  count (uint32)
//	count × { name length (uint32)  name  rank (uint32)  rank × dim (uint64) }
//	the values of each parameter in header order, float64
//	CRC-32C of everything before it (uint32)
//
// all little-endian. Optimizer state (momentum, Adam's moments) is not part
// of it.

// Checkpoint format constants.
const (
	CheckpointMagic   = "NNDIYCKP"
	CheckpointVersion = 1

	// Limits that a header must respect; larger claims are rejected
	// before anything is allocated.
	MaxCheckpointParams = 1 << 16 // parameters per checkpoint
	MaxParamNameLen     = 1 << 10 // bytes per name
	MaxParamRank        = 8       // dimensions per parameter
)

// ErrBadCheckpoint is wrapped by the errors of Load for data that is not a
// well-formed checkpoint: wrong magic or version, absurd header sizes,
// truncated data, bad checksum.
var ErrBadCheckpoint = errors.New("bad checkpoint")

// ErrCheckpointMismatch is wrapped by the errors of Load for a well-formed
// checkpoint that does not fit the model: unknown or missing names,
// different shapes.
var ErrCheckpointMismatch = errors.New("checkpoint does not match the model")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the parameters of m to w as a checkpoint, in the order of
// m.Parameters(). It returns an error if two parameters share a name, a
// name is empty or too long, a parameter has too many dimensions, or w fails.
func Save(w io.Writer, m layers.Module) error {
	params := m.Parameters()
	if err := checkSavable(params); err != nil {
		return err
	}
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriter(io.MultiWriter(w, crc))

	buf := make([]byte, 0, 4096)
	buf = append(buf, CheckpointMagic...)
	buf = binary.LittleEndian.AppendUint32(buf, CheckpointVersion)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(params)))
	for _, p := range params {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p.Name)))
		buf = append(buf, p.Name...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p.Value.Shape)))
		for _, d := range p.Value.Shape {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
		}
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("optim.Save: %w", err)
		}
		buf = buf[:0]
	}
	for _, p := range params {
		for _, v := range p.Value.Data {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) == cap(buf) {
				if _, err := bw.Write(buf); err != nil {
					return fmt.Errorf("optim.Save: %w", err)
				}
				buf = buf[:0]
			}
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("optim.Save: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("optim.Save: %w", err)
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32())); err != nil {
		return fmt.Errorf("optim.Save: %w", err)
	}
	return nil
}

func checkSavable(params []*layers.Parameter) error {
	if len(params) > MaxCheckpointParams {
		return fmt.Errorf("optim.Save: %d parameters, more than the %d a checkpoint holds", len(params), MaxCheckpointParams)
	}
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		switch {
		case p.Name == "" || len(p.Name) > MaxParamNameLen:
			return fmt.Errorf("optim.Save: parameter name %q: need 1 to %d bytes", p.Name, MaxParamNameLen)
		case seen[p.Name]:
			return fmt.Errorf("optim.Save: two parameters are named %q", p.Name)
		case len(p.Value.Shape) > MaxParamRank:
			return fmt.Errorf("optim.Save: parameter %q has %d dimensions, more than %d", p.Name, len(p.Value.Shape), MaxParamRank)
		}
		seen[p.Name] = true
	}
	return nil
}

// Load reads a checkpoint from r into the parameters of m, matching them by
// name (in any order). It reads exactly the checkpoint's bytes, nothing
// after it.
//
// Load checks everything before it changes m: the magic and version, the
// header's sizes against the Max… limits, that the checkpoint names each of
// m's parameters exactly once with m's shape, that the data is complete and
// that the checksum matches. On any error m is left unchanged, and the error
// wraps ErrBadCheckpoint, ErrCheckpointMismatch or the reader's error. The
// memory Load allocates is bounded by the size of m, whatever the header
// claims.
func Load(r io.Reader, m layers.Module) error {
	if err := load(r, m, false); err != nil {
		return fmt.Errorf("optim.Load: %w", err)
	}
	return nil
}

// load is Load; with wholeInput it also requires r to end right after the
// checkpoint.
func load(r io.Reader, m layers.Module, wholeInput bool) error {
	params := m.Parameters()
	byName := make(map[string]*layers.Parameter, len(params))
	for _, p := range params {
		if byName[p.Name] != nil {
			return fmt.Errorf("the model has two parameters named %q", p.Name)
		}
		byName[p.Name] = p
	}

	cr := &crcReader{r: r, crc: crc32.New(castagnoli)}
	magic, err := cr.bytes(len(CheckpointMagic))
	if err != nil {
		return loadError(err, "reading the magic")
	}
	if string(magic) != CheckpointMagic {
		return fmt.Errorf("%w: magic %q, want %q (not an nndiy checkpoint)", ErrBadCheckpoint, magic, CheckpointMagic)
	}
	version, err := cr.uint32()
	if err != nil {
		return loadError(err, "reading the version")
	}
	if version != CheckpointVersion {
		return fmt.Errorf("%w: version %d, this build reads version %d", ErrBadCheckpoint, version, CheckpointVersion)
	}
	count, err := cr.uint32()
	if err != nil {
		return loadError(err, "reading the parameter count")
	}
	if count > MaxCheckpointParams {
		return fmt.Errorf("%w: header claims %d parameters, more than %d", ErrBadCheckpoint, count, MaxCheckpointParams)
	}

	// The header, checked against the model entry by entry: no size read
	// from it is used before it has matched the model's.
	order := make([]*layers.Parameter, 0, len(params))
	found := make(map[*layers.Parameter]bool, len(params))
	for i := range int(count) {
		nameLen, err := cr.uint32()
		if err != nil {
			return loadError(err, fmt.Sprintf("reading the name of parameter %d", i))
		}
		if nameLen == 0 || nameLen > MaxParamNameLen {
			return fmt.Errorf("%w: parameter %d has a name of %d bytes, need 1 to %d", ErrBadCheckpoint, i, nameLen, MaxParamNameLen)
		}
		nb, err := cr.bytes(int(nameLen))
		if err != nil {
			return loadError(err, fmt.Sprintf("reading the name of parameter %d", i))
		}
		name := string(nb)
		p := byName[name]
		if p == nil {
			return fmt.Errorf("%w: the checkpoint has a parameter %q that the model does not have", ErrCheckpointMismatch, name)
		}
		if found[p] {
			return fmt.Errorf("%w: parameter %q appears twice", ErrBadCheckpoint, name)
		}
		found[p] = true
		rank, err := cr.uint32()
		if err != nil {
			return loadError(err, fmt.Sprintf("reading the shape of %q", name))
		}
		if rank > MaxParamRank {
			return fmt.Errorf("%w: parameter %q has %d dimensions, more than %d", ErrBadCheckpoint, name, rank, MaxParamRank)
		}
		var shape [MaxParamRank]uint64
		for d := range int(rank) {
			if shape[d], err = cr.uint64(); err != nil {
				return loadError(err, fmt.Sprintf("reading the shape of %q", name))
			}
		}
		if !sameShape(shape[:rank], p.Value.Shape) {
			return fmt.Errorf("%w: parameter %q has shape %v in the checkpoint and %v in the model", ErrCheckpointMismatch, name, shape[:rank], p.Value.Shape)
		}
		order = append(order, p)
	}
	for _, p := range params {
		if !found[p] {
			return fmt.Errorf("%w: the model's parameter %q is missing from the checkpoint", ErrCheckpointMismatch, p.Name)
		}
	}

	// The values, staged so that m changes only once all is checked.
	total := 0
	for _, p := range order {
		total += len(p.Value.Data)
	}
	staged := make([]float64, total)
	chunk := make([]byte, 8*min(total, 4096))
	for off := 0; off < total; {
		n := min(total-off, len(chunk)/8)
		if err := cr.full(chunk[:8*n]); err != nil {
			return loadError(err, "reading the values")
		}
		for k := range n {
			staged[off+k] = math.Float64frombits(binary.LittleEndian.Uint64(chunk[8*k:]))
		}
		off += n
	}
	want := cr.crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return loadError(err, "reading the checksum")
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != want {
		return fmt.Errorf("%w: checksum %08x, the data's is %08x (corrupted)", ErrBadCheckpoint, got, want)
	}
	if wholeInput {
		if n, err := io.ReadFull(r, sum[:1]); n != 0 || !errors.Is(err, io.EOF) {
			if n == 0 {
				return fmt.Errorf("reading past the checksum: %w", err)
			}
			return fmt.Errorf("%w: data after the checksum", ErrBadCheckpoint)
		}
	}

	for _, p := range order {
		n := copy(p.Value.Data, staged)
		staged = staged[n:]
	}
	return nil
}

func sameShape(claimed []uint64, shape []int) bool {
	if len(claimed) != len(shape) {
		return false
	}
	for i, d := range claimed {
		if d != uint64(shape[i]) {
			return false
		}
	}
	return true
}

// loadError wraps a read error, calling an early end of data a truncation.
func loadError(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated, end of data while %s", ErrBadCheckpoint, what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// crcReader reads exactly the bytes asked for and adds them to a checksum.
type crcReader struct {
	r       io.Reader
	crc     hash.Hash32
	scratch [MaxParamNameLen]byte
}

func (c *crcReader) full(b []byte) error {
	if _, err := io.ReadFull(c.r, b); err != nil {
		return err
	}
	c.crc.Write(b)
	return nil
}

// bytes returns the next n ≤ MaxParamNameLen bytes, valid until the next call.
func (c *crcReader) bytes(n int) ([]byte, error) {
	b := c.scratch[:n]
	return b, c.full(b)
}

func (c *crcReader) uint32() (uint32, error) {
	b, err := c.bytes(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (c *crcReader) uint64() (uint64, error) {
	b, err := c.bytes(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// SaveFile writes the parameters of m to the file path as Save does,
// atomically: it writes a temporary file in the same directory, syncs it to
// disk, and renames it to path, so that path holds either its old content
// or the whole new checkpoint, never a part. The file gets mode 0644.
func SaveFile(path string, m layers.Module) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("optim.SaveFile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("optim.SaveFile: %w", err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = Save(bw, m); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every system can sync a
	// directory; the checkpoint is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// LoadFile reads the checkpoint file path into m as Load does. It also
// rejects a file with bytes after the checkpoint.
func LoadFile(path string, m layers.Module) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("optim.LoadFile: %w", err)
	}
	defer f.Close()
	if err := load(bufio.NewReaderSize(f, 1<<16), m, true); err != nil {
		return fmt.Errorf("optim.LoadFile %s: %w", path, err)
	}
	return nil
}
