// Package corrupt damages files for the fuzz targets of the file readers: the same few
// corruptions (bytes overwritten, the file cut short) for every format.
package corrupt

// Bytes is a copy of raw with up to two bytes overwritten (positions past the end are
// ignored) and, when cut is inside it, cut short there: the fuzz targets' corruptions.
func Bytes(raw []byte, at1 uint32, v1 byte, at2 uint32, v2 byte, cut uint32) []byte {
	out := append([]byte{}, raw...)
	for _, m := range []struct {
		at uint32
		v  byte
	}{{at1, v1}, {at2, v2}} {
		if int(m.at) < len(out) {
			out[m.at] = m.v
		}
	}
	if cut > 0 && int(cut) < len(out) {
		out = out[:cut]
	}
	return out
}
