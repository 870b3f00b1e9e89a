package memory

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// A snapshot is encoded from a copy of the state, not from the state
// itself, so that the projections wait only while the copy is taken and
// not while a million rows are encoded (47 to 157 s under load at 1M
// events when the encoder held them). The copy is deep where the state is
// changed in place and shared where it is not:
//   - strings, numbers, times and function values are copied as values;
//   - maps and slices get new ones (a flat map, whose keys and values hold
//     nothing changed in place, is copied with maps.Clone);
//   - pointers are followed and copied once each, so that what the state
//     shares the copy shares too, except rows the state never changes in
//     place (immutableRows), which the copy shares with the state;
//   - a google/btree tree is cloned with its copy-on-write (O(1): the two
//     trees share nodes until either writes), which the library allows to
//     be read while the other is written.
//
// The copier is compiled once per type by reflection, like the codec.

// immutableRows are the pointer types whose values the state never
// changes after storing them (a write stores a new row): the copy shares
// them.
var immutableRows = map[reflect.Type]bool{
	reflect.TypeFor[*readmodel.Pirep](): true,
}

// cloneFn makes the deep parts of dst (a value copy of src) its own.
type cloneFn func(c *cloner, dst, src unsafe.Pointer)

// cloner is one copy's memory of the pointers it copied.
type cloner struct {
	ptrs map[unsafe.Pointer]unsafe.Pointer
}

type cloneCompiler struct {
	fns  map[reflect.Type]*cloneFn // nil *cloneFn value: flat, nothing to do
	flat map[reflect.Type]bool
}

// cloneState returns a copy of st that later writes to st do not change.
// The caller holds the store's write lock.
var cloneState = sync.OnceValues(func() (func(st *state) *state, error) {
	c := &cloneCompiler{fns: map[reflect.Type]*cloneFn{}, flat: map[reflect.Type]bool{}}
	fn, err := c.compile(stateType)
	if err != nil {
		return nil, err
	}
	return func(st *state) *state {
		out := new(state)
		reflect.NewAt(stateType, unsafe.Pointer(out)).Elem().Set(reflect.NewAt(stateType, unsafe.Pointer(st)).Elem())
		if fn != nil {
			(*fn)(&cloner{ptrs: map[unsafe.Pointer]unsafe.Pointer{}}, unsafe.Pointer(out), unsafe.Pointer(st))
		}
		return out
	}, nil
})

// compile returns the copier of t, nil when a value copy is a deep copy.
func (c *cloneCompiler) compile(t reflect.Type) (*cloneFn, error) {
	if fn, ok := c.fns[t]; ok {
		return fn, nil
	}
	if c.flat[t] {
		return nil, nil
	}
	fn := new(cloneFn)
	c.fns[t] = fn // before the elements: a recursive type finds itself
	flat, err := c.build(t, fn)
	if err != nil {
		delete(c.fns, t)
		return nil, err
	}
	if flat {
		delete(c.fns, t)
		c.flat[t] = true
		return nil, nil
	}
	return fn, nil
}

func (c *cloneCompiler) build(t reflect.Type, fn *cloneFn) (flat bool, err error) {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Func:
		return true, nil
	case reflect.Array:
		el, err := c.compile(t.Elem())
		if err != nil || el == nil {
			return err == nil, err
		}
		n, size := t.Len(), t.Elem().Size()
		*fn = func(cl *cloner, dst, src unsafe.Pointer) {
			for i := range n {
				(*el)(cl, unsafe.Add(dst, uintptr(i)*size), unsafe.Add(src, uintptr(i)*size))
			}
		}
		return false, nil
	case reflect.Slice:
		el, err := c.compile(t.Elem())
		if err != nil {
			return false, err
		}
		size := t.Elem().Size()
		*fn = func(cl *cloner, dst, src unsafe.Pointer) {
			h := (*sliceHeader)(src)
			if h.data == nil {
				return
			}
			from := reflect.NewAt(t, src).Elem()
			s := reflect.MakeSlice(t, h.len, h.len)
			reflect.Copy(s, from)
			if el != nil {
				data := s.UnsafePointer()
				for i := range h.len {
					(*el)(cl, unsafe.Add(data, uintptr(i)*size), unsafe.Add(h.data, uintptr(i)*size))
				}
			}
			reflect.NewAt(t, dst).Elem().Set(s)
		}
		return false, nil
	case reflect.Map:
		return false, c.buildMap(t, fn)
	case reflect.Pointer:
		if immutableRows[t] {
			return true, nil
		}
		el, err := c.compile(t.Elem())
		if err != nil {
			return false, err
		}
		elem := t.Elem()
		*fn = func(cl *cloner, dst, src unsafe.Pointer) {
			ptr := *(*unsafe.Pointer)(src)
			if ptr == nil {
				return
			}
			if p, ok := cl.ptrs[ptr]; ok {
				*(*unsafe.Pointer)(dst) = p
				return
			}
			np := reflect.New(elem)
			np.Elem().Set(reflect.NewAt(elem, ptr).Elem())
			p := np.UnsafePointer()
			cl.ptrs[ptr] = p
			if el != nil {
				(*el)(cl, p, ptr)
			}
			*(*unsafe.Pointer)(dst) = p
		}
		return false, nil
	case reflect.Struct:
		return c.buildStruct(t, fn)
	}
	return false, fmt.Errorf("snapshot copy: cannot copy %s (%s)", t, t.Kind())
}

