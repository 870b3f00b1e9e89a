package views

// PirepSettingsPage is an airline's optional PIREP filing rules.
type PirepSettingsPage struct {
	Page
	Tabs                AirlineTabs
	Action              string
	AircraftAtDeparture bool
	PilotAtDeparture    bool
	Notice              string
}
