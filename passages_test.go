package neardup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
)

// lineSpans returns the byte span [start, end) of each line (1-based) of text, without its newline.
func lineSpans(text string) map[int][2]int {
	out := map[int][2]int{}
	off := 0
	for i, l := range strings.SplitAfter(text, "\n") {
		out[i+1] = [2]int{off, off + len(strings.TrimRight(l, "\n"))}
		off += len(l)
	}
	return out
}

// coverage is the share of the bytes of span [lo, hi) covered by the report's passages.
func coverage(r *neardup.PassageReport, lo, hi int) float64 {
	n := 0
	for b := lo; b < hi; b++ {
		for _, p := range r.Passages {
			if b >= p.Start && b < p.End {
				n++
				break
			}
		}
	}
	return float64(n) / float64(max(1, hi-lo))
}

// TestSeedArticlePassages: the scraped seed page's teaser repeats its lead, its paragraphs 2-8 appear twice, and
// it ends in a block of unrelated headlines. The repeats are flagged, each first copy links to its second, and
// the title, byline, date line and headline block are left alone. The report is pinned by a golden file (byte
// offsets only).
func TestSeedArticlePassages(t *testing.T) {
	raw, err := os.ReadFile(corpus.Shared(t, "seed-article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, err := ix.PassagesDoc(context.Background(), &neardup.Doc{ID: "seed", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	L := lineSpans(text)
	flagged := []struct {
		name   string
		lo, hi int
	}{
		{"teaser", L[2][0], L[2][1]}, {"lead", L[5][0], L[5][1]},
		{"paragraphs 2-8, first copy", L[6][0], L[12][1]}, {"paragraphs 2-8, second copy", L[13][0], L[19][1]},
	}
	for _, f := range flagged {
		if c := coverage(r, f.lo, f.hi); c < 0.95 {
			t.Errorf("%s: %.1f%% of its bytes flagged, want >= 95%%", f.name, 100*c)
		}
	}
	clean := []struct {
		name   string
		lo, hi int
	}{{"title", L[1][0], L[1][1]}, {"byline and date", L[3][0], L[4][1]}, {"headline block", L[20][0], L[36][1]}}
	for _, c := range clean {
		if cv := coverage(r, c.lo, c.hi); cv > 0.05 {
			t.Errorf("%s: %.1f%% of its bytes flagged, want <= 5%%", c.name, 100*cv)
		}
	}
	// Each first copy of paragraphs 2-8 links to its second copy.
	for line := 6; line <= 12; line++ {
		mid := (L[line][0] + L[line][1]) / 2
		want := (L[line+7][0] + L[line+7][1]) / 2
		found := false
		for _, p := range r.Passages {
			if mid < p.Start || mid >= p.End {
				continue
			}
			for _, m := range p.Matches {
				if m.ID == "seed" && want >= m.Start && want < m.End {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("line %d is not linked to its copy on line %d", line, line+7)
		}
	}
	got, _ := json.MarshalIndent(r, "", " ")
	golden := filepath.Join("testdata", "golden", "seed-article.passages.json")
	if *update {
		os.WriteFile(golden, append(got, '\n'), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run SeedArticle -update)", err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		t.Errorf("passages of the seed article differ from %s; rerun with -update if intended", golden)
	}
}

// TestCrossArticlePassages indexes an article and a second made of its middle three paragraphs inside unrelated
// text: passages of the second return the first's id with spans matching the shared bytes in both.
func TestCrossArticlePassages(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	var src *neardup.Doc
	for _, d := range docs {
		if strings.Count(d.Text, "\n\n") >= 6 {
			src = d
			break
		}
	}
	paras := strings.Split(src.Text, "\n\n")
	mid := strings.Join(paras[2:5], "\n\n")
	other := docs[len(docs)-1].Text
	otherParas := strings.Split(other, "\n\n")
	second := strings.Join(otherParas[:1], "\n\n") + "\n\n" + mid + "\n\n" + strings.Join(otherParas[1:], "\n\n")
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs[:50], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.AddDocs(context.Background(), []*neardup.Doc{src}, nil); err != nil {
		t.Fatal(err)
	}
	r, err := ix.PassagesDoc(context.Background(), &neardup.Doc{ID: "second", Text: second})
	if err != nil {
		t.Fatal(err)
	}
	sharedLo := strings.Index(second, mid)
	sharedHi := sharedLo + len(mid)
	srcLo := strings.Index(src.Text, mid)
	srcHi := srcLo + len(mid)
	ok := false
	for _, p := range r.Passages {
		for _, m := range p.Matches {
			if m.ID != src.ID {
				continue
			}
			t.Logf("passage [%d,%d) ↔ %s [%d,%d) J=%.2f; shared bytes [%d,%d) ↔ [%d,%d)", p.Start, p.End, m.ID, m.Start, m.End, m.Jaccard, sharedLo, sharedHi, srcLo, srcHi)
			if near(p.Start, sharedLo, second) && near(p.End, sharedHi, second) && near(m.Start, srcLo, src.Text) && near(m.End, srcHi, src.Text) {
				ok = true
			}
		}
	}
	if !ok {
		t.Errorf("no passage spans the shared paragraphs in both articles: %+v", r.Passages)
	}
	// And by id, once the second is indexed too.
	if _, err := ix.AddDocs(context.Background(), []*neardup.Doc{{ID: "second", Text: second}}, nil); err != nil {
		t.Fatal(err)
	}
	r, err = ix.PassagesID(context.Background(), "second")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Passages) == 0 || r.Passages[0].Matches[0].ID != src.ID {
		t.Errorf("PassagesID: %+v", r.Passages)
	}
}

// near reports whether offsets a and b are within one token of each other: only letters and digits of at most
// one word lie between them.
func near(a, b int, text string) bool {
	lo, hi := min(a, b), max(a, b)
	return len(strings.Fields(text[lo:hi])) <= 1
}

// TestBoilerplate: a "related stories" block glued to many different stories is boilerplate; with
// IgnoreBoilerplate two different stories sharing it are not near-duplicates, while a copy of a story with a
// different block still is.
func TestBoilerplate(t *testing.T) {
	docs := loadDocs(t, corpus.Sample())
	block := "Related stories: Justice Department announces new task force on fraud | Former official sentenced in bribery case | Court upholds ruling on environmental penalties | Read more from our newsroom today"
	other := "More from the site: Weather service warns of storms along the coast | Local team wins the championship in overtime | Markets close higher after a volatile week of trading"
	var set []*neardup.Doc
	for i, d := range docs[:30] {
		c := *d
		// Short stories, so that the block dominates their shingles.
		words := strings.Fields(c.Text)
		c.Text = strings.Join(words[:min(len(words), 15)], " ") + "\n\n" + block
		if i == 29 {
			c.ID = "copy-of-0"
			c.Text = strings.Join(strings.Fields(docs[0].Text)[:15], " ") + "\n\n" + other
		}
		set = append(set, &c)
	}
	// Another site's block, on a dozen other stories.
	for _, d := range docs[30:42] {
		c := *d
		c.Text = strings.Join(strings.Fields(c.Text)[:15], " ") + "\n\n" + other
		set = append(set, &c)
	}
	ix, err := neardup.Open(t.TempDir(), &neardup.Options{Config: &neardup.Config{Passages: true, Threshold: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
	bp, err := ix.TopBoilerplate(context.Background(), 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(bp) != 2 || bp[0].Articles != 29 || bp[1].Articles != 13 {
		t.Fatalf("boilerplate %+v, want the two blocks, in 29 and 13 articles", bp)
	}
	// Each with its text, from the stored text of its occurrence.
	if !strings.Contains(block, bp[0].Text) || !strings.Contains(other, bp[1].Text) || len(bp[0].Text) < 50 {
		t.Fatalf("boilerplate texts %q and %q, want parts of the two blocks", bp[0].Text, bp[1].Text)
	}
	r, err := ix.PassagesID(context.Background(), set[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Passages) == 0 || r.Passages[len(r.Passages)-1].Kind != "boilerplate" {
		t.Errorf("the block is not reported as boilerplate: %+v", r.Passages)
	}
	clusterOf := func(o neardup.DedupeOptions) map[string]int {
		m := map[string]int{}
		n := 0
		ix.DedupeWith(context.Background(), o, func(c neardup.Cluster) error {
			n++
			for _, x := range c.Members {
				m[x.ID] = n
			}
			return nil
		})
		return m
	}
	plain := clusterOf(neardup.DedupeOptions{Threshold: 0.5})
	if len(plain) < 4 {
		t.Fatalf("without IgnoreBoilerplate the block should join different stories: %v", plain)
	}
	ignored := clusterOf(neardup.DedupeOptions{Threshold: 0.5, IgnoreBoilerplate: true})
	if ignored["copy-of-0"] == 0 || ignored["copy-of-0"] != ignored[set[0].ID] || len(ignored) > 4 {
		t.Errorf("with IgnoreBoilerplate want one cluster, the story and its copy with another block: %v", ignored)
	}
	var lines []any
	n, err := ix.ReportPassages(context.Background(), func(v any) error { lines = append(lines, v); return nil })
	if err != nil || n != 0 || len(lines) == 0 {
		t.Errorf("report: %d articles with repeats, %d lines, %v", n, len(lines), err)
	}
}

// headlineBlock is site furniture: a block of headline links, one a line.
const headlineBlock = `Council Approves New Budget For Road Repairs After Long Debate -
Local Team Wins Regional Final In Dramatic Penalty Shootout -
Weather Service Warns Of Heavy Rain And Flooding This Weekend -
Museum Opens New Wing Dedicated To Industrial History Of The Town -
School Board Announces Plans For Two New Primary Schools -
Police Appeal For Witnesses After Overnight Break In At Pharmacy -
Hospital Trust Reports Shorter Waiting Times For Routine Surgery -
Festival Organisers Unveil Line Up For Summer Music Weekend -
Farmers Warn Of Poor Harvest After Dry Spring And Late Frost -
Rail Operator Promises Fewer Cancellations On Commuter Lines`

// TestBoilerplateBesideStory: twelve articles, each a different story followed (one line break apart) by the same
// block of headline links. The block is one boilerplate passage covering the block only; the story is never
// reported as boilerplate, whether the article is given by id or as a file whose copy is indexed.
func TestBoilerplateBesideStory(t *testing.T) {
	var docs []*neardup.Doc
	for i, d := range loadDocs(t, corpus.Sample())[:12] {
		// Each story ends with words of its own: DOJ releases often end alike ("... Criminal Division"), which
		// would make the words before the block repeated text too.
		// Paragraphs of about 40 words, one a line, as scraped pages have them.
		words := strings.Fields(d.Text)
		var paras []string
		for len(words) > 0 {
			n := min(40, len(words))
			paras = append(paras, strings.Join(words[:n], " "))
			words = words[n:]
		}
		story := strings.Join(paras, "\n")
		docs = append(docs, &neardup.Doc{ID: "page" + string(rune('a'+i)), Text: story + " Release " + strconv.Itoa(1000+i) + ".\n" + headlineBlock})
	}
	ix := buildIndex(t, docs, &neardup.Config{Passages: true})
	text := docs[0].Text
	block := strings.Index(text, "Council Approves")
	check := func(how string, r *neardup.PassageReport, tight bool) {
		t.Helper()
		n := 0
		for _, p := range r.Passages {
			if p.Kind != "boilerplate" {
				continue
			}
			n++
			// By id, spans are the index's paragraphs: the block's first line may share one with the story's
			// last sentence. From the text, the span starts on the block's first word.
			lo := block
			if !tight {
				lo = strings.LastIndex(text[:block-1], "\n") + 1
			}
			if p.Start < lo || p.End > len(text) {
				t.Errorf("%s: boilerplate %d-%d covers story text (the block is %d-%d): %.60q", how, p.Start, p.End, block, len(text), text[p.Start:p.End])
			}
			if tight && p.Start != block {
				t.Errorf("%s: boilerplate starts at %d, the block at %d", how, p.Start, block)
			}
			if p.Articles < 11 {
				t.Errorf("%s: boilerplate in %d articles, want 11 or more", how, p.Articles)
			}
		}
		if n != 1 {
			t.Errorf("%s: %d boilerplate passages, want the block as one: %+v", how, n, r.Passages)
		}
	}
	byID, err := ix.PassagesID(context.Background(), docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	check("by id", byID, false)
	byText, err := ix.PassagesDoc(context.Background(), &neardup.Doc{ID: "page.txt", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	check("by text", byText, true)
}

// TestTextPassagesWithoutIndex: repeats inside a text are found without an index.
func TestTextPassagesWithoutIndex(t *testing.T) {
	para := "The committee will publish its findings next month after hearing evidence from more than forty witnesses."
	text := para + "\n\nIn other news, the weather stayed mild.\n\n" + para
	r := neardup.TextPassages(&neardup.Doc{ID: "t", Text: text})
	words := strings.TrimSuffix(para, ".") // spans start and end on words
	if len(r.Passages) != 2 || text[r.Passages[0].Start:r.Passages[0].End] != words || text[r.Passages[1].Start:r.Passages[1].End] != words || r.Passages[1].Start <= len(para) {
		t.Fatalf("passages %+v, want the paragraph and its copy", r.Passages)
	}
}
