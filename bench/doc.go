// Package bench holds neardup's end-to-end benchmarks and evaluation commands. See README.md beside it for the
// commands and the published figures.
package bench
