package optim_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nndiy/nndiy/internal/testexec"
	"github.com/nndiy/nndiy/layers"
	"github.com/nndiy/nndiy/optim"
	"github.com/nndiy/nndiy/tensor"
)

// paramModule is a Module that is only a list of parameters, for building
// checkpoints of any layout. Its forward and backward passes are unused.
type paramModule struct{ params []*layers.Parameter }

func (m *paramModule) Forward(x *tensor.Tensor) *tensor.Tensor              { return x }
func (m *paramModule) BackwardUpdateGradient(x, delta *tensor.Tensor)       {}
func (m *paramModule) BackwardDelta(x, delta *tensor.Tensor) *tensor.Tensor { return delta }
func (m *paramModule) ZeroGrad()                                            {}
func (m *paramModule) UpdateParameters(lr float64)                          {}
func (m *paramModule) Parameters() []*layers.Parameter                      { return m.params }

// newParamModule returns a module with the named parameters of the given
// shapes, filled with values drawn from seed.
func newParamModule(seed uint64, named ...any) *paramModule {
	rng := rand.New(rand.NewPCG(seed, 0))
	m := new(paramModule)
	for i := 0; i < len(named); i += 2 {
		p := layers.NewParameter(named[i].(string), named[i+1].([]int)...)
		p.Value.FillNormal(rng, 0, 1)
		m.params = append(m.params, p)
	}
	return m
}

// testModel is the model of the checkpoint tests: a matrix, a row and a
// scalar (a parameter of rank 0).
func testModel(seed uint64) *paramModule {
	return newParamModule(seed, "0.weight", []int{2, 3}, "0.bias", []int{1, 3}, "scale", []int{})
}

func snapshot(m layers.Module) [][]float64 {
	var s [][]float64
	for _, p := range m.Parameters() {
		s = append(s, append([]float64(nil), p.Value.Data...))
	}
	return s
}

func unchanged(m layers.Module, before [][]float64) bool {
	for i, p := range m.Parameters() {
		if !sameBits(p.Value.Data, before[i]) {
			return false
		}
	}
	return true
}

