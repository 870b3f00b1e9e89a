package reactors

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// Emails queues the emails that follow an event into the outbox: a
// registration approved or rejected, a PIREP accepted or rejected (with
// the reason), a new rank. Each email's key is the event's position and
// its kind, so a reaction run again (a crash, a second process) queues
// nothing the second time. It sends no command: the outbox's worker sends.
type Emails struct {
	ReadModels reads.Querier // the person, the airline, the PIREP and the ranks
	// Streams tells a registration from a person staff added (who gets
	// no "registration approved" email): the user's first event.
	Streams   StreamReader
	Mailer    *mail.Mailer
	Signer    *mail.Signer
	PublicURL string
	// MaxAge: an event recorded longer ago than this is not emailed about,
	// so that a deployment that turns email on does not mail its history.
	// Zero is a day.
	MaxAge time.Duration
	Now    func() time.Time
}

// Name implements projector.Reactor.
func (Emails) Name() string { return "emails" }

var emailEvents = map[string]bool{
	events.TypeName(&eventsv1.PilotRegistered{}):      true,
	events.TypeName(&eventsv1.PilotApproved{}):        true,
	events.TypeName(&eventsv1.RegistrationRejected{}): true,
	events.TypeName(&eventsv1.PirepAccepted{}):        true,
	events.TypeName(&eventsv1.PirepRejected{}):        true,
	events.TypeName(&eventsv1.PilotRankSet{}):         true,
	events.TypeName(&eventsv1.NewsPosted{}):           true,
	events.TypeName(&eventsv1.AwardGranted{}):         true,
}

// Handles implements projector.Reactor.
func (Emails) Handles(eventType string) bool { return emailEvents[eventType] }

// Reads implements projector.Reactor.
func (Emails) Reads() []string { return []string{"users", "airlines", "pireps", "ranks"} }

// React implements projector.Reactor.
func (r Emails) React(ctx context.Context, _ domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	maxAge := r.MaxAge
	if maxAge <= 0 {
		maxAge = 24 * time.Hour
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	if !r.Mailer.Enabled() || now().Sub(ev.Meta.RecordedAt) > maxAge {
		return domain.Start, nil
	}
	var userID, kind, subject string
	var paragraphs []string
	link := ""
	switch m := msg.(type) {
	case *eventsv1.PilotRegistered:
		return domain.Start, r.verify(ctx, ev, m)
	case *eventsv1.PilotApproved:
		registered, err := r.registered(ctx, m.UserId)
		if err != nil || !registered {
			return domain.Start, err
		}
		userID, kind = m.UserId, mail.KindRegistration
		subject = "Welcome aboard: your registration is approved"
		paragraphs = []string{fmt.Sprintf("Your registration is approved. Your pilot id is %s.", m.PilotId), "You can log in now."}
		link = "/login"
	case *eventsv1.RegistrationRejected:
		userID, kind = m.UserId, mail.KindRegistration
		subject = "Your registration was not approved"
		paragraphs = []string{"Your registration was not approved.", "The reason given: " + m.Reason}
	case *eventsv1.PirepAccepted, *eventsv1.PirepRejected:
		pirepID, reason, accepted := "", "", false
		if a, ok := m.(*eventsv1.PirepAccepted); ok {
			pirepID, accepted = a.PirepId, true
		} else {
			rj := m.(*eventsv1.PirepRejected)
			pirepID, reason = rj.PirepId, rj.Reason
		}
		id, err := uuid.Parse(pirepID)
		if err != nil {
			return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
		}
		p, err := r.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
		if err != nil {
			return domain.Start, err
		}
		userID, kind = p.PilotID.String(), mail.KindPirepReviewed
		flight := fmt.Sprintf("%s %s–%s", p.FlightNumber, p.DptAirport, p.ArrAirport)
		link = "/airlines/" + ev.TenantID + "/pireps/" + pirepID
		if accepted {
			subject = "Your PIREP " + flight + " was accepted"
			paragraphs = []string{"Your PIREP of flight " + flight + " was accepted."}
		} else {
			subject = "Your PIREP " + flight + " was rejected"
			paragraphs = []string{"Your PIREP of flight " + flight + " was rejected.", "The reason given: " + reason}
		}
	case *eventsv1.PilotRankSet:
		if m.RankId == "" {
			return domain.Start, nil
		}
		rank, err := r.ReadModels.FindRank(ctx, m.TenantId, m.RankId)
		if err != nil {
			return domain.Start, err
		}
		if rank.MinMinutes == 0 && !m.ByHand {
			return domain.Start, nil // the starting rank, given at approval
		}
		userID, kind = m.UserId, mail.KindPromotion
		subject = "Your new rank: " + rank.Name
		paragraphs = []string{"Congratulations: your rank is now " + rank.Name + "."}
	case *eventsv1.AwardGranted:
		userID, kind = m.UserId, mail.KindAward
		subject = "You were granted an award: " + m.AwardName
		paragraphs = []string{"Congratulations: you were granted the award " + m.AwardName + "."}
		if m.Reason != "" {
			paragraphs = append(paragraphs, "Why: "+m.Reason)
		}
		link = "/airlines/" + ev.TenantID + "/dashboard"
	case *eventsv1.NewsPosted:
		return domain.Start, r.news(ctx, ev, m)
	default:
		return domain.Start, nil
	}
	return domain.Start, r.queue(ctx, ev, userID, kind, subject, paragraphs, link, "event:"+ev.Position.String()+":"+kind)
}

// news emails a post to each active person of the airline who did not
// turn news off, with the Markdown as its text (Markdown reads as text);
// each email's key names the person, so a second run queues none again.
func (r Emails) news(ctx context.Context, ev domain.RecordedEvent, m *eventsv1.NewsPosted) error {
	members, err := r.ReadModels.Members(ctx, ev.TenantID)
	if err != nil {
		return err
	}
	var paragraphs []string
	for _, p := range strings.Split(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paragraphs = append(paragraphs, p)
		}
	}
	for _, p := range members {
		if p.Status != domain.StatusActive {
			continue
		}
		key := "event:" + ev.Position.String() + ":" + mail.KindNews + ":" + p.ID
		if err := r.queue(ctx, ev, p.ID, mail.KindNews, "News: "+m.Title, paragraphs, "/airlines/"+ev.TenantID+"/dashboard", key); err != nil {
			return err
		}
	}
	return nil
}

