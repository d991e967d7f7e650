// Package shingle turns an article's raw text into the units neardup compares: normalised tokens, shingle hashes
// and passages, each with byte spans into the original input.
//
// It knows nothing about MinHash: it emits 64-bit hashes, stable across machines, architectures and releases
// (golden tests pin them, because stored indexes depend on them).
//
// # Normalisation
//
// Every rule below applies to the input as given; nothing is rewritten in place, so every span points into the
// caller's bytes.
//
//   - HTML character references are decoded: numeric ones (&#8217; &#x2019;) for any code point, and the named
//     ones scraped news uses (&amp; &nbsp; &rsquo; &mdash; &hellip; &eacute; and the other Latin-1 letters; the
//     table is in entity.go). An unknown name is left as written: its '&' and ';' separate, its name is a word.
//     References to NUL, surrogates or beyond U+10FFFF decode to U+FFFD, a separator.
//   - Invalid UTF-8 never panics: each bad byte is a separator. U+FFFD itself is a separator too.
//   - Zero-width and format characters (soft hyphen, ZWSP, ZWJ, ZWNJ, word joiner, BOM and the rest of category Cf)
//     are dropped: "exam\u00adple" is one token "example". Control characters (Cc) are separators.
//   - Typographic apostrophes (U+2019, U+2018, U+02BC, U+FF07) are the ASCII apostrophe. Typographic quotes,
//     dashes and ellipses are punctuation, hence separators, exactly as the ASCII quote, hyphen and "..." are.
//   - Each token is Unicode NFKC-normalised, fully case-folded (Straße and STRASSE are "strasse"), and
//     NFKC-normalised again. ASCII tokens take a fast path (a table lower-cases them) with the same result.
//
// # Tokens
//
// A token is a run of word characters (Unicode letters L*, numbers N* and marks M*), with these joins:
//
//   - An apostrophe between two word characters joins them: "Russia's" and "Russia’s" are both "russia's".
//   - '.', ',' and '/' between two digits join them: "3.5", "1,000,000", "1/4". So "6-1/4" is "6" and "1/4".
//   - Anything else separates: "al-Assad" is "al" "assad", "U.S." is "u" "s", a URL such as
//     "https://www.reuters.com/a-b" is "https" "www" "reuters" "com" "a" "b".
//
// Characters of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are one token
// each, with any combining marks that follow, so shingles over Chinese, Japanese or Thai news are character
// n-grams.
//
// A token's hash is xxhash64 of its normalised UTF-8 form. [Tokenizer.Normalize] returns the normalised tokens
// one space apart, and is idempotent.
//
// # Shingles
//
// A word k-shingle (default k = 5) is k consecutive tokens; with [Chars] a shingle is k consecutive normalised
// characters, counting one space between tokens. Its hash is a polynomial over the units' hashes, rolled in O(1)
// per shingle and finished with MurmurHash3's fmix64. A text with fewer than k units has one shingle of all its
// units; a text with none has none. Each [Shingle] carries the span from its first unit's start to its last
// unit's end.
//
// # Passages
//
// [AppendPassages] cuts an article into paragraphs and cuts paragraphs longer than PassageOptions.Window tokens (default 64) into windows of that many
// tokens, half overlapping. Paragraphs under PassageOptions.MinTokens tokens (default 8) are not passages. A
// paragraph ends at a blank line when the text has any (single newlines are then line wrapping, as in e-mail and
// Usenet posts); in a text without blank lines, as scrapers often write, it ends at every newline. U+2029 always
// ends one.
//
// # Usage
//
//	s, _ := shingle.New(shingle.Options{}) // word 5-shingles
//	hashes := s.Hashes(nil, []byte(text))
//
// A Shingler reuses its buffers; it allocates nothing per token or shingle once warm. It is not safe for
// concurrent use: make one per goroutine.
package shingle