func (c *cloneCompiler) buildStruct(t reflect.Type, fn *cloneFn) (flat bool, err error) {
	switch {
	case t == timeType:
		return true, nil // its location is never changed
	case t == mutexType:
		*fn = func(_ *cloner, dst, _ unsafe.Pointer) { *(*sync.Mutex)(dst) = sync.Mutex{} }
		return false, nil
	case t == rwMutexType:
		*fn = func(_ *cloner, dst, _ unsafe.Pointer) { *(*sync.RWMutex)(dst) = sync.RWMutex{} }
		return false, nil
	case t.PkgPath() == btreePackage && strings.HasPrefix(t.Name(), "BTreeG["):
		return false, c.buildBTree(t, fn)
	}
	type field struct {
		off uintptr
		fn  *cloneFn
	}
	var fields []field
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Size() == 0 {
			continue
		}
		ff, err := c.compile(f.Type)
		if err != nil {
			return false, err
		}
		if ff != nil {
			fields = append(fields, field{f.Offset, ff})
		}
	}
	if len(fields) == 0 {
		return true, nil
	}
	*fn = func(cl *cloner, dst, src unsafe.Pointer) {
		for _, f := range fields {
			(*f.fn)(cl, unsafe.Add(dst, f.off), unsafe.Add(src, f.off))
		}
	}
	return false, nil
}

func (c *cloneCompiler) buildMap(t reflect.Type, fn *cloneFn) error {
	kf, err := c.compile(t.Key())
	if err != nil {
		return err
	}
	vf, err := c.compile(t.Elem())
	if err != nil {
		return err
	}
	if kf == nil && vf == nil {
		if fast := flatMapClones[t]; fast != nil {
			*fn = func(_ *cloner, dst, src unsafe.Pointer) { fast(dst, src) }
			return nil
		}
	}
	kt, vt := t.Key(), t.Elem()
	*fn = func(cl *cloner, dst, src unsafe.Pointer) {
		from := reflect.NewAt(t, src).Elem()
		if from.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(t, from.Len())
		k, v := reflect.New(kt).Elem(), reflect.New(vt).Elem()
		k2, v2 := reflect.New(kt).Elem(), reflect.New(vt).Elem()
		for it := from.MapRange(); it.Next(); {
			k.SetIterKey(it)
			v.SetIterValue(it)
			if kf == nil {
				k2 = k
			} else {
				k2.Set(k)
				(*kf)(cl, k2.Addr().UnsafePointer(), k.Addr().UnsafePointer())
			}
			if vf == nil {
				v2 = v
			} else {
				v2.Set(v)
				(*vf)(cl, v2.Addr().UnsafePointer(), v.Addr().UnsafePointer())
			}
			m.SetMapIndex(k2, v2)
		}
		reflect.NewAt(t, dst).Elem().Set(m)
	}
	return nil
}

// buildBTree clones a google/btree tree as its Clone method does (the two
// trees get copies of the copy-on-write context, so that each copies a
// node the other may still read before it writes there), without a call
// through reflect per tree.
func (c *cloneCompiler) buildBTree(t reflect.Type, fn *cloneFn) error {
	cowF, ok := t.FieldByName("cow")
	if !ok || cowF.Type.Kind() != reflect.Pointer {
		return fmt.Errorf("snapshot copy: %s has no cow field", t)
	}
	if _, ok := reflect.PointerTo(t).MethodByName("Clone"); !ok {
		return fmt.Errorf("snapshot copy: %s has no Clone", t)
	}
	cowT := cowF.Type.Elem()
	*fn = func(_ *cloner, dst, src unsafe.Pointer) {
		cow := *(*unsafe.Pointer)(unsafe.Add(src, cowF.Offset))
		if cow == nil {
			return // a zero tree: nothing shared
		}
		c1, c2 := reflect.New(cowT), reflect.New(cowT)
		c1.Elem().Set(reflect.NewAt(cowT, cow).Elem())
		c2.Elem().Set(reflect.NewAt(cowT, cow).Elem())
		*(*unsafe.Pointer)(unsafe.Add(src, cowF.Offset)) = c1.UnsafePointer()
		*(*unsafe.Pointer)(unsafe.Add(dst, cowF.Offset)) = c2.UnsafePointer()
	}
	return nil
}

func flatMapClone[K comparable, V any](dst, src unsafe.Pointer) {
	if m := *(*map[K]V)(src); m != nil {
		*(*map[K]V)(dst) = maps.Clone(m)
	}
}

// flatMapClones copy the biggest flat tables without reflect's cost per
// entry; another flat map is copied entry by entry.
var flatMapClones = map[reflect.Type]func(dst, src unsafe.Pointer){
	reflect.TypeFor[map[uuid.UUID]readmodel.Airline]():           flatMapClone[uuid.UUID, readmodel.Airline],
	reflect.TypeFor[map[uuid.UUID]readmodel.User]():              flatMapClone[uuid.UUID, readmodel.User],
	reflect.TypeFor[map[string]uuid.UUID]():                      flatMapClone[string, uuid.UUID],
	reflect.TypeFor[map[numberKey]uuid.UUID]():                   flatMapClone[numberKey, uuid.UUID],
	reflect.TypeFor[map[string]int32]():                          flatMapClone[string, int32],
	reflect.TypeFor[map[rowKey]*readmodel.Pirep]():               flatMapClone[rowKey, *readmodel.Pirep],
	reflect.TypeFor[map[uuid.UUID]readmodel.APIKey]():            flatMapClone[uuid.UUID, readmodel.APIKey],
	reflect.TypeFor[map[string]readmodel.AirlinePirepRule]():     flatMapClone[string, readmodel.AirlinePirepRule],
	reflect.TypeFor[map[string]readmodel.AirlineBidRule]():       flatMapClone[string, readmodel.AirlineBidRule],
	reflect.TypeFor[rowSet]():                                    flatMapClone[uuid.UUID, *readmodel.Pirep],
	reflect.TypeFor[map[string]readmodel.ProjectionCheckpoint](): flatMapClone[string, readmodel.ProjectionCheckpoint],
}