// VerificationLifetime is how long a registration's verification link
// works.
const VerificationLifetime = 7 * 24 * time.Hour

// verify emails a registration's verification link. The token is made
// here: run again, the reaction stores another token but queues no second
// email (the key is the event's), so only the first link is ever sent.
func (r Emails) verify(ctx context.Context, ev domain.RecordedEvent, m *eventsv1.PilotRegistered) error {
	if _, err := r.Mailer.Store.ByKey(ctx, "event:"+ev.Position.String()+":"+mail.KindVerification); err == nil {
		return nil
	}
	airline, err := r.ReadModels.FindAirline(ctx, ev.TenantID)
	if err != nil {
		return err
	}
	token := mail.NewToken()
	if err := r.Mailer.Store.IssueToken(ctx, mail.Token{Hash: mail.HashToken(token), Kind: mail.TokenEmailVerification,
		UserID: m.UserId, Email: m.Email, ExpiresAt: r.now().Add(VerificationLifetime)}); err != nil {
		return err
	}
	c := mail.Content{Airline: airline.Name, To: m.Email, Name: m.Name, Subject: "Confirm your email address for " + airline.Name,
		Paragraphs: []string{
			"Thank you for registering at " + airline.Name + ". Please confirm that this address is yours.",
			"The link works for a week. If you did not register, ignore this email.",
		},
		LinkText: "Confirm my address", Link: r.PublicURL + "/email/verify?token=" + token,
	}
	_, err = r.Mailer.Queue(ctx, "event:"+ev.Position.String()+":"+mail.KindVerification, ev.TenantID, mail.KindVerification, c.Message())
	return err
}

func (r Emails) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// StreamReader reads one stream of the log.
type StreamReader interface {
	ReadStream(ctx context.Context, streamID string, fromVersion int64) ([]domain.RecordedEvent, error)
}

// registered says whether the person registered themselves (their stream
// starts with PilotRegistered) rather than being added by staff.
func (r Emails) registered(ctx context.Context, userID string) (bool, error) {
	evs, err := r.Streams.ReadStream(ctx, domain.UserStream(userID), 0)
	if err != nil {
		return false, err
	}
	return len(evs) > 0 && evs[0].Type == events.TypeName(&eventsv1.PilotRegistered{}), nil
}

// queue sends one email to the person, under key (which the outbox keeps
// once), unless they chose not to get kind.
func (r Emails) queue(ctx context.Context, ev domain.RecordedEvent, userID, kind, subject string, paragraphs []string, link, key string) error {
	u, airline, err := r.ReadModels.FindUserWithAirline(ctx, userID)
	if err != nil {
		return err
	}
	if u.TenantID != ev.TenantID { // a person is emailed about their own airline only
		return domain.Errorf(domain.ENotFound, "There is no such person in this airline.")
	}
	out, err := r.Mailer.Store.OptedOut(ctx, u.ID)
	if err != nil {
		return err
	}
	if out[kind] {
		return nil
	}
	c := mail.Content{Airline: airline.Name, To: u.Email, Name: u.Name, Subject: subject, Paragraphs: paragraphs,
		Unsubscribe: r.PublicURL + "/email/unsubscribe?" + r.Signer.Query(u.ID, kind), Choices: r.PublicURL + "/account/email"}
	if link != "" {
		c.LinkText, c.Link = "Open "+airline.Name, r.PublicURL+link
	}
	_, err = r.Mailer.Queue(ctx, key, ev.TenantID, kind, c.Message())
	return err
}
