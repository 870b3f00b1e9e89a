// Command baseline is the load benchmark's baseline: a minimal echo and
// templ server that serves, at GET /p/:name, the bytes of the file name in
// -dir (a page Albatross rendered, fetched once by the bench) through a
// templ component, so a measured page's ratio to it is what Albatross does
// beyond rendering and sending that many bytes.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"
)

func main() {
	dir := flag.String("dir", "", "folder of the pages to serve, one file each")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	if err := run(*dir, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(dir, addr string) error {
	pages, err := readPages(dir)
	if err != nil {
		return err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/p/:name", func(c echo.Context) error {
		body, ok := pages[c.Param("name")]
		if !ok {
			return echo.ErrNotFound
		}
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
		c.Response().WriteHeader(http.StatusOK)
		return page(body).Render(c.Request().Context(), c.Response())
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The bench reads this line for the address, as it does albatross's.
	fmt.Printf("The baseline is running at http://%s (%d pages).\n", ln.Addr(), len(pages))
	e.Listener = ln
	return e.Start("")
}

// readPages loads every file of dir, by name.
func readPages(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	pages := map[string]string{}
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(dir, en.Name()))
		if err != nil {
			return nil, err
		}
		pages[en.Name()] = string(b)
	}
	return pages, nil
}
