package memory

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The snapshot codec writes the whole in-memory state, unexported fields
// and all, by reflection over its types: a field another change adds to
// the state is in the snapshot without anyone remembering to add it, and
// the state's type description (field names and types, recursively) goes
// into the snapshot's schema hash, so a snapshot of an older state shape
// is never read into a newer one. Codecs are compiled once per type into
// closures over unsafe pointers, which is several times faster than
// walking reflect.Values at every row.
//
// Three things are not plain data:
//   - Pointers keep their identity: a row shared by a map and an index
//     (the PIREPs) is written once and shared again after loading.
//   - A google/btree tree is written as its nodes' items; its ordering
//     function (code, not data) comes back from the tree the fresh state
//     already has at that place, else from the nearest enclosing struct's
//     function field of the same type (sortedRows.less), else from the
//     sites table (lessSites) for trees made on demand inside maps.
//   - Function fields are not written; the fresh state's are kept, and a
//     function the fresh state lacks fails the load (the start then
//     replays the whole log).

// snapCodec encodes and decodes one type at one site.
type snapCodec struct {
	enc func(e *snapEncoder, p unsafe.Pointer)
	dec func(d *snapDecoder, p unsafe.Pointer)
	min uint64 // the fewest bytes a value takes: a count of n values needs n*min bytes left
}

type codecKey struct {
	t    reflect.Type
	site string
}

type snapCompiler struct {
	codecs map[codecKey]*snapCodec
	descr  strings.Builder // the type description the schema hash covers
	seen   map[reflect.Type]bool
	sites  map[string]unsafe.Pointer // ordering functions of trees made on demand, by site
}

// snapEncoder appends the encoding to buf.
type snapEncoder struct {
	buf       []byte
	ptrs      map[unsafe.Pointer]uint64
	strs      map[strKey]uint32
	canonical bool // maps in key order and no pointer sharing: for comparing two states
}

// snapDecoder reads buf from off. A malformed input panics with a
// snapDecodeError, which decodeState recovers.
type snapDecoder struct {
	buf   []byte
	off   int
	ptrs  []unsafe.Pointer
	strs  []string
	funcs []funcCtx // the function fields of the structs being decoded, innermost last
	sites map[string]unsafe.Pointer
}

// strKey is a string's bytes by address: strings that share them.
type strKey struct {
	p *byte
	n int
}

type funcCtx struct {
	t reflect.Type
	f unsafe.Pointer
}

type snapDecodeError struct{ msg string }

func (d *snapDecoder) fail(format string, args ...any) {
	panic(snapDecodeError{fmt.Sprintf(format, args...)})
}

func (e *snapEncoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *snapEncoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (d *snapDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		d.fail("bad uvarint at %d", d.off)
	}
	d.off += n
	return v
}

func (d *snapDecoder) varint() int64 {
	v, n := binary.Varint(d.buf[d.off:])
	if n <= 0 {
		d.fail("bad varint at %d", d.off)
	}
	d.off += n
	return v
}

func (d *snapDecoder) take(n uint64) []byte {
	if n > uint64(len(d.buf)-d.off) {
		d.fail("length %d past the end at %d", n, d.off)
	}
	b := d.buf[d.off : d.off+int(n)]
	d.off += int(n)
	return b
}

// length reads a slice or map length no longer than what is left to read
// (every element takes a byte at least), so a damaged length cannot
// allocate gigabytes.
func (d *snapDecoder) length() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)-d.off) {
		d.fail("length %d past the end at %d", n, d.off)
	}
	return int(n)
}

// lengthOf is length (of n+1 for n values) for values that take min bytes
// each at least, so that what a length makes the decoder allocate stays in
// proportion to the bytes left (a row of 500 bytes in memory takes some 50
// in the file; without this a hostile length of a million, in a file of a
// million bytes, would ask for 500 MB).
func (d *snapDecoder) lengthOf(min uint64) int {
	n := d.length()
	if n > 1 && uint64(n-1)*min > uint64(len(d.buf)-d.off) {
		d.fail("%d values of %d bytes at least past the end at %d", n-1, min, d.off)
	}
	return n
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	mutexType    = reflect.TypeFor[sync.Mutex]()
	rwMutexType  = reflect.TypeFor[sync.RWMutex]()
	btreePackage = "github.com/google/btree"
)

