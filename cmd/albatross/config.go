package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/store/relay"
	"github.com/albatross-va/albatross/views"
)

// config is every setting of the albatross binary. Each has a flag and an
// environment variable; a flag wins over the variable.
type config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string
	RedisURL        string
	LogLevel        slog.Level
	LogFormat       string
	SecureCookies   bool
	TrustedProxies  []*net.IPNet
	RunProjector    bool
	ShutdownTimeout time.Duration
	ReadyMaxLag     time.Duration
	WaitBound       time.Duration
	Heartbeat       time.Duration
	DebugAddr       string         // the profiler's own listener; empty for none
	MapTiles        views.MapTiles // the tile server under the maps; zero for none
	SimbriefURL     string         // SimBrief's base URL (a local server in tests)
	SMTP            mail.Settings  // zero: no email is sent
	PublicURL       string         // the site's address, for the links in emails and webhook messages
	AMQPURL         string         // RabbitMQ, where the relay publishes the log; empty for none
	AMQPExchange    string         // the relay's topic exchange
	RunRelay        bool           // run the relay inside serve
	// WebhookAllowPrivate lets webhooks post to loopback, private and
	// link-local addresses (tests, receivers on the operator's network).
	WebhookAllowPrivate bool
	// MetricsAddr is /metrics' own listener; empty for none. When it is
	// the default (MetricsDefault), a busy port is a warning, not a
	// failed start: a second server on one machine still starts.
	MetricsAddr    string
	MetricsDefault bool
}

// setting describes one configuration value for flags, environment and the
// README's table (`albatross help` prints the same).
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"addr", "ALBATROSS_ADDR", ":8080", "address to listen on (host:port; port 0 picks a free one)"},
	{"data-dir", "ALBATROSS_DATA_DIR", "./albatross-data", "folder of the embedded mode's event log (SQLite)"},
	{"database-url", "DATABASE_URL", "", "PostgreSQL URL; empty runs the embedded mode"},
	{"redis-url", "REDIS_URL", "", "Redis URL for change notices across processes; empty keeps them in-process"},
	{"log-level", "ALBATROSS_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "ALBATROSS_LOG_FORMAT", "text", "text or json"},
	{"secure-cookies", "ALBATROSS_SECURE_COOKIES", "false", "mark cookies Secure (set when served over TLS or behind a TLS proxy)"},
	{"trusted-proxies", "ALBATROSS_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (the client address for throttling and logs)"},
	{"projector", "ALBATROSS_PROJECTOR", "true", "run the projector in this process (false for web-only processes)"},
	{"shutdown-timeout", "ALBATROSS_SHUTDOWN_TIMEOUT", "10s", "how long a shutdown waits for in-flight requests"},
	{"ready-max-lag", "ALBATROSS_READY_MAX_LAG", "2s", "/readyz fails when projections cannot catch up with the log within this"},
	{"wait-bound", "ALBATROSS_WAIT_BOUND", "2s", "how long a command waits for its change to reach the read models"},
	{"sse-heartbeat", "ALBATROSS_SSE_HEARTBEAT", "15s", "interval of keep-alive comments on live-update streams"},
	{"metrics-addr", "ALBATROSS_METRICS_ADDR", defaultMetricsAddr, "address of a separate listener for Prometheus's /metrics (host:port); off for none; it has no login: keep it on loopback or a private network"},
	{"debug-addr", "ALBATROSS_DEBUG_ADDR", "", "address of a separate listener for Go's profiler (/debug/pprof/); empty for none; keep it on loopback"},
	{"map-tile-url", "ALBATROSS_MAP_TILE_URL", "", "tile server the maps draw under the aircraft, an http or https URL with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty draws only the built-in world basemap"},
	{"map-tile-attribution", "ALBATROSS_MAP_TILE_ATTRIBUTION", "", "credit the tile server's terms ask the maps to show; empty is \"© OpenStreetMap contributors\" for openstreetmap.org, required for other servers"},
	{"simbrief-url", "ALBATROSS_SIMBRIEF_URL", "https://www.simbrief.com", "SimBrief's base URL: its dispatch page and the OFP fetches (a local server in tests)"},
	{"smtp-host", "ALBATROSS_SMTP_HOST", "", "SMTP server that sends the emails; empty sends none and the pages offer no email feature"},
	{"smtp-port", "ALBATROSS_SMTP_PORT", "", "SMTP server's port; empty is 587 (starttls), 465 (tls) or 25 (none)"},
	{"smtp-user", "ALBATROSS_SMTP_USER", "", "SMTP login; empty sends without one"},
	{"smtp-password", "ALBATROSS_SMTP_PASSWORD", "", "SMTP password (better in the environment than on the command line)"},
	{"smtp-tls", "ALBATROSS_SMTP_TLS", "starttls", "none, starttls or tls"},
	{"smtp-from", "ALBATROSS_SMTP_FROM", "", "the address emails are sent from; the airline's name is the sender's name"},
	{"public-url", "ALBATROSS_PUBLIC_URL", "", "the site's address as people open it (https://va.example.com), for the links in emails (required with ALBATROSS_SMTP_HOST) and in webhook messages (empty: they carry none)"},
	{"amqp-url", "ALBATROSS_AMQP_URL", "", "RabbitMQ URL (amqp://user:password@host:5672/vhost) that `albatross relay` publishes every event to"},
	{"amqp-exchange", "ALBATROSS_AMQP_EXCHANGE", relay.DefaultExchange, "the durable topic exchange the relay publishes to (routing key {airline slug}.{event type})"},
	{"relay", "ALBATROSS_RELAY", "false", "run the RabbitMQ relay inside serve (needs --amqp-url); one relay is active per deployment"},
	{"webhook-allow-private", "ALBATROSS_WEBHOOK_ALLOW_PRIVATE", "false", "let webhooks post to loopback, private and link-local addresses (tests, receivers on your own network)"},
}

