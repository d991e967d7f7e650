package neardup_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/neardup/neardup"
)

// TestDedupeWindow pins the window rule: pairs at most the window apart, no cluster spanning more, and an
// article without a date joining one cluster without stretching it.
func TestDedupeWindow(t *testing.T) {
	text := "The harbour authority said on Monday that the northern pier would close for repairs through the spring, with ferries moving to the southern terminal and extra buses laid on for passengers from the town centre."
	docs := []*neardup.Doc{
		{ID: "mon", Date: "2024-03-04T08:00:00Z", Text: text},
		{ID: "mon-copy", Date: "2024-03-04T10:00:00Z", Text: text},
		{ID: "tue", Date: "2024-03-05T08:00:00Z", Text: text},
		{ID: "tue-copy", Date: "2024-03-05T09:00:00Z", Text: text},
		{ID: "undated", Text: text},
	}
	ix := buildIndex(t, docs, nil)
	clusters := func(w time.Duration) [][]string {
		var out [][]string
		_, err := ix.DedupeWith(context.Background(), neardup.DedupeOptions{Threshold: 0.8, Window: w}, func(c neardup.Cluster) error {
			var ids []string
			for _, m := range c.Members {
				ids = append(ids, m.ID)
			}
			slices.Sort(ids)
			out = append(out, ids)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := clusters(0); len(got) != 1 || len(got[0]) != 5 {
		t.Errorf("without a window: %v", got)
	}
	got := clusters(12 * time.Hour)
	if len(got) != 2 {
		t.Fatalf("with 12h: %v, want the two days apart", got)
	}
	seen := 0
	for _, c := range got {
		if slices.Contains(c, "undated") {
			seen++
		}
		if slices.Contains(c, "mon") != slices.Contains(c, "mon-copy") || slices.Contains(c, "tue") != slices.Contains(c, "tue-copy") || slices.Contains(c, "mon") == slices.Contains(c, "tue") {
			t.Errorf("with 12h: cluster %v mixes the days or parts a copy from its story", c)
		}
	}
	if seen != 1 {
		t.Errorf("the undated article is in %d clusters, want 1", seen)
	}
	if got := clusters(25 * time.Hour); len(got) != 1 {
		t.Errorf("with 25h: %v, want one cluster", got)
	}
	ms, err := ix.QueryIDWith(context.Background(), "mon", neardup.QueryOptions{Threshold: 0.8, Window: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"mon-copy", "undated"}) {
		t.Errorf("query with 12h: %v", ids)
	}
}

func TestParseWindow(t *testing.T) {
	for s, want := range map[string]time.Duration{"36h": 36 * time.Hour, "90m": 90 * time.Minute, "7d": 7 * 24 * time.Hour, "1.5d": 36 * time.Hour, "0": 0} {
		if got, err := neardup.ParseWindow(s); err != nil || got != want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "-1h", "-2d", "soon", "NaNd", "1e9d"} {
		if _, err := neardup.ParseWindow(s); err == nil {
			t.Errorf("ParseWindow(%q) accepted", s)
		}
	}
}
