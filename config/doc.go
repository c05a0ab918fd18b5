// Package config reads a deployment's config file (YAML) and holds the
// embedded demo directory that finessed uses when it is given none.
//
// The file's shape is directory.Config plus the server's TLS certificate; the demo
// directory is written in the same shape, so it doubles as a template.
package config
