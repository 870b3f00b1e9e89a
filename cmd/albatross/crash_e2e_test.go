package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childEnv makes the test binary run `albatross serve` instead of the
// tests: a server the test can kill -9, as a crash or the OOM killer would,
// which an in-process server cannot be.
const childEnv = "ALBATROSS_TEST_CHILD_SERVE"

func TestMain(m *testing.M) {
	if addr := os.Getenv(childEnv); addr != "" {
		if err := run(context.Background(), []string{"serve", "--addr", addr}, os.Getenv, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childServer is `albatross serve` in a process of its own.
type childServer struct {
	*testServer
	cmd *exec.Cmd
}

// startChild starts the server on addr with env and waits until it is
// ready; it is killed at cleanup if still running.
func startChild(t *testing.T, addr string, env map[string]string) *childServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// Its own metrics port, not the machine's 9090.
	cmd.Env = append(os.Environ(), childEnv+"="+addr, "ALBATROSS_METRICS_ADDR=127.0.0.1:0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	s := &childServer{testServer: &testServer{URL: "http://" + addr, out: &syncBuffer{}, logs: &syncBuffer{}}, cmd: cmd}
	cmd.Stdout, cmd.Stderr = s.out, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never became ready: %v\nlogs:\n%s", err, s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *childServer) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// apiCall is one request of an ACARS client that may meet a dead server:
// a transport error is an answer too (status 0).
func apiCall(base, key, method, path string, body any) (int, map[string]any) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, r)
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc
}

// crashPilot is one ACARS client's record of what the server acknowledged.
type crashPilot struct {
	key      string
	aircraft any
	tried    int               // prefiles sent
	prefiled []string          // PIREPs whose prefile was answered 200
	filed    map[string]bool   // PIREPs whose file was answered 200
	sent     map[string]string // flight number of each acknowledged PIREP
	flying   []string          // PIREPs in progress after the restart
}

// kill -9 of the embedded server while eight ACARS clients prefile and
// file flights and an import of a schedule runs: after the restart every
// write the server acknowledged is there, exactly once, and nothing it
// did not acknowledge is there twice.
func TestEmbeddedServerKilledUnderLoadKeepsEveryAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	env := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait}
	first := startChild(t, addr, env)
	platform := loginAsAdmin(t, first.testServer)
	airline := createAirline(t, platform, "Kestrel Virtual", "KSL", "kestrel")
	allowCharters(t, platform, airline)
	for _, kind := range []string{"airports", "subfleets"} {
		importSample(t, platform, airline, kind)
	}
	// One aircraft for each client, at EGLL.
	var fleet strings.Builder
	fleet.WriteString("subfleet,icao,airport_id,name,registration,status\n")
	for i := range 8 {
		fmt.Fprintf(&fleet, "A320-LHR,A320,EGLL,Kestrel %d,G-KSL%d,A\n", i, i)
	}
	waitJob(t, platform, uploadCSV(t, platform, airline, "aircraft", []byte(fleet.String())), "done")

	pilots := make([]*crashPilot, 8)
	for i := range pilots {
		p := &crashPilot{key: pilotWithKey(t, first.testServer, platform, airline, fmt.Sprintf("Kai Pilot %d", i), fmt.Sprintf("kai%d@kestrel.example", i)),
			filed: map[string]bool{}, sent: map[string]string{}}
		_, doc := apiCall(first.URL, p.key, http.MethodGet, "/api/user/fleet", nil)
		for _, sf := range doc["data"].([]any) {
			for _, ac := range sf.(map[string]any)["aircraft"].([]any) {
				if a := ac.(map[string]any); a["registration"] == fmt.Sprintf("G-KSL%d", i) {
					p.aircraft = a["id"]
				}
			}
		}
		if p.aircraft == nil {
			t.Fatalf("pilot %d's fleet has no G-KSL%d: %v", i, i, doc)
		}
		pilots[i] = p
	}
	_, doc := apiCall(first.URL, pilots[0].key, http.MethodGet, "/api/airlines", nil)
	airlineNumber := doc["data"].([]any)[0].(map[string]any)["id"]

	// A schedule of 4,000 flights, big enough to be applying when the
	// server dies.
	airports := []string{"EGLL", "LPPT", "KJFK", "EDDF", "LFPG", "LEMD", "EHAM", "LIRF", "EIDW"}
	var schedule strings.Builder
	schedule.WriteString("airline,flight_number,dpt_airport,arr_airport,distance,flight_time,flight_type,subfleets\n")
	for n := range 4000 {
		fmt.Fprintf(&schedule, "KSL,%d,%s,%s,500,90,J,A320-LHR\n", 1000+n, airports[n%len(airports)], airports[(n+1)%len(airports)])
	}

	// The load: each client flies flight after flight until the server is
	// gone; the import starts a moment in.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, p := range pilots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				from, to := "EGLL", "EDDF"
				if n%2 == 1 {
					from, to = to, from
				}
				number := fmt.Sprintf("%d%03d", i+1, n)
				p.tried++
				status, doc := apiCall(first.URL, p.key, http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": airlineNumber,
					"aircraft_id": p.aircraft, "flight_number": number, "dpt_airport_id": from, "arr_airport_id": to, "source_name": "KILL"})
				if status != http.StatusOK {
					if status == 0 {
						return
					}
					t.Errorf("pilot %d's prefile %s: %d %v", i, number, status, doc)
					return
				}
				id := doc["data"].(map[string]any)["id"].(string)
				p.prefiled = append(p.prefiled, id)
				p.sent[id] = number
				status, doc = apiCall(first.URL, p.key, http.MethodPost, "/api/pireps/"+id+"/file", map[string]any{"flight_time": 70,
					"distance": 352, "fuel_used": 2900, "landing_rate": -180})
				if status != http.StatusOK {
					if status == 0 {
						return
					}
					t.Errorf("pilot %d's file of %s: %d %v", i, id, status, doc)
					return
				}
				p.filed[id] = true
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	job := uploadCSV(t, platform, airline, "flights", []byte(schedule.String()))
	// Killed while the import applies its rows.
	var state string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, doc := platform.get(job)
		if state, _ = doc.Find(`[data-testid="import-job"]`).Attr("data-state"); state != "checking" {
			break
		}
	}
	if state == "refused" {
		_, doc := platform.get(job)
		t.Fatalf("the schedule was refused: %s", doc.Find(`[data-testid="problem"]`).First().Text())
	}
	time.Sleep(200 * time.Millisecond)
	// What the job's page said it had created is acknowledged too.
	_, jobPage := platform.get(job)
	var created int
	fmt.Sscan(strings.TrimSpace(jobPage.Find(`[data-testid="created"]`).Text()), &created)
	first.kill()
	close(stop)
	wg.Wait()
	acknowledged := 0
	for _, p := range pilots {
		acknowledged += len(p.filed)
	}
	if acknowledged == 0 {
		t.Fatal("no flight was filed before the kill: the load never ran")
	}
	t.Logf("killed with %d flights filed, %d more prefiled; the import was %s", acknowledged, func() (n int) {
		for _, p := range pilots {
			n += len(p.prefiled) - len(p.filed)
		}
		return n
	}(), state)

	// The restart replays the log: every acknowledged PIREP is there in
	// the state its last acknowledged write left it, and each pilot has no
	// PIREP beyond those they sent.
	second := startChild(t, addr, env)
	for i, p := range pilots {
		for _, id := range p.prefiled {
			status, doc := apiCall(second.URL, p.key, http.MethodGet, "/api/pireps/"+id, nil)
			if status != http.StatusOK {
				t.Errorf("pilot %d's acknowledged PIREP %s after the restart: %d %v", i, id, status, doc)
				continue
			}
			data := doc["data"].(map[string]any)
			if p.filed[id] && data["state"] == float64(0) {
				t.Errorf("pilot %d's PIREP %s was filed, and is in progress again after the restart", i, id)
			}
		}
		numbers := map[string]int{}
		for page := 1; ; page++ {
			status, doc := apiCall(second.URL, p.key, http.MethodGet, fmt.Sprintf("/api/user/pireps?page=%d", page), nil)
			if status != http.StatusOK {
				t.Fatalf("pilot %d's PIREPs after the restart, page %d: %d %v", i, page, status, doc)
			}
			for _, r := range doc["data"].([]any) {
				numbers[fmt.Sprint(r.(map[string]any)["flight_number"])]++
				if r.(map[string]any)["state"] == float64(0) {
					p.flying = append(p.flying, fmt.Sprint(r.(map[string]any)["id"]))
				}
			}
			if last, _ := doc["meta"].(map[string]any)["last_page"].(float64); float64(page) >= last {
				break
			}
		}
		for number, n := range numbers {
			if n > 1 {
				t.Errorf("pilot %d has flight %s %d times after the restart", i, number, n)
			}
		}
		if len(numbers) < len(p.prefiled) || len(numbers) > p.tried {
			t.Errorf("pilot %d has %d PIREPs after the restart: %d acknowledged, %d sent", i, len(numbers), len(p.prefiled), p.tried)
		}
	}

	// The schedule: what the import had applied is there once; no flight
	// number twice, none the file did not have.
	admin := newBrowser(t, second.testServer)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	resp, err := admin.client.Get(admin.base + "/airlines/" + airline + "/exports/flights")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export the flights after the restart: %v %v", err, resp)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) == 0 {
		t.Fatalf("the flights export: %v", err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		number := r[col["flight_number"]]
		if seen[number] {
			t.Errorf("flight %s is in the schedule twice after the restart", number)
		}
		seen[number] = true
		if !strings.Contains(schedule.String(), "KSL,"+number+","+r[col["dpt_airport"]]+","+r[col["arr_airport"]]+",") {
			t.Errorf("the schedule has flight %s %s-%s, which the file did not", number, r[col["dpt_airport"]], r[col["arr_airport"]])
		}
	}
	if len(seen) < created {
		t.Errorf("the schedule holds %d flights after the restart; the import's page said %d were created before the kill", len(seen), created)
	}
	t.Logf("the schedule holds %d of the file's 4000 flights after the restart (%d shown created before the kill)", len(seen), created)
	// The server works on after the crash: every pilot flies again, on
	// the aircraft the kill may have caught between a prefile's two
	// appends (its reservation written, its PIREP not).
	for i, p := range pilots {
		from := "EGLL"
		if p.tried%2 == 0 {
			from = "EDDF"
		}
		// The flight the kill interrupted (acknowledged or not) is
		// cancelled as its pilot would.
		for _, id := range p.flying {
			if status, doc := apiCall(second.URL, p.key, http.MethodDelete, "/api/pireps/"+id+"/cancel", nil); status != http.StatusOK {
				t.Errorf("pilot %d's cancel of %s after the restart: %d %v", i, id, status, doc)
			}
		}
		if status, doc := apiCall(second.URL, p.key, http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": airlineNumber,
			"aircraft_id": p.aircraft, "flight_number": "9999", "dpt_airport_id": from, "arr_airport_id": "LPPT", "source_name": "KILL"}); status != http.StatusOK {
			t.Errorf("pilot %d's prefile after the restart: %d %v", i, status, doc)
		}
	}
}
