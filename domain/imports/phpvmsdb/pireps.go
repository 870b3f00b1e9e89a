package phpvmsdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// pireps imports the airline's PIREPs in every state: filed at their
// submission time, then accepted, rejected or cancelled at their last
// update, with their comments and fields.
func (im *Importer) pireps(ctx context.Context, rep *Report, d *Data, airlineID int64, tenant string, aircraft map[int64]string, flights map[string]string) error {
	comments := map[string][]Comment{}
	for _, cm := range d.Comments {
		comments[strings.ToLower(cm.PirepID)] = append(comments[strings.ToLower(cm.PirepID)], cm)
	}
	fields := map[string]map[string]string{}
	for _, f := range d.Fields {
		k := strings.ToLower(f.PirepID)
		if fields[k] == nil {
			fields[k] = map[string]string{}
		}
		fields[k][f.Name] = f.Value
	}
	c := rep.count("pireps").start(len(d.Pireps))
	for _, p := range d.Pireps {
		if p.AirlineID != airlineID {
			continue
		}
		id := p.ID
		if p.Deleted || p.State == pirepDeleted {
			skip(rep, c, id, "deleted in phpVMS: not imported")
			continue
		}
		pilot, ok := rep.UserIDs[p.UserID]
		if !ok {
			skip(rep, c, id, "orphan: its pilot %d is deleted or missing", p.UserID)
			continue
		}
		aid, ok := aircraft[p.AircraftID]
		if !ok {
			skip(rep, c, id, "orphan: its aircraft %d is deleted or missing", p.AircraftID)
			continue
		}
		pid := im.ID("pireps", p.ID)
		filed := first(p.Submitted, p.Created, p.Updated, time.Now().UTC())
		reviewed := first(p.Updated, filed)
		source := domain.PirepSourceManual
		if p.Source == 1 {
			source = domain.PirepSourceACARS
		}
		flightType := strings.ToUpper(strings.TrimSpace(p.FlightType))
		if flightType == "J" {
			flightType = ""
		}
		det := &eventsv1.PirepFiled_Details{FlightNumber: p.FlightNumber, RouteCode: p.RouteCode, RouteLeg: int32(p.RouteLeg),
			FlightId: flights[strings.ToLower(p.FlightID)], DptAirport: strings.ToUpper(p.Dpt), ArrAirport: strings.ToUpper(p.Arr),
			AltAirport: strings.ToUpper(p.Alt), AircraftId: aid, FlightTime: int32(p.FlightTime), Distance: round32(p.Distance),
			Level: int32(p.Level), FuelUsed: round32(p.FuelUsed), LandingRate: round32(p.LandingRate),
			Route: strings.ToUpper(strings.TrimSpace(p.Route)), Remarks: p.Notes, Source: source, SourceName: p.SourceName, FlightType: flightType}
		// Albatross dates a flight by its block times: a PIREP phpVMS
		// kept none for was on blocks when it was filed.
		blockOn := first(p.BlockOn, filed)
		blockOff := first(p.BlockOff, blockOn.Add(-time.Duration(p.FlightTime)*time.Minute))
		det.BlockOff, det.BlockOn = ts(blockOff), ts(blockOn)
		if p.FlightID != "" && det.FlightId == "" {
			rep.problem("pireps", id, "orphan: its flight %s is deleted or missing: imported as a flight off the schedule", p.FlightID)
		}
		inProgress := p.State == pirepInProgress || p.State == pirepPaused
		submitted := !inProgress && p.State != pirepDraft
		stream := domain.PirepStream(pid)
		err := im.row(rep, c, id, func() (bool, error) {
			any := false
			do := func(did bool, err error) error { any = any || did; return err }
			if err := do(im.step(ctx, rep, stream, tenant, "pireps/"+pid+"/filed", filed, nil,
				&eventsv1.PirepFiled{PirepId: pid, TenantId: tenant, PilotId: pilot, Details: det, Submitted: submitted,
					FiledAt: ts(filed), InProgress: inProgress, Phase: p.Status})); err != nil {
				return any, err
			}
			switch p.State {
			case pirepAccepted:
				if err := do(im.step(ctx, rep, stream, tenant, "pireps/"+pid+"/accepted", reviewed, nil,
					&eventsv1.PirepAccepted{PirepId: pid, ReviewerId: domain.System.UserID, AcceptedAt: ts(reviewed)})); err != nil {
					return any, err
				}
			case pirepRejected:
				if err := do(im.step(ctx, rep, stream, tenant, "pireps/"+pid+"/rejected", reviewed, nil,
					&eventsv1.PirepRejected{PirepId: pid, ReviewerId: domain.System.UserID, Reason: rejectReason(comments[strings.ToLower(p.ID)], p.UserID), RejectedAt: ts(reviewed)})); err != nil {
					return any, err
				}
			case pirepCancelled:
				if err := do(im.step(ctx, rep, stream, tenant, "pireps/"+pid+"/cancelled", reviewed, nil,
					&eventsv1.PirepCancelled{PirepId: pid, By: Actor, CancelledAt: ts(reviewed), Reason: "Cancelled in phpVMS."})); err != nil {
					return any, err
				}
			}
			if fs := fields[strings.ToLower(p.ID)]; len(fs) > 0 {
				if err := do(im.step(ctx, rep, stream, tenant, "pireps/"+pid+"/fields/"+fieldsKey(fs), reviewed, nil,
					&eventsv1.PirepFieldsSet{PirepId: pid, Fields: fs, SetAt: ts(reviewed)})); err != nil {
					return any, err
				}
			}
			for _, cm := range comments[strings.ToLower(p.ID)] {
				author, ok := rep.UserIDs[cm.UserID]
				if !ok {
					rep.problem("pirep_comments", fmt.Sprint(cm.ID), "its author %d is deleted or missing: kept as the import's", cm.UserID)
					author = domain.System.UserID
				}
				cid := im.ID("pirep_comments", cm.ID)
				when := first(cm.Created, reviewed)
				if err := do(im.step(ctx, rep, stream, tenant, "pirep_comments/"+cid, when, nil,
					&eventsv1.PirepCommentAdded{PirepId: pid, CommentId: cid, AuthorId: author, Text: cm.Text, AddedAt: ts(when)})); err != nil {
					return any, err
				}
			}
			return any, nil
		})
		if err != nil {
			return err
		}
	}
	im.progress(c)
	// A pilot's flights and hours are what their accepted PIREPs add up
	// to; where phpVMS's counters say otherwise (PIREPs deleted or orphaned
	// since), it is said, by pilot.
	type totals struct{ flights, minutes int64 }
	got := map[int64]totals{}
	for _, p := range d.Pireps {
		if p.AirlineID != airlineID || p.State != pirepAccepted || p.Deleted {
			continue
		}
		if _, ok := aircraft[p.AircraftID]; !ok {
			continue
		}
		t := got[p.UserID]
		t.flights, t.minutes = t.flights+1, t.minutes+p.FlightTime
		got[p.UserID] = t
	}
	for _, u := range d.Users {
		if _, ok := rep.UserIDs[u.ID]; !ok || u.AirlineID != airlineID {
			continue
		}
		if g := got[u.ID]; g.flights != u.Flights || g.minutes != u.FlightTime {
			rep.problem("users", fmt.Sprint(u.ID), "phpVMS counts %d flights and %d minutes; the accepted PIREPs imported add up to %d flights and %d minutes, which Albatross shows",
				u.Flights, u.FlightTime, g.flights, g.minutes)
		}
	}
	return nil
}

// rejectReason is what staff wrote on a rejected PIREP: phpVMS keeps no
// reason column, so its last comment by someone other than the pilot.
func rejectReason(cs []Comment, pilot int64) string {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].UserID != pilot && strings.TrimSpace(cs[i].Text) != "" {
			return strings.TrimSpace(cs[i].Text)
		}
	}
	return "Rejected in phpVMS."
}

// fieldsKey names a set of field values, so a change in phpVMS is a new
// step.
func fieldsKey(fs map[string]string) string {
	keys := make([]string, 0, len(fs))
	for k, v := range fs {
		keys = append(keys, k+"="+v)
	}
	return nameUUID(strings.Join(sortStrings(keys), "\x00"))
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
