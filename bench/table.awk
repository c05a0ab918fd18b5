# Turns `go test -bench` output into one table: a row a benchmark, its
# package, and every figure it reported (time, memory, custom metrics).
# Used by `make bench`; failures and other lines pass through as they are.
/^pkg: / { pkg = $2; sub(/^github.com\/finessed\/finessed\//, "", pkg); next }
/^(goos|goarch|cpu): / { if (!($1 in seen)) { seen[$1] = 1; head = head $0 "\n" }; next }
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	figures = ""
	for (i = 3; i < NF; i += 2) {
		v = $i
		if ($(i+1) == "ns/op" && v >= 1000000) { v = sprintf("%.2f ms/op", v / 1000000) }
		else if ($(i+1) == "ns/op" && v >= 1000) { v = sprintf("%.1f µs/op", v / 1000) }
		else { v = v " " $(i+1) }
		figures = figures (figures == "" ? "" : ", ") v
	}
	rows[++n] = sprintf("%-16s %-25s %s", pkg, name, figures)
	next
}
/^(PASS|ok |\?)/ { next }
{ print }
END {
	printf "%s\n%-16s %-25s %s\n", head, "package", "benchmark", "figures"
	for (i = 1; i <= n; i++) print rows[i]
}
