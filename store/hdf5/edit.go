package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/darray-go/darray/store"
)

// Editing an existing HDF5 file (adding a dataset, growing one) never writes over a byte
// that the file as it was may need. New chunks, the new dataset's object header and new
// copies of the groups on the path from the root to it go past the end of the file; only
// the superblock is then written in place, in one write of under a hundred bytes, after
// everything it points to is on disk. An edit interrupted before that leaves the file as
// it was (with unused bytes at its end, which the next edit reuses); after it, the file
// is the new one. This is shadow paging, as copy-on-write file systems do it: the groups
// copied keep every other message byte for byte (attributes included), and every object
// off the path (other datasets, their chunks) stays where it is, unread and unwritten.
//
// The cost is the old copies of the path's groups and of a grown dataset's header and
// chunk index, left unreachable in the file (a few hundred bytes each; h5repack drops
// them). An object with more than one hard link to it is not copied: the copy would leave
// the other links seeing the old object.

// crashAt, set by tests, stops an edit at a step ("chunks": the chunks are written;
// "metadata": the new headers and groups too; "superblock": the superblock too, not yet
// synced) as if the process died there: nothing after it is written, nothing cleaned up.
var crashAt func(step string) bool

// errCrashed is the error of an edit crashAt stopped.
var errCrashed = errors.New("edit stopped as if the process died (test)")

// editor holds an existing file open for an edit.
type editor struct {
	path   string
	file   *os.File // read and write, locked against other writers while the edit lasts
	h      *File
	sb     editSuperblock
	size   int64  // the file's size before the edit: what Abort truncates back to
	end    uint64 // the address where new bytes go: past everything the file holds
	done   bool   // the superblock was rewritten: the edit is in the file
	closed bool
}

// editSuperblock is the superblock as it is in the file, and where in it the fields an edit
// changes lie.
type editSuperblock struct {
	raw                  []byte
	version              byte
	eofAt, rootAt        int // offsets in raw of the end-of-file address and the root's
	leafK, internalK     int // group B-tree parameters (symbol table nodes hold 2*leafK)
	chunkK               int // chunk B-tree parameter (nodes hold 2*chunkK chunks)
	rootIsSymbolTableRef bool
}

