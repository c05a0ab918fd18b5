//go:build !linux

package main

import "errors"

// pinTo is Linux's alone: elsewhere -pin says so rather than run unpinned.
func pinTo(string) error {
	return errors.New("-pin works on Linux only; pin the process with the system's own tool")
}