func checkpointBytes(t testing.TB, m layers.Module) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := optim.Save(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheckpointFormat builds the checkpoint of a one-parameter model byte
// by byte as docs/checkpoints.md describes it and compares with Save.
func TestCheckpointFormat(t *testing.T) {
	m := &paramModule{params: []*layers.Parameter{layers.NewParameter("w", 2, 1)}}
	m.params[0].Value.Data[0], m.params[0].Value.Data[1] = 1.5, math.Inf(-1)

	le := binary.LittleEndian
	var want []byte
	want = append(want, "NNDIYCKP"...)
	want = le.AppendUint32(want, 1) // version
	want = le.AppendUint32(want, 1) // one parameter
	want = le.AppendUint32(want, 1) // name length
	want = append(want, 'w')
	want = le.AppendUint32(want, 2) // rank
	want = le.AppendUint64(want, 2)
	want = le.AppendUint64(want, 1)
	want = le.AppendUint64(want, math.Float64bits(1.5))
	want = le.AppendUint64(want, math.Float64bits(math.Inf(-1)))
	sum := crc32.Checksum(want, crc32.MakeTable(crc32.Castagnoli))
	if sum != 0xc4c0dbd2 {
		t.Errorf("CRC-32C of the example is %#08x, docs/checkpoints.md says 0xc4c0dbd2", sum)
	}
	want = le.AppendUint32(want, sum)

	if got := checkpointBytes(t, m); !bytes.Equal(got, want) {
		t.Errorf("Save wrote\n% x\nwant\n% x", got, want)
	}
}

// TestCheckpointRoundTrip saves a real network and loads it into another
// one initialised differently.
func TestCheckpointRoundTrip(t *testing.T) {
	src, _, _ := uspsMLP(1)
	dst, _, _ := uspsMLP(2)
	if sameParams(src, dst) {
		t.Fatal("the two networks start equal")
	}
	if err := optim.Load(bytes.NewReader(checkpointBytes(t, src)), dst); err != nil {
		t.Fatal(err)
	}
	if !sameParams(src, dst) {
		t.Error("loaded weights differ from the saved ones")
	}
}

// TestLoadAnyOrder loads a checkpoint whose parameters come in another
// order than the model's.
func TestLoadAnyOrder(t *testing.T) {
	src := testModel(1)
	reversed := &paramModule{params: []*layers.Parameter{src.params[2], src.params[0], src.params[1]}}
	dst := testModel(2)
	if err := optim.Load(bytes.NewReader(checkpointBytes(t, reversed)), dst); err != nil {
		t.Fatal(err)
	}
	if !sameParams(src, dst) {
		t.Error("weights differ after loading a reordered checkpoint")
	}
}

// TestLoadReadsOnlyTheCheckpoint loads two checkpoints written one after
// the other to one stream.
func TestLoadReadsOnlyTheCheckpoint(t *testing.T) {
	a, b := testModel(1), testModel(2)
	stream := append(checkpointBytes(t, a), checkpointBytes(t, b)...)
	r := bytes.NewReader(stream)
	gotA, gotB := testModel(3), testModel(3)
	if err := optim.Load(r, gotA); err != nil {
		t.Fatal(err)
	}
	if err := optim.Load(r, gotB); err != nil {
		t.Fatal(err)
	}
	if !sameParams(a, gotA) || !sameParams(b, gotB) || r.Len() != 0 {
		t.Errorf("two checkpoints in a row: weights equal %v and %v, %d bytes left", sameParams(a, gotA), sameParams(b, gotB), r.Len())
	}
}

// entry is one parameter of a crafted checkpoint header.
type entry struct {
	name  string
	shape []uint64
}

// craft returns a checkpoint with the given version, parameter count and
// header entries, followed by the values 0, 1, … (as many as values) and a
// correct checksum: well-formed bytes around one chosen defect.
func craft(version, count uint32, entries []entry, values int) []byte {
	le := binary.LittleEndian
	b := append([]byte(nil), "NNDIYCKP"...)
	b = le.AppendUint32(b, version)
	b = le.AppendUint32(b, count)
	for _, e := range entries {
		b = le.AppendUint32(b, uint32(len(e.name)))
		b = append(b, e.name...)
		b = le.AppendUint32(b, uint32(len(e.shape)))
		for _, d := range e.shape {
			b = le.AppendUint64(b, d)
		}
	}
	for i := range values {
		b = le.AppendUint64(b, math.Float64bits(float64(i)))
	}
	return le.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

var goodEntries = []entry{{"0.weight", []uint64{2, 3}}, {"0.bias", []uint64{1, 3}}, {"scale", nil}}

// TestLoadErrors feeds malformed checkpoints to Load and checks each error
// and that the model is left unchanged.
func TestLoadErrors(t *testing.T) {
	good := checkpointBytes(t, testModel(1))
	flip := func(i int) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= 0x10
		return b
	}
	tests := []struct {
		name string
		data []byte
		is   error  // the sentinel the error wraps
		msg  string // a part of the message
	}{
		{"empty", nil, optim.ErrBadCheckpoint, "truncated"},
		{"wrong magic", append([]byte("PK\x03\x04NNDI"), good[8:]...), optim.ErrBadCheckpoint, "not an nndiy checkpoint"},
		{"version 2", craft(2, 3, goodEntries, 10), optim.ErrBadCheckpoint, "version 2"},
		{"absurd count", craft(1, math.MaxUint32, goodEntries, 10), optim.ErrBadCheckpoint, "4294967295 parameters"},
		{"empty name", craft(1, 3, []entry{{"", nil}}, 0), optim.ErrBadCheckpoint, "name of 0 bytes"},
		{"absurd name length", append(craft(1, 1, nil, 0)[:16], 0xff, 0xff, 0xff, 0xff), optim.ErrBadCheckpoint, "name of 4294967295 bytes"},
		{"unknown name", craft(1, 3, []entry{{"0.weight", []uint64{2, 3}}, {"1.bias", []uint64{1, 3}}}, 0), optim.ErrCheckpointMismatch, `"1.bias" that the model does not have`},
		{"duplicate name", craft(1, 4, append(goodEntries, goodEntries[0]), 0), optim.ErrBadCheckpoint, `"0.weight" appears twice`},
		{"absurd rank", craft(1, 1, []entry{{"scale", make([]uint64, 9)}}, 0), optim.ErrBadCheckpoint, "9 dimensions"},
		{"shape mismatch", craft(1, 3, []entry{{"0.weight", []uint64{3, 2}}}, 0), optim.ErrCheckpointMismatch, "shape [3 2] in the checkpoint and [2 3] in the model"},
		{"absurd shape", craft(1, 3, []entry{{"0.weight", []uint64{1 << 62, 1 << 62}}}, 0), optim.ErrCheckpointMismatch, "[4611686018427387904 4611686018427387904]"},
		{"missing parameter", craft(1, 2, goodEntries[:2], 9), optim.ErrCheckpointMismatch, `"scale" is missing`},
		{"truncated values", good[:len(good)-12], optim.ErrBadCheckpoint, "truncated, end of data while reading the values"},
		{"truncated checksum", good[:len(good)-2], optim.ErrBadCheckpoint, "reading the checksum"},
		{"bad checksum", flip(len(good) - 1), optim.ErrBadCheckpoint, "checksum"},
		{"corrupted value", flip(len(good) - 20), optim.ErrBadCheckpoint, "checksum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := testModel(7)
			before := snapshot(m)
			err := optim.Load(bytes.NewReader(tc.data), m)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want one wrapping %q and saying %q", err, tc.is, tc.msg)
			}
			if !unchanged(m, before) {
				t.Error("the model changed")
			}
		})
	}
}

