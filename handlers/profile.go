package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// ProfileCommands runs the commands on pilots' profile settings
// (domain.Profiles).
type ProfileCommands interface {
	SetVisibility(ctx context.Context, meta domain.CommandMeta, airlineID, userID string, public bool) (domain.AppendResult, error)
}

// profileHandlers are a pilot's public profile, the award images it shows,
// and the member's choice of whether it is public.
type profileHandlers struct {
	cmds     ProfileCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// The profile's limits: its latest flights, the routes its map draws (the
// most flown), and the accepted PIREPs it reads to count them.
const (
	profileRecentFlights = 10
	profileRoutesMax     = 200
	profilePirepsMax     = 10_000
)

// profileURL is a pilot's public profile.
func profileURL(slug, ident string) string { return "/a/" + slug + "/pilots/" + ident }

// publicAwardImageURL is where the public pages get an award's image.
func publicAwardImageURL(slug, awardID string) string {
	return "/a/" + slug + "/awards/" + awardID + "/image"
}

// errNoProfile is the answer for a profile that does not exist or is not
// public: the same 404, so a hidden profile is not seen to exist.
func errNoProfile() error { return domain.Errorf(domain.ENotFound, "There is no such pilot.") }

// profileVisible says whether a pilot's profile is public: one who never
// chose is.
func profileVisible(ctx context.Context, rm reads.Querier, airlineID string, pilot uuid.UUID) (bool, error) {
	pub, err := rm.GetPilotProfileVisibility(ctx, readmodel.GetPilotProfileVisibilityParams{TenantID: airlineID, UserID: pilot})
	switch domain.ErrorCode(err) {
	case "":
		return pub, nil
	case domain.ENotFound:
		return true, nil
	}
	return false, err
}

// publicProfileIdents are the pilot ids of the airline's pilots whose
// profiles are public, by user id: the public pages link to those only.
func publicProfileIdents(ctx context.Context, rm reads.Querier, airlineID string) (map[string]string, error) {
	people, err := rm.People(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	hidden, err := rm.ListHiddenProfiles(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, u := range people {
		if u.PilotID == "" || u.Status != domain.StatusActive {
			continue
		}
		if id, err := uuid.Parse(u.ID); err == nil && slices.Contains(hidden, id) {
			continue
		}
		out[u.ID] = u.PilotID
	}
	return out, nil
}

// showPilotProfile is a pilot's public profile. A pilot of another airline,
// an unknown ident, a pilot not active, and a profile turned off answer
// 404 alike, except that the pilot and the airline's staff, logged in,
// still see a hidden one.
func (h *profileHandlers) showPilotProfile(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := h.rm.FindAirlineBySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	ident := strings.TrimSpace(c.Param("ident"))
	people, err := h.rm.People(ctx, a.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(people, func(u reads.User) bool {
		return u.PilotID != "" && strings.EqualFold(u.PilotID, ident) && u.Status == domain.StatusActive
	})
	if ident == "" || i < 0 {
		return errNoProfile()
	}
	u := people[i]
	pilot, err := uuid.Parse(u.ID)
	if err != nil {
		return errNoProfile()
	}
	visible, err := profileVisible(ctx, h.rm, a.ID, pilot)
	if err != nil {
		return err
	}
	me := currentActor(c)
	own := me.UserID == u.ID && me.TenantID == a.ID
	staff := domain.Authorize(me, domain.ViewPeople, a.ID) == nil && me.Role != domain.RolePilot
	if !visible && !own && !staff {
		return errNoProfile()
	}
	p := views.PilotProfilePage{Page: page(c, u.PilotID+" "+publicPilotName(u.Name)+" · "+a.Name), Airline: a.Name, Slug: a.Slug,
		Ident: u.PilotID, Name: publicPilotName(u.Name), Joined: u.CreatedAt.UTC().Format("January 2006"), Hidden: !visible,
		LiveURL: profileURL(a.Slug, u.PilotID) + "/live", EventsURL: "/a/" + a.Slug + "/events", PublicAirlineURL: "/a/" + a.Slug}
	if own {
		p.SettingsURL = "/account/profile"
	}
	if err := h.fillProfile(ctx, a, u, pilot, &p); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store") // it changes with each acceptance and the pilot's choice
	return render(c, http.StatusOK, views.PilotProfileView(p), nil)
}

// fillProfile reads what the profile shows of a pilot: rank, hours,
// awards, latest accepted flights and the routes they have flown.
func (h *profileHandlers) fillProfile(ctx context.Context, a reads.Airline, u reads.User, pilot uuid.UUID, p *views.PilotProfilePage) error {
	career, err := h.rm.PilotCareer(ctx, a.ID, u.ID)
	if err != nil {
		return err
	}
	p.Flights, p.Hours = career.Flights, domain.FormatFlightTime(career.Minutes)
	if transfer, err := h.rm.TransferMinutes(ctx, a.ID, u.ID); err != nil {
		return err
	} else if transfer > 0 {
		p.TransferHours = domain.FormatFlightTime(transfer)
	}
	ranks, err := h.rm.AirlineRanks(ctx, a.ID)
	if err != nil {
		return err
	}
	p.Rank = ranks.Name(career.RankID)
	if p.Awards, err = pilotAwardBadges(ctx, h.rm, a.ID, pilot); err != nil {
		return err
	}
	for i := range p.Awards {
		if p.Awards[i].ImageURL != "" {
			p.Awards[i].ImageURL = publicAwardImageURL(a.Slug, p.Awards[i].ID)
		}
		p.Awards[i].ByHand, p.Awards[i].Reason = false, "" // staff's reasons stay with the pilot's own pages
	}
	tours, err := readPilotTours(ctx, h.rm, a.ID, pilot, nil)
	if err != nil {
		return err
	}
	for _, pt := range tours {
		if s := pt.summary(a.ID); s.Flown > 0 {
			p.Tours = append(p.Tours, s)
		}
	}
	accepted, err := h.rm.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: a.ID, State: domain.PirepAccepted,
		PilotID: pilot, FromTime: reads.EarliestBlockOff, ToTime: reads.LatestBlockOff, RowLimit: profilePirepsMax})
	if err != nil {
		return err
	}
	type key struct{ dpt, arr string }
	counts := map[key]int{}
	var order []key
	for i, r := range accepted {
		if i < profileRecentFlights {
			p.Recent = append(p.Recent, views.PublicFlight{Ident: a.ICAO + r.FlightNumber, Dpt: r.DptAirport, Arr: r.ArrAirport,
				Date: r.BlockOff.UTC().Format("2 Jan 2006"), Duration: domain.FormatFlightTime(int64(r.FlightTime))})
		}
		k := key{r.DptAirport, r.ArrAirport}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	// The most flown first; among equals, the one flown most recently.
	slices.SortStableFunc(order, func(x, y key) int { return counts[y] - counts[x] })
	p.Map = views.RouteMap{Title: "Routes flown by " + u.PilotID, Total: len(order), Cap: profileRoutesMax}
	if len(order) > profileRoutesMax {
		order = order[:profileRoutesMax]
	}
	var icaos []string
	for _, k := range order {
		icaos = append(icaos, k.dpt, k.arr)
	}
	places := map[string]domain.AirportDetails{}
	if len(icaos) > 0 {
		list, err := h.rm.AirportsAmong(ctx, a.ID, icaos)
		if err != nil {
			return err
		}
		for _, ap := range list {
			places[ap.ICAO] = ap
		}
	}
	for _, k := range order {
		r := views.MapRoute{Dpt: k.dpt, Arr: k.arr, Flights: counts[k]}
		d, dok := places[k.dpt]
		ar, aok := places[k.arr]
		r.DptName, r.ArrName = d.Name, ar.Name
		if dok && aok && !(d.Latitude == 0 && d.Longitude == 0) && !(ar.Latitude == 0 && ar.Longitude == 0) {
			r.Placed = true
			r.DptLat, r.DptLon, r.ArrLat, r.ArrLon = d.Latitude, d.Longitude, ar.Latitude, ar.Longitude
		}
		p.Map.Routes = append(p.Map.Routes, r)
	}
	return nil
}

// showPublicAwardImage serves an award's image to the public pages, as the
// staff's route does: typed by what the upload was found to be, with a
// policy that lets an SVG run and fetch nothing.
func (h *profileHandlers) showPublicAwardImage(c echo.Context) error {
	a, err := h.rm.FindAirlineBySlug(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	id, err := uuid.Parse(c.Param("award"))
	if err != nil {
		return domain.Errorf(domain.ENotFound, "There is no such award in this airline.")
	}
	img, err := h.rm.GetAwardImage(c.Request().Context(), readmodel.GetAwardImageParams{TenantID: a.ID, ID: id})
	if err != nil {
		return err
	}
	switch img.ImageType {
	case domain.ImagePNG, domain.ImageJPEG, domain.ImageSVG:
	default:
		return domain.Errorf(domain.ENotFound, "The award has no image.")
	}
	hd := c.Response().Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	hd.Set("Cache-Control", "no-store") // a deleted or changed image goes at once
	hd.Set("Content-Disposition", "inline")
	return c.Blob(http.StatusOK, img.ImageType, img.Image)
}

// showProfileSettings is the member's choice of whether their profile is
// public.
func (h *profileHandlers) showProfileSettings(c echo.Context) error {
	return h.renderProfileSettings(c, popFlash(c, h.sessions) != "")
}

func (h *profileHandlers) renderProfileSettings(c echo.Context, saved bool) error {
	u, _ := currentUser(c)
	c.Response().Header().Set("Cache-Control", "no-store")
	if u.TenantID == "" {
		// A platform admin belongs to no airline and has no profile.
		return render(c, http.StatusOK, views.ProfileSettingsView(views.ProfileSettingsPage{Page: page(c, "Your public profile")}), nil)
	}
	ctx := c.Request().Context()
	id, err := uuid.Parse(u.ID)
	if err != nil {
		return domain.Errorf(domain.ENotFound, "Only an airline's members have a profile.")
	}
	visible, err := profileVisible(ctx, h.rm, u.TenantID, id)
	if err != nil {
		return err
	}
	p := views.ProfileSettingsPage{Page: page(c, "Your public profile"), Action: "/account/profile", CommandID: domain.NewUUID(),
		Public: visible, Saved: saved}
	if u.PilotID != "" {
		a, err := h.rm.FindAirline(ctx, u.TenantID)
		if err != nil {
			return err
		}
		p.ProfileURL = profileURL(a.Slug, u.PilotID)
	}
	return render(c, http.StatusOK, views.ProfileSettingsView(p), nil)
}

// profileSettingsForm is the choice as posted: an unchecked box sends
// nothing.
type profileSettingsForm struct {
	CommandID string `form:"command_id"`
	Public    bool   `form:"public"`
}

// saveProfileSettings records the member's choice.
func (h *profileHandlers) saveProfileSettings(c echo.Context) error {
	u, _ := currentUser(c)
	if u.TenantID == "" {
		return c.Redirect(http.StatusSeeOther, "/account/profile") // no airline, no profile: nothing to record
	}
	var f profileSettingsForm
	readForm(c, &f)
	res, err := h.cmds.SetVisibility(c.Request().Context(), commandMeta(c, f.CommandID), u.TenantID, u.ID, f.Public)
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("profile visibility set", "airline", u.TenantID, "user", u.ID, "public", f.Public)
	return h.finish(c, h.sessions, res, "/account/profile", "Saved.")
}
