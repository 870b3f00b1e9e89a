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
// the same cleaning, so a lookup finds the row its write stored.
type cleanText struct{ db readmodel.DBTX }

// Exec writes with cleaned arguments.
func (c cleanText) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return c.db.Exec(ctx, sql, cleanArgs(args)...)
}

// Query reads with cleaned arguments.
func (c cleanText) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return c.db.Query(ctx, sql, cleanArgs(args)...)
}

// QueryRow reads one row with cleaned arguments.
func (c cleanText) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return c.db.QueryRow(ctx, sql, cleanArgs(args)...)
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
