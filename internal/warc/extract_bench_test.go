package warc

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/neardup/neardup/internal/corpus"
)

// BenchmarkExtract extracts the real pages of ../shared/data/html (each iteration one page, in turn), as
// neardup index --format html does: decoding, parsing, the whole page's text blocks and the article.
func BenchmarkExtract(b *testing.B) {
	dir := corpus.Shared(b, "html/pages")
	files, _ := filepath.Glob(filepath.Join(dir, "*.html.gz"))
	var pages [][]byte
	var size int64
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		page, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, page)
		size += int64(len(page))
	}
	if len(pages) == 0 {
		b.Skip("no pages")
	}
	b.SetBytes(size / int64(len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(pages[i%len(pages)], "", "https://news.example/a")
	}
}
