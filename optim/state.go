package optim

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/nndiy/nndiy/layers"
)

// stateful is an optimizer whose state SaveState and LoadState know.
type stateful interface {
	// stateEntries returns the state of params, in their order, as
	// entries aliasing the optimizer's own buffers.
	stateEntries(params []*layers.Parameter) []entry
	// stateShape returns the shape of p's state key, or false if the
	// optimizer keeps no such key.
	stateShape(p *layers.Parameter, key string) ([]int, bool)
	// setState checks state (each parameter's keys and values, as read)
	// and only then replaces the optimizer's whole state with it.
	setState(state map[*layers.Parameter]map[string][]float64) error
}

// SaveState writes the state of opt for the parameters of m to w, as a
// checkpoint of its own. An optimizer's state is what it keeps from one step
// to the next, which resuming a run exactly needs as well as the
// parameters, as PyTorch's optimizer.state_dict(). SaveState writes one
// entry per piece of state, named after the parameter it belongs to and
// PyTorch's key:
//
//	SGD:          <parameter>.momentum_buffer    the parameter's shape
//	Adam, AdamW:  <parameter>.step               a scalar (rank 0), the step count t
//	              <parameter>.exp_avg            the parameter's shape, m
//	              <parameter>.exp_avg_sq         the parameter's shape, v
//	              <parameter>.max_exp_avg_sq     with AMSGrad, the running maximum of v
//
// A parameter that has no state yet (no step taken, or SGD without
// momentum) has no entry. Hyperparameters (learning rate, momentum, betas …)
// are not saved: like the network's architecture, they are the program's.
// See docs/checkpoints.md.
//
// opt must be one of this package's optimizers; the course's plain step
// (Optim without WithOptimizer) keeps no state.
func SaveState(w io.Writer, opt Optimizer, m layers.Module) error {
	st, ok := opt.(stateful)
	if !ok {
		return fmt.Errorf("optim.SaveState: %T is not an optimizer of this package, whose state SaveState knows", opt)
	}
	if err := writeCheckpoint(w, st.stateEntries(m.Parameters())); err != nil {
		return fmt.Errorf("optim.SaveState: %w", err)
	}
	return nil
}

// LoadState reads a checkpoint written by SaveState from r and makes it
// opt's state for the parameters of m, in place of any state opt had. It
// checks everything first, as Load does: the format, that every entry names
// one of m's parameters and a key that opt keeps, with the right shape, and
// that each parameter's state is complete (Adam's step count a whole
// number). On any error opt is left unchanged, and the error wraps
// ErrBadCheckpoint, ErrCheckpointMismatch or the reader's error.
func LoadState(r io.Reader, opt Optimizer, m layers.Module) error {
	if err := loadState(r, opt, m, false); err != nil {
		return fmt.Errorf("optim.LoadState: %w", err)
	}
	return nil
}

func loadState(r io.Reader, opt Optimizer, m layers.Module, wholeInput bool) error {
	st, ok := opt.(stateful)
	if !ok {
		return fmt.Errorf("%T is not an optimizer of this package, whose state LoadState knows", opt)
	}
	byName, err := parametersByName(m.Parameters())
	if err != nil {
		return err
	}
	// An entry's name is the parameter's name (which may hold dots), a dot
	// and the key (which holds none).
	split := func(name string) (*layers.Parameter, string) {
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return nil, ""
		}
		return byName[name[:i]], name[i+1:]
	}
	entries, err := readCheckpoint(r, checkpointReader{
		wholeInput: wholeInput,
		owner:      fmt.Sprintf("%T's state", opt),
		expect: func(name string) ([]int, error) {
			p, key := split(name)
			if p == nil {
				return nil, fmt.Errorf("%w: the checkpoint has an entry %q that is not <parameter>.<key> for a parameter of the model", ErrCheckpointMismatch, name)
			}
			shape, ok := st.stateShape(p, key)
			if !ok {
				return nil, fmt.Errorf("%w: the checkpoint has an entry %q, but %T keeps no %q", ErrCheckpointMismatch, name, opt, key)
			}
			return shape, nil
		},
	})
	if err != nil {
		return err
	}
	state := make(map[*layers.Parameter]map[string][]float64)
	for _, e := range entries {
		p, key := split(e.name)
		if state[p] == nil {
			state[p] = make(map[string][]float64)
		}
		state[p][key] = e.data
	}
	return st.setState(state)
}

