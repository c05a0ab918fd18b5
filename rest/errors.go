package rest

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Errors found by rest itself, before acd is asked.
var (
	errMalformed       = errors.New("malformed request body")
	errBodyTooLarge    = errors.New("request body too large")
	errMediaType       = errors.New("unsupported media type")
	errMissingQuery    = errors.New("missing query parameter")
	errInvalidQuery    = errors.New("invalid query parameter")
	errRouteNotFound   = errors.New("no such resource")
	errRangeNotAllowed = errors.New("range not satisfiable")
	errOutOfService    = errors.New("out of service")
)

// apiErrorKind is how one kind of error is reported over HTTP.
type apiErrorKind struct {
	status  int
	errType string
}

// errorKinds maps every error kind to its status and ErrorType, the one
// place where acd's sentinels meet HTTP.
var errorKinds = []struct {
	err  error
	kind apiErrorKind
}{
	{acd.ErrBadCredentials, apiErrorKind{http.StatusUnauthorized, "Authentication Failure"}},
	{acd.ErrNotYourUser, apiErrorKind{http.StatusUnauthorized, "Invalid Authorization User Specified"}},
	{acd.ErrInvalidSupervisor, apiErrorKind{http.StatusUnauthorized, "Invalid Supervisor"}},
	{acd.ErrNotAuthorized, apiErrorKind{http.StatusUnauthorized, "Authorization Failure"}},
	{acd.ErrUserNotFound, apiErrorKind{http.StatusNotFound, "User Not Found"}},
	{acd.ErrNotFound, apiErrorKind{http.StatusNotFound, "Not Found"}},
	{errRouteNotFound, apiErrorKind{http.StatusNotFound, "Not Found"}},
	{acd.ErrParameterMissing, apiErrorKind{http.StatusBadRequest, "Parameter Missing"}},
	{errMissingQuery, apiErrorKind{http.StatusBadRequest, "Parameter Missing"}},
	{acd.ErrInvalidInput, apiErrorKind{http.StatusBadRequest, "Invalid Input"}},
	{errInvalidQuery, apiErrorKind{http.StatusBadRequest, "Invalid Input"}},
	{acd.ErrBadRequest, apiErrorKind{http.StatusBadRequest, "Bad Request"}},
	{errMalformed, apiErrorKind{http.StatusBadRequest, "Bad Request"}},
	{acd.ErrInvalidState, apiErrorKind{http.StatusBadRequest, "Invalid State"}},
	{acd.ErrPartyHeld, apiErrorKind{http.StatusUnauthorized, "Invalid State"}},
	{errBodyTooLarge, apiErrorKind{http.StatusRequestEntityTooLarge, "Request Entity Too Large"}},
	{errMediaType, apiErrorKind{http.StatusUnsupportedMediaType, "Unsupported Media Type"}},
	{errRangeNotAllowed, apiErrorKind{http.StatusRequestedRangeNotSatisfiable, "Range Not Satisfiable"}},
	{acd.ErrNotImplemented, apiErrorKind{http.StatusNotImplemented, "Not Implemented"}},
	{acd.ErrInvalidDestination, apiErrorKind{http.StatusBadRequest, "Invalid Destination"}},
	{errOutOfService, apiErrorKind{http.StatusServiceUnavailable, "Service Unavailable"}},
	{acd.ErrUnavailable, apiErrorKind{http.StatusServiceUnavailable, "Service Unavailable"}},
	{acd.ErrDuplicate, apiErrorKind{http.StatusBadRequest, "Finesse API Error"}},
	{acd.ErrMaximumExceeded, apiErrorKind{http.StatusBadRequest, "Maximum Exceeded"}},
	{acd.ErrForbidden, apiErrorKind{http.StatusForbidden, "Forbidden"}},
}

// detailedError carries the ErrorData and ErrorMessage of a rest error.
type detailedError struct {
	kind    error
	data    string
	message string
}

func (e *detailedError) Error() string { return e.kind.Error() + ": " + e.message }
func (e *detailedError) Unwrap() error { return e.kind }

func fail(kind error, data, message string) error {
	return &detailedError{kind: kind, data: data, message: message}
}

// writeError answers r with the ApiErrors document for err.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, apiErr := describe(err)
	if status == http.StatusInternalServerError && r.Context().Err() != nil {
		// The client hung up while a shared store was being asked: no one
		// is left to answer, and nothing failed on our side.
		slog.Debug("request abandoned by its client", "method", r.Method, "path", r.URL.Path, "err", err)
	} else if status == http.StatusInternalServerError {
		slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized && errors.Is(err, acd.ErrBadCredentials) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Finesse"`)
	}
	writeXML(w, status, model.APIErrorsElement(apiErr))
}

// writeXMLError answers with status and an ApiErrors document of one
// error, for answers that no error value describes.
func writeXMLError(w http.ResponseWriter, status int, errType, data, message string) {
	writeXML(w, status, model.APIErrorsElement(model.APIError{Type: errType, Data: data, Message: message}))
}

func describe(err error) (int, model.APIError) {
	apiErr := model.APIError{Type: "Internal Server Error", Message: "RUNTIME_EXCEPTION"}
	status := http.StatusInternalServerError
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			status, apiErr.Type, apiErr.Message = k.kind.status, k.kind.errType, k.err.Error()
			break
		}
	}
	var re *acd.RequestError
	var de *detailedError
	switch {
	case errors.As(err, &re):
		apiErr.Data, apiErr.Message = re.Field, re.Detail
	case errors.As(err, &de):
		apiErr.Data, apiErr.Message = de.data, de.message
	}
	return status, apiErr
}