func newSnapCompiler(sites map[string]unsafe.Pointer) *snapCompiler {
	return &snapCompiler{codecs: map[codecKey]*snapCodec{}, seen: map[reflect.Type]bool{}, sites: sites}
}

func (c *snapCompiler) describe(t reflect.Type) {
	if c.seen[t] {
		return
	}
	c.seen[t] = true
	fmt.Fprintf(&c.descr, "%s %s %d;", t.String(), t.Kind(), t.Size())
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(&c.descr, " %s %s@%d;", f.Name, f.Type.String(), f.Offset)
		}
	}
}

// compile returns the codec of t at site (the struct field, by its
// struct's name, that holds the value through any maps, slices and
// pointers).
func (c *snapCompiler) compile(t reflect.Type, site string) (*snapCodec, error) {
	k := codecKey{t, site}
	if cd, ok := c.codecs[k]; ok {
		return cd, nil
	}
	c.describe(t)
	cd := &snapCodec{}
	c.codecs[k] = cd // before the elements: a recursive type finds itself
	var err error
	switch t.Kind() {
	case reflect.Bool:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
			if *(*bool)(p) {
				e.buf = append(e.buf, 1)
			} else {
				e.buf = append(e.buf, 0)
			}
		}
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*bool)(p) = d.take(1)[0] != 0 }
	case reflect.Int:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.varint(int64(*(*int)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*int)(p) = int(d.varint()) }
	case reflect.Int8:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.varint(int64(*(*int8)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*int8)(p) = int8(d.varint()) }
	case reflect.Int16:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.varint(int64(*(*int16)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*int16)(p) = int16(d.varint()) }
	case reflect.Int32:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.varint(int64(*(*int32)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*int32)(p) = int32(d.varint()) }
	case reflect.Int64:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.varint(*(*int64)(p)) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*int64)(p) = d.varint() }
	case reflect.Uint:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*uint)(p) = uint(d.uvarint()) }
	case reflect.Uint8:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.buf = append(e.buf, *(*uint8)(p)) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*uint8)(p) = d.take(1)[0] }
	case reflect.Uint16:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint16)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*uint16)(p) = uint16(d.uvarint()) }
	case reflect.Uint32:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint32)(p))) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*uint32)(p) = uint32(d.uvarint()) }
	case reflect.Uint64, reflect.Uintptr:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.uvarint(*(*uint64)(p)) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { *(*uint64)(p) = d.uvarint() }
	case reflect.Float32:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
			e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(*(*float32)(p)))
		}
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
			*(*float32)(p) = math.Float32frombits(binary.LittleEndian.Uint32(d.take(4)))
		}
	case reflect.Float64:
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(*(*float64)(p)))
		}
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
			*(*float64)(p) = math.Float64frombits(binary.LittleEndian.Uint64(d.take(8)))
		}
	case reflect.String:
		// A string keeps its sharing too: a row's copies in a table and
		// its indexes share their strings, and so do the loaded ones
		// (0 empty, 1 and the bytes the first time, id+2 after).
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
			s := *(*string)(p)
			if len(s) == 0 {
				e.buf = append(e.buf, 0)
				return
			}
			if !e.canonical {
				k := strKey{unsafe.StringData(s), len(s)}
				if id, ok := e.strs[k]; ok {
					e.uvarint(uint64(id) + 2)
					return
				}
				e.strs[k] = uint32(len(e.strs))
			}
			e.buf = append(e.buf, 1)
			e.uvarint(uint64(len(s)))
			e.buf = append(e.buf, s...)
		}
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
			switch tag := d.uvarint(); tag {
			case 0:
				*(*string)(p) = ""
			case 1:
				s := string(d.take(d.uvarint()))
				d.strs = append(d.strs, s)
				*(*string)(p) = s
			default:
				id := tag - 2
				if id >= uint64(len(d.strs)) {
					d.fail("string %d before its value", id)
				}
				*(*string)(p) = d.strs[id]
			}
		}
	case reflect.Array:
		err = c.compileArray(cd, t, site)
	case reflect.Slice:
		err = c.compileSlice(cd, t, site)
	case reflect.Map:
		err = c.compileMap(cd, t, site)
	case reflect.Pointer:
		err = c.compilePointer(cd, t, site)
	case reflect.Struct:
		err = c.compileStruct(cd, t, site)
	default:
		err = fmt.Errorf("snapshot: cannot encode %s (%s) at %s", t, t.Kind(), site)
	}
	if err != nil {
		delete(c.codecs, k)
		return nil, err
	}
	if cd.min == 0 {
		cd.min = minSize(t)
	}
	return cd, nil
}