// TestLoadRejectsEveryCorruption cuts a valid checkpoint at every length
// and flips every byte of it in turn: each must fail, model unchanged.
func TestLoadRejectsEveryCorruption(t *testing.T) {
	good := checkpointBytes(t, testModel(1))
	m := testModel(7)
	before := snapshot(m)
	for n := range len(good) {
		if err := optim.Load(bytes.NewReader(good[:n]), m); err == nil {
			t.Errorf("checkpoint cut to %d of %d bytes loads", n, len(good))
		}
	}
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 0x01
		if err := optim.Load(bytes.NewReader(b), m); err == nil {
			t.Errorf("checkpoint with byte %d flipped loads", i)
		}
	}
	if !unchanged(m, before) {
		t.Error("the model changed")
	}
}

// TestSaveErrors checks that a model whose names a checkpoint cannot hold
// is refused.
func TestSaveErrors(t *testing.T) {
	tests := []struct {
		name string
		m    layers.Module
		msg  string
	}{
		{"duplicate", newParamModule(1, "w", []int{1}, "w", []int{2}), `two parameters are named "w"`},
		{"empty name", newParamModule(1, "", []int{1}), `name ""`},
		{"long name", newParamModule(1, strings.Repeat("x", optim.MaxParamNameLen+1), []int{1}), "need 1 to 1024 bytes"},
		{"rank 9", newParamModule(1, "w", []int{1, 1, 1, 1, 1, 1, 1, 1, 1}), "9 dimensions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := optim.Save(&buf, tc.m)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Save error %v, want one saying %q", err, tc.msg)
			}
			if buf.Len() != 0 {
				t.Errorf("Save wrote %d bytes before failing", buf.Len())
			}
		})
	}
	m := newParamModule(1, "w", []int{1}, "w", []int{1})
	if err := optim.Load(bytes.NewReader(nil), m); err == nil || !strings.Contains(err.Error(), `two parameters named "w"`) {
		t.Errorf("Load into a model with two parameters named w: %v", err)
	}
}

