// Package imports is the CSV import and export machinery of an airline's
// operations data, in phpVMS 7's file layouts. A Kind describes one file
// type (airports, subfleets, aircraft, flights): its columns, how a row is
// checked into a record, how a record is applied through the domain's
// commands, and how the records are exported. Check reads a whole
// file and reports every problem by row and column; a Job applies the
// checked records in the background and reports its progress.
package imports

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/albatross-va/albatross/domain"
)

// Column is one column of a file type, named as phpVMS names it.
type Column struct {
	Name     string
	Required bool // the header must have it and a row must fill it
	// Multiline columns (notes, routes) may hold tabs and line breaks;
	// every other cell is one line of text.
	Multiline bool
	// Aliases are other names of the column in older phpVMS exports
	// (flights' enabled was active).
	Aliases []string
}

// Row is one data row of a file, by column name.
type Row struct {
	Line   int // the row's number as a spreadsheet shows it: the header is row 1
	values map[string]string
}

// Get returns the row's value of a column, trimmed; "" when absent.
func (r Row) Get(column string) string { return strings.TrimSpace(r.values[column]) }

// Problem is one thing wrong in a file: a row (0 for the file as a whole),
// a column and what is wrong with it.
type Problem struct {
	Line    int
	Column  string
	Message string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("row %d, %s: %s", p.Line, p.Column, p.Message)
}

// Kind is one file type.
type Kind struct {
	Name    string   // in addresses and file names: "airports"
	Title   string   // for people: "Airports"
	Columns []Column // in the order export writes them
	// Check turns a row into a record, or returns its problems by column.
	Check func(r Row) (record any, problems map[string]string)
	// Prepare, when set, reads what checking needs of the airline (its
	// airports, subfleets, aircraft) once per file and returns the Check to
	// use: rows that name airports or subfleets are checked against the
	// airline as it is when the file is applied, without a query per row.
	// Its Before adds what the rows named that the airline lacks.
	Prepare func(ctx context.Context, airlineID string) (Prepared, error)
	// Workers is how many records are applied at once (0 or 1: one by one).
	// Records of one file have distinct keys, so each is its own stream and
	// concurrent appends cannot conflict.
	Workers int
	// Key names the record a row is about (an airport's ICAO code); two
	// rows of one file with the same key are a problem.
	Key func(record any) string
	// KeyColumn is where a repeated key is reported ("" is the first
	// column): a flights file's first column is the airline.
	KeyColumn string
	// Apply saves one record in the airline through the domain's commands.
	Apply func(ctx context.Context, meta domain.CommandMeta, airlineID string, record any) (domain.Outcome, domain.AppendResult, error)
	// Export returns the airline's records as rows in Columns' order.
	Export func(ctx context.Context, airlineID string) ([][]string, error)
}

// Prepared is a file's check against the airline, and what applying it
// needs done first.
type Prepared struct {
	Check func(r Row) (any, map[string]string)
	// Before, when set, runs once after the file is checked and before its
	// records are applied (never for a refused file): it adds what the
	// valid rows named that the airline lacks (airports from the world
	// reference, subfleets of flights) and says so in notes for the job's
	// page. settle waits until the read models include a log position, for
	// commands that check against them.
	Before func(ctx context.Context, meta domain.CommandMeta, settle func(context.Context, domain.Position) error) (notes []string, err error)
	// Summarize, when set, rewrites the checked file's problems once every
	// row is read (Airline.Summarize).
	Summarize func(*Checked)
}

// Record is a checked row.
type Record struct {
	Line  int
	Key   string
	Value any
}

// Checked is a whole file, checked.
type Checked struct {
	Rows     int // data rows in the file
	Records  []Record
	Problems []Problem
	// Notes are what the admin should know of a file that is no problem:
	// the columns Albatross does not know, which it ignored.
	Notes []string
	// Before is the Prepared.Before of the file, or nil.
	Before func(ctx context.Context, meta domain.CommandMeta, settle func(context.Context, domain.Position) error) ([]string, error)
	// Encoding is how the file was read: UTF8, or Windows1252 for a file
	// that is not valid UTF-8.
	Encoding string
}

// Encodings a file is read in.
const (
	UTF8        = "UTF-8"
	Windows1252 = "Windows-1252"
)

