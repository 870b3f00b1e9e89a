package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// peopleHandlers are an airline's people pages: the list with the
// registrations to decide, a person's page with their history, and the
// staff's actions on people.
type peopleHandlers struct {
	users    UserCommands
	rm       reads.Querier
	eventLog StreamReader
	registry *events.Registry
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
	// publicURL is the deployment's address (ALBATROSS_PUBLIC_URL), the
	// one to pass on when it is set.
	publicURL string
}

// loginURL is the login page's address to pass on with a one-time
// password: the deployment's public address when it is set (a staff member
// may reach the site by an internal name the pilot cannot), otherwise as
// this request reached the site (behind a proxy, as the trusted proxy's
// headers say).
func (h *peopleHandlers) loginURL(c echo.Context) string {
	if h.publicURL != "" {
		return h.publicURL + "/login"
	}
	return c.Scheme() + "://" + c.Request().Host + "/login"
}

// flashKey holds a one-line confirmation for the next page.
const flashKey = "flash"

// popFlash takes the confirmation for the page being shown. A live
// refresh of a section leaves it alone: it may run on the page the user is
// leaving while their post's redirect is in flight, and would take the
// confirmation meant for the page they land on.
func popFlash(c echo.Context, sm *scs.SessionManager) string {
	if isFragmentRequest(c.Request()) {
		return ""
	}
	return sm.PopString(c.Request().Context(), flashKey)
}

// personRow is a person as the lists and pages show them.
func personRow(u reads.User) views.PersonRow {
	role := "Pilot"
	if u.Role == domain.RoleAirlineAdmin {
		role = "Airline admin"
	}
	return views.PersonRow{ID: u.ID, PilotID: u.PilotID, Name: u.Name, Email: u.Email,
		Country: u.Country, Role: role, RoleValue: u.Role, Status: u.Status, Reason: u.StatusReason}
}

// listPeople is the people page.
func (h *peopleHandlers) listPeople(c echo.Context) error {
	return h.renderPeople(c, http.StatusOK, h.emptyForm(c), nil)
}

func (h *peopleHandlers) emptyForm(c echo.Context) views.PersonForm {
	return views.PersonForm{CommandID: domain.NewUUID(), Role: domain.RolePilot, Country: ""}
}