// parseConfig reads flags from args over environment variables over defaults
// and validates every value, naming the flag or variable that is wrong.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		// The default shown in usage is the static one: an environment
		// value may hold a password (DATABASE_URL) and usage goes to stderr.
		vals[s.flag] = fs.String(s.flag, s.def, s.usage+" (env "+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return config{}, nil, err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	for _, s := range settings {
		if v := getenv(s.env); v != "" && !onCommandLine[s.flag] {
			*vals[s.flag] = v
		}
	}
	var c config
	var errs []error
	source := func(flagName string) string {
		for _, s := range settings {
			if s.flag == flagName && !onCommandLine[flagName] {
				return s.env
			}
		}
		return "--" + flagName
	}
	get := func(f string) string { return strings.TrimSpace(*vals[f]) }
	dur := func(f string) time.Duration {
		d, err := time.ParseDuration(get(f))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a positive duration such as 10s", source(f), get(f)))
		}
		return d
	}
	boolean := func(f string) bool {
		b, err := strconv.ParseBool(get(f))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", source(f), get(f)))
		}
		return b
	}
	c.Addr = get("addr")
	c.DataDir = get("data-dir")
	c.DatabaseURL = get("database-url")
	c.RedisURL = get("redis-url")
	if err := c.LogLevel.UnmarshalText([]byte(get("log-level"))); err != nil {
		errs = append(errs, fmt.Errorf("%s: %q is not debug, info, warn or error", source("log-level"), get("log-level")))
	}
	c.LogFormat = get("log-format")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("%s: %q is not text or json", source("log-format"), c.LogFormat))
	}
	c.SecureCookies = boolean("secure-cookies")
	c.RunProjector = boolean("projector")
	for _, cidr := range strings.Split(get("trusted-proxies"), ",") {
		if cidr = strings.TrimSpace(cidr); cidr == "" {
			continue
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a CIDR such as 10.0.0.0/8", source("trusted-proxies"), cidr))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	c.ShutdownTimeout = dur("shutdown-timeout")
	c.ReadyMaxLag = dur("ready-max-lag")
	c.WaitBound = dur("wait-bound")
	c.Heartbeat = dur("sse-heartbeat")
	c.DebugAddr = get("debug-addr")
	c.MetricsAddr, c.MetricsDefault = get("metrics-addr"), get("metrics-addr") == defaultMetricsAddr
	if strings.EqualFold(c.MetricsAddr, "off") {
		c.MetricsAddr = ""
	}
	if c.MetricsAddr != "" {
		if err := checkListenAddr(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q %s", source("metrics-addr"), c.MetricsAddr, err))
		} else if !c.MetricsDefault && (sameListener(c.MetricsAddr, c.Addr) || sameListener(c.MetricsAddr, c.DebugAddr)) {
			errs = append(errs, fmt.Errorf("%s: %q is the address of another listener (%s or %s): /metrics has a listener of its own", source("metrics-addr"), c.MetricsAddr, source("addr"), source("debug-addr")))
		}
	}
	var tileErrs []error
	c.MapTiles, tileErrs = mapTiles(get("map-tile-url"), source("map-tile-url"), get("map-tile-attribution"), source("map-tile-attribution"))
	errs = append(errs, tileErrs...)
	c.SimbriefURL = strings.TrimRight(get("simbrief-url"), "/")
	if u, err := url.Parse(c.SimbriefURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("%s: %q is not an http or https URL", source("simbrief-url"), c.SimbriefURL))
	}
	var smtpErrs []error
	c.SMTP, smtpErrs = mail.ParseSettings(get("smtp-host"), get("smtp-port"), get("smtp-user"), *vals["smtp-password"],
		get("smtp-tls"), get("smtp-from"), source)
	errs = append(errs, smtpErrs...)
	c.PublicURL = strings.TrimRight(get("public-url"), "/")
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not an http or https URL such as https://va.example.com", source("public-url"), c.PublicURL))
		}
	} else if c.SMTP.Enabled() {
		errs = append(errs, fmt.Errorf("%s is empty: emails need the site's address for their links (with %s set)", source("public-url"), source("smtp-host")))
	}
	c.AMQPURL = get("amqp-url")
	c.AMQPExchange = get("amqp-exchange")
	c.RunRelay = boolean("relay")
	if c.AMQPURL != "" {
		if err := relay.CheckURL(c.AMQPURL); err != nil { // never quoted: it holds a password
			errs = append(errs, fmt.Errorf("%s: %w", source("amqp-url"), err))
		}
	}
	if !exchangeName.MatchString(c.AMQPExchange) || strings.HasPrefix(c.AMQPExchange, "amq.") {
		errs = append(errs, fmt.Errorf("%s: %q is not an exchange of its own (1 to 255 letters, digits, '-', '_', '.' or ':', not starting with amq.)", source("amqp-exchange"), c.AMQPExchange))
	}
	if c.RunRelay && c.AMQPURL == "" {
		errs = append(errs, fmt.Errorf("%s is true without %s: the relay needs RabbitMQ's URL", source("relay"), source("amqp-url")))
	}
	c.WebhookAllowPrivate = boolean("webhook-allow-private")
	if c.Addr == "" {
		errs = append(errs, fmt.Errorf("%s: empty listen address", source("addr")))
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, fmt.Errorf("%s: empty data folder", source("data-dir")))
	}
	if c.DatabaseURL == "" && c.RedisURL != "" {
		errs = append(errs, errors.New("REDIS_URL is set without DATABASE_URL: Redis carries notices between processes that share one PostgreSQL database"))
	}
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return config{}, nil, errors.New(strings.Join(msgs, "; "))
	}
	return c, fs.Args(), nil
}

