package memory

import (
	"github.com/google/btree"
)

// sortedRows keeps copies of one table's rows grouped by a key (an
// airline, or an airline's user) and sorted in a list query's ORDER BY,
// like a PostgreSQL index on (tenant_id, ...order...): the writes that
// change the table put and remove rows here too, each in O(log n), so a
// list reads its own group's rows already in order and never walks
// other airlines' rows or sorts.
//
// less must compare the ORDER BY's columns ending with the row's unique
// id, so two rows compare equal only when they are the same row; remove
// then finds a row by its old copy.
type sortedRows[K comparable, T any] struct {
	less  btree.LessFunc[*T]
	trees map[K]*btree.BTreeG[*T]
}

func newSortedRows[K comparable, T any](less func(a, b *T) bool) *sortedRows[K, T] {
	return &sortedRows[K, T]{less: less, trees: map[K]*btree.BTreeG[*T]{}}
}

// empty is a new, empty index with the same order, for a DeleteAll.
func (s *sortedRows[K, T]) empty() *sortedRows[K, T] { return newSortedRows[K](s.less) }

// put adds row (a copy of it) to k's group, replacing the same row.
func (s *sortedRows[K, T]) put(k K, row T) {
	t := s.trees[k]
	if t == nil {
		t = btree.NewG(orderDegree, s.less)
		s.trees[k] = t
	}
	t.ReplaceOrInsert(&row)
}

// remove drops row, found by its ORDER BY columns, from k's group.
func (s *sortedRows[K, T]) remove(k K, row T) {
	t := s.trees[k]
	if t == nil {
		return
	}
	t.Delete(&row)
	if t.Len() == 0 {
		delete(s.trees, k)
	}
}

// list returns k's rows in order, each through out (which may copy what a
// caller must not share), nil for none, and counts the rows it read.
func (s *sortedRows[K, T]) list(st *state, k K, out func(T) T) []T {
	t := s.trees[k]
	if t == nil {
		return nil
	}
	rows := make([]T, 0, t.Len())
	t.Ascend(func(r *T) bool {
		rows = append(rows, out(*r))
		return true
	})
	st.visited(len(rows))
	return rows
}

// same hands a row out as it is stored: for rows without pointers.
func same[T any](r T) T { return r }
