package minhash

import (
	"fmt"
	"testing"
)

var sinkSig Signature

func BenchmarkSum(b *testing.B) {
	for _, n := range []int{10, 30, 100, 300, 1000, 10000} {
		for _, k := range []int{64, 128, 256} {
			b.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(b *testing.B) {
				h, _ := New(k, 1)
				set := make([]uint64, n)
				for i := range set {
					set[i] = mix(uint64(i))
				}
				sig := make(Signature, 0, k)
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					sig = h.Sum(sig[:0], set)
				}
				sinkSig = sig
			})
		}
	}
}

func BenchmarkBandKeys(b *testing.B) {
	h, _ := New(128, 1)
	sig := h.Sum(nil, []uint64{1, 2, 3, 4, 5})
	p := Params{17, 7}
	keys := make([]uint64, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		keys = p.AppendBandKeys(keys[:0], sig)
	}
}
