package reads

// Paging is where a page of a list is: its number of how many, and how
// many rows come before it of how many in all.
type Paging struct {
	// Page is this page's number, from 1, of Pages (at least 1).
	Page, Pages int
	// Offset is how many rows come before this page; Total how many the
	// list holds.
	Offset int
	Total  int64
}

// pagingOf places the wanted page of a list of total rows in pages of
// size: a page before the first is the first, one past the last is the
// last, so a stale link still shows rows.
func pagingOf(total int64, want, size int) Paging {
	pages := max(1, int((total+int64(size)-1)/int64(size)))
	p := min(max(want, 1), pages)
	return Paging{Page: p, Pages: pages, Offset: (p - 1) * size, Total: total}
}
