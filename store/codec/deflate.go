package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/bits"
)

// A DEFLATE decoder (RFC 1951) for the case chunks are always in: the whole stream in
// memory and the size it decodes to known. It writes straight into the output, which is
// also its window (no copy out of a 32 KiB dictionary, as streaming decoders make), reads
// its input 64 bits at a time, and decodes Huffman codes with two-level tables. About
// 1.5 times the speed of klauspost/compress's streaming decoder on chunks of numbers.
//
// It is the fast path only: any stream it does not decode exactly into the size asked
// (damaged, too long, too short, or using a feature it leaves out) is handed to the
// streaming decoder, whose result and error are the ones returned. So the fast path has
// to be right only when it succeeds, and it checks the zlib or gzip checksum before it
// says so.

var errInflate = errors.New("deflate: not decoded by the fast path")

// primaryBits indexes the first level of a Huffman table; longer codes (to 15 bits) go on
// to a second-level table.
const primaryBits = 10

// huffman is a decoding table. An entry is sym<<8 | length for a code of at most
// primaryBits bits (length 1-10), or offset<<8 | 0x80 | subBits pointing to a second-level
// table of 2^subBits entries, indexed by the code's bits after the first primaryBits,
// whose entries are sym<<8 | (length - primaryBits). Entries no code reaches are invalid.
type huffman struct {
	table []uint32
}

const invalidEntry = 0xffffffff

// build makes the table of the canonical code with the given code lengths (0 for a symbol
// not used). Over-subscribed codes are errors; incomplete ones leave invalid entries,
// which decoding refuses when it meets them.
func (h *huffman) build(lengths []uint8) error {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left := 1
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return errInflate // over-subscribed
		}
	}
	var next [16]int
	code := 0
	for l := 1; l <= 15; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	// Second-level tables: as many bits as the longest code under each first-level prefix.
	var subBits [1 << primaryBits]uint8
	codes := make([]uint16, len(lengths))
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := bits.Reverse16(uint16(next[l])) >> (16 - l) // codes are read from the low bit
		next[l]++
		codes[sym] = c
		if l > primaryBits {
			p := c & (1<<primaryBits - 1)
			subBits[p] = max(subBits[p], l-primaryBits)
		}
	}
	size := 1 << primaryBits
	var offset [1 << primaryBits]int
	for p, b := range subBits {
		if b > 0 {
			offset[p] = size
			size += 1 << b
		}
	}
	if cap(h.table) < size {
		h.table = make([]uint32, size)
	}
	h.table = h.table[:size]
	for i := range h.table {
		h.table[i] = invalidEntry
	}
	for p, b := range subBits {
		if b > 0 {
			h.table[p] = uint32(offset[p])<<8 | 0x80 | uint32(b)
		}
	}
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := int(codes[sym])
		if l <= primaryBits {
			for i := c; i < 1<<primaryBits; i += 1 << l {
				h.table[i] = uint32(sym)<<8 | uint32(l)
			}
			continue
		}
		p := c & (1<<primaryBits - 1)
		b := int(subBits[p])
		rest := c >> primaryBits
		for i := rest; i < 1<<b; i += 1 << (l - primaryBits) {
			h.table[offset[p]+i] = uint32(sym)<<8 | uint32(l-primaryBits)
		}
	}
	return nil
}

// Lengths and distances: base values and extra bits (RFC 1951, 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order code length code lengths come in.
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// fixedLitLen and fixedDist are the tables of fixed-Huffman blocks.
var fixedLitLen, fixedDist huffman

func init() {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	fixedLitLen.build(l[:])
	var d [30]uint8
	for i := range d {
		d[i] = 5
	}
	fixedDist.build(d[:])
}

// inflater holds a decode's state: the input and its bit buffer, the output.
type inflater struct {
	src   []byte
	pos   int    // next byte of src to load
	buf   uint64 // bits loaded, the next one lowest
	nbits int    // how many of buf's bits are loaded (negative: read past the end)
	out   []byte
	o     int
	// Tables of the current dynamic block, reused from block to block.
	litlen, dist huffman
}

