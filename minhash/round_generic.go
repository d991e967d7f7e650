//go:build !amd64 || purego

package minhash

func fullRounds(sig Signature, shingles []uint64, keys []uint64, shift uint, want int) (int, int) {
	return fullRoundsGo(sig, shingles, keys, shift, want)
}

func openRounds(sig Signature, shingles []uint64, keys []uint64, i int, shift uint, open *[MaxK / 64]uint64) int {
	return openRoundsGo(sig, shingles, keys, i, shift, open)
}