// TestSaveFileAtomic writes checkpoint files: a new one, a replacement, a
// failing save that must leave the old file, and no temporary file behind.
func TestSaveFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "net.ckpt")
	a, b := testModel(1), testModel(2)
	if err := optim.SaveFile(path, a); err != nil {
		t.Fatal(err)
	}
	if err := optim.SaveFile(path, b); err != nil {
		t.Fatal(err)
	}
	bad := newParamModule(3, "w", []int{1}, "w", []int{1})
	if err := optim.SaveFile(path, bad); err == nil {
		t.Error("SaveFile of a model with duplicate names succeeded")
	}
	got := testModel(3)
	if err := optim.LoadFile(path, got); err != nil {
		t.Fatal(err)
	}
	if !sameParams(b, got) {
		t.Error("the file does not hold the last successful save")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only net.ckpt", names)
	}
	if err := optim.SaveFile(filepath.Join(dir, "missing", "net.ckpt"), a); err == nil {
		t.Error("SaveFile into a missing directory succeeded")
	}
}

// deadPID returns the id of a process that has ended: this test binary run
// again with no test to run.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := testexec.Command("-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestSaveFileRemovesLeftovers leaves behind what a save killed in the
// middle leaves (issue 14: 47 temporary files after 60 kills), a partial
// temporary file of a process that no longer runs, and checks that the
// next SaveFile in the directory removes it, that one of a running process
// stays, and that LoadFile ignores them all.
func TestSaveFileRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	if err := optim.SaveFile(path, testModel(1)); err != nil {
		t.Fatal(err)
	}
	whole := checkpointBytes(t, testModel(2))
	dead, alive := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getppid())
	leftovers := map[string]bool{ // name → removed by the next save
		".run.ckpt." + dead + "-2826917371.nndiy-tmp": true,
		".epoch3.ckpt." + dead + "-17.nndiy-tmp":      true,
		".run.ckpt." + alive + "-5.nndiy-tmp":         false,
		"notes.tmp":                                   false,
	}
	for name := range leftovers {
		if err := os.WriteFile(filepath.Join(dir, name), whole[:len(whole)/2], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := testModel(3)
	if err := optim.LoadFile(path, got); err != nil || !sameParams(got, testModel(1)) {
		t.Fatalf("LoadFile beside the leftovers: %v", err)
	}
	if err := optim.SaveStateFile(filepath.Join(dir, "run.adam"), optim.NewAdam(0.1), testModel(1)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	for _, e := range entries {
		left[e.Name()] = true
	}
	for name, removed := range leftovers {
		if left[name] == removed {
			t.Errorf("%s: present %v after the next save, want %v", name, left[name], !removed)
		}
	}
	if !left["run.ckpt"] || !left["run.adam"] || len(left) != 4 {
		t.Errorf("directory holds %v", left)
	}
}

// TestLoadFileErrors checks a missing file and a file with bytes after the
// checkpoint.
func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	m := testModel(7)
	before := snapshot(m)
	if err := optim.LoadFile(filepath.Join(dir, "none.ckpt"), m); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "trailing.ckpt")
	if err := os.WriteFile(path, append(checkpointBytes(t, testModel(1)), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := optim.LoadFile(path, m); !errors.Is(err, optim.ErrBadCheckpoint) || !strings.Contains(err.Error(), "after the checksum") {
		t.Errorf("trailing byte: %v", err)
	}
	if !unchanged(m, before) {
		t.Error("the model changed")
	}
}

// FuzzLoad feeds arbitrary bytes to Load. Load must not panic; when it
// fails the model is unchanged, and when it succeeds saving and loading
// again gives the same parameters.
func FuzzLoad(f *testing.F) {
	good := checkpointBytes(f, testModel(1))
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Add([]byte(optim.CheckpointMagic))
	f.Add(craft(1, 3, goodEntries, 10))
	f.Add(craft(1, math.MaxUint32, goodEntries, 10))
	f.Add(craft(1, 3, []entry{{"0.weight", []uint64{1 << 62, 4}}}, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := testModel(7)
		before := snapshot(m)
		if err := optim.Load(bytes.NewReader(data), m); err != nil {
			if !unchanged(m, before) {
				t.Fatalf("Load failed (%v) and changed the model", err)
			}
			return
		}
		again := testModel(8)
		if err := optim.Load(bytes.NewReader(checkpointBytes(t, m)), again); err != nil {
			t.Fatalf("reloading a saved checkpoint: %v", err)
		}
		if !sameParams(m, again) {
			t.Fatal("save and load changed the parameters")
		}
	})
}
