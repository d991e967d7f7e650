package shingle

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/neardup/neardup/internal/corpus"
)

var update = flag.Bool("update", false, "rewrite golden files")

func tokenStrings(t *testing.T, text string) []string {
	t.Helper()
	tk := NewTokenizer()
	var out []string
	for _, tok := range tk.Tokens(nil, []byte(text)) {
		out = append(out, string(tk.tokenText([]byte(text)[tok.Start:tok.End])))
	}
	return out
}

func TestTokenRules(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"ascii lower", "The Quick BROWN fox", []string{"the", "quick", "brown", "fox"}},
		{"possessive straight", "Russia's", []string{"russia's"}},
		{"possessive curly", "Russia\u2019s", []string{"russia's"}},
		{"possessive entity", "Russia&#8217;s", []string{"russia's"}},
		{"possessive named entity", "Russia&rsquo;s", []string{"russia's"}},
		{"trailing apostrophe", "the Smiths' house", []string{"the", "smiths", "house"}},
		{"hyphen splits", "al-Assad", []string{"al", "assad"}},
		{"abbreviation", "the U.S. said", []string{"the", "u", "s", "said"}},
		{"fraction", "6-1/4 pct", []string{"6", "1/4", "pct"}},
		{"thousands", "1,000,000 dlrs", []string{"1,000,000", "dlrs"}},
		{"decimal", "rose 3.5 pct.", []string{"rose", "3.5", "pct"}},
		{"comma between words", "red,green", []string{"red", "green"}},
		{"sentence glued", "Nations.The", []string{"nations", "the"}},
		{"url", "https://www.reuters.com/a-b?x=1", []string{"https", "www", "reuters", "com", "a", "b", "x", "1"}},
		{"amp entity", "AT&amp;T", []string{"at", "t"}},
		{"unknown entity", "a &bogus; b", []string{"a", "bogus", "b"}},
		{"nbsp entity", "a&nbsp;b", []string{"a", "b"}},
		{"accent entity", "caf&eacute;", []string{"café"}},
		{"nfkc ligature", "\ufb01nance", []string{"finance"}},
		{"nfkc fullwidth", "\uff21\uff22\uff23 \uff11\uff12", []string{"abc", "12"}},
		{"casefold sharp s", "Stra\u00dfe STRASSE", []string{"strasse", "strasse"}},
		{"combining accent composes", "cafe\u0301 caf\u00e9", []string{"café", "café"}},
		{"soft hyphen dropped", "exam\u00adple", []string{"example"}},
		{"zero width dropped", "news\u200bpaper", []string{"newspaper"}},
		{"bom dropped", "\ufeffHello", []string{"hello"}},
		{"control separates", "a\x00b\x07c", []string{"a", "b", "c"}},
		{"em dash", "war\u2014peace", []string{"war", "peace"}},
		{"ellipsis", "wait\u2026what", []string{"wait", "what"}},
		{"curly quotes", "\u201cHello\u201d", []string{"hello"}},
		{"invalid utf8 separates", "ab\xffcd", []string{"ab", "cd"}},
		{"han per char", "北京新闻", []string{"北", "京", "新", "闻"}},
		{"japanese mixed", "東京でニュース", []string{"東", "京", "で", "ニ", "ュ", "ー", "ス"}},
		{"thai with marks", "ข่าว", []string{"ข่", "า", "ว"}},
		{"cyrillic", "Москва Новости", []string{"москва", "новости"}},
		{"greek final sigma folds", "ΟΔΟΣ", []string{"οδοσ"}},
		{"empty", "", nil},
		{"only punctuation", "--- ... !!!", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tokenStrings(t, tc.in)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("tokens(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSpans(t *testing.T) {
	in := []byte("  Caf&eacute; Russia\u2019s  U.S.\n6-1/4")
	tk := NewTokenizer()
	toks := tk.Tokens(nil, in)
	want := []string{"Caf&eacute;", "Russia\u2019s", "U", "S", "6", "1/4"}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens, want %d", len(toks), len(want))
	}
	for i, tok := range toks {
		if got := string(in[tok.Start:tok.End]); got != want[i] {
			t.Errorf("token %d spans %q, want %q", i, got, want[i])
		}
	}
}

