// Command neardup finds near-duplicate news articles.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "neardup: not yet built")
	os.Exit(2)
}
