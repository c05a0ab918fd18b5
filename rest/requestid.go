package rest

import "net/http"

// echoRequestID sends a request's requestId header back on its answer, as
// Finesse does, so that a client can match the answer to the request. An
// over-long one is refused instead, and not echoed: the refusal must not
// cost what the bound saves.
func echoRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestID(r); err != nil {
			writeError(w, r, err)
			return
		}
		if id := r.Header.Get("requestId"); id != "" {
			w.Header().Set("requestId", id)
		}
		next.ServeHTTP(w, r)
	})
}
