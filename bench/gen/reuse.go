package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/internal/corpus"
)

// Carriers returns n carrier articles made from base: each is a longer article (at least twice the words) with a
// shorter one (50 to 300 words, two paragraphs or more) pasted in at a paragraph boundary, whole or, one time in
// two, with one of its paragraphs dropped, as a story quotes a press release or a wire item. It returns the
// articles used (shorter ones first, ids "short-N", then the longer ones, "long-N") and the carriers
// ("carrier-N"), so an index of all of them holds both sides of every pair. Seeded: the same seed gives the same
// articles.
func Carriers(base []corpus.Doc, n int, seed uint64) []*neardup.Doc {
	rng := rand.New(rand.NewPCG(seed, 0x63617272))
	var shorts, longs []corpus.Doc
	for _, d := range base {
		w := len(strings.Fields(d.Text))
		paras := len(strings.Split(d.Text, "\n\n"))
		if w >= 50 && w <= 300 && paras >= 2 {
			shorts = append(shorts, d)
		}
		if w >= 150 && paras >= 3 {
			longs = append(longs, d)
		}
	}
	if len(shorts) == 0 || len(longs) == 0 {
		return nil
	}
	var used, carriers []*neardup.Doc
	usedShort, usedLong := map[int]string{}, map[int]string{}
	for i := range n {
		si := rng.IntN(len(shorts))
		s := shorts[si]
		var l corpus.Doc
		li := -1
		for range 50 {
			li = rng.IntN(len(longs))
			if l = longs[li]; len(strings.Fields(l.Text)) >= 2*len(strings.Fields(s.Text)) && l.ID != s.ID {
				break
			}
			li = -1
		}
		if li < 0 {
			continue
		}
		if _, ok := usedShort[si]; !ok {
			usedShort[si] = fmt.Sprintf("short-%d", len(usedShort))
			used = append(used, &neardup.Doc{ID: usedShort[si], Title: s.Title, Text: s.Text})
		}
		if _, ok := usedLong[li]; !ok {
			usedLong[li] = fmt.Sprintf("long-%d", len(usedLong))
			used = append(used, &neardup.Doc{ID: usedLong[li], Title: l.Title, Text: l.Text})
		}
		pasted := strings.Split(s.Text, "\n\n")
		if rng.IntN(2) == 0 {
			k := rng.IntN(len(pasted))
			pasted = append(pasted[:k:k], pasted[k+1:]...)
		}
		paras := strings.Split(l.Text, "\n\n")
		at := 1 + rng.IntN(len(paras)-1)
		text := strings.Join(append(append(append([]string{}, paras[:at]...), pasted...), paras[at:]...), "\n\n")
		carriers = append(carriers, &neardup.Doc{ID: fmt.Sprintf("carrier-%d", i), Title: l.Title, Text: text})
	}
	return append(used, carriers...)
}

// Edition labels an article of a generated year: the series and the day (or week) of the edition it belongs
// to. Copies carry their edition's label.
type Edition struct {
	Series string
	Day    int
	Copy   bool
}

// Year returns a year of recurring templated stories, one edition a day from 2025-01-01, with syndicated copies
// published 1 to 12 hours after their edition (exact, retitled, or with a credit line added: all near-duplicates
// of it), and the edition of each article:
//
//   - "markets": a daily wrap, the same twelve sentences with new figures each day (prices, points, percentages).
//   - "weather": a daily forecast, the same sentences with one of three words in each of six slots (sunny,
//     cloudy, rain...), so two days' forecasts are often near-duplicates by Jaccard, yesterday's included.
//   - "listings": a weekly schedule, one text per weekday, one sentence changed each week: a Monday's
//     listing is a near-duplicate of last Monday's, not of Sunday's.
//
// Sentences come from base, so the texts read like news; seeded.
func Year(base []corpus.Doc, seed uint64) ([]*neardup.Doc, []Edition) {
	rng := rand.New(rand.NewPCG(seed, 0x79656172))
	var sentences []string
	for _, d := range base {
		for _, s := range strings.Split(strings.ReplaceAll(d.Text, "\n\n", " "), ". ") {
			if w := len(strings.Fields(s)); w >= 10 && w <= 30 {
				sentences = append(sentences, s+".")
			}
		}
	}
	pick := func() string { return sentences[rng.IntN(len(sentences))] }
	var docs []*neardup.Doc
	var eds []Edition
	start := time.Date(2025, 1, 1, 6, 0, 0, 0, time.UTC)
	add := func(series string, day int, title, text string) {
		at := start.Add(time.Duration(day) * 24 * time.Hour)
		id := fmt.Sprintf("%s-%03d", series, day)
		docs = append(docs, &neardup.Doc{ID: id, Title: title, Date: at.Format(time.RFC3339), Source: series, Text: text})
		eds = append(eds, Edition{Series: series, Day: day})
		for c := range rng.IntN(4) {
			cp := &neardup.Doc{ID: fmt.Sprintf("%s-copy-%d", id, c), Title: title, Source: "syndicated", Text: text,
				Date: at.Add(time.Duration(1+rng.IntN(12)) * time.Hour).Format(time.RFC3339)}
			switch rng.IntN(3) {
			case 1:
				cp.Title = "Today: " + title
			case 2:
				cp.Text = text + "\n\nReporting by the newsroom; editing by the desk."
			}
			docs = append(docs, cp)
			eds = append(eds, Edition{Series: series, Day: day, Copy: true})
		}
	}
	marketTmpl := make([]string, 12)
	for i := range marketTmpl {
		marketTmpl[i] = pick()
	}
	weatherTmpl := make([]string, 8)
	for i := range weatherTmpl {
		weatherTmpl[i] = pick()
	}
	slots := [][]string{{"sunny", "cloudy", "rainy"}, {"warm", "mild", "cold"}, {"calm", "breezy", "windy"},
		{"dry", "damp", "wet"}, {"clear", "hazy", "foggy"}, {"rising", "steady", "falling"}}
	listings := make([][]string, 7)
	for w := range listings {
		for range 10 {
			listings[w] = append(listings[w], pick())
		}
	}
	for day := range 365 {
		var b strings.Builder
		for i, s := range marketTmpl {
			fmt.Fprintf(&b, "%s The index closed at %d.%02d, %s %d points or %d.%d percent. ", s, 3000+rng.IntN(2000), rng.IntN(100),
				[]string{"up", "down"}[rng.IntN(2)], rng.IntN(90), rng.IntN(3), rng.IntN(10))
			if i%4 == 3 {
				b.WriteString("\n\n")
			}
		}
		add("markets", day, "Markets wrap", strings.TrimSpace(b.String()))
		b.Reset()
		for i, s := range weatherTmpl {
			if i < len(slots) {
				v := slots[i][rng.IntN(3)]
				fmt.Fprintf(&b, "%s Tomorrow will be %s across the region. ", s, v)
			} else {
				b.WriteString(s + " ")
			}
		}
		add("weather", day, "The forecast", strings.TrimSpace(b.String()))
		w := day % 7
		if day >= 7 {
			listings[w][rng.IntN(len(listings[w]))] = pick()
		}
		add("listings", day, time.Weekday((int(start.Weekday())+day)%7).String()+"'s listings", strings.Join(listings[w], " "))
	}
	return docs, eds
}
