// Package simbrief fetches OFPs from SimBrief (xml.fetcher.php) for the
// handlers: the XML OFP, SimBrief's JSON v2 answer (its fetch.status says
// whether the OFP exists) and the phpVMS ACARS briefing file.
package simbrief

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Client fetches OFPs from SimBrief at BaseURL.
type Client struct {
	BaseURL string       // https://www.simbrief.com, or a test's server
	HTTP    *http.Client // nil: one with DefaultTimeout
	Now     func() time.Time
}

// DefaultBaseURL is SimBrief's own site.
const DefaultBaseURL = "https://www.simbrief.com"

// DefaultTimeout bounds one fetch from SimBrief.
const DefaultTimeout = 10 * time.Second

// Fetched is an OFP as SimBrief gave it.
type Fetched struct {
	OFP      *domain.OFP
	AcarsXML string
	Source   string // "xml"
}

// FetchError is a fetch that failed, with words for the pilot.
type FetchError struct{ Message string }

func (e *FetchError) Error() string { return e.Message }

// DispatchURL is SimBrief's dispatch page the plan form opens.
func (c *Client) DispatchURL() string { return c.BaseURL + "/ofp/ofp.loader.api.php" }

// Fetch reads the OFP with the static id Albatross gave SimBrief: the JSON
// v2 answer first (fetch.status must be Success), then the XML it keeps,
// then the ACARS briefing, which falls back to the XML renamed as phpVMS
// does when SimBrief has no ACARS file.
func (c *Client) Fetch(ctx context.Context, staticID string) (Fetched, error) {
	q := url.Values{"static_id": {staticID}}
	q.Set("json", "v2")
	body, err := c.get(ctx, c.BaseURL+"/api/xml.fetcher.php?"+q.Encode())
	if err != nil {
		return Fetched{}, err
	}
	status, err := domain.OFPFetchStatus(body)
	if err != nil {
		return Fetched{}, &FetchError{Message: "SimBrief's answer was not the flight plan (its JSON could not be read). Try again in a moment."}
	}
	if status != "Success" {
		return Fetched{}, &FetchError{Message: fmt.Sprintf("SimBrief did not give the flight plan: %s", status)}
	}
	q.Del("json")
	doc, err := c.get(ctx, c.BaseURL+"/api/xml.fetcher.php?"+q.Encode())
	if err != nil {
		return Fetched{}, err
	}
	o, err := domain.DecodeOFPXML(doc)
	if err != nil {
		return Fetched{}, &FetchError{Message: "SimBrief's answer was not a flight plan (its XML could not be read). Try again in a moment."}
	}
	acars := ""
	if o.AcarsLink != "" {
		if b, err := c.get(ctx, c.onBase(o.AcarsLink)); err == nil && isAcarsBriefing(b) {
			acars = string(b)
		}
	}
	if acars == "" {
		acars = domain.AcarsBriefingFromOFP(doc, c.now())
	}
	if domain.TextProblem(acars, domain.MultiLine) != "" {
		return Fetched{}, &FetchError{Message: "SimBrief's ACARS briefing holds text that cannot be stored."}
	}
	return Fetched{OFP: o, AcarsXML: acars, Source: "xml"}, nil
}

// onBase is a SimBrief file's URL on the configured base: the OFP names
// www.simbrief.com, and a test's server stands in for it.
func (c *Client) onBase(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return c.BaseURL + path
}

func isAcarsBriefing(b []byte) bool {
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local == "VMSAcars"
		}
	}
}

func (c *Client) get(ctx context.Context, u string) ([]byte, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &FetchError{Message: "SimBrief's address is not valid; tell the platform's admin."}
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			return nil, &FetchError{Message: "SimBrief did not answer in time. Try again in a moment."}
		}
		return nil, &FetchError{Message: "SimBrief could not be reached. Try again in a moment."}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, &FetchError{Message: fmt.Sprintf("SimBrief answered %d %s instead of the flight plan. Try again in a moment.", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, domain.MaxOFPSource+1))
	if err != nil {
		return nil, &FetchError{Message: "SimBrief's answer was cut off. Try again in a moment."}
	}
	if len(b) > domain.MaxOFPSource {
		return nil, &FetchError{Message: "SimBrief's answer is too large to be a flight plan."}
	}
	return b, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
