package reads_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

func TestAMissIsNotFound(t *testing.T) {
	q := reads.New(memory.New())
	_, err := q.GetAirlineBySlug(context.Background(), "nobody")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("missing airline: %v, want not found", err)
	}
	_, err = q.GetCheckpoint(context.Background(), "nothing")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("missing checkpoint: %v, want not found", err)
	}
}

// TestEveryOneRowQueryIsTranslated calls every Get query of the Querier on
// an empty read model, so a Get query that sqlc gains without an override
// here fails: its miss would still be pgx.ErrNoRows.
func TestEveryOneRowQueryIsTranslated(t *testing.T) {
	q := reflect.ValueOf(reads.New(memory.New()))
	iface := reflect.TypeOf((*readmodel.Querier)(nil)).Elem()
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		if !strings.HasPrefix(m.Name, "Get") {
			continue
		}
		method := q.MethodByName(m.Name)
		args := []reflect.Value{reflect.ValueOf(context.Background())}
		for a := 1; a < method.Type().NumIn(); a++ {
			args = append(args, reflect.Zero(method.Type().In(a)))
		}
		out := method.Call(args)
		err, _ := out[len(out)-1].Interface().(error)
		if domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("%s on an empty read model: %v, want a not-found domain error", m.Name, err)
		}
	}
}
