package initchain

import (
	"testing"

	"github.com/unbake/unbake/functions/golden"
)

func TestGolden(t *testing.T) { golden.Run(t, Function, "testdata") }

func FuzzInitChain(f *testing.F) { golden.Fuzz(f, Function, "testdata") }
