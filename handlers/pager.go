package handlers

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// listPageSize is how many rows a page of the roster and of the review
// queue shows.
const listPageSize = 50

// pageParam is the page the query string asks for. Anything that is not
// a page number (missing, "abc", "-2", "1.5") is the first page: a link
// typed by hand lands somewhere useful rather than on an error; a number
// past the last page is the last, which the reads decide.
func pageParam(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// pageURL is base at page n: the first page is base itself.
func pageURL(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "?" + url.Values{"page": {strconv.Itoa(n)}}.Encode()
}

// pagerOf is the pager of a list at base in the place p.
func pagerOf(label, base string, p reads.Paging) views.Pager {
	out := views.Pager{Label: label, Page: p.Page, Pages: p.Pages}
	if p.Page > 1 {
		out.PrevURL = pageURL(base, p.Page-1)
	}
	if p.Page < p.Pages {
		out.NextURL = pageURL(base, p.Page+1)
	}
	return out
}

// rangeOf is the rows' place in the list, "51–100", or "50" on the first
// page, which reads as "the first 50".
func rangeOf(p reads.Paging, rows int) string {
	if p.Page == 1 {
		return strconv.Itoa(rows)
	}
	return fmt.Sprintf("%d–%d", p.Offset+1, p.Offset+rows)
}
