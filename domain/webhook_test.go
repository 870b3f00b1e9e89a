package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// refuseHost is a WebhookURLChecker that refuses one address.
type refuseHost string

func (r refuseHost) CheckWebhookURL(_ context.Context, u string) (string, error) {
	if u == string(r) {
		return "refused", nil
	}
	return "", nil
}

func TestWebhooksAreTheirAirlineStaffs(t *testing.T) {
	r := newRunner(t)
	ctx := context.Background()
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	sys := domain.CommandMeta{Who: domain.System}
	a, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Hook Air", ICAO: "HKA", Slug: "hka"})
	if err != nil {
		t.Fatal(err)
	}
	hooks := &domain.Webhooks{Runner: r, IDs: domain.RandomIDs{}, URLs: refuseHost("https://internal.example/x")}
	admin := domain.Actor{UserID: "s", Role: domain.RoleAirlineAdmin, TenantID: a}
	staff := domain.CommandMeta{ID: domain.NewUUID(), Who: admin}
	form := domain.WebhookForm{Name: " Crew ", Kind: domain.WebhookGeneric, URL: " https://example.com/hook ",
		Events: []string{domain.TopicPirepFiled, domain.TopicPirepFiled, domain.TopicPilotApproved}}
	id, _, err := hooks.Add(ctx, staff, a, form)
	if err != nil {
		t.Fatal(err)
	}
	// A double submit adds nothing more and names the same webhook.
	again, res, err := hooks.Add(ctx, staff, a, form)
	if err != nil || !res.Duplicate || again != id {
		t.Errorf("a double submit: %s %+v %v", again, res, err)
	}
	got, err := hooks.Of(ctx, staff, a)
	if err != nil {
		t.Fatal(err)
	}
	w, err := got.Get(id)
	if err != nil || len(got.List()) != 1 || w.Name != "Crew" || w.URL != "https://example.com/hook" || w.SecretVersion != 1 ||
		len(w.Events) != 2 || !w.Follows(domain.TopicPilotApproved) || w.Follows(domain.TopicPirepAccepted) {
		t.Fatalf("the webhook: %+v %v", w, err)
	}
	for name, meta := range map[string]domain.CommandMeta{
		"a pilot":                 {Who: domain.Actor{UserID: "p", Role: domain.RolePilot, TenantID: a}},
		"another airline's admin": {Who: domain.Actor{UserID: "o", Role: domain.RoleAirlineAdmin, TenantID: domain.NewUUID()}},
	} {
		if _, err := hooks.Of(ctx, meta, a); err == nil {
			t.Errorf("%s reads the webhooks", name)
		}
		if _, _, err := hooks.Add(ctx, meta, a, form); err == nil {
			t.Errorf("%s adds a webhook", name)
		}
		if _, err := hooks.Remove(ctx, meta, a, id); err == nil {
			t.Errorf("%s removes a webhook", name)
		}
	}
	bad := form
	bad.URL = "https://internal.example/x"
	if _, err := hooks.Change(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id, bad); domain.ErrorFields(err)["url"] != "refused" {
		t.Errorf("an address the checker refuses: %v", err)
	}
	bad.URL = "https://user:pw@example.com/"
	if _, err := hooks.Change(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id, bad); domain.ErrorFields(err)["url"] == "" {
		t.Errorf("an address with a password: %v", err)
	}
	bad.URL, bad.Name = "https://example.com/", "tab\x00name"
	if _, err := hooks.Change(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id, bad); domain.ErrorFields(err)["name"] == "" {
		t.Errorf("a name with a NUL: %v", err)
	}
	if res, err := hooks.Change(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id, form); err != nil || res.Position != domain.Start {
		t.Errorf("an unchanged webhook appended %+v, %v", res, err)
	}
	v, _, err := hooks.RotateSecret(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id)
	if err != nil || v != 2 {
		t.Errorf("a new secret: version %d, %v", v, err)
	}
	if _, err := hooks.Remove(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id); err != nil {
		t.Fatal(err)
	}
	got, _ = hooks.Of(ctx, staff, a)
	if _, err := got.Get(id); domain.ErrorCode(err) != domain.ENotFound || len(got.List()) != 0 {
		t.Errorf("a removed webhook: %v, %d listed", err, len(got.List()))
	}
	if _, err := hooks.Resend(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a, id, 1); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("send again on a removed webhook: %v", err)
	}
}
