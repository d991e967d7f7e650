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

// isBreak reports whether the gap between two tokens holds a line break: a paragraph ends at a blank line or at a
// single newline, as scraped text uses either.
func isBreak(gap []byte) bool {
	return bytes.IndexByte(gap, '\n') >= 0 || bytes.IndexByte(gap, '\r') >= 0 ||
		bytes.Contains(gap, []byte("\u2028")) || bytes.Contains(gap, []byte("\u2029"))
}

// AppendPassages appends the passages of text, whose word tokens are toks, to dst.
func AppendPassages(dst []Passage, text []byte, toks []Token, o PassageOptions) []Passage {
	o = o.withDefaults()
	lo := 0
	for i := 1; i <= len(toks); i++ {
		if i < len(toks) && !isBreak(text[toks[i-1].End:toks[i].Start]) {
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
