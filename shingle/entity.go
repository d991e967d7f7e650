package shingle

import "unicode/utf8"

// entities are the named HTML character references decoded in text. Scraped news carries the punctuation and
// Latin-1 letters below; any other name is left as it is (its '&' and ';' separate, its name is a word).
var entities = map[string]rune{
	"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "nbsp": '\u00a0', "shy": '\u00ad',
	"ndash": '\u2013', "mdash": '\u2014', "hellip": '\u2026', "lsquo": '\u2018', "rsquo": '\u2019',
	"sbquo": '\u201a', "ldquo": '\u201c', "rdquo": '\u201d', "bdquo": '\u201e', "laquo": '\u00ab',
	"raquo": '\u00bb', "prime": '\u2032', "bull": '\u2022', "middot": '\u00b7', "copy": '\u00a9',
	"reg": '\u00ae', "trade": '\u2122', "deg": '\u00b0', "euro": '\u20ac', "pound": '\u00a3', "cent": '\u00a2',
	"yen": '\u00a5', "sect": '\u00a7', "para": '\u00b6', "times": '\u00d7', "divide": '\u00f7',
	"frac12": '\u00bd', "frac14": '\u00bc', "frac34": '\u00be', "zwj": '\u200d', "zwnj": '\u200c',
	"thinsp": '\u2009', "ensp": '\u2002', "emsp": '\u2003', "iexcl": '\u00a1', "iquest": '\u00bf',
	"szlig": 'ß', "aacute": 'á', "Aacute": 'Á', "agrave": 'à', "Agrave": 'À', "acirc": 'â', "Acirc": 'Â',
	"auml": 'ä', "Auml": 'Ä', "atilde": 'ã', "Atilde": 'Ã', "aring": 'å', "Aring": 'Å', "aelig": 'æ',
	"AElig": 'Æ', "ccedil": 'ç', "Ccedil": 'Ç', "eacute": 'é', "Eacute": 'É', "egrave": 'è', "Egrave": 'È',
	"ecirc": 'ê', "Ecirc": 'Ê', "euml": 'ë', "Euml": 'Ë', "iacute": 'í', "Iacute": 'Í', "igrave": 'ì',
	"Igrave": 'Ì', "icirc": 'î', "Icirc": 'Î', "iuml": 'ï', "Iuml": 'Ï', "ntilde": 'ñ', "Ntilde": 'Ñ',
	"oacute": 'ó', "Oacute": 'Ó', "ograve": 'ò', "Ograve": 'Ò', "ocirc": 'ô', "Ocirc": 'Ô', "ouml": 'ö',
	"Ouml": 'Ö', "otilde": 'õ', "Otilde": 'Õ', "oslash": 'ø', "Oslash": 'Ø', "uacute": 'ú', "Uacute": 'Ú',
	"ugrave": 'ù', "Ugrave": 'Ù', "ucirc": 'û', "Ucirc": 'Û', "uuml": 'ü', "Uuml": 'Ü', "yacute": 'ý',
	"Yacute": 'Ý', "yuml": 'ÿ', "eth": 'ð', "ETH": 'Ð', "thorn": 'þ', "THORN": 'Þ',
}

// maxEntity is the longest reference decoded: "&#x10FFFF;" and the longest name above.
const maxEntity = 10

// decodeEntity decodes the character reference at the start of b, which begins with '&'. It returns the rune and
// the reference's length, or size 0 when b does not start with a reference it knows. Numeric references outside
// Unicode, surrogates and NUL decode to U+FFFD, a separator.
func decodeEntity(b []byte) (rune, int) {
	if len(b) > maxEntity+2 {
		b = b[:maxEntity+2]
	}
	if len(b) < 3 {
		return 0, 0
	}
	if b[1] == '#' {
		i, base := 2, rune(10)
		if b[2] == 'x' || b[2] == 'X' {
			i, base = 3, 16
		}
		var r rune
		digits := 0
		for ; i < len(b) && b[i] != ';'; i++ {
			d := hexVal(b[i])
			if d < 0 || d >= base {
				return 0, 0
			}
			r = r*base + d
			digits++
			if r > utf8.MaxRune {
				r = utf8.MaxRune + 1
			}
		}
		if i == len(b) || digits == 0 {
			return 0, 0
		}
		if r == 0 || r > utf8.MaxRune || (r >= 0xd800 && r < 0xe000) {
			r = utf8.RuneError
		}
		return r, i + 1
	}
	for i := 1; i < len(b); i++ {
		if b[i] == ';' {
			if r, ok := entities[string(b[1:i])]; ok {
				return r, i + 1
			}
			return 0, 0
		}
		if c := b[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return 0, 0
		}
	}
	return 0, 0
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}
