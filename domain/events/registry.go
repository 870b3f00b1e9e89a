// Package events maps stored event type names to their protobuf messages, so
// the domain and the projections can decode what the event store returns.
package events

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// SchemaVersion is written beside every event; bump it with a payload change
// that needs an upcaster.
const SchemaVersion = 1

// registered lists every event message the log may hold. A type missing here
// cannot be appended or decoded; TestRegistryCoversProtoFiles keeps it whole.
var registered = []proto.Message{
	&eventsv1.AirlineCreated{},
	&eventsv1.UserCreated{},
	&eventsv1.PasswordChanged{},
	&eventsv1.AirlineProfileChanged{},
	&eventsv1.AirlineSuspended{},
	&eventsv1.AirlineReactivated{},
	&eventsv1.MembershipDecided{},
	&eventsv1.PilotRegistered{},
	&eventsv1.PilotApproved{},
	&eventsv1.RegistrationRejected{},
	&eventsv1.UserSuspended{},
	&eventsv1.UserReactivated{},
	&eventsv1.RoleChanged{},
	&eventsv1.EmailVerified{},
	&eventsv1.ApiKeyCreated{},
	&eventsv1.ApiKeyRevoked{},
	&eventsv1.SubfleetCreated{},
	&eventsv1.SubfleetChanged{},
	&eventsv1.AircraftAdded{},
	&eventsv1.AircraftChanged{},
	&eventsv1.AirportAdded{},
	&eventsv1.AirportChanged{},
	&eventsv1.FlightAdded{},
	&eventsv1.FlightChanged{},
	&eventsv1.FlightActivated{},
	&eventsv1.FlightDeactivated{},
	&eventsv1.PirepFiled{},
	&eventsv1.PirepEdited{},
	&eventsv1.PirepSubmitted{},
	&eventsv1.PirepCancelled{},
	&eventsv1.PirepAccepted{},
	&eventsv1.PirepRejected{},
	&eventsv1.RankSaved{},
	&eventsv1.PilotRankSet{},
	&eventsv1.PirepRulesChanged{},
	&eventsv1.PilotJumpseated{},
	&eventsv1.PirepCommentAdded{},
	&eventsv1.NoticeDismissed{},
	&eventsv1.PirepProgressed{},
	&eventsv1.PirepPositionsAdded{},
	&eventsv1.AircraftReserved{},
	&eventsv1.PirepLogsAdded{},
	&eventsv1.PirepRouteSet{},
	&eventsv1.PirepFieldsSet{},
	&eventsv1.BidRulesChanged{},
	&eventsv1.BidPlaced{},
	&eventsv1.BidRemoved{},
	&eventsv1.SimbriefSettingsChanged{},
	&eventsv1.SimbriefOfpFetched{},
	&eventsv1.SimbriefOfpAttached{},
	&eventsv1.SimbriefOfpExpired{},
	&eventsv1.WebhookAdded{},
	&eventsv1.WebhookChanged{},
	&eventsv1.WebhookRemoved{},
	&eventsv1.WebhookSecretRotated{},
	&eventsv1.WebhookDeliveryResent{},
	&eventsv1.NewsPosted{},
	&eventsv1.NewsEdited{},
	&eventsv1.NewsDeleted{},
	&eventsv1.AwardDefined{},
	&eventsv1.AwardGranted{},
	&eventsv1.AwardRevoked{},
	&eventsv1.TourSaved{},
	&eventsv1.TourDeleted{},
	&eventsv1.TourLegFlown{},
	&eventsv1.TourLegTakenBack{},
	&eventsv1.TourCompleted{},
	&eventsv1.TourCompletionTakenBack{},
	&eventsv1.AirlineEventScheduled{},
	&eventsv1.AirlineEventChanged{},
	&eventsv1.AirlineEventCancelled{},
	&eventsv1.AirlineEventSignedUp{},
	&eventsv1.AirlineEventWithdrawn{},
	&eventsv1.AirlineEventFlightCounted{},
	&eventsv1.AirlineEventFlightUncounted{},
	&eventsv1.TypeRatingSaved{},
	&eventsv1.PilotTypeRatingGranted{},
	&eventsv1.PilotTypeRatingRevoked{},
	&eventsv1.RankAllowancesSet{},
	&eventsv1.FlyingRulesChanged{},
	&eventsv1.PilotTransferHoursSet{},
	&eventsv1.FareSaved{},
	&eventsv1.ExpenseSaved{},
	&eventsv1.LeaveRulesChanged{},
	&eventsv1.LeaveRequested{},
	&eventsv1.LeaveApproved{},
	&eventsv1.LeaveDeclined{},
	&eventsv1.PilotPutOnLeave{},
	&eventsv1.PilotBackFromLeave{},
	&eventsv1.ScoringBandsSet{},
	&eventsv1.PirepScored{},
	&eventsv1.ProfileVisibilitySet{},
	&eventsv1.AwardEdited{},
	&eventsv1.AwardDeleted{},
}

// Registry resolves event type names to message types. It is immutable after
// construction.
type Registry struct {
	types map[string]protoreflect.MessageType
}

// NewRegistry returns the registry of all Albatross events.
func NewRegistry() *Registry {
	r := &Registry{types: make(map[string]protoreflect.MessageType, len(registered))}
	for _, m := range registered {
		mt := m.ProtoReflect().Type()
		r.types[string(mt.Descriptor().FullName())] = mt
	}
	return r
}

// TypeName returns the name an event is stored under.
func TypeName(m proto.Message) string {
	return string(m.ProtoReflect().Descriptor().FullName())
}

// Names lists the registered type names.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.types))
	for n := range r.types {
		out = append(out, n)
	}
	return out
}

// Encode marshals an event deterministically and checks it is registered.
func (r *Registry) Encode(m proto.Message) (name string, data []byte, err error) {
	name = TypeName(m)
	if _, ok := r.types[name]; !ok {
		return "", nil, fmt.Errorf("event type %s is not registered", name)
	}
	data, err = proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return "", nil, fmt.Errorf("encode %s: %w", name, err)
	}
	return name, data, nil
}

// Known reports whether a type name is registered.
func (r *Registry) Known(name string) bool {
	_, ok := r.types[name]
	return ok
}

// Decode unmarshals a stored payload into a new message of the named type.
func (r *Registry) Decode(name string, data []byte) (proto.Message, error) {
	mt, ok := r.types[name]
	if !ok {
		return nil, fmt.Errorf("event type %s is not registered", name)
	}
	m := mt.New().Interface()
	if err := proto.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return m, nil
}

// Lookup finds a message type in the global protobuf registry; used by tests
// to prove every generated event message is in the list above.
func Lookup(name string) (protoreflect.MessageType, error) {
	return protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
}