// openEditor opens path for an edit, locking it as the HDF5 library does (so that
// neither it nor another darray writes the file meanwhile).
func openEditor(path string) (*editor, error) {
	if store.IsURL(path) {
		return nil, fmt.Errorf("%s: HDF5 files in object storage are read-only; write a local file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is open in another program, which holds a lock on it (%v): close it first", path, err)
	}
	e, err := startEdit(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

func startEdit(path string, f *os.File) (_ *editor, err error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	if h.offsetSz != 8 || h.lengthSz != 8 {
		return nil, h5err(path, "it uses %d-byte addresses and %d-byte lengths; darray adds to files with 8-byte ones (as the HDF5 library writes by default)", h.offsetSz, h.lengthSz)
	}
	sb, err := h.editSuperblock()
	if err != nil {
		return nil, err
	}
	eof := binary.LittleEndian.Uint64(sb.raw[sb.eofAt:])
	end := uint64(st.Size()) - h.base
	if eof != undefAddr && eof > h.base {
		end = max(end, eof-h.base)
	}
	end = (end + 7) / 8 * 8
	return &editor{path: path, file: f, h: h, sb: sb, size: st.Size(), end: end}, nil
}

// editSuperblock reads the superblock and checks that the file can be edited.
func (h *File) editSuperblock() (editSuperblock, error) {
	head, err := h.read(0, 9) // addresses count from the superblock
	if err != nil {
		return editSuperblock{}, err
	}
	sb := editSuperblock{version: head[8], leafK: 4, internalK: 16, chunkK: 32}
	size := 0
	switch sb.version {
	case 0, 1:
		shift := 4 * int(sb.version) // version 1 adds the chunk B-tree's K and two reserved bytes
		size, sb.eofAt, sb.rootAt = 96+shift, 40+shift, 64+shift
	case 2, 3:
		size, sb.eofAt, sb.rootAt = 48, 28, 36
	default:
		return sb, h5err(h.Path, "superblock version %d cannot be edited", sb.version)
	}
	if sb.raw, err = h.read(0, size); err != nil {
		return sb, err
	}
	switch sb.version {
	case 0, 1:
		sb.leafK = int(binary.LittleEndian.Uint16(sb.raw[16:]))
		sb.internalK = int(binary.LittleEndian.Uint16(sb.raw[18:]))
		if sb.version == 1 {
			sb.chunkK = int(binary.LittleEndian.Uint16(sb.raw[24:]))
		}
		sb.rootIsSymbolTableRef = true
	case 2, 3:
		if got, want := lookup3(sb.raw[:44], 0), binary.LittleEndian.Uint32(sb.raw[44:]); got != want {
			return sb, h5err(h.Path, "superblock checksum mismatch (%08x, stored %08x): the file is damaged", got, want)
		}
		if flags := sb.raw[11]; sb.version == 3 && flags&0x05 != 0 {
			return sb, h5err(h.Path, "the superblock says a program has the file open for writing (flags %#x); if none has, `h5clear -s` clears the mark", flags)
		}
		if ext := binary.LittleEndian.Uint64(sb.raw[20:]); ext != undefAddr {
			if err := h.extensionKs(ext, &sb); err != nil {
				return sb, err
			}
		}
	}
	if sb.leafK < 1 || sb.internalK < 1 || sb.chunkK < 1 {
		return sb, h5err(h.Path, "B-tree parameters %d, %d, %d in the superblock", sb.leafK, sb.internalK, sb.chunkK)
	}
	return sb, nil
}

// extensionKs reads the B-tree parameters a superblock extension gives (when a file was
// made with others than the defaults).
func (h *File) extensionKs(addr uint64, sb *editSuperblock) error {
	msgs, err := h.messages(addr)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.kind == 0x13 && len(m.data) >= 7 {
			sb.chunkK = int(binary.LittleEndian.Uint16(m.data[1:]))
			sb.internalK = int(binary.LittleEndian.Uint16(m.data[3:]))
			sb.leafK = int(binary.LittleEndian.Uint16(m.data[5:]))
		}
	}
	return nil
}

// groupOnPath is a group on the path from the root to the object an edit adds or changes.
type groupOnPath struct {
	name     string // its name in its parent; "" for the root
	path     string // for errors
	msgs     []message
	links    []link
	linkInfo []byte // the link info message of a group in the new style; nil for a symbol table
}

// editPath is where an edit's object goes: the existing groups from the root down, the
// groups still to create below them, the object's name and its current link if any.
type editPath struct {
	groups  []groupOnPath
	missing []string
	name    string
	current *link
}

// pathTo resolves dataset ("/a/b/name") in the file, following hard links only.
func (e *editor) pathTo(dataset string) (editPath, error) {
	parts := strings.Split(strings.Trim(dataset, "/"), "/")
	if slices.Contains(parts, "") || slices.Contains(parts, ".") || slices.Contains(parts, "..") {
		return editPath{}, fmt.Errorf("dataset path %q has an empty, . or .. part", dataset)
	}
	p := editPath{name: parts[len(parts)-1]}
	addr, at := e.h.root, ""
	for i := 0; ; i++ {
		g, err := e.group(addr, at)
		if err != nil {
			return p, err
		}
		if i > 0 {
			g.name = parts[i-1]
		}
		p.groups = append(p.groups, g)
		if i == len(parts)-1 {
			for _, l := range g.links {
				if l.name == p.name {
					p.current = &l
				}
			}
			return p, nil
		}
		next := -1
		for k, l := range g.links {
			if l.name == parts[i] {
				next = k
			}
		}
		if next < 0 {
			p.missing = parts[i : len(parts)-1]
			return p, nil
		}
		l := g.links[next]
		at += "/" + parts[i]
		if !l.hard() {
			return p, h5err(e.path, "%s is a soft or external link; edit the object it names", at)
		}
		addr = l.addr
	}
}

// group reads a group's messages and links, refusing what it cannot copy.
func (e *editor) group(addr uint64, path string) (groupOnPath, error) {
	g := groupOnPath{path: path}
	if path == "" {
		g.path = "/"
	}
	msgs, err := e.h.messages(addr)
	if err != nil {
		return g, err
	}
	links, isGroup, err := e.h.groupLinks(g.path, msgs)
	if err != nil {
		return g, err
	}
	if !isGroup {
		return g, h5err(e.path, "%s is not a group", g.path)
	}
	if err := e.singlyLinked(addr, msgs, g.path); err != nil {
		return g, err
	}
	g.msgs, g.links = msgs, links
	for _, m := range msgs {
		if m.kind == 0x02 {
			g.linkInfo = m.data
		}
	}
	return g, nil
}

// singlyLinked refuses an object that more than one hard link names: a copy would leave the
// others naming the old one.
func (e *editor) singlyLinked(addr uint64, msgs []message, path string) error {
	count := uint32(1)
	pre, err := e.h.read(addr, 8)
	if err != nil {
		return err
	}
	if pre[0] == 1 { // version 1 header: the count is in the prefix
		count = binary.LittleEndian.Uint32(pre[4:])
	}
	for _, m := range msgs {
		if m.kind == 0x16 && len(m.data) >= 5 { // reference count message (version 2 headers)
			count = binary.LittleEndian.Uint32(m.data[1:])
		}
	}
	if count > 1 {
		return h5err(e.path, "%s has %d hard links to it; darray does not change objects linked from several places", path, count)
	}
	return nil
}

// commit writes the new objects on the path above obj (the new object's header, at name in
// the path's last group) and then the superblock that makes them the file's.
func (e *editor) commit(enc *h5enc, p editPath, obj uint64) error {
	child, name := obj, p.name
	for i := len(p.missing) - 1; i >= 0; i-- {
		btree, heap, err := enc.symbolTable([]link{{name: name, addr: child}}, e.sb.leafK, e.sb.internalK)
		if err != nil {
			return err
		}
		child, name = enc.groupHeader(btree, heap, nil), p.missing[i]
	}
	var rootTable []uint64 // the root's symbol table, which a version 0 superblock caches
	for i := len(p.groups) - 1; i >= 0; i-- {
		var err error
		if child, rootTable, err = e.copyGroup(enc, p.groups[i], name, child); err != nil {
			return err
		}
		name = p.groups[i].name
	}
	if crashAt != nil && crashAt("chunks") {
		return errCrashed
	}
	meta := enc.buf.Bytes()
	end := enc.base + uint64(len(meta))
	if _, err := e.file.WriteAt(meta, int64(e.h.base+enc.base)); err != nil {
		return fmt.Errorf("writing %s: %w", e.path, err)
	}
	if crashAt != nil && crashAt("metadata") {
		return errCrashed
	}
	if err := e.file.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", e.path, err)
	}
	sb := e.superblock(end, child, rootTable)
	if _, err := e.file.WriteAt(sb, int64(e.h.base)); err != nil {
		return fmt.Errorf("writing %s's superblock: %w", e.path, err)
	}
	e.done = true
	if crashAt != nil && crashAt("superblock") {
		return errCrashed
	}
	if err := e.file.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", e.path, err)
	}
	return nil
}

