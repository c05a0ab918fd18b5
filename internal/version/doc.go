// Package version says which build of finessed and finesse is running:
// the module version and the commit it was built from, as the Go
// toolchain records them in the binary.
package version
