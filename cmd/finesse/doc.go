// Command finesse is the companion CLI of finessed, for people who drive
// or inspect a Finesse-compatible server from a terminal.
//
// Usage:
//
//	finesse <command> [flags]
//
// Commands:
//
//	agents      list every agent with its state, reason code and extension
//	call        bring a customer call into a queue (the simulator's POST /acd/Calls)
//	gen-config  write a finessed config with N agents, M supervisors and T teams
//	load        drive a server with state changes and measure notification delivery
//	route       sign a queue's agents in READY, bring calls in at once and time each to its agent RESERVED
//	record      record what a server does as a conformance scenario
//	replay      run conformance scenarios against a server and show where it differs
//	watch       sign in over XMPP, subscribe to nodes and print events as they arrive
//	version     print the version and the commit it was built from
//
// Every command that talks to a server finds its REST API with -rest (or
// its alias -url), and accepts a self-signed certificate (https://,
// wss://, and XMPP over TCP upgraded with -starttls) with -insecure.
//
// Run "finesse <command> -h" for a command's flags.
package main
