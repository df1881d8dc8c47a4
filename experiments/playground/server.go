package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"time"
)

// Limits is how much the server lets its users take.
type Limits struct {
	MaxSessions int           // sessions alive at once
	Idle        time.Duration // a session not polled for this long is dropped
	Tick        time.Duration // a playing session trains once per tick …
	Work        time.Duration // … for at most this long
	CPU         int           // sessions training at the same moment
	MaxEpochs   int           // playing pauses by itself after this many epochs
}

// DefaultLimits let a classroom share a lab machine: 32 tabs, each playing
// session training at most 15 ms in every 40, one at a time.
func DefaultLimits() Limits {
	return Limits{MaxSessions: 32, Idle: 5 * time.Minute, Tick: 40 * time.Millisecond, Work: 15 * time.Millisecond, CPU: 1, MaxEpochs: 20000}
}

// server holds the sessions and the digits model.
type server struct {
	limits Limits
	logf   func(format string, args ...any)
	digits *digits
	cpu    chan struct{} // a token per session allowed to train at once

	mu       sync.Mutex
	sessions map[string]*session
	done     chan struct{} // closed by close: stops the janitor and the loops
}

func newServer(limits Limits, dg *digits, logw io.Writer) *server {
	lg := log.New(logw, "", log.LstdFlags)
	srv := &server{
		limits: limits, logf: lg.Printf, digits: dg,
		cpu:      make(chan struct{}, limits.CPU),
		sessions: make(map[string]*session),
		done:     make(chan struct{}),
	}
	go srv.janitor()
	return srv
}

// close stops every session's training and the janitor.
func (srv *server) close() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	select {
	case <-srv.done:
	default:
		close(srv.done)
	}
	for _, s := range srv.sessions {
		s.pause()
	}
}

var errTooManySessions = errors.New("too many sessions: close another tab of the playground, or wait a few minutes for idle ones to be dropped")

// create starts a session for c.
func (srv *server) create(c Config) (*session, error) {
	srv.dropIdle(srv.limits.Idle)
	srv.mu.Lock()
	full := len(srv.sessions) >= srv.limits.MaxSessions
	srv.mu.Unlock()
	if full {
		return nil, errTooManySessions
	}
	var b [12]byte
	rand.Read(b[:])
	s, err := newSession(hex.EncodeToString(b[:]), c, nil)
	if err != nil {
		return nil, err
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.sessions) >= srv.limits.MaxSessions {
		return nil, errTooManySessions
	}
	srv.sessions[s.id] = s
	return s, nil
}

func (srv *server) get(id string) *session {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	s := srv.sessions[id]
	if s != nil {
		s.mu.Lock()
		s.lastSeen = time.Now()
		s.mu.Unlock()
	}
	return s
}

func (srv *server) remove(id string) {
	srv.mu.Lock()
	s := srv.sessions[id]
	delete(srv.sessions, id)
	srv.mu.Unlock()
	if s != nil {
		s.pause()
	}
}

// dropIdle removes the sessions that nobody polled for the duration idle
// (limits.Idle): their tab is closed, or asleep.
func (srv *server) dropIdle(idle time.Duration) {
	srv.mu.Lock()
	var ids []string
	for id, s := range srv.sessions {
		s.mu.Lock()
		if time.Since(s.lastSeen) >= idle {
			ids = append(ids, id)
		}
		s.mu.Unlock()
	}
	srv.mu.Unlock()
	for _, id := range ids {
		srv.remove(id)
		srv.logf("session %s dropped after %v idle", id, idle)
	}
}

func (srv *server) janitor() {
	t := time.NewTicker(max(srv.limits.Idle/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-srv.done:
			return
		case <-t.C:
			srv.dropIdle(srv.limits.Idle)
		}
	}
}

// play starts the session's training loop. The caller holds s.mu.
func (srv *server) play(s *session) {
	if s.playing {
		return
	}
	s.playing, s.failure, s.playFrom = true, "", s.epochs
	s.stop = make(chan struct{})
	go srv.loop(s, s.stop)
}

// pause stops the training loop. The caller holds s.mu.
func (s *session) pauseLocked() {
	if s.playing {
		s.playing = false
		close(s.stop)
	}
}

func (s *session) pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pauseLocked()
}

// loop trains a playing session: once per tick, for at most limits.Work,
// holding one of the CPU tokens, then records the curves. A panic stops
// this session only, with a message for its page.
func (srv *server) loop(s *session, stop chan struct{}) {
	tick := time.NewTicker(srv.limits.Tick)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-srv.done:
			return
		case <-tick.C:
		}
		select {
		case srv.cpu <- struct{}{}:
		case <-stop:
			return
		}
		running := srv.work(s, stop)
		<-srv.cpu
		if !running {
			return
		}
	}
}

// work is one tick of training. It reports whether the loop goes on.
func (srv *server) work(s *session, stop chan struct{}) (running bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			srv.logf("session %s: panic while training: %v", s.id, r)
			s.failure = fmt.Sprintf("training stopped by an internal error: %v", r)
			s.pauseLocked()
			running = false
		}
	}()
	select {
	case <-stop: // paused while this tick waited for the lock
		return false
	default:
	}
	start := time.Now()
	for time.Since(start) < srv.limits.Work && s.failure == "" {
		s.trainBatch()
	}
	s.record()
	if s.epochs-s.playFrom >= srv.limits.MaxEpochs && s.failure == "" {
		s.failure = fmt.Sprintf("paused after %d epochs (the server's limit); press play to go on", srv.limits.MaxEpochs)
	}
	if s.failure != "" {
		s.pauseLocked()
		return false
	}
	return true
}
