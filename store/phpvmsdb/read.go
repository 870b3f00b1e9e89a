// Package phpvmsdb reads a phpVMS 7 database (MySQL or MariaDB) into the
// plain rows domain/imports/phpvmsdb maps onto Albatross. phpVMS has
// almost no foreign keys, so nothing here assumes a link holds: the mapping
// reports orphans.
package phpvmsdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/albatross-va/albatross/domain/imports/phpvmsdb"
)

// DSN turns mysql://user:pass@host:port/db into the driver's DSN, read
// in UTC (phpVMS stores UTC) with times parsed.
func DSN(from string) (dsn, source string, err error) {
	u, err := url.Parse(from)
	if err != nil || u.Scheme != "mysql" || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return "", "", fmt.Errorf("--from: %q is not mysql://user:password@host:port/database", from)
	}
	c := mysql.NewConfig()
	c.User = u.User.Username()
	c.Passwd, _ = u.User.Password()
	c.Net, c.Addr = "tcp", u.Host
	if u.Port() == "" {
		c.Addr = u.Host + ":3306"
	}
	c.DBName = strings.Trim(u.Path, "/")
	c.ParseTime, c.Loc = true, time.UTC
	c.Params = map[string]string{"time_zone": "'+00:00'"}
	return c.FormatDSN(), c.Addr + "/" + c.DBName, nil
}

// Open connects to the database at a mysql:// address and checks it
// answers. source names the database for the importer's name-based ids.
func Open(ctx context.Context, from string) (db *sql.DB, source string, err error) {
	dsn, source, err := DSN(from)
	if err != nil {
		return nil, "", err
	}
	db, err = sql.Open("mysql", dsn)
	if err != nil {
		return nil, "", err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("connect to %s: %w", source, err)
	}
	return db, source, nil
}

