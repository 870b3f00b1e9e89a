package domain

import "fmt"

// Actor is who sends a command: a logged-in user, a program with a user's
// API key, or the system itself (the CLI, first start). The zero Actor is
// nobody and may do nothing.
type Actor struct {
	UserID   string
	Role     string // RolePlatformAdmin, RoleAirlineAdmin, RolePilot or RoleSystem
	TenantID string // the user's airline; empty for a platform admin
}

// RoleSystem is the role of commands the platform sends itself.
const RoleSystem = "system"

// System is the actor of the CLI and of first start.
var System = Actor{UserID: "system", Role: RoleSystem}

// Action is something a person may be allowed to do.
type Action string

// The actions of the access matrix.
const (
	ListAirlines        Action = "list every airline"
	CreateAirlines      Action = "create an airline"
	SuspendAirlines     Action = "suspend or reactivate an airline"
	EditAirlineProfile  Action = "edit an airline's profile and registration"
	ViewPeople          Action = "see an airline's people and their history"
	CreateAirlineAdmins Action = "create an airline admin"
	CreatePilots        Action = "create a pilot"
	DecideRegistrations Action = "approve or reject a registration"
	SuspendPeople       Action = "suspend or reactivate a person"
	ResetPasswords      Action = "reset a person's password"
	ChangeRoles         Action = "make a person a pilot or an airline admin"
	ViewOwnAirline      Action = "see one's own airline as a member"
	ViewOperations      Action = "see an airline's airports, fleet and flights"
	ManageOperations    Action = "add, change and import an airline's airports, fleet and flights"
	FileOwnPireps       Action = "file, edit, submit and cancel one's own PIREPs"
	ReviewPireps        Action = "accept or reject an airline's PIREPs"
	ManageRanks         Action = "add and change an airline's ranks and set a pilot's rank"
	ManagePirepRules    Action = "set an airline's optional PIREP filing rules"
	ViewQuarantine      Action = "see the events the read models could not apply"
	ManageSimbrief      Action = "set an airline's SimBrief API key and OFP lifetime"
	ManageWebhooks      Action = "add, change and remove an airline's webhooks and read their deliveries"
	ViewEmailOutbox     Action = "see the emails that could not be sent"
	ManageNews          Action = "post, edit and delete an airline's news"
	ManageAwards        Action = "define an airline's awards and grant or revoke one by hand"
	ManageTours         Action = "create, edit and delete an airline's tours"
	ManageEvents        Action = "create, change and cancel an airline's events"
	ManageLeave         Action = "approve or decline pilots' leave and set an airline's leave rules"
	RequestOwnLeave     Action = "request leave for oneself"
	ManageScoring       Action = "set an airline's landing-score bands and rules"
)

// Scope is how far a role's permission reaches.
type Scope int

const (
	// No: never.
	No Scope = iota
	// Own: within the actor's own airline only.
	Own
	// Any: in every airline.
	Any
)

func (s Scope) String() string { return [...]string{"no", "own airline", "any airline"}[s] }

// accessRule is one row of the matrix.
type accessRule struct {
	Action        Action
	Pilot         Scope
	AirlineAdmin  Scope
	PlatformAdmin Scope
}

// accessMatrix is the one place that says who may do what. Commands check it
// in the domain; handlers check it before they read, and read models are
// always queried by the tenant it allowed.
var accessMatrix = []accessRule{
	// action, then the scope of: pilot, airline admin, platform admin
	{ListAirlines, No, No, Any},
	{CreateAirlines, No, No, Any},
	{SuspendAirlines, No, No, Any},
	{EditAirlineProfile, No, Own, Any},
	{ViewPeople, No, Own, Any},
	{CreateAirlineAdmins, No, Own, Any},
	{CreatePilots, No, Own, Any},
	{DecideRegistrations, No, Own, Any},
	{SuspendPeople, No, Own, Any},
	{ResetPasswords, No, Own, Any},
	{ChangeRoles, No, Own, Any},
	{ViewOwnAirline, Own, Own, No},
	{ViewOperations, Own, Own, Any},
	{ManageOperations, No, Own, Any},
	// A PIREP is a report of one's own flight: a platform admin belongs to
	// no airline and flies for none, so files none.
	{FileOwnPireps, Own, Own, No},
	{ReviewPireps, No, Own, Any},
	{ManageRanks, No, Own, Any},
	{ManagePirepRules, No, Own, Any},
	{ManageSimbrief, No, Own, Any},
	{ManageWebhooks, No, Own, Any},
	{ManageNews, No, Own, Any},
	{ManageAwards, No, Own, Any},
	{ManageTours, No, Own, Any},
	{ManageEvents, No, Own, Any},
	{ManageLeave, No, Own, Any},
	// Leave is a member's own: a platform admin flies for no airline.
	{RequestOwnLeave, Own, Own, No},
	{ManageScoring, No, Own, Any},
	// A quarantined event may be any airline's: only the platform sees them.
	{ViewQuarantine, No, No, Any},
	// The outbox holds every airline's emails: only the platform sees it.
	{ViewEmailOutbox, No, No, Any},
}

// AccessMatrix returns the matrix's rows, for documentation and tests.
func AccessMatrix() []accessRule { return append([]accessRule(nil), accessMatrix...) }

// ScopeOf returns how far role may take action.
func ScopeOf(role string, action Action) Scope {
	for _, r := range accessMatrix {
		if r.Action != action {
			continue
		}
		switch role {
		case RolePilot:
			return r.Pilot
		case RoleAirlineAdmin:
			return r.AirlineAdmin
		case RolePlatformAdmin:
			return r.PlatformAdmin
		case RoleSystem:
			return Any
		}
		return No
	}
	panic(fmt.Sprintf("access: action %q is not in the matrix", action))
}

// Authorize says whether a may take action in the airline tenantID ("" for
// platform-wide actions). A refusal is EForbidden when the role may never
// take the action, and ENotFound when the role may but only in its own
// airline: another airline's records must not be seen to exist.
func Authorize(a Actor, action Action, tenantID string) error {
	switch ScopeOf(a.Role, action) {
	case Any:
		return nil
	case Own:
		if a.TenantID != "" && a.TenantID == tenantID {
			return nil
		}
		return Errorf(ENotFound, "There is no such page.")
	}
	return Errorf(EForbidden, "You do not have access to this.")
}
