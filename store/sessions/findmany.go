package sessions

import (
	"context"

	"github.com/alexedwards/scs/v2"
)

// ManyFinder is a session store that finds many sessions in one round
// trip: what an open live stream's once-a-second recheck reads, for every
// stream a process holds at once rather than one query per stream.
type ManyFinder interface {
	// FindMany returns the data of each unexpired session among tokens,
	// by token; a token of no session (or an expired one) is left out.
	FindMany(ctx context.Context, tokens []string) (map[string][]byte, error)
}

// FindMany finds the sessions of tokens in store: in one call where the
// store is a ManyFinder, one Find per token otherwise (the embedded store,
// whose sessions this process holds in memory).
func FindMany(ctx context.Context, store scs.Store, tokens []string) (map[string][]byte, error) {
	if mf, ok := store.(ManyFinder); ok {
		return mf.FindMany(ctx, tokens)
	}
	out := make(map[string][]byte, len(tokens))
	for _, token := range tokens {
		var (
			b     []byte
			found bool
			err   error
		)
		if cs, ok := store.(scs.CtxStore); ok {
			b, found, err = cs.FindCtx(ctx, token)
		} else {
			b, found, err = store.Find(token)
		}
		if err != nil {
			return nil, err
		}
		if found {
			out[token] = b
		}
	}
	return out, nil
}