// minSize is the fewest bytes a value of t takes that no compile*
// function set: one for a number, a string, a slice, a map or a pointer
// (their tag or length), the fixed width of a float.
func minSize(t reflect.Type) uint64 {
	switch t.Kind() {
	case reflect.Float32:
		return 4
	case reflect.Float64:
		return 8
	}
	return 1
}

func (c *snapCompiler) compileArray(cd *snapCodec, t reflect.Type, site string) error {
	n, size := t.Len(), t.Elem().Size()
	if t.Elem().Kind() == reflect.Uint8 {
		cd.min = max(uint64(n), 1)
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) { e.buf = append(e.buf, unsafe.Slice((*byte)(p), n)...) }
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) { copy(unsafe.Slice((*byte)(p), n), d.take(uint64(n))) }
		return nil
	}
	el, err := c.compile(t.Elem(), site)
	if err != nil {
		return err
	}
	cd.min = max(uint64(n)*el.min, 1)
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		for i := range n {
			el.enc(e, unsafe.Add(p, uintptr(i)*size))
		}
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		for i := range n {
			el.dec(d, unsafe.Add(p, uintptr(i)*size))
		}
	}
	return nil
}

// sliceHeader is a slice's layout, to reach any slice's elements through
// an unsafe.Pointer.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func (c *snapCompiler) compileSlice(cd *snapCodec, t reflect.Type, site string) error {
	size := t.Elem().Size()
	if t.Elem().Kind() == reflect.Uint8 {
		cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
			b := *(*[]byte)(p)
			if b == nil {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(len(b)) + 1)
			e.buf = append(e.buf, b...)
		}
		cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
			n := d.uvarint()
			if n == 0 {
				*(*[]byte)(p) = nil
				return
			}
			*(*[]byte)(p) = bytes.Clone(d.take(n - 1))
			if n == 1 {
				*(*[]byte)(p) = []byte{}
			}
		}
		return nil
	}
	el, err := c.compile(t.Elem(), site)
	if err != nil {
		return err
	}
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		h := (*sliceHeader)(p)
		if h.data == nil {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(h.len) + 1)
		for i := range h.len {
			el.enc(e, unsafe.Add(h.data, uintptr(i)*size))
		}
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		n := d.lengthOf(el.min)
		if n == 0 {
			*(*sliceHeader)(p) = sliceHeader{}
			return
		}
		n--
		s := reflect.MakeSlice(t, n, n)
		data := s.UnsafePointer()
		reflect.NewAt(t, p).Elem().Set(s)
		for i := range n {
			el.dec(d, unsafe.Add(data, uintptr(i)*size))
		}
	}
	return nil
}

