package main

import (
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// Sentinels' own credentials go to the Sentinels, -redis's to the master.
func TestSentinelAuth(t *testing.T) {
	ropts := &goredis.Options{Username: "app", Password: "master-secret", DB: 2}
	for auth, want := range map[string][2]string{
		"":                    {"", ""},
		"s3cret":              {"", "s3cret"},
		"sentinel:s3cret":     {"sentinel", "s3cret"},
		"sentinel:with:colon": {"sentinel", "with:colon"},
	} {
		fo := failoverOptions(options{redisSentinels: "a:1,b:2", redisMaster: "m", sentinelAuth: auth}, ropts)
		if fo.SentinelUsername != want[0] || fo.SentinelPassword != want[1] || fo.Password != "master-secret" || fo.Username != "app" || fo.DB != 2 || len(fo.SentinelAddrs) != 2 {
			t.Errorf("%q: %+v", auth, fo)
		}
	}
}