// superblock is the file's superblock pointing at a new root group and end of file.
func (e *editor) superblock(end, root uint64, rootTable []uint64) []byte {
	sb := bytes.Clone(e.sb.raw)
	binary.LittleEndian.PutUint64(sb[e.sb.eofAt:], e.h.base+end) // the end is absolute, unlike other addresses
	if e.sb.rootIsSymbolTableRef {
		// The root's symbol table entry: name offset, header, cache type, reserved, scratch.
		entry := sb[e.sb.rootAt-8:]
		binary.LittleEndian.PutUint64(entry[8:], root)
		clear(entry[16:40])
		if rootTable != nil {
			binary.LittleEndian.PutUint32(entry[16:], 1)
			binary.LittleEndian.PutUint64(entry[24:], rootTable[0])
			binary.LittleEndian.PutUint64(entry[32:], rootTable[1])
		}
		return sb
	}
	binary.LittleEndian.PutUint64(sb[e.sb.rootAt:], root)
	binary.LittleEndian.PutUint32(sb[44:], lookup3(sb[:44], 0))
	return sb
}

// copyGroup writes a copy of g with name linking to child (replacing the link of that name
// or adding one). For a group in the symbol table style it also returns the new table's
// B-tree and heap.
func (e *editor) copyGroup(enc *h5enc, g groupOnPath, name string, child uint64) (uint64, []uint64, error) {
	links := slices.Clone(g.links)
	i := slices.IndexFunc(links, func(l link) bool { return l.name == name })
	if i < 0 {
		links = append(links, link{name: name})
		i = len(links) - 1
	}
	links[i].addr, links[i].soft, links[i].file = child, "", ""
	var kept []message
	for _, m := range g.msgs {
		switch m.kind {
		case 0x00, 0x10, 0x11, 0x02, 0x06: // nil, continuation, and the links, written anew
		default:
			kept = append(kept, m)
		}
	}
	if g.linkInfo == nil {
		btree, heap, err := enc.symbolTable(links, e.sb.leafK, e.sb.internalK)
		if err != nil {
			return 0, nil, err
		}
		return enc.groupHeader(btree, heap, kept), []uint64{btree, heap}, nil
	}
	info, order, err := compactLinkInfo(g.linkInfo)
	if err != nil {
		return 0, nil, h5err(e.path, "group %s: %v", g.path, err)
	}
	if links[i].raw == nil && order != nil { // a new link takes the next creation order
		links[i].order, links[i].ordered = *order, true
		binary.LittleEndian.PutUint64(info[2:], *order+1)
	}
	msgs := append([]message{{kind: 0x02, data: info}}, kept...)
	for k, l := range links {
		data := l.raw
		if k == i {
			data = hardLinkMessage(l)
		}
		msgs = append(msgs, message{kind: 0x06, data: data})
	}
	return enc.objectHeader(msgs), nil, nil
}

