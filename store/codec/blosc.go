package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/pierrec/lz4/v4"
)

// Blosc (version 1 frames, as c-blosc 1.x and numcodecs write them) splits a buffer into
// blocks, optionally shuffles each block's bytes by their position within an element
// (which groups the slowly varying high bytes of numbers together), and compresses each
// block with one of several codecs.
//
// A frame starts with a 16-byte header: version, codec version, flags, type size, then the
// decoded size, the block size and the frame size as little-endian uint32s. Flags: 0x01
// byte shuffle, 0x02 stored without compression, 0x04 bit shuffle, 0x10 blocks not split
// by byte position, bits 5-7 the codec (0 BloscLZ, 1 LZ4, 3 zlib, 4 zstd). Unless stored
// raw, a table of uint32 block offsets follows, then the blocks; a block is one stream, or
// one per byte of the type size when split, each prefixed by its compressed length (equal
// to its decoded length when it is stored raw).

const (
	bloscShuffle    = 0x01
	bloscMemcpyed   = 0x02
	bloscBitShuffle = 0x04
	bloscDontSplit  = 0x10
	bloscHeader     = 16
	bloscMaxSplits  = 16
	bloscMinSplit   = 128
)

var bloscCodecs = map[string]byte{"blosclz": 0, "lz4": 1, "lz4hc": 1, "zlib": 3, "zstd": 4}

// Blosc is numcodecs' Blosc: {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1,
// "blocksize": 0}. Decoding handles every codec but Snappy; encoding writes unsplit blocks
// with LZ4, zlib or zstd (BloscLZ is encoded as LZ4), which every Blosc reader accepts.
type Blosc struct {
	cname     string
	clevel    int
	shuffle   int // 0 none, 1 byte, 2 bit; -1 (numcodecs' AUTOSHUFFLE) means byte
	typesize  int
	blocksize int
}

func (c Blosc) Decode(enc []byte, size int) ([]byte, error) {
	raw, err := BloscDecode(enc, size) // (exactly size bytes, or an error)
	if err != nil {
		return nil, fmt.Errorf("blosc: %w", err)
	}
	return raw, nil
}

// bloscFrame is a Blosc frame's header: the decoded size, how it is cut into blocks and
// how each block is stored. Blocks decode independently, which lets a reader decode only
// the blocks holding the bytes it needs (bloscFrame.decodeBlock).
type bloscFrame struct {
	flags     byte
	typesize  int
	nbytes    int
	blocksize int
	cbytes    int
}

// parseBloscHeader reads the 16-byte header.
func parseBloscHeader(enc []byte) (bloscFrame, error) {
	if len(enc) < bloscHeader {
		return bloscFrame{}, fmt.Errorf("frame of %d bytes is shorter than its header", len(enc))
	}
	f := bloscFrame{flags: enc[2], typesize: int(enc[3]),
		nbytes:    int(binary.LittleEndian.Uint32(enc[4:])),
		blocksize: int(binary.LittleEndian.Uint32(enc[8:])),
		cbytes:    int(binary.LittleEndian.Uint32(enc[12:]))}
	if enc[0] == 0 || enc[0] > 4 {
		return bloscFrame{}, fmt.Errorf("unsupported frame version %d", enc[0])
	}
	if f.cbytes < bloscHeader {
		return bloscFrame{}, fmt.Errorf("frame says %d bytes, less than its header", f.cbytes)
	}
	if f.nbytes > 1<<31-1 || f.typesize == 0 {
		return bloscFrame{}, fmt.Errorf("bad header (decoded size %d, type size %d)", f.nbytes, f.typesize)
	}
	if f.flags&bloscMemcpyed == 0 && f.nbytes > 0 && f.blocksize <= 0 {
		return bloscFrame{}, fmt.Errorf("block size %d", f.blocksize)
	}
	// Each block has a 4-byte offset after the header: a frame too small to hold them is
	// damaged (and would otherwise have its readers allocate for blocks that are not there).
	if nb := f.nblocks(); nb > (f.cbytes-bloscHeader)/4 {
		return bloscFrame{}, fmt.Errorf("frame of %d bytes cannot hold the offsets of its %d blocks", f.cbytes, nb)
	}
	return f, nil
}

func (f bloscFrame) memcpyed() bool { return f.flags&bloscMemcpyed != 0 }

func (f bloscFrame) nblocks() int {
	if f.memcpyed() || f.nbytes == 0 {
		return 0
	}
	return (f.nbytes + f.blocksize - 1) / f.blocksize
}

