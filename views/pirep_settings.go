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
	Errors        map[string]string
	Notice        string
	// Bids is the form of the airline's bid settings, on the same page.
	Bids BidSettings
}
