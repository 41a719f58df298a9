//go:build !unbakecheck

package krm

const checked = false
