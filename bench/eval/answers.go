package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/neardup/neardup"
)

// Answer is one answer of the short-answer reuse corpus (Clough and Stevenson 2011) with its reuse score
// against its task's source, as the index gives it.
type Answer struct {
	Task, File, Kind string // Kind: cut, light, heavy or non
	Reuse            float64
	Held             bool // the answer's writer is in the held-out half
}

// ShortAnswers indexes the answers of the corpus in dir (../shared/data/reuse-short-answers) into a new index in
// ixDir, built with cfg, and asks, for each task's source, the reuse of every answer (Index.QueryDocWith with Reuse), as an
// editor asks which articles were written from a wire story. An answer the query does not return scores 0.
// Writers are split in halves by a hash of their id: one for choosing the threshold, one for the figures.
func ShortAnswers(dir, ixDir string, cfg neardup.Config) ([]Answer, error) {
	labels, err := os.ReadFile(filepath.Join(dir, "all-plagiarised-files.txt"))
	if err != nil {
		return nil, err
	}
	var answers []Answer
	var docs []*neardup.Doc
	for _, l := range strings.Split(strings.TrimSpace(string(labels)), "\n") {
		f := strings.Split(strings.TrimSpace(l), ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("labels: %q", l)
		}
		text, err := os.ReadFile(filepath.Join(dir, f[1]))
		if err != nil {
			return nil, err
		}
		writer, _, _ := strings.Cut(f[1], "_")
		answers = append(answers, Answer{Task: f[0], File: f[1], Kind: f[2], Held: xxhash.Sum64String("reuse-split:"+writer)&1 == 1})
		docs = append(docs, &neardup.Doc{ID: f[1], Text: string(text)})
	}
	ix, err := neardup.Open(ixDir, &neardup.Options{Config: &cfg})
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	if _, err := ix.AddDocs(context.Background(), docs, nil); err != nil {
		return nil, err
	}
	scores := map[[2]string]float64{}
	tasks := map[string]bool{}
	for _, a := range answers {
		tasks[a.Task] = true
	}
	for task := range tasks {
		text, err := os.ReadFile(filepath.Join(dir, task))
		if err != nil {
			return nil, err
		}
		ms, err := ix.QueryDocWith(context.Background(), &neardup.Doc{ID: task, Text: string(text)}, neardup.QueryOptions{Reuse: 1e-9})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			scores[[2]string{task, m.ID}] = m.Reuse
		}
	}
	for i := range answers {
		answers[i].Reuse = scores[[2]string{answers[i].Task, answers[i].File}]
	}
	sort.Slice(answers, func(i, j int) bool {
		if answers[i].Task != answers[j].Task {
			return answers[i].Task < answers[j].Task
		}
		return answers[i].Reuse > answers[j].Reuse
	})
	return answers, nil
}

// ReuseRow sums up the answers of one half at a threshold.
type ReuseRow struct {
	Half      string
	Threshold float64
	// Flagged are the shares of cut and light answers, of heavy ones and of non answers scoring at or above the
	// threshold.
	CutLight, Heavy, Non float64
	// Separated counts the tasks in which every cut and light answer scores above every non answer.
	Separated, Tasks int
	// Low lists the cut and light answers under the threshold and the non answers at or above it.
	Low []string
}

// ReuseAt scores the answers of one half (held or not) at threshold t.
func ReuseAt(answers []Answer, held bool, t float64) ReuseRow {
	r := ReuseRow{Half: "tune", Threshold: t}
	if held {
		r.Half = "held"
	}
	var cl, cln, hv, hvn, non, nonn int
	minCL, maxNon := map[string]float64{}, map[string]float64{}
	for _, a := range answers {
		if a.Held != held {
			continue
		}
		flag := a.Reuse >= t
		switch a.Kind {
		case "cut", "light":
			cln++
			if flag {
				cl++
			} else {
				r.Low = append(r.Low, fmt.Sprintf("%s %s %.3f", a.File, a.Kind, a.Reuse))
			}
			if v, ok := minCL[a.Task]; !ok || a.Reuse < v {
				minCL[a.Task] = a.Reuse
			}
		case "heavy":
			hvn++
			if flag {
				hv++
			}
		default:
			nonn++
			if flag {
				non++
				r.Low = append(r.Low, fmt.Sprintf("%s non %.3f", a.File, a.Reuse))
			}
			maxNon[a.Task] = max(maxNon[a.Task], a.Reuse)
		}
	}
	share := func(k, n int) float64 {
		if n == 0 {
			return 0
		}
		return float64(k) / float64(n)
	}
	r.CutLight, r.Heavy, r.Non = share(cl, cln), share(hv, hvn), share(non, nonn)
	for task, v := range minCL {
		r.Tasks++
		if v > maxNon[task] {
			r.Separated++
		}
	}
	return r
}
