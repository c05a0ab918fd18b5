package acd

import "github.com/finessed/finessed/acd/directory"

// The directory's types, under the names the engine's API has always used:
// requests name their actor as a *User, and callers match refusals against
// the Err values below (package rest maps each to an ApiErrors body in one
// place).
type (
	Directory    = directory.Directory
	User         = directory.User
	Team         = directory.Team
	Queue        = directory.Queue
	RequestError = directory.RequestError
)

// The kinds of request that can never succeed; see directory's errors.
var (
	ErrBadCredentials       = directory.ErrBadCredentials
	ErrUserNotFound         = directory.ErrUserNotFound
	ErrNotFound             = directory.ErrNotFound
	ErrParameterMissing     = directory.ErrParameterMissing
	ErrInvalidInput         = directory.ErrInvalidInput
	ErrBadRequest           = directory.ErrBadRequest
	ErrInvalidState         = directory.ErrInvalidState
	ErrPartyHeld            = directory.ErrPartyHeld
	ErrNotYourUser          = directory.ErrNotYourUser
	ErrInvalidSupervisor    = directory.ErrInvalidSupervisor
	ErrNotAuthorized        = directory.ErrNotAuthorized
	ErrTooManySubscriptions = directory.ErrTooManySubscriptions
	ErrNotSubscribed        = directory.ErrNotSubscribed
	ErrNotImplemented       = directory.ErrNotImplemented
	ErrInvalidDestination   = directory.ErrInvalidDestination
	ErrUnavailable          = directory.ErrUnavailable
)

func refuse(kind error, field, detail string) error {
	return &RequestError{Kind: kind, Field: field, Detail: detail}
}