func (c *snapCompiler) compileMap(cd *snapCodec, t reflect.Type, site string) error {
	kc, err := c.compile(t.Key(), site)
	if err != nil {
		return err
	}
	vc, err := c.compile(t.Elem(), site)
	if err != nil {
		return err
	}
	if fast := fastMaps[t]; fast != nil {
		f := fast(kc, vc)
		cd.enc, cd.dec = f.enc, f.dec
		return nil
	}
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		m := reflect.NewAt(t, p).Elem()
		if m.IsNil() {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(m.Len()) + 1)
		k, v := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		kp, vp := k.Addr().UnsafePointer(), v.Addr().UnsafePointer()
		if !e.canonical {
			for it := m.MapRange(); it.Next(); {
				k.SetIterKey(it)
				v.SetIterValue(it)
				kc.enc(e, kp)
				vc.enc(e, vp)
			}
			return
		}
		type entry struct{ key, both []byte }
		entries := make([]entry, 0, m.Len())
		outer := e.buf
		for it := m.MapRange(); it.Next(); {
			k.SetIterKey(it)
			v.SetIterValue(it)
			e.buf = nil
			kc.enc(e, kp)
			n := len(e.buf)
			vc.enc(e, vp)
			entries = append(entries, entry{e.buf[:n], e.buf})
		}
		slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
		e.buf = outer
		for _, en := range entries {
			e.buf = append(e.buf, en.both...)
		}
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		n := d.lengthOf(kc.min + vc.min)
		dst := reflect.NewAt(t, p).Elem()
		if n == 0 {
			dst.SetZero()
			return
		}
		n--
		m := reflect.MakeMapWithSize(t, n)
		k, v := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		kp, vp := k.Addr().UnsafePointer(), v.Addr().UnsafePointer()
		for range n {
			k.SetZero()
			v.SetZero()
			kc.dec(d, kp)
			vc.dec(d, vp)
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	}
	return nil
}

// compilePointer writes 0 for nil, 1 and the value for a pointer met the
// first time, id+2 for one met before.
func (c *snapCompiler) compilePointer(cd *snapCodec, t reflect.Type, site string) error {
	el, err := c.compile(t.Elem(), site)
	if err != nil {
		return err
	}
	elem := t.Elem()
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		ptr := *(*unsafe.Pointer)(p)
		if ptr == nil {
			e.uvarint(0)
			return
		}
		if !e.canonical {
			if id, ok := e.ptrs[ptr]; ok {
				e.uvarint(id + 2)
				return
			}
			e.ptrs[ptr] = uint64(len(e.ptrs))
		}
		e.uvarint(1)
		el.enc(e, ptr)
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		tag := d.uvarint()
		switch {
		case tag == 0:
			*(*unsafe.Pointer)(p) = nil
		case tag == 1:
			ptr := *(*unsafe.Pointer)(p)
			if ptr == nil {
				ptr = reflect.New(elem).UnsafePointer()
			}
			// The fresh state's own value is decoded into, so that the
			// functions it holds stay.
			d.ptrs = append(d.ptrs, ptr)
			el.dec(d, ptr)
			*(*unsafe.Pointer)(p) = ptr
		default:
			id := tag - 2
			if id >= uint64(len(d.ptrs)) {
				d.fail("pointer %d before its value", id)
			}
			*(*unsafe.Pointer)(p) = d.ptrs[id]
		}
	}
	return nil
}

type fieldCodec struct {
	off   uintptr
	codec *snapCodec   // nil for a function field
	fn    reflect.Type // the function field's type
	name  string
}

func (c *snapCompiler) compileStruct(cd *snapCodec, t reflect.Type, site string) error {
	switch {
	case t == timeType:
		cd.enc, cd.dec = encodeTime, decodeTime
		cd.min = 3 // seconds, nanoseconds, zone
		return nil
	case t == mutexType || t == rwMutexType:
		// A lock is state of the process, not of the data: it starts free.
		cd.enc = func(*snapEncoder, unsafe.Pointer) {}
		cd.dec = func(*snapDecoder, unsafe.Pointer) {}
		return nil
	case t.PkgPath() == btreePackage && strings.HasPrefix(t.Name(), "BTreeG["):
		cd.min = 3 // degree, length, root
		return c.compileBTree(cd, t, site)
	}
	var fields []fieldCodec
	var size uint64
	hasFuncs := false
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Size() == 0 {
			continue
		}
		if f.Type.Kind() == reflect.Func {
			fields = append(fields, fieldCodec{off: f.Offset, fn: f.Type, name: f.Name})
			hasFuncs = true
			size++
			continue
		}
		fc, err := c.compile(f.Type, t.Name()+"."+f.Name)
		if err != nil {
			return err
		}
		if f.Type != mutexType && f.Type != rwMutexType {
			size += fc.min
		}
		fields = append(fields, fieldCodec{off: f.Offset, codec: fc, name: f.Name})
	}
	cd.min = max(size, 1)
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		for _, f := range fields {
			fp := unsafe.Add(p, f.off)
			if f.codec == nil {
				if *(*unsafe.Pointer)(fp) == nil {
					e.buf = append(e.buf, 0)
				} else {
					e.buf = append(e.buf, 1)
				}
				continue
			}
			f.codec.enc(e, fp)
		}
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		depth := len(d.funcs)
		for _, f := range fields {
			fp := unsafe.Add(p, f.off)
			if f.codec == nil {
				set := d.take(1)[0] != 0
				fnp := (*unsafe.Pointer)(fp)
				switch {
				case !set:
					*fnp = nil
				case *fnp == nil:
					d.fail("no function for %s.%s: the fresh state has none there", t.Name(), f.name)
				}
				if *fnp != nil {
					d.funcs = append(d.funcs, funcCtx{f.fn, *fnp})
				}
				continue
			}
			f.codec.dec(d, fp)
		}
		if hasFuncs {
			d.funcs = d.funcs[:depth]
		}
	}
	return nil
}

