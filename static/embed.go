// Package static embeds the built front-end assets (see `make assets`):
// the Tailwind stylesheet, htmx 2 and its SSE extension, and static/js/app.js.
package static

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built assets, rooted at the dist folder.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder exists
	}
	return sub
}
