package views

// Pager is where a paged list is and the links to its neighbours.
type Pager struct {
	Label            string // the nav's accessible name, such as "Roster pages"
	Page, Pages      int    // this page's number, from 1, of how many
	PrevURL, NextURL string // "" on the first and the last page
}
