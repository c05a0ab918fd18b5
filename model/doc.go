// Package model holds the Finesse resources as Go values and their XML form.
//
// Every resource (User, Team, Queue, ReasonCode, WrapUpReason, PhoneBook,
// Contact, SystemInfo, Dialog) has an Element method that renders it with
// github.com/beevik/etree and a Parse function that reads it back. Children
// are written in case-insensitive alphabetical order, because that is what a
// real Finesse 12.5 server emits and what recorded sequences compare against.
//
// The Update envelope and both error shapes live here too: ApiErrors for
// synchronous HTTP bodies and apiErrors inside asynchronous error Updates.
//
// model imports nothing of this module; every other package may import it.
package model
