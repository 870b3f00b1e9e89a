package postgres

import (
	"regexp"
	"sync"

	"github.com/jackc/pgx/v5"
)

// optionalFilter finds the read-model queries whose filters are "empty
// means any" parameters (state = $1 unless $1 is empty, a nil uuid, a false flag,
// a zero day). A generic plan, which PostgreSQL may switch a prepared
// statement to after a few runs, cannot see which filters are empty: a
// page count then reads every one of an airline's 100,000 PIREPs.
var optionalFilter = regexp.MustCompile(`(?i)(=\s*''|::boolean|=\s*0|'00000000-0000-0000-0000-000000000000')\s+OR\b`)

// planEachRun caches, per query text, whether it has optional filters.
var planEachRun sync.Map // string → bool

// planArgs returns args for a query: a query with optional filters runs
// as an unnamed statement of a cached description (one round trip, as
// before), which PostgreSQL plans for each run's values; every other
// query stays a prepared statement, whose plan PostgreSQL may keep
// (planning a lookup by id cost about as much as running it).
func planArgs(sql string, args []any) []any {
	each, ok := planEachRun.Load(sql)
	if !ok {
		each = optionalFilter.MatchString(sql)
		planEachRun.Store(sql, each)
	}
	if !each.(bool) {
		return args
	}
	return append([]any{pgx.QueryExecModeCacheDescribe}, args...)
}
