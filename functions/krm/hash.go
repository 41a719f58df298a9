package krm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash is a short hash of the values' JSON: it identifies a config's effect (recorded on
// what a function changed) independently of how the config's YAML is formatted.
func Hash(values ...any) string {
	data, _ := json.Marshal(values)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}