// decode returns a file as UTF-8 text and the encoding it was read in. A
// file that is valid UTF-8 (with or without a byte order mark) is UTF-8;
// any other is read as Windows-1252, the superset of Latin-1 that older
// phpVMS exports and spreadsheets on Windows write. Every byte sequence is
// Windows-1252, so the guess never fails; a wrong guess shows as odd
// letters in the names, which the admin sees on the job's page.
func decode(file []byte) ([]byte, string) {
	file = bytes.TrimPrefix(file, []byte("\ufeff"))
	if utf8.Valid(file) {
		return file, UTF8
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(file)
	if err != nil { // not reached: the decoder maps every byte
		return file, UTF8
	}
	return out, Windows1252
}

// undecodableMessage refuses a cell of a file in neither UTF-8 nor
// Windows-1252.
const undecodableMessage = "This cell holds a byte that is neither UTF-8 nor Windows-1252 (Latin-1): save the file as UTF-8 and import it again."

// maxQuoted is how much of a value a problem quotes: a rejected cell may
// be megabytes, and the job's status and page show its problems.
const maxQuoted = 100

// maxMessage bounds a problem's message whatever it quotes.
const maxMessage = 1000

// cutMessage shortens every quoted value (as %q writes it) in a problem's
// message to maxQuoted characters with an ellipsis, and the message to
// maxMessage characters.
func cutMessage(msg string) string {
	if len(msg) <= maxQuoted {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], '"')
		if j < 0 {
			b.WriteString(msg[i:])
			break
		}
		b.WriteString(msg[i : i+j])
		i += j
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		i += len(q)
		if v, err := strconv.Unquote(q); err == nil && utf8.RuneCountInString(v) > maxQuoted {
			q = strconv.Quote(cutRunes(v, maxQuoted))
		}
		b.WriteString(q)
	}
	return cutRunes(b.String(), maxMessage)
}

// cutRunes returns s cut to n characters, with an ellipsis when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n {
			break
		}
		count++
	}
	return s[:i] + "…"
}

// MaxRows bounds a file: flights files reach tens of thousands of rows.
const MaxRows = 200_000

// CheckFor checks a file of kind k for an airline: with k.Prepare, against
// what the airline has now.
func CheckFor(ctx context.Context, k Kind, airlineID string, r io.Reader) (Checked, error) {
	var before func(context.Context, domain.CommandMeta, func(context.Context, domain.Position) error) ([]string, error)
	var summarize func(*Checked)
	if k.Prepare != nil {
		p, err := k.Prepare(ctx, airlineID)
		if err != nil {
			return Checked{}, err
		}
		k.Check, before, summarize = p.Check, p.Before, p.Summarize
	}
	c, err := Check(k, r)
	c.Before = before
	if err == nil && summarize != nil {
		summarize(&c)
	}
	return c, err
}

// Check reads a CSV file of kind k and checks every row: first every cell
// as text (cellProblems), then the row as a record. A file that is not
// UTF-8 is read as Windows-1252 (decode). It fails only when the file
// cannot be read as CSV at all; everything else is a Problem.
func Check(k Kind, r io.Reader) (Checked, error) {
	file, err := io.ReadAll(r)
	if err != nil {
		return Checked{}, err
	}
	text, encoding := decode(file)
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	out, err := check(k, cr, encoding)
	for i := range out.Problems { // a bad cell may be megabytes: its problem quotes it cut
		out.Problems[i].Column = cutRunes(out.Problems[i].Column, maxQuoted)
		out.Problems[i].Message = cutMessage(out.Problems[i].Message)
	}
	return out, err
}