// refill loads input until at least 56 bits are buffered or the input ends. The word read
// at once may carry bits past the bytes counted; they are the input's next bits, so the
// next load puts the same bits in the same places.
func (f *inflater) refill() {
	if f.pos+8 <= len(f.src) {
		f.buf |= binary.LittleEndian.Uint64(f.src[f.pos:]) << uint(f.nbits)
		n := (63 - f.nbits) >> 3
		f.pos += n
		f.nbits += n << 3
		return
	}
	for f.nbits <= 56 && f.pos < len(f.src) {
		f.buf |= uint64(f.src[f.pos]) << uint(f.nbits)
		f.pos++
		f.nbits += 8
	}
}

// take consumes n bits (refilled beforehand).
func (f *inflater) take(n int) uint32 {
	v := uint32(f.buf & (1<<uint(n) - 1))
	f.buf >>= uint(n)
	f.nbits -= n
	return v
}

// decode reads one symbol with table h.
func (f *inflater) decode(h *huffman) (int, error) {
	e := h.table[f.buf&(1<<primaryBits-1)]
	if e&0x80 != 0 {
		if e == invalidEntry {
			return 0, errInflate
		}
		f.buf >>= primaryBits
		f.nbits -= primaryBits
		e = h.table[int(e>>8)+int(f.buf&(1<<(e&0x7f)-1))]
		if e == invalidEntry {
			return 0, errInflate
		}
	}
	n := int(e & 0xff)
	f.buf >>= uint(n)
	f.nbits -= n
	if f.nbits < 0 {
		return 0, errInflate
	}
	return int(e >> 8), nil
}

// inflateInto decodes the DEFLATE stream at the start of src into out, which it must fill
// exactly, and returns how many bytes of src the stream took.
func inflateInto(out, src []byte) (int, error) {
	f := &inflater{src: src, out: out}
	for {
		f.refill()
		if f.nbits < 3 {
			return 0, errInflate
		}
		final := f.take(1)
		var err error
		switch f.take(2) {
		case 0:
			err = f.stored()
		case 1:
			err = f.block(&fixedLitLen, &fixedDist)
		case 2:
			if err = f.dynamicTables(); err == nil {
				err = f.block(&f.litlen, &f.dist)
			}
		default:
			return 0, errInflate
		}
		if err != nil {
			return 0, err
		}
		if final == 1 {
			break
		}
	}
	if f.o != len(out) {
		return 0, errInflate
	}
	// Whole bytes still in the buffer were not the stream's.
	return f.pos - f.nbits>>3, nil
}

// stored copies a stored block's bytes.
func (f *inflater) stored() error {
	f.take(f.nbits & 7) // to a byte boundary
	f.pos -= f.nbits >> 3
	f.buf, f.nbits = 0, 0
	if f.pos+4 > len(f.src) {
		return errInflate
	}
	n := int(binary.LittleEndian.Uint16(f.src[f.pos:]))
	if uint16(n) != ^binary.LittleEndian.Uint16(f.src[f.pos+2:]) {
		return errInflate
	}
	f.pos += 4
	if f.pos+n > len(f.src) || f.o+n > len(f.out) {
		return errInflate
	}
	copy(f.out[f.o:], f.src[f.pos:f.pos+n])
	f.pos += n
	f.o += n
	return nil
}