// blockSize is the decoded length of block b.
func (f bloscFrame) blockSize(b int) int { return min(f.blocksize, f.nbytes-b*f.blocksize) }

// decodeBlock decodes block b, whose stored bytes src runs from the block's start (to the
// frame's end or further), into out (blockSize(b) long), using tmp (as long) for the
// shuffled bytes.
func (f bloscFrame) decodeBlock(b int, src, out, tmp []byte) error {
	bsize := f.blockSize(b)
	leftover := bsize < f.blocksize
	nsplits := 1
	if f.flags&bloscDontSplit == 0 && f.typesize <= bloscMaxSplits && bsize/f.typesize >= bloscMinSplit && !leftover {
		nsplits = f.typesize
	}
	neblock := bsize / nsplits
	dst := tmp[:bsize]
	format := f.flags >> 5
	for j := range nsplits {
		if len(src) < 4 {
			return fmt.Errorf("block %d truncated", b)
		}
		n := int(binary.LittleEndian.Uint32(src))
		src = src[4:]
		if n > len(src) || n < 0 {
			return fmt.Errorf("block %d stream %d of %d bytes overruns the frame", b, j, n)
		}
		part := dst[j*neblock : (j+1)*neblock]
		if n == neblock {
			copy(part, src[:n])
		} else if err := bloscDecompress(format, src[:n], part); err != nil {
			return fmt.Errorf("block %d: %w", b, err)
		}
		src = src[n:]
	}
	switch {
	case f.flags&bloscShuffle != 0 && f.typesize > 1:
		Unshuffle(out[:bsize], dst, f.typesize)
	case f.flags&bloscBitShuffle != 0:
		return unshuffleBits(out[:bsize], dst, f.typesize)
	default:
		copy(out[:bsize], dst)
	}
	return nil
}

// blockStart reads where block b starts from the offsets that follow the header.
func (f bloscFrame) blockStart(enc []byte, b int) (int, error) {
	if bloscHeader+4*(b+1) > len(enc) {
		return 0, fmt.Errorf("frame too short for the offset of block %d", b)
	}
	start := int(binary.LittleEndian.Uint32(enc[bloscHeader+4*b:]))
	if start < bloscHeader || start > f.cbytes {
		return 0, fmt.Errorf("block %d starts at %d, outside the frame", b, start)
	}
	return start, nil
}

