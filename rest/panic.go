package rest

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/finessed/finessed/model"
)

// recoverPanic turns a handler's panic into a 500 ApiErrors answer and a
// log line, so one bad request never takes the connection or server down.
func recoverPanic(w *recorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	slog.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if w.wroteHeader {
		return
	}
	writeXMLError(w, http.StatusInternalServerError, "Internal Server Error", "", "RUNTIME_EXCEPTION")
}

func writeXMLError(w http.ResponseWriter, status int, errType, data, message string) {
	writeXML(w, status, model.APIErrorsElement(model.APIError{Type: errType, Data: data, Message: message}))
}