// check reads the rows of a file of kind k, read in encoding, and checks
// each.
func check(k Kind, cr *csv.Reader, encoding string) (Checked, error) {
	out := Checked{Encoding: encoding}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		out.Problems = append(out.Problems, Problem{Message: "The file is empty: it needs a header row and a row per record."})
		return out, nil
	}
	if err != nil {
		return out, domain.Errorf(domain.EInvalid, "This is not a CSV file: %v", err)
	}
	known, multiline := map[string]string{}, map[string]bool{}
	for _, c := range k.Columns {
		known[c.Name], multiline[c.Name] = c.Name, c.Multiline
		for _, a := range c.Aliases {
			known[a] = c.Name
		}
	}
	index := map[string]int{}
	var ignored []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		name, ok := known[h]
		switch {
		case h == "":
			continue
		case !ok:
			// phpVMS ignores a column it does not know, and so does
			// Albatross: a newer or a modified phpVMS writes more.
			ignored = append(ignored, cutRunes(h, maxQuoted))
		case index[name] != 0:
			out.Problems = append(out.Problems, Problem{Line: 1, Column: h, Message: "This column appears twice."})
		default:
			index[name] = i + 1 // 0 means absent
		}
	}
	if len(ignored) > 0 {
		out.Notes = append(out.Notes, cutRunes(fmt.Sprintf("Ignored %s Albatross does not know: %s.",
			plural(len(ignored), "a column", "columns"), strings.Join(ignored, ", ")), maxMessage))
	}
	for _, c := range k.Columns {
		if c.Required && index[c.Name] == 0 {
			out.Problems = append(out.Problems, Problem{Line: 1, Column: c.Name, Message: "The header has no " + c.Name + " column, which is required."})
		}
	}
	if len(out.Problems) > 0 {
		// A file of another kind is said to be one, rather than listed as
		// every column it lacks.
		if msg := wrongKind(k.Name, header); msg != "" {
			out.Problems, out.Notes = []Problem{{Line: 1, Message: msg}}, nil
		}
	}
	if len(out.Problems) > 0 {
		return out, nil // rows cannot be read without the header
	}
	seen := map[string]int{}
	for line := 2; ; line++ {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Problems = append(out.Problems, Problem{Line: line, Message: fmt.Sprintf("Row %d cannot be read: %v", line, err)})
			break
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // a blank line
		}
		out.Rows++
		if out.Rows > MaxRows {
			out.Problems = append(out.Problems, Problem{Message: fmt.Sprintf("A file can have at most %d rows.", MaxRows)})
			break
		}
		row := Row{Line: line, values: map[string]string{}}
		for name, i := range index {
			if i-1 < len(fields) {
				row.values[name] = fields[i-1]
				if strings.TrimSpace(fields[i-1]) == `\N` {
					row.values[name] = "" // MySQL's NULL, as phpVMS's exports write it
				}
			}
		}
		problems := cellProblems(row, multiline, out.Encoding)
		var rec any
		if len(problems) == 0 {
			rec, problems = k.Check(row)
		}
		if len(problems) > 0 {
			for _, c := range k.Columns { // in column order, for a stable report
				if msg, ok := problems[c.Name]; ok {
					out.Problems = append(out.Problems, Problem{Line: line, Column: c.Name, Message: msg})
				}
			}
			continue
		}
		key := k.Key(rec)
		if first, dup := seen[key]; dup {
			col := k.KeyColumn
			if col == "" {
				col = k.Columns[0].Name
			}
			out.Problems = append(out.Problems, Problem{Line: line, Column: col,
				Message: fmt.Sprintf("%s is also on row %d.", key, first)})
			continue
		}
		seen[key] = line
		out.Records = append(out.Records, Record{Line: line, Key: key, Value: rec})
	}
	if out.Rows == 0 && len(out.Problems) == 0 {
		out.Problems = append(out.Problems, Problem{Message: "The file has a header but no rows."})
	}
	return out, nil
}

// cellProblems checks every cell of a row with the domain's text check,
// before the row is read: no cell that a read model could not store (a NUL,
// a control character, a line break outside notes and routes) reaches a
// command, and each is reported at its row and column. In a file read as
// Windows-1252, a byte that the encoding leaves undefined (decoded as
// U+FFFD) says the file is in neither encoding: the cell is refused rather
// than saved with a letter lost.
func cellProblems(r Row, multiline map[string]bool, encoding string) map[string]string {
	var f map[string]string
	for col, v := range r.values {
		kind := domain.SingleLine
		if multiline[col] {
			kind = domain.MultiLine
		}
		msg := domain.TextProblem(domain.CleanText(v, kind), kind)
		if msg == "" && encoding == Windows1252 && strings.ContainsRune(v, utf8.RuneError) {
			msg = undecodableMessage
		}
		if msg != "" {
			if f == nil {
				f = map[string]string{}
			}
			f[col] = msg
		}
	}
	return f
}

// plural is one or many of something, by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Export writes the airline's records of kind k as a CSV file that Check
// accepts unchanged.
func Export(ctx context.Context, k Kind, airlineID string, w io.Writer) error {
	rows, err := k.Export(ctx, airlineID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
