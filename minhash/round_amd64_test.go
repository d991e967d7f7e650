//go:build amd64 && !purego

package minhash

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRoundsAssembly: the assembly rounds leave the signature, the open bitmap and the counts the Go rounds leave,
// for every power-of-two k, sets smaller and larger than k, and every switch point between the two phases.
func TestRoundsAssembly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for k := MinK; k <= MaxK; k *= 2 {
		h, _ := New(k, rng.Uint64())
		shift := uint(64)
		for 1<<(64-shift) < k {
			shift--
		}
		for _, n := range []int{1, 2, 7, 40, 300, 3000} {
			set := make([]uint64, n)
			for i := range set {
				set[i] = rng.Uint64()
			}
			set[n-1] = set[0] // a repeated shingle
			for _, share := range []int{1, 2, 4, 16, k} {
				want := k - k/share
				sigGo, sigAsm := slices.Clone(empties[:k]), slices.Clone(empties[:k])
				iGo, fGo := fullRoundsGo(sigGo, set, h.keys, shift, want)
				iAsm, fAsm := fullRounds(sigAsm, set, h.keys, shift, want)
				if iGo != iAsm || fGo != fAsm || !slices.Equal(sigGo, sigAsm) {
					t.Fatalf("k=%d n=%d want=%d: full rounds: asm (%d, %d), go (%d, %d), signatures equal %v",
						k, n, want, iAsm, fAsm, iGo, fGo, slices.Equal(sigGo, sigAsm))
				}
				if iGo >= k || fGo == k {
					continue
				}
				var openGo, openAsm [MaxK / 64]uint64
				for j, v := range sigGo {
					openGo[j>>6] |= (v >> 63) << (j & 63)
				}
				openAsm = openGo
				jGo := openRoundsGo(sigGo, set, h.keys, iGo, shift, &openGo)
				jAsm := openRounds(sigAsm, set, h.keys, iGo, shift, &openAsm)
				if jGo != jAsm || openGo != openAsm || !slices.Equal(sigGo, sigAsm) {
					t.Fatalf("k=%d n=%d from round %d: open rounds: asm stopped after %d, go after %d; bitmaps "+
						"equal %v, signatures equal %v", k, n, iGo, jAsm, jGo, openGo == openAsm,
						slices.Equal(sigGo, sigAsm))
				}
			}
		}
	}
}
