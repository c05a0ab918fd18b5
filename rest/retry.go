package rest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/finessed/finessed/acd"
)

// changeContext is the context a change request is carried out in: not
// cancelled when the client hangs up, so that its effect never depends on
// when the connection drops, and, when the request carries a requestId,
// marked so that acd recognises a repeat of it as the client's retry of a
// request whose answer it never received (acd/retrysafe.go). A repeat is
// the same method, resource, requestId and body, on the same target user
// (the one the request changes), with nothing else changing that user in
// between.
func changeContext(r *http.Request, body []byte, target string) context.Context {
	ctx := context.WithoutCancel(r.Context())
	id := r.Header.Get("requestId")
	if id == "" {
		return ctx
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(actor(r).ID), []byte(r.Method), []byte(r.URL.Path), []byte(id), body} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return acd.WithRetrySafety(ctx, target, hex.EncodeToString(h.Sum(nil)))
}

// accepted answers a change that acd carried out, or had already carried
// out for the same request, with 202 and an empty body; any other error
// as an error.
func accepted(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil && !errors.Is(err, acd.ErrRepeated) {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
