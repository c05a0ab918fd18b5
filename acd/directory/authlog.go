package directory

import (
	"context"
	"log/slog"
	"slices"
	"time"
)

// logAttrsKey is the context key of what the authenticator's log lines
// say about where a sign-in came from.
type logAttrsKey struct{}

// WithLogAttrs returns ctx carrying attrs, such as the remote address, the
// transport and a requestId, for the authenticator to add to the lines it
// logs about a sign-in checked with that context: a refused sign-in and
// a lockout taking effect are logged once, where they are decided, and
// carry what the caller knew.
func WithLogAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	return context.WithValue(ctx, logAttrsKey{}, slices.Concat(LogAttrs(ctx), attrs))
}

// LogSource says where a sign-in came from when asked, which is only when
// a line about it is logged: a request path that succeeds pays nothing to
// build attributes it never logs.
type LogSource interface{ LogAttrs() []slog.Attr }

type logSourceKey struct{}

// WithLogSource returns ctx carrying src, whose attributes the
// authenticator's lines add as they add WithLogAttrs'.
func WithLogSource(ctx context.Context, src LogSource) context.Context {
	return context.WithValue(ctx, logSourceKey{}, src)
}

// LogAttrs are the attributes WithLogAttrs and WithLogSource put in ctx.
func LogAttrs(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(logAttrsKey{}).([]slog.Attr)
	if src, ok := ctx.Value(logSourceKey{}).(LogSource); ok {
		attrs = slices.Concat(attrs, src.LogAttrs())
	}
	return attrs
}

// Why a sign-in was refused, as the log says.
const (
	refusedMalformed = "malformed username"
	refusedUnknown   = "unknown user"
	refusedPassword  = "wrong password"
	refusedLocked    = "account locked"
)

// maxLoggedName bounds how much of an unknown username is logged.
const maxLoggedName = 64

// refused logs a refused sign-in of user (a loginId, or the name given
// when no user has it) and returns ErrBadCredentials: the client is told
// no more than that, but the operator sees why.
func refused(ctx context.Context, user, why string) error {
	if len(user) > maxLoggedName {
		user = user[:maxLoggedName] + "..."
	}
	attrs := append([]slog.Attr{slog.String("user", user), slog.String("reason", why)}, LogAttrs(ctx)...)
	slog.LogAttrs(ctx, slog.LevelWarn, "sign-in refused", attrs...)
	return ErrBadCredentials
}

// logLocked logs that user's account has just been locked.
func (a *Authenticator) logLocked(ctx context.Context, user string) {
	s := a.dir.Settings
	attrs := append([]slog.Attr{
		slog.String("user", user), slog.Int("attempts", s.LockoutAttempts), slog.String("for", s.LockoutDuration.String()),
	}, LogAttrs(ctx)...)
	slog.LogAttrs(ctx, slog.LevelWarn, "account locked after repeated wrong passwords", attrs...)
}

// lockedNow reports whether the failed attempt just counted for user at
// now locked the account. It asks only after a wrong password, so a
// sign-in that succeeds costs nothing more; a Lockouts that cannot tell
// (no LockChecker) never reports a lock.
func (a *Authenticator) lockedNow(user string, now time.Time) bool {
	lc, ok := a.lockouts.(LockChecker)
	// Asking restarts a lock period that began at now: no change.
	return ok && lc.Locked(user, now)
}
