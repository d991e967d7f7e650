package shingle

import "bytes"

// Passage is a paragraph of an article, or a window of a long paragraph.
type Passage struct {
	// Start and End are byte offsets into the original text, end exclusive: from the first token's start to the
	// last token's end.
	Start, End uint32
	// Lo and Hi index the passage's tokens in the token slice it was cut from, Hi exclusive.
	Lo, Hi int
}

// PassageOptions configure [AppendPassages]. Zero fields take the defaults.
type PassageOptions struct {
	// MinTokens drops paragraphs shorter than this many tokens (default 8): phrases such as "the company said"
	// are not passages.
	MinTokens int
	// Window is the longest passage in tokens (default 64). A longer paragraph is cut into windows of Window
	// tokens that start every Window/2 tokens, the last one ending with the paragraph, so any repeated run of
	// Window/2 tokens or more lies wholly inside some window.
	Window int
}

// DefaultPassageOptions are the passage defaults.
var DefaultPassageOptions = PassageOptions{MinTokens: 8, Window: 64}

func (o PassageOptions) withDefaults() PassageOptions {
	if o.MinTokens <= 0 {
		o.MinTokens = DefaultPassageOptions.MinTokens
	}
	if o.Window <= 0 {
		o.Window = DefaultPassageOptions.Window
	}
	if o.Window < 2 {
		o.Window = 2
	}
	return o
}

// isBreak reports whether the gap between two tokens ends a paragraph. Scraped text marks paragraphs either
// way: with blank lines (and then single newlines are mere line wrapping, as in e-mail and Usenet posts) or, when
// the text has no blank line at all, with single newlines.
func isBreak(gap []byte, blankLines bool) bool {
	if bytes.Contains(gap, []byte("\u2029")) {
		return true
	}
	if blankLines {
		return lineBreaks(gap) >= 2
	}
	return lineBreaks(gap) >= 1 || bytes.Contains(gap, []byte("\u2028"))
}

// lineBreaks counts the line breaks in gap (LF, CRLF or a lone CR each count once).
func lineBreaks(gap []byte) int {
	n := 0
	for i, c := range gap {
		if c == '\n' || c == '\r' && (i+1 == len(gap) || gap[i+1] != '\n') {
			n++
		}
	}
	return n
}

// hasBlankLine reports whether text holds a line with nothing but spaces and tabs on it.
func hasBlankLine(text []byte) bool {
	for i := bytes.IndexByte(text, '\n'); i >= 0 && i+1 < len(text); {
		j := i + 1
		for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
			j++
		}
		if j < len(text) && text[j] == '\n' {
			return true
		}
		k := bytes.IndexByte(text[j:], '\n')
		if k < 0 {
			return false
		}
		i = j + k
	}
	return false
}

// AppendPassages appends the passages of text, whose word tokens are toks, to dst.
func AppendPassages(dst []Passage, text []byte, toks []Token, o PassageOptions) []Passage {
	o = o.withDefaults()
	blank := hasBlankLine(text)
	lo := 0
	for i := 1; i <= len(toks); i++ {
		if i < len(toks) && !isBreak(text[toks[i-1].End:toks[i].Start], blank) {
			continue
		}
		dst = appendParagraph(dst, toks, lo, i, o)
		lo = i
	}
	return dst
}

func appendParagraph(dst []Passage, toks []Token, lo, hi int, o PassageOptions) []Passage {
	n := hi - lo
	if n < o.MinTokens {
		return dst
	}
	add := func(a, b int) {
		dst = append(dst, Passage{Start: toks[a].Start, End: toks[b-1].End, Lo: a, Hi: b})
	}
	if n <= o.Window {
		add(lo, hi)
		return dst
	}
	stride := o.Window / 2
	for a := lo; ; a += stride {
		if a+o.Window >= hi {
			add(hi-o.Window, hi)
			return dst
		}
		add(a, a+o.Window)
	}
}