func TestEquivalentFormsHashEqual(t *testing.T) {
	s, _ := New(Options{})
	a := s.Hashes(nil, []byte("Russia\u2019s President Vladimir Putin launched a \u201cnew\u201d coalition \u2014 today"))
	b := s.Hashes(nil, []byte("RUSSIA'S president vladimir putin launched a \"new\" coalition - today"))
	if !equalU64(a, b) {
		t.Errorf("typographic and ASCII forms hash differently:\n%x\n%x", a, b)
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestShingleCounts(t *testing.T) {
	s, _ := New(Options{Size: 3})
	for _, tc := range []struct {
		in   string
		want int
	}{{"", 0}, {"one", 1}, {"one two", 1}, {"one two three", 1}, {"one two three four", 2}, {"a b c d e f", 4}} {
		if got := len(s.Hashes(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("%q: %d shingles, want %d", tc.in, got, tc.want)
		}
	}
	// Short texts with different lengths must not collide with each other.
	h1 := s.Hashes(nil, []byte("one"))
	h2 := s.Hashes(nil, []byte("one two"))
	if h1[0] == h2[0] {
		t.Error("1-token and 2-token shingles collide")
	}
}

func TestRollingMatchesDirect(t *testing.T) {
	tk := NewTokenizer()
	text := []byte(strings.Repeat("alpha beta gamma delta epsilon zeta eta theta ", 20))
	toks := tk.Tokens(nil, text)
	for _, k := range []int{1, 2, 5, 9} {
		got := AppendShingles(nil, toks, k)
		for i, sh := range got {
			want := fmix64(window(toks[i:i+k]) + uint64(k)*lenMix)
			if sh.Hash != want {
				t.Fatalf("k=%d shingle %d: rolling %x, direct %x", k, i, sh.Hash, want)
			}
			if sh.Start != toks[i].Start || sh.End != toks[i+k-1].End {
				t.Fatalf("k=%d shingle %d: span [%d,%d)", k, i, sh.Start, sh.End)
			}
		}
	}
}

func TestCharShingles(t *testing.T) {
	s, err := New(Options{Unit: Chars, Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	in := []byte("Ab, cd")
	sh := s.Shingles(nil, in)
	// normalised "ab cd": 5 characters, 3 trigrams
	if len(sh) != 3 {
		t.Fatalf("got %d char shingles, want 3", len(sh))
	}
	if got := string(in[sh[0].Start:sh[0].End]); got != "Ab, " {
		t.Errorf("first trigram spans %q", got)
	}
	a := s.Hashes(nil, []byte("AB  CD"))
	b := s.Hashes(nil, []byte("ab cd"))
	if !equalU64(a, b) {
		t.Error("char shingles differ for equivalent texts")
	}
}

func TestOptionsValidate(t *testing.T) {
	if _, err := New(Options{Size: 65}); err == nil {
		t.Error("size 65 accepted")
	}
	if _, err := New(Options{Size: -1}); err == nil {
		t.Error("size -1 accepted")
	}
	if _, err := New(Options{Unit: 7}); err == nil {
		t.Error("unit 7 accepted")
	}
	if u, err := ParseUnit("chars"); err != nil || u != Chars {
		t.Error("ParseUnit(chars)")
	}
	if _, err := ParseUnit("bytes"); err == nil {
		t.Error("ParseUnit(bytes) accepted")
	}
}

// TestGoldenHashes pins token and shingle hashes: stored indexes depend on them.
func TestGoldenHashes(t *testing.T) {
	s, _ := New(Options{})
	got := s.Hashes(nil, []byte("The quick brown fox jumps over the lazy dog."))
	want := []uint64{goldenShingles[0], goldenShingles[1], goldenShingles[2], goldenShingles[3], goldenShingles[4]}
	if !equalU64(got, want) {
		t.Errorf("shingle hashes changed: got %#x", got)
	}
	tk := NewTokenizer()
	if h := tk.Tokens(nil, []byte("Fox"))[0].Hash; h != 0xbce6c02d5136f238 {
		t.Errorf("token hash of Fox = %#x", h)
	}
}

func TestPassages(t *testing.T) {
	text := []byte("Short line.\n" +
		"This paragraph has well over eight tokens in it, so it counts.\n" +
		"So does this one, written on the very next line of text.\r\n" +
		strings.Repeat("w ", 150))
	tk := NewTokenizer()
	toks := tk.Tokens(nil, text)
	ps := AppendPassages(nil, text, toks, PassageOptions{})
	if len(ps) < 4 {
		t.Fatalf("got %d passages", len(ps))
	}
	if got := string(text[ps[0].Start:ps[0].End]); got != "This paragraph has well over eight tokens in it, so it counts" {
		t.Errorf("passage 0 = %q", got)
	}
	if got := string(text[ps[1].Start:ps[1].End]); got != "So does this one, written on the very next line of text" {
		t.Errorf("passage 1 = %q", got)
	}
	// 150 tokens in windows of 64 every 32: starts 0, 32, 64, then one ending at 150.
	long := ps[2:]
	if len(long) != 4 {
		t.Fatalf("long paragraph cut into %d windows, want 4", len(long))
	}
	for _, p := range long {
		if p.Hi-p.Lo != 64 {
			t.Errorf("window of %d tokens", p.Hi-p.Lo)
		}
	}
	if long[3].Hi != len(toks) {
		t.Error("last window does not end the paragraph")
	}

	// With blank lines, single newlines are line wrapping inside a paragraph.
	wrapped := []byte("A paragraph wrapped at a narrow width,\nas e-mail and Usenet posts are, goes on\nfor three lines.\n\n" +
		"The second paragraph is also\nwrapped but it is one passage.\n")
	toks = tk.Tokens(nil, wrapped)
	ps = AppendPassages(nil, wrapped, toks, PassageOptions{})
	if len(ps) != 2 || string(wrapped[ps[1].Start:ps[1].End]) != "The second paragraph is also\nwrapped but it is one passage" {
		t.Errorf("wrapped text: %d passages %+v", len(ps), ps)
	}
}

// TestGoldenArticles compares whole-article tokenisation with files under testdata: *.input → *.golden.
func TestGoldenArticles(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.input")
	seed := filepath.Join("..", "..", "shared", "data", "seed-article.txt")
	if _, err := os.Stat(seed); err == nil {
		inputs = append(inputs, seed)
	}
	if len(inputs) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := renderGolden(text, !strings.HasPrefix(in, "testdata"))
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; rerun with -update if the change is intended (it invalidates stored indexes)", in, golden)
			}
		})
	}
}

// renderGolden lists tokens, shingles and passages; for corpora that must not be copied into the repo it leaves
// out the token text.
func renderGolden(text []byte, hideText bool) []byte {
	var b bytes.Buffer
	s, _ := New(Options{})
	toks := s.tok.Tokens(nil, text)
	b.WriteString("# tokens: start end hash text\n")
	for _, tok := range toks {
		line := []string{u32(tok.Start), u32(tok.End), hex(tok.Hash)}
		if !hideText {
			line = append(line, string(s.tok.tokenText(text[tok.Start:tok.End])))
		}
		b.WriteString(strings.Join(line, " "))
		b.WriteByte('\n')
	}
	b.WriteString("# shingles: start end hash\n")
	for _, sh := range AppendShingles(nil, toks, DefaultSize) {
		b.WriteString(u32(sh.Start) + " " + u32(sh.End) + " " + hex(sh.Hash) + "\n")
	}
	b.WriteString("# passages: start end tokens\n")
	for _, p := range AppendPassages(nil, text, toks, PassageOptions{}) {
		b.WriteString(u32(p.Start) + " " + u32(p.End) + " " + u32(uint32(p.Hi-p.Lo)) + "\n")
	}
	return b.Bytes()
}

func u32(v uint32) string { return strconvU(uint64(v), 10) }
func hex(v uint64) string { return strconvU(v, 16) }

func strconvU(v uint64, base uint64) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for v > 0 {
		i--
		buf[i] = digits[v%base]
		v /= base
	}
	return string(buf[i:])
}

