package warc

import "testing"

// TestPageDate: a page's published date comes from its metadata (JSON-LD, article:published_time) or its
// markup (itemprop="datePublished", a <time datetime> in the article or marked pubdate); a page with none has
// none, whatever <time> elements its header shows.
func TestPageDate(t *testing.T) {
	body := `<p>The harbour authority approved the new ferry terminal on Tuesday after two years of consultation with residents of the bay.</p><p>Construction will begin in the spring and the first boats are expected to dock there before the end of next year, officials said.</p>`
	cases := []struct{ name, head, pre, inArticle, want string }{
		{"json-ld", `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","datePublished":"2015-01-12T08:30:00Z"}</script>`, "", "", "2015-01-12T08:30:00Z"},
		{"meta", `<meta property="article:published_time" content="2015-01-12T08:30:00+01:00">`, "", "", "2015-01-12T07:30:00Z"},
		{"itemprop", "", "", `<span itemprop="datePublished" content="Jan 12, 2015">12 January</span>`, "2015-01-12T00:00:00Z"},
		{"time in article", "", `<header><time datetime="2026-12-06">Today</time></header>`, `<time datetime="2015-01-12 08:30">12 Jan</time>`, "2015-01-12T08:30:00Z"},
		{"time outside the article", "", `<header><time datetime="2026-12-06">Today</time></header>`, "", ""},
		{"none", "", "", "", ""},
	}
	for _, c := range cases {
		page := `<html><head><title>Ferry terminal approved</title>` + c.head + `</head><body>` + c.pre + `<article><h1>Ferry terminal approved</h1>` + c.inArticle + body + `</article></body></html>`
		p, err := Extract([]byte(page), "utf-8", "https://coast.example/a")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p.Date != c.want {
			t.Errorf("%s: date %q, want %q", c.name, p.Date, c.want)
		}
	}
}
