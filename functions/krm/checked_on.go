//go:build unbakecheck

package krm

// checked turns on the checks of the rules that Each and ItemsWith cannot enforce by
// their types (`go test -tags unbakecheck`; `make unit` runs the suites this way too).
const checked = true
