package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/reads"
)

// The challenges of a 401 from the API (RFC 6750): which scheme to use, and
// that the key sent is not good.
const (
	bearerChallenge       = `Bearer realm="albatross"`
	invalidKeyChallenge   = `Bearer realm="albatross", error="invalid_token"`
	apiKeyHeader          = "X-API-Key"
	apiPrincipalKey       = "api_principal"
	missingAPIKeyMessage  = "Send an API key in the Authorization header (Bearer KEY) or in the X-API-Key header."
	invalidAPIKeyMessage  = "The API key is not valid or has been revoked."
	inactiveAccountDetail = "The account this API key belongs to cannot use the API at the moment."
)

// apiPrincipal is who an API request acts for: the owner of its key.
type apiPrincipal struct {
	user    reads.User
	airline *reads.Airline // nil for a platform admin
	keyID   string
}

// apiKeyAuth authenticates API requests by their key.
type apiKeyAuth struct {
	cache apikeycache.Cache
	rm    reads.Querier
	log   *slog.Logger
}

// requireAPIKey lets through only requests with a valid key of an active
// account, and puts the key's owner on the request. Cookies play no part:
// a browser's session does not authenticate the API, which is also why
// the API needs no CSRF protection.
func (a *apiKeyAuth) requireAPIKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Add("Vary", "Authorization, "+apiKeyHeader)
		key, ok := presentedAPIKey(c.Request())
		if !ok {
			h.Set(echo.HeaderWWWAuthenticate, bearerChallenge)
			return domain.Errorf(domain.EUnauthorized, missingAPIKeyMessage)
		}
		p, err := a.authenticate(c.Request().Context(), key)
		if domain.ErrorCode(err) == domain.EUnauthorized {
			h.Set(echo.HeaderWWWAuthenticate, invalidKeyChallenge)
		}
		if err != nil {
			return err
		}
		c.Set(apiPrincipalKey, p)
		h.Set("Cache-Control", "no-store") // what a key reads is its owner's alone
		requestLogger(c, a.log).Debug("api key", "key", p.keyID, "user", p.user.ID)
		return next(c)
	}
}

// presentedAPIKey reads the key from Authorization: Bearer KEY or, for
// clients that cannot set that header, from X-API-Key.
func presentedAPIKey(r *http.Request) (string, bool) {
	if scheme, token, ok := strings.Cut(r.Header.Get(echo.HeaderAuthorization), " "); ok && strings.EqualFold(scheme, "Bearer") {
		if token = strings.TrimSpace(token); token != "" {
			return token, true
		}
	}
	if key := strings.TrimSpace(r.Header.Get(apiKeyHeader)); key != "" {
		return key, true
	}
	return "", false
}

// authenticate finds the key through the cache and checks it, its owner,
// and the owner's airline.
func (a *apiKeyAuth) authenticate(ctx context.Context, key string) (apiPrincipal, error) {
	invalid := domain.Errorf(domain.EUnauthorized, invalidAPIKeyMessage)
	if !domain.LooksLikeAPIKey(key) {
		return apiPrincipal{}, invalid
	}
	hash := domain.HashAPIKey(key)
	k, err := a.cache.Get(ctx, hash, func(ctx context.Context) (apikeycache.Key, error) {
		row, err := a.rm.FindAPIKeyByHash(ctx, hash)
		if err != nil {
			return apikeycache.Key{}, err
		}
		return apikeycache.Key{ID: row.ID, UserID: row.UserID, TenantID: row.TenantID, Revoked: row.RevokedAt != nil}, nil
	})
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return apiPrincipal{}, invalid
	case err != nil:
		return apiPrincipal{}, err
	case k.Revoked:
		return apiPrincipal{}, invalid
	}
	p, err := a.owner(ctx, k)
	if err != nil {
		return apiPrincipal{}, err
	}
	a.touch(ctx, k.ID)
	return p, nil
}

// owner loads the key's user and airline. A key whose user is gone, or
// has moved to another airline, is no longer valid.
func (a *apiKeyAuth) owner(ctx context.Context, k apikeycache.Key) (apiPrincipal, error) {
	invalid := domain.Errorf(domain.EUnauthorized, invalidAPIKeyMessage)
	// The person and their airline in one read: every API request asks.
	u, al, err := a.rm.FindUserWithAirline(ctx, k.UserID)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return apiPrincipal{}, invalid
	case err != nil:
		return apiPrincipal{}, err
	case u.TenantID != k.TenantID:
		return apiPrincipal{}, invalid
	}
	p := apiPrincipal{user: u, keyID: k.ID}
	if u.TenantID != "" {
		if al.ID != u.TenantID {
			return apiPrincipal{}, domain.Errorf(domain.EForbidden, inactiveAccountDetail)
		}
		p.airline = &al
	}
	if !accountActive(p.user, p.airline) {
		return apiPrincipal{}, domain.Errorf(domain.EForbidden, inactiveAccountDetail)
	}
	return p, nil
}

// accountActive decides whether a user may use the API: by the same rules
// as a login, so a suspended person, or anyone of a suspended airline, is
// refused. airline is nil for a platform admin.
func accountActive(user reads.User, airline *reads.Airline) bool {
	return domain.LoginRefusal(user.Status, user.StatusReason, airline != nil && airline.Suspended) == ""
}

// touch records that the key was used, at most once a minute per key: the
// cache hands out one claim a minute, and the query itself writes only
// when the stored time is more than a minute old. A failure costs only the
// display of the last use, so it is logged, not returned.
func (a *apiKeyAuth) touch(ctx context.Context, keyID string) {
	claimed, err := a.cache.ClaimTouch(ctx, keyID)
	if err != nil || !claimed {
		if err != nil {
			a.log.WarnContext(ctx, "api key: claim a touch", "err", err, "key", keyID)
		}
		return
	}
	if err := a.rm.RecordAPIKeyUse(ctx, keyID, time.Now()); err != nil {
		a.log.WarnContext(ctx, "api key: record its use", "err", err, "key", keyID)
	}
}

// currentAPIPrincipal returns who the API request acts for.
func currentAPIPrincipal(c echo.Context) (apiPrincipal, bool) {
	p, ok := c.Get(apiPrincipalKey).(apiPrincipal)
	return p, ok
}
