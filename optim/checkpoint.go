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

	"github.com/nndiy/nndiy/internal/tempfile"
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
// all little-endian. An optimizer's state (momentum buffers, Adam's moments)
// is written in the same format, to a checkpoint of its own: see SaveState.

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
	entries := make([]entry, len(params))
	for i, p := range params {
		entries[i] = entry{p.Name, p.Value.Shape, p.Value.Data}
	}
	if err := writeCheckpoint(w, entries); err != nil {
		return fmt.Errorf("optim.Save: %w", err)
	}
	return nil
}

// entry is one named tensor of a checkpoint: a parameter, or one piece of
// an optimizer's state.
type entry struct {
	name  string
	shape []int
	data  []float64 // len = the product of shape
}

// writeCheckpoint writes entries to w in the checkpoint format, in order.
func writeCheckpoint(w io.Writer, entries []entry) error {
	if err := checkSavable(entries); err != nil {
		return err
	}
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriter(io.MultiWriter(w, crc))

	buf := make([]byte, 0, 4096)
	buf = append(buf, CheckpointMagic...)
	buf = binary.LittleEndian.AppendUint32(buf, CheckpointVersion)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(entries)))
	for _, e := range entries {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(e.name)))
		buf = append(buf, e.name...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(e.shape)))
		for _, d := range e.shape {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	for _, e := range entries {
		for _, v := range e.data {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) == cap(buf) {
				if _, err := bw.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

func checkSavable(entries []entry) error {
	if len(entries) > MaxCheckpointParams {
		return fmt.Errorf("%d parameters, more than the %d a checkpoint holds", len(entries), MaxCheckpointParams)
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		switch {
		case e.name == "" || len(e.name) > MaxParamNameLen:
			return fmt.Errorf("parameter name %q: need 1 to %d bytes", e.name, MaxParamNameLen)
		case seen[e.name]:
			return fmt.Errorf("two parameters are named %q", e.name)
		case len(e.shape) > MaxParamRank:
			return fmt.Errorf("parameter %q has %d dimensions, more than %d", e.name, len(e.shape), MaxParamRank)
		}
		seen[e.name] = true
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
	byName, err := parametersByName(params)
	if err != nil {
		return err
	}
	entries, err := readCheckpoint(r, checkpointReader{
		wholeInput: wholeInput,
		owner:      "the model",
		expect: func(name string) ([]int, error) {
			p := byName[name]
			if p == nil {
				return nil, fmt.Errorf("%w: the checkpoint has a parameter %q that the model does not have", ErrCheckpointMismatch, name)
			}
			return p.Value.Shape, nil
		},
		header: func(names map[string]bool) error {
			for _, p := range params {
				if !names[p.Name] {
					return fmt.Errorf("%w: the model's parameter %q is missing from the checkpoint", ErrCheckpointMismatch, p.Name)
				}
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	for _, e := range entries {
		copy(byName[e.name].Value.Data, e.data)
	}
	return nil
}

// parametersByName indexes params by name; names must be unique.
func parametersByName(params []*layers.Parameter) (map[string]*layers.Parameter, error) {
	byName := make(map[string]*layers.Parameter, len(params))
	for _, p := range params {
		if byName[p.Name] != nil {
			return nil, fmt.Errorf("the model has two parameters named %q", p.Name)
		}
		byName[p.Name] = p
	}
	return byName, nil
}

// checkpointReader says what a checkpoint being read must hold.
type checkpointReader struct {
	wholeInput bool   // r must end right after the checksum
	owner      string // what the entries belong to, for errors: "the model"
	// expect returns the shape that the entry name must have, or an error
	// (wrapping ErrCheckpointMismatch) if there must be no such entry.
	expect func(name string) ([]int, error)
	// header checks the set of names, once the header is read and before
	// any value is; it may be nil.
	header func(names map[string]bool) error
}

// readCheckpoint reads one checkpoint from r and returns its entries, in
// the file's order, with their values. No size read from the header is
// used before it has matched the shape that cr.expect gives, so the memory
// it allocates is bounded by the expected entries' sizes, whatever the
// header claims.
func readCheckpoint(r io.Reader, c checkpointReader) ([]entry, error) {
	cr := &crcReader{r: r, crc: crc32.New(castagnoli)}
	magic, err := cr.bytes(len(CheckpointMagic))
	if err != nil {
		return nil, loadError(err, "reading the magic")
	}
	if string(magic) != CheckpointMagic {
		return nil, fmt.Errorf("%w: magic %q, want %q (not an nndiy checkpoint)", ErrBadCheckpoint, magic, CheckpointMagic)
	}
	version, err := cr.uint32()
	if err != nil {
		return nil, loadError(err, "reading the version")
	}
	if version != CheckpointVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads version %d", ErrBadCheckpoint, version, CheckpointVersion)
	}
	count, err := cr.uint32()
	if err != nil {
		return nil, loadError(err, "reading the parameter count")
	}
	if count > MaxCheckpointParams {
		return nil, fmt.Errorf("%w: header claims %d parameters, more than %d", ErrBadCheckpoint, count, MaxCheckpointParams)
	}

	// The header, checked entry by entry against what is expected.
	var entries []entry
	names := make(map[string]bool)
	for i := range int(count) {
		nameLen, err := cr.uint32()
		if err != nil {
			return nil, loadError(err, fmt.Sprintf("reading the name of parameter %d", i))
		}
		if nameLen == 0 || nameLen > MaxParamNameLen {
			return nil, fmt.Errorf("%w: parameter %d has a name of %d bytes, need 1 to %d", ErrBadCheckpoint, i, nameLen, MaxParamNameLen)
		}
		nb, err := cr.bytes(int(nameLen))
		if err != nil {
			return nil, loadError(err, fmt.Sprintf("reading the name of parameter %d", i))
		}
		name := string(nb)
		want, err := c.expect(name)
		if err != nil {
			return nil, err
		}
		if names[name] {
			return nil, fmt.Errorf("%w: parameter %q appears twice", ErrBadCheckpoint, name)
		}
		names[name] = true
		rank, err := cr.uint32()
		if err != nil {
			return nil, loadError(err, fmt.Sprintf("reading the shape of %q", name))
		}
		if rank > MaxParamRank {
			return nil, fmt.Errorf("%w: parameter %q has %d dimensions, more than %d", ErrBadCheckpoint, name, rank, MaxParamRank)
		}
		var shape [MaxParamRank]uint64
		for d := range int(rank) {
			if shape[d], err = cr.uint64(); err != nil {
				return nil, loadError(err, fmt.Sprintf("reading the shape of %q", name))
			}
		}
		if !sameShape(shape[:rank], want) {
			return nil, fmt.Errorf("%w: parameter %q has shape %v in the checkpoint and %v in %s", ErrCheckpointMismatch, name, shape[:rank], want, c.owner)
		}
		n := 1
		for _, d := range want {
			n *= d
		}
		entries = append(entries, entry{name: name, shape: want, data: make([]float64, n)})
	}
	if c.header != nil {
		if err := c.header(names); err != nil {
			return nil, err
		}
	}

	// The values, entry after entry, in chunks of at most 4096.
	total := 0
	for _, e := range entries {
		total += len(e.data)
	}
	chunk := make([]byte, 8*min(total, 4096))
	for _, e := range entries {
		for off := 0; off < len(e.data); {
			n := min(len(e.data)-off, len(chunk)/8)
			if err := cr.full(chunk[:8*n]); err != nil {
				return nil, loadError(err, "reading the values")
			}
			for k := range n {
				e.data[off+k] = math.Float64frombits(binary.LittleEndian.Uint64(chunk[8*k:]))
			}
			off += n
		}
	}
	want := cr.crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return nil, loadError(err, "reading the checksum")
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != want {
		return nil, fmt.Errorf("%w: checksum %08x, the data's is %08x (corrupted)", ErrBadCheckpoint, got, want)
	}
	if c.wholeInput {
		if n, err := io.ReadFull(r, sum[:1]); n != 0 || !errors.Is(err, io.EOF) {
			if n == 0 {
				return nil, fmt.Errorf("reading past the checksum: %w", err)
			}
			return nil, fmt.Errorf("%w: data after the checksum", ErrBadCheckpoint)
		}
	}
	return entries, nil
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
//
// The temporary file is named .<name>.<pid>-<random>.nndiy-tmp after the
// process writing it. SaveFile removes it on error; a process killed while
// saving cannot, and the next SaveFile or SaveStateFile in that directory
// (by any process) removes the temporary files of processes that no longer
// run. LoadFile reads path only, so it never sees them.
func SaveFile(path string, m layers.Module) error {
	if err := writeFileAtomic(path, func(w io.Writer) error { return Save(w, m) }); err != nil {
		return fmt.Errorf("optim.SaveFile: %w", err)
	}
	return nil
}

// tempSuffix ends the names of SaveFile's temporary files.
const tempSuffix = ".nndiy-tmp"

// writeFileAtomic writes the file path with write: to a temporary file in
// the same directory, synced, then renamed to path. It first removes the
// temporary files that killed processes left in the directory.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tempfile.RemoveStale(dir, ".", tempSuffix)
	f, err := tempfile.Create(dir, "."+filepath.Base(path)+".", tempSuffix)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
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
