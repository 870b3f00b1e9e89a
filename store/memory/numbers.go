package memory

import (
	"github.com/google/uuid"
)

// numbers is one table's small integer numbers (airlines platform-wide,
// subfleets and aircraft per airline), which phpVMS's API names rows by:
// the unique index on (tenant_id, number), and each tenant's highest
// number, which the next insert goes past as the sqlc upserts'
// max(number) + 1 does. The rows carry their numbers; the put and drop of
// a table keep ids from them, and an insert moves last on with an undo
// that moves it back. Airlines are one group, "".
type numbers struct {
	ids  map[numberKey]uuid.UUID
	last map[string]int32
}

type numberKey struct {
	tenant string
	number int32
}

func newNumbers() *numbers {
	return &numbers{ids: map[numberKey]uuid.UUID{}, last: map[string]int32{}}
}

// next is the number of tenant's next insert, and the undo that gives it
// back when the insert is taken back.
func (n *numbers) next(tenant string) (int32, func()) {
	prev, had := n.last[tenant]
	n.last[tenant] = prev + 1
	return prev + 1, func() {
		if had {
			n.last[tenant] = prev
		} else {
			delete(n.last, tenant)
		}
	}
}

func (n *numbers) put(tenant string, number int32, id uuid.UUID) {
	n.ids[numberKey{tenant, number}] = id
}

func (n *numbers) drop(tenant string, number int32) {
	delete(n.ids, numberKey{tenant, number})
}

// find is the id of the row with tenant's number.
func (n *numbers) find(tenant string, number int32) (uuid.UUID, bool) {
	id, ok := n.ids[numberKey{tenant, number}]
	return id, ok
}
