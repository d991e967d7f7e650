package neardup

import (
	"context"
	"errors"
	"slices"

	"github.com/neardup/neardup/shingle"
	"github.com/neardup/neardup/store"
)

// Passage reporting.
const (
	// MinRepeatTokens is the shortest repeated run of tokens reported inside an article: shorter phrases ("the
	// company said") repeat in ordinary prose.
	MinRepeatTokens = 8
	// PassageThreshold is the least Jaccard similarity (word 5-shingles) at which two passages are reported.
	PassageThreshold = 0.5
	// BoilerplateArticles is the number of other articles a passage must appear in to be reported as boilerplate
	// (site furniture such as a "related stories" block) rather than as a duplicate.
	BoilerplateArticles = 10
	// maxPassageMatches caps the matches listed for one passage.
	maxPassageMatches = 20
	// maxPassageCandidates caps the candidates verified for one passage: a passage with more is boilerplate, and
	// its article count is then the number of candidate articles.
	maxPassageCandidates = 1000
)

// PassageMatch is a place where a passage appears again: in the same article (ID equal to the report's) or in
// another indexed article. Start and End are byte offsets into that article's text, end exclusive.
type PassageMatch struct {
	ID      string  `json:"id"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Jaccard float64 `json:"jaccard"`
}

// PassageHit is a span of the reported article that appears elsewhere.
type PassageHit struct {
	Start int `json:"start"`
	End   int `json:"end"`
	// Kind is "duplicate", or "boilerplate" when the passage appears in at least BoilerplateArticles other
	// articles (then Matches lists some of them and Articles counts them all).
	Kind     string         `json:"kind"`
	Articles int            `json:"articles,omitempty"`
	Matches  []PassageMatch `json:"matches"`
}

// PassageReport lists an article's repeated passages, in text order.
type PassageReport struct {
	ID       string       `json:"id"`
	Passages []PassageHit `json:"passages"`
}

// ErrNoPassages is returned when cross-article passages are asked of an index built without them.
var ErrNoPassages = errors.New("neardup: the index has no passages (it was created without them)")

// PassagesDoc reports the repeated passages of a text: runs of at least MinRepeatTokens tokens repeated inside
// it (exactly, or with a word or two changed), with tight spans on token boundaries; and its passages found in
// other indexed articles. On an index with containment anchors and stored texts (the defaults) those are
// aligned (AlignDoc): every copy, verbatim or edited, wherever it starts, one passage with both spans
// word-tight; a passage found in BoilerplateArticles articles or more is boilerplate. On an index without
// them, its paragraphs with a Jaccard of PassageThreshold or more to a paragraph of an indexed article, when
// the index holds passages (Config.Passages).
func (ix *Index) PassagesDoc(ctx context.Context, d *Doc) (*PassageReport, error) {
	if len(d.Text) > MaxArticleBytes {
		return nil, reject("text of %d bytes (the largest article is %d)", len(d.Text), MaxArticleBytes)
	}
	text := []byte(d.Text)
	tok := shingle.NewTokenizer()
	toks := tok.Tokens(nil, text)
	hits := repeatHits(nil, d.ID, toks, ix.p.ShingleSize)
	switch {
	case ix.CanAlign():
		as, err := ix.alignTokens(ctx, d.ID, toks, AlignOptions{}) // the text tokenised once
		if err != nil {
			return nil, err
		}
		hits = append(hits, alignedHits(as)...)
	case ix.p.PassageK > 0:
		w, err := ix.getWorker()
		if err != nil {
			return nil, err
		}
		defer ix.putWorker(w)
		ps := shingle.AppendPassages(nil, text, toks, shingle.PassageOptions{MinTokens: ix.p.PassageMin, Window: ix.p.PassageWindow})
		for _, p := range ps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			w.phash = shingle.AppendHashes(w.phash[:0], toks[p.Lo:p.Hi], ix.p.ShingleSize)
			w.psig = w.ph.Sum(w.psig[:0], w.phash)
			q := store.Passage{Start: p.Start, End: p.End, Bands: ix.plsh.AppendBandKeys(nil, w.psig), Set: store.MakeSet(nil, w.phash)}
			h, sets, err := ix.crossHit(q, d.ID)
			if err != nil {
				return nil, err
			}
			if h != nil {
				h.Start, h.End = tighten(toks[p.Lo:p.Hi], w.phash, ix.p.ShingleSize, sets, h.Kind == "boilerplate", h.Start, h.End)
				hits = append(hits, *h)
			}
		}
	}
	return &PassageReport{ID: d.ID, Passages: mergeHits(hits, textAdjacent(tok, text))}, nil
}

// CanAlign reports whether the index aligns texts with its articles (AlignDoc): it has containment anchors and
// keeps texts.
func (ix *Index) CanAlign() bool { return ix.p.Anchors > 0 && ix.p.Text }

// alignedHits turns a text's alignments into passage hits, each with its match and the word-5-shingle Jaccard
// of the two spans. Where BoilerplateArticles articles or more are aligned with the same bytes of the text, the
// text is boilerplate there (site furniture, a signature, a formula line): an alignment mostly inside such a
// region is a boilerplate hit, cut to the region; another loses the boilerplate at its ends (its source span
// cut by as many bytes: exact for a verbatim copy), so that a copy of the whole page is reported as a copy of
// its story, beside the block.
func alignedHits(as []Alignment) []PassageHit {
	if len(as) == 0 {
		return nil
	}
	type region struct{ lo, hi, articles int }
	var cuts []int
	for _, a := range as {
		cuts = append(cuts, a.Start, a.End)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var regions []region // runs of the text aligned in BoilerplateArticles articles or more
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		ids := map[string]bool{}
		for _, a := range as {
			if a.Start <= lo && a.End >= hi {
				ids[a.ID] = true
			}
		}
		if len(ids) < BoilerplateArticles {
			continue
		}
		if n := len(regions); n > 0 && regions[n-1].hi == lo {
			regions[n-1].hi, regions[n-1].articles = hi, max(regions[n-1].articles, len(ids))
		} else {
			regions = append(regions, region{lo, hi, len(ids)})
		}
	}
	var hits []PassageHit
	for _, a := range as {
		in, inLo, inHi, articles := 0, a.End, a.Start, 0
		for _, r := range regions {
			lo, hi := max(a.Start, r.lo), min(a.End, r.hi)
			if lo < hi {
				in += hi - lo
				inLo, inHi, articles = min(inLo, lo), max(inHi, hi), max(articles, r.articles)
			}
		}
		m := PassageMatch{ID: a.ID, Start: a.SourceStart, End: a.SourceEnd, Jaccard: a.Jaccard}
		switch {
		case in*2 >= a.End-a.Start:
			m.Start, m.End = cutSource(a, inLo, inHi)
			hits = append(hits, PassageHit{Start: inLo, End: inHi, Kind: "boilerplate", Articles: articles, Matches: []PassageMatch{m}})
		default:
			lo, hi := a.Start, a.End
			for _, r := range regions {
				if r.lo <= lo && r.hi > lo {
					lo = min(r.hi, hi)
				}
				if r.hi >= hi && r.lo < hi {
					hi = max(r.lo, lo)
				}
			}
			if lo >= hi {
				continue
			}
			m.Start, m.End = cutSource(a, lo, hi)
			hits = append(hits, PassageHit{Start: lo, End: hi, Kind: "duplicate", Matches: []PassageMatch{m}})
		}
	}
	return hits
}

// cutSource returns the source span of a cut to the text's bytes [lo, hi): as many bytes off each end.
func cutSource(a Alignment, lo, hi int) (int, int) {
	s0 := min(a.SourceEnd, a.SourceStart+(lo-a.Start))
	s1 := max(s0, a.SourceEnd-(a.End-hi))
	return s0, s1
}

// TextPassages reports the passages of a text repeated inside it, as PassagesDoc does, without an index: word
// 5-shingles, no cross-article passages.
func TextPassages(d *Doc) *PassageReport {
	text := []byte(d.Text)
	tok := shingle.NewTokenizer()
	toks := tok.Tokens(nil, text)
	hits := repeatHits(nil, d.ID, toks, shingle.DefaultSize)
	return &PassageReport{ID: d.ID, Passages: mergeHits(hits, textAdjacent(tok, text))}
}

// repeatHits appends a hit for each copy of each run repeated inside the text.
func repeatHits(hits []PassageHit, id string, toks []shingle.Token, size int) []PassageHit {
	for _, r := range repeats(toks, MinRepeatTokens) {
		a, b := span(toks, r.a, r.n), span(toks, r.b, r.m)
		j := tokenJaccard(toks[r.a:r.a+r.n], toks[r.b:r.b+r.m], size)
		hits = append(hits,
			PassageHit{Start: a[0], End: a[1], Matches: []PassageMatch{{ID: id, Start: b[0], End: b[1], Jaccard: round4(j)}}},
			PassageHit{Start: b[0], End: b[1], Matches: []PassageMatch{{ID: id, Start: a[0], End: a[1], Jaccard: round4(j)}}})
	}
	return hits
}

// textAdjacent says whether two spans of text follow each other: nothing but separators, and at most 16 bytes,
// between them.
func textAdjacent(tok *shingle.Tokenizer, text []byte) func(end, start int) bool {
	return func(end, start int) bool {
		if start < end || start-end > 16 {
			return false
		}
		return len(tok.Tokens(nil, text[end:start])) == 0
	}
}

// byteAdjacent says whether two spans of an article whose text is not at hand follow each other: at most a
// paragraph break between them.
func byteAdjacent(end, start int) bool { return start >= end && start-end <= 4 }

// PassagesID reports the passages of an indexed article found in other indexed articles, and its paragraphs
// repeated inside it, from what the index keeps (paragraph spans, not token-tight ones: the index does not keep
// texts; PassagesDoc on the text gives tight spans).
func (ix *Index) PassagesID(ctx context.Context, id string) (*PassageReport, error) {
	if ix.p.PassageK == 0 {
		return nil, ErrNoPassages
	}
	a, err := ix.st.Get(id)
	if err != nil {
		return nil, err
	}
	var hits []PassageHit
	for i, p := range a.Passages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j, o := range a.Passages {
			if i == j {
				continue
			}
			if jac, _ := store.Similarity(p.Set, o.Set, true, true); jac >= PassageThreshold && overlap(p, o) == 0 {
				hits = append(hits, PassageHit{Start: int(p.Start), End: int(p.End), Matches: []PassageMatch{{ID: id, Start: int(o.Start), End: int(o.End), Jaccard: round4(jac)}}})
			}
		}
		h, _, err := ix.crossHit(p, id)
		if err != nil {
			return nil, err
		}
		if h != nil {
			hits = append(hits, *h)
		}
	}
	return &PassageReport{ID: id, Passages: mergeHits(hits, byteAdjacent)}, nil
}

func overlap(a, b store.Passage) int {
	return max(0, int(min(a.End, b.End))-int(max(a.Start, b.Start)))
}

// tighten narrows a passage's span [start, end) to the words its matches share: from the first word of the
// first shared shingle to the last word of the last one. A shingle is shared when it is in one of the matched
// passages' sets or, for boilerplate (matched in many articles), in half of them at least: a page's own copy in
// the index must not stretch a block of site furniture over the story beside it. toks are the passage's tokens
// and hashes their k-shingle hashes.
func tighten(toks []shingle.Token, hashes []uint64, k int, sets []store.Set, boilerplate bool, start, end int) (int, int) {
	need := 1
	if boilerplate {
		need = max(2, len(sets)/2)
	}
	shared := func(h uint64) bool {
		n := 0
		for _, s := range sets {
			if _, ok := slices.BinarySearch(s, uint32(h>>32)); ok {
				n++
			}
		}
		return n >= need
	}
	first, last := -1, -1
	for i, h := range hashes {
		if shared(h) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return start, end
	}
	return int(toks[first].Start), int(toks[min(last+k, len(toks))-1].End)
}

// crossHit finds passage q in other articles; it also returns the shingle sets of the passages it matched.
func (ix *Index) crossHit(q store.Passage, self string) (*PassageHit, []store.Set, error) {
	cands, err := ix.st.PassageCandidates(q.Bands)
	if err != nil {
		return nil, nil, err
	}
	var sets []store.Set
	var ms []PassageMatch
	articles := 0
	var cur *store.Article
	curDoc := uint64(0)
	counted := uint64(0)
	capped := false
	if len(cands) > maxPassageCandidates {
		docs := 0
		for i, c := range cands {
			if i == 0 || c.Doc != cands[i-1].Doc {
				docs++
			}
		}
		if docs >= BoilerplateArticles {
			articles = docs
			cands = cands[:maxPassageCandidates]
			capped = true
		}
	}
	for _, c := range cands {
		if cur == nil || c.Doc != curDoc {
			cur, err = ix.st.GetDoc(c.Doc)
			curDoc = c.Doc
			if errors.Is(err, store.ErrNotFound) {
				cur = nil
				continue
			}
			if err != nil {
				return nil, nil, err
			}
		}
		if cur == nil || cur.ID == self || c.Index >= len(cur.Passages) {
			continue
		}
		p := cur.Passages[c.Index]
		jac, _ := store.Similarity(q.Set, p.Set, true, true)
		if jac < PassageThreshold {
			continue
		}
		if !capped && (articles == 0 || counted != c.Doc) {
			articles++
			counted = c.Doc
		}
		ms = append(ms, PassageMatch{ID: cur.ID, Start: int(p.Start), End: int(p.End), Jaccard: round4(jac)})
		if len(sets) < maxPassageMatches {
			sets = append(sets, p.Set)
		}
	}
	if len(ms) == 0 {
		return nil, nil, nil
	}
	h := &PassageHit{Start: int(q.Start), End: int(q.End), Matches: ms}
	if articles >= BoilerplateArticles {
		h.Kind, h.Articles = "boilerplate", articles
	}
	return h, sets, nil
}

// mergeHits sorts hits by span and merges into one passage, with all their matches, hits of the same kind that
// overlap, and hits of the same kind that follow each other (adjacent says so: nothing but separators between
// them) while matching consecutive spans of one article, as a run of copied paragraphs does. Hits of different
// kinds never merge: a boilerplate block next to a copied story stays two passages, each covering only its own
// text, and a merged passage keeps its kind.
func mergeHits(hits []PassageHit, adjacent func(end, start int) bool) []PassageHit {
	for i := range hits {
		if hits[i].Kind == "" {
			hits[i].Kind = "duplicate"
		}
	}
	slices.SortFunc(hits, func(a, b PassageHit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	var out []PassageHit
	last := map[string]int{} // kind → index in out of its latest passage
	for _, h := range hits {
		if i, ok := last[h.Kind]; ok {
			p := &out[i]
			if h.Start < p.End || adjacent(p.End, h.Start) && continues(p.Matches, h.Matches) {
				p.End = max(p.End, h.End)
				p.Matches = append(p.Matches, h.Matches...)
				p.Articles = max(p.Articles, h.Articles)
				continue
			}
		}
		last[h.Kind] = len(out)
		out = append(out, h)
	}
	for i := range out {
		out[i].Matches = mergeMatches(out[i].Matches)
		if len(out[i].Matches) > maxPassageMatches {
			out[i].Matches = out[i].Matches[:maxPassageMatches]
		}
	}
	if out == nil {
		out = []PassageHit{}
	}
	return out
}

// continues reports whether some match in next follows some match in prev in the same article.
func continues(prev, next []PassageMatch) bool {
	for _, a := range prev {
		for _, b := range next {
			if a.ID == b.ID && b.Start >= a.End && b.Start-a.End <= 16 {
				return true
			}
		}
	}
	return false
}

// mergeMatches merges the matches of one article that overlap or follow each other closely, and orders them by
// id and start.
func mergeMatches(ms []PassageMatch) []PassageMatch {
	slices.SortFunc(ms, func(a, b PassageMatch) int {
		if a.ID != b.ID {
			if a.ID < b.ID {
				return -1
			}
			return 1
		}
		return a.Start - b.Start
	})
	var out []PassageMatch
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].ID == m.ID && m.Start <= out[n-1].End+4 {
			last := &out[n-1]
			last.End = max(last.End, m.End)
			last.Jaccard = min(last.Jaccard, m.Jaccard)
			continue
		}
		out = append(out, m)
	}
	return out
}

func span(toks []shingle.Token, lo, n int) [2]int {
	return [2]int{int(toks[lo].Start), int(toks[lo+n-1].End)}
}

// tokenJaccard is the exact Jaccard similarity of the k-shingle sets of two token runs.
func tokenJaccard(a, b []shingle.Token, k int) float64 {
	sa := store.MakeSet(nil, shingle.AppendHashes(nil, a, k))
	sb := store.MakeSet(nil, shingle.AppendHashes(nil, b, k))
	j, _ := store.Similarity(sa, sb, true, true)
	return j
}

// run is a repeated token run: toks[a:a+n] appears again as toks[b:b+m], b > a.
type run struct{ a, n, b, m int }

// repeats finds the runs of at least w tokens repeated inside toks. Each w-token window is looked up among the
// windows before it (its most recent earlier occurrence, at least w tokens back); consecutive windows with the
// same offset form a run; runs whose offsets differ by at most 2 tokens and that follow each other within 3 tokens
// merge, so a repeat with a word changed, added or dropped is one repeat.
func repeats(toks []shingle.Token, w int) []run {
	if len(toks) < 2*w {
		return nil
	}
	hs := shingle.AppendHashes(nil, toks, w)
	last := make(map[uint64]int, len(hs))
	var runs []run
	cur := run{a: -1}
	flush := func() {
		if cur.a < 0 {
			return
		}
		if k := len(runs) - 1; k >= 0 {
			p := &runs[k]
			dp, dc := p.b-p.a, cur.b-cur.a
			if abs(dp-dc) <= 2 && cur.b-(p.b+p.m) <= 3 && cur.b >= p.b && cur.a >= p.a && cur.a-(p.a+p.n) <= 3 {
				p.n = max(p.n, cur.a+cur.n-p.a)
				p.m = max(p.m, cur.b+cur.m-p.b)
				cur = run{a: -1}
				return
			}
		}
		runs = append(runs, cur)
		cur = run{a: -1}
	}
	for i, h := range hs {
		j, ok := last[h]
		last[h] = i
		if !ok || i-j < w {
			flush()
			continue
		}
		if cur.a >= 0 && cur.b+cur.m-w+1 == i && cur.a+cur.n-w+1 == j {
			cur.n++
			cur.m++
			continue
		}
		flush()
		cur = run{a: j, n: w, b: i, m: w}
	}
	flush()
	for i := range runs {
		runs[i] = extend(toks, runs[i])
	}
	return runs
}

// extend grows a run left and right over equal tokens, stepping over one changed, added or dropped word when
// the two words after it agree again, so that a copy's edges are found even when fewer than w tokens separate
// an edit from the copy's end. The first copy never grows into the second.
func extend(toks []shingle.Token, r run) run {
	eq := func(i, j int) bool {
		return i >= 0 && j >= 0 && i < len(toks) && j < len(toks) && toks[i].Hash == toks[j].Hash
	}
	// Right.
	i, j := r.a+r.n, r.b+r.m
	for i < r.b && j < len(toks) {
		switch {
		case eq(i, j):
			i, j = i+1, j+1
		case eq(i+1, j+1) && eq(i+2, j+2) && i+1 < r.b:
			i, j = i+3, j+3
		case eq(i+1, j) && eq(i+2, j+1) && i+1 < r.b:
			i, j = i+3, j+2
		case eq(i, j+1) && eq(i+1, j+2):
			i, j = i+2, j+3
		default:
			r.n, r.m = i-r.a, j-r.b
			return extendLeft(toks, r, eq)
		}
	}
	i, j = min(i, r.b), min(j, len(toks))
	r.n, r.m = i-r.a, j-r.b
	return extendLeft(toks, r, eq)
}

func extendLeft(toks []shingle.Token, r run, eq func(i, j int) bool) run {
	i, j := r.a-1, r.b-1
	for i >= 0 && j >= r.a+r.n {
		switch {
		case eq(i, j):
			i, j = i-1, j-1
		case eq(i-1, j-1) && eq(i-2, j-2):
			i, j = i-3, j-3
		case eq(i-1, j) && eq(i-2, j-1):
			i, j = i-3, j-2
		case eq(i, j-1) && eq(i-1, j-2) && j-1 >= r.a+r.n:
			i, j = i-2, j-3
		default:
			goto done
		}
	}
done:
	i, j = max(i, -1), max(j, r.a+r.n-1)
	r.n += r.a - (i + 1)
	r.m += r.b - (j + 1)
	r.a, r.b = i+1, j+1
	return r
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
