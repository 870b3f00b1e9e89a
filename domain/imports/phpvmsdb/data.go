// Package phpvmsdb maps a phpVMS 7 database, as store/phpvmsdb reads it,
// onto Albatross's events: airports, subfleets, aircraft, flights, ranks,
// pilots (with their phpVMS password hashes and API keys) and PIREPs with
// their comments and fields. Every append's command id is a name-based
// UUID of the source database, the phpVMS table, the row's id and the step,
// so a second run appends nothing a first run appended, and a row whose
// state moved on in phpVMS (a PIREP accepted since) gets only its new step.
// The events' times are phpVMS's: the runner's clock is set to the row's
// time before each append.
package phpvmsdb

import "time"

// Data is what the importer reads of a phpVMS database.
type Data struct {
	Airlines  []Airline
	Airports  []Airport
	Ranks     []Rank
	Subfleets []Subfleet
	Aircraft  []Aircraft
	Flights   []Flight
	Users     []User
	Pireps    []Pirep
	Comments  []Comment
	Fields    []PirepField
	News      []News
	Awards    []Award
	Granted   []UserAward
	// IDLength and IDCode are the settings pilots.id_length and
	// pilots.id_code (ident = code or airline ICAO + zero-padded number).
	IDLength int
	IDCode   string
}

// Airline is a row of airlines.
type Airline struct {
	ID               int64
	ICAO, IATA, Name string
	Active           bool
	Deleted          bool
}

// Airport is a row of airports (id = ICAO).
type Airport struct {
	ICAO, IATA, Name, Location, Region, Country, Timezone, Notes string
	Hub                                                          bool
	Lat, Lon                                                     float64
	Elevation                                                    int32
	Deleted                                                      bool
}

// Rank is a row of ranks.
type Rank struct {
	ID                                               int64
	Name                                             string
	Hours                                            int64
	AutoApproveACARS, AutoApproveManual, AutoPromote bool
	Deleted                                          bool
	Created                                          time.Time
}

// Subfleet is a row of subfleets.
type Subfleet struct {
	ID, AirlineID            int64
	Type, SimbriefType, Name string
	HubID                    string
	Deleted                  bool
	Created                  time.Time
}

// Aircraft is a row of aircraft.
type Aircraft struct {
	ID, SubfleetID           int64
	ICAO, Name, Registration string
	AirportID                string
	FlightTime               int64 // minutes
	Status                   string
	Deleted                  bool
	Created                  time.Time
}

// Flight is a row of flights, with its subfleets (flight_subfleet).
type Flight struct {
	ID                              string
	AirlineID                       int64
	FlightNumber                    int64
	Callsign, RouteCode             string
	RouteLeg                        int64
	Dpt, Arr, Alt, DptTime, ArrTime string
	Level                           int64
	Distance                        float64
	FlightTime                      int64
	FlightType, Route, Notes        string
	Days                            int64
	StartDate, EndDate              string
	Active                          bool
	Deleted                         bool
	Created                         time.Time
	SubfleetIDs                     []int64
	Fields                          [][2]string // flight_field_values: name, value, in their order
}

// User is a row of users, with whether a role_user row makes them staff.
type User struct {
	ID, PilotID, AirlineID, RankID         int64
	Name, Email, Password, APIKey, Country string
	HomeAirport, CurrAirport               string
	Flights, FlightTime, TransferTime      int64 // minutes
	State                                  int64
	Admin                                  bool
	Deleted                                bool
	Created                                time.Time
}

// Pirep is a row of pireps.
type Pirep struct {
	ID                                string
	UserID, AirlineID, AircraftID     int64
	FlightID, FlightNumber, RouteCode string
	RouteLeg                          int64
	FlightType, Dpt, Arr, Alt         string
	Level                             int64
	Distance                          float64
	FlightTime                        int64
	FuelUsed, LandingRate             float64
	Route, Notes                      string
	Source                            int64
	SourceName                        string
	State                             int64
	Status                            string
	Submitted, BlockOff, BlockOn      time.Time
	Created, Updated                  time.Time
	Deleted                           bool
}

// Comment is a row of pirep_comments.
type Comment struct {
	ID      int64
	PirepID string
	UserID  int64
	Text    string
	Created time.Time
}

// News is a row of news (phpVMS's news are the whole site's: each
// imported airline gets them).
type News struct {
	ID            int64
	UserID        int64
	Subject, Body string // Body is HTML from phpVMS's editor
	Created       time.Time
}

// Award is a row of awards.
type Award struct {
	ID                                     int64
	Name, Description, RefModel, RefParams string
	Active, Deleted                        bool
	Created                                time.Time
}

// UserAward is a row of user_awards.
type UserAward struct {
	ID, UserID, AwardID int64
	Created             time.Time
}

// PirepField is a row of pirep_field_values.
type PirepField struct {
	PirepID, Name, Value string
}

// phpVMS's PirepState values.
const (
	pirepInProgress = 0
	pirepPending    = 1
	pirepAccepted   = 2
	pirepCancelled  = 3
	pirepDeleted    = 4
	pirepDraft      = 5
	pirepRejected   = 6
	pirepPaused     = 7
)

// phpVMS's UserState values.
const (
	userPending   = 0
	userActive    = 1
	userRejected  = 2
	userOnLeave   = 3
	userSuspended = 4
	userDeleted   = 5
)
