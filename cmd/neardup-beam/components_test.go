package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"

	"github.com/neardup/neardup/internal/truth"
)

func formatLabel(node, label string) string { return node + "=" + label }

func init() {
	beam.RegisterFunction(formatLabel)
}

// unionFindLabels labels each node with the least node name of its component.
func unionFindLabels(names []string, edges []Edge) []any {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	var pairs []truth.Pair
	for _, e := range edges {
		pairs = append(pairs, truth.Pair{A: idx[e.A], B: idx[e.B]})
	}
	var out []any
	for _, comp := range truth.Components(len(names), pairs) {
		least := names[comp[0]]
		for _, i := range comp {
			least = min(least, names[i])
		}
		for _, i := range comp {
			out = append(out, formatLabel(names[i], least))
		}
	}
	return out
}

// TestComponentsAgainstUnionFind checks the distributed connected components on generated graphs.
func TestComponentsAgainstUnionFind(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	name := func(i int) string { return fmt.Sprintf("n%04d", i) }
	var edges []Edge
	// Chains of 6 nodes (diameter 5), numbered out of order so labels must travel.
	for c := range 10 {
		perm := rng.Perm(6)
		for i := 0; i+1 < 6; i++ {
			edges = append(edges, Edge{A: name(c*6 + perm[i]), B: name(c*6 + perm[i+1])})
		}
	}
	// Stars: a centre and 30 leaves.
	for c := range 3 {
		centre := 100 + c*31
		for l := 1; l <= 30; l++ {
			edges = append(edges, Edge{A: name(centre + l), B: name(centre)})
		}
	}
	// Many small components: random pairs and triangles.
	for i := 200; i+2 < 400; i += 3 {
		edges = append(edges, Edge{A: name(i), B: name(i + 1)})
		if rng.IntN(2) == 0 {
			edges = append(edges, Edge{A: name(i + 1), B: name(i + 2)}, Edge{A: name(i), B: name(i + 2)})
		}
	}
	var used []string
	seen := map[string]bool{}
	for _, e := range edges {
		for _, n := range []string{e.A, e.B} {
			if !seen[n] {
				seen[n] = true
				used = append(used, n)
			}
		}
	}
	want := unionFindLabels(used, edges)

	pipe, s := beam.NewPipelineWithRoot()
	labels, unconverged := Components(s, beam.CreateList(s, edges), 6)
	passert.Equals(s, beam.ParDo(s, formatLabel, labels), want...)
	passert.Empty(s, unconverged)
	if _, err := prism.Execute(context.Background(), pipe); err != nil {
		t.Fatal(err)
	}
}

// TestComponentsReportsUnconverged: a chain longer than the rounds is reported, not silently split.
func TestComponentsReportsUnconverged(t *testing.T) {
	var edges []Edge
	for i := 0; i < 12; i++ {
		edges = append(edges, Edge{A: fmt.Sprintf("c%02d", 12-i), B: fmt.Sprintf("c%02d", 11-i)})
	}
	pipe, s := beam.NewPipelineWithRoot()
	_, unconverged := Components(s, beam.CreateList(s, edges), 4)
	passert.NonEmpty(s, unconverged)
	if _, err := prism.Execute(context.Background(), pipe); err != nil {
		t.Fatal(err)
	}
}