// compactLinkInfo is a link info message for the same group with its links kept in its
// header (compact storage) instead of a fractal heap, and the next creation order when
// the group tracks it.
func compactLinkInfo(old []byte) ([]byte, *uint64, error) {
	if len(old) < 2 || old[0] != 0 {
		return nil, nil, errors.New("unknown link info message")
	}
	flags := old[1]
	var b h5buf
	b.u8(0)
	b.u8(flags)
	var next *uint64
	if flags&1 != 0 {
		if len(old) < 10 {
			return nil, nil, errors.New("truncated link info message")
		}
		n := binary.LittleEndian.Uint64(old[2:])
		next = &n
		b.u64(n)
	}
	b.u64(undefAddr) // fractal heap
	b.u64(undefAddr) // name index
	if flags&2 != 0 {
		b.u64(undefAddr) // creation order index
	}
	return b.Bytes(), next, nil
}

// hardLinkMessage encodes a link message (version 1) for a hard link.
func hardLinkMessage(l link) []byte {
	var b h5buf
	b.u8(1)
	flags := uint8(0)
	n := len(l.name)
	switch {
	case n > 0xffff:
		flags |= 2
	case n > 0xff:
		flags |= 1
	}
	if l.ordered {
		flags |= 0x04
	}
	utf8 := strings.IndexFunc(l.name, func(r rune) bool { return r >= 0x80 }) >= 0
	if utf8 {
		flags |= 0x10
	}
	b.u8(flags)
	if l.ordered {
		b.u64(l.order)
	}
	if utf8 {
		b.u8(1)
	}
	switch flags & 3 {
	case 0:
		b.u8(uint8(n))
	case 1:
		b.u16(uint16(n))
	default:
		b.u32(uint32(n))
	}
	b.WriteString(l.name)
	b.u64(l.addr)
	return b.Bytes()
}

// abort undoes an edit not committed: the bytes written past the old end are cut off.
func (e *editor) abort() {
	if e.closed {
		return
	}
	if !e.done {
		e.file.Truncate(e.size)
	}
	e.close()
}

func (e *editor) close() {
	if e.closed {
		return
	}
	e.closed = true
	e.h.Close()
	unlockFile(e.file)
	e.file.Close()
}

// lookup3 is Bob Jenkins' lookup3 hash (hashlittle), which HDF5 uses for the checksums of
// its newer structures.
func lookup3(k []byte, seed uint32) uint32 {
	a := 0xdeadbeef + uint32(len(k)) + seed
	b, c := a, a
	rot := func(x uint32, n uint) uint32 { return x<<n | x>>(32-n) }
	for len(k) > 12 {
		a += binary.LittleEndian.Uint32(k)
		b += binary.LittleEndian.Uint32(k[4:])
		c += binary.LittleEndian.Uint32(k[8:])
		a -= c
		a ^= rot(c, 4)
		c += b
		b -= a
		b ^= rot(a, 6)
		a += c
		c -= b
		c ^= rot(b, 8)
		b += a
		a -= c
		a ^= rot(c, 16)
		c += b
		b -= a
		b ^= rot(a, 19)
		a += c
		c -= b
		c ^= rot(b, 4)
		b += a
		k = k[12:]
	}
	if len(k) == 0 {
		return c
	}
	var tail [12]byte
	copy(tail[:], k)
	a += binary.LittleEndian.Uint32(tail[:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:])
	c ^= b
	c -= rot(b, 14)
	a ^= c
	a -= rot(c, 11)
	b ^= a
	b -= rot(a, 25)
	c ^= b
	c -= rot(b, 16)
	a ^= c
	a -= rot(c, 4)
	b ^= a
	b -= rot(a, 14)
	c ^= b
	c -= rot(b, 24)
	return c
}
