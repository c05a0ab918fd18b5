package directory

import (
	"errors"
	"fmt"
)

// The kinds of request that can never succeed. Package rest maps each to an
// ApiErrors body and status in one place; a RequestError adds the detail.
var (
	ErrBadCredentials   = errors.New("bad credentials")
	ErrUserNotFound     = errors.New("user not found")
	ErrNotFound         = errors.New("not found")
	ErrParameterMissing = errors.New("parameter missing")
	ErrInvalidInput     = errors.New("invalid input")
	ErrBadRequest       = errors.New("bad request")
	ErrInvalidState     = errors.New("invalid state")
	// ErrPartyHeld is an action a held party cannot take; Finesse answers
	// it with a 401 Invalid State where other state refusals are 400.
	ErrPartyHeld            = errors.New("party is on hold")
	ErrNotYourUser          = errors.New("user does not match the credentials")
	ErrInvalidSupervisor    = errors.New("not a supervisor of the agent's team")
	ErrNotAuthorized        = errors.New("not authorized")
	ErrTooManySubscriptions = errors.New("too many subscriptions")
	ErrNotSubscribed        = errors.New("not subscribed")
	ErrNotImplemented       = errors.New("not implemented")
	ErrInvalidDestination   = errors.New("invalid destination")
	// ErrUnavailable is a shared Store that does not answer.
	ErrUnavailable = errors.New("shared state unavailable")
)

// RequestError is a refused request: Kind is one of the Err values above,
// Field names the offending parameter (ErrorData) and Detail says why.
type RequestError struct {
	Kind   error
	Field  string
	Detail string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%v: %s (%s)", e.Kind, e.Detail, e.Field)
}

// Unwrap lets errors.Is match the Kind.
func (e *RequestError) Unwrap() error { return e.Kind }

func refuse(kind error, field, detail string) error {
	return &RequestError{Kind: kind, Field: field, Detail: detail}
}