func TestNormalizeIdempotent(t *testing.T) {
	tk := NewTokenizer()
	for _, in := range []string{"Russia\u2019s \u201cU.S.\u201d", "\ufb01 \u2488 \u00bd ß", "caf&eacute; 1,000.5"} {
		once := tk.Normalize(nil, []byte(in))
		twice := tk.Normalize(nil, once)
		if !bytes.Equal(once, twice) {
			t.Errorf("Normalize not idempotent on %q: %q then %q", in, once, twice)
		}
	}
}

func TestAllocs(t *testing.T) {
	s, _ := New(Options{})
	text := []byte(strings.Repeat("Russia\u2019s President said on Sunday the U.S. economy grew 3.5 pct. caf&eacute; ", 50))
	dst := make([]uint64, 0, 4096)
	var ps []Passage
	s.Hashes(dst, text)
	allocs := testing.AllocsPerRun(20, func() {
		dst = s.Hashes(dst[:0], text)
		ps = AppendPassages(ps[:0], text, s.toks, PassageOptions{})
	})
	if allocs != 0 {
		t.Errorf("Hashes allocates %.1f times per article once warm", allocs)
	}
}

func TestSWARMatchesTables(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			var b [8]byte
			for i := range b {
				b[i] = 'x'
			}
			b[pos] = byte(c)
			w := uint64(0)
			for i := 7; i >= 0; i-- {
				w = w<<8 | uint64(b[i])
			}
			m := alnumMask(w)
			isWord := lowerWord[c] != 0
			if got := m>>(8*pos+7)&1 == 1; got != isWord {
				t.Fatalf("byte %#x at %d: alnum %v, table %v", c, pos, got, isWord)
			}
			if isWord {
				if got := byte(lower8(w, m) >> (8 * pos)); got != lowerWord[c] {
					t.Fatalf("byte %#x lower-cased to %#x, want %#x", c, got, lowerWord[c])
				}
			}
		}
	}
	text := []byte("Hello WORLD abcdefghijklmnopqrstuvwxyz0123456789 x")
	if got := runEnd(text, 12); got != 48 {
		t.Errorf("runEnd = %d", got)
	}
	if got := string(lowerInto(nil, text[6:11])); got != "world" {
		t.Errorf("lowerInto = %q", got)
	}
}

