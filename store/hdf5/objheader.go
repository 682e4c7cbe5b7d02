package hdf5

import "encoding/binary"

// message is one object header message.
type message struct {
	kind  uint16
	flags uint8 // bit 1: the data is a reference to a shared message (a committed datatype)
	data  []byte
}

// messages reads an object header (version 1 or 2) with its continuations.
func (h *File) messages(addr uint64) ([]message, error) {
	pre, err := h.read(addr, 16)
	if err != nil {
		return nil, err
	}
	var out []message
	if string(pre[:4]) == "OHDR" {
		return h.messagesV2(addr, pre)
	}
	if pre[0] != 1 {
		return nil, h5err(h.Path, "object header at %d has version %d", addr, pre[0])
	}
	count := int(binary.LittleEndian.Uint16(pre[2:]))
	size := int(binary.LittleEndian.Uint32(pre[8:]))
	blocks := [][2]uint64{{addr + 16, uint64(size)}}
	for read := 0; len(blocks) > 0 && len(out) < count; read++ {
		if read > 4096 {
			return nil, h5err(h.Path, "object header at %d has too many continuation blocks", addr)
		}
		blk := blocks[0]
		blocks = blocks[1:]
		data, err := h.read(blk[0], int(blk[1]))
		if err != nil {
			return nil, err
		}
		r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
		for r.i+8 <= len(data) && len(out) < count {
			kind := r.u16()
			n := int(r.u16())
			mflags := r.u8()
			r.take(3) // reserved
			body := r.take(n)
			if r.bad {
				return nil, h5err(h.Path, "object header at %d: message overruns its block", addr)
			}
			r.align(8)
			if kind == 0x10 { // continuation
				c := reader{b: body, off: h.offsetSz, len: h.lengthSz}
				blocks = append(blocks, [2]uint64{c.addr(), c.length()})
			}
			out = append(out, message{kind, mflags, body})
		}
	}
	return out, nil
}

func (h *File) messagesV2(addr uint64, pre []byte) ([]message, error) {
	flags := pre[5]
	i := 6
	if flags&0x20 != 0 {
		i += 16
	}
	if flags&0x10 != 0 {
		i += 4
	}
	sizeLen := 1 << (flags & 3)
	head, err := h.read(addr, i+sizeLen)
	if err != nil {
		return nil, err
	}
	r := reader{b: head[i:], off: h.offsetSz, len: h.lengthSz}
	chunk0 := r.uint(sizeLen)
	var out []message
	blocks := [][2]uint64{{addr + uint64(i+sizeLen), chunk0}}
	first := true
	for read := 0; len(blocks) > 0; read++ {
		if read > 4096 { // continuations that loop back on themselves
			return nil, h5err(h.Path, "object header at %d has too many continuation blocks", addr)
		}
		blk := blocks[0]
		blocks = blocks[1:]
		data, err := h.read(blk[0], int(blk[1]))
		if err != nil {
			return nil, err
		}
		if !first { // "OCHK" continuation block: signature, messages, checksum
			if len(data) < 8 || string(data[:4]) != "OCHK" {
				return nil, h5err(h.Path, "bad object header continuation at %d", blk[0])
			}
			data = data[4 : len(data)-4]
		}
		first = false
		r := reader{b: data, off: h.offsetSz, len: h.lengthSz}
		for r.i+4 <= len(data) {
			kind := uint16(r.u8())
			n := int(r.u16())
			mflags := r.u8()
			if flags&0x04 != 0 {
				r.u16() // creation order, when the header tracks it
			}
			body := r.take(n)
			if r.bad {
				break // the gap at the end of a chunk
			}
			if kind == 0x10 {
				c := reader{b: body, off: h.offsetSz, len: h.lengthSz}
				blocks = append(blocks, [2]uint64{c.addr(), c.length()})
			}
			out = append(out, message{kind, mflags, body})
		}
	}
	return out, nil
}
