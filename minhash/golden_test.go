package minhash

// Golden values for format version 1 (fast similarity sketch, SplitMix64 round keys, multiply-fold slot hash): the first slots of the
// k = 16, seed 42 signature of {i·φ : i < 100}, the first 8 bytes of the SHA-256 of its encoding, and its first
// band key under 4 × 4.
var (
	goldenSig     = [4]uint64{0x40919d72, 0x17448306, 0x8947f3e, 0x79a1b82}
	goldenEncoded = "edebef203a00af19"
	goldenBand    = uint64(0x942dd89d6f2addec)
)
