package views

// PirepSettingsPage is an airline's optional PIREP filing rules.
type PirepSettingsPage struct {
	Page
	Tabs                AirlineTabs
	Action              string
	AircraftAtDeparture bool
	PilotAtDeparture    bool
	// AbandonAfter is how long a flight in progress may go without a
	// report, as typed (h:mm; empty for the default).
	AbandonAfter string
	// PublicLiveMap shows the live map on the airline's public page.
	PublicLiveMap bool
	// AllowCharters lets pilots file and book flights not on the schedule.
	AllowCharters bool
	// Jumpseats: allowed, at most JumpseatsPerMonth a month as typed
	// (empty: no limit), only to hubs.
	AllowJumpseats    bool
	JumpseatsPerMonth string
	JumpseatHubsOnly  bool
	Errors            map[string]string
	Notice            string
	// Bids is the form of the airline's bid settings, on the same page.
	Bids BidSettings
}