// SaveStateFile writes the state of opt for m to the file path as SaveState
// does, atomically, as SaveFile writes a model.
func SaveStateFile(path string, opt Optimizer, m layers.Module) error {
	if err := writeFileAtomic(path, func(w io.Writer) error { return SaveState(w, opt, m) }); err != nil {
		return fmt.Errorf("optim.SaveStateFile: %w", err)
	}
	return nil
}

// LoadStateFile reads the state file path into opt as LoadState does. It
// also rejects a file with bytes after the checkpoint.
func LoadStateFile(path string, opt Optimizer, m layers.Module) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("optim.LoadStateFile: %w", err)
	}
	defer f.Close()
	if err := loadState(bufio.NewReaderSize(f, 1<<16), opt, m, true); err != nil {
		return fmt.Errorf("optim.LoadStateFile %s: %w", path, err)
	}
	return nil
}

// The state of SGD: a momentum buffer per parameter, from its first step
// with momentum on.

func (s *SGD) stateEntries(params []*layers.Parameter) []entry {
	var es []entry
	for _, p := range params {
		if buf, ok := s.buf[p]; ok {
			es = append(es, entry{p.Name + ".momentum_buffer", p.Value.Shape, buf})
		}
	}
	return es
}

func (s *SGD) stateShape(p *layers.Parameter, key string) ([]int, bool) {
	return p.Value.Shape, key == "momentum_buffer"
}

func (s *SGD) setState(state map[*layers.Parameter]map[string][]float64) error {
	buf := make(map[*layers.Parameter][]float64, len(state))
	for p, keys := range state {
		buf[p] = keys["momentum_buffer"]
	}
	s.buf = buf
	return nil
}

// The state of Adam and AdamW: adamState per parameter, from its first
// step, in the adamStore both embed.

// adamStore is the state that Adam and AdamW keep.
type adamStore struct {
	state map[*layers.Parameter]*adamState
	built bool // made by NewAdam or NewAdamW
}

func newAdamStore() adamStore {
	return adamStore{state: make(map[*layers.Parameter]*adamState), built: true}
}

func (a *adamStore) stateEntries(params []*layers.Parameter) []entry {
	var es []entry
	for _, p := range params {
		s := a.state[p]
		if s == nil {
			continue
		}
		es = append(es,
			entry{p.Name + ".step", []int{}, []float64{float64(s.t)}},
			entry{p.Name + ".exp_avg", p.Value.Shape, s.m},
			entry{p.Name + ".exp_avg_sq", p.Value.Shape, s.v})
		if s.vMax != nil {
			es = append(es, entry{p.Name + ".max_exp_avg_sq", p.Value.Shape, s.vMax})
		}
	}
	return es
}

func (a *adamStore) stateShape(p *layers.Parameter, key string) ([]int, bool) {
	switch key {
	case "step":
		return []int{}, true
	case "exp_avg", "exp_avg_sq", "max_exp_avg_sq":
		return p.Value.Shape, true
	}
	return nil, false
}

func (a *adamStore) setState(state map[*layers.Parameter]map[string][]float64) error {
	out := make(map[*layers.Parameter]*adamState, len(state))
	for p, keys := range state {
		for _, key := range []string{"step", "exp_avg", "exp_avg_sq"} {
			if keys[key] == nil {
				return fmt.Errorf("%w: the state of %q has no %q", ErrCheckpointMismatch, p.Name, key)
			}
		}
		t := keys["step"][0]
		if t != math.Trunc(t) || t < 0 || t > adamMaxStep {
			return fmt.Errorf("%w: the state of %q has step %v, not a whole number from 0 to 2⁵³", ErrBadCheckpoint, p.Name, t)
		}
		out[p] = &adamState{t: int(t), m: keys["exp_avg"], v: keys["exp_avg_sq"], vMax: keys["max_exp_avg_sq"]}
	}
	a.state = out
	return nil
}

// adamMaxStep is the largest step count saved as a float64 exactly.
const adamMaxStep = 1 << 53
