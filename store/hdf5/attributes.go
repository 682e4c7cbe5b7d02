package hdf5

import (
	"bytes"

	"github.com/darray-go/darray/nd"
)

func (h *File) attribute(data []byte) (string, any, error) {
	r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
	version := r.u8()
	flags := r.u8() // version 2 on: bit 0, the datatype is shared (committed)
	nameLen, typeSize, spaceLen := int(r.u16()), int(r.u16()), int(r.u16())
	if version == 3 {
		r.u8()
	}
	pad := func(n int) int {
		if version == 1 {
			return (n + 7) / 8 * 8
		}
		return n
	}
	name := string(bytes.TrimRight(r.take(pad(nameLen)), "\x00"))
	typeData := r.take(pad(typeSize))
	spaceData := r.take(pad(spaceLen))
	if r.bad {
		return "", nil, h5err(h.Path, "truncated attribute")
	}
	var sharedFlag uint8
	if version > 1 && flags&0x01 != 0 {
		sharedFlag = 0x02
	}
	dt, err := h.messageType(message{kind: 0x03, flags: sharedFlag, data: typeData})
	if err != nil {
		return name, nil, err
	}
	shape, err := h.dataspace(spaceData)
	if err != nil {
		return name, nil, err
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	raw := r.b[r.i:]
	if dt.vlenStr && len(shape) == 0 {
		v, err := h.vlenString(raw)
		return name, v, err
	}
	if dt.str {
		if len(raw) < dt.size {
			return name, nil, h5err(h.Path, "truncated attribute %q", name)
		}
		return name, string(bytes.TrimRight(raw[:dt.size], "\x00 ")), nil
	}
	if len(raw) < n*dt.size {
		return name, nil, h5err(h.Path, "truncated attribute %q", name)
	}
	a, err := dt.fromBytes(raw[:n*dt.size], shape...)
	if err != nil {
		return name, nil, err
	}
	if len(shape) == 0 {
		return name, nd.Values[complex128](a)[0], nil
	}
	return name, a, nil
}

// vlenString reads a variable-length string stored as (length, global heap collection
// address, object index).
func (h *File) vlenString(raw []byte) (string, error) {
	return h.vlenStringCached(raw, nil)
}

// vlenStringCached reads a variable-length string, keeping the global heap collections it
// parses in cache (when not nil) for the next.
func (h *File) vlenStringCached(raw []byte, cache map[uint64]map[uint32][]byte) (string, error) {
	r := reader{b: raw, off: h.offsetSz, len: h.lengthSz}
	n := int(r.u32())
	collection := r.addr()
	index := r.u32()
	if r.bad {
		return "", h5err(h.Path, "truncated variable-length string")
	}
	if n == 0 && (collection == 0 || collection == undefAddr) {
		return "", nil // an empty string, or one never written
	}
	objects, ok := cache[collection]
	if !ok {
		var err error
		if objects, err = h.globalHeap(collection); err != nil {
			return "", err
		}
		if cache != nil {
			cache[collection] = objects
		}
	}
	data, ok := objects[index]
	if !ok {
		return "", h5err(h.Path, "global heap object %d not found in the collection at %d", index, collection)
	}
	return string(data[:min(n, len(data))]), nil
}

// globalHeap parses a global heap collection ("GCOL"): its objects by index.
func (h *File) globalHeap(collection uint64) (map[uint32][]byte, error) {
	head, err := h.read(collection, 8+h.lengthSz)
	if err != nil {
		return nil, err
	}
	if string(head[:4]) != "GCOL" {
		return nil, h5err(h.Path, "bad global heap at %d", collection)
	}
	sr := reader{b: head[8:], off: h.offsetSz, len: h.lengthSz}
	size := sr.length()
	if size < uint64(8+h.lengthSz) || size > 1<<24 {
		return nil, h5err(h.Path, "global heap at %d claims %d bytes", collection, size)
	}
	body, err := h.read(collection, int(size))
	if err != nil {
		return nil, err
	}
	objects := map[uint32][]byte{}
	g := reader{b: body[8+h.lengthSz:], off: h.offsetSz, len: h.lengthSz}
	for !g.bad {
		id := g.u16()
		g.u16()
		g.u32()
		objSize := g.length()
		if objSize > uint64(len(g.b)) {
			break
		}
		data := g.take(int(objSize+7) / 8 * 8)
		if id == 0 || g.bad {
			break
		}
		objects[uint32(id)] = data[:objSize]
	}
	return objects, nil
}