// defaultMetricsAddr is /metrics' listener unless set: loopback, since
// it has no login; a scraper on another machine needs it set.
const defaultMetricsAddr = "127.0.0.1:9090"

// checkListenAddr says what is wrong with a host:port to listen on.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("is not host:port such as 127.0.0.1:9090 or :9090 (or off)")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("has no port number from 0 to 65535")
	}
	return nil
}

// sameListener says whether two listen addresses are one port on one
// host (port 0 picks a free port each time: never the same).
func sameListener(a, b string) bool {
	ah, ap, err1 := net.SplitHostPort(a)
	bh, bp, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil || ap != bp || ap == "0" {
		return false
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ah == bh || wildcard(ah) || wildcard(bh)
}

// exchangeName is what RabbitMQ accepts as an exchange's name; the prefix
// "amq." is reserved besides.
var exchangeName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,255}$`)

// newLogger builds the process logger from the configuration.
func newLogger(c config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// The credit OpenStreetMap's tile servers ask for, and where it links.
const (
	osmAttribution    = "© OpenStreetMap contributors"
	osmAttributionURL = "https://www.openstreetmap.org/copyright"
)

// maxAttribution bounds the tile credit, a line in a corner of the map.
const maxAttribution = 200

// tilePlaceholder finds the {name} parts of a tile URL.
var tilePlaceholder = regexp.MustCompile(`\{[^{}]*\}`)

// mapTiles checks the tile server settings: a template that is an http or
// https URL with {z}, {x} and {y} (and no other placeholder, such as a
// {s} for subdomains, which would be sent as it is), and the credit to
// show, which OpenStreetMap's servers get by default and any other must
// be given. urlSrc and creditSrc name the settings in messages.
func mapTiles(template, urlSrc, credit, creditSrc string) (views.MapTiles, []error) {
	if template == "" {
		if credit != "" {
			return views.MapTiles{}, []error{fmt.Errorf("%s is set without %s: the credit is shown under a tile server's tiles", creditSrc, urlSrc)}
		}
		return views.MapTiles{}, nil
	}
	const example = "such as https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	var errs []error
	_, rest, _ := strings.Cut(template, "://")
	authority, _, _ := strings.Cut(rest, "/")
	shown := template // without a password in it
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		shown = strings.Replace(template, authority[:at+1], "…@", 1)
	}
	for _, p := range tilePlaceholder.FindAllString(template, -1) {
		if p != "{z}" && p != "{x}" && p != "{y}" {
			errs = append(errs, fmt.Errorf("%s: %q has %s, which Albatross does not fill in: only {z}, {x} and {y}, %s", urlSrc, shown, p, example))
		}
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(template, p) {
			errs = append(errs, fmt.Errorf("%s: %q has no %s: a tile's URL needs {z}, {x} and {y}, %s", urlSrc, shown, p, example))
		}
	}
	// The placeholders are filled in where a URL may have digits.
	u, err := url.Parse(tilePlaceholder.ReplaceAllString(template, "0"))
	switch {
	case strings.ContainsAny(authority, "{}"):
		errs = append(errs, fmt.Errorf("%s: %q has a placeholder in its host: name one server, %s", urlSrc, shown, example))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, fmt.Errorf("%s: %q is not an http or https URL %s", urlSrc, shown, example))
	case u.User != nil: // not quoted: it holds a password
		errs = append(errs, fmt.Errorf("%s: the URL has a user name or password, which every browser would be sent", urlSrc))
	}
	if len(errs) > 0 {
		return views.MapTiles{}, errs
	}
	t := views.MapTiles{URL: template, Attribution: credit}
	host := strings.ToLower(u.Hostname())
	switch {
	case credit == "" && (host == "openstreetmap.org" || strings.HasSuffix(host, ".openstreetmap.org")):
		t.Attribution, t.AttributionURL = osmAttribution, osmAttributionURL
	case credit == "":
		errs = append(errs, fmt.Errorf("%s: empty with a tile server other than openstreetmap.org (%s): set the credit its terms ask maps to show", creditSrc, host))
	case !utf8.ValidString(credit) || strings.IndexFunc(credit, unicode.IsControl) >= 0:
		errs = append(errs, fmt.Errorf("%s: has a character that is not text", creditSrc))
	case utf8.RuneCountInString(credit) > maxAttribution:
		errs = append(errs, fmt.Errorf("%s: longer than %d characters", creditSrc, maxAttribution))
	}
	if len(errs) > 0 {
		return views.MapTiles{}, errs
	}
	return t, nil
}
