//go:build amd64 && !purego

package minhash

// The rounds of Sum for k a power of two, in assembly: the compiler keeps the 128-bit multiplication's and the
// variable shift's fixed registers apart by moving values between registers and the stack on every shingle, and
// a call a round costs more than the round itself for the smallest sets. The loops are fullRoundsGo's,
// instruction for instruction (TestRoundsAssembly); build with -tags purego for the Go loops.

// haveAsm: Sum runs the assembly rounds.
const haveAsm = true

//go:noescape
func fullRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, k int, shift uint) int

// fullRounds is fullRoundsGo. sig has 2^(64-shift) slots (so that no slot index is out of range) and keys at least
// as many round keys.
func fullRounds(sig Signature, shingles []uint64, keys []uint64, shift uint) int {
	k := len(sig)
	if len(shingles) == 0 || len(keys) < k || k != 1<<(64-shift) {
		return fullRoundsGo(sig, shingles, keys, shift)
	}
	return fullRoundsAsm(&sig[0], &shingles[0], len(shingles), &keys[0], k, shift)
}
