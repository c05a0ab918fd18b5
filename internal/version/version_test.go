package version

import (
	"runtime/debug"
	"testing"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d"}, {Key: "vcs.time", Value: "2026-12-07T03:59:48Z"}, {Key: "vcs.modified", Value: "false"},
		}}, "v0.3.0 (commit 1a2b3c4d5e6f, 2026-12-07T03:59:48Z), go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"},
		}}, "(devel) (commit abc, modified), go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8"}, "(devel), go1.26.8"},
	} {
		if got := describe(&c.info); got != c.want {
			t.Errorf("describe = %q, want %q", got, c.want)
		}
	}
}