// dynamicTables reads a dynamic block's code lengths and builds its tables.
func (f *inflater) dynamicTables() error {
	f.refill()
	if f.nbits < 14 {
		return errInflate
	}
	nlit := int(f.take(5)) + 257
	ndist := int(f.take(5)) + 1
	nclen := int(f.take(4)) + 4
	if nlit > 286 || ndist > 30 {
		return errInflate
	}
	var clLengths [19]uint8
	for i := range nclen {
		f.refill()
		if f.nbits < 3 {
			return errInflate
		}
		clLengths[clOrder[i]] = uint8(f.take(3))
	}
	var cl huffman
	cl.table = make([]uint32, 0, 1<<primaryBits)
	if err := cl.build(clLengths[:]); err != nil {
		return err
	}
	var lengths [286 + 30]uint8
	for i := 0; i < nlit+ndist; {
		f.refill()
		sym, err := f.decode(&cl)
		if err != nil {
			return err
		}
		switch {
		case sym < 16:
			lengths[i] = uint8(sym)
			i++
			continue
		case sym == 16:
			if i == 0 || f.nbits < 2 {
				return errInflate
			}
			n := 3 + int(f.take(2))
			if i+n > nlit+ndist {
				return errInflate
			}
			for range n {
				lengths[i] = lengths[i-1]
				i++
			}
		default:
			extra, base := 3, 3
			if sym == 18 {
				extra, base = 7, 11
			}
			if f.nbits < extra {
				return errInflate
			}
			n := base + int(f.take(extra))
			if i+n > nlit+ndist {
				return errInflate
			}
			for range n {
				lengths[i] = 0
				i++
			}
		}
	}
	if lengths[256] == 0 { // no end of block
		return errInflate
	}
	if err := f.litlen.build(lengths[:nlit]); err != nil {
		return err
	}
	return f.dist.build(lengths[nlit : nlit+ndist])
}

// block decodes a Huffman-coded block's symbols until its end. The loop keeps the bit
// buffer in locals and decodes inline: this is where the time goes.
func (f *inflater) block(litlen, dist *huffman) error {
	out, src := f.out, f.src
	buf, nbits, pos, o := f.buf, f.nbits, f.pos, f.o
	lt, dt := litlen.table, dist.table
	lprim := (*[1 << primaryBits]uint32)(lt) // the first level, indexed without bounds checks
	defer func() { f.buf, f.nbits, f.pos, f.o = buf, nbits, pos, o }()
	for {
		// Refill to at least 56 bits: a length and a distance with their extra bits take 48.
		if pos+8 <= len(src) {
			buf |= binary.LittleEndian.Uint64(src[pos:]) << uint(nbits)
			n := (63 - nbits) >> 3
			pos += n
			nbits += n << 3
		} else {
			for nbits <= 56 && pos < len(src) {
				buf |= uint64(src[pos]) << uint(nbits)
				pos++
				nbits += 8
			}
		}
		e := lprim[buf&(1<<primaryBits-1)]
		if e&0x80 != 0 {
			if e == invalidEntry {
				return errInflate
			}
			buf >>= primaryBits
			nbits -= primaryBits
			e = lt[int(e>>8)+int(buf&(1<<(e&0x7f)-1))]
			if e == invalidEntry {
				return errInflate
			}
		}
		buf >>= e & 0xff
		nbits -= int(e & 0xff)
		sym := int(e >> 8)
		if sym < 256 {
			if nbits < 0 || o >= len(out) {
				return errInflate
			}
			out[o] = byte(sym)
			o++
			// Literals come in runs: a second one, without a refill, while the buffer
			// holds a whole primary code.
			if e = lprim[buf&(1<<primaryBits-1)]; e&0x80 == 0 && int(e&0xff) <= nbits && e>>8 < 256 && o < len(out) {
				buf >>= e & 0xff
				nbits -= int(e & 0xff)
				out[o] = byte(e >> 8)
				o++
			}
			continue
		}
		if sym == 256 {
			if nbits < 0 {
				return errInflate
			}
			return nil
		}
		sym -= 257
		if sym >= 29 {
			return errInflate
		}
		extra := lengthExtra[sym]
		length := int(lengthBase[sym]) + int(buf&(1<<extra-1))
		buf >>= extra
		nbits -= int(extra)
		e = dt[buf&(1<<primaryBits-1)]
		if e&0x80 != 0 {
			if e == invalidEntry {
				return errInflate
			}
			buf >>= primaryBits
			nbits -= primaryBits
			e = dt[int(e>>8)+int(buf&(1<<(e&0x7f)-1))]
			if e == invalidEntry {
				return errInflate
			}
		}
		buf >>= e & 0xff
		nbits -= int(e & 0xff)
		dsym := int(e >> 8)
		if dsym >= 30 {
			return errInflate
		}
		extra = distExtra[dsym]
		d := int(distBase[dsym]) + int(buf&(1<<extra-1))
		buf >>= extra
		nbits -= int(extra)
		if nbits < 0 || d > o || length > len(out)-o {
			return errInflate
		}
		from := o - d
		switch {
		case d >= 8 && o+length+8 <= len(out):
			// Eight bytes at a time, the last word running past the match into bytes
			// written later anyway; the source is at least a word behind, so already
			// written.
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[o+i:], binary.LittleEndian.Uint64(out[from+i:]))
			}
		case length <= 16: // short and overlapping, or near the end: byte by byte
			for i := range length {
				out[o+i] = out[from+i]
			}
		default:
			// Overlapping: the bytes repeat with period d, and with every multiple of it,
			// so each copy can take twice as many as the one before.
			for done := 0; done < length; {
				n := copy(out[o+done:o+length], out[from:o+done])
				done += n
			}
		}
		o += length
	}
}

