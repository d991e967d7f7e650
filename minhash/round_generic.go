//go:build !amd64 || purego

package minhash

// haveAsm: this build has no assembly rounds.
const haveAsm = false

func fullRounds(sig Signature, shingles []uint64, keys []uint64, shift uint) int {
	return fullRoundsGo(sig, shingles, keys, shift)
}