// encodeTime writes the instant and whether it is in time.Local (as the
// rows are), UTC, or a fixed zone; the monotonic reading is not data.
func encodeTime(e *snapEncoder, p unsafe.Pointer) {
	t := *(*time.Time)(p)
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	loc := *(**time.Location)(unsafe.Add(p, timeLocOffset))
	switch loc {
	case nil:
		e.buf = append(e.buf, 0)
	case time.Local:
		e.buf = append(e.buf, 1)
	default:
		name, off := t.Zone()
		e.buf = append(e.buf, 2)
		e.uvarint(uint64(len(name)))
		e.buf = append(e.buf, name...)
		e.varint(int64(off))
	}
}

func decodeTime(d *snapDecoder, p unsafe.Pointer) {
	sec := d.varint()
	nsec := d.uvarint()
	t := time.Unix(sec, int64(nsec))
	switch d.take(1)[0] {
	case 0:
		t = t.UTC()
	case 1:
		t = t.In(time.Local)
	case 2:
		name := string(d.take(d.uvarint()))
		t = t.In(time.FixedZone(name, int(d.varint())))
	default:
		d.fail("bad time zone tag")
	}
	*(*time.Time)(p) = t
}

var timeLocOffset = func() uintptr {
	f, ok := timeType.FieldByName("loc")
	if !ok || f.Type != reflect.TypeFor[*time.Location]() {
		panic("memory: time.Time has no loc field")
	}
	return f.Offset
}()

