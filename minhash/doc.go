// Package minhash computes MinHash signatures of shingle sets and the LSH band keys that index them.
//
// It takes 64-bit shingle hashes (package shingle makes them) and never sees text.
//
// # Signatures
//
// A signature has k slots (default 128, any k in [16, 1024]) and is computed by fast similarity sketching
// (Dahlgaard, Knudsen and Thorup, "Fast Similarity Sketching", FOCS 2017): round i < k sends every shingle to a
// random slot with value i·2³² + r, later rounds fill any slot still empty, and the sketch stops as soon as every
// slot is filled. Each slot agrees between two sets with probability exactly their Jaccard similarity, as with
// k-permutation MinHash, and the cost is O(n + k log k) instead of O(n·k).
//
// Why not one-permutation hashing with densification (Shrivastava 2017)? It is cheaper still for long texts, but
// a set of n < k shingles fills at most n slots and densification copies them: the k slots then hold about n
// independent samples, and the estimate's error grows to sqrt(J(1−J)/n). News wires are full of short items
// (most Reuters-21578 stories have fewer than 128 shingles), where that fails the accuracy bar that the tests
// hold every signature to: mean error within ±0.01 and RMSE at most 1.2·sqrt(J(1−J)/k) for sets of 10 to 20,000
// shingles. Fast similarity sketching meets it at every size.
//
// Signatures are deterministic for a (seed, k, algorithm) triple and have a versioned byte encoding
// ([Hasher.AppendEncoded], [Decode]); golden tests pin both.
//
// # LSH banding
//
// [Optimal] chooses b bands of r rows (b·r <= k) for a threshold by minimising weighted false-positive and
// false-negative areas under the S-curve 1 − (1 − s^r)^b; [DefaultWeights] favour recall, because every candidate
// is verified exactly afterwards. [Params.AppendBandKeys] hashes each band with its index into a 64-bit key
// without allocating.
package minhash
