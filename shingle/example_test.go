package shingle_test

import (
	"fmt"
	"log"
	"slices"

	"github.com/neardup/neardup/shingle"
)

// Two copies of a sentence that differ in case, typography and entities have the same shingle hashes; the tokens
// keep byte spans into the text as given.
func Example() {
	sh, err := shingle.New(shingle.Options{Size: 3})
	if err != nil {
		log.Fatal(err)
	}
	a := sh.Hashes(nil, []byte("Russia’s central bank RAISED rates &amp; the rouble rose."))
	b := sh.Hashes(nil, []byte("russia's Central Bank raised rates & the rouble rose"))
	fmt.Println(len(a), "shingles, equal:", slices.Equal(a, b))
	text := []byte("Oil prices rose on Monday.")
	for _, t := range shingle.NewTokenizer().Tokens(nil, text) {
		fmt.Printf("%q ", text[t.Start:t.End])
	}
	fmt.Println()
	// Output:
	// 6 shingles, equal: true
	// "Oil" "prices" "rose" "on" "Monday"
}
