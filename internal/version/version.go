package version

import (
	"runtime/debug"
	"strings"
)

// String is the build's module version, commit and build time, e.g.
// "v0.3.0 (commit 1a2b3c4d5e6f, 2026-12-07T03:59:48Z)" or
// "(devel) (commit 1a2b3c4d5e6f, modified)". What the toolchain did not
// record is left out.
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built without module information)"
	}
	return describe(info)
}

func describe(info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var details []string
	if rev := settings["vcs.revision"]; rev != "" {
		details = append(details, "commit "+rev[:min(12, len(rev))])
	}
	if t := settings["vcs.time"]; t != "" {
		details = append(details, t)
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "modified")
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	if len(details) == 0 {
		return v + ", " + info.GoVersion
	}
	return v + " (" + strings.Join(details, ", ") + "), " + info.GoVersion
}
