package events_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
)

// FuzzDecode feeds arbitrary bytes to the decoder of every registered event
// type, as a log written by another binary or damaged on disk would. Decode
// must refuse or succeed without a panic; what it decodes must encode again
// and decode to the same message, and the domain's text check must be able
// to judge it.
func FuzzDecode(f *testing.F) {
	reg := events.NewRegistry()
	names := reg.Names()
	slices.Sort(names)
	index := func(name string) uint16 { return uint16(slices.Index(names, name)) }

	golden, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, file := range golden {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		name, payload, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
		data, err := hex.DecodeString(strings.TrimSpace(payload))
		if err != nil || !reg.Known(name) {
			f.Fatalf("%s: not a golden event", file)
		}
		f.Add(index(name), data)
		// The same payload under every other type: field numbers mean
		// something else there.
		f.Add(index(name)+1, data)
	}
	for i := range names {
		f.Add(uint16(i), []byte{})
		f.Add(uint16(i), []byte{0x0a, 0x03, 'a', 0x00, 'b'})   // field 1: "a\x00b"
		f.Add(uint16(i), []byte{0x0a, 0x01, 0xff})             // field 1: invalid UTF-8
		f.Add(uint16(i), []byte{0x0a, 0xff, 0xff, 0xff, 0x0f}) // a length far past the end
		f.Add(uint16(i), []byte{0x12, 0x02, 0x0a, 0x00})       // field 2: a nested message
		f.Add(uint16(i), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	}
	f.Fuzz(func(t *testing.T, typ uint16, data []byte) {
		name := names[int(typ)%len(names)]
		msg, err := reg.Decode(name, data)
		if err != nil {
			return
		}
		_ = domain.CheckEventText(msg)
		name2, again, err := reg.Encode(msg)
		if err != nil || name2 != name {
			t.Fatalf("%s decoded from %x but does not encode again: %v", name, data, err)
		}
		back, err := reg.Decode(name, again)
		if err != nil {
			t.Fatalf("%s re-encoded as %x does not decode: %v", name, again, err)
		}
		if !proto.Equal(msg, back) {
			t.Fatalf("%s: %v became %v after a round trip", name, msg, back)
		}
	})
}
