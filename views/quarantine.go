package views

// QuarantinePage lists the events the projections set aside.
type QuarantinePage struct {
	Page
	Rows []QuarantineRow
}

// QuarantineRow is one quarantined event of one projection.
type QuarantineRow struct {
	Position   string // commit/sequence in the log
	Projection string
	Stream     string
	Version    int64
	Type       string
	Error      string
	At         string // when it was set aside
}
