package shingle

// goldenShingles are the word 5-shingle hashes of "The quick brown fox jumps over the lazy dog.", format v1.
var goldenShingles = [5]uint64{0xaa25e926a568d8e2, 0xd6357313c84f3a0b, 0x4df57bfd576150b8, 0x987822c5d94554e3, 0xf75d3c4deb4a5ff8}
