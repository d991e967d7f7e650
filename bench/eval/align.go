package eval

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/bench/gen"
)

// PAN are the text-alignment measures of the PAN shared tasks (Potthast et al. 2010): macro recall, the mean over
// cases of the share of a case's characters (of both documents) that the detections detecting it cover; macro
// precision, the mean over detections of the share of a detection's characters that the cases it detects
// cover; granularity, the mean number of detections of a detected case; plagdet = F1 / log2(1 + granularity).
// A detection detects a case when they name the same two documents and overlap in both.
type PAN struct {
	Recall, Precision, Granularity, Plagdet float64
	Cases, Detections, Detected             int
}

func (p PAN) String() string {
	return fmt.Sprintf("recall %.3f, precision %.3f, granularity %.3f, plagdet %.3f (%d cases, %d detected, %d detections)",
		p.Recall, p.Precision, p.Granularity, p.Plagdet, p.Cases, p.Detected, p.Detections)
}

// span is a byte range, end exclusive.
type span struct{ lo, hi int }

func (s span) overlaps(t span) bool { return s.lo < t.hi && t.lo < s.hi }

// covered returns how many bytes of s the spans cover.
func covered(s span, spans []span) int {
	var in []span
	for _, t := range spans {
		if t.overlaps(s) {
			in = append(in, span{max(s.lo, t.lo), min(s.hi, t.hi)})
		}
	}
	slices.SortFunc(in, func(a, b span) int { return a.lo - b.lo })
	n, end := 0, s.lo
	for _, t := range in {
		if t.hi <= end {
			continue
		}
		n += t.hi - max(t.lo, end)
		end = t.hi
	}
	return n
}

// Detection is one passage a system reports: bytes [SuspStart, SuspEnd) of Susp aligned with [SrcStart,
// SrcEnd) of Source.
type Detection struct {
	Susp               string
	SuspStart, SuspEnd int
	Source             string
	SrcStart, SrcEnd   int
}

// ScoreAlignment computes the PAN measures of dets against cases.
func ScoreAlignment(cases []gen.Case, dets []Detection) PAN {
	type key struct{ susp, src string }
	bySusp := map[key][]int{}
	for i, d := range dets {
		k := key{d.Susp, d.Source}
		bySusp[k] = append(bySusp[k], i)
	}
	caseOf := map[key][]int{}
	for i, c := range cases {
		k := key{c.Susp, c.Source}
		caseOf[k] = append(caseOf[k], i)
	}
	p := PAN{Cases: len(cases), Detections: len(dets)}
	var recall, gran float64
	for _, c := range cases {
		cs, cr := span{c.SuspStart, c.SuspEnd}, span{c.SrcStart, c.SrcEnd}
		var ss, rs []span
		for _, i := range bySusp[key{c.Susp, c.Source}] {
			d := dets[i]
			ds, dr := span{d.SuspStart, d.SuspEnd}, span{d.SrcStart, d.SrcEnd}
			if ds.overlaps(cs) && dr.overlaps(cr) {
				ss, rs = append(ss, ds), append(rs, dr)
			}
		}
		if len(ss) > 0 {
			p.Detected++
			gran += float64(len(ss))
			recall += float64(covered(cs, ss)+covered(cr, rs)) / float64(cs.hi-cs.lo+cr.hi-cr.lo)
		}
	}
	var precision float64
	for _, d := range dets {
		ds, dr := span{d.SuspStart, d.SuspEnd}, span{d.SrcStart, d.SrcEnd}
		var ss, rs []span
		for _, i := range caseOf[key{d.Susp, d.Source}] {
			c := cases[i]
			cs, cr := span{c.SuspStart, c.SuspEnd}, span{c.SrcStart, c.SrcEnd}
			if ds.overlaps(cs) && dr.overlaps(cr) {
				ss, rs = append(ss, cs), append(rs, cr)
			}
		}
		if n := ds.hi - ds.lo + dr.hi - dr.lo; n > 0 && len(ss) > 0 {
			precision += float64(covered(ds, ss)+covered(dr, rs)) / float64(n)
		}
	}
	if p.Cases > 0 {
		p.Recall = recall / float64(p.Cases)
	}
	if p.Detections > 0 {
		p.Precision = precision / float64(p.Detections)
	}
	p.Granularity = 1
	if p.Detected > 0 {
		p.Granularity = gran / float64(p.Detected)
	}
	if p.Recall+p.Precision > 0 {
		f1 := 2 * p.Recall * p.Precision / (p.Recall + p.Precision)
		p.Plagdet = f1 / math.Log2(1+p.Granularity)
	}
	return p
}

// AlignRun is one text-alignment run: its scores and how long the queries took.
type AlignRun struct {
	PAN
	Index           time.Duration
	P50, P99, Total time.Duration
	Detections      []Detection
}

// AlignThroughIndex indexes set's sources in a new index in dir (built with cfg) and asks it, for every
// suspicious document, the passages it holds of indexed articles (Index.AlignDoc: the index finds the
// candidates, none is given), and scores them against the set's cases.
func AlignThroughIndex(dir string, cfg neardup.Config, set gen.AlignSet, o neardup.AlignOptions) (AlignRun, error) {
	var run AlignRun
	ix, err := neardup.Open(dir, &neardup.Options{Config: &cfg})
	if err != nil {
		return run, err
	}
	defer ix.Close()
	start := time.Now()
	if _, err := ix.AddDocs(context.Background(), set.Sources, nil); err != nil {
		return run, err
	}
	run.Index = time.Since(start)
	var dets []Detection
	var lat []time.Duration
	for _, d := range set.Susp {
		t := time.Now()
		as, err := ix.AlignDoc(context.Background(), d, o)
		if err != nil {
			return run, fmt.Errorf("%s: %w", d.ID, err)
		}
		lat = append(lat, time.Since(t))
		for _, a := range as {
			dets = append(dets, Detection{Susp: d.ID, SuspStart: a.Start, SuspEnd: a.End, Source: a.ID, SrcStart: a.SourceStart, SrcEnd: a.SourceEnd})
		}
	}
	run.PAN, run.Detections = ScoreAlignment(set.Cases, dets), dets
	slices.Sort(lat)
	for _, l := range lat {
		run.Total += l
	}
	if len(lat) > 0 {
		run.P50, run.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return run, nil
}