var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_]*$`)

// reader runs the queries with the table prefix.
type reader struct {
	db     *sql.DB
	prefix string
}

func (r reader) query(ctx context.Context, table, q string, each func(rows *sql.Rows) error) error {
	q = strings.ReplaceAll(q, "{t}", "`"+r.prefix+table+"`")
	rows, err := r.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read %s%s: %w", r.prefix, table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return fmt.Errorf("read %s%s: %w", r.prefix, table, err)
		}
	}
	return rows.Err()
}

func at(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// Read reads every table the importer maps. Tables a database lacks are
// an error: the database is not phpVMS 7's.
func Read(ctx context.Context, db *sql.DB, prefix string) (*phpvmsdb.Data, error) {
	if !prefixPattern.MatchString(prefix) {
		return nil, fmt.Errorf("--prefix: %q is not a table prefix (letters, digits and _)", prefix)
	}
	r := reader{db: db, prefix: prefix}
	d := &phpvmsdb.Data{IDLength: 4}
	var del sql.NullTime
	var created, updated sql.NullTime
	steps := []func() error{
		func() error {
			return r.query(ctx, "settings", "SELECT `key`, `value` FROM {t} WHERE `key` IN ('pilots.id_length','pilots.id_code')", func(rows *sql.Rows) error {
				var k, v string
				if err := rows.Scan(&k, &v); err != nil {
					return err
				}
				if k == "pilots.id_length" {
					if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
						d.IDLength = n
					}
				} else {
					d.IDCode = strings.TrimSpace(v)
				}
				return nil
			})
		},
		func() error {
			return r.query(ctx, "airlines", "SELECT id, icao, COALESCE(iata,''), name, active, deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var a phpvmsdb.Airline
				if err := rows.Scan(&a.ID, &a.ICAO, &a.IATA, &a.Name, &a.Active, &del); err != nil {
					return err
				}
				a.Deleted = del.Valid
				d.Airlines = append(d.Airlines, a)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "airports", "SELECT id, COALESCE(iata,''), name, COALESCE(location,''), COALESCE(region,''), COALESCE(country,''), COALESCE(timezone,''), COALESCE(notes,''), hub, COALESCE(lat,0), COALESCE(lon,0), COALESCE(elevation,0), deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var a phpvmsdb.Airport
				if err := rows.Scan(&a.ICAO, &a.IATA, &a.Name, &a.Location, &a.Region, &a.Country, &a.Timezone, &a.Notes, &a.Hub, &a.Lat, &a.Lon, &a.Elevation, &del); err != nil {
					return err
				}
				a.Deleted = del.Valid
				d.Airports = append(d.Airports, a)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "ranks", "SELECT id, name, hours, COALESCE(auto_approve_acars,0), COALESCE(auto_approve_manual,0), COALESCE(auto_promote,1), created_at, deleted_at FROM {t} ORDER BY hours, id", func(rows *sql.Rows) error {
				var k phpvmsdb.Rank
				if err := rows.Scan(&k.ID, &k.Name, &k.Hours, &k.AutoApproveACARS, &k.AutoApproveManual, &k.AutoPromote, &created, &del); err != nil {
					return err
				}
				k.Created, k.Deleted = at(created), del.Valid
				d.Ranks = append(d.Ranks, k)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "subfleets", "SELECT id, COALESCE(airline_id,0), type, COALESCE(simbrief_type,''), name, COALESCE(hub_id,''), created_at, deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var s phpvmsdb.Subfleet
				if err := rows.Scan(&s.ID, &s.AirlineID, &s.Type, &s.SimbriefType, &s.Name, &s.HubID, &created, &del); err != nil {
					return err
				}
				s.Created, s.Deleted = at(created), del.Valid
				d.Subfleets = append(d.Subfleets, s)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "aircraft", "SELECT id, subfleet_id, COALESCE(icao,''), name, COALESCE(registration,''), COALESCE(airport_id,''), COALESCE(flight_time,0), status, created_at, deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var a phpvmsdb.Aircraft
				if err := rows.Scan(&a.ID, &a.SubfleetID, &a.ICAO, &a.Name, &a.Registration, &a.AirportID, &a.FlightTime, &a.Status, &created, &del); err != nil {
					return err
				}
				a.Created, a.Deleted = at(created), del.Valid
				d.Aircraft = append(d.Aircraft, a)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "flights", "SELECT id, airline_id, flight_number, COALESCE(callsign,''), COALESCE(route_code,''), COALESCE(route_leg,0), dpt_airport_id, arr_airport_id, COALESCE(alt_airport_id,''), COALESCE(dpt_time,''), COALESCE(arr_time,''), COALESCE(level,0), COALESCE(distance,0), COALESCE(flight_time,0), flight_type, COALESCE(route,''), COALESCE(notes,''), COALESCE(days,0), COALESCE(CAST(start_date AS CHAR),''), COALESCE(CAST(end_date AS CHAR),''), active, created_at, deleted_at FROM {t} ORDER BY created_at, id", func(rows *sql.Rows) error {
				var f phpvmsdb.Flight
				if err := rows.Scan(&f.ID, &f.AirlineID, &f.FlightNumber, &f.Callsign, &f.RouteCode, &f.RouteLeg, &f.Dpt, &f.Arr, &f.Alt, &f.DptTime, &f.ArrTime, &f.Level, &f.Distance, &f.FlightTime, &f.FlightType, &f.Route, &f.Notes, &f.Days, &f.StartDate, &f.EndDate, &f.Active, &created, &del); err != nil {
					return err
				}
				f.Created, f.Deleted = at(created), del.Valid
				d.Flights = append(d.Flights, f)
				return nil
			})
		},
		func() error {
			idx := map[string]int{}
			for i, f := range d.Flights {
				idx[strings.ToLower(f.ID)] = i
			}
			return r.query(ctx, "flight_subfleet", "SELECT flight_id, subfleet_id FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var fid string
				var sid int64
				if err := rows.Scan(&fid, &sid); err != nil {
					return err
				}
				if i, ok := idx[strings.ToLower(fid)]; ok {
					d.Flights[i].SubfleetIDs = append(d.Flights[i].SubfleetIDs, sid)
				}
				return nil
			})
		},
		func() error {
			idx := map[string]int{}
			for i, f := range d.Flights {
				idx[strings.ToLower(f.ID)] = i
			}
			return r.query(ctx, "flight_field_values", "SELECT flight_id, name, COALESCE(value,'') FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var fid, name, value string
				if err := rows.Scan(&fid, &name, &value); err != nil {
					return err
				}
				if i, ok := idx[strings.ToLower(fid)]; ok {
					d.Flights[i].Fields = append(d.Flights[i].Fields, [2]string{name, value})
				}
				return nil
			})
		},
		func() error {
			return r.query(ctx, "users", "SELECT id, COALESCE(pilot_id,0), airline_id, COALESCE(rank_id,0), COALESCE(name,''), email, password, COALESCE(api_key,''), COALESCE(country,''), COALESCE(home_airport_id,''), COALESCE(curr_airport_id,''), flights, COALESCE(flight_time,0), COALESCE(transfer_time,0), COALESCE(state,0), created_at, deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var u phpvmsdb.User
				if err := rows.Scan(&u.ID, &u.PilotID, &u.AirlineID, &u.RankID, &u.Name, &u.Email, &u.Password, &u.APIKey, &u.Country, &u.HomeAirport, &u.CurrAirport, &u.Flights, &u.FlightTime, &u.TransferTime, &u.State, &created, &del); err != nil {
					return err
				}
				u.Created, u.Deleted = at(created), del.Valid
				d.Users = append(d.Users, u)
				return nil
			})
		},
		func() error {
			admins := map[int64]bool{}
			err := r.query(ctx, "role_user", "SELECT user_id FROM {t}", func(rows *sql.Rows) error {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				admins[id] = true
				return nil
			})
			for i := range d.Users {
				d.Users[i].Admin = admins[d.Users[i].ID]
			}
			return err
		},
		func() error {
			return r.query(ctx, "pireps", "SELECT id, user_id, airline_id, COALESCE(aircraft_id,0), COALESCE(flight_id,''), COALESCE(flight_number,''), COALESCE(route_code,''), COALESCE(route_leg,''), flight_type, dpt_airport_id, arr_airport_id, COALESCE(alt_airport_id,''), COALESCE(level,0), COALESCE(distance,0), COALESCE(flight_time,0), COALESCE(fuel_used,0), COALESCE(landing_rate,0), COALESCE(route,''), COALESCE(notes,''), COALESCE(source,0), COALESCE(source_name,''), state, status, submitted_at, block_off_time, block_on_time, created_at, updated_at, deleted_at FROM {t} ORDER BY COALESCE(submitted_at, created_at), id", func(rows *sql.Rows) error {
				var p phpvmsdb.Pirep
				var leg string
				var sub, off, on sql.NullTime
				if err := rows.Scan(&p.ID, &p.UserID, &p.AirlineID, &p.AircraftID, &p.FlightID, &p.FlightNumber, &p.RouteCode, &leg, &p.FlightType, &p.Dpt, &p.Arr, &p.Alt, &p.Level, &p.Distance, &p.FlightTime, &p.FuelUsed, &p.LandingRate, &p.Route, &p.Notes, &p.Source, &p.SourceName, &p.State, &p.Status, &sub, &off, &on, &created, &updated, &del); err != nil {
					return err
				}
				p.RouteLeg, _ = strconv.ParseInt(strings.TrimSpace(leg), 10, 32)
				p.Submitted, p.BlockOff, p.BlockOn = at(sub), at(off), at(on)
				p.Created, p.Updated, p.Deleted = at(created), at(updated), del.Valid
				d.Pireps = append(d.Pireps, p)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "pirep_comments", "SELECT id, pirep_id, user_id, comment, created_at FROM {t} ORDER BY created_at, id", func(rows *sql.Rows) error {
				var c phpvmsdb.Comment
				if err := rows.Scan(&c.ID, &c.PirepID, &c.UserID, &c.Text, &created); err != nil {
					return err
				}
				c.Created = at(created)
				d.Comments = append(d.Comments, c)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "pirep_field_values", "SELECT pirep_id, name, COALESCE(value,'') FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var f phpvmsdb.PirepField
				if err := rows.Scan(&f.PirepID, &f.Name, &f.Value); err != nil {
					return err
				}
				d.Fields = append(d.Fields, f)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "news", "SELECT id, user_id, subject, body, created_at FROM {t} ORDER BY created_at, id", func(rows *sql.Rows) error {
				var n phpvmsdb.News
				if err := rows.Scan(&n.ID, &n.UserID, &n.Subject, &n.Body, &created); err != nil {
					return err
				}
				n.Created = at(created)
				d.News = append(d.News, n)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "awards", "SELECT id, name, COALESCE(description,''), COALESCE(ref_model,''), COALESCE(ref_model_params,''), COALESCE(active,1), created_at, deleted_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var a phpvmsdb.Award
				if err := rows.Scan(&a.ID, &a.Name, &a.Description, &a.RefModel, &a.RefParams, &a.Active, &created, &del); err != nil {
					return err
				}
				a.Created, a.Deleted = at(created), del.Valid
				d.Awards = append(d.Awards, a)
				return nil
			})
		},
		func() error {
			return r.query(ctx, "user_awards", "SELECT id, user_id, award_id, created_at FROM {t} ORDER BY id", func(rows *sql.Rows) error {
				var g phpvmsdb.UserAward
				if err := rows.Scan(&g.ID, &g.UserID, &g.AwardID, &created); err != nil {
					return err
				}
				g.Created = at(created)
				d.Granted = append(d.Granted, g)
				return nil
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}
