package imports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// FareColumns are the columns of phpVMS 7's fares file
// (app/Services/ImportExport/FareImporter.php), in its order. A fare is
// known by its code, as phpVMS's importer finds it; type is 0 (passengers)
// or 1 (cargo); price and cost are amounts; an empty active is 1, the
// fares table's default.
var FareColumns = []Column{
	{Name: "code", Required: true}, {Name: "name", Required: true}, {Name: "type"}, {Name: "price"}, {Name: "cost"},
	{Name: "capacity"}, {Name: "notes"}, {Name: "active"},
}

// readBool reads a 1 or 0 cell as phpVMS does (1, true, yes, y, on; 0,
// false, no, n, off); empty is empty.
func readBool(f map[string]string, r Row, col string, empty bool) bool {
	switch v := strings.ToLower(r.Get(col)); v {
	case "1", "true", "yes", "y", "on":
		return true
	case "0", "false", "no", "n", "off":
		return false
	case "":
		return empty
	}
	f[col] = fmt.Sprintf("%q is not 1 or 0 (yes or no).", r.Get(col))
	return false
}

// readMoney reads an amount cell into minor units; empty is 0.
func readMoney(f map[string]string, r Row, col string) int64 {
	cents, _, err := domain.ParseMoney(r.Get(col))
	if err != nil {
		f[col] = fmt.Sprintf("%q is not an amount such as 100 or 99.50.", r.Get(col))
	}
	return cents
}

// writeMoney writes minor units as phpVMS's files have amounts: 100 for
// 100.00, 99.5 for 99.50.
func writeMoney(cents int64) string {
	s := domain.FormatMoney(cents)
	s = strings.TrimSuffix(s, ".00")
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(s, "0")
	}
	return s
}

func writeBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// CheckFare reads one row of a fares file.
func CheckFare(r Row) (domain.Fare, map[string]string) {
	f := map[string]string{}
	fare := domain.Fare{Code: r.Get("code"), Name: r.Get("name"), Notes: r.Get("notes"),
		Price: readMoney(f, r, "price"), Cost: readMoney(f, r, "cost"), Active: readBool(f, r, "active", true)}
	switch v := r.Get("type"); v {
	case "", "0":
		fare.Type = domain.FarePassenger
	case "1":
		fare.Type = domain.FareCargo
	default:
		f["type"] = fmt.Sprintf("%q is not a fare type: 0 for passengers, 1 for cargo.", v)
	}
	if v := r.Get("capacity"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 {
			f["capacity"] = fmt.Sprintf("%q is not a capacity: a whole number of 0 or more.", v)
		}
		fare.Capacity = int32(n)
	}
	fieldsToColumns(f, fare.Validate(), nil)
	if len(f) > 0 {
		return domain.Fare{}, f
	}
	return fare, nil
}

// FareRow writes a fare as a row of FareColumns.
func FareRow(x domain.Fare) []string {
	return []string{x.Code, x.Name, strconv.Itoa(int(x.Type)), writeMoney(x.Price), writeMoney(x.Cost),
		strconv.Itoa(int(x.Capacity)), x.Notes, writeBool(x.Active)}
}

// ExpenseColumns are the columns of phpVMS 7's expenses file
// (app/Services/ImportExport/ExpenseImporter.php), in its order.
//
// An expense is known by its name and what it belongs to (ref_model and
// ref_model_id): phpVMS's file carries no id, and one name (Catering) can
// be an expense of several subfleets, so the name alone would merge them.
// airline is empty for an expense of the whole airline or the airline's
// own ICAO code (another airline's is refused: the file goes into the
// airline it is uploaded to). type is F (per flight), D (daily) or M
// (monthly); flight_type, ref_model and ref_model_id are kept as written
// for the finances to come; an empty active is 1, an empty charge_to_user
// or multiplier 0.
var ExpenseColumns = []Column{
	{Name: "airline"}, {Name: "name", Required: true}, {Name: "amount", Required: true}, {Name: "type", Required: true},
	{Name: "flight_type"}, {Name: "charge_to_user"}, {Name: "multiplier"}, {Name: "active"},
	{Name: "ref_model"}, {Name: "ref_model_id"},
}

// CheckExpense reads one row of an expenses file for the airline of ICAO
// code airlineICAO.
func CheckExpense(airlineICAO string, r Row) (domain.Expense, map[string]string) {
	f := map[string]string{}
	x := domain.Expense{Airline: strings.ToUpper(r.Get("airline")), Name: r.Get("name"), Amount: readMoney(f, r, "amount"),
		Type: strings.ToUpper(r.Get("type")), FlightType: r.Get("flight_type"),
		ChargeToUser: readBool(f, r, "charge_to_user", false), Multiplier: readBool(f, r, "multiplier", false),
		Active: readBool(f, r, "active", true), RefModel: r.Get("ref_model"), RefModelID: r.Get("ref_model_id")}
	if x.Airline != "" && airlineICAO != "" && x.Airline != airlineICAO {
		f["airline"] = fmt.Sprintf("%q is not this airline (%s): leave it empty, or write %s.", r.Get("airline"), airlineICAO, airlineICAO)
	}
	fieldsToColumns(f, x.Validate(), nil)
	if len(f) > 0 {
		return domain.Expense{}, f
	}
	return x, nil
}

// ExpenseKey names an expense in a file: two rows with one are a problem.
func ExpenseKey(x domain.Expense) string {
	if x.RefModel == "" {
		return x.Name
	}
	return x.Name + " of " + x.RefModel + " " + x.RefModelID
}

// ExpenseRow writes an expense as a row of ExpenseColumns.
func ExpenseRow(x domain.Expense) []string {
	return []string{x.Airline, x.Name, writeMoney(x.Amount), x.Type, x.FlightType, writeBool(x.ChargeToUser),
		writeBool(x.Multiplier), writeBool(x.Active), x.RefModel, x.RefModelID}
}
