package redis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
)

// callFailed wraps the error of a Redis call that failed while doing what.
// A call that got no answer (connection refused or reset, a timeout, a
// closed client) is acd.ErrUnavailable: the node cannot serve right now,
// which REST answers with 503, not 500, in the second before the
// heartbeat declares the node out of service.
func callFailed(what string, err error) error {
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("redis store: %s: %w: %w", what, acd.ErrUnavailable, err)
	}
	return fmt.Errorf("redis store: %s: %w", what, err)
}