// TestRuneClassTable: the table runeClass reads for the Basic Multilingual Plane is classify's, rune for rune,
// and runes beyond it are classified by classify.
func TestRuneClassTable(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 1<<16 && r%97 != 0 {
			continue // beyond the table runeClass calls classify itself: a sample is enough
		}
		if got, want := runeClass(r), classify(r); got != want {
			t.Fatalf("runeClass(%U) = %d, classify says %d", r, got, want)
		}
	}
}

// TestNormalisedWordCache: the tokens of text with accents, ideographs, marks, typographic apostrophes and
// compatibility forms are the same with the cache of normalised words, cold and warm, as without it; the words
// are many more than the cache holds, so entries are replaced and slots shared.
func TestNormalisedWordCache(t *testing.T) {
	letters := []rune("aeéèêëäöüßøåçñÅÉÖÜİıﬁ½ⅣＡ１北京新闻東京でニュースข่าวМоскваΑθήνα\u0301\u00ad'\u2019.1")
	rng := rand.New(rand.NewPCG(13, 14))
	var b strings.Builder
	for range 40000 {
		for range 1 + rng.IntN(9) {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		b.WriteString([]string{" ", ", ", " — ", "\n\n", "&eacute; "}[rng.IntN(5)])
	}
	// Words that agree in their first 8 bytes and their length, and differ after: the whole key must match.
	for range 6000 {
		b.WriteString("éabcdef")
		for range 3 {
			b.WriteByte("abcdefghijklmnop"[rng.IntN(16)])
		}
		b.WriteByte(' ')
	}
	text := []byte(b.String())
	plain := NewTokenizer()
	plain.wantText = true // no cache
	want := plain.Tokens(nil, text)
	cached := NewTokenizer()
	for pass := range 2 {
		got := cached.Tokens(nil, text)
		if len(got) != len(want) {
			t.Fatalf("pass %d: %d tokens with the cache, %d without", pass, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("pass %d: token %d %q: %+v with the cache, %+v without", pass, i, text[want[i].Start:want[i].End], got[i], want[i])
			}
		}
	}
	if cached.cacheU == nil {
		t.Fatal("the cache was never used")
	}
}

// TestFastWordsMatchScan: the tokens of fastWords and of scan's own paths are the same, span for span and hash for
// hash, on real articles (the DOJ sample, Reuters-21578 when ../shared/data holds it, the golden inputs) and on
// random texts built from the bytes at which fastWords hands over: joiners, entities, non-ASCII letters, words
// across the 8- and 16-byte loads, and text ends.
func TestFastWordsMatchScan(t *testing.T) {
	var texts [][]byte
	docs, err := corpus.Load(corpus.Sample())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := corpus.SharedPath("reuters21578.jsonl"); err == nil {
		more, err := corpus.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, more...)
	} else {
		t.Log("../shared/data/reuters21578.jsonl is absent: DOJ sample, golden inputs and random texts only")
	}
	for _, d := range docs {
		texts = append(texts, []byte(d.Text))
	}
	inputs, _ := filepath.Glob("testdata/*.input")
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, b)
	}
	pieces := []string{"a", "Ab", "said", "Reuters", "abcdefg", "abcdefgh", "ABCDEFGHI", "abcdefghijklmno",
		"abcdefghijklmnop", "abcdefghijklmnopq", "1", "1987", "3.5", "1,000", "6-1/4", "U.S.", "don't", "it's",
		"caf&eacute;", "&amp;", "&#70;", "&", "café", "naïve", "北京", "\u2019", "'", ".", ",", "/", " ", "  ", "\n",
		"-", "(", ")", "\"", "\xff", "\u00ad"}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		texts = append(texts, b)
	}
	fast, slow := NewTokenizer(), NewTokenizer()
	slow.slow = true
	for i, text := range texts {
		got, want := fast.Tokens(nil, text), slow.Tokens(nil, text)
		if len(got) != len(want) {
			t.Fatalf("text %d %q: %d tokens, scan's paths give %d", i, text, len(got), len(want))
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("text %d %q: token %d %+v (%q), scan's paths give %+v (%q)", i, text, j, got[j],
					text[got[j].Start:got[j].End], want[j], text[want[j].Start:want[j].End])
			}
		}
	}
}

// TestArabicWords: Arabic script with its combining marks (harakat, shadda, sukun) tokenises into whole words,
// the marks inside them, punctuation (the Arabic comma) between; Devanagari's vowel signs likewise.
func TestArabicWords(t *testing.T) {
	text := []byte("كَتَبَ الوَلَدُ الدَّرْسَ في المدرسة، ثم ذهب. हिन्दी भाषा")
	want := []string{"كَتَبَ", "الوَلَدُ", "الدَّرْسَ", "في", "المدرسة", "ثم", "ذهب", "हिन्दी", "भाषा"}
	toks := NewTokenizer().Tokens(nil, text)
	if len(toks) != len(want) {
		t.Fatalf("%d tokens, want %d", len(toks), len(want))
	}
	for i, tk := range toks {
		if got := string(text[tk.Start:tk.End]); got != want[i] {
			t.Errorf("token %d: %q, want %q", i, got, want[i])
		}
	}
}
