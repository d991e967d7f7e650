package warc

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// Site returns the site a page belongs to: the registered domain of its URL's host (the public suffix plus one
// label: news.example.co.uk and www.example.co.uk are example.co.uk), lower-cased. A Wayback Machine address
// (web.archive.org/web/TIMESTAMP/URL) is the site of the archived URL. It returns "" for a URL without a host.
func Site(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "web.archive.org" {
		// /web/20190101000000/https://www.example.com/story
		parts := strings.SplitN(strings.TrimPrefix(u.Path, "/"), "/", 3)
		if len(parts) == 3 && parts[0] == "web" {
			inner := parts[2]
			if !strings.Contains(inner, "://") {
				inner = "http://" + inner
			}
			if s := Site(inner); s != "" {
				return s
			}
		}
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return strings.TrimPrefix(host, "www.")
}

// declaredURL returns the page's own URL as it declares it: <link rel="canonical" href>, else <meta
// property="og:url" content>, resolved against base; "" when it declares none.
func declaredURL(doc *html.Node, base *url.URL) string {
	var canonical, og string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if canonical != "" || n == nil {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") {
					canonical = attr(n, "href")
				}
			case atom.Meta:
				if strings.EqualFold(attr(n, "property"), "og:url") && og == "" {
					og = attr(n, "content")
				}
			case atom.Body:
				return // declarations live in the head
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	raw := canonical
	if raw == "" {
		raw = og
	}
	if raw = strings.TrimSpace(raw); raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Host == "" {
		return ""
	}
	return u.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// markupDate returns the published date a page's markup gives where its metadata (which the extractor reads:
// JSON-LD datePublished, article:published_time and the like) gives none: an element marked
// itemprop="datePublished" (its content or datetime attribute), else the first <time datetime> inside an
// <article>, or one marked pubdate. "" when there is none.
func markupDate(doc *html.Node) string {
	var marked, inArticle string
	var walk func(n *html.Node, article bool)
	walk = func(n *html.Node, article bool) {
		if marked != "" || n == nil {
			return
		}
		if n.Type == html.ElementNode {
			if strings.EqualFold(attr(n, "itemprop"), "datePublished") {
				if v := strings.TrimSpace(attr(n, "content")); v != "" {
					marked = v
				} else if v := strings.TrimSpace(attr(n, "datetime")); v != "" {
					marked = v
				}
			}
			switch n.DataAtom {
			case atom.Article:
				article = true
			case atom.Time:
				if v := strings.TrimSpace(attr(n, "datetime")); v != "" && inArticle == "" {
					if _, pub := attrOK(n, "pubdate"); article || pub {
						inArticle = v
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, article)
		}
	}
	walk(doc, false)
	if marked != "" {
		return marked
	}
	return inArticle
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}
