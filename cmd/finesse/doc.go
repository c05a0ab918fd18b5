// Command finesse is the companion CLI of finessed, for people who drive
// or inspect a Finesse-compatible server from a terminal.
//
// Usage:
//
//	finesse <command> [flags]
//
// Commands:
//
//	agents   list every agent with its state, reason code and extension
//
// Run "finesse <command> -h" for a command's flags. Later issues add
// call injection, event watching, recording, replay and load generation.
package main
