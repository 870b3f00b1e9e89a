package domain_test

import (
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// TestMayFly checks the one decision of who may fly what against each of
// the airline's rules, and that a refusal names what the pilot lacks.
func TestMayFly(t *testing.T) {
	b737 := domain.TypeRating{ID: "r1", Name: "Boeing 737", Code: "B737", SubfleetIDs: []string{"sf-738"}}
	b737max := domain.TypeRating{ID: "r2", Name: "Boeing 737 MAX", Code: "B38M", SubfleetIDs: []string{"sf-738", "sf-38m"}}
	a320 := domain.TypeRating{ID: "r3", Name: "Airbus A320", Code: "A320", SubfleetIDs: []string{"sf-320"}}
	names := map[string]string{"sf-738": "Boeing 737-800", "sf-320": "Airbus A320", "sf-38m": "737 MAX 8", "sf-e90": "E190"}
	base := domain.Qualifications{RankID: "fo", RankName: "First Officer", RankSubfleets: []string{"sf-320"},
		Ratings: []domain.TypeRating{b737, b737max, a320}, SubfleetNames: names}
	with := func(rules domain.FlyingRules, held ...domain.TypeRating) domain.Qualifications {
		q := base
		q.Rules, q.Held = rules, held
		return q
	}
	rank, rating := domain.FlyingRules{RestrictToRank: true}, domain.FlyingRules{RestrictToTypeRating: true}
	both := domain.FlyingRules{RestrictToRank: true, RestrictToTypeRating: true}
	cases := []struct {
		name     string
		q        domain.Qualifications
		subfleet string
		want     string // "" may fly; else words the refusal must hold
	}{
		{"no rule lets anyone fly anything", with(domain.FlyingRules{}), "sf-738", ""},
		{"the rank's subfleet", with(rank), "sf-320", ""},
		{"not the rank's subfleet", with(rank), "sf-738", "Your rank First Officer does not fly Boeing 737-800."},
		{"no rank at all", func() domain.Qualifications {
			q := with(rank)
			q.RankID, q.RankName, q.RankSubfleets = "", "", nil
			return q
		}(),
			"sf-320", "You have no rank yet"},
		{"a held rating covers it", with(rating, a320), "sf-320", ""},
		{"one rating covers it, not held", with(rating, a320), "sf-38m", "Flying 737 MAX 8 needs the B38M type rating, which you do not hold."},
		{"two ratings cover it, neither held", with(rating), "sf-738", "needs one of the type ratings B737, B38M"},
		{"either of two ratings is enough", with(rating, b737max), "sf-738", ""},
		{"no rating covers it", with(rating, a320, b737), "sf-e90", "No type rating covers E190"},
		{"both rules: rank passes, rating missing", with(both), "sf-320", "needs the A320 type rating"},
		{"both rules: rating held, rank refuses", with(both, b737), "sf-738", "Your rank First Officer does not fly"},
		{"both rules met", with(both, a320), "sf-320", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.MayFly(c.q, c.subfleet)
			if c.want == "" {
				if err != nil {
					t.Fatalf("MayFly = %v, want allowed", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.EForbidden || !strings.Contains(domain.ErrorMessage(err), c.want) {
				t.Fatalf("MayFly = %v, want a refusal saying %q", err, c.want)
			}
			if domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonNotQualified || domain.ErrorFields(err)["aircraft_id"] == "" {
				t.Errorf("refusal reasons %v, fields %v: want aircraft_id not-qualified", domain.ErrorReasons(err), domain.ErrorFields(err))
			}
		})
	}
}
