package domain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds staff's follow-ups on an award they defined: editing it
// and deleting it. An edit changes what the award is from now on (a rule
// made automatic grants to whoever meets it, as a new award does; grants
// already made stay). A deletion hides the award and its grants
// everywhere and frees its name; the pilots' award streams keep their
// history, so every event stays applicable.

// Edit changes an award of the airline: its name (claimed anew within the
// airline when it changes), description and rule, and its image when a new
// one is uploaded or removeImage is set.
func (s *Awards) Edit(ctx context.Context, meta CommandMeta, airlineID, awardID string, f AwardForm, removeImage bool) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageAwards, airlineID); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Find(ctx, airlineID, awardID); err != nil {
		return AppendResult{}, err
	}
	rule, err := f.Validate()
	img, imgType, imgErr := CheckAwardImage(f.Image)
	if err != nil || imgErr != nil {
		fields := map[string]string{}
		for k, v := range ErrorFields(err) {
			fields[k] = v
		}
		for k, v := range ErrorFields(imgErr) {
			fields[k] = v
		}
		return AppendResult{}, Invalid(fields)
	}
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AwardStream(awardID), TenantID: airlineID}, meta,
		func() *Award { return &Award{} },
		func(a *Award, _ int64) (Decision, error) {
			if !a.Defined || a.Deleted || a.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such award in this airline.")
			}
			ev := &eventsv1.AwardEdited{AwardId: awardID, TenantId: airlineID, Name: f.Name, Description: f.Description,
				Rule: &eventsv1.AwardDefined_Rule{Kind: rule.Kind, Number: rule.Number, Code: rule.Code, Code2: rule.Code2},
				By:   meta.Who.UserID, EditedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}
			if len(img) > 0 {
				ev.ImageChanged, ev.Image, ev.ImageType = true, img, imgType
			} else if removeImage {
				ev.ImageChanged = true
			}
			d := Decision{Events: []proto.Message{ev}}
			if oldName, newName := strings.ToLower(a.Name), strings.ToLower(f.Name); oldName != newName {
				d.Releases = []UniqueClaim{{Scope: airlineID, Field: "award_name", Value: oldName}}
				d.Claims = []UniqueClaim{{Scope: airlineID, Field: "award_name", Value: newName}}
			}
			return d, nil
		})
	if ErrorCode(err) == EConflict && ErrorFields(err)["award_name"] != "" {
		return AppendResult{}, FieldError(EConflict, "name", fmt.Sprintf("The airline already has an award named %s.", f.Name))
	}
	return res, err
}

// Delete removes an award of the airline: it grants nothing more, no page
// shows it or its grants, and its name is free again.
func (s *Awards) Delete(ctx context.Context, meta CommandMeta, airlineID, awardID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageAwards, airlineID); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Find(ctx, airlineID, awardID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: AwardStream(awardID), TenantID: airlineID}, meta,
		func() *Award { return &Award{} },
		func(a *Award, _ int64) (Decision, error) {
			if !a.Defined || a.Deleted || a.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such award in this airline.")
			}
			return Decision{
				Events: []proto.Message{&eventsv1.AwardDeleted{AwardId: awardID, TenantId: airlineID, Name: a.Name, By: meta.Who.UserID,
					DeletedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}},
				Releases: []UniqueClaim{{Scope: airlineID, Field: "award_name", Value: strings.ToLower(a.Name)}},
			}, nil
		})
}
