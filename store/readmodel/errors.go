package readmodel

import (
	"strings"
	"unicode"

	"github.com/albatross-va/albatross/domain"
)

// The errors every read-model backend returns, so that a caller tells a
// miss or a refused value by its domain code, whichever backend answered.
// This file is written by hand beside the sqlc output.

// notFoundSubjects names what a one-row query finds where the query's name
// does not say it well; any other query's subject is read from its name.
var notFoundSubjects = map[string]string{
	"GetAircraftPirepTotals": "The aircraft's totals",
	"GetAirlinePirepRules":   "The airline's PIREP rules",
	"GetAPIKey":              "The API key",
	"GetAPIKeyByHash":        "The API key",
	"GetCheckpoint":          "The projection checkpoint",
	"GetLastNoticeOfKind":    "The notice",
	"GetNoticePirep":         "The PIREP",
	"GetPilotRank":           "The pilot's rank",
	"GetPilotStats":          "The pilot's totals",
	"GetPirep":               "The PIREP",
	"GetTenantUser":          "The person",
}

// NotFound is the error of the one-row query named query (its sqlc name,
// such as "GetAirline") when no row matches: ENotFound, with a message
// naming what was missing ("The airline was not found.").
func NotFound(query string) *domain.Error {
	return domain.Errorf(domain.ENotFound, "%s was not found.", notFoundSubject(query))
}

// notFoundSubject is the table's subject for query, or the words of its
// name after Get and before By: GetAirlineBySlug is "The airline".
func notFoundSubject(query string) string {
	if s, ok := notFoundSubjects[query]; ok {
		return s
	}
	name := strings.TrimPrefix(query, "Get")
	if i := strings.Index(name, "By"); i > 0 {
		name = name[:i]
	}
	var words []string
	start := 0
	for i, r := range name {
		if i > start && unicode.IsUpper(r) {
			words = append(words, strings.ToLower(name[start:i]))
			start = i
		}
	}
	if start < len(name) {
		words = append(words, strings.ToLower(name[start:]))
	}
	if len(words) == 0 {
		return "The record"
	}
	return "The " + strings.Join(words, " ")
}

// UniqueViolation is the error of a write that a unique constraint refuses:
// EConflict, naming the constraint (such as "airlines_slug").
func UniqueViolation(constraint string) *domain.Error {
	return domain.Errorf(domain.EConflict, "Another record already holds this value (unique constraint %s).", constraint)
}
