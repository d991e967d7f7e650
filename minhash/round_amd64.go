//go:build amd64 && !purego

package minhash

// The rounds of Sum for k a power of two, in assembly: the compiler keeps the 128-bit multiplication's and the
// variable shift's fixed registers apart by moving values between registers and the stack on every shingle, and
// a call a round costs more than the round itself for the smallest sets. The loops are fullRoundsGo's and
// openRoundsGo's, instruction for instruction (TestRoundsAssembly); build with -tags purego for the Go loops.

//go:noescape
func fullRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, k int, shift uint, want int) (int, int)

//go:noescape
func openRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, i, k int, shift uint, open, done *[MaxK / 64]uint64) int

// fullRounds is fullRoundsGo. sig has 2^(64-shift) slots (so that no slot index is out of range) and keys at least
// as many round keys.
func fullRounds(sig Signature, shingles []uint64, keys []uint64, shift uint, want int) (int, int) {
	k := len(sig)
	if len(shingles) == 0 || len(keys) < k || k != 1<<(64-shift) {
		return fullRoundsGo(sig, shingles, keys, shift, want)
	}
	return fullRoundsAsm(&sig[0], &shingles[0], len(shingles), &keys[0], k, shift, want)
}

// openRounds is openRoundsGo, under fullRounds' conditions.
func openRounds(sig Signature, shingles []uint64, keys []uint64, i int, shift uint, open *[MaxK / 64]uint64) int {
	k := len(sig)
	if len(shingles) == 0 || len(keys) < k || k != 1<<(64-shift) || k > MaxK || i >= k {
		return openRoundsGo(sig, shingles, keys, i, shift, open)
	}
	var done [MaxK / 64]uint64
	return openRoundsAsm(&sig[0], &shingles[0], len(shingles), &keys[0], i, k, shift, open, &done)
}
