package readmodel_test

import (
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// A one-row query's miss names what was missing: from the table where the
// query's name says it badly, else from the name itself, so a new query
// needs no entry.
func TestNotFoundNamesWhatWasMissing(t *testing.T) {
	for query, want := range map[string]string{
		"GetAirlineBySlug": "The airline was not found.",
		"GetTenantUser":    "The person was not found.",
		"GetAPIKeyByHash":  "The API key was not found.",
		"GetFlightLeg":     "The flight leg was not found.", // not a query yet
		"":                 "The record was not found.",
	} {
		err := readmodel.NotFound(query)
		if domain.ErrorCode(err) != domain.ENotFound || domain.ErrorMessage(err) != want {
			t.Errorf("NotFound(%q) = %v, want not found %q", query, err, want)
		}
	}
}
