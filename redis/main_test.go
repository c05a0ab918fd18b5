package redis_test

import "time"

var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
