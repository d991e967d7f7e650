package neardup

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/neardup/neardup/input"
	"github.com/neardup/neardup/store"
)

// Limits on one article (package input's, where they are enforced as articles are read).
const (
	MaxIDBytes      = input.MaxIDBytes
	MaxArticleBytes = input.MaxArticleBytes
	MaxLineBytes    = input.MaxLineBytes
)

// ErrRejected marks an article refused on its own (a bad id, too large, too old for the retention period...):
// it is one rejection, reported through AddOptions.Reject, never a failed batch. Every rejection's error is a
// *RejectError, which matches ErrRejected with errors.Is.
var ErrRejected = errors.New("neardup: article rejected")

// RejectError is why one article was refused. Its text is the reason alone, in words, for "ID: reason" lines.
type RejectError struct {
	Reason string
	Err    error // the underlying error, if any (store.ErrExpired, ErrCopyGone...)
}

func (e *RejectError) Error() string           { return e.Reason }
func (e *RejectError) Unwrap() error           { return e.Err }
func (e *RejectError) Is(target error) bool    { return target == ErrRejected }
func reject(format string, a ...any) error     { return &RejectError{Reason: fmt.Sprintf(format, a...)} }
func rejectErr(err error, reason string) error { return &RejectError{Reason: reason, Err: err} }

// checkID returns why id cannot name an article, or nil.
func checkID(id string) error {
	switch {
	case id == "":
		return reject("empty id")
	case len(id) > MaxIDBytes:
		return reject("id of %d bytes (the longest is %d)", len(id), MaxIDBytes)
	case !utf8.ValidString(id):
		return reject("id is not valid UTF-8")
	}
	return nil
}

// checkDoc returns why d cannot be indexed, or nil.
func checkDoc(d *Doc) error {
	if err := checkID(d.ID); err != nil {
		return err
	}
	if len(d.Text) > MaxArticleBytes {
		return reject("text of %d bytes (the largest article is %d)", len(d.Text), MaxArticleBytes)
	}
	return nil
}

// storeRejection turns the store's refusal of one article into a rejection; other errors (a failed write) are
// returned as they are.
func storeRejection(err error) error {
	switch {
	case errors.Is(err, store.ErrExpired):
		return rejectErr(err, "older than the retention period")
	case errors.Is(err, store.ErrTooLarge):
		return rejectErr(err, "too large for one transaction")
	case errors.Is(err, store.ErrCollision):
		return rejectErr(err, "its id has the same 64-bit hash as another indexed id")
	case errors.Is(err, store.ErrInvalid):
		return rejectErr(err, "invalid shingle set")
	}
	return err
}

// ShortID returns id for a message: cut to 80 bytes (on a character boundary) with its length when longer, and
// quoted when it holds anything but printable characters.
func ShortID(id string) string {
	if len(id) <= 80 {
		return id
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(id[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", id[:cut], len(id))
}
