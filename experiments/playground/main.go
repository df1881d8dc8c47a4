// Command playground trains the course's networks live in the browser: the
// 2-D data sets, a network edited layer by layer, the decision boundary,
// each hidden unit, the weights, and a backprop mode that replays a training
// step call by call with the formulas of docs/derivations.md and the numbers
// plugged in. A digits tab classifies what you draw with the report's USPS
// network.
//
//	go run ./experiments/playground                  # then open http://127.0.0.1:8080
//	go run ./experiments/playground -load mlp.ckpt   # the digits tab uses experiments/usps -save's network
//	go run ./experiments/playground -addr :8080      # listen on every interface (a classroom)
//
// Everything runs in Go with nndiy's layers, losses and optimizers; the page
// (static/, embedded in the binary) only draws and sends the settings. It
// fetches nothing from the internet.
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/nndiy/nndiy/data"
	"github.com/nndiy/nndiy/experiments/internal/cli"
)

func main() {
	cli.Main("playground", func() error { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// digitEpochs is how long the digits network trains when there is no
// checkpoint.
const digitEpochs = 10

// run parses the flags, then serves until the listener fails.
func run(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("playground", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `host:port`")
	load := fs.String("load", "", "the digits tab's network: a `checkpoint` written by experiments/usps -save")
	dir := fs.String("data", "", "the USPS data `directory` (default: $NNDIY_DATA, then the cache)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	dg, err := setupDigits(*load, *dir, stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := newServer(DefaultLimits(), dg, stderr)
	defer srv.close()
	fmt.Fprintf(stdout, "serving on http://%s\n", ln.Addr())
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "playground: listening on %s, beyond this machine: anyone who can reach it can train here\n", ln.Addr())
	}
	hs := &http.Server{Handler: srv.handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
	return hs.Serve(ln)
}

// setupDigits loads the checkpoint, or starts training on the data when it
// is found, or explains how to get either.
func setupDigits(load, dir string, log io.Writer) (*digits, error) {
	if load != "" {
		return loadDigits(load)
	}
	train, test, err := findLocalUSPS(dir)
	switch {
	case err == nil:
		fmt.Fprintf(log, "digits: training the USPS network in the background (%d images)\n", train.Len())
		return trainDigits(train, test, digitEpochs, func(f string, a ...any) { fmt.Fprintf(log, f+"\n", a...) }), nil
	case dir != "" || !errors.Is(err, data.ErrUSPSNotFound):
		return nil, err // a directory given but wrong, or a damaged file: say so now
	}
	return missingDigits(missingMessage), nil
}
