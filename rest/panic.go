package rest

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panic further down the chain into a 500 ApiErrors
// answer and a log line, so one bad request never takes the connection or
// the server down.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer recoverPanic(w, r)
		next.ServeHTTP(w, r)
	})
}

func recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	slog.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	// After the header an ApiErrors would only garble the partial answer.
	if rec, ok := w.(*recorder); ok && rec.wroteHeader {
		return
	}
	writeXMLError(w, http.StatusInternalServerError, "Internal Server Error", "", "RUNTIME_EXCEPTION")
}
