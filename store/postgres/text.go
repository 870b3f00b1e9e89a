package postgres

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/albatross-va/albatross/store/readmodel"
)

// cleanText is the read models' connection with every text argument made
// storable: a PostgreSQL text column refuses NUL and invalid UTF-8, and an
// event in the log that carries either (written before the domain checked
// text) must still apply, or its projection would stop for good. Reads get
// the same cleaning, so a lookup finds the row its write stored. Its errors
// are the domain's where the in-memory read models give the same
// (domainerrors.go).
type cleanText struct{ db readmodel.DBTX }

// Exec writes with cleaned arguments; a unique violation is the domain's
// conflict (domainerrors.go).
func (c cleanText) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := c.db.Exec(ctx, sql, planArgs(sql, cleanArgs(args))...)
	return tag, domainError(err)
}

// Query reads with cleaned arguments; a unique violation (a queued write
// sent first) is the domain's conflict.
func (c cleanText) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := c.db.Query(ctx, sql, planArgs(sql, cleanArgs(args))...)
	return rows, domainError(err)
}

// QueryRow reads one row with cleaned arguments; a miss is the query's
// readmodel.NotFound and a unique violation the domain's conflict.
func (c cleanText) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return notFoundRow{row: c.db.QueryRow(ctx, sql, planArgs(sql, cleanArgs(args))...), sql: sql}
}

// cleanArgs returns args with each string, string pointer and string slice
// cleaned; it copies only what changes, never the caller's values.
func cleanArgs(args []any) []any {
	var out []any
	set := func(i int, v any) {
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	for i, a := range args {
		switch v := a.(type) {
		case string:
			if !storable(v) {
				set(i, StorableText(v))
			}
		case *string:
			if v != nil && !storable(*v) {
				s := StorableText(*v)
				set(i, &s)
			}
		case []string:
			for j, s := range v {
				if !storable(s) {
					c := append([]string(nil), v...)
					for k := j; k < len(c); k++ {
						c[k] = StorableText(c[k])
					}
					set(i, c)
					break
				}
			}
		}
	}
	if out == nil {
		return args
	}
	return out
}

func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// StorableText returns s as a PostgreSQL text column stores it: invalid
// UTF-8 replaced by U+FFFD and NUL characters removed.
func StorableText(s string) string {
	if storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
