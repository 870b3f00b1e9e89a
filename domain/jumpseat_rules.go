package domain

// JumpseatRules are an airline's jumpseat settings: whether a pilot may
// move to another of its airports without flying, how often, and where.
type JumpseatRules struct {
	Allowed  bool
	PerMonth int32 // at most this many a calendar month (UTC); 0: no limit
	HubsOnly bool  // only to the airline's hubs
}

// MaxJumpseatsPerMonth bounds JumpseatRules.PerMonth.
const MaxJumpseatsPerMonth = 100