// BloscDecode decodes a frame that should give size bytes, checking the header's claim
// before allocating anything for it.
func BloscDecode(enc []byte, size int) ([]byte, error) {
	f, err := parseBloscHeader(enc)
	if err != nil {
		return nil, err
	}
	if f.nbytes != size {
		return nil, fmt.Errorf("frame says it decodes to %d bytes, expected %d", f.nbytes, size)
	}
	if f.cbytes > len(enc) {
		return nil, fmt.Errorf("frame says %d bytes, has %d", f.cbytes, len(enc))
	}
	out := make([]byte, f.nbytes)
	if f.memcpyed() {
		if bloscHeader+f.nbytes > f.cbytes {
			return nil, fmt.Errorf("stored frame of %d bytes cannot hold %d", f.cbytes, f.nbytes)
		}
		copy(out, enc[bloscHeader:bloscHeader+f.nbytes])
		return out, nil
	}
	tmp := make([]byte, f.blocksize)
	for b := range f.nblocks() {
		start, err := f.blockStart(enc, b)
		if err != nil {
			return nil, err
		}
		if err := f.decodeBlock(b, enc[start:f.cbytes], out[b*f.blocksize:], tmp); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bloscDecompress decodes one stream into dst, which it must fill exactly.
func bloscDecompress(format byte, src, dst []byte) error {
	var n int
	var err error
	switch format {
	case 0:
		n, err = blosclzDecode(src, dst)
	case 1:
		n, err = lz4.UncompressBlock(src, dst)
	case 3:
		var raw []byte
		raw, err = InflateZlib(src, len(dst))
		n = copy(dst, raw)
		if err == nil && len(raw) != len(dst) {
			err = fmt.Errorf("zlib stream gives %d bytes, expected %d", len(raw), len(dst))
		}
	case 4:
		var raw []byte
		raw, err = zstdDecoder.DecodeAll(src, make([]byte, 0, len(dst)))
		n = copy(dst, raw)
		if err == nil && len(raw) != len(dst) {
			err = fmt.Errorf("zstd stream gives %d bytes, expected %d", len(raw), len(dst))
		}
	default:
		return fmt.Errorf("codec %d (snappy or unknown) is not supported", format)
	}
	if err != nil {
		return err
	}
	if n != len(dst) {
		return fmt.Errorf("stream decodes to %d bytes, expected %d", n, len(dst))
	}
	return nil
}

// blosclzDecode decodes BloscLZ, a FastLZ-style format: a control byte either starts a
// literal run (values below 32: that many plus one bytes follow) or a back reference (the
// top three bits a length, extended by 255-bytes when all set, the low five bits and the
// next byte a distance, extended by two more bytes for far references).
func blosclzDecode(src, dst []byte) (int, error) {
	const maxDistance = 8191
	if len(src) == 0 {
		return 0, fmt.Errorf("blosclz: empty stream")
	}
	ip, op := 0, 0
	ctrl := int(src[ip] & 31)
	ip++
	for {
		if ctrl >= 32 {
			length := (ctrl >> 5) - 1
			ofs := (ctrl & 31) << 8
			if length == 6 {
				for {
					if ip >= len(src) {
						return 0, fmt.Errorf("blosclz: truncated length")
					}
					code := int(src[ip])
					ip++
					length += code
					if code != 255 {
						break
					}
				}
			}
			if ip >= len(src) {
				return 0, fmt.Errorf("blosclz: truncated distance")
			}
			code := int(src[ip])
			ip++
			ref := op - ofs - code
			if code == 255 && ofs == 31<<8 {
				if ip+2 > len(src) {
					return 0, fmt.Errorf("blosclz: truncated far distance")
				}
				ofs = int(src[ip])<<8 | int(src[ip+1])
				ip += 2
				ref = op - ofs - maxDistance
			}
			length += 3
			ref-- // the encoded distance is biased by one
			if op+length > len(dst) || ref < 0 {
				return 0, fmt.Errorf("blosclz: reference outside the output")
			}
			for k := range length { // byte by byte: source and destination may overlap
				dst[op+k] = dst[ref+k]
			}
			op += length
		} else {
			ctrl++
			if op+ctrl > len(dst) || ip+ctrl > len(src) {
				return 0, fmt.Errorf("blosclz: literal run outside the buffers")
			}
			copy(dst[op:], src[ip:ip+ctrl])
			ip += ctrl
			op += ctrl
		}
		if ip >= len(src) {
			return op, nil
		}
		ctrl = int(src[ip])
		ip++
	}
}

// Unshuffle undoes a byte shuffle: byte i of element j was stored at i*n + j.
func Unshuffle(dst, src []byte, typesize int) {
	if typesize <= 1 || typesize > len(src) { // no whole element: nothing was shuffled
		copy(dst, src)
		return
	}
	n := len(src) / typesize
	switch typesize {
	case 8: // the common case (float64, int64): gather each element's bytes into one word
		c0, c1, c2, c3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		c4, c5, c6, c7 := src[4*n:5*n], src[5*n:6*n], src[6*n:7*n], src[7*n:8*n]
		c1, c2, c3, c4, c5, c6, c7 = c1[:len(c0)], c2[:len(c0)], c3[:len(c0)], c4[:len(c0)], c5[:len(c0)], c6[:len(c0)], c7[:len(c0)]
		out := dst[:8*len(c0)] // (the re-slices let the compiler drop most bounds checks)
		for j := range c0 {
			binary.LittleEndian.PutUint64(out[j*8:], uint64(c0[j])|uint64(c1[j])<<8|uint64(c2[j])<<16|uint64(c3[j])<<24|
				uint64(c4[j])<<32|uint64(c5[j])<<40|uint64(c6[j])<<48|uint64(c7[j])<<56)
		}
	case 4:
		c0, c1, c2, c3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		for j := range c0 {
			binary.LittleEndian.PutUint32(dst[j*4:], uint32(c0[j])|uint32(c1[j])<<8|uint32(c2[j])<<16|uint32(c3[j])<<24)
		}
	default:
		for i := range typesize {
			col := src[i*n : (i+1)*n]
			for j, b := range col {
				dst[j*typesize+i] = b
			}
		}
	}
	copy(dst[n*typesize:], src[n*typesize:]) // bytes of no whole element stay in place
}

// Shuffle is Unshuffle' inverse.
func Shuffle(dst, src []byte, typesize int) {
	if typesize <= 1 || typesize > len(src) {
		copy(dst, src)
		return
	}
	n := len(src) / typesize
	if typesize == 8 {
		c0, c1, c2, c3 := dst[:n], dst[n:2*n], dst[2*n:3*n], dst[3*n:4*n]
		c4, c5, c6, c7 := dst[4*n:5*n], dst[5*n:6*n], dst[6*n:7*n], dst[7*n:8*n]
		for j := range c0 {
			v := binary.LittleEndian.Uint64(src[j*8:])
			c0[j], c1[j], c2[j], c3[j] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
			c4[j], c5[j], c6[j], c7[j] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
		}
	} else {
		for i := range typesize {
			col := dst[i*n : (i+1)*n]
			for j := range col {
				col[j] = src[j*typesize+i]
			}
		}
	}
	copy(dst[n*typesize:], src[n*typesize:])
}

// unshuffleBits undoes Blosc's bit shuffle. The shuffled block holds, for every bit of
// every byte of the element type, that bit of all elements, eight elements to a byte, for
// the largest multiple of eight elements; the rest is stored as is.
func unshuffleBits(dst, src []byte, typesize int) error {
	if typesize <= 0 || typesize > len(src) {
		copy(dst, src)
		return nil
	}
	n := len(src) / typesize
	n8 := n - n%8
	clear(dst[:n8*typesize])
	// Bit k (0..8*typesize) of element e is bit e%8 of byte k*(n8/8) + e/8.
	rowBytes := n8 / 8
	for k := 0; k < 8*typesize; k++ {
		byteInElem, bit := k/8, uint(k%8)
		row := src[k*rowBytes : (k+1)*rowBytes]
		for e8, v := range row {
			if v == 0 {
				continue
			}
			for b := range 8 {
				if v&(1<<uint(b)) != 0 {
					dst[(e8*8+b)*typesize+byteInElem] |= 1 << bit
				}
			}
		}
	}
	copy(dst[n8*typesize:], src[n8*typesize:])
	return nil
}

func (c Blosc) Encode(raw []byte) ([]byte, error) {
	format, ok := bloscCodecs[c.cname]
	if !ok {
		return nil, fmt.Errorf("blosc: unknown cname %q", c.cname)
	}
	if format == 0 {
		format = 1 // BloscLZ is written as LZ4, which every Blosc decoder reads
	}
	typesize := max(c.typesize, 1)
	blocksize := c.blocksize
	if blocksize <= 0 {
		blocksize = 256 << 10
	}
	blocksize = min(blocksize, max(len(raw), 1))
	if blocksize > typesize {
		blocksize -= blocksize % typesize
	}
	flags := bloscDontSplit | format<<5
	shuffle := c.shuffle
	if shuffle < 0 {
		shuffle = 1
	}
	if shuffle == 1 && typesize > 1 {
		flags |= bloscShuffle
	}
	nblocks := (len(raw) + blocksize - 1) / blocksize
	var out bytes.Buffer
	out.Write(make([]byte, bloscHeader+4*nblocks))
	offsets := make([]uint32, nblocks)
	shuffled := make([]byte, blocksize)
	for b := range nblocks {
		block := raw[b*blocksize : min((b+1)*blocksize, len(raw))]
		if flags&bloscShuffle != 0 {
			Shuffle(shuffled[:len(block)], block, typesize)
			block = shuffled[:len(block)]
		}
		offsets[b] = uint32(out.Len())
		enc, err := bloscCompress(format, block, c.clevel)
		if err != nil {
			return nil, fmt.Errorf("blosc: %w", err)
		}
		if len(enc) >= len(block) { // store raw: the length says so
			enc = block
		}
		binary.Write(&out, binary.LittleEndian, uint32(len(enc)))
		out.Write(enc)
	}
	frame := out.Bytes()
	frame[0], frame[1], frame[2], frame[3] = 2, 1, flags, byte(min(typesize, 255))
	binary.LittleEndian.PutUint32(frame[4:], uint32(len(raw)))
	binary.LittleEndian.PutUint32(frame[8:], uint32(blocksize))
	binary.LittleEndian.PutUint32(frame[12:], uint32(len(frame)))
	for b, o := range offsets {
		binary.LittleEndian.PutUint32(frame[bloscHeader+4*b:], o)
	}
	return frame, nil
}

func bloscCompress(format byte, block []byte, level int) ([]byte, error) {
	switch format {
	case 1:
		dst := make([]byte, lz4.CompressBlockBound(len(block)))
		n, err := lz4.CompressBlock(block, dst, nil)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return block, nil
		}
		return dst[:n], nil
	case 3:
		return Zlib{max(level, 1)}.Encode(block)
	case 4:
		return zstdCodec{max(level, 1)}.Encode(block)
	}
	return nil, fmt.Errorf("codec %d cannot be written", format)
}
