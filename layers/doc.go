// Package layers holds the course's modules: Linear, the activations, and
// Sequential, which chains modules and is itself a Module.
package layers
