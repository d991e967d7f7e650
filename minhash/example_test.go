package minhash_test

import (
	"fmt"
	"log"

	"github.com/neardup/neardup/minhash"
)

// Two sets of 1,000 shingles sharing 900 (Jaccard 900/1100 = 0.82): the signatures estimate it, and the banding
// tuned for 0.8 makes them a candidate pair with probability 0.99.
func Example() {
	a, b := make([]uint64, 0, 1000), make([]uint64, 0, 1000)
	for i := range uint64(1000) {
		a = append(a, i*0x9e3779b97f4a7c15+1)
		b = append(b, (i+100)*0x9e3779b97f4a7c15+1)
	}
	h, err := minhash.New(128, 1)
	if err != nil {
		log.Fatal(err)
	}
	sa, sb := h.Sum(nil, a), h.Sum(nil, b)
	fmt.Printf("estimate %.2f (exact %.2f)\n", minhash.Jaccard(sa, sb), 900.0/1100)
	p, err := minhash.Optimal(0.8, 128, minhash.DefaultWeights)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bands of %d rows; P(candidate | J = 0.82) = %.2f\n", p.Bands, p.Rows, p.Probability(900.0/1100))
	ka, kb := p.AppendBandKeys(nil, sa), p.AppendBandKeys(nil, sb)
	shared := 0
	for i := range ka {
		if ka[i] == kb[i] {
			shared++
		}
	}
	fmt.Println("shared band keys:", shared > 0)
	// Output:
	// estimate 0.84 (exact 0.82)
	// 17 bands of 7 rows; P(candidate | J = 0.82) = 0.99
	// shared band keys: true
}