// inflateZlibFast decodes a zlib stream (RFC 1950) of a known size with inflateInto,
// checking its Adler-32; false when it cannot.
func inflateZlibFast(src []byte, size int) ([]byte, bool) {
	if len(src) < 6 || src[0]&0x0f != 8 || src[0]>>4 > 7 || src[1]&0x20 != 0 || (uint16(src[0])<<8|uint16(src[1]))%31 != 0 {
		return nil, false // not zlib, or with a preset dictionary
	}
	out := make([]byte, size)
	n, err := inflateInto(out, src[2:])
	if err != nil || 2+n+4 > len(src) || adler32(out) != binary.BigEndian.Uint32(src[2+n:]) {
		return nil, false
	}
	return out, true
}

// inflateGzipFast decodes a one-member gzip stream (RFC 1952) of a known size with
// inflateInto, checking its CRC-32 and length; false when it cannot.
func inflateGzipFast(src []byte, size int) ([]byte, bool) {
	if len(src) < 18 || src[0] != 0x1f || src[1] != 0x8b || src[2] != 8 {
		return nil, false
	}
	flags, at := src[3], 10
	if flags&0x04 != 0 { // extra field
		if at+2 > len(src) {
			return nil, false
		}
		at += 2 + int(binary.LittleEndian.Uint16(src[at:]))
	}
	for _, flag := range []byte{0x08, 0x10} { // name, comment: zero-terminated
		if flags&flag != 0 {
			end := bytes.IndexByte(src[min(at, len(src)):], 0)
			if end < 0 {
				return nil, false
			}
			at += end + 1
		}
	}
	if flags&0x02 != 0 { // header CRC
		at += 2
	}
	if at > len(src) {
		return nil, false
	}
	out := make([]byte, size)
	n, err := inflateInto(out, src[at:])
	end := at + n
	if err != nil || end+8 > len(src) || crc32.ChecksumIEEE(out) != binary.LittleEndian.Uint32(src[end:]) ||
		binary.LittleEndian.Uint32(src[end+4:]) != uint32(size) {
		return nil, false
	}
	if end+8 != len(src) { // more members: the streaming decoder reads them all
		return nil, false
	}
	return out, true
}

// adler32 is zlib's checksum (RFC 1950), eight bytes a step: s2 takes s1 eight times and
// the bytes weighted by how many steps each is counted in, which the step-by-step
// definition gives too, with a shorter chain of dependent additions. Sums are reduced
// every 5552 bytes, the most that cannot overflow 32 bits.
func adler32(p []byte) uint32 {
	const mod, nmax = 65521, 5552
	s1, s2 := uint32(1), uint32(0)
	for len(p) > 0 {
		q := p[:min(len(p), nmax)]
		p = p[len(q):]
		for len(q) >= 8 {
			b := q[:8]
			s2 += 8*s1 + 8*uint32(b[0]) + 7*uint32(b[1]) + 6*uint32(b[2]) + 5*uint32(b[3]) +
				4*uint32(b[4]) + 3*uint32(b[5]) + 2*uint32(b[6]) + uint32(b[7])
			s1 += uint32(b[0]) + uint32(b[1]) + uint32(b[2]) + uint32(b[3]) + uint32(b[4]) + uint32(b[5]) + uint32(b[6]) + uint32(b[7])
			q = q[8:]
		}
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s2<<16 | s1
}
