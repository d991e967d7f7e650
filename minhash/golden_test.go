package minhash

// Golden values for format version 1 (fast similarity sketch, SplitMix64 round keys): the first slots of the
// k = 16, seed 42 signature of {i·φ : i < 100}, the first 8 bytes of the SHA-256 of its encoding, and its first
// band key under 4 × 4.
var (
	goldenSig     = [4]uint64{0x13a985d7, 0x3265d7d9, 0x561192b8, 0xc063f6}
	goldenEncoded = "93eda0edf20b4ba4"
	goldenBand    = uint64(0x1f7f40d180dd26ae)
)