// compileBTree writes a google/btree tree as its degree, length and
// nodes (each node's items, then its children), and reads it back with
// the same shape, so that a loaded tree is the tree that was written;
// the copy-on-write context (the ordering function and the node free
// list) is made anew.
func (c *snapCompiler) compileBTree(cd *snapCodec, t reflect.Type, site string) error {
	field := func(st reflect.Type, name string) reflect.StructField {
		f, ok := st.FieldByName(name)
		if !ok {
			panic(fmt.Sprintf("memory: %s has no field %s", st, name))
		}
		return f
	}
	degree, length, root, cowF := field(t, "degree"), field(t, "length"), field(t, "root"), field(t, "cow")
	nodeT := root.Type.Elem()
	itemsF, childrenF, nodeCow := field(nodeT, "items"), field(nodeT, "children"), field(nodeT, "cow")
	cowT := cowF.Type.Elem()
	lessF, freelistF := field(cowT, "less"), field(cowT, "freelist")
	freelistT := freelistF.Type.Elem()
	itemT := itemsF.Type.Elem()
	itemSize := itemT.Size()
	c.describe(nodeT)
	c.describe(cowT)
	item, err := c.compile(itemT, site)
	if err != nil {
		return err
	}
	var encNode func(e *snapEncoder, n unsafe.Pointer)
	encNode = func(e *snapEncoder, n unsafe.Pointer) {
		if n == nil {
			e.uvarint(0)
			return
		}
		items := (*sliceHeader)(unsafe.Add(n, itemsF.Offset))
		e.uvarint(uint64(items.len) + 1)
		for i := range items.len {
			item.enc(e, unsafe.Add(items.data, uintptr(i)*itemSize))
		}
		children := (*sliceHeader)(unsafe.Add(n, childrenF.Offset))
		e.uvarint(uint64(children.len))
		for i := range children.len {
			encNode(e, *(*unsafe.Pointer)(unsafe.Add(children.data, uintptr(i)*unsafe.Sizeof(uintptr(0)))))
		}
	}
	// A tree read back must have the shape the library keeps (a sane
	// degree, no node over its size, every inner node one child more
	// than items, bounded height, as many items as its length says):
	// a damaged or hostile file could otherwise make a tree whose length
	// asks a read for gigabytes, or whose walk never ends.
	var decNode func(d *snapDecoder, cow unsafe.Pointer, degree, depth int, count *int) unsafe.Pointer
	decNode = func(d *snapDecoder, cow unsafe.Pointer, degree, depth int, count *int) unsafe.Pointer {
		n := d.lengthOf(item.min)
		if n == 0 {
			return nil
		}
		n--
		if n > 2*degree-1 {
			d.fail("a tree node of %d items, over the degree %d allows", n, degree)
		}
		if depth > maxTreeHeight {
			d.fail("a tree deeper than %d", maxTreeHeight)
		}
		*count += n
		node := reflect.New(nodeT).UnsafePointer()
		*(*unsafe.Pointer)(unsafe.Add(node, nodeCow.Offset)) = cow
		if n > 0 {
			s := reflect.MakeSlice(itemsF.Type, n, n)
			reflect.NewAt(itemsF.Type, unsafe.Add(node, itemsF.Offset)).Elem().Set(s)
			data := s.UnsafePointer()
			for i := range n {
				item.dec(d, unsafe.Add(data, uintptr(i)*itemSize))
			}
		}
		if nc := d.length(); nc > 0 {
			if nc != n+1 {
				d.fail("a tree node of %d items with %d children", n, nc)
			}
			s := reflect.MakeSlice(childrenF.Type, nc, nc)
			reflect.NewAt(childrenF.Type, unsafe.Add(node, childrenF.Offset)).Elem().Set(s)
			data := s.UnsafePointer()
			for i := range nc {
				child := decNode(d, cow, degree, depth+1, count)
				if child == nil {
					d.fail("a tree node with a missing child")
				}
				*(*unsafe.Pointer)(unsafe.Add(data, uintptr(i)*unsafe.Sizeof(uintptr(0)))) = child
			}
		}
		return node
	}
	lessT := lessF.Type
	cd.enc = func(e *snapEncoder, p unsafe.Pointer) {
		e.varint(int64(*(*int)(unsafe.Add(p, degree.Offset))))
		e.varint(int64(*(*int)(unsafe.Add(p, length.Offset))))
		encNode(e, *(*unsafe.Pointer)(unsafe.Add(p, root.Offset)))
	}
	cd.dec = func(d *snapDecoder, p unsafe.Pointer) {
		cowp := (*unsafe.Pointer)(unsafe.Add(p, cowF.Offset))
		if *cowp == nil {
			// A tree made on demand: its order is the enclosing struct's
			// function of its type, or the site's.
			var less unsafe.Pointer
			for i := len(d.funcs) - 1; i >= 0 && less == nil; i-- {
				if d.funcs[i].t == lessT {
					less = d.funcs[i].f
				}
			}
			if less == nil {
				less = d.sites[site]
			}
			if less == nil {
				d.fail("no ordering function for the trees at %s (add it to lessSites)", site)
			}
			cow := reflect.New(cowT).UnsafePointer()
			*(*unsafe.Pointer)(unsafe.Add(cow, lessF.Offset)) = less
			fl := reflect.New(freelistT)
			*(*unsafe.Pointer)(unsafe.Add(cow, freelistF.Offset)) = fl.UnsafePointer()
			*cowp = cow
		}
		deg, n := d.varint(), d.varint()
		if deg < 2 || deg > maxTreeDegree {
			d.fail("a tree of degree %d", deg)
		}
		count := 0
		r := decNode(d, *cowp, int(deg), 0, &count)
		if int64(count) != n {
			d.fail("a tree of length %d holding %d items", n, count)
		}
		*(*int)(unsafe.Add(p, degree.Offset)) = int(deg)
		*(*int)(unsafe.Add(p, length.Offset)) = count
		*(*unsafe.Pointer)(unsafe.Add(p, root.Offset)) = r
	}
	return nil
}

