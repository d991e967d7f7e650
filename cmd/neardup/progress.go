package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/neardup/neardup"
)

// progress draws an indexing progress bar on stderr when it is a terminal (articles, percent of the input read,
// MB/s, ETA) and nothing otherwise, so pipes and cron logs get only the summary line. github.com/vbauerster/mpb
// draws it: it handles terminal width, redraw rate and the final line better than a hand-written \r loop.
type progress struct {
	p        *mpb.Progress
	bar      *mpb.Bar
	read     *atomic.Int64
	articles atomic.Int64
}

func newProgress(w io.Writer, total int64, read *atomic.Int64) *progress {
	pr := &progress{read: read}
	return pr.start(w, total,
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
			return fmt.Sprintf("%d articles", pr.articles.Load())
		}, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.Percentage(decor.WCSyncSpace),
			decor.AverageSpeed(decor.SizeB1000(0), "% .1f", decor.WCSyncSpace),
			decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO),
		))
}

// start draws the bar when w is a terminal.
func (pr *progress) start(w io.Writer, total int64, opts ...mpb.BarOption) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return pr
	}
	pr.p = mpb.New(mpb.WithOutput(w), mpb.WithAutoRefresh(), mpb.WithRefreshRate(200*time.Millisecond), mpb.WithWidth(30))
	pr.bar = pr.p.New(total, mpb.BarStyle(), opts...)
	return pr
}

func (pr *progress) update(st neardup.AddStats) {
	if pr.bar == nil {
		return
	}
	pr.articles.Store(int64(st.Added + st.Replaced + st.Unchanged))
	pr.bar.SetCurrent(pr.read.Load())
}

func (pr *progress) done() {
	if pr.bar == nil {
		return
	}
	pr.bar.Abort(true)
	pr.p.Wait()
}

// newCountProgress is newProgress for a job counted in articles rather than bytes (neardup rebuild): read counts
// the articles read of total.
func newCountProgress(w io.Writer, total int64, read *atomic.Int64) *progress {
	pr := &progress{read: read}
	return pr.start(w, total,
		mpb.PrependDecorators(decor.CountersNoUnit("%d / %d articles", decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.Percentage(decor.WCSyncSpace),
			decor.AverageSpeed(0, "%.0f articles/s", decor.WCSyncSpace),
			decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO),
		))
}