// listPeopleLists is the part of the people page that re-fetches itself
// when a person of the airline changes.
func (h *peopleHandlers) listPeopleLists(c echo.Context) error {
	p, err := h.peoplePage(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return renderComponent(c, http.StatusOK, views.PeopleLists(p))
}

func (h *peopleHandlers) renderPeople(c echo.Context, status int, f views.PersonForm, issued *views.OneTimePassword) error {
	p, err := h.peoplePage(c)
	if err != nil {
		return err
	}
	p.Form, p.Issued = f, issued
	p.Notice = popFlash(c, h.sessions)
	p.Form.CSRFToken, p.Form.AirlineID = p.CSRFToken, p.Tabs.ID
	return render(c, status, views.PeopleView(p), nil)
}

// peoplePage reads the airline's people, waiting registrations first.
func (h *peopleHandlers) peoplePage(c echo.Context) (views.PeoplePage, error) {
	tabs, _, err := airlineTabs(c, h.rm, "people")
	if err != nil {
		return views.PeoplePage{}, err
	}
	list, err := h.rm.People(c.Request().Context(), tabs.ID)
	if err != nil {
		return views.PeoplePage{}, err
	}
	p := views.PeoplePage{Page: page(c, tabs.Name+" people"), Tabs: tabs}
	for _, u := range list {
		if u.Status == domain.StatusPending {
			p.Pending = append(p.Pending, personRow(u))
		}
		p.People = append(p.People, personRow(u))
	}
	return p, nil
}

// createPerson adds a pilot or an airline admin with a one-time password,
// shown once on the page that answers.
func (h *peopleHandlers) createPerson(c echo.Context) error {
	var f views.PersonForm
	readForm(c, &f)
	ctx := c.Request().Context()
	id, otp, res, err := h.users.CreatePerson(ctx, commandMeta(c, f.CommandID), c.Param("id"),
		domain.Person{Name: f.Name, Email: f.Email, Country: f.Country, Role: f.Role})
	if status, ok := formFailed(nil, err, formSlots{&f.Errors, &f.Message, &f.CommandID}); ok {
		return h.renderPeople(c, status, f, nil)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	requestLogger(c, h.log).Info("person created", "user", id)
	issued := &views.OneTimePassword{For: f.Name, Login: domain.NormalizeEmail(f.Email), Password: otp, LoginURL: h.loginURL(c)}
	c.Response().Header().Set("Cache-Control", "no-store") // the password must not stay in a cache
	return h.renderPeople(c, http.StatusCreated, h.emptyForm(c), issued)
}

// showPerson is a person's page with their history.
func (h *peopleHandlers) showPerson(c echo.Context) error {
	return h.renderPerson(c, http.StatusOK, nil, "", nil)
}

func (h *peopleHandlers) person(c echo.Context) (views.AirlineTabs, reads.User, error) {
	tabs, _, err := airlineTabs(c, h.rm, "people")
	if err != nil {
		return tabs, reads.User{}, err
	}
	u, err := h.rm.FindPerson(c.Request().Context(), tabs.ID, c.Param("uid"))
	return tabs, u, err
}

func (h *peopleHandlers) renderPerson(c echo.Context, status int, issued *views.OneTimePassword, reason string, errs map[string]string) error {
	tabs, u, err := h.person(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	history, err := h.history(ctx, c.Param("id"), u.ID)
	if err != nil {
		return err
	}
	me := currentActor(c)
	p := views.PersonPage{Page: page(c, u.Name), Tabs: tabs, Person: personRow(u), History: history,
		Issued: issued, Reason: reason, Errors: errs, Notice: popFlash(c, h.sessions),
		CanManage: me.UserID != u.ID && domain.Authorize(me, domain.SuspendPeople, tabs.ID) == nil,
		CanDecide: domain.Authorize(me, domain.DecideRegistrations, tabs.ID) == nil}
	if p.Rank, err = personRank(c, h.rm, tabs.ID, u, c.FormValue("rank_id")); err != nil {
		return err
	}
	if p.Ratings, err = personRatings(c, h.rm, tabs.ID, u); err != nil {
		return err
	}
	return render(c, status, views.PersonView(p), nil)
}

func (h *peopleHandlers) peopleURL(c echo.Context) string {
	return "/airlines/" + c.Param("id") + "/people"
}

func (h *peopleHandlers) personURL(c echo.Context) string {
	return h.peopleURL(c) + "/" + url.PathEscape(c.Param("uid"))
}

// approve admits a pending pilot with the next pilot id.
func (h *peopleHandlers) approve(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	pilotID, res, err := h.users.Approve(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.peopleURL(c), u.Name+" is approved as "+pilotID+".")
}

// reject declines a pending registration with a reason.
func (h *peopleHandlers) reject(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	res, err := h.users.Reject(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID, reason)
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.renderPerson(c, status, nil, reason, fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.peopleURL(c), u.Name+"'s registration is rejected.")
}

// suspend stops a person from logging in.
func (h *peopleHandlers) suspend(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	res, err := h.users.Suspend(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID, reason)
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.renderPerson(c, status, nil, reason, fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.personURL(c), u.Name+" is suspended.")
}

// reactivate lets a suspended person log in again.
func (h *peopleHandlers) reactivate(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	res, err := h.users.Reactivate(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.personURL(c), u.Name+" is active again.")
}

// changeRole makes the person a pilot or an airline admin.
func (h *peopleHandlers) changeRole(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	res, err := h.users.ChangeRole(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID, c.FormValue("role"))
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.renderPerson(c, status, nil, "", fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.personURL(c), u.Name+"'s role is changed.")
}

// resetPassword gives the person a one-time password, shown once.
func (h *peopleHandlers) resetPassword(c echo.Context) error {
	_, u, err := h.person(c)
	if err != nil {
		return err
	}
	otp, res, err := h.users.ResetPassword(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.renderPerson(c, http.StatusOK, &views.OneTimePassword{For: u.Name, Login: u.Email, Password: otp, LoginURL: h.loginURL(c)}, "", nil)
}

// history is a person's history, from their stream and their career's
// (their ranks).
func (h *peopleHandlers) history(ctx context.Context, airlineID, userID string) ([]views.HistoryEntry, error) {
	var ranks map[string]reads.Rank
	var ratingCodes map[string]string
	streams := []string{domain.UserStream(userID), domain.CareerStream(userID), domain.PilotRatingsStream(userID), domain.TransferStream(userID),
		domain.PilotAwardsStream(userID), domain.ProfileStream(userID)}
	return readHistory(ctx, h.eventLog, h.registry, h.rm, streams, userID, map[string]string{},
		func(msg proto.Message) (string, error) {
			if what, ok := describeAwardEvent(msg); ok {
				return what, nil
			}
			if what, ok, err := describeRatingEvent(ctx, h.rm, airlineID, msg, &ratingCodes); ok {
				return what, err
			}
			e, ok := msg.(*eventsv1.PilotRankSet)
			if !ok {
				return describeUserEvent(msg), nil
			}
			if ranks == nil {
				var err error
				if ranks, err = h.rm.RankNames(ctx, airlineID); err != nil {
					return "", err
				}
			}
			return describeRankSet(e, ranks), nil
		})
}

// describeAwardEvent is a line of a person's history for their awards and
// their profile setting; ok is false for any other event.
func describeAwardEvent(msg proto.Message) (string, bool) {
	switch e := msg.(type) {
	case *eventsv1.AwardGranted:
		if e.Reason != "" {
			return "Granted the award " + e.AwardName + ": " + e.Reason, true
		}
		return "Granted the award " + e.AwardName, true
	case *eventsv1.AwardRevoked:
		if e.Reason != "" {
			return "Award " + e.AwardName + " taken back: " + e.Reason, true
		}
		return "Award " + e.AwardName + " taken back", true
	case *eventsv1.ProfileVisibilitySet:
		if e.Public {
			return "Made their profile public", true
		}
		return "Turned their public profile off", true
	}
	return "", false
}