// The bounds of a tree read back: the state's trees have orderDegree,
// and a tree of a million items at that degree is 5 levels high.
const (
	maxTreeDegree = 1024
	maxTreeHeight = 64
)

// lessOf is the ordering function a tree holds, for the sites table.
func lessOf(t any) unsafe.Pointer {
	v := reflect.ValueOf(t)
	cow := v.Elem().FieldByName("cow")
	less := cow.Elem().FieldByName("less")
	return *(*unsafe.Pointer)(unsafe.Pointer(less.UnsafeAddr()))
}

// fastMap is the codec of one map type in plain Go, without reflect's
// per-entry cost: the biggest tables (a row per airline, user or PIREP)
// are listed in fastMaps.
func fastMap[K comparable, V any](kc, vc *snapCodec) *snapCodec {
	return &snapCodec{
		min: 1,
		enc: func(e *snapEncoder, p unsafe.Pointer) {
			m := *(*map[K]V)(p)
			if m == nil {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(len(m)) + 1)
			if e.canonical {
				// Key order, as the reflective codec writes it.
				type entry struct{ key, both []byte }
				entries := make([]entry, 0, len(m))
				outer := e.buf
				for k, v := range m {
					e.buf = nil
					kc.enc(e, unsafe.Pointer(&k))
					n := len(e.buf)
					vc.enc(e, unsafe.Pointer(&v))
					entries = append(entries, entry{e.buf[:n], e.buf})
				}
				slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
				e.buf = outer
				for _, en := range entries {
					e.buf = append(e.buf, en.both...)
				}
				return
			}
			for k, v := range m {
				kc.enc(e, unsafe.Pointer(&k))
				vc.enc(e, unsafe.Pointer(&v))
			}
		},
		dec: func(d *snapDecoder, p unsafe.Pointer) {
			n := d.lengthOf(kc.min + vc.min)
			if n == 0 {
				*(*map[K]V)(p) = nil
				return
			}
			n--
			m := make(map[K]V, n)
			for range n {
				var k K
				var v V
				kc.dec(d, unsafe.Pointer(&k))
				vc.dec(d, unsafe.Pointer(&v))
				m[k] = v
			}
			*(*map[K]V)(p) = m
		},
	}
}

// fastMaps are the map types with a plain-Go codec, by type.
var fastMaps = map[reflect.Type]func(kc, vc *snapCodec) *snapCodec{
	reflect.TypeFor[map[uuid.UUID]readmodel.Airline]():       fastMap[uuid.UUID, readmodel.Airline],
	reflect.TypeFor[map[uuid.UUID]readmodel.User]():          fastMap[uuid.UUID, readmodel.User],
	reflect.TypeFor[map[string]uuid.UUID]():                  fastMap[string, uuid.UUID],
	reflect.TypeFor[map[numberKey]uuid.UUID]():               fastMap[numberKey, uuid.UUID],
	reflect.TypeFor[map[string]int32]():                      fastMap[string, int32],
	reflect.TypeFor[map[rowKey]*readmodel.Pirep]():           fastMap[rowKey, *readmodel.Pirep],
	reflect.TypeFor[map[uuid.UUID]readmodel.APIKey]():        fastMap[uuid.UUID, readmodel.APIKey],
	reflect.TypeFor[map[string]readmodel.AirlinePirepRule](): fastMap[string, readmodel.AirlinePirepRule],
	reflect.TypeFor[map[string]readmodel.AirlineBidRule]():   fastMap[string, readmodel.AirlineBidRule],
}
